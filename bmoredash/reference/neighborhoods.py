"""The 278 Baltimore Neighborhood Statistical Area names, read from one file.

``bmoredash/reference/data/neighborhoods.csv`` is the project's list of neighborhoods; cleaning
checks published names against it, so the list is read here once and nowhere else.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources
from io import StringIO

NEIGHBORHOODS_FILE = "reference/data/neighborhoods.csv"


@cache
def known_neighborhoods() -> tuple[str, ...]:
    """Every neighborhood name in the ``name`` column, in file order (read once)."""
    text = resources.files("bmoredash").joinpath(NEIGHBORHOODS_FILE).read_text("utf-8")
    return tuple(row["name"] for row in csv.DictReader(StringIO(text)) if row["name"].strip())
