"""The long run: yearly totals per offense for every year the data cover, and rolling
12-month totals.

Why apart from ``counts``: a chart of many years meets the sources' limits at both ends and
in between (a source that starts in March, a missing month), so each year says how many of
its days hold data. A year the data cover in part is *partial*: its count is the count of
its covered days, given with that number of days and never set beside whole years as if it
were one. A year without a covered day has no count (no data is not zero). A rolling
12-month total is given only where all twelve months are covered day by day.

Windows come from ``bmoredash.periods`` (``calendar_year``, month ends), days with data
from ``bmoredash.coverage``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd

from bmoredash.aggregate.counts import event_dates, monthly_counts
from bmoredash.coverage import Coverage
from bmoredash.periods import Window, calendar_year, last_complete_month_end
from bmoredash.selection import Selection

#: The status of a year: every day covered, some days, none.
WHOLE = "whole"
PARTIAL = "partial"
NO_DATA = "no data"
#: The ``offense`` key of the selection's total (every offense asked for, on the days all
#: of them are covered).
TOTAL = "TOTAL"
#: Months in a rolling total.
ROLLING_MONTHS = 12

YEARLY_COLUMNS = ("year", "offense", "count", "days", "covered_days", "status")


def covered_years(coverage: Coverage, offenses: Iterable[str], through: date) -> list[int]:
    """Every year from the first with a covered day for one of ``offenses`` to the last one
    up to ``through`` (years between without data included, so a hole shows as one)."""
    years = {y for o in offenses for y in coverage.years([o]) if y <= through.year}
    return list(range(min(years), max(years) + 1)) if years else []


def _status(covered: int, days: int) -> str:
    if covered == days:
        return WHOLE
    return PARTIAL if covered else NO_DATA


def yearly_totals(
    frame: pd.DataFrame, coverage: Coverage, offenses: Iterable[str], through: date
) -> pd.DataFrame:
    """One row per year and offense, then the year's ``TOTAL``: ``count`` (rows dated on
    the year's covered days up to ``through``; NaN when none is covered), ``days`` (days of
    the calendar year), ``covered_days`` and ``status`` (``WHOLE``, ``PARTIAL``,
    ``NO_DATA``).

    Each offense is covered on its own days; the total counts every offense on the days all
    of them are covered, so it is whole only when each of them is.
    """
    chosen = list(dict.fromkeys(offenses))
    years = covered_years(coverage, chosen, through)
    if not years:
        return pd.DataFrame({c: [] for c in YEARLY_COLUMNS})
    first, last = date(years[0], 1, 1), calendar_year(years[-1]).end
    days = pd.date_range(first, last, freq="D")
    upto = days <= pd.Timestamp(through)
    # Rows per day and offense over the whole range (0 where none).
    rows = Selection(offenses=tuple(chosen)).apply(frame)
    dated = pd.DataFrame(
        {"day": event_dates(rows).to_numpy(), "offense": rows["offense"].astype(str)}
    )
    daily = (
        dated.groupby(["day", "offense"]).size().unstack("offense")
        .reindex(index=days, columns=chosen)
        .fillna(0)
        .to_numpy(dtype=np.int64)
    )  # fmt: skip
    year_of = days.year.to_numpy()
    wanted: list[tuple[str, list[str]]] = [(o, [o]) for o in chosen] + [(TOTAL, chosen)]
    # Which days each count may use, over the whole range at once (not year by year).
    usable = {key: coverage.mask(days, counted) & upto for key, counted in wanted}
    records = []
    for year in years:
        in_year = year_of == year
        length = int(in_year.sum())
        for key, counted in wanted:
            covered = usable[key][in_year]
            columns = [chosen.index(o) for o in counted]
            n_covered = int(covered.sum())
            count = daily[in_year][covered][:, columns].sum() if n_covered else np.nan
            records.append((year, key, float(count), length, n_covered, _status(n_covered, length)))
    result = pd.DataFrame.from_records(records, columns=list(YEARLY_COLUMNS))
    return result.astype({"year": int, "days": int, "covered_days": int})


def rolling_totals(
    frame: pd.DataFrame,
    coverage: Coverage,
    offenses: Iterable[str],
    through: date,
    months: int = ROLLING_MONTHS,
) -> pd.Series:
    """The total of the ``months`` calendar months ending with each month (index: that
    month's last day), from the first month the data reach to the last complete month up
    to ``through``. NaN unless every day of the ``months`` months is covered for all of
    ``offenses`` (``aggregate.monthly_counts`` with coverage), so the first value comes
    ``months`` months after the data start and a missing day leaves a gap."""
    chosen = list(dict.fromkeys(offenses))
    firsts = [d for o in chosen if (d := coverage.first_day([o])) is not None]
    end = last_complete_month_end(through)
    if not firsts or min(firsts) > end:
        return pd.Series([], index=pd.DatetimeIndex([]), dtype=float, name="rolling")
    start = min(firsts)
    window = Window(date(start.year, start.month, 1), end)
    rows = Selection(offenses=tuple(chosen)).apply(frame)
    monthly = monthly_counts(rows, window, coverage, chosen).astype(float)
    rolling = monthly.rolling(months, min_periods=months).sum()
    rolling.index = monthly.index + pd.offsets.MonthEnd(0)
    return rolling.rename("rolling")
