"""Residents per area (2020 Census), read from the tables shipped in the package.

Rates per 1,000 residents divide a count by these figures, so every level's residents are
read here and nowhere else. The tables (``reference/data/population/*.csv``) are built by
``scripts/build_population_tables.py`` from ``../shared``; ``SOURCES.md`` beside them gives
each file's origin, method and measured sum. Area names are spelt as the store spells them
(canonical district and neighborhood names, Council districts ``"1"``..``"14"``).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from io import StringIO

import pandas as pd

#: Area levels with a population table, in display order.
LEVELS: tuple[str, ...] = (
    "district_2023",
    "district_pre2023",
    "neighborhood",
    "csa",
    "council_district",
    "council_district_2011",
)

#: Shipped file per level, inside ``bmoredash/reference/data/population/``.
POPULATION_FILES: dict[str, str] = {level: f"{level}.csv" for level in LEVELS}
POPULATION_DIR = "reference/data/population"

#: The census the tables count.
CENSUS_YEAR = 2020

#: Areas with fewer residents get no rate. A rate per resident assumes the people who live
#: in an area are the ones its crime happens among; in a park, cemetery or industrial area
#: (the block-based table gives Patterson Park 19 residents, Pulaski Industrial Area 171)
#: crime happens among visitors and workers, and a handful of residents would turn a few
#: incidents into a rate of hundreds per 1,000. Below 1,000 residents one incident already
#: moves the rate by 1 per 1,000 or more; 1,000 keeps every police and Council district and
#: 181 of the 278 neighborhoods, and leaves out the non-residential ones.
MIN_RESIDENTS = 1_000

#: Where each level's figures come from, one line each (shown beside a rate).
SOURCE_NOTES: dict[str, str] = {
    "district_2023": "2020 Census blocks by neighborhood, summed over the Baltimore Banner's "
    "neighborhood-to-2023-district crosswalk",
    "district_pre2023": "2020 Census tracts weighted by area inside each 1959-2022 district "
    "(Baltimore Banner), rounded to whole people",
    "neighborhood": "2020 Census blocks by neighborhood (mapbaltimore block crosswalk)",
    "csa": "2020 Census tracts summed by BNIA's 2020 Community Statistical Areas",
    "council_district": "2020 Census, as published with the current Council district lines",
    "council_district_2011": "2020 Census blocks by the 2011 Council district lines "
    "(mapbaltimore block crosswalk)",
}

#: Levels that have no population source, and why they get no rate.
NO_POPULATION: dict[str, str] = {
    "legislative_district": "no population figure is shipped for legislative districts",
}


def check_level(level: str) -> str:
    """``level`` when it has a table, else a one-line ValueError naming the valid ones."""
    if level not in LEVELS:
        why = f" ({NO_POPULATION[level]})" if level in NO_POPULATION else ""
        raise ValueError(f"no population for level {level!r}{why}; valid: {', '.join(LEVELS)}")
    return level


@cache
def _table(level: str) -> pd.Series:
    text = (
        resources.files("bmoredash")
        .joinpath(f"{POPULATION_DIR}/{POPULATION_FILES[level]}")
        .read_text("utf-8")
    )
    # NOTE: Council names "1".."14" look numeric; read as text so they match the store.
    frame = pd.read_csv(StringIO(text), dtype={"area": str, "residents": "int64"})
    series = pd.Series(frame["residents"].to_numpy(), index=pd.Index(frame["area"], name="area"))
    return series.rename("residents")


def residents(level: str) -> pd.Series:
    """Residents per area of one level (index: area name, int values), a fresh copy."""
    return _table(check_level(level)).copy()


def source_note(level: str) -> str:
    """One line saying where a level's figures come from (or why there are none)."""
    if level in NO_POPULATION:
        return NO_POPULATION[level]
    return f"{SOURCE_NOTES[check_level(level)]} ({CENSUS_YEAR})"
