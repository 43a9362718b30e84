"""Places: coordinates (from text or a point, repaired, inside the city box), districts,
neighborhoods (truncated names expanded), posts, and the areas the coordinates fall in."""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from functools import cache

import numpy as np
import pandas as pd

from bmoredash import schema
from bmoredash.clean.text import TEXT, _categorical, _map_distinct, _numbers, _spread_float, as_text
from bmoredash.reference.areas import assign_areas
from bmoredash.reference.neighborhoods import known_neighborhoods

DISTRICT_CATEGORIES: tuple[str, ...] = (*schema.DISTRICTS, schema.UNKNOWN_DISTRICT)

_PAIR = re.compile(r"^\s*(-?\d+(?:\.\d*)?)\s*,\s*(-?\d+(?:\.\d*)?)\s*$")

_PARENTHESISED_PAIR = re.compile(r"\(\s*(-?\d+(?:\.\d*)?)\s*,\s*(-?\d+(?:\.\d*)?)\s*\)")


def _pair_from_text(text: str | None) -> tuple[float, float]:
    match = (_PARENTHESISED_PAIR.search(text) or _PAIR.match(text)) if text else None
    return (float(match[1]), float(match[2])) if match else (np.nan, np.nan)


def coordinates_from_text(geolocation: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(latitude, longitude) from ``(lat,lon)`` text (GeoLocation, legacy Location 1).

    NOTE: the USF extract writes ``(,)`` when there is no point; older Socrata CSVs put
    the address before the pair (``100 N HOWARD ST\n(39.29, -76.62)``).
    """
    codes, pairs = _map_distinct(geolocation, _pair_from_text)
    index = geolocation.index
    return (
        pd.Series(_spread_float(codes, [p[0] for p in pairs]), index=index),
        pd.Series(_spread_float(codes, [p[1] for p in pairs]), index=index),
    )


def _pair_from_point(text: str | None) -> tuple[float, float]:
    try:
        point = json.loads(text) if text else None
    except json.JSONDecodeError:
        point = None
    if not isinstance(point, dict):
        return (np.nan, np.nan)
    try:
        if isinstance(point.get("coordinates"), list) and len(point["coordinates"]) >= 2:
            lon, lat = point["coordinates"][:2]
        elif "latitude" in point and "longitude" in point:
            lat, lon = point["latitude"], point["longitude"]
        else:
            return (np.nan, np.nan)
        return (float(lat), float(lon))
    except (TypeError, ValueError):
        return (np.nan, np.nan)


def coordinates_from_point(point: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(latitude, longitude) from a point object written as JSON.

    NOTE: Socrata ``location_1`` and GeoJSON geometry are ``{"type": "Point",
    "coordinates": [lon, lat]}`` (longitude first); older Socrata points have
    ``latitude``/``longitude`` keys.
    """
    codes, pairs = _map_distinct(point, _pair_from_point)
    index = point.index
    return (
        pd.Series(_spread_float(codes, [p[0] for p in pairs]), index=index),
        pd.Series(_spread_float(codes, [p[1] for p in pairs]), index=index),
    )


def in_city_box(lat: pd.Series, lon: pd.Series) -> pd.Series:
    """True where the point lies in schema.CITY_BBOX."""
    box = schema.CITY_BBOX
    return lat.between(box["lat_min"], box["lat_max"]) & lon.between(box["lon_min"], box["lon_max"])


def repair_coordinates(lat: pd.Series, lon: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(latitude, longitude, repaired) with every point inside the city or missing.

    NOTE: 0 stands for "no point" (USF extract: every row; 2022 export: RowID 105863);
    a point with latitude and longitude swapped is swapped back when that puts it in the
    city; others geocoded far away (``2800 ELLICOTT DY`` at 41.5 N) become missing.
    """
    lat = lat.astype(float).mask(lat == 0)
    lon = lon.astype(float).mask(lon == 0)
    inside = in_city_box(lat, lon)
    swapped = ~inside & in_city_box(lon, lat)
    fixed_lat = lat.where(~swapped, lon).where(inside | swapped)
    fixed_lon = lon.where(~swapped, lat).where(inside | swapped)
    return fixed_lat, fixed_lon, swapped


def locate(view: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(latitude, longitude, repaired) from whatever the layout gives, in this order:
    latitude/longitude columns, GeoLocation text, a point object."""
    nothing = pd.Series(np.nan, index=view.index)
    lat = _numbers(view["latitude"]) if "latitude" in view else nothing
    lon = _numbers(view["longitude"]) if "longitude" in view else nothing
    for name, reader in (("geolocation", coordinates_from_text), ("point", coordinates_from_point)):
        empty = lat.isna() | lon.isna() | (lat == 0) | (lon == 0)
        if name in view and empty.any():
            alt_lat, alt_lon = reader(view.loc[empty, name])
            lat = lat.where(~empty, alt_lat.reindex(view.index))
            lon = lon.where(~empty, alt_lon.reindex(view.index))
    return repair_coordinates(lat, lon)


def normalize_district(values: pd.Series) -> pd.Categorical:
    """Canonical district names (``NORTHEASTERN``, ``Northeast``, ``NED`` -> NORTHEAST)."""
    codes, mapped = _map_distinct(values, schema.canonical_district)
    return _categorical(codes, mapped, DISTRICT_CATEGORIES)


def choose_districts(view: pd.DataFrame) -> tuple[pd.Categorical, pd.Categorical]:
    """(district, old_district).

    The district is New_District (2023 lines) when given, else District, else
    Old_District; old_district keeps Old_District when the layout publishes it and is
    missing otherwise.
    """
    chosen = pd.Series(pd.NA, index=view.index, dtype=TEXT)
    for name in ("old_district", "district", "new_district"):
        if name in view:
            chosen = as_text(view[name]).fillna(chosen)
    district = normalize_district(chosen)
    if "old_district" in view:
        old = normalize_district(view["old_district"])
    else:
        old = pd.Categorical([None] * len(view), categories=DISTRICT_CATEGORIES)
    return district, old


def normalize_neighborhood(values: pd.Series) -> pd.Categorical:
    """One spelling per neighborhood via ``schema.canonical_neighborhood`` (title case).

    NOTE: exports write ``GWYNNS FALLS/LEAKIN PARK``, Socrata ``Gwynns Falls/Leakin Park``,
    the Sun ``Mcelderry Park``; missing becomes ``Unknown``.
    """
    codes, mapped = _map_distinct(values, schema.canonical_neighborhood)
    return _categorical(codes, mapped)


# NOTE: short names that start a known one are other places, not cut-off names: the Sun's
# ``Hamilton`` is not ``Hamilton Hills``, the 2019 CSV's ``Dunbar`` not ``Dunbar-Broadway``.
# Cut-off names are 19-25 characters long.
MIN_EXPANDED_PREFIX = 15


def _name_key(name: str) -> str:
    """Lower case letters and digits only: ``Forest Park/Golf Cou`` ~ ``Forest Park Golf ...``."""
    return "".join(ch for ch in name.lower() if ch.isalnum())


@cache
def _key_index(known: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(sorted keys of the known names, their names in the store's spelling), for bisection."""
    pairs = sorted((_name_key(name), schema.canonical_neighborhood(name)) for name in known)
    return tuple(k for k, _ in pairs), tuple(n for _, n in pairs)


def expand_truncated_name(name: str, known: tuple[str, ...] | None = None) -> str:
    """The one known neighborhood that ``name`` is the cut-off start of, else ``name``.

    Expanded only when ``name`` is not itself a known name, has at least
    ``MIN_EXPANDED_PREFIX`` characters, and starts exactly one known name (compared
    without case, spaces or punctuation); an ambiguous or short prefix stays as it is.
    ``known`` defaults to ``neighborhoods.known_neighborhoods()``.
    """
    if len(name) < MIN_EXPANDED_PREFIX:
        return name
    key = _name_key(name)
    keys, names = _key_index(known_neighborhoods() if known is None else known)
    first = bisect_left(keys, key)
    if not key or (first < len(keys) and keys[first] == key):
        return name
    matches = [i for i in range(first, min(first + 2, len(keys))) if keys[i].startswith(key)]
    return names[matches[0]] if len(matches) == 1 else name


def expand_truncated_neighborhoods(names: pd.Categorical) -> tuple[pd.Categorical, np.ndarray]:
    """(names with cut-off ones expanded to the known name, True per expanded row).

    NOTE: the Socrata JSON cuts names at 25 characters (``Coldstream Homestead Mont``),
    the 2019 legacy CSV at 20 (``Coldstream Homestead``), so one neighborhood would
    count under two names. Older names that no known name starts with
    (``Coppin Heights/Ashbu``, ``Chinquapin Park/Belv``) are kept as published.
    Runs once per category, not per row.
    """
    categories = [str(c) for c in names.categories]
    mapped = [expand_truncated_name(c) for c in categories]
    changed = np.array([m != c for m, c in zip(mapped, categories, strict=True)], dtype=bool)
    codes = np.asarray(names.codes)
    if not changed.any():
        return names, np.zeros(len(codes), dtype=bool)
    # A missing name (code -1) points at an extra missing value and is never expanded.
    codes = np.where(codes < 0, len(categories), codes)
    mapped.append(None)
    changed = np.append(changed, False)
    return _categorical(codes, mapped), changed[codes]


def normalize_post(values: pd.Series) -> pd.Categorical:
    """Post as published, without a float's ``.0``.

    NOTE: the 2020 homicide CSV (written by pandas) has ``733.0`` for post 733.
    """
    codes, mapped = _map_distinct(values, lambda v: re.sub(r"\.0+$", "", v) if v else None)
    return _categorical(codes, mapped)


def areas_of(lat: pd.Series, lon: pd.Series) -> pd.DataFrame:
    """The four area columns (``schema.AREA_COLUMNS``) from the repaired coordinates.

    NOTE: the published district follows the lines in force when the row was written (the
    1959-2022 lines before 2023) and no layout names a Council or legislative district, so
    these come from the point alone (``reference.areas``); a row without coordinates is
    ``UNKNOWN`` in all four.
    """
    return assign_areas(lat, lon)
