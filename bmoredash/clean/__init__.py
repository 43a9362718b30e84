"""One chain from any ``SourceFrame`` to the canonical schema, plus a quality report.
Re-exports only, so that ``bmoredash.clean.X`` works for every public X (``UTC`` and
``WALL`` are ``bmoredash.sources``' clock names, re-exported as before). The modules, in
reading order:

- ``text``: whole-column text rules, missing-value markers;
- ``dates``: clocks, formats and Baltimore time; implausible dates;
- ``offenses``: the canonical offense of a row;
- ``places``: coordinates, districts, neighborhoods, posts;
- ``people``: labels, inside/outside, gender and age;
- ``identity``: duplicates, content hashes and ids;
- ``results``: ``QualityReport`` and ``CleanResult``;
- ``chain``: ``clean``, the rules applied in order.
"""

from bmoredash.clean.chain import clean
from bmoredash.clean.dates import (
    OCCURRED_DTYPE,
    clock_seconds,
    combine_date_and_time,
    date_problems,
    localize_city_time,
    parse_clock,
    parse_timestamp,
    plausible_start,
    to_city_time,
)
from bmoredash.clean.identity import (
    content_hashes,
    identical_rows,
    incident_ids,
    record_ids,
    repeated_record_ids,
)
from bmoredash.clean.offenses import classify_offenses, unmapped_label
from bmoredash.clean.people import (
    INSIDE_OUTSIDE,
    clean_age,
    normalize_gender,
    normalize_inside_outside,
    published_or_unknown,
    upper_or_unknown,
)
from bmoredash.clean.places import (
    DISTRICT_CATEGORIES,
    MIN_EXPANDED_PREFIX,
    choose_districts,
    coordinates_from_point,
    coordinates_from_text,
    expand_truncated_name,
    expand_truncated_neighborhoods,
    in_city_box,
    locate,
    normalize_district,
    normalize_neighborhood,
    normalize_post,
    repair_coordinates,
)
from bmoredash.clean.results import QUARANTINE_COLUMNS, CleanResult, QualityReport
from bmoredash.clean.text import MISSING_MARKERS, TEXT, UNKNOWN, as_text, collapse_spaces, strip_bom
from bmoredash.sources import UTC, WALL

__all__ = [
    "CleanResult",
    "DISTRICT_CATEGORIES",
    "INSIDE_OUTSIDE",
    "MIN_EXPANDED_PREFIX",
    "MISSING_MARKERS",
    "OCCURRED_DTYPE",
    "QUARANTINE_COLUMNS",
    "QualityReport",
    "TEXT",
    "UNKNOWN",
    "UTC",
    "WALL",
    "as_text",
    "choose_districts",
    "classify_offenses",
    "clean",
    "clean_age",
    "clock_seconds",
    "collapse_spaces",
    "combine_date_and_time",
    "content_hashes",
    "coordinates_from_point",
    "coordinates_from_text",
    "date_problems",
    "expand_truncated_name",
    "expand_truncated_neighborhoods",
    "identical_rows",
    "in_city_box",
    "incident_ids",
    "localize_city_time",
    "locate",
    "normalize_district",
    "normalize_gender",
    "normalize_inside_outside",
    "normalize_neighborhood",
    "normalize_post",
    "parse_clock",
    "parse_timestamp",
    "plausible_start",
    "published_or_unknown",
    "record_ids",
    "repair_coordinates",
    "repeated_record_ids",
    "strip_bom",
    "to_city_time",
    "unmapped_label",
    "upper_or_unknown",
]
