"""Police district and neighborhood polygons kept in the data directory.

The dashboard map and the report maps read them from ``<data_dir>/boundaries/``, filled by
``bmoredash fetch`` or ``install_from`` (local files). Feature names are normalised to the
store's spelling so a polygon and the rows it holds share one name.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bmoredash.config import boundaries_dir
from bmoredash.schema import UNKNOWN_DISTRICT, canonical_district, canonical_neighborhood

DISTRICT_FILES = {
    "2023": "police_districts_2023.geojson",
    "pre2023": "police_districts_pre2023.geojson",
}
NEIGHBORHOOD_FILE = "neighborhoods.geojson"

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


def load_districts(data_dir: Path, vintage: str = "2023") -> dict[str, Any] | None:
    """District polygons with ``properties["district"]`` canonical; None when not installed."""
    if vintage not in DISTRICT_FILES:
        raise ValueError(f"unknown vintage {vintage!r}; valid: {', '.join(DISTRICT_FILES)}")
    data = _read_geojson(boundaries_dir(Path(data_dir)) / DISTRICT_FILES[vintage])
    if data is None:
        return None
    for feature in data["features"]:
        props = feature.setdefault("properties", {}) or {}
        feature["properties"] = props
        props["district"] = canonical_district(_first_property(props, _DISTRICT_KEYS))
    data["features"] = [
        f for f in data["features"] if f["properties"]["district"] != UNKNOWN_DISTRICT
    ]
    return data


def load_neighborhoods(data_dir: Path) -> dict[str, Any] | None:
    """Neighborhood polygons with ``properties["neighborhood"]`` in the store's spelling."""
    data = _read_geojson(boundaries_dir(Path(data_dir)) / NEIGHBORHOOD_FILE)
    if data is None:
        return None
    for feature in data["features"]:
        props = feature.setdefault("properties", {}) or {}
        feature["properties"] = props
        props["neighborhood"] = canonical_neighborhood(_first_property(props, _NEIGHBORHOOD_KEYS))
    return data


def _rings(geometry: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Outer rings of a Polygon or MultiPolygon as (lon, lat) lists."""
    if geometry["type"] == "Polygon":
        polygons = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        return []
    return [[(float(x), float(y)) for x, y, *_ in polygon[0]] for polygon in polygons]


def district_outline(
    data_dir: Path, district: str, vintage: str = "2023"
) -> list[list[tuple[float, float]]]:
    """Outer rings of one district (all nine for ``CITYWIDE``); empty when not installed."""
    data = load_districts(data_dir, vintage)
    if data is None:
        return []
    wanted = canonical_district(district) if district != "CITYWIDE" else None
    rings: list[list[tuple[float, float]]] = []
    for feature in data["features"]:
        if wanted is None or feature["properties"]["district"] == wanted:
            rings.extend(_rings(feature["geometry"]))
    return rings


def install_from(paths: dict[str, str | os.PathLike[str]], data_dir: Path) -> list[Path]:
    """Copy local GeoJSON files into the boundaries directory under the standard names.

    ``paths`` maps ``"2023"``, ``"pre2023"`` and/or ``"neighborhoods"`` to files. Each file
    is validated, then written atomically (temporary file, then rename).
    """
    target_dir = boundaries_dir(Path(data_dir))
    target_dir.mkdir(parents=True, exist_ok=True)
    names = {**DISTRICT_FILES, "neighborhoods": NEIGHBORHOOD_FILE}
    written = []
    for kind, source in paths.items():
        if kind not in names:
            raise ValueError(f"unknown boundary kind {kind!r}; valid: {', '.join(names)}")
        source = Path(source)
        if _read_geojson(source) is None:
            raise FileNotFoundError(f"boundary file not found: {source}")
        target = target_dir / names[kind]
        fd, tmp = tempfile.mkstemp(dir=target_dir, suffix=".tmp")
        os.close(fd)
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
        written.append(target)
    return written
