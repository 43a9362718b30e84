"""One builder of canonical incident rows for the tests.

A test that needs rows in the store's shape builds them with ``canonical_rows``: short rows
(dicts) or whole columns, every other column filled from ``DEFAULTS``, and the result given
the store's dtypes and column order by ``store.conform_incidents``, so that a test frame
cannot drift from what the store writes and loads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from bmoredash import config, schema, store
from bmoredash.reference.areas import assign_areas

#: A value for every canonical column a test does not give (a Western District street
#: robbery). ``snapshot`` stays empty: rows written with ``write_store`` have none.
DEFAULTS: dict[str, Any] = {
    "time_known": True,
    "crime_code": "3AF",
    "description": "ROBBERY - STREET",
    "offense": "ROBBERY",
    "offense_detail": "ROBBERY - STREET",
    "weapon": "FIREARM",
    "inside_outside": "Outside",
    "premise": "STREET",
    "post": "713",
    "district": "WESTERN",
    "old_district": None,
    "neighborhood": "Sandtown-Winchester",
    "location": "1600 W NORTH AVE",
    "latitude": 39.31,
    "longitude": -76.64,
    "victim_age": 30,
    "victim_gender": "Male",
    "victim_race": "BLACK_OR_AFRICAN_AMERICAN",
    "victim_ethnicity": "Unknown",
    "source": "test.csv",
    "snapshot": None,
}


def canonical_rows(
    rows: Sequence[Mapping[str, Any]] | Mapping[str, Any] | pd.DataFrame,
    *,
    ambiguous: Any = "raise",
) -> pd.DataFrame:
    """Canonical incidents (the store's columns, order and dtypes).

    ``rows``: a list of dicts, one per row, or columns (a DataFrame or a dict of columns).
    ``record_id`` and ``occurred_at`` are required. A column not given takes its
    ``DEFAULTS`` value; ``incident_id`` defaults to the record id up to its first ``-``
    and ``offense_group`` to the offense's group. ``occurred_at`` without a zone is
    Baltimore wall time (``ambiguous`` as in pandas' ``tz_localize``, for the hour the
    clocks fall back).
    """
    if isinstance(rows, pd.DataFrame):
        frame = rows.copy()
    elif isinstance(rows, Mapping):
        frame = pd.DataFrame(dict(rows))
    else:
        filled = []
        for row in rows:
            full = {**DEFAULTS, "incident_id": str(row["record_id"]).split("-")[0], **row}
            full.setdefault("offense_group", schema.OFFENSES[full["offense"]])
            filled.append(full)
        frame = pd.DataFrame(filled)
    for name, value in DEFAULTS.items():
        if name not in frame.columns:
            frame[name] = [value] * len(frame)
    if "incident_id" not in frame.columns:
        frame["incident_id"] = frame["record_id"].astype(str).str.split("-").str[0]
    if "offense_group" not in frame.columns:
        frame["offense_group"] = [schema.OFFENSES[o] for o in frame["offense"]]
    missing_areas = [c for c in schema.AREA_COLUMNS if c not in frame.columns]
    if missing_areas:
        lat = frame["latitude"].astype("float32").reset_index(drop=True)
        lon = frame["longitude"].astype("float32").reset_index(drop=True)
        areas = assign_areas(lat, lon)
        for name in missing_areas:
            frame[name] = areas[name].array
    when = frame["occurred_at"]
    if not isinstance(when.dtype, pd.DatetimeTZDtype):
        frame["occurred_at"] = pd.to_datetime(when).dt.tz_localize(
            config.CITY_TZ, ambiguous=ambiguous
        )
    return store.conform_incidents(frame[list(schema.COLUMN_NAMES)])
