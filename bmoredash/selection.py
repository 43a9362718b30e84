"""The selection: which rows a view, a report, a download or an analyst asks for.

One home for the filter rule, so the store, the dashboard, the CSV download and the
reports never disagree about what "Western, violent, 2024" means.

The rule
- Four dimensions: districts, neighborhoods, offenses and dates. A row is selected when it
  matches every dimension.
- **Not given means the default; empty is refused.** Places and dates default to all of
  them; offenses default to the Part 1 offenses (common assault only when named, or with
  the group ``all``). An empty list selects nothing, which no view means to ask, so it is
  an error rather than a guess.
- One spelling per value. Districts take the canonical names and every published alias
  (``Northeastern``, ``NED``, ``Western District``; ``schema.canonical_district`` holds the
  table), plus ``CITYWIDE`` (every district) and ``UNKNOWN`` (rows without one).
  Neighborhoods are matched in their canonical spelling (``schema.canonical_neighborhood``:
  case and spacing do not matter). Offenses take the canonical names, their plain labels
  (``Non-fatal shooting``), the aliases below and the groups ``violent``, ``property``,
  ``other``, ``part1`` and ``all``.
- Dates are Baltimore calendar dates, inclusive: ``start``/``end`` and/or ``years``
  (several years select each of them, cut to ``start``/``end`` when given).

Faces: ``parse`` for Python keywords and the command line (raises ``SelectionError``
listing the valid values), the per-value parsers (``district_of`` ...) for the URL, which
drops a bad value with a message instead. ``Selection.apply`` is the reference
implementation in plain pandas; ``store.load_incidents`` (Arrow predicates) and the
dashboard's ``FilteredView`` (category codes) are fast implementations of the same rule, held
equal to it by tests/test_selection.py.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from bmoredash import config, periods, schema
from bmoredash.periods import Window
from bmoredash.schema import (
    CITYWIDE,
    DISTRICTS,
    OFFENSE_GROUPS,
    OFFENSES,
    PART1_OFFENSES,
    UNKNOWN_DISTRICT,
)
from bmoredash.vocabulary import OFFENSE_LABELS

#: Group name for the Part 1 offenses (the default) and for every offense.
PART1 = schema.PART1_GROUP
ALL = schema.ALL_OFFENSES_GROUP
#: Offense groups by name; a group selects every offense in it.
GROUPS: dict[str, tuple[str, ...]] = {
    **{g: tuple(o for o, og in OFFENSES.items() if og == g) for g in OFFENSE_GROUPS},
    PART1: PART1_OFFENSES,
    ALL: tuple(OFFENSES),
}
#: Other spellings people type for an offense (keys are compared by ``_offense_key``).
OFFENSE_ALIASES: dict[str, str] = {
    "AGG ASSAULT": "AGG. ASSAULT",
    "AGGRAVATED ASSAULT": "AGG. ASSAULT",
    "NON FATAL SHOOTING": "SHOOTING",
    "NONFATAL SHOOTING": "SHOOTING",
    "MURDER": "HOMICIDE",
    "THEFT": "LARCENY",
    "THEFT FROM AUTO": "LARCENY FROM AUTO",
    "STOLEN AUTO": "AUTO THEFT",
    "PART 1": PART1,
    "PART I": PART1,
}


class SelectionError(ValueError):
    """A value no selection can hold (an unknown district, an empty list, a bad date)."""


def _offense_key(text: str) -> str:
    return re.sub(r"[^A-Z0-9]+", " ", text.upper()).strip()


_OFFENSE_NAMES: dict[str, str] = {
    **{_offense_key(name): name for name in OFFENSES},
    **{_offense_key(label): name for name, label in OFFENSE_LABELS.items()},
    **{_offense_key(alias): name for alias, name in OFFENSE_ALIASES.items()},
    **{_offense_key(group): group for group in GROUPS},
}


# --------------------------------------------------------------------------------------
# One value at a time (the URL drops a bad value; keywords and the CLI refuse it)
# --------------------------------------------------------------------------------------


def district_of(raw: object) -> str:
    """The canonical district (or ``CITYWIDE`` / ``UNKNOWN``) for any accepted spelling."""
    text = str(raw).strip()
    if text.upper() in (CITYWIDE, UNKNOWN_DISTRICT):
        return text.upper()
    canonical = schema.canonical_district(text)
    if canonical == UNKNOWN_DISTRICT:
        valid = ", ".join([*DISTRICTS, CITYWIDE, UNKNOWN_DISTRICT])
        raise SelectionError(f"unknown district {text!r}; valid: {valid}")
    return canonical


def neighborhood_of(raw: object, known: Iterable[str] | None = None) -> str:
    """The canonical spelling of a neighborhood; with ``known`` (the names the data holds)
    a name not among them is refused."""
    name = schema.canonical_neighborhood(str(raw))
    if known is not None and name not in set(known):
        raise SelectionError(f"unknown neighborhood {str(raw).strip()!r}")
    return name


def offense_choice(raw: object) -> str:
    """The canonical offense or group name for a typed value (``agg assault``, ``Violent``)."""
    key = _offense_key(str(raw))
    if key not in _OFFENSE_NAMES:
        valid = ", ".join([*OFFENSES, *GROUPS])
        raise SelectionError(f"unknown offense {str(raw).strip()!r}; valid: {valid}")
    return _OFFENSE_NAMES[key]


def expand_offenses(choices: Iterable[str] | None) -> tuple[str, ...]:
    """Canonical offenses for chosen offenses and groups, in display order.

    ``None`` or empty means the default, the Part 1 offenses: a view whose offense choice is
    cleared shows every Part 1 offense.
    """
    chosen: set[str] = set()
    for raw in choices or (PART1,):
        name = offense_choice(raw)
        chosen.update(GROUPS.get(name, (name,)))
    return tuple(o for o in OFFENSES if o in chosen)


def date_of(raw: object, name: str = "date") -> date:
    """A Baltimore calendar date from a date, a datetime (converted to Baltimore time) or
    an ISO string."""
    if isinstance(raw, datetime | pd.Timestamp):
        stamp = pd.Timestamp(raw)
        return (stamp.tz_convert(config.CITY_TZ) if stamp.tzinfo else stamp).date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip()[:10])
        except ValueError:
            raise SelectionError(f"{name}={raw!r} is not an ISO date (YYYY-MM-DD)") from None
    raise SelectionError(f"{name} must be a date or an ISO date string, not {type(raw).__name__}")


# --------------------------------------------------------------------------------------
# The selection
# --------------------------------------------------------------------------------------


def _as_list(values: Any, name: str) -> list[Any]:
    """One value or an iterable of values; an empty iterable is refused."""
    if isinstance(values, str | numbers.Integral | date):
        return [values]
    items = list(values)
    if not items:
        raise SelectionError(f"{name}=[] selects nothing; leave {name} out to select every one")
    return items


@dataclass(frozen=True)
class Selection:
    """Which rows are asked for. ``None`` places or dates mean all of them.

    ``districts`` are canonical district names (``UNKNOWN`` included when asked for);
    ``neighborhoods`` canonical spellings; ``offenses`` canonical offenses; ``windows``
    disjoint, sorted windows of Baltimore dates.
    """

    districts: tuple[str, ...] | None = None
    neighborhoods: tuple[str, ...] | None = None
    offenses: tuple[str, ...] = PART1_OFFENSES
    windows: tuple[Window, ...] | None = None

    @classmethod
    def parse(
        cls,
        *,
        districts: Any = None,
        neighborhoods: Any = None,
        offenses: Any = None,
        years: Any = None,
        start: Any = None,
        end: Any = None,
        window: Window | None = None,
    ) -> Selection:
        """The selection for Python keywords or command-line values (see the module rule);
        ``window`` is ``start`` and ``end`` in one.

        Raises ``SelectionError`` naming the bad value and the valid ones.
        """
        if window is not None:
            if start is not None or end is not None:
                raise SelectionError("give a window or start/end, not both")
            start, end = window.start, window.end
        place: tuple[str, ...] | None = None
        if districts is not None:
            names = [district_of(d) for d in _as_list(districts, "districts")]
            place = None if CITYWIDE in names else tuple(dict.fromkeys(names))
        hoods = None
        if neighborhoods is not None:
            hoods = tuple(
                dict.fromkeys(neighborhood_of(n) for n in _as_list(neighborhoods, "neighborhoods"))
            )
        chosen = PART1_OFFENSES
        if offenses is not None:
            chosen = expand_offenses(_as_list(offenses, "offenses"))
        return cls(place, hoods, chosen, _windows(years, start, end))

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The selected rows of a frame of canonical rows (the reference implementation:
        plain pandas, one mask per dimension)."""
        mask = _isin(frame["offense"], self.offenses)
        if self.districts is not None:
            mask &= _isin(frame["district"], self.districts)
        if self.neighborhoods is not None:
            mask &= _isin(frame["neighborhood"], self.neighborhoods)
        if self.windows is not None:
            days = frame["occurred_at"].dt.tz_convert(config.CITY_TZ).dt.date
            inside = np.zeros(len(frame), dtype=bool)
            for window in self.windows:
                inside |= ((days >= window.start) & (days <= window.end)).to_numpy(bool)
            mask &= inside
        return frame[mask]

    def describe(self) -> str:
        """One line for messages and logs."""
        place = "citywide" if self.districts is None else ", ".join(self.districts)
        if self.neighborhoods is not None:
            place += " / " + ", ".join(self.neighborhoods)
        what = "Part 1 offenses" if self.offenses == PART1_OFFENSES else ", ".join(self.offenses)
        when = "all dates" if self.windows is None else "; ".join(w.label() for w in self.windows)
        return f"{place}; {what}; {when}"


def _isin(column: pd.Series, values: tuple[str, ...]) -> np.ndarray:
    """True where the value (as text) is one of ``values``; missing values never match."""
    return column.astype("string").isin(values).fillna(False).to_numpy(bool, copy=True)


def _windows(years: Any, start: Any, end: Any) -> tuple[Window, ...] | None:
    """The selected windows: each year cut to [start, end]; None when no date is given."""
    if years is None and start is None and end is None:
        return None
    first = date_of(start, "start") if start is not None else date.min
    last = date_of(end, "end") if end is not None else date.max
    if first > last:
        raise SelectionError(f"start {first} is after end {last}")
    if years is None:
        spans = [Window(first, last)]
    else:
        spans = []
        for raw in sorted({int(y) for y in _as_list(years, "years")}):
            year = periods.calendar_year(raw)
            spans.append(Window(max(year.start, first), min(year.end, last)))
    return tuple(w for w in spans if w.start <= w.end)


def select_rows(frame: pd.DataFrame, **keywords: Any) -> pd.DataFrame:
    """The rows of ``frame`` that ``Selection.parse(**keywords)`` selects (for analysts'
    frames already in memory; the store filters before loading)."""
    return Selection.parse(**keywords).apply(frame)
