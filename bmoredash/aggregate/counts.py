"""Counts of rows: of a window, per value, per offense, per week, month and day of the year,
and the small-numbers rule for percentages.

Dates are Eastern calendar dates of ``occurred_at``; windows are inclusive on both ends
(the rows of a window: ``in_window``; the selection rule itself lives in
``bmoredash.selection``). No data is not zero: with a ``coverage``
(``coverage.Coverage``), a week, month or running total that holds a day without data is
NaN, and ``why_not_compared`` says why windows cannot be compared.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd

from bmoredash.coverage import Coverage, Matched, match_periods
from bmoredash.i18n import current_language
from bmoredash.periods import (
    Window,
    day_of_year_map,
    same_days_in_year,
    week_endings,
    week_ends_index,
    week_starts,
)
from bmoredash.schema import OFFENSES, PART1_OFFENSES, PROPERTY_OFFENSES, VIOLENT_OFFENSES

#: Below this many events in both windows a change is not worth reading as a trend.
MIN_READABLE_COUNT = 10

#: The four headline measures: label -> offenses counted.
HEADLINE_MEASURES: dict[str, tuple[str, ...]] = {
    "Homicides": ("HOMICIDE",),
    "Non-fatal shootings": ("SHOOTING",),
    "Part 1 violent": VIOLENT_OFFENSES,
    "Part 1 property": PROPERTY_OFFENSES,
}


def event_dates(frame: pd.DataFrame) -> pd.Series:
    """Eastern calendar date of each row, as ``datetime64[ns]`` at midnight (naive)."""
    return frame["occurred_at"].dt.tz_localize(None).dt.normalize()


def in_window(frame: pd.DataFrame, window: Window) -> pd.DataFrame:
    """Rows whose Eastern date falls inside ``window``."""
    days = event_dates(frame)
    mask = (days >= pd.Timestamp(window.start)) & (days <= pd.Timestamp(window.end))
    return frame[mask.to_numpy()]


def value_counts(values: pd.Series) -> pd.Series:
    """Rows per value, keyed by the value as text; missing values are not counted.

    Counting a categorical by its codes and naming the categories afterwards avoids
    turning every row into a string (10x faster on the dashboard's filter path).
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        counts = values.value_counts()
        counts = counts[counts > 0]
        counts.index = [str(v) for v in counts.index]
    else:
        counts = values.astype(str).value_counts()
    return counts.groupby(level=0, sort=False).sum().sort_values(ascending=False, kind="stable")


def count_by_offense(frame: pd.DataFrame, offenses: Iterable[str] = PART1_OFFENSES) -> pd.Series:
    """Rows per canonical offense, zero-filled, in display order."""
    order = list(offenses)
    counts = value_counts(frame["offense"])
    return counts.reindex(order, fill_value=0).astype(int)


def headline_counts(frame: pd.DataFrame) -> pd.Series:
    """Counts for the four headline measures (homicides, shootings, violent, property)."""
    per_offense = count_by_offense(frame, OFFENSES)
    return pd.Series(
        {label: int(per_offense[list(offs)].sum()) for label, offs in HEADLINE_MEASURES.items()}
    )


def percent_change(current: float, previous: float) -> float | None:
    """Change in percent, or None when the previous count is zero."""
    if previous == 0:
        return None
    return (current - previous) / previous * 100.0


def percent_readable(current: float | None, previous: float | None) -> bool:
    """The small-numbers rule, the one every face follows: a percentage is given only when
    both counts reach ``MIN_READABLE_COUNT`` (4 against 1 is not "+300%"). The absolute
    change can still be shown. A missing count (None, NaN) gives no percentage either."""
    if current is None or previous is None or pd.isna(current) or pd.isna(previous):
        return False
    return min(current, previous) >= MIN_READABLE_COUNT


def readable_percent(current: float | None, previous: float | None) -> float | None:
    """``percent_change`` when ``percent_readable``, else None."""
    return percent_change(current, previous) if percent_readable(current, previous) else None


def _offense_key(offenses: Iterable[str] | None) -> frozenset[str] | None:
    return frozenset(offenses) if offenses is not None else None


# NOTE: a filter change asks the same questions of the same coverage again and again (the
# period does not change with the district); the answers are remembered, per kernel.
@lru_cache(maxsize=4096)
def _why_not(
    coverage: Coverage, start: date, end: date, offenses: frozenset[str] | None, language: str
) -> str | None:
    """``language``: the reason is words, remembered per language (``i18n``)."""
    return coverage.why_not(start, end, offenses)


@lru_cache(maxsize=512)
def _covered_days(
    coverage: Coverage, first: date, last: date, offenses: frozenset[str] | None
) -> np.ndarray:
    days = pd.date_range(first, last)
    covered = coverage.mask(days, offenses)
    covered.flags.writeable = False
    return covered


def why_not_compared(
    coverage: Coverage | None, windows: Iterable[Window], offenses: Iterable[str] | None
) -> str | None:
    """Why ``windows`` cannot be compared for ``offenses`` (the first with a day without
    data), or None when every one is covered (always None without a coverage)."""
    if coverage is None:
        return None
    chosen = _offense_key(offenses)
    for window in windows:
        why = _why_not(coverage, window.start, window.end, chosen, current_language())
        if why:
            return why
    return None


@lru_cache(maxsize=4096)
def _matched(
    coverage: Coverage | None,
    window: Window,
    previous: Window,
    offenses: frozenset[str] | None,
) -> Matched | None:
    """The windows matched on the days both have data (no coverage: nothing left out)."""
    if coverage is None:
        return Matched((), ())
    return match_periods(
        coverage, (window.start, window.end), (previous.start, previous.end), offenses
    )


def _without_days(rows: pd.DataFrame, days: Iterable[date]) -> pd.DataFrame:
    """``rows`` without those dated on ``days`` (Baltimore calendar)."""
    local = rows["occurred_at"].dt.tz_localize(None).to_numpy().astype("datetime64[D]")
    dropped = np.array(sorted(days), dtype="datetime64[D]")
    return rows.loc[~np.isin(local, dropped)]


def covered_periods(
    starts: pd.DatetimeIndex,
    ends: pd.DatetimeIndex,
    coverage: Coverage,
    offenses: Iterable[str] | None,
) -> np.ndarray:
    """True per period [start, end] (inclusive dates) whose every day is covered."""
    starts, ends = pd.DatetimeIndex(starts), pd.DatetimeIndex(ends)
    if not len(starts):
        return np.zeros(0, dtype=bool)
    origin = starts.min()
    covered = _covered_days(coverage, origin.date(), ends.max().date(), _offense_key(offenses))
    missing = np.concatenate(([0], np.cumsum(~covered)))
    first = (starts - origin).days.to_numpy()
    last = (ends - origin).days.to_numpy() + 1
    return missing[last] - missing[first] == 0


def _blank_uncovered(
    counts: pd.Series,
    starts: pd.DatetimeIndex,
    ends: pd.DatetimeIndex,
    window: Window,
    coverage: Coverage | None,
    offenses: Iterable[str] | None,
) -> pd.Series:
    """``counts`` (one per period) with NaN for each period holding a day without data,
    from its first day to its last (or the window's end)."""
    if coverage is None:
        return counts
    last = pd.Timestamp(window.end)
    ends = ends.where(ends <= last, last)
    return counts.astype(float).where(covered_periods(starts, ends, coverage, offenses))


def weekly_counts(
    frame: pd.DataFrame,
    window: Window,
    coverage: Coverage | None = None,
    offenses: Iterable[str] | None = None,
) -> pd.Series:
    """Rows per week (index: the Saturday ending each week), zero-filled over ``window``.

    Partial weeks at either end are counted over the days they have. With ``coverage``
    (and the ``offenses`` the rows hold), a week with a day without data is NaN.
    """
    ends = week_endings(event_dates(in_window(frame, window)))
    index = week_ends_index(window)
    counts = ends.value_counts().reindex(index, fill_value=0).astype(int).rename("count")
    return _blank_uncovered(counts, week_starts(index), index, window, coverage, offenses)


def monthly_counts(
    frame: pd.DataFrame,
    window: Window,
    coverage: Coverage | None = None,
    offenses: Iterable[str] | None = None,
) -> pd.Series:
    """Rows per calendar month (index: first day of month), zero-filled over ``window``.

    With ``coverage``, a month with a day without data (up to ``window.end``) is NaN.
    """
    days = event_dates(in_window(frame, window))
    months = days.dt.to_period("M").dt.to_timestamp()
    index = pd.date_range(
        pd.Timestamp(window.start).to_period("M").to_timestamp(),
        pd.Timestamp(window.end),
        freq="MS",
    )
    counts = months.value_counts().reindex(index, fill_value=0).astype(int).rename("count")
    ends = index + pd.offsets.MonthEnd(0)
    return _blank_uncovered(counts, index, ends, window, coverage, offenses)


def cumulative_by_day_of_year(
    frame: pd.DataFrame,
    years: Iterable[int],
    through: date,
    coverage: Coverage | None = None,
    offenses: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Cumulative count by day of year (rows: 1..366, the days of ``through``'s year),
    one column per year.

    Years line up by month and day (``periods.day_of_year_map``): a year's value on the
    row of a date is its count from Jan 1 to the same day in that year (Feb 29 maps to
    Feb 28), so on ``through``'s row each year shows exactly the count the year-to-date
    comparison uses (``ytd_windows``). Rows after ``through`` are NaN so the lines stop
    where the comparison stops. With ``coverage``, a year's total is NaN from its first
    day without data on (a total missing a day is no total), so a year whose data do not
    start on January 1 has no line.
    """
    days = event_dates(frame)
    day_of_year = days.dt.day_of_year
    cutoff = through.timetuple().tm_yday
    index = pd.RangeIndex(1, 367, name="day_of_year")
    chosen = _offense_key(offenses)
    columns = {}
    for year in years:
        # Row d (a date of through's year, up to through) reads day ``rows[d-1]`` of year.
        rows = np.asarray(day_of_year_map(through.year, year)[:cutoff])
        in_year = day_of_year[days.dt.year == year]
        own = in_year.value_counts().reindex(index, fill_value=0).cumsum().to_numpy()
        daily = np.full(len(index), np.nan)
        daily[:cutoff] = own[rows - 1]
        if coverage is not None:
            span = same_days_in_year(through, year)
            covered = _covered_days(coverage, span.start, span.end, chosen)
            whole = np.logical_and.accumulate(covered)
            daily[:cutoff] = np.where(whole[rows - 1], daily[:cutoff], np.nan)
        columns[year] = pd.Series(daily, index=index)
    return pd.DataFrame(columns, index=index)
