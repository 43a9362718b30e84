"""What the dashboard knows for a whole kernel (``DashboardContext``) and for one filter
choice (``FilteredView``).

Why two objects: the frame is loaded once per kernel (each visitor has a kernel, and a
reload costs seconds), while a filter change must redraw every visible chart in tens of
milliseconds. So the context prepares, once, what makes filtering cheap: rows sorted by
time with a day number per row (a period is a binary search and a slice) and the category
codes of district, neighborhood and offense (a filter is a table lookup, not a string
comparison). A view then holds one boolean mask per filter change and cuts the rows each
page asks for, caching each cut, so a page that is not shown costs nothing.

The counting rules stay in ``bmoredash.aggregate``: pages pass the rows they get from a
view to its functions. ``FilteredView.rows`` is the dashboard's fast implementation of the
selection rule: it keeps exactly the rows ``FilteredView.selection.apply`` keeps
(tests/test_selection.py holds them equal).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bmoredash import config, i18n, periods, vocabulary
from bmoredash.aggregate import (
    INCIDENTS,
    OFFENSE_RANK,
    VICTIMS,
    check_unit,
    unit_note,
    why_not_compared,
)
from bmoredash.coverage import Coverage, from_manifest
from bmoredash.i18n import N_
from bmoredash.i18n import gettext as _
from bmoredash.schema import AREA_COLUMNS, CITYWIDE, DISTRICTS, OFFENSES, PART1_OFFENSES
from bmoredash.selection import PUBLISHED_LINES, Selection

if TYPE_CHECKING:
    from bmoredash.app.state import FilterState

log = logging.getLogger(__name__)

_NS_PER_DAY = 86_400 * 1_000_000_000
#: What a count counts, as a reader reads it (the codes stay English in links).
UNIT_WORDS: dict[str, str] = {VICTIMS: N_("victims"), INCIDENTS: N_("incidents")}
#: Years of history the trend pages show before the selected period's year.
HISTORY_YEARS = 5
#: Columns the pages use. The others (record_id, codes and descriptions as published,
#: post, source) stay in the store: every filter change copies the kept columns of the
#: rows it keeps, so each column left out makes every change cheaper. The CSV download
#: reads all columns from the store.
DASHBOARD_COLUMNS: tuple[str, ...] = (
    "occurred_at",
    "time_known",
    "offense",
    "offense_detail",
    "offense_group",
    "weapon",
    "inside_outside",
    "premise",
    "district",
    "old_district",
    "neighborhood",
    "district_2023",
    "district_pre2023",
    "council_district",
    "legislative_district",
    "latitude",
    "longitude",
    "victim_age",
    "victim_gender",
    "victim_race",
    "victim_ethnicity",
)


#: Text columns a page needs for a few rows only (map popups, victims per incident). They
#: stay out of ``frame`` so a filter never copies them; ``DashboardContext.text`` looks
#: rows up by position in the store's Arrow strings, mapped and shared between kernels.
TEXT_COLUMNS: tuple[str, ...] = ("incident_id", "location")


def _day_numbers(occurred_at: pd.Series) -> np.ndarray:
    """Eastern calendar day of each row as days since 1970-01-01 (int32: half the bytes of
    int64 in every visitor's kernel, and days fit it for millennia)."""
    wall = occurred_at.dt.tz_localize(None)
    days = wall.to_numpy(dtype="datetime64[ns]").astype(np.int64) // _NS_PER_DAY
    return days.astype(np.int32)


def _day_number(day: date) -> int:
    return (day - date(1970, 1, 1)).days


def _date_of(day_number: int) -> date:
    return date(1970, 1, 1) + timedelta(days=int(day_number))


class _Codes:
    """A categorical column as integer codes plus a name -> code table, for fast masks."""

    def __init__(self, column: pd.Series) -> None:
        cat = column if isinstance(column.dtype, pd.CategoricalDtype) else column.astype("category")
        self.codes = cat.cat.codes.to_numpy()
        self.categories = [str(c) for c in cat.cat.categories]
        self.index = {name: i for i, name in enumerate(self.categories)}

    def mask(self, names: set[str] | tuple[str, ...] | list[str]) -> np.ndarray:
        """True where the value is one of ``names`` (missing values never match)."""
        lookup = np.zeros(len(self.categories) + 1, dtype=bool)  # last slot: code -1
        for name in names:
            if name in self.index:
                lookup[self.index[name]] = True
        return lookup[self.codes]


@dataclass
class DashboardContext:
    """The incidents and their metadata, loaded once per kernel.

    ``frame`` holds canonical rows sorted by ``occurred_at``, with the ``DASHBOARD_COLUMNS``
    only (text columns stay Arrow strings mapped from the store, shared between kernels);
    ``data_through`` is the last day the data covers; ``neighborhoods_by_district`` maps
    each district (rows seen there) to its neighborhoods, for the neighborhood list.
    ``coverage`` (``coverage.Coverage``, from the manifest) says which days hold data: every
    page asks it before it draws or compares a period, since a day without data is not a
    day without crime.
    """

    frame: pd.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)
    quality: dict[str, Any] = field(default_factory=dict)
    data_dir: Path | None = None
    is_demo: bool = False
    data_through: date | None = None

    def __post_init__(self) -> None:
        frame = self.frame
        if not frame["occurred_at"].is_monotonic_increasing:
            frame = frame.sort_values("occurred_at", kind="stable")
        frame = frame.reset_index(drop=True)
        self.texts = frame[[c for c in TEXT_COLUMNS if c in frame.columns]]
        self.frame = frame[[c for c in DASHBOARD_COLUMNS if c in frame.columns]]
        self.day_numbers = _day_numbers(self.frame["occurred_at"])
        if self.data_through is None:
            self.data_through = (
                _date_of(self.day_numbers[-1]) if len(self.day_numbers) else date.today()
            )
        # A manifest without a coverage record (or no manifest): first to last date, whole.
        known = {"first_date": self.first_date.isoformat(), "data_through": f"{self.data_through}"}
        self.coverage = from_manifest({**known, **self.manifest})
        self._district = _Codes(self.frame["district"])
        self._neighborhood = _Codes(self.frame["neighborhood"])
        # Every place column the selection can filter on, as codes (area columns are
        # absent from a store written before they existed: such a store is rebuilt).
        self._places = {
            column: _Codes(self.frame[column])
            for column in (*AREA_COLUMNS, "district", "neighborhood")
            if column in self.frame.columns
        }
        self._offense = _Codes(self.frame["offense"])
        self._boundaries: dict[str, dict | None] = {}

    # ----------------------------------------------------------------------------------
    # Construction
    # ----------------------------------------------------------------------------------

    @classmethod
    def from_store(cls, data_dir: str | os.PathLike[str] | None = None) -> DashboardContext:
        """Load the store in ``data_dir`` (default: the configured data directory)."""
        from bmoredash import store

        root = config.data_dir(data_dir)
        manifest = store.read_manifest(root)
        for path in store.sweep_stale(root):
            log.warning("removed %s, left by a write that was killed", path.name)
        try:
            quality = store.read_quality(root)
        except Exception:  # a store without its quality report still serves
            log.exception("could not read the quality report in %s", root)
            quality = {}
        frame = store.load_incidents(
            root, offenses="all", columns=[*DASHBOARD_COLUMNS, *TEXT_COLUMNS]
        )
        through = manifest.get("data_through")
        return cls(
            frame=frame,
            manifest=manifest,
            quality=quality,
            data_dir=root,
            is_demo=bool(manifest.get("demo", False)),
            data_through=date.fromisoformat(through) if through else None,
        )

    # ----------------------------------------------------------------------------------
    # What the filters offer
    # ----------------------------------------------------------------------------------

    @cached_property
    def neighborhoods_by_district(self) -> dict[str, tuple[str, ...]]:
        """District -> neighborhoods with rows there (sorted); every district is a key."""
        d, n = self._district, self._neighborhood
        both = (d.codes >= 0) & (n.codes >= 0)
        pairs = np.unique(d.codes[both].astype(np.int64) * (len(n.categories) + 1) + n.codes[both])
        result: dict[str, set[str]] = {name: set() for name in DISTRICTS}
        for pair in pairs:
            district = d.categories[pair // (len(n.categories) + 1)]
            hood = n.categories[pair % (len(n.categories) + 1)]
            if hood and hood not in ("Unknown", "nan"):
                result.setdefault(district, set()).add(hood)
        return {k: tuple(sorted(v)) for k, v in result.items()}

    @cached_property
    def years(self) -> tuple[int, ...]:
        """Calendar years with days of data (for some offense) up to ``data_through``,
        newest first: a stray row in a year the sources do not cover offers no year."""
        years = {
            year
            for offense in OFFENSES
            for year in self.coverage.years([offense])
            if year <= self.data_through.year
        }
        return tuple(sorted(years, reverse=True)) or (self.data_through.year,)

    @property
    def first_date(self) -> date:
        return _date_of(self.day_numbers[0]) if len(self.day_numbers) else self.data_through

    @cached_property
    def data_start(self) -> date:
        """The first day with data for some offense (the first the date pickers offer)."""
        firsts = [day for o in OFFENSES if (day := self.coverage.first_day([o])) is not None]
        return min(firsts, default=self.first_date)

    # ----------------------------------------------------------------------------------
    # Boundaries (lazy: only the map needs them)
    # ----------------------------------------------------------------------------------

    def districts_geojson(self, vintage: str = "2023") -> dict:
        """Police district polygons: the data directory's, else the package's simplified ones."""
        key = f"districts-{vintage}"
        if key not in self._boundaries:
            from bmoredash.reference import boundaries

            self._boundaries[key] = boundaries.load_districts(self.data_dir, vintage)
        return self._boundaries[key]

    def neighborhoods_geojson(self) -> dict:
        """Neighborhood polygons: the data directory's, else the package's simplified ones."""
        if "neighborhoods" not in self._boundaries:
            from bmoredash.reference import boundaries

            self._boundaries["neighborhoods"] = boundaries.load_neighborhoods(self.data_dir)
        return self._boundaries["neighborhoods"]

    # ----------------------------------------------------------------------------------
    # Arrests (lazy: only the Arrests page reads them)
    # ----------------------------------------------------------------------------------

    @cached_property
    def arrests(self) -> pd.DataFrame:
        """The store's arrest rows (``store.load_arrests``), read on the Arrests page's
        first draw; empty when the store holds none (the page says "no arrest data")."""
        if self.data_dir is None:
            return pd.DataFrame()
        from bmoredash import store

        return store.load_arrests(self.data_dir)

    @cached_property
    def arrest_coverage(self) -> Coverage:
        """Which days the arrests hold data (``store.read_arrest_coverage``; empty: none)."""
        if self.data_dir is None:
            return Coverage()
        from bmoredash import store

        return store.read_arrest_coverage(self.data_dir)

    # ----------------------------------------------------------------------------------
    # Cheap building blocks for views
    # ----------------------------------------------------------------------------------

    def span(self, start: date, end: date) -> slice:
        """Positions of the rows whose Eastern date is within [start, end] (rows are sorted)."""
        lo = int(np.searchsorted(self.day_numbers, _day_number(start), side="left"))
        hi = int(np.searchsorted(self.day_numbers, _day_number(end), side="right"))
        return slice(lo, hi)

    def place_mask(self, chosen: Selection) -> np.ndarray | None:
        """Rows in the places of a selection (``Selection.place_filters``, the one rule);
        None when every place dimension is open (all rows)."""
        mask = None
        for column, values in chosen.place_filters():
            if column not in self._places:
                raise KeyError(f"the store has no {column} column: run bmoredash rebuild")
            part = self._places[column].mask(values)
            mask = part if mask is None else mask & part
        return mask

    def offense_mask(self, offenses: tuple[str, ...]) -> np.ndarray:
        """Rows whose canonical offense is one of ``offenses``."""
        return self._offense.mask(set(offenses))

    @cached_property
    def _incidents(self) -> tuple[np.ndarray, np.ndarray]:
        """(incident code per row, -1 without an incident number; offense rank per row),
        built on the first count of incidents only: most visitors never ask for one."""
        if "incident_id" in self.texts.columns:
            codes, _uniques = pd.factorize(self.texts["incident_id"], use_na_sentinel=True)
        else:
            codes = np.full(len(self.frame), -1)
        names = self._offense.categories
        ranks = np.array([OFFENSE_RANK.get(n, len(OFFENSE_RANK)) for n in names] + [0])
        return codes.astype(np.int32), ranks[self._offense.codes].astype(np.int8)

    def one_per_incident(self, positions: np.ndarray) -> np.ndarray:
        """Of the rows at ``positions`` (ascending), one per incident: the fast path of
        ``aggregate.incident_rows`` (most serious offense, then the earliest row; rows
        without an incident number left out)."""
        codes, ranks = self._incidents
        keyed = positions[codes[positions] >= 0]
        code = codes[keyed]
        order = np.lexsort((keyed, ranks[keyed], code))
        first = np.ones(len(order), dtype=bool)
        first[1:] = code[order][1:] != code[order][:-1]
        return np.sort(keyed[order][first])

    def text(self, column: str, rows: pd.DataFrame) -> pd.Series:
        """``column`` (one of TEXT_COLUMNS) for ``rows`` cut from ``frame`` (by position)."""
        if column not in self.texts.columns:
            return pd.Series(pd.NA, index=rows.index, dtype="string")
        return self.texts[column].take(rows.index.to_numpy())


_CACHE: dict[tuple[str, str], DashboardContext] = {}


def load_context(data_dir: str | os.PathLike[str] | None = None) -> DashboardContext:
    """The context for ``data_dir``, loaded once per kernel (reloaded if the store changed)."""
    from bmoredash import store

    root = config.data_dir(data_dir)
    manifest = store.read_manifest(root)
    key = (str(root), f"{manifest.get('store_dir')}|{manifest.get('created_at')}")
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = DashboardContext.from_store(root)
    return _CACHE[key]


# --------------------------------------------------------------------------------------
# One filter choice
# --------------------------------------------------------------------------------------


class FilteredView:
    """The rows for one filter choice, cut lazily and cached, shared by every page.

    ``window`` is the selected period and ``previous`` its comparison period;
    ``through`` is the last day of ``window`` (the anchor of year-to-date counts).
    ``rows(start, end)`` gives the filtered rows of any period; ``current``,
    ``previous_rows`` and ``frame`` (from ``history_start`` to ``through``) are the cuts
    most pages need. ``place_rows`` ignores the offense choice (all Part 1 offenses),
    for the headline cards. ``unit`` is what the counts count (``aggregate.UNITS``): for
    ``incidents`` every cut holds one row per incident (``aggregate.incident_rows``).
    """

    def __init__(self, context: DashboardContext, state: FilterState) -> None:
        self.context = context
        self.district: str = state.district or CITYWIDE
        self.neighborhood: str = state.neighborhood
        self.choice: tuple[str, ...] = tuple(state.offenses)
        self.unit: str = check_unit(state.count)
        self.window, self.previous, self.is_ytd = periods.chosen_windows(
            state.year, state.start, state.end, context.data_through
        )
        self.through: date = self.window.end
        self.council: str = state.council
        self.legislative: str = state.legislative
        self.lines: str = state.lines
        self.selection = Selection.parse(
            window=self.window,
            districts=self.district,
            neighborhoods=self.neighborhood or None,
            councils=self.council or None,
            legislative=self.legislative or None,
            lines=self.lines,
            offenses=self.choice or None,
        )
        self.offenses: tuple[str, ...] = self.selection.offenses
        self._place = context.place_mask(self.selection)
        self._masks: dict[tuple, np.ndarray] = {}
        self._cache: dict[tuple, pd.DataFrame] = {}

    # Labels -----------------------------------------------------------------------------

    @property
    def place_label(self) -> str:
        """``Harlem Park (Western)``, ``Western District``, ``Baltimore City``, with the
        council or legislative district and the district lines when chosen."""
        if self.neighborhood:
            # English says the district's short name (an English word); Spanish its full name.
            short = i18n.current_language() == i18n.DEFAULT
            district = self.district.title() if short else vocabulary.district_name(self.district)
            where = "" if self.district == CITYWIDE else f" ({district})"
            place = f"{self.neighborhood}{where}"
        else:
            place = vocabulary.place_name(self.district)
        areas = [
            vocabulary.council_name(self.council) if self.council else "",
            vocabulary.legislative_name(self.legislative) if self.legislative else "",
        ]
        if any(areas):
            chosen = ", ".join(a for a in areas if a)
            place = (
                chosen
                if self.district == CITYWIDE and not self.neighborhood
                else f"{place}, {chosen}"
            )
        if self.lines != PUBLISHED_LINES and self.district != CITYWIDE:
            place += f" ({_(vocabulary.LINES_LABELS[self.lines])})"
        return place

    @property
    def offense_label(self) -> str:
        """Plain words for the offense choice."""
        if not self.choice:
            return _(vocabulary.ALL_PART1_SHORT)
        return ", ".join(_(vocabulary.CHOICE_LABELS.get(o, o)) for o in self.choice)

    @property
    def unit_label(self) -> str:
        """What the counts count, in the reader's words (``victims``, ``víctimas``)."""
        return _(UNIT_WORDS[self.unit])

    @property
    def period_label(self) -> str:
        if self.is_ytd:
            return periods.ytd_label(self.window)
        return periods.label(self.window)

    @property
    def previous_label(self) -> str:
        if self.is_ytd:
            return periods.same_days_label(self.previous)
        return periods.label(self.previous)

    def describe(self) -> str:
        """One line for logs and messages."""
        return f"{self.place_label}, {self.offense_label}, {self.period_label}"

    @property
    def is_default_offenses(self) -> bool:
        return set(self.offenses) == set(PART1_OFFENSES)

    # Rows -------------------------------------------------------------------------------

    @property
    def history_start(self) -> date:
        """First day of the history the trend pages draw (``HISTORY_YEARS`` years back),
        never before the data for the chosen offenses begin: weeks before would draw as
        zero crimes."""
        wanted = min(periods.years_back_start(self.through, HISTORY_YEARS), self.previous.start)
        first = self.context.coverage.first_day(self.offenses) or self.context.first_date
        return max(wanted, first)

    @cached_property
    def why_not(self) -> str | None:
        """Why the selected period is not compared with ``previous`` (a day without data
        for the chosen offenses in either), or None when they compare."""
        return why_not_compared(self.context.coverage, (self.previous, self.window), self.offenses)

    def _scope_mask(self, scope: str) -> np.ndarray | None:
        if scope == "place":
            return self._place
        if scope == "district":
            # the neighborhoods of the district, inside the chosen Council/legislative district
            return self.context.place_mask(replace(self.selection, neighborhoods=None))
        if scope == "areas":
            # every district and neighborhood, inside the chosen Council/legislative district
            return self.context.place_mask(
                replace(self.selection, districts=None, neighborhoods=None)
            )
        if scope == "city":
            return None
        raise ValueError(f"unknown scope {scope!r}; use place, district, areas or city")

    def _mask(self, offenses: tuple[str, ...], scope: str) -> np.ndarray:
        key = (offenses, scope)
        if key not in self._masks:
            mask = self.context.offense_mask(offenses)
            place = self._scope_mask(scope)
            self._masks[key] = mask if place is None else mask & place
        return self._masks[key]

    def _positions(
        self, start: date, end: date, offenses: tuple[str, ...], scope: str, unit: str
    ) -> np.ndarray:
        span = self.context.span(start, end)
        keep = np.flatnonzero(self._mask(offenses, scope)[span]) + span.start
        return self.context.one_per_incident(keep) if unit == INCIDENTS else keep

    def rows(
        self,
        start: date,
        end: date,
        *,
        offenses: tuple[str, ...] | None = None,
        scope: str = "place",
        unit: str | None = None,
    ) -> pd.DataFrame:
        """Filtered rows whose Eastern date is within [start, end] (cached).

        ``offenses`` overrides the offense choice; ``scope`` widens the place: ``place``
        (district and neighborhood), ``district`` (the district only) or ``city``;
        ``unit`` overrides the view's (the Victims page always counts victims).
        """
        chosen = self.offenses if offenses is None else tuple(offenses)
        unit = self.unit if unit is None else check_unit(unit)
        key = (start, end, chosen, scope, unit)
        if key not in self._cache:
            keep = self._positions(start, end, chosen, scope, unit)
            self._cache[key] = self.context.frame.take(keep)
        return self._cache[key]

    @cached_property
    def unit_note(self) -> str:
        """What the counts count, in one sentence (with the victim rows an incident count
        leaves out, in the selected period)."""
        left_out = 0
        if self.unit == INCIDENTS:
            victims = self.rows(self.window.start, self.window.end, unit=VICTIMS)
            left_out = int(self.context.text("incident_id", victims).isna().sum())
        return unit_note(self.unit, left_out)

    def column(self, name: str, *, scope: str = "place") -> pd.Series:
        """One column of the selected period's rows (not cached: cutting one column of
        every place's rows is cheaper than cutting them all, as the map's areas need)."""
        keep = self._positions(self.window.start, self.window.end, self.offenses, scope, self.unit)
        return self.context.frame[name].take(keep)

    def place_rows(self, start: date, end: date) -> pd.DataFrame:
        """Rows of every Part 1 offense in the place and period, whatever the offense choice."""
        return self.rows(start, end, offenses=PART1_OFFENSES)

    @property
    def current(self) -> pd.DataFrame:
        """Filtered rows of the selected period."""
        return self.rows(self.window.start, self.window.end)

    @property
    def previous_rows(self) -> pd.DataFrame:
        """Filtered rows of the comparison period."""
        return self.rows(self.previous.start, self.previous.end)

    @property
    def frame(self) -> pd.DataFrame:
        """Filtered rows from ``history_start`` to ``through``."""
        return self.rows(self.history_start, self.through)
