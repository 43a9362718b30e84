"""One arrest file -> a tidy frame of canonical columns, a quarantine and a quality count.

A row of an arrest file is one CHARGE of one arrest: an arrest with three charges is three
rows sharing ``arrest_id``. Nothing here drops a row because it looks like another (NOTE:
the legacy file holds 149 exact duplicate rows; identical rows are separate records), and
every row read is either kept or quarantined with its reason (read = kept + quarantined).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from bmoredash.arrests.charges import charge_groups, unmapped_codes
from bmoredash.arrests.layouts import ArrestLayout, detect_arrest_layout
from bmoredash.clean import combine_date_and_time, parse_timestamp
from bmoredash.reference.areas import assign_areas
from bmoredash.schema import (
    CITY_BBOX,
    MAX_AGE,
    MIN_AGE,
    MIN_DATE,
    UNKNOWN_DISTRICT,
    canonical_district,
    canonical_neighborhood,
    official_crime_codes,
)
from bmoredash.sources import READ_REASONS, UTC, EmptySourceError, read_rows, record_rows

#: The canonical arrest columns, in order.
ARREST_COLUMNS: tuple[str, ...] = (
    "arrest_id",
    "arrest_date",
    "arrested_at",
    "age",
    "sex",
    "race",
    "incident_offense_code",
    "incident_offense_text",
    "charge_code",
    "charge_description",
    "charge_group",
    "district",
    "post",
    "neighborhood",
    "latitude",
    "longitude",
)

#: Why a row is quarantined: the reading reasons of ``sources`` and the arrest ones.
QUARANTINE_REASONS: dict[str, str] = {
    **READ_REASONS,
    "no_arrest_date": f"no arrest date, one that is not a date, or one before {MIN_DATE}",
}

# NOTE: IncidentOffense runs the BPD incident code and its text together, padded with
# spaces (``4ECOMMON ASSAULT      ``, ``3AJFROBB CARJACK-FIREARM``, ``115TRESPASSING``). The
# code is the longest known BPD code that starts the value (the official list in
# ``schema.official_crime_codes``), so ``54ARMED PERSON`` is 54 + ARMED PERSON, not 54A +
# RMED PERSON. These codes appear in the arrest samples but not in the official list
# (their text shows where the code ends); any other value falls back to its leading digits.
_EXTRA_INCIDENT_CODES: tuple[str, ...] = ("1B", "52A", "55C", "60N", "60V", "87C", "96A", "96B")
_LEADING_DIGITS = re.compile(r"^(\d+)(.*)$", re.S)
# NOTE: the placeholder for an arrest with no incident is the text ``Unknown Offense``.
_NO_INCIDENT = "UNKNOWN OFFENSE"

_SEXES = {"M": "Male", "F": "Female"}


@dataclass
class ArrestFrame:
    """What one arrest file became: kept rows, quarantined rows and the quality counts."""

    source: str
    layout: str
    #: one row per charge row kept, columns ``ARREST_COLUMNS``.
    rows: pd.DataFrame
    #: one row per row set aside: ``row`` (0-based data row), ``reason``, ``raw`` text.
    quarantine: pd.DataFrame
    quality: dict[str, int] = field(default_factory=dict)
    #: charge codes the charge table does not know, with their row counts.
    unmapped: dict[str, int] = field(default_factory=dict)
    #: the four area columns (``schema.AREA_COLUMNS``) of each kept row, same index.
    areas: pd.DataFrame | None = None
    #: what a fetch knows of its snapshot (as ``sources.SourceFrame``): the dates its query
    #: covered, when it ran, and where the raw rows are kept; a file has none of them.
    window: tuple[date | None, date] | None = None
    as_of: str | None = None
    origin: Path | None = None


def read_arrests(path: str | PathLike[str], name: str | None = None) -> ArrestFrame:
    """Read a published arrest CSV (either layout, detected from its header), or the JSON
    raw copy of a fetched arrest layer. ``name``: the source name to record (default: the
    file name).

    Raises ``sources.EmptySourceError`` for an empty file or a header without rows and
    ``sources.UnknownLayoutError`` for a header that is no arrest layout, each with a
    one-line message naming the file.
    """
    path = Path(path)
    source = name or path.name
    raw, problems = read_rows(path, lambda header: detect_arrest_layout(header, source))
    frame = _read(raw, problems, source)
    frame.origin = path
    return frame


def read_arrest_records(records: list[dict], source: str) -> ArrestFrame:
    """Arrest rows handed over as dicts (the ArcGIS layer's ``features[].attributes``, dates
    in epoch milliseconds), read as ``read_arrests`` reads a file."""
    raw, problems = record_rows(records, source, lambda h: detect_arrest_layout(h, source))
    return _read(raw, problems, source)


def _read(raw: pd.DataFrame, problems: dict[int, tuple[str, str]], source: str) -> ArrestFrame:
    """Rows as read (text, normalised column names) -> an ArrestFrame."""
    layout = detect_arrest_layout(raw.columns, source)
    if len(raw) == 0:
        raise EmptySourceError(
            f"{source}: an {layout.name} header but no data rows ({', '.join(raw.columns)})"
        )
    raw = raw.reset_index(drop=True)
    view = _canonical_view(raw, layout)
    arrest_date, arrested_at = _when(view, layout)

    reasons = pd.Series(None, index=raw.index, dtype=object)
    raw_text = pd.Series(None, index=raw.index, dtype=object)
    for row, (reason, text) in problems.items():
        reasons[row], raw_text[row] = reason, text
    bad_date = reasons.isna() & arrest_date.isna()
    reasons[bad_date] = "no_arrest_date"
    for row in np.flatnonzero(bad_date.to_numpy()):
        values = {str(k): (v if isinstance(v, str) else None) for k, v in raw.iloc[row].items()}
        raw_text[row] = json.dumps(values, ensure_ascii=False)

    keep = reasons.isna().to_numpy()
    quarantine = pd.DataFrame(
        {"row": np.flatnonzero(~keep), "reason": reasons[~keep].to_numpy(dtype=object)}
    )
    quarantine["raw"] = raw_text[~keep].to_numpy(dtype=object)

    view = view[keep]
    lat, lon, no_coordinates, outside = _coordinates(view)
    offense_code, offense_text = split_incident_offense(_text_column(view, "incident_offense"))
    charge_code = _text_column(view, "charge_code")
    rows = pd.DataFrame(
        {
            "arrest_id": _text_column(view, "arrest_id"),
            "arrest_date": arrest_date[keep],
            "arrested_at": arrested_at[keep],
            "age": _age(view),
            "sex": _text_column(view, "sex").str.upper().map(_SEXES).fillna("Unknown"),
            # NOTE: race is one letter as published (B, W, A, I, U); kept as it is.
            "race": _text_column(view, "race").str.upper(),
            "incident_offense_code": offense_code,
            "incident_offense_text": offense_text,
            "charge_code": charge_code,
            "charge_description": _text_column(view, "charge_description").str.replace(
                r"\s+", " ", regex=True
            ),
            "charge_group": charge_groups(charge_code),
            "district": _text_column(view, "district").map(canonical_district),
            "post": _text_column(view, "post"),
            "neighborhood": _text_column(view, "neighborhood").map(canonical_neighborhood),
            "latitude": lat,
            "longitude": lon,
        },
        index=view.index,
    ).reset_index(drop=True)

    ids = rows["arrest_id"].dropna()
    per_arrest = ids.value_counts()
    quality = {
        "rows_read": len(raw),
        "rows_kept": len(rows),
        "rows_quarantined": len(quarantine),
        "without_arrest_number": int(rows["arrest_id"].isna().sum()),
        "arrests": int(len(per_arrest)),
        "arrests_with_several_rows": int((per_arrest > 1).sum()),
        "without_district": int((rows["district"] == UNKNOWN_DISTRICT).sum()),
        "without_coordinates": int(no_coordinates.sum()),
        "outside_city": int(outside.sum()),
        "without_charge_code": int(rows["charge_code"].isna().sum()),
    }
    unmapped = unmapped_codes(rows["charge_code"])
    quality["unmapped_charge_codes"] = len(unmapped)
    quality["rows_with_unmapped_charge"] = sum(unmapped.values())
    return ArrestFrame(
        source=source,
        layout=layout.name,
        rows=rows[list(ARREST_COLUMNS)],
        quarantine=quarantine,
        quality=quality,
        unmapped=unmapped,
        # the crime rows' rule (one home): placed by coordinates in the shipped outlines
        areas=assign_areas(rows["latitude"], rows["longitude"]),
    )


def split_incident_offense(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(code, text) of run-together incident offenses, both stripped; missing for a blank
    value or the ``Unknown Offense`` placeholder."""
    codes = sorted(
        {c for c, _, _ in official_crime_codes()} | set(_EXTRA_INCIDENT_CODES),
        key=len,
        reverse=True,
    )
    split: dict[str, tuple[str | None, str | None]] = {}
    for value in values.dropna().unique():
        text = re.sub(r"\s+", " ", str(value).strip())
        if not text or text.upper() == _NO_INCIDENT:
            split[value] = (None, None)
            continue
        code = next((c for c in codes if text.upper().startswith(c)), None)
        if code is None:
            match = _LEADING_DIGITS.match(text)
            code = match.group(1) if match else None
        rest = text[len(code) :].strip() if code else text
        split[value] = (code, rest or None)
    pairs = values.map(lambda v: split.get(v, (None, None)))
    return (
        pairs.map(lambda p: p[0]).astype(object),
        pairs.map(lambda p: p[1]).astype(object),
    )


def _canonical_view(raw: pd.DataFrame, layout: ArrestLayout) -> pd.DataFrame:
    out = {name: raw[col] for col, name in layout.columns.items() if col in raw.columns}
    return pd.DataFrame(out, index=raw.index)


def _text_column(view: pd.DataFrame, name: str) -> pd.Series:
    """A text column stripped, blank -> missing (a field the layout lacks: all missing)."""
    if name not in view:
        return pd.Series(None, index=view.index, dtype=object)
    text = view[name].astype(object).where(view[name].notna())
    text = text.map(lambda v: v.strip() if isinstance(v, str) else None)
    return text.where(text.str.len() > 0).astype(object)


def _when(view: pd.DataFrame, layout: ArrestLayout) -> tuple[pd.Series, pd.Series]:
    """(arrest date, arrest time in Baltimore time or NaT when no time was published).

    NOTE: the legacy file writes the date ``MM/DD/YYYY`` and the wall-clock time ``HH:MM``
    (127 rows ``H:MM``) in Baltimore time. The ArcGIS generation gives a date only (the
    time of day was lost when the layer was exported) and that date may be a day early
    (ArrestNumber ``21000024`` dated 2020-12-31, SOURCES.md section 4): the date is kept as
    published and the time left missing.
    """
    # The clock rule is clean's (one home): Baltimore wall time, the same DST choices.
    timed_layout = not layout.date_only and "time" in view
    time = _text_column(view, "time").fillna("") if timed_layout else None
    text = _text_column(view, "date").fillna("")
    at, timed = combine_date_and_time(text, time)
    # NOTE: the ArcGIS layer itself (REST, not the shapefile sample) sends ArrestDateTime
    # as epoch milliseconds; like every ArcGIS date field (sources.CLOCKS) they are UTC
    # instants, read with their time of day. Unverified against a live arrest: the layer
    # could not be reached from here.
    epoch = text.str.fullmatch(r"-?\d{11,}(?:\.0*)?").to_numpy(dtype=bool)
    if epoch.any():
        stamp, known = parse_timestamp(text[epoch], UTC)
        at[epoch], timed[epoch] = stamp, known
    day = at.dt.tz_localize(None).dt.normalize().astype("datetime64[ns]")
    day = day.where(day >= pd.Timestamp(MIN_DATE))
    return day, at.where(timed & day.notna())


def _age(view: pd.DataFrame) -> pd.Series:
    """Age in years; blank, non-numeric or outside MIN_AGE..MAX_AGE -> missing."""
    age = pd.to_numeric(_text_column(view, "age"), errors="coerce")
    age = age.where((age >= MIN_AGE) & (age <= MAX_AGE) & (age == age.round()))
    return age.astype("Int64")


def _coordinates(view: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """(latitude, longitude, published without coordinates, outside the city box).

    NOTE: about half the arrests carry no coordinates (blank, or ``(,)`` in GeoLocation);
    a few carry 0, which is no place in Baltimore, and count as without coordinates. A
    point outside ``schema.CITY_BBOX`` is set missing and counted apart.
    """
    lat = pd.to_numeric(_text_column(view, "latitude"), errors="coerce")
    lon = pd.to_numeric(_text_column(view, "longitude"), errors="coerce")
    missing = lat.isna() | lon.isna() | (lat == 0) | (lon == 0)
    inside = lat.between(CITY_BBOX["lat_min"], CITY_BBOX["lat_max"]) & lon.between(
        CITY_BBOX["lon_min"], CITY_BBOX["lon_max"]
    )
    outside = ~missing & ~inside
    keep = ~missing & inside
    return lat.where(keep), lon.where(keep), missing, outside
