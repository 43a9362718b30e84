"""The selection: which rows a view, a report, a download or an analyst asks for.

One home for the filter rule, so the store, the dashboard, the CSV download and the
reports never disagree about what "Western, violent, 2024" means.

The rule
- Six dimensions: police districts, neighborhoods, City Council districts, legislative
  districts, offenses and dates. A row is selected when it matches every dimension.
- Police districts are read by one set of lines: ``published`` (the default: the district
  as BPD published it, 1959-2022 lines before 2023 and 2023 lines after), or ``2023`` /
  ``pre2023`` (every year by the same lines, each row placed by its coordinates; rows
  without coordinates are ``UNKNOWN``). Council and legislative districts are always
  placed by coordinates (``reference.areas``), ``UNKNOWN`` when a row has none.
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
- The same selection applies to arrests (``store.load_arrests``): places and dates (the
  arrest date), no offense dimension.

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
    COUNCIL_DISTRICTS,
    DISTRICT_LINES,
    DISTRICTS,
    LEGISLATIVE_DISTRICTS,
    OFFENSE_GROUPS,
    OFFENSES,
    PART1_OFFENSES,
    UNKNOWN_DISTRICT,
)
from bmoredash.vocabulary import OFFENSE_LABELS

#: The default police district lines: as published.
PUBLISHED_LINES = DISTRICT_LINES[0]
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


def _area_key(raw: object, words: tuple[str, ...]) -> str:
    """``Council District 3`` -> ``3``: upper case, the area's words and spaces dropped."""
    text = re.sub(r"[^A-Z0-9]+", " ", str(raw).upper()).split()
    return "".join(w for w in text if w not in words)


def council_of(raw: object) -> str:
    """The Council district (``"1"``..``"14"``, or ``UNKNOWN``) for ``3``, ``District 3``,
    ``Council District 3``."""
    key = _area_key(raw, ("CITY", "COUNCIL", "DISTRICT", "CD"))
    if key == UNKNOWN_DISTRICT or key.lstrip("0") in COUNCIL_DISTRICTS:
        return key if key == UNKNOWN_DISTRICT else key.lstrip("0")
    valid = ", ".join([*COUNCIL_DISTRICTS, UNKNOWN_DISTRICT])
    raise SelectionError(f"unknown council district {str(raw).strip()!r}; valid: {valid}")


def legislative_of(raw: object) -> str:
    """The legislative district (``"40"``, ``"43A"``, ... or ``UNKNOWN``) for ``43a``,
    ``District 43A``, ``Legislative District 43A``."""
    key = _area_key(raw, ("MARYLAND", "LEGISLATIVE", "DISTRICT", "LD"))
    if key == UNKNOWN_DISTRICT or key in LEGISLATIVE_DISTRICTS:
        return key
    valid = ", ".join([*LEGISLATIVE_DISTRICTS, UNKNOWN_DISTRICT])
    raise SelectionError(f"unknown legislative district {str(raw).strip()!r}; valid: {valid}")


def lines_of(raw: object) -> str:
    """Which police district lines: ``published``, ``2023`` or ``pre2023`` (also
    ``1959``, ``1959-2022``, ``old``, ``new``)."""
    key = str(raw).strip().lower()
    key = {"1959": "pre2023", "1959-2022": "pre2023", "old": "pre2023", "new": "2023"}.get(key, key)
    if key not in DISTRICT_LINES:
        raise SelectionError(
            f"unknown district lines {str(raw).strip()!r}; valid: {', '.join(DISTRICT_LINES)}"
        )
    return key


def district_column(lines: str) -> str:
    """The column holding a row's police district by ``lines``."""
    return "district" if lines == PUBLISHED_LINES else f"district_{lines}"


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

    ``districts`` are canonical district names (``UNKNOWN`` included when asked for), read
    by ``lines``; ``neighborhoods`` canonical spellings; ``councils`` and ``legislative``
    district ids; ``offenses`` canonical offenses; ``windows`` disjoint, sorted windows of
    Baltimore dates.
    """

    districts: tuple[str, ...] | None = None
    neighborhoods: tuple[str, ...] | None = None
    offenses: tuple[str, ...] = PART1_OFFENSES
    windows: tuple[Window, ...] | None = None
    councils: tuple[str, ...] | None = None
    legislative: tuple[str, ...] | None = None
    lines: str = PUBLISHED_LINES

    @property
    def district_column(self) -> str:
        """The column the district filter reads."""
        return district_column(self.lines)

    def place_filters(self) -> list[tuple[str, tuple[str, ...]]]:
        """(column, allowed values) for every place dimension that is not open."""
        return [
            (column, values)
            for column, values in (
                (self.district_column, self.districts),
                ("neighborhood", self.neighborhoods),
                ("council_district", self.councils),
                ("legislative_district", self.legislative),
            )
            if values is not None
        ]

    @classmethod
    def parse(
        cls,
        *,
        districts: Any = None,
        neighborhoods: Any = None,
        councils: Any = None,
        legislative: Any = None,
        lines: Any = None,
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
        return cls(
            place,
            hoods,
            chosen,
            _windows(years, start, end),
            councils=_ids(councils, "councils", council_of),
            legislative=_ids(legislative, "legislative", legislative_of),
            lines=PUBLISHED_LINES if lines is None else lines_of(lines),
        )

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The selected rows of a frame of canonical crime rows or arrest rows (the
        reference implementation: plain pandas, one mask per dimension; arrests have no
        offense dimension and are dated by their arrest date)."""
        is_arrests = "arrest_date" in frame.columns
        mask = np.ones(len(frame), dtype=bool)
        if not is_arrests:
            mask &= _isin(frame["offense"], self.offenses)
        for column, values in self.place_filters():
            mask &= _isin(frame[column], values)
        if self.windows is not None:
            wall = _baltimore_wall_time(frame["arrest_date" if is_arrests else "occurred_at"])
            inside = np.zeros(len(frame), dtype=bool)
            for window in self.windows:
                # A window's days run from its first midnight to the midnight after its end.
                part = ~np.isnat(wall)
                if window.start != date.min:
                    part &= wall >= np.datetime64(window.start, "ns")
                if window.end != date.max:
                    part &= wall < np.datetime64(window.stop, "ns")
                inside |= part
            mask &= inside
        return frame[mask]

    def describe(self) -> str:
        """One line for messages and logs."""
        place = "citywide" if self.districts is None else ", ".join(self.districts)
        if self.lines != PUBLISHED_LINES:
            place += f" ({self.lines} lines)"
        if self.neighborhoods is not None:
            place += " / " + ", ".join(self.neighborhoods)
        if self.councils is not None:
            place += " / council " + ", ".join(self.councils)
        if self.legislative is not None:
            place += " / legislative " + ", ".join(self.legislative)
        what = "Part 1 offenses" if self.offenses == PART1_OFFENSES else ", ".join(self.offenses)
        when = "all dates" if self.windows is None else "; ".join(w.label() for w in self.windows)
        return f"{place}; {what}; {when}"


def _baltimore_wall_time(stamps: pd.Series) -> np.ndarray:
    """Baltimore wall-clock times as naive datetime64 (a naive column, such as an arrest
    date, already is one): comparing them with midnights gives Baltimore calendar days."""
    if isinstance(stamps.dtype, pd.DatetimeTZDtype):
        stamps = stamps.dt.tz_convert(config.CITY_TZ).dt.tz_localize(None)
    return stamps.to_numpy(dtype="datetime64[ns]")


def _isin(column: pd.Series, values: tuple[str, ...]) -> np.ndarray:
    """True where the value (as text) is one of ``values``; missing values never match.

    A categorical column is matched on its categories, then read through its codes (code
    -1, a missing value, lands on the appended False): converting every row to text first
    cost about 60 ms a column on the 700,000-row demo."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        names = np.asarray(column.cat.categories.astype(str))
        lookup = np.append(np.isin(names, list(values)), False)
        return lookup[column.cat.codes.to_numpy()]
    return column.astype("string").isin(values).fillna(False).to_numpy(bool, copy=True)


def _ids(values: Any, name: str, parse_one: Any) -> tuple[str, ...] | None:
    """Canonical area ids for one value or several (``None``: every area)."""
    if values is None:
        return None
    return tuple(dict.fromkeys(parse_one(v) for v in _as_list(values, name)))


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
