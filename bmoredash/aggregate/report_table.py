"""The weekly report table: per offense and the Part 1 totals, this week against the
weeks and the year before, with the notable flag and the year-to-date verdict
(``weekly_offense_table``), and why a comparison is not made (``report_gaps``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd

from bmoredash.aggregate.chance import FLAG_HISTORY_WEEKS, MIN_BASELINE_WEEKS, flag_weeks
from bmoredash.aggregate.comparisons import chance_verdict, compare_counts
from bmoredash.aggregate.counts import (
    _matched,
    _offense_key,
    count_by_offense,
    covered_periods,
    in_window,
    weekly_counts,
    why_not_compared,
)
from bmoredash.coverage import Coverage
from bmoredash.periods import (
    Window,
    week_ends_index,
    week_starts,
    week_window,
    weeks_before,
    weeks_window,
    ytd_windows,
)
from bmoredash.schema import PART1_OFFENSES, PROPERTY_OFFENSES, VIOLENT_OFFENSES
from bmoredash.selection import Selection

#: The rows of the weekly report table: each offense, then the two totals.
REPORT_ROWS: dict[str, tuple[str, ...]] = {
    **{offense: (offense,) for offense in PART1_OFFENSES},
    "Part 1 violent": VIOLENT_OFFENSES,
    "Part 1 property": PROPERTY_OFFENSES,
}


def report_windows(week_end: date) -> dict[str, Window]:
    """The window each count of the weekly report table covers, by column."""
    ytd_now, ytd_before = ytd_windows(week_end)
    return {
        "this_week": week_window(week_end),
        "previous_week": week_window(week_end, 1),
        "four_week_avg": weeks_window(week_end, 4),
        "same_week_last_year": week_window(week_end, 52),  # the same CompStat week
        "ytd": ytd_now,
        "last_ytd": ytd_before,
    }


def weekly_offense_table(
    frame: pd.DataFrame, week_end: date, coverage: Coverage | None = None
) -> pd.DataFrame:
    """Per offense (and the Part 1 violent / property totals): this week, previous week,
    4-week average, same week last year, YTD, last YTD, change, whether that change is
    beyond chance (``ytd_verdict``: ``chance_verdict``), and a notable flag.

    The flag tests this week against its seasonal, over-dispersed expectation from the
    ``FLAG_HISTORY_WEEKS`` weeks before it (``flag_weeks``).
    With ``coverage``, a weekly count whose window holds a day without data for the row's
    offenses is NaN; the baseline is then the weeks with data only. Year to date and the
    same days last year are compared as every face compares (``compare_counts``): on the
    days both have data, so ``ytd`` and ``last_ytd`` leave out a day without data and its
    match (``table.attrs["ytd_left_out"]`` says which), and are NaN only when that would
    leave out more than a tenth of the days.
    """
    windows = report_windows(week_end)
    frame = frame[["occurred_at", "offense"]]  # all it reads: every cut below copies less

    def counts(window: Window) -> pd.Series:
        per_offense = count_by_offense(in_window(frame, window), PART1_OFFENSES)
        return pd.Series({row: per_offense[list(o)].sum() for row, o in REPORT_ROWS.items()})

    table = pd.DataFrame({column: counts(w) for column, w in windows.items()}).astype(float)
    table["four_week_avg"] /= 4.0
    if coverage is not None:
        for row, offenses in REPORT_ROWS.items():
            for column, w in windows.items():
                if column not in YTD_COLUMNS and why_not_compared(coverage, [w], offenses):
                    table.loc[row, column] = np.nan
    ytd_now, ytd_before = windows["ytd"], windows["last_ytd"]
    ytd = compare_counts(
        in_window(frame, ytd_now),
        in_window(frame, ytd_before),
        REPORT_ROWS,
        ytd_now,
        ytd_before,
        coverage,
    )
    for (row, offenses), c in zip(REPORT_ROWS.items(), ytd, strict=True):
        if c.why_not:  # not compared: a count still stands alone where its window has data
            for column, count in (("ytd", c.current), ("last_ytd", c.previous)):
                covered = not why_not_compared(coverage, [windows[column]], offenses)
                table.loc[row, column] = count if covered else np.nan
        else:
            table.loc[row, ["ytd", "last_ytd"]] = [c.current, c.previous]
    table["ytd_change"] = [np.nan if c.why_not else c.current - c.previous for c in ytd]
    table["ytd_percent"] = [None if c.why_not else c.percent for c in ytd]
    table["ytd_verdict"] = [chance_verdict(c) for c in ytd]
    table.attrs["ytd_left_out"] = next((c.left_out for c in ytd if c.left_out), None)
    # This week and the weeks its seasonal baseline reads.
    weeks = weeks_window(week_end, FLAG_HISTORY_WEEKS + 1)
    table["flag"] = [
        flag_weeks(weekly_counts(Selection(offenses=o).apply(frame), weeks, coverage, o)).iloc[-1]
        for o in REPORT_ROWS.values()
    ]
    table.index.name = "offense"
    return table


#: The report table's year-to-date columns (compared on matched days, ``compare_counts``).
YTD_COLUMNS = ("ytd", "last_ytd")


def report_gaps(
    week_end: date, coverage: Coverage, offenses: Iterable[str] = PART1_OFFENSES
) -> dict[str, str]:
    """Why comparisons of the weekly report are not made: column of
    ``weekly_offense_table`` -> ``why_not`` text, for the weekly columns whose window holds a
    day without data, and the year-to-date columns when matching their days would leave
    out too many (``compare_counts``); ``flag`` when fewer than ``MIN_BASELINE_WEEKS`` of
    the 52 weeks before the week have data (then no count can be marked notable)."""
    windows = report_windows(week_end)
    gaps = {
        column: why
        for column, w in windows.items()
        if column not in YTD_COLUMNS and (why := why_not_compared(coverage, [w], offenses))
    }
    ytd_now, ytd_before = windows["ytd"], windows["last_ytd"]
    if _matched(coverage, ytd_now, ytd_before, _offense_key(offenses)) is None:
        for column in YTD_COLUMNS:
            if why := why_not_compared(coverage, [windows[column]], offenses):
                gaps[column] = why
    ends = week_ends_index(weeks_before(week_end, 52))
    with_data = int(covered_periods(week_starts(ends), ends, coverage, offenses).sum())
    if with_data < MIN_BASELINE_WEEKS:
        gaps["flag"] = (
            f"no count is marked notable: {with_data} of the 52 weeks before this one have "
            f"data, fewer than the {MIN_BASELINE_WEEKS} a baseline needs"
        )
    return gaps
