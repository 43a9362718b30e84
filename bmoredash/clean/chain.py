"""One chain from any ``SourceFrame`` to the canonical schema, plus a quality report.

Every rule is a small named function below, in the order ``clean`` applies them, and each
says which quirk of the published data it handles. Rows are never silently dropped: a row
either reaches ``incidents`` or lands in ``quarantine`` with a reason, so
``rows_read == len(incidents) + len(quarantine)`` always holds.

Speed: the files run to 650k rows, so rules work on whole columns, and anything that needs
Python per value runs once per *distinct* value and is spread back with the factorize codes.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime

import numpy as np
import pandas as pd

from bmoredash import config, schema
from bmoredash.clean.dates import (
    combine_date_and_time,
    date_problems,
    parse_timestamp,
    plausible_start,
)
from bmoredash.clean.identity import identical_rows, incident_ids, record_ids, repeated_record_ids
from bmoredash.clean.offenses import classify_offenses, unmapped_label
from bmoredash.clean.people import (
    clean_age,
    normalize_gender,
    normalize_inside_outside,
    published_or_unknown,
    upper_or_unknown,
)
from bmoredash.clean.places import (
    areas_of,
    choose_districts,
    expand_truncated_neighborhoods,
    locate,
    normalize_neighborhood,
    normalize_post,
)
from bmoredash.clean.results import QUARANTINE_COLUMNS, CleanResult, QualityReport
from bmoredash.clean.text import TEXT, UNKNOWN, as_text, strip_bom
from bmoredash.sources import (
    CLOCKS,
    SourceFrame,
    canonical_view,
)


def _missing_text(index: pd.Index) -> pd.Series:
    return pd.Series(pd.NA, index=index, dtype=TEXT)


def _quarantine_frame(
    source: str,
    raw: pd.DataFrame,
    reasons: pd.Series,
    problems: dict[int, tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """One row per quarantined row: its values as JSON, or, for a row that could not be
    read as a row (``SourceFrame.problems``), ``{"raw_text": ...}`` with its text."""
    held = reasons.notna().to_numpy()
    problems = problems or {}
    payloads = [
        json.dumps({"raw_text": problems[position][1]})
        if position in problems
        else json.dumps({k: (v if isinstance(v, str) else None) for k, v in record.items()})
        for position, record in zip(
            np.flatnonzero(held).tolist(), raw.loc[held].to_dict("records"), strict=True
        )
    ]
    return pd.DataFrame(
        {
            "source": [source] * len(payloads),
            "row_number": (np.flatnonzero(held) + 1).astype("int64"),
            "reason": reasons[held].to_numpy(dtype=object),
            "raw": payloads,
        },
        columns=list(QUARANTINE_COLUMNS),
    )


# Category columns whose categories are fixed (so frames of several sources concatenate).
_FIXED_CATEGORIES = frozenset(
    {
        "offense",
        "offense_group",
        "district",
        "old_district",
        "inside_outside",
        "victim_gender",
        *schema.AREA_COLUMNS,
    }
)


def clean(frame: SourceFrame, *, today: date | None = None) -> CleanResult:
    """The rows of ``frame`` in the canonical schema, the quarantined rest, and the counts.

    ``today`` bounds the dates (later ones are quarantined as future_date); it defaults
    to today's date in Baltimore.
    """
    today = today or datetime.now(config.CITY_TZ).date()
    raw = strip_bom(frame.raw).reset_index(drop=True)
    view = canonical_view(SourceFrame(frame.source, frame.layout, raw))

    def published(name: str) -> pd.Series:
        return view[name] if name in view else _missing_text(raw.index)

    row_id = as_text(view["row_id"]) if "row_id" in view else None

    # Rows not readable as rows (sources.READ_REASONS), row ids, then dates, then the
    # offense: the first failing rule names the reason.
    reasons = pd.Series(None, index=raw.index, dtype=object)
    for position, (reason, _) in frame.problems.items():
        reasons.iloc[position] = reason
    record_id = record_ids(raw, frame.layout, row_id)
    reasons[repeated_record_ids(record_id) & reasons.isna().to_numpy()] = "duplicate_record_id"
    clock = CLOCKS[frame.layout]
    if "occurred" in view:
        given = view["occurred"]
        occurred, time_known = parse_timestamp(given, clock)
    else:
        given = published("date")
        occurred, time_known = combine_date_and_time(
            given, view.get("time"), view.get("meridiem"), clock
        )
    reasons = reasons.fillna(date_problems(given, occurred, today))
    offenses = classify_offenses(
        published("crime_code"), published("description"), view.get("shooting")
    )
    reasons[(offenses["offense"].isna() & reasons.isna()).to_numpy()] = "unmapped_offense"

    lat, lon, repaired = locate(view)
    # placed by the coordinates as stored (float32), so a recount from the store agrees
    areas = areas_of(lat.astype("float32"), lon.astype("float32"))
    district, old_district = choose_districts(view)
    age, age_cleared = clean_age(published("age"))
    neighborhood, expanded = expand_truncated_neighborhoods(
        normalize_neighborhood(published("neighborhood"))
    )
    incidents = pd.DataFrame(
        {
            "record_id": record_id,
            "incident_id": incident_ids(view.get("cc_number"), raw.index),
            "occurred_at": occurred,
            "time_known": time_known.astype(bool),
            **{name: offenses[name] for name in offenses.columns},
            "weapon": upper_or_unknown(published("weapon")),
            "inside_outside": normalize_inside_outside(published("inside_outside")),
            "premise": upper_or_unknown(published("premise")),
            "post": normalize_post(published("post")),
            "district": district,
            "old_district": old_district,
            "neighborhood": neighborhood,
            "location": as_text(published("location")),
            "latitude": lat.astype("float32"),
            "longitude": lon.astype("float32"),
            **{name: areas[name] for name in schema.AREA_COLUMNS},
            "victim_age": age,
            "victim_gender": normalize_gender(published("gender")),
            "victim_race": published_or_unknown(published("race")),
            "victim_ethnicity": published_or_unknown(published("ethnicity")),
            "source": pd.Categorical([frame.source] * len(raw)),
            # ingest names the snapshot; until then a row belongs to its source
            "snapshot": pd.Categorical([frame.source] * len(raw)),
        },
        index=raw.index,
    )[list(schema.COLUMN_NAMES)]

    keep = reasons.isna().to_numpy()
    kept = incidents.loc[keep].reset_index(drop=True)
    for name in kept.columns:
        if isinstance(kept[name].dtype, pd.CategoricalDtype) and name not in _FIXED_CATEGORIES:
            kept[name] = kept[name].cat.remove_unused_categories()

    unmapped = (reasons == "unmapped_offense").to_numpy()
    labels = Counter(
        unmapped_label(c, d)
        for c, d in zip(
            incidents["crime_code"][unmapped].astype(object).tolist(),
            incidents["description"][unmapped].astype(object).tolist(),
            strict=True,
        )
    )
    quality = QualityReport(
        rows_read=len(raw),
        rows_kept=len(kept),
        identical_rows_kept=int(identical_rows(raw, row_id)[keep].sum()),
        outside_plausible_range=int((kept["occurred_at"] < plausible_start(frame.layout)).sum()),
        ungeocoded=int(kept["latitude"].isna().sum()),
        no_council_district=int((kept["council_district"] == schema.UNKNOWN_DISTRICT).sum()),
        no_legislative_district=int(
            (kept["legislative_district"] == schema.UNKNOWN_DISTRICT).sum()
        ),
        coordinates_repaired=int(repaired.to_numpy()[keep].sum()),
        unknown_district=int((kept["district"] == schema.UNKNOWN_DISTRICT).sum()),
        ages_cleared=int(age_cleared.to_numpy()[keep].sum()),
        genders_unknown=int((kept["victim_gender"] == UNKNOWN).sum()),
        time_unknown=int((~kept["time_known"]).sum()),
        neighborhoods_expanded=int(expanded[keep].sum()),
        quarantined={str(k): int(v) for k, v in reasons.value_counts().items()},
        unmapped_descriptions=dict(labels),
    )
    return CleanResult(
        incidents=kept,
        quarantine=_quarantine_frame(frame.source, raw, reasons, frame.problems),
        quality=quality,
    )
