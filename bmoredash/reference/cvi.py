"""Community Violence Intervention (CVI) ecosystem: the programs and services residents can use.

The list lives in ``bmoredash/reference/data/cvi_programs.csv``, curated by hand from public sources
(city press releases, program pages, news reports). Every row names its source URL and the
date of that source, so a reader can judge how current it is; ``verified`` is True only when
a public source was found. Addresses are given only when a public source states them.

NOTE: no program publishes coordinates. Where a public source gives a street address,
``latitude``/``longitude`` hold that block's point as geocoded in BPD's public crime data
(``location_basis`` = "address block"). Otherwise a program tied to a neighborhood is placed
at that neighborhood's centre (``area_latitude``/``area_longitude`` in the file, computed from
the city's neighborhood boundaries; "neighborhood centre (approximate)"). Citywide services
have no map location at all. Districts are 2023 police districts.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import pandas as pd

from bmoredash.config import PACKAGE_DIR
from bmoredash.schema import DISTRICTS

PROGRAMS_FILE = PACKAGE_DIR / "reference" / "data" / "cvi_programs.csv"

#: Program type -> label shown to residents. Order is the display order.
PROGRAM_TYPES: dict[str, str] = {
    "street_outreach": "Street outreach & violence interruption (Safe Streets)",
    "group_violence": "Group violence reduction (GVRS)",
    "hospital": "Hospital-based violence intervention",
    "school": "School-based violence intervention",
    "youth": "Youth programs & jobs",
    "victim_services": "Victim services",
    "mediation": "Community mediation",
}

#: Columns of ``load_programs()`` promised to the dashboard and the reports.
COLUMNS: tuple[str, ...] = (
    "name",
    "type",
    "type_label",
    "operator",
    "description",
    "area_served",
    "districts",
    "neighborhoods",
    "address",
    "address_source",
    "latitude",
    "longitude",
    "map_latitude",
    "map_longitude",
    "location_basis",
    "website",
    "source",
    "source_date",
    "verified",
    "notes",
)

_LIST_SEPARATOR = ";"


def _split(value: object) -> list[str]:
    if not isinstance(value, str) or not value.strip():
        return []
    return [part.strip() for part in value.split(_LIST_SEPARATOR) if part.strip()]


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


@lru_cache(maxsize=4)
def _read(path: str, stamp: tuple[int, int]) -> pd.DataFrame:
    """Parse and check the file once per version (``stamp`` = mtime, size)."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = pd.DataFrame(
        {
            "name": raw["name"].map(_text),
            "type": raw["type"].map(_text),
            "operator": raw["operator"].map(_text),
            "description": raw["description"].map(_text),
            "area_served": raw["area_served"].map(_text),
            "districts": raw["districts"].map(_split),
            "neighborhoods": raw["neighborhoods"].map(_split),
            "address": raw["address"].map(_text),
            "address_source": raw["address_source"].map(_text),
            "latitude": pd.to_numeric(raw["latitude"], errors="coerce"),
            "longitude": pd.to_numeric(raw["longitude"], errors="coerce"),
            "area_latitude": pd.to_numeric(raw["area_latitude"], errors="coerce"),
            "area_longitude": pd.to_numeric(raw["area_longitude"], errors="coerce"),
            "website": raw["website"].map(_text),
            "source": raw["source"].map(_text),
            "source_date": raw["source_date"].map(_text),
            "verified": raw["verified"].str.strip().str.lower().eq("true"),
            "notes": raw["notes"].map(_text),
        }
    )
    _validate(frame)
    exact = frame["latitude"].notna() & frame["longitude"].notna()
    area = ~exact & frame["area_latitude"].notna() & frame["area_longitude"].notna()
    frame["map_latitude"] = frame["latitude"].where(exact, frame["area_latitude"])
    frame["map_longitude"] = frame["longitude"].where(exact, frame["area_longitude"])
    frame["location_basis"] = "none"
    frame.loc[exact, "location_basis"] = "address block"
    frame.loc[area, "location_basis"] = "neighborhood centre (approximate)"
    frame["type_label"] = frame["type"].map(PROGRAM_TYPES)
    return frame[list(COLUMNS)]


def _validate(frame: pd.DataFrame) -> None:
    """Fail loudly on a malformed curated file rather than show a wrong list."""
    problems: list[str] = []
    for row in frame.itertuples():
        if row.type not in PROGRAM_TYPES:
            problems.append(f"{row.name}: unknown type {row.type!r}")
        bad = [d for d in row.districts if d not in DISTRICTS]
        if bad:
            problems.append(f"{row.name}: unknown districts {bad}")
        if not row.source.startswith("https://") and not row.source.startswith("http://"):
            problems.append(f"{row.name}: source is not a URL")
        if not row.source_date:
            problems.append(f"{row.name}: no source_date")
    if problems:
        raise ValueError("cvi_programs.csv: " + "; ".join(problems))


def load_programs(path: str | Path | None = None) -> pd.DataFrame:
    """Every program, one row each, in the file's order (a fresh copy the caller may modify).

    ``districts`` and ``neighborhoods`` are lists (empty districts = citywide);
    ``map_latitude``/``map_longitude`` say where to draw it, ``location_basis`` how we know.
    """
    file = Path(path) if path else PROGRAMS_FILE
    info = file.stat()
    return _read(str(file), (info.st_mtime_ns, info.st_size)).copy()


def programs_for_district(
    district: str, *, include_citywide: bool = True, programs: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Programs serving ``district`` (canonical name), plus citywide ones unless told not to.

    ``CITYWIDE`` (or an empty string) returns every program.
    """
    frame = load_programs() if programs is None else programs
    if not district or district == "CITYWIDE":
        return frame.reset_index(drop=True)
    if district not in DISTRICTS:
        raise ValueError(f"unknown district {district!r}; valid: {', '.join(DISTRICTS)}")
    serves = frame["districts"].map(lambda ds: district in ds)
    if include_citywide:
        serves |= frame["districts"].map(len).eq(0)
    return frame[serves].reset_index(drop=True)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (haversine)."""
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))


def nearest_programs(
    lat: float, lon: float, n: int = 5, *, programs: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The ``n`` programs with a map location closest to (lat, lon), nearest first.

    Adds ``distance_km``. Programs without any location (citywide services) are left out:
    distance means nothing for them, so callers list them separately.
    """
    frame = load_programs() if programs is None else programs
    located = frame[frame["map_latitude"].notna() & frame["map_longitude"].notna()].copy()
    located["distance_km"] = [
        distance_km(lat, lon, float(a), float(b))
        for a, b in zip(located["map_latitude"], located["map_longitude"], strict=True)
    ]
    located = located.sort_values(["distance_km", "name"], kind="stable")
    return located.head(n).reset_index(drop=True)


def citywide_programs(programs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Programs open to residents anywhere in the city (no district list)."""
    frame = load_programs() if programs is None else programs
    return frame[frame["districts"].map(len).eq(0)].reset_index(drop=True)
