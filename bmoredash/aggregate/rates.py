"""Counts per 1,000 residents: the one rule that turns a count per area into a rate.

A rate is ``count / residents * 1000`` with residents from the shipped 2020 Census tables
(``reference.population``). An area gets no rate (NaN, with the reason in ``note``) when it
has fewer than ``population.MIN_RESIDENTS`` residents (parks, industrial areas: the rate
would measure visitors, not residents), when it has no population figure (``UNKNOWN``, a
name the table lacks), when its count is missing (no data is not zero), or when the level
has no population source at all (legislative districts).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from bmoredash.i18n import N_
from bmoredash.i18n import gettext as _
from bmoredash.reference import population
from bmoredash.schema import CITYWIDE

PER = 1_000

NOTE_FEW_RESIDENTS = (
    f"fewer than {population.MIN_RESIDENTS:,} residents (2020 Census): a rate would measure "
    "visitors and workers, not residents"
)
NOTE_NO_FIGURE = "no population figure for this area"
NOTE_NO_COUNT = "no data"


#: The whole city as a level of its own (one area, ``schema.CITYWIDE``): the sum of the
#: neighborhood table, which covers every block (585,708 in 2020).
CITY = "city"


def residents_table(level: str) -> pd.Series:
    """Residents per area of ``level`` (``population.residents``), or the city total for
    ``CITY``."""
    if level == CITY:
        total = int(population.residents("neighborhood").sum())
        return pd.Series({CITYWIDE: total}, name="residents")
    return population.residents(level)


def per_1000(counts: pd.Series, level: str) -> pd.DataFrame:
    """``count``, ``residents``, ``rate`` (per 1,000 residents) and ``note`` per area.

    ``counts`` is indexed by area name as the store spells it (e.g. ``value_counts`` of
    ``district_2023``); the result keeps that index and order. ``note`` is empty where there
    is a rate and says why where there is none.
    """
    counts = pd.Series(counts, dtype="float64")
    frame = pd.DataFrame({"count": counts})
    if level in population.NO_POPULATION:
        frame["residents"] = np.nan
        frame["rate"] = np.nan
        frame["note"] = population.NO_POPULATION[level]
        return frame
    table = residents_table(level)
    residents = table.reindex(counts.index.astype(str)).to_numpy(dtype="float64")
    few = residents < population.MIN_RESIDENTS
    unknown = np.isnan(residents)
    frame["residents"] = pd.array(np.where(unknown, None, residents), dtype="Int64")
    no_count = counts.isna().to_numpy()
    usable = ~few & ~unknown & ~no_count
    divisor = np.where(usable, residents, 1.0)
    frame["rate"] = np.where(usable, counts.to_numpy() / divisor * PER, np.nan)
    notes = np.select(
        [unknown, few, no_count], [NOTE_NO_FIGURE, NOTE_FEW_RESIDENTS, NOTE_NO_COUNT], default=""
    )
    frame["note"] = notes
    return frame


#: The year the published ``district`` column switches to the 2023 lines.
NEW_LINES_YEAR = 2023
NOTE_SPANS_LINES = (
    f"the period spans the {NEW_LINES_YEAR} redistricting and districts are as published: "
    "choose District lines (2023 or 1959-2022) for a rate"
)


def district_level(lines: str, start: date, end: date) -> str | None:
    """The population level of a police district count: ``district_2023`` when the rows
    are read by the 2023 lines (``lines`` ``"2023"``, or as published for a period from
    2023 on), ``district_pre2023`` for the 1959-2022 lines (``"pre2023"``, or as published
    for a period before 2023); None for published districts of a period that spans both
    (its counts mix two sets of lines, so no one population fits: ``NOTE_SPANS_LINES``)."""
    if lines in ("2023", "pre2023"):
        return f"district_{lines}"
    if start.year >= NEW_LINES_YEAR:
        return "district_2023"
    if end.year < NEW_LINES_YEAR:
        return "district_pre2023"
    return None


def district_rates(counts: pd.Series, lines: str, start: date, end: date) -> pd.DataFrame:
    """``per_1000`` of police district counts at the level ``district_level`` picks; with
    no level, every district without a rate and ``NOTE_SPANS_LINES`` as the note."""
    level = district_level(lines, start, end)
    if level is not None:
        return per_1000(counts, level)
    frame = pd.DataFrame({"count": pd.Series(counts, dtype="float64")})
    frame["residents"] = pd.array([None] * len(frame), dtype="Int64")
    frame["rate"] = np.nan
    frame["note"] = NOTE_SPANS_LINES
    return frame


NOTE_COMBINED = "no population figure for a combination of areas: choose one kind of area"


def without_rates(rated: pd.DataFrame) -> pd.DataFrame:
    """``per_1000``'s table with every rate withheld (``NOTE_COMBINED``): for areas counted
    only inside another kind of area (a Council or legislative district), whose residents
    there are not known."""
    return rated.assign(rate=np.nan, note=NOTE_COMBINED)


def place_level(
    *,
    district: str,
    neighborhood: str,
    council: str,
    legislative: str,
    lines: str,
    start: date,
    end: date,
) -> tuple[str | None, str, str]:
    """(level, area, note) of a chosen place for ``per_1000``: the city (``CITY``), a
    neighborhood (within its district too), a police district (``district_level``), or a
    Council district. ``level`` is None when no population fits, ``note`` saying why: a
    legislative district (no source), a combination of kinds of area (a district and a
    Council district), or published districts over a period spanning both sets of lines.
    Empty strings (and ``CITYWIDE``) mean "not chosen"."""
    if legislative:
        return None, legislative, population.NO_POPULATION["legislative_district"]
    if neighborhood and not council:
        return "neighborhood", neighborhood, ""
    chosen_district = district not in ("", CITYWIDE)
    if chosen_district and council:
        return None, district, NOTE_COMBINED
    if council:
        return "council_district", council, ""
    if chosen_district:
        level = district_level(lines, start, end)
        return level, district, "" if level else NOTE_SPANS_LINES
    return CITY, CITYWIDE, ""


#: Each note above (and the population table's), as a message and its values, so a page
#: says it in the reader's language (``note_text``); the frames keep the English.
_NOTE_MESSAGES: dict[str, tuple[str, dict[str, object]]] = {
    NOTE_FEW_RESIDENTS: (
        N_(
            "fewer than %(minimum)s residents (2020 Census): a rate would measure visitors "
            "and workers, not residents"
        ),
        {"minimum": f"{population.MIN_RESIDENTS:,}"},
    ),
    NOTE_NO_FIGURE: (N_("no population figure for this area"), {}),
    NOTE_NO_COUNT: (N_("no data"), {}),
    NOTE_SPANS_LINES: (
        N_(
            "the period spans the %(year)s redistricting and districts are as published: "
            "choose District lines (2023 or 1959-2022) for a rate"
        ),
        {"year": NEW_LINES_YEAR},
    ),
    NOTE_COMBINED: (
        N_("no population figure for a combination of areas: choose one kind of area"),
        {},
    ),
    population.NO_POPULATION["legislative_district"]: (
        N_("no population figure is shipped for legislative districts"),
        {},
    ),
}


def note_text(note: str) -> str:
    """A note of ``per_1000`` (why an area has no rate) in the reader's language."""
    if note not in _NOTE_MESSAGES:
        return note
    message, values = _NOTE_MESSAGES[note]
    return _(message) % values if values else _(message)
