"""Which areas a point lies in: police district by both line sets, Council and legislative
district, from the row's coordinates (point in polygon).

The published ``district`` follows whichever lines were in force when the row was written,
so counts before and after the 2023 redistricting do not compare; and no published row
names its Council or legislative district. Every geocoded row is therefore placed by its
coordinates in the **shipped** simplified outlines (``boundaries.load_shipped``, never a
data directory's full-detail files), so a fresh clone and a fetched store assign the same
way. A point without coordinates, or in no polygon (open water, just outside the city
line), gets ``schema.UNKNOWN_DISTRICT``.

Vectorised with shapely 2: each prepared polygon tests all the still unplaced points at once
(``shapely.intersects_xy``, no point objects built; 9 to 14 polygons a layer). A point
exactly on a border counts; where two polygons share it, the first name in the schema's
order wins, so the answer never depends on file order. Measured: about 0.5 s for 300,000
points, all four layers (an ``STRtree`` query took 3 s: building point objects and the
tree's per-pair tests cost more than a few whole-array tests).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape

from bmoredash.reference.boundaries import load_shipped
from bmoredash.schema import (
    AREA_COLUMNS,
    COUNCIL_DISTRICTS,
    DISTRICTS,
    LEGISLATIVE_DISTRICTS,
    UNKNOWN_DISTRICT,
)

#: Area column -> (shipped boundary file key, its names in display order).
AREA_LAYERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "district_2023": ("police_districts_2023", DISTRICTS),
    "district_pre2023": ("police_districts_pre2023", DISTRICTS),
    "council_district": ("council_districts_2024", COUNCIL_DISTRICTS),
    "legislative_district": ("legislative_districts_2022", LEGISLATIVE_DISTRICTS),
}
if tuple(AREA_LAYERS) != AREA_COLUMNS:  # pragma: no cover - a wiring error, caught on import
    raise RuntimeError(f"AREA_LAYERS {tuple(AREA_LAYERS)} differ from schema {AREA_COLUMNS}")


@dataclass(frozen=True)
class _Layer:
    """One layer's polygons in the schema's name order, indexed for point queries."""

    categories: tuple[str, ...]  # the schema's names, then UNKNOWN
    polygons: tuple[shapely.Geometry, ...]  # prepared, in the same order


@cache
def _layer(column: str) -> _Layer:
    key, names = AREA_LAYERS[column]
    features = load_shipped(key)["features"]
    found = [str(f["properties"]["name"]) for f in features]
    if sorted(found) != sorted(names):
        raise ValueError(f"shipped {key}: names {found} are not the schema's {list(names)}")
    geometries = [shape(f["geometry"]) for f in features]
    order = [found.index(name) for name in names]
    polygons = np.array([geometries[i] for i in order], dtype=object)
    shapely.prepare(polygons)
    return _Layer(categories=(*names, UNKNOWN_DISTRICT), polygons=tuple(polygons))


def _as_array(values: Any) -> np.ndarray:
    """Float64 coordinates; anything not a number (None, text) becomes NaN."""
    array = np.asarray(
        values.to_numpy(dtype="float64", na_value=np.nan)
        if isinstance(values, pd.Series) and pd.api.types.is_numeric_dtype(values)
        else values
    )
    if array.dtype.kind in "fiu":
        return array.astype("float64")
    return pd.to_numeric(pd.Series(array, dtype=object), errors="coerce").to_numpy(dtype="float64")


def _codes(layer: _Layer, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Category code per point: the first polygon (schema order) holding it, else
    UNKNOWN's code (also for a missing coordinate)."""
    unknown = len(layer.categories) - 1
    codes = np.full(len(lat), unknown, dtype=np.int64)
    todo = np.flatnonzero(np.isfinite(lat) & np.isfinite(lon))
    for code, polygon in enumerate(layer.polygons):
        if len(todo) == 0:
            break
        inside = shapely.intersects_xy(polygon, lon[todo], lat[todo])
        codes[todo[inside]] = code
        todo = todo[~inside]
    return codes


def assign_areas(
    latitude: pd.Series | Sequence[float] | np.ndarray,
    longitude: pd.Series | Sequence[float] | np.ndarray,
) -> pd.DataFrame:
    """The four area columns (``schema.AREA_COLUMNS``, category dtype) for these points.

    Same length and index as ``latitude`` (a RangeIndex when it is not a Series). Missing or
    non-numeric coordinates, and points in no polygon, give ``UNKNOWN``.
    """
    lat, lon = _as_array(latitude), _as_array(longitude)
    if lat.shape != lon.shape:
        raise ValueError(f"latitude has {len(lat)} values, longitude {len(lon)}: not one per row")
    index = latitude.index if isinstance(latitude, pd.Series) else pd.RangeIndex(len(lat))
    columns = {}
    for column in AREA_COLUMNS:
        layer = _layer(column)
        codes = _codes(layer, lon, lat)
        columns[column] = pd.Categorical.from_codes(codes, categories=list(layer.categories))
    return pd.DataFrame(columns, index=index)
