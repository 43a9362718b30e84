"""Arrests, a dataset of their own: one row per charge of an arrest.

``layouts`` names the published arrest layouts (legacy Open Baltimore CSV and the ArcGIS
generation) and tells them apart by their header; ``charges`` groups charge codes from a
shipped table; ``read`` turns one file into a tidy frame, a quarantine and quality counts;
``counts`` says what an arrest count is (one arrest number; charges are rows).
The CSV reading itself (encoding, per-row set-aside) is ``sources``'.
"""

from bmoredash.arrests.charges import (
    CHARGE_GROUPS,
    base_code,
    charge_groups,
    charge_table,
    unmapped_codes,
)
from bmoredash.arrests.counts import (
    ALL_ARRESTS,
    MEASURES,
    PEOPLE_COLUMNS,
    arrest_count,
    arrest_keys,
    arrests_in_window,
    by_charge_group,
    by_place,
    compare_arrests,
    comparison_rows,
    one_per_arrest,
    people_breakdown,
    ytd_comparison,
)
from bmoredash.arrests.layouts import ARREST_LAYOUTS, ArrestLayout, detect_arrest_layout
from bmoredash.arrests.read import (
    ARREST_COLUMNS,
    QUARANTINE_REASONS,
    ArrestFrame,
    read_arrest_records,
    read_arrests,
    split_incident_offense,
)

__all__ = [
    "ALL_ARRESTS",
    "ARREST_COLUMNS",
    "ARREST_LAYOUTS",
    "CHARGE_GROUPS",
    "QUARANTINE_REASONS",
    "ArrestFrame",
    "ArrestLayout",
    "MEASURES",
    "PEOPLE_COLUMNS",
    "arrest_count",
    "arrest_keys",
    "arrests_in_window",
    "by_charge_group",
    "by_place",
    "compare_arrests",
    "comparison_rows",
    "base_code",
    "charge_groups",
    "charge_table",
    "detect_arrest_layout",
    "one_per_arrest",
    "people_breakdown",
    "read_arrest_records",
    "read_arrests",
    "split_incident_offense",
    "unmapped_codes",
    "ytd_comparison",
]
