"""The preliminary-weeks rule (``coverage.preliminary_start`` / ``preliminary_weeks``) on
hand-made dates, and how the weekly report's text and chart say it."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from bmoredash.coverage import (
    PRELIMINARY_DAYS,
    PRELIMINARY_WEEKS,
    preliminary_start,
    preliminary_weeks,
)


@pytest.mark.parametrize(
    ("through", "start"),
    [
        (date(2026, 6, 13), date(2026, 5, 31)),  # a Saturday: weeks ending Jun 6 and 13
        (date(2026, 6, 14), date(2026, 5, 31)),  # Sunday: the same two, plus Jun 14
        (date(2026, 6, 17), date(2026, 5, 31)),  # Wednesday: Jun 6 ends 11 days before
        (date(2026, 6, 19), date(2026, 5, 31)),  # Friday: Jun 6 ends 13 days before
        (date(2026, 6, 20), date(2026, 6, 7)),  # Saturday again: Jun 6 is 14 days back
        (date(2026, 1, 3), date(2025, 12, 21)),  # across the new year
    ],
)
def test_preliminary_start_on_hand_made_dates(through: date, start: date) -> None:
    assert PRELIMINARY_WEEKS == 2 and PRELIMINARY_DAYS == 14
    assert preliminary_start(through) == start
    assert start.weekday() == 6  # a Sunday: whole weeks


def test_always_the_last_two_complete_weeks_and_after() -> None:
    weeks = pd.date_range("2026-04-04", "2026-07-04", freq="W-SAT")
    for through in pd.date_range("2026-05-01", "2026-06-30"):
        marked = preliminary_weeks(weeks, through)
        complete = weeks[weeks <= through]
        # The two latest complete weeks, and any week ending after "data through".
        assert list(marked[: len(complete)]) == [False] * (len(complete) - 2) + [True, True]
        assert marked[len(complete) :].all()
        # Each marked week ends within 14 days of "data through" (or after it).
        ends = weeks[marked]
        assert ((through - ends) < pd.Timedelta(days=PRELIMINARY_DAYS)).all()
    # Strings, dates and timestamps alike; nothing to mark, nothing marked.
    assert list(preliminary_weeks(["2026-06-06", date(2026, 5, 30)], "2026-06-13")) == [
        True,
        False,
    ]
    assert preliminary_weeks([], date(2026, 6, 13)).shape == (0,)


def test_report_headline_and_footnote_say_the_week_is_preliminary() -> None:
    from bmoredash import report as text

    manifest = {"data_through": "2026-11-23", "sources": []}
    week_end = date(2026, 11, 21)
    footnote = text.preliminary_note(manifest, week_end)
    assert footnote.startswith("This week's counts are preliminary.")
    assert "19% more rapes and 3% more aggravated assaults" in footnote
    # A week long settled gets the rule only, not "this week is preliminary".
    old = text.preliminary_note(manifest, week_end - timedelta(weeks=5))
    assert "This week" not in old and "preliminary" in old
    assert "preliminary" in text.PRELIMINARY_SENTENCE and "rise" in text.PRELIMINARY_SENTENCE


def test_report_trend_chart_hatches_the_preliminary_weeks() -> None:
    from bmoredash.report import figures as figs

    weeks = pd.date_range("2026-10-03", "2026-11-21", freq="W-SAT")
    weekly = pd.DataFrame(
        {"violent": 5.0, "property": 8.0, "violent_flag": "", "property_flag": ""},
        index=weeks,
    )
    weekly.loc[weeks[0], "violent"] = np.nan
    weekly["preliminary"] = preliminary_weeks(weeks, date(2026, 11, 23))
    fig = figs.trend_chart(weekly, date(2026, 11, 21))
    for ax in fig.axes:
        (bars,) = ax.containers
        hatched = [bool(b.get_hatch()) for b in bars.patches]
        assert hatched[-2:] == [True, True] and not any(hatched[:-2])


def test_a_preliminary_week_is_never_marked_lower() -> None:
    from bmoredash.coverage import PRELIMINARY_FLAG_RULE, preliminary_flags

    weeks = pd.to_datetime(["2026-11-07", "2026-11-14", "2026-11-21"])
    flags = pd.Series(["lower", "lower", "higher"], index=weeks)
    held = preliminary_flags(flags, preliminary_weeks(weeks, date(2026, 11, 23)))
    # Weeks ending Nov 14 and 21 are preliminary through Nov 23: no "lower" there.
    assert held.tolist() == ["lower", "", "higher"]
    assert "never marked lower" in PRELIMINARY_FLAG_RULE


def test_the_report_drops_lower_on_its_preliminary_week(monkeypatch) -> None:
    from bmoredash.report import data as report

    weeks = pd.date_range(end="2026-11-21", periods=120, freq="W-SAT")
    frame_weeks = pd.Series(20.0, index=weeks)
    frame_weeks.iloc[-1] = 0.0  # a week far below its baseline (late reports not in yet)
    monkeypatch.setattr(report.agg, "weekly_counts", lambda *a, **k: frame_weeks.copy())
    trend = report.agg.Window(date(2025, 10, 19), date(2026, 11, 21))
    no_rows = pd.DataFrame({"offense": pd.Series(dtype=str)})
    table = report.weekly_with_flags(no_rows, trend, None, date(2026, 11, 23))
    assert report.agg.flag_weeks(frame_weeks).iloc[-1] == "lower"  # the raw test fires
    assert table["violent_flag"].iloc[-1] == "" and bool(table["preliminary"].iloc[-1])
