"""The period rule (``bmoredash.periods``): windows checked by hand, and the two faces that
count "last year" (the Overview cards and the Trends running total) agreeing on it."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from bmoredash import aggregate as agg
from bmoredash import periods
from bmoredash.periods import Window
from tests.factories import canonical_rows

# --------------------------------------------------------------------------------------
# Windows by hand
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("through", "now", "before"),
    [
        # Feb 29 has no same day in 2023: Feb 28.
        (date(2024, 2, 29), Window(date(2024, 1, 1), date(2024, 2, 29)), (2023, 2, 28)),
        # Mar 1 is Mar 1 (day of year 61 in 2024, 60 in 2023): never Mar 2.
        (date(2024, 3, 1), Window(date(2024, 1, 1), date(2024, 3, 1)), (2023, 3, 1)),
        # A year after a leap year: Jan 1 - Mar 1, 2024 holds Feb 29 (61 days against 60).
        (date(2025, 3, 1), Window(date(2025, 1, 1), date(2025, 3, 1)), (2024, 3, 1)),
        (date(2025, 2, 28), Window(date(2025, 1, 1), date(2025, 2, 28)), (2024, 2, 28)),
        # Year ends.
        (date(2024, 12, 31), Window(date(2024, 1, 1), date(2024, 12, 31)), (2023, 12, 31)),
        (date(2025, 1, 1), Window(date(2025, 1, 1), date(2025, 1, 1)), (2024, 1, 1)),
    ],
)
def test_year_to_date_and_same_days_last_year(through, now, before):
    this_year, last_year = periods.ytd_windows(through)
    assert this_year == now == periods.year_to_date(through)
    assert last_year == Window(date(before[0], 1, 1), date(*before))
    assert periods.previous_window(now, year_to_date=True) == last_year
    assert agg.ytd_windows(through) == (this_year, last_year)  # still importable there


def test_same_day_last_year_maps_feb_29_to_feb_28():
    assert periods.same_day_last_year(date(2024, 2, 29)) == date(2023, 2, 28)
    assert periods.same_day_last_year(date(2024, 3, 1)) == date(2023, 3, 1)
    assert periods.same_day_last_year(date(2025, 3, 1)) == date(2024, 3, 1)
    assert periods.same_day_in_year(date(2024, 2, 29), 2028) == date(2028, 2, 29)


def test_day_of_year_map_lines_years_up_by_month_and_day():
    leap_on_common = periods.day_of_year_map(2024, 2023)
    assert len(leap_on_common) == 366
    assert leap_on_common[58:61] == (59, 59, 60)  # Feb 28, Feb 29 -> Feb 28, Mar 1
    assert leap_on_common[-1] == 365
    common_on_leap = periods.day_of_year_map(2025, 2024)
    assert len(common_on_leap) == 365
    assert common_on_leap[58:60] == (59, 61)  # Feb 28, Mar 1 (Feb 29 counted by Mar 1)
    assert common_on_leap[-1] == 366


def test_whole_years_are_compared_with_the_years_before():
    year = periods.calendar_year(2024)
    assert periods.previous_window(year) == periods.calendar_year(2023)
    assert periods.label(year) == "2024" and periods.label(periods.calendar_year(2023)) == "2023"
    two = Window(date(2024, 1, 1), date(2025, 12, 31))
    assert periods.previous_window(two) == Window(date(2022, 1, 1), date(2023, 12, 31))
    assert periods.label(periods.previous_window(two)) == "Jan 1, 2022 – Dec 31, 2023"


def test_a_range_longer_than_a_year_is_compared_with_the_equal_length_before_it():
    window = Window(date(2024, 1, 1), date(2025, 11, 28))
    previous = periods.previous_window(window)
    assert previous.days == window.days == 698
    assert previous == Window(date(2022, 2, 2), date(2023, 12, 31))
    assert previous.end < window.start  # no overlap
    assert periods.label(previous) == "Feb 2, 2022 – Dec 31, 2023"
    assert periods.label(window) == "Jan 1, 2024 – Nov 28, 2025"


def test_a_short_range_is_compared_with_the_days_just_before():
    window = Window(date(2024, 3, 1), date(2024, 3, 28))
    assert periods.previous_window(window) == Window(date(2024, 2, 2), date(2024, 2, 29))
    assert periods.rolling_days(date(2024, 3, 28)) == window


def test_rolling_months():
    assert periods.rolling_months(date(2025, 3, 31), 1) == Window(
        date(2025, 3, 1), date(2025, 3, 31)
    )
    assert periods.rolling_months(date(2025, 6, 14)) == Window(date(2024, 6, 15), date(2025, 6, 14))
    assert periods.rolling_months(date(2025, 1, 31), 12).start == date(2024, 2, 1)


def test_weeks_end_on_saturday_and_dst_sunday_belongs_to_its_saturday_week():
    # 2024-03-10 (Sunday): clocks go forward; 2024-11-03 (Sunday): back.
    for sunday in (date(2024, 3, 10), date(2024, 11, 3)):
        saturday = sunday + timedelta(days=6)
        assert periods.week_ending(sunday) == saturday
        assert periods.week_window(saturday) == Window(sunday, saturday)
        assert periods.last_complete_week_end(sunday) == sunday - timedelta(days=1)
    assert periods.week_ending(date(2024, 3, 9)) == date(2024, 3, 9)
    # Counting: a row at 03:30 on the spring-forward Sunday is in the week ending Mar 16.
    stamps = pd.DatetimeIndex(
        ["2024-03-09 23:30", "2024-03-10 03:30", "2024-03-16 23:59", "2024-03-17 00:00"]
    ).tz_localize("America/New_York")
    frame = pd.DataFrame({"occurred_at": stamps, "offense": "LARCENY"})
    weekly = agg.weekly_counts(frame, Window(date(2024, 3, 3), date(2024, 3, 23)))
    assert weekly.to_dict() == {
        pd.Timestamp("2024-03-09"): 1,
        pd.Timestamp("2024-03-16"): 2,
        pd.Timestamp("2024-03-23"): 1,
    }


def test_week_rule_at_a_year_end_and_the_last_saturday_before_today():
    assert periods.week_ending(date(2024, 12, 31)) == date(2025, 1, 4)
    assert periods.week_window(date(2025, 1, 4)) == Window(date(2024, 12, 29), date(2025, 1, 4))
    assert periods.weeks_window(date(2025, 1, 4), 4).start == date(2024, 12, 8)
    assert periods.last_week_end_before(date(2025, 1, 4)) == date(2024, 12, 28)
    assert periods.last_week_end_before(date(2025, 1, 5)) == date(2025, 1, 4)


# --------------------------------------------------------------------------------------
# The Overview and the Trends running total agree
# --------------------------------------------------------------------------------------


def _store_rows(through: date) -> pd.DataFrame:
    """Larceny rows from 2019 to ``through``: (day % 7) + 1 a day, 5 on each Feb 29, 40 on
    Mar 2, 2023 (the day a day-of-year count would add by mistake)."""
    days = pd.date_range("2019-01-01", through)
    per_day = np.array([(d.day % 7) + 1 for d in days])
    per_day[days == pd.Timestamp("2023-03-02")] = 40
    per_day[(days.month == 2) & (days.day == 29)] = 5
    stamps = np.repeat(days.to_numpy(), per_day) + np.timedelta64(12, "h")
    n = len(stamps)
    return canonical_rows(
        {
            "record_id": [f"R{i}" for i in range(n)],
            "incident_id": [f"I{i}" for i in range(n)],
            "occurred_at": stamps,
            **dict.fromkeys(("crime_code", "description", "offense", "offense_detail"), "LARCENY"),
            "district": "WESTERN",
            "old_district": "WESTERN",
            "neighborhood": "Harlem Park",
            "latitude": 39.3,
            "longitude": -76.6,
        }
    )


def _hand_count(first: date, last: date) -> int:
    total = 0
    day = first
    while day <= last:
        total += (
            40
            if day == date(2023, 3, 2)
            else 5
            if (day.month, day.day) == (2, 29)
            else (day.day % 7) + 1
        )
        day += timedelta(days=1)
    return total


@pytest.mark.parametrize(
    ("through", "last_year"),
    [
        (date(2024, 2, 29), date(2023, 2, 28)),
        (date(2024, 3, 1), date(2023, 3, 1)),
        (date(2025, 3, 1), date(2024, 3, 1)),
    ],
)
def test_overview_and_trends_give_the_same_last_year_total(through, last_year):
    from bmoredash.app import build_app
    from bmoredash.app.context import DashboardContext

    context = DashboardContext(frame=_store_rows(through), data_through=through)
    app = build_app(context=context, query="")
    overview = {c.label: c for c in app.pages["overview"].comparisons}["Part 1 property"]
    app.state.page = "trends"
    running = app.pages["trends"].cumulative
    expected = _hand_count(date(last_year.year, 1, 1), last_year)
    cutoff = through.timetuple().tm_yday
    assert overview.previous == expected
    assert running.loc[cutoff, through.year - 1] == expected
    assert running.loc[cutoff, through.year] == overview.current
    assert overview.current == _hand_count(date(through.year, 1, 1), through)


def test_a_long_range_is_compared_with_the_equal_length_before_it_and_labelled_so():
    from bmoredash.app.context import FilteredView
    from bmoredash.app.state import FilterState

    through = date(2025, 11, 28)
    from bmoredash.app.context import DashboardContext

    context = DashboardContext(frame=_store_rows(through), data_through=through)
    state = FilterState.from_query("start=2024-01-01&end=2025-11-28")
    view = FilteredView(context, state)
    assert view.window == Window(date(2024, 1, 1), through)
    assert view.previous == Window(date(2022, 2, 2), date(2023, 12, 31))
    assert view.period_label == "Jan 1, 2024 – Nov 28, 2025"
    assert view.previous_label == "Feb 2, 2022 – Dec 31, 2023"
    year = FilteredView(context, FilterState(year=2024))
    assert (year.period_label, year.previous_label) == ("2024", "2023")
    ytd = FilteredView(context, FilterState())
    assert ytd.previous == Window(date(2024, 1, 1), date(2024, 11, 28))
    assert ytd.previous_label == "same days of 2024"


# --------------------------------------------------------------------------------------
# Week, month and day helpers the report, the pages and the counting rules ask for
# (checked by hand: around Feb 29 2024, the year end 2025-12-27..2026-01-03, and the
# spring-forward week ending 2026-03-14, whose Sunday Mar 8 is 23 hours long)
# --------------------------------------------------------------------------------------


def test_window_dates():
    assert Window(date(2024, 2, 28), date(2024, 3, 1)).dates() == [
        date(2024, 2, 28),
        date(2024, 2, 29),
        date(2024, 3, 1),
    ]
    assert Window(date(2025, 12, 31), date(2026, 1, 1)).dates() == [
        date(2025, 12, 31),
        date(2026, 1, 1),
    ]
    dst = Window(date(2026, 3, 8), date(2026, 3, 14)).dates()
    assert len(dst) == 7 and dst[0] == date(2026, 3, 8) and dst[-1] == date(2026, 3, 14)
    assert Window(date(2026, 3, 14), date(2026, 3, 13)).dates() == []


def test_week_start():
    # Feb 29 2024 is a Thursday: its week runs Sun Feb 25 - Sat Mar 2.
    assert periods.week_start(date(2024, 2, 29)) == date(2024, 2, 25)
    assert periods.week_start(date(2024, 3, 2)) == date(2024, 2, 25)
    assert periods.week_start(date(2024, 3, 3)) == date(2024, 3, 3)
    # Year end: Jan 1 2026 (Thursday) is in the week Sun Dec 28 - Sat Jan 3.
    assert periods.week_start(date(2026, 1, 1)) == date(2025, 12, 28)
    assert periods.week_start(date(2026, 1, 3)) == date(2025, 12, 28)
    assert periods.week_start(date(2025, 12, 27)) == date(2025, 12, 21)
    # The spring-forward Sunday starts its week.
    assert periods.week_start(date(2026, 3, 14)) == date(2026, 3, 8)
    assert periods.week_start(date(2026, 3, 8)) == date(2026, 3, 8)


def test_first_complete_week_end():
    assert periods.first_complete_week_end(date(2024, 2, 25)) == date(2024, 3, 2)  # a Sunday
    assert periods.first_complete_week_end(date(2024, 2, 29)) == date(2024, 3, 9)
    assert periods.first_complete_week_end(date(2024, 3, 2)) == date(2024, 3, 9)  # a Saturday
    assert periods.first_complete_week_end(date(2025, 12, 27)) == date(2026, 1, 3)
    assert periods.first_complete_week_end(date(2025, 12, 28)) == date(2026, 1, 3)
    assert periods.first_complete_week_end(date(2026, 3, 8)) == date(2026, 3, 14)


def test_weeks_before():
    assert periods.weeks_before(date(2024, 3, 2), 2) == Window(date(2024, 2, 11), date(2024, 2, 24))
    assert periods.weeks_before(date(2026, 1, 3), 1) == Window(
        date(2025, 12, 21), date(2025, 12, 27)
    )
    assert periods.weeks_before(date(2026, 1, 3), 52) == Window(
        date(2024, 12, 29), date(2025, 12, 27)
    )
    assert periods.weeks_before(date(2026, 3, 14), 1) == Window(date(2026, 3, 1), date(2026, 3, 7))


def test_with_weeks_before():
    assert periods.with_weeks_before(Window(date(2024, 3, 3), date(2024, 3, 9)), 1) == Window(
        date(2024, 2, 25), date(2024, 3, 9)
    )
    assert periods.with_weeks_before(Window(date(2026, 1, 4), date(2026, 1, 10)), 2) == Window(
        date(2025, 12, 21), date(2026, 1, 10)
    )
    assert periods.with_weeks_before(Window(date(2026, 3, 8), date(2026, 3, 14)), 2) == Window(
        date(2026, 2, 22), date(2026, 3, 14)
    )


def test_weeks_covering_months():
    # 13 months before Jan 3 2026 is Dec 3 2024; the window starts the day after, a
    # Wednesday, whose week starts Sun Dec 1 2024.
    assert periods.weeks_covering_months(date(2026, 1, 3), 13) == Window(
        date(2024, 12, 1), date(2026, 1, 3)
    )
    # 13 months before Mar 29 2025 is Feb 29 2024; the day after (Fri Mar 1) is in the
    # week Sun Feb 25 - Sat Mar 2.
    assert periods.weeks_covering_months(date(2025, 3, 29), 13) == Window(
        date(2024, 2, 25), date(2025, 3, 29)
    )
    # 13 months before Mar 14 2026 is Feb 14 2025; Sat Feb 15 starts a week on Feb 9.
    assert periods.weeks_covering_months(date(2026, 3, 14), 13) == Window(
        date(2025, 2, 9), date(2026, 3, 14)
    )


def test_weeks_covering_months_is_the_report_trend_rule_it_replaced():
    """The weekly report's trend window used to be computed with a pandas month offset;
    the periods rule gives the same window for every Saturday of 2023-2027."""
    for saturday in pd.date_range("2023-01-07", "2027-12-25", freq="W-SAT"):
        start = (saturday - pd.DateOffset(months=13)).date() + timedelta(days=1)
        first_end = periods.week_ending(start)
        old = Window(first_end - timedelta(days=6), saturday.date())
        assert periods.weeks_covering_months(saturday.date(), 13) == old


def test_week_endings_vectorised():
    days = pd.Series(
        pd.to_datetime(
            ["2024-02-29", "2024-03-02", "2024-03-03", "2025-12-28", "2026-01-01", "2026-03-08"]
        )
    )
    assert list(periods.week_endings(days).dt.date) == [
        date(2024, 3, 2),
        date(2024, 3, 2),
        date(2024, 3, 9),
        date(2026, 1, 3),
        date(2026, 1, 3),
        date(2026, 3, 14),
    ]
    every = pd.Series(pd.date_range("2023-12-25", "2026-03-20"))
    assert list(periods.week_endings(every).dt.date) == [
        periods.week_ending(d.date()) for d in every
    ]


def test_week_ends_index_and_week_starts():
    ends = periods.week_ends_index(Window(date(2025, 12, 24), date(2026, 1, 5)))
    assert list(ends.date) == [date(2025, 12, 27), date(2026, 1, 3), date(2026, 1, 10)]
    assert list(periods.week_starts(ends).date) == [
        date(2025, 12, 21),
        date(2025, 12, 28),
        date(2026, 1, 4),
    ]
    leap = periods.week_ends_index(Window(date(2024, 2, 29), date(2024, 3, 2)))
    assert list(leap.date) == [date(2024, 3, 2)]
    dst = periods.week_ends_index(Window(date(2026, 3, 8), date(2026, 3, 14)))
    assert list(dst.date) == [date(2026, 3, 14)]
    assert list(periods.week_starts(dst).date) == [date(2026, 3, 8)]
    # The 52 weeks before the week ending Jan 3 2026 (a flag's baseline).
    baseline = periods.week_ends_index(periods.weeks_before(date(2026, 1, 3), 52))
    assert len(baseline) == 52
    assert (baseline[0].date(), baseline[-1].date()) == (date(2025, 1, 4), date(2025, 12, 27))


def test_month_end_days_of_year_and_date_of_day_of_year():
    assert periods.month_end_days_of_year(2024) == (
        31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366
    )  # fmt: skip
    assert periods.month_end_days_of_year(2025) == (
        31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365
    )  # fmt: skip
    assert periods.date_of_day_of_year(2024, 60) == date(2024, 2, 29)
    assert periods.date_of_day_of_year(2025, 60) == date(2025, 3, 1)
    assert periods.date_of_day_of_year(2024, 366) == date(2024, 12, 31)
    assert periods.date_of_day_of_year(2025, 365) == date(2025, 12, 31)
    assert periods.date_of_day_of_year(2026, 1) == date(2026, 1, 1)
    assert periods.date_of_day_of_year(2026, 67) == date(2026, 3, 8)  # spring forward


# --------------------------------------------------------------------------------------
# No comparison date arithmetic outside periods.py
# --------------------------------------------------------------------------------------

#: Date arithmetic that makes a window: only periods.py may do it.
_WINDOW_ARITHMETIC = ("timedelta(", "DateOffset", "Timedelta(", "replace(year=", "year - 1")
#: Files that may, each with its reason (none of them makes a comparison window).
_ALLOWED = {
    "bmoredash/periods.py": "the one home of the period rule",
    "bmoredash/clean/dates.py": "parsing timestamps (date + time of day, the fetch's end)",
    "bmoredash/fetch.py": "overlap of a download window",
    "bmoredash/app/context.py": "day numbers of rows (fast path)",
}


def test_no_comparison_date_arithmetic_outside_periods():
    from pathlib import Path

    root = Path(periods.__file__).resolve().parent.parent
    found = []
    for path in sorted((root / "bmoredash").rglob("*.py")):
        name = path.relative_to(root).as_posix()
        if name in _ALLOWED:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            found += [f"{name}:{number}: {line.strip()}" for p in _WINDOW_ARITHMETIC if p in line]
    assert not found, "ask bmoredash.periods instead:\n" + "\n".join(found)
    for name in _ALLOWED:
        assert (root / name).exists(), f"{name} is allowed date arithmetic but is gone"


def test_the_chosen_period_and_what_it_is_compared_with() -> None:
    through = date(2026, 11, 21)
    now, before, ytd = periods.chosen_windows(None, None, None, through)
    assert (now, before, ytd) == (
        Window(date(2026, 1, 1), through),
        Window(date(2025, 1, 1), date(2025, 11, 21)),
        True,
    )
    assert periods.chosen_windows(2026, None, None, through)[2] is True
    assert periods.chosen_windows(2024, None, None, through) == (
        Window(date(2024, 1, 1), date(2024, 12, 31)),
        Window(date(2023, 1, 1), date(2023, 12, 31)),
        False,
    )
    # A range reaching past the data is cut at the data's last day, then compared with
    # the equal-length window just before it (690 days each).
    now, before, ytd = periods.chosen_windows(2020, date(2025, 1, 1), date(2027, 1, 1), through)
    assert now == Window(date(2025, 1, 1), through) and not ytd
    assert before.end == date(2024, 12, 31) and before.days == now.days == 690
    assert periods.years_back_start(through, 5) == date(2021, 1, 1)
