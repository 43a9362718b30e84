"""The 278 Baltimore Neighborhood Statistical Areas, read from one file.

``bmoredash/reference/data/neighborhoods.csv`` is the project's table of neighborhoods
(name, 2023 and old police district, centroid, demo weights, sample blocks). Cleaning checks
published names against it, the CVI page centres the map on it and the demo data generator
places rows with it, so the file is read here once (cached) and nowhere else.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from io import StringIO

import pandas as pd

NEIGHBORHOODS_FILE = "reference/data/neighborhoods.csv"

# NOTE: "post" and "blocks" look numeric in places (post 544) but are codes and
# "|"-joined addresses; they are read as strings, and keep_default_na=False keeps an empty
# cell "" rather than NaN (a neighborhood named "NA" would otherwise vanish too).
_STRING_COLUMNS = {"post": str, "blocks": str, "name": str, "district": str, "old_district": str}


@cache
def table_text() -> str:
    """The file's text, read once from the installed package."""
    return resources.files("bmoredash").joinpath(NEIGHBORHOODS_FILE).read_text("utf-8")


@cache
def table() -> pd.DataFrame:
    """The whole table, one row per neighborhood in file order (cached: do not modify it)."""
    return pd.read_csv(StringIO(table_text()), dtype=_STRING_COLUMNS, keep_default_na=False)


@cache
def known_neighborhoods() -> tuple[str, ...]:
    """Every neighborhood name in the ``name`` column, in file order (read once)."""
    return tuple(name for name in table()["name"] if name.strip())


@cache
@cache
def centres() -> dict[str, tuple[float, float]]:
    """Neighborhood -> (lat, lon) of its centroid, as the table gives it."""
    frame = table()
    return {
        str(name): (float(lat), float(lon))
        for name, lat, lon in zip(
            frame["name"], frame["centroid_lat"], frame["centroid_lon"], strict=True
        )
    }
