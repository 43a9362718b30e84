"""Police district, neighborhood, CSA and city polygons for the maps.

The dashboard map and the report maps read district and neighborhood polygons from
``<data_dir>/boundaries/`` (full detail, filled by ``bmoredash fetch`` or ``install_from``)
and, when that folder has none, from the simplified copies shipped in the package
(``reference/data/boundaries/``, built by ``scripts/build_reference_boundaries.py``), so a
fresh clone draws outlines offline. Feature names are normalised to the store's spelling so
a polygon and the rows it holds share one name.

Reading order: this module reads only ``config``, ``files`` and ``schema``; it is reference
data at the base of the package, below clean, fetch and demo, which read it. That is why
``fetch`` may import ``BOUNDARY_FILES`` from here: the standard file names are the
reference package's fact (this module installs and reads them), not a cycle.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from bmoredash.config import boundaries_dir
from bmoredash.files import atomic_write
from bmoredash.schema import UNKNOWN_DISTRICT, canonical_district, canonical_neighborhood

#: Standard boundary file names inside ``config.boundaries_dir(data_dir)``.
BOUNDARY_FILES: dict[str, str] = {
    "police_districts_pre2023": "police_districts_pre2023.geojson",
    "police_districts_2023": "police_districts_2023.geojson",
    "neighborhoods": "neighborhoods.geojson",
}
VINTAGES = ("2023", "pre2023")

#: Simplified outlines shipped in the package (``scripts/build_reference_boundaries.py``),
#: drawn when the data directory has no boundary files: the standard files plus CSAs, the
#: city line, the City Council districts (2024 and 2011 lines) and the Maryland legislative
#: districts (2022 and 2012 plans; names "1".."14" and "40", "43A"...).
SHIPPED_DIR = Path(__file__).resolve().parent / "data" / "boundaries"
SHIPPED_FILES: dict[str, str] = {
    **BOUNDARY_FILES,
    "csas": "csas.geojson",
    "city": "city.geojson",
    "council_districts_2024": "council_districts_2024.geojson",
    "council_districts_2011": "council_districts_2011.geojson",
    "legislative_districts_2022": "legislative_districts_2022.geojson",
    "legislative_districts_2012": "legislative_districts_2012.geojson",
}

# Local file names accepted by ``install_from`` for each standard file, first match wins
# (compared case-insensitively). The extra names are those of the shared samples.
_ALIASES: dict[str, tuple[str, ...]] = {
    "police_districts_pre2023": (
        "police_districts_pre2023.geojson",
        "police_districts.geojson",
        "police_districts_1959_2022_mapbaltimore.geojson",
    ),
    "police_districts_2023": ("police_districts_2023.geojson",),
    "neighborhoods": ("neighborhoods.geojson",),
}

# NOTE: published files name their features differently: Dist_Name (1959-2022
# shapefile), name (mapbaltimore), District / dist_name (city GIS services).
_DISTRICT_KEYS = ("Dist_Name", "name", "dist_name", "District", "DISTRICT", "NAME")
_NEIGHBORHOOD_KEYS = ("name", "Name", "NAME", "Neighborhood", "NBRDESC", "LABEL", "nbrdesc")


def _read_geojson(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    if data.get("type") != "FeatureCollection" or not data.get("features"):
        raise ValueError(f"{path} is not a GeoJSON FeatureCollection with features")
    return data


def _first_property(props: dict[str, Any], keys: Iterable[str]) -> str | None:
    for key in keys:
        value = props.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return None


@cache
def _shipped_text(key: str) -> str:
    return (SHIPPED_DIR / SHIPPED_FILES[key]).read_text("utf-8")


def load_shipped(key: str) -> dict[str, Any]:
    """A fresh copy of one shipped file (callers may modify it; the text is read once)."""
    if key not in SHIPPED_FILES:
        raise ValueError(f"unknown shipped boundary {key!r}; known: {list(SHIPPED_FILES)}")
    return json.loads(_shipped_text(key))


def _installed_or_shipped(data_dir: Path | None, key: str) -> dict[str, Any]:
    """The data directory's file when there is one (full detail wins), else the shipped one."""
    if data_dir is not None:
        data = _read_geojson(boundaries_dir(Path(data_dir)) / BOUNDARY_FILES[key])
        if data is not None:
            return data
    return load_shipped(key)


def load_districts(data_dir: Path | None, vintage: str = "2023") -> dict[str, Any]:
    """District polygons with ``properties["district"]`` canonical: the data directory's,
    else the shipped simplified ones (so never None now; the type stays for callers)."""
    if vintage not in VINTAGES:
        raise ValueError(f"unknown vintage {vintage!r}; valid: {', '.join(VINTAGES)}")
    data = _installed_or_shipped(data_dir, f"police_districts_{vintage}")
    for feature in data["features"]:
        props = feature.setdefault("properties", {}) or {}
        feature["properties"] = props
        props["district"] = canonical_district(_first_property(props, _DISTRICT_KEYS))
    data["features"] = [
        f for f in data["features"] if f["properties"]["district"] != UNKNOWN_DISTRICT
    ]
    return data


def load_neighborhoods(data_dir: Path | None) -> dict[str, Any]:
    """Neighborhood polygons with ``properties["neighborhood"]`` in the store's spelling:
    the data directory's, else the shipped simplified ones."""
    data = _installed_or_shipped(data_dir, "neighborhoods")
    for feature in data["features"]:
        props = feature.setdefault("properties", {}) or {}
        feature["properties"] = props
        props["neighborhood"] = canonical_neighborhood(_first_property(props, _NEIGHBORHOOD_KEYS))
    return data


def load_csas() -> dict[str, Any]:
    """The 56 Community Statistical Areas (BNIA, 2010; ``properties["name"]``), shipped only."""
    return load_shipped("csas")


def load_city() -> dict[str, Any]:
    """The city line (one feature), shipped only: the frame for a map with no tiles."""
    return load_shipped("city")


COUNCIL_VINTAGES = ("2024", "2011")
LEGISLATIVE_PLANS = ("2022", "2012")


def load_council_districts(vintage: str = "2024") -> dict[str, Any]:
    """The 14 City Council districts (``properties["name"]`` ``"1"``..``"14"``), shipped
    only: the current (2024) lines, or the 2011 lines (outlines for maps)."""
    if vintage not in COUNCIL_VINTAGES:
        raise ValueError(f"unknown Council lines {vintage!r}; valid: {', '.join(COUNCIL_VINTAGES)}")
    return load_shipped(f"council_districts_{vintage}")


def load_legislative_districts(plan: str = "2022") -> dict[str, Any]:
    """Maryland legislative districts in the city (``properties["name"]`` ``"40"``,
    ``"43A"``...), shipped only: the 2022 plan, or the 2012 plan (outlines for maps)."""
    if plan not in LEGISLATIVE_PLANS:
        raise ValueError(
            f"unknown legislative plan {plan!r}; valid: {', '.join(LEGISLATIVE_PLANS)}"
        )
    return load_shipped(f"legislative_districts_{plan}")


def outer_rings(geometry: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Outer rings of a Polygon or MultiPolygon as (lon, lat) lists."""
    if geometry["type"] == "Polygon":
        polygons = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        return []
    return [[(float(x), float(y)) for x, y, *_ in polygon[0]] for polygon in polygons]


def district_outline(
    data_dir: Path | None, district: str, vintage: str = "2023"
) -> list[list[tuple[float, float]]]:
    """Outer rings of one district (all nine for ``CITYWIDE``); empty for an unknown name."""
    data = load_districts(data_dir, vintage)
    wanted = canonical_district(district) if district != "CITYWIDE" else None
    rings: list[list[tuple[float, float]]] = []
    for feature in data["features"]:
        if wanted is None or feature["properties"]["district"] == wanted:
            rings.extend(outer_rings(feature["geometry"]))
    return rings


def install_from(
    source: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | Mapping[str, Any],
    data_dir: str | os.PathLike[str],
) -> dict[str, Path]:
    """Copy local GeoJSON boundary files into the boundaries folder under the standard names.

    ``source`` is a folder (files found by name, e.g. the shared samples'
    ``Police_Districts.geojson``), a list of files with known names, or a mapping
    key -> file. Every file is checked to be a non-empty FeatureCollection before any is
    copied; each copy is atomic (``files.atomic_write``). Returns key -> path.
    """
    chosen = _choose_files(source)
    for path in chosen.values():
        try:
            _read_geojson(path)
        except (OSError, ValueError) as exc:
            raise ValueError(f"{path}: not usable as boundaries ({exc})") from exc
    target_dir = boundaries_dir(Path(data_dir))
    target_dir.mkdir(parents=True, exist_ok=True)
    installed = {}
    for key, path in chosen.items():
        target = target_dir / BOUNDARY_FILES[key]
        # Contents only (a read-only source must not make a read-only copy), atomically.
        with path.open("rb") as source_file, atomic_write(target, "wb") as handle:
            shutil.copyfileobj(source_file, handle)
        installed[key] = target
    return installed


def _choose_files(source: Any) -> dict[str, Path]:
    if isinstance(source, Mapping):
        unknown = set(source) - set(BOUNDARY_FILES)
        if unknown:
            raise ValueError(
                f"unknown boundary keys {sorted(unknown)}; known: {list(BOUNDARY_FILES)}"
            )
        chosen = {key: Path(p) for key, p in source.items()}
    elif isinstance(source, str | os.PathLike) and Path(source).is_dir():
        present = {p.name.lower(): p for p in Path(source).iterdir() if p.is_file()}
        chosen = {}
        for key, names in _ALIASES.items():
            found = next((present[n] for n in names if n in present), None)
            if found is not None:
                chosen[key] = found
        if not chosen:
            wanted = sorted({n for names in _ALIASES.values() for n in names})
            raise FileNotFoundError(f"{source}: no boundary file found (looked for {wanted})")
    else:
        files = (
            [Path(source)] if isinstance(source, str | os.PathLike) else [Path(p) for p in source]
        )
        chosen = {}
        for path in files:
            key = next((k for k, names in _ALIASES.items() if path.name.lower() in names), None)
            if key is None:
                raise ValueError(f"{path}: not a known boundary file name")
            if key in chosen:
                raise ValueError(f"{path} and {chosen[key]} both give {BOUNDARY_FILES[key]}")
            chosen[key] = path
    missing = [str(p) for p in chosen.values() if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"boundary files not found: {missing}")
    return chosen
