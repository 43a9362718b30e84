"""What an arrest count is (pure pandas on a frame of ``ARREST_COLUMNS``).

The counting unit: an ARREST is one arrest number (``arrest_id``). A row of an arrest file
is one charge, so an arrest with three charges is three rows and one arrest; a count of
charges counts rows. NOTE: a row published without an arrest number cannot be matched to
the other charges of its arrest, so each such row counts as one arrest of its own
(``arrest_keys``): 1,147 of the 27,195 legacy rows and 1,354 of the 30,000 ArcGIS rows.
A person arrested twice is two arrests: the files carry no person identifier, so the
age, sex and race tables count arrests, by the arrested person's age, sex and race.

Rules borrowed, never rewritten:

- which days: ``bmoredash.periods`` (year to date and the same days last year);
- which rows: ``selection.Selection`` (it dates arrests by their arrest date);
- how a change is judged: ``aggregate.compare_counts`` (the crime counts' chance rule,
  p < 0.01 against the week-to-week swings of the two periods, and their small-numbers
  rule), on rows dated by ``arrest_date`` (``comparison_rows``);
- which cells are hidden: ``aggregate.suppress_small_cells``, the victims' privacy rule.

By charge group, an arrest counts once in every group it holds a charge in, so the groups
can add up to more than the arrests (in the real samples they do not: the 22 arrests with
several rows each hold one group).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from bmoredash import config, periods
from bmoredash.aggregate import (
    AGE_LABELS,
    Comparison,
    age_groups,
    compare_counts,
    in_window,
    suppress_small_cells,
    value_counts,
)
from bmoredash.arrests.charges import CHARGE_GROUPS
from bmoredash.coverage import Coverage
from bmoredash.selection import Selection

#: The measure every arrest counts in (``comparison_rows``), beside the charge groups.
ALL_ARRESTS = "all"
#: The measures compared, in the order a reader sees them.
MEASURES: tuple[str, ...] = (ALL_ARRESTS, *CHARGE_GROUPS)
#: The people tables: column -> what the breakdown reads (``people_breakdown``).
PEOPLE_COLUMNS: tuple[str, ...] = ("age_group", "sex", "race")
#: How a missing value of a people column is counted (race ``U`` is published "unknown").
UNKNOWN = "Unknown"
_UNKNOWN_RACE = "U"


# --------------------------------------------------------------------------------------
# What one arrest is
# --------------------------------------------------------------------------------------


def arrest_keys(frame: pd.DataFrame) -> pd.Series:
    """The arrest each row belongs to: its arrest number, or, for a row without one, a key
    of its own (``row <position>``), so such a row counts as one arrest."""
    ids = frame["arrest_id"].astype(object)
    own = pd.Series([f"row {i}" for i in range(len(frame))], index=frame.index, dtype=object)
    return ids.where(ids.notna(), own)


def one_per_arrest(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per arrest: the first row of each arrest number (its place, date and the
    arrested person's age, sex and race; in the real samples every row of an arrest
    carries the same ones), and every row without a number."""
    return frame[~arrest_keys(frame).duplicated().to_numpy()]


def arrest_count(frame: pd.DataFrame) -> int:
    """Arrests among the rows: distinct arrest numbers plus the rows without one."""
    return int(arrest_keys(frame).nunique())


# --------------------------------------------------------------------------------------
# By charge group and by place
# --------------------------------------------------------------------------------------


def by_charge_group(frame: pd.DataFrame) -> pd.DataFrame:
    """Per charge group (every group of ``CHARGE_GROUPS``, in order): ``arrests`` holding a
    charge in the group and ``charges`` (rows). An arrest with charges in two groups
    counts in both."""
    keys = arrest_keys(frame)
    pairs = pd.DataFrame({"key": keys.to_numpy(), "group": frame["charge_group"].to_numpy()})
    arrests = pairs.drop_duplicates()["group"].value_counts()
    charges = pairs["group"].value_counts()
    table = pd.DataFrame({"arrests": arrests, "charges": charges})
    table = table.reindex(list(CHARGE_GROUPS), fill_value=0).fillna(0).astype(int)
    table.index.name = "charge_group"
    return table


def by_place(frame: pd.DataFrame, column: str = "district") -> pd.DataFrame:
    """Per value of ``column`` (``district``, ``neighborhood`` or an area column):
    ``arrests`` and ``charges``, most arrests first. Rows without a place keep the
    store's unknown value (``UNKNOWN`` district, ``Unknown`` neighborhood): half the
    published arrests have none, and leaving them out would hide it."""
    arrests = value_counts(one_per_arrest(frame)[column])
    charges = value_counts(frame[column])
    table = pd.DataFrame({"arrests": arrests, "charges": charges}).fillna(0).astype(int)
    table = table.sort_values(["arrests", "charges"], ascending=False, kind="stable")
    table.index.name = column
    return table


# --------------------------------------------------------------------------------------
# Windows and comparisons (the crime counts' rules, on rows dated by arrest date)
# --------------------------------------------------------------------------------------


def _arrest_days(frame: pd.DataFrame) -> pd.Series:
    """Each row's arrest date as Baltimore midnight (the dating ``aggregate`` reads)."""
    days = frame["arrest_date"]
    if isinstance(days.dtype, pd.DatetimeTZDtype):
        return days.dt.tz_convert(config.CITY_TZ)
    return days.dt.tz_localize(config.CITY_TZ)


def arrests_in_window(frame: pd.DataFrame, window: periods.Window) -> pd.DataFrame:
    """The rows whose arrest date falls in ``window`` (the selection rule,
    ``Selection.apply``, which dates arrests by their arrest date)."""
    return Selection.parse(window=window).apply(frame)


def comparison_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in the shape ``aggregate.compare_counts`` counts (``occurred_at``, ``offense``):
    one per arrest as ``ALL_ARRESTS``, and one per arrest and charge group it holds, as
    the group, each dated by the arrest date."""
    keys = arrest_keys(frame)
    days = _arrest_days(frame)
    first = ~keys.duplicated().to_numpy()
    groups = pd.DataFrame(
        {"key": keys.to_numpy(), "group": frame["charge_group"].astype(str).to_numpy()}
    )
    per_group = ~groups.duplicated().to_numpy()
    offense = np.concatenate(
        [
            np.full(int(first.sum()), ALL_ARRESTS, dtype=object),
            groups["group"].to_numpy()[per_group],
        ]
    )
    occurred = pd.concat([days[first], days[per_group]], ignore_index=True)
    return pd.DataFrame(
        {
            "occurred_at": occurred,
            "offense": pd.Categorical(offense, categories=list(MEASURES)),
        }
    )


def compare_arrests(
    frame: pd.DataFrame,
    window: periods.Window,
    previous: periods.Window,
    coverage: Coverage | None = None,
) -> list[Comparison]:
    """Arrests in ``window`` against ``previous``: all arrests, then each charge group (its
    label is the ``MEASURES`` key), by ``aggregate.compare_counts`` (compared on the days
    both have data when a ``coverage`` says which; up or down only beyond chance)."""
    rows = comparison_rows(frame)
    now, before = in_window(rows, window), in_window(rows, previous)
    measures = {measure: (measure,) for measure in MEASURES}
    return compare_counts(now, before, measures, window, previous, coverage)


def ytd_comparison(
    frame: pd.DataFrame, through: date, coverage: Coverage | None = None
) -> list[Comparison]:
    """``compare_arrests`` for the year to date through ``through`` against the same days
    of the year before (``periods.ytd_windows``)."""
    now, before = periods.ytd_windows(through)
    return compare_arrests(frame, now, before, coverage)


# --------------------------------------------------------------------------------------
# The arrested people (the victims' privacy rule)
# --------------------------------------------------------------------------------------


def people_breakdown(frame: pd.DataFrame, column: str) -> pd.Series:
    """Arrests by the arrested person's ``age_group``, ``sex`` or ``race`` (codes as
    published: ``B``, ``W``, ``A``, ``I``, ``U``), small cells hidden (<NA>) by
    ``aggregate.suppress_small_cells``, the rule of the victims' tables. Every arrest is
    counted, a missing value as ``Unknown`` (race: ``U``, the published code for unknown),
    so the cells add up to ``arrest_count``. Every age group is listed, in age order; other
    values only when they hold arrests, most first (ties by name)."""
    if column not in PEOPLE_COLUMNS:
        raise ValueError(f"no people breakdown by {column!r}; use one of {PEOPLE_COLUMNS}")
    arrests = one_per_arrest(frame)
    if column == "age_group":
        values = age_groups(arrests["age"])
    else:
        missing = _UNKNOWN_RACE if column == "race" else UNKNOWN
        values = arrests[column].astype(object).where(arrests[column].notna(), missing)
    counts = value_counts(values)
    if column == "age_group":
        counts = counts.reindex([*AGE_LABELS, UNKNOWN], fill_value=0)
    else:
        # Most arrests first, ties by name: the hidden cells must not depend on the order
        # the rows came in (complementary suppression breaks ties by position).
        order = sorted(counts.index, key=lambda value: (-int(counts[value]), str(value)))
        counts = counts.reindex(order)
    return suppress_small_cells(counts.astype(int))
