"""The period rule: which days a window covers, what it is compared with, what it is called.

Pure functions on ``datetime.date`` (and, for counting rows by week, their vectorised
twins on pandas dates): no I/O, no widgets. Every face (the dashboard pages, the weekly
report, the demo) takes its windows from here, so two faces never count "last year"
differently, and no other module does date arithmetic for a comparison
(``tests/test_periods.py`` greps the package for it).

The rules
- Dates are Baltimore (Eastern) calendar dates; a window is inclusive on both ends.
- Weeks end on Saturday (BPD CompStat weeks run Sunday to Saturday). A week is seven
  calendar dates, so a daylight-saving change (a Sunday) belongs to the week of the
  Saturday that follows it; a 23- or 25-hour day is still one day.
- Same day last year: the same month and day a year earlier; Feb 29 maps to Feb 28.
  (So Mar 1 maps to Mar 1, never to "day of year 61", which is Mar 2 in a common year.)
- Year to date through D: Jan 1 of D's year to D. It is compared with the same days last
  year: Jan 1 of the year before to the same day last year of D.
- A whole calendar year (Jan 1 - Dec 31) is compared with the year before; N whole
  calendar years with the N years before.
- Any other range is compared with the window of equal length just before it (it ends
  the day before the range starts), labelled with its real dates.
- A running total by day of year lines years up by month and day (the same rule): the
  value of an earlier year on date D is its count from Jan 1 to the same day of D in
  that year, so it equals the year-to-date comparison on the same through date.
- Labels: a whole calendar year is its number ("2023"); anything else its real dates
  ("Jan 1, 2022 – Dec 31, 2023").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import pandas as pd

from bmoredash.i18n import format_date, short_date
from bmoredash.i18n import gettext as _

#: Python weekday of the last day of a week (Monday 0 ... Saturday 5).
WEEK_ENDS_ON = 5


@dataclass(frozen=True)
class Window:
    """An inclusive range of Eastern calendar dates."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def stop(self) -> date:
        """The first day after the window (its end is inclusive): a time is inside when it
        falls before this day's midnight."""
        return self.end + timedelta(days=1)

    def label(self) -> str:
        """The window's real dates: ``Jan 1, 2022 – Dec 31, 2023``."""
        return f"{short_date(self.start)} – {short_date(self.end)}"

    def dates(self) -> list[date]:
        """Every date of the window, in order (none when ``end`` is before ``start``)."""
        return [self.start + timedelta(days=i) for i in range(max(0, self.days))]


# --------------------------------------------------------------------------------------
# Weeks
# --------------------------------------------------------------------------------------


def week_ending(day: date) -> date:
    """The Saturday that ends the BPD week containing ``day``."""
    return day + timedelta(days=(WEEK_ENDS_ON - day.weekday()) % 7)


def week_start(day: date) -> date:
    """The Sunday that starts the BPD week containing ``day``."""
    return week_ending(day) - timedelta(days=6)


def first_complete_week_end(first: date) -> date:
    """The Saturday ending the first whole week that starts on or after ``first`` (the
    earliest week with every day on or after ``first``)."""
    return week_ending(first + timedelta(days=6))


def last_complete_week_end(through: date) -> date:
    """The last Saturday on or before ``through``: the end of the last complete week."""
    return through - timedelta(days=(through.weekday() - WEEK_ENDS_ON) % 7)


def last_week_end_before(today: date) -> date:
    """The last Saturday strictly before ``today`` (a week still running is not whole)."""
    return last_complete_week_end(today - timedelta(days=1))


def week_window(week_end: date, weeks_back: int = 0) -> Window:
    """The 7 days ending ``week_end`` (a Saturday), ``weeks_back`` weeks earlier."""
    end = week_end - timedelta(weeks=weeks_back)
    return Window(end - timedelta(days=6), end)


def weeks_window(week_end: date, weeks: int) -> Window:
    """The ``weeks`` whole weeks ending ``week_end``."""
    return Window(week_end - timedelta(weeks=weeks, days=-1), week_end)


def weeks_before(week_end: date, weeks: int) -> Window:
    """The ``weeks`` whole weeks before the week ending ``week_end`` (a Saturday), that week
    left out: the weeks a seasonal baseline of that week reads."""
    return weeks_window(week_end - timedelta(weeks=1), weeks)


def with_weeks_before(window: Window, weeks: int) -> Window:
    """``window`` with the ``weeks`` weeks before its start added (the history a baseline
    of its first week reads)."""
    return Window(window.start - timedelta(weeks=weeks), window.end)


def weeks_covering_months(week_end: date, months: int) -> Window:
    """The whole weeks covering the ``months`` months ending ``week_end`` (a Saturday): from
    the Sunday starting the week that holds the first day of ``rolling_months`` to
    ``week_end``."""
    return Window(week_start(rolling_months(week_end, months).start), week_end)


def week_endings(days: pd.Series) -> pd.Series:
    """The Saturday ending the week of each date (``week_ending`` of a datetime64 Series of
    midnight dates, vectorised)."""
    return days + pd.to_timedelta((WEEK_ENDS_ON - days.dt.day_of_week) % 7, unit="D")


@lru_cache(maxsize=128)
def week_ends_index(window: Window) -> pd.DatetimeIndex:
    """The Saturdays ending each week that holds a day of ``window``, oldest first.

    Cached: pandas builds a weekly range a day at a time (~6 ms for five years), and a
    publish or a filter change asks for the same window hundreds of times; an index is
    immutable, so sharing it is safe."""
    return pd.date_range(week_ending(window.start), week_ending(window.end), freq="W-SAT")


def week_starts(week_ends: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """The Sunday starting each week of ``week_ends`` (Saturdays), vectorised."""
    return week_ends - pd.Timedelta(days=6)


# --------------------------------------------------------------------------------------
# Years
# --------------------------------------------------------------------------------------


def same_day_in_year(day: date, year: int) -> date:
    """The same month and day in ``year``; Feb 29 maps to Feb 28 in a common year."""
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def same_day_last_year(day: date) -> date:
    """The same month and day a year earlier; Feb 29 maps to Feb 28."""
    return same_day_in_year(day, day.year - 1)


def calendar_year(year: int) -> Window:
    return Window(date(year, 1, 1), date(year, 12, 31))


def year_to_date(through: date) -> Window:
    """Jan 1 of ``through``'s year to ``through``."""
    return Window(date(through.year, 1, 1), through)


def same_days_in_year(through: date, year: int) -> Window:
    """Jan 1 of ``year`` to the same day of ``through`` in that year (the days a running
    total of ``year`` counts on the date ``through``)."""
    return Window(date(year, 1, 1), same_day_in_year(through, year))


def ytd_windows(through: date) -> tuple[Window, Window]:
    """Year to date through ``through`` and the same days of the previous year.

    The two windows never overlap: the earlier one ends a year before ``through``.
    """
    return year_to_date(through), same_days_in_year(through, through.year - 1)


@lru_cache(maxsize=256)
def day_of_year_map(calendar: int, year: int) -> tuple[int, ...]:
    """For each day of year 1..n of the year ``calendar`` (position d-1), the day of year
    in ``year`` of the same month and day (``same_day_in_year``): how a running total by
    day of year lines ``year`` up with ``calendar``."""
    first = date(calendar, 1, 1)
    n = calendar_year(calendar).days
    return tuple(
        same_day_in_year(first + timedelta(days=d), year).timetuple().tm_yday for d in range(n)
    )


def month_end_days_of_year(year: int) -> tuple[int, ...]:
    """The day of year of the last day of each month of ``year``, January to December
    (31, 59 or 60, ..., 365 or 366)."""
    ends = [date(year, m, 1) - timedelta(days=1) for m in range(2, 13)] + [date(year, 12, 31)]
    return tuple(d.timetuple().tm_yday for d in ends)


def last_complete_month_end(through: date) -> date:
    """The last day of the last calendar month that ends on or before ``through`` (rolling
    12-month totals end on a whole month)."""
    if (through + timedelta(days=1)).day == 1:
        return through
    return through.replace(day=1) - timedelta(days=1)


def date_of_day_of_year(year: int, day_of_year: int) -> date:
    """The date that is day ``day_of_year`` (1 = Jan 1) of ``year``."""
    return date(year, 1, 1) + timedelta(days=day_of_year - 1)


def whole_years(window: Window) -> int:
    """How many whole calendar years ``window`` is (Jan 1 to Dec 31), else 0."""
    if (window.start.month, window.start.day) != (1, 1):
        return 0
    if (window.end.month, window.end.day) != (12, 31) or window.end < window.start:
        return 0
    return window.end.year - window.start.year + 1


# --------------------------------------------------------------------------------------
# Comparisons and labels
# --------------------------------------------------------------------------------------


def same_days_last_year(window: Window) -> Window:
    """``window`` a year earlier, day by day (``same_day_last_year`` of each end)."""
    return Window(same_day_last_year(window.start), same_day_last_year(window.end))


def previous_window(window: Window, *, year_to_date: bool = False) -> Window:
    """What ``window`` is compared with.

    Year to date (``year_to_date``): the same days of the year before. Whole calendar
    years: the same number of years just before. Any other range: the window of equal
    length ending the day before it starts.
    """
    if year_to_date:
        return same_days_in_year(window.end, window.end.year - 1)
    years = whole_years(window)
    if years:
        return Window(date(window.start.year - years, 1, 1), date(window.start.year - 1, 12, 31))
    end = window.start - timedelta(days=1)
    return Window(end - timedelta(days=window.days - 1), end)


def label(window: Window) -> str:
    """``2023`` for one whole calendar year, else the real dates (``Window.label``)."""
    if whole_years(window) == 1:
        return str(window.start.year)
    return window.label()


def ytd_label(window: Window) -> str:
    """``2024 year to date (through Mar 1)``."""
    return _("%(year)s year to date (through %(day)s)") % {
        "year": window.end.year,
        "day": format_date(window.end, "month_day"),
    }


def same_days_label(previous: Window) -> str:
    """``same days of 2023``: the label of a year-to-date comparison window."""
    return _("same days of %(year)s") % {"year": previous.end.year}


# --------------------------------------------------------------------------------------
# Rolling windows
# --------------------------------------------------------------------------------------


def rolling_days(through: date, days: int = 28) -> Window:
    """The ``days`` days ending ``through``."""
    return Window(through - timedelta(days=days - 1), through)


def rolling_months(through: date, months: int = 12) -> Window:
    """The ``months`` months ending ``through``: from the day after the same day
    ``months`` months earlier (day clipped to the month's end) to ``through``."""
    index = through.year * 12 + through.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    next_month = date(year + (month == 12), month % 12 + 1, 1)
    last = (next_month - timedelta(days=1)).day
    return Window(date(year, month, min(through.day, last)) + timedelta(days=1), through)


# --------------------------------------------------------------------------------------
# The period a visitor chooses
# --------------------------------------------------------------------------------------


def chosen_windows(
    year: int | None, start: date | None, end: date | None, through: date
) -> tuple[Window, Window, bool]:
    """(selected period, comparison period, is year to date) for a choice of a year or a
    date range, with data through ``through``.

    The latest year (or none chosen): year to date through ``through`` vs the same days a
    year earlier. A past year: the whole year vs the year before. A date range, cut at
    ``through``: ``previous_window``, the window of equal length just before it.
    """
    if start is not None and end is not None:
        last = min(end, through)
        window = Window(min(start, last), last)
        return window, previous_window(window), False
    if year is None or year >= through.year:
        now, before = ytd_windows(through)
        return now, before, True
    window = calendar_year(year)
    return window, previous_window(window), False


def years_back_start(through: date, years: int) -> date:
    """Jan 1 of the year ``years`` before ``through``'s year (where multi-year histories
    begin)."""
    return date(through.year - years, 1, 1)
