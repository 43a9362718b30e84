"""Breakdowns of a view's rows: by hour and weekday, shares of a column, victims by
demographic group (small cells hidden, ``privacy``), neighborhoods ranked with their change.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from bmoredash.aggregate.counts import (
    _matched,
    _offense_key,
    _without_days,
    in_window,
    percent_readable,
    value_counts,
)
from bmoredash.aggregate.privacy import suppress_small_cells
from bmoredash.coverage import Coverage
from bmoredash.periods import Window

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def hour_by_weekday(frame: pd.DataFrame) -> pd.DataFrame:
    """Counts by hour (rows 0-23) and weekday (columns Mon..Sun); rows without a time skipped."""
    timed = frame[frame["time_known"].to_numpy(dtype=bool)]
    stamps = timed["occurred_at"]
    table = pd.crosstab(stamps.dt.hour, stamps.dt.day_of_week)
    table = table.reindex(index=range(24), columns=range(7), fill_value=0)
    table.columns = list(WEEKDAYS)
    table.index.name = "hour"
    return table.astype(int)


def share_table(frame: pd.DataFrame, column: str, top: int | None = None) -> pd.DataFrame:
    """Count and percent of rows per value of ``column``, largest first.

    The percent is NaN where the count or the total is below ``MIN_READABLE_COUNT`` (the
    small-numbers rule of ``percent_readable``: 2 of 3 is not "66.7%")."""
    counts = value_counts(frame[column])
    if top is not None and len(counts) > top:
        counts = pd.concat([counts.iloc[:top], pd.Series({"All other": counts.iloc[top:].sum()})])
    total = int(counts.sum())
    percent = counts / total * 100 if total else counts.astype(float)
    readable = [percent_readable(int(n), total) for n in counts]
    percent = percent.round(1).where(readable)
    return pd.DataFrame({"count": counts.astype(int), "percent": percent})


AGE_BINS = (0, 18, 25, 35, 45, 55, 65, 200)
AGE_LABELS = ("Under 18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")


def age_groups(ages: pd.Series) -> pd.Series:
    """Age group labels; missing ages become ``Unknown``."""
    groups = pd.cut(ages.astype("float"), bins=AGE_BINS, labels=AGE_LABELS, right=False)
    return groups.cat.add_categories(["Unknown"]).fillna("Unknown")


def victim_breakdown(frame: pd.DataFrame, column: str) -> pd.Series:
    """Victims per value of a demographic column (``victim_gender``... or ``age_group``),
    small cells suppressed (``suppress_small_cells``). Every victim is counted, a missing
    value as ``Unknown``, so the cells add up to the number of victims the page states."""
    if column == "age_group":
        values = age_groups(frame["victim_age"])
    else:
        values = frame[column].astype(object).where(frame[column].notna(), "Unknown")
    counts = value_counts(values)
    if column == "age_group":
        counts = counts.reindex([*AGE_LABELS, "Unknown"], fill_value=0)
    return suppress_small_cells(counts)


def neighborhood_ranking(
    frame: pd.DataFrame,
    window: Window,
    previous: Window,
    coverage: Coverage | None = None,
    offenses: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Neighborhoods by count in ``window``, with the count in ``previous`` and the change.

    With ``coverage``, the change is taken on the days both windows have data, as
    ``compare_counts`` takes it (a day without data and its match are left out of
    ``previous`` and of the count it is set against; ``table.attrs["left_out"]`` says which);
    when that would leave out more than a tenth of the days, ``previous`` and ``change``
    are missing (<NA>), never a count of zero. ``count`` is always the whole window's.
    """
    current = in_window(frame, window)
    now = value_counts(current["neighborhood"])
    before_rows, against = in_window(frame, previous), current
    matched = _matched(coverage, window, previous, _offense_key(offenses))
    if matched is not None and matched.left_out:
        against = _without_days(current, matched.left_out)
        before_rows = _without_days(before_rows, matched.left_out_before)
    before = value_counts(before_rows["neighborhood"])
    matched_now = value_counts(against["neighborhood"])
    table = pd.DataFrame({"count": now, "previous": before, "_now": matched_now})
    table = table.fillna(0).astype(int)
    table = table.drop(index=[n for n in ("nan", "", "Unknown") if n in table.index])
    table["change"] = table.pop("_now") - table["previous"]
    table = table.sort_values(["count", "change"], ascending=[False, False])
    if matched is None:
        table[["previous", "change"]] = table[["previous", "change"]].astype("Int64")
        table.loc[:, ["previous", "change"]] = pd.NA
    table.index.name = "neighborhood"
    table.attrs["left_out"] = matched.note() if matched is not None else None
    return table
