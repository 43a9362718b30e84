"""How much a week's counts change after first publication, measured from successive snapshots.

Why: the latest ``coverage.PRELIMINARY_WEEKS`` weeks are called preliminary on every face
because crimes reported late are still being added (issue 8). How long a week keeps
rising was a judgment; the store keeps every ingest or fetch as a snapshot with its raw
copy (``bmoredash.snapshots``), so the same week can be counted in one snapshot and again
in the next one of the same dataset.

The rule
- A *pair* is a snapshot and the next snapshot of the same dataset with a later
  ``as_of`` whose covered days and offense scope meet it (``successive_pairs``). Two
  snapshots with the same ``as_of`` (a file and a cut of it, a download made twice in a
  day) are not successive publications: as in the store, the later ingest of the day
  supersedes the other, which is compared with nothing.
- Both snapshots are read back from their raw copies exactly as ``ingest.rebuild`` reads
  them (``sources.read_source`` then ``clean.clean``): the store itself keeps only the rows
  that still serve, so the earlier snapshot's superseded rows are gone from it.
- Rows are counted per Part 1 offense on the days both snapshots cover (gap days and days
  outside either window are left out), per week ending Saturday (``bmoredash.periods``).
- A week's *age* is how many weeks before the week holding the earlier snapshot's last
  date of data it ends: age 0 is the (often partial) week of that last date. The last
  date, not the download date, because the preliminary rule counts from "data through"
  (``coverage.preliminary_start``): ages 0 and 1 are the two weeks the faces call
  preliminary when the data ends on a Saturday, ages 0 to 2 otherwise. (The Baltimore
  Sun's weekly files end 7 to 10 days before their download.)
- Pairs are pooled: rows are summed per age and offense over every pair, and the change
  is given in percent only under the small-numbers rule (``aggregate.readable_percent``:
  both sides at least 10).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from bmoredash import clean, config, periods, sources, store
from bmoredash.aggregate import count_by_offense, event_dates, readable_percent
from bmoredash.schema import PART1_OFFENSES
from bmoredash.snapshots import Snapshot, priority, shared_scope

__all__ = [
    "ALL_PART1",
    "MAX_AGE_WEEKS",
    "Pair",
    "reference_day",
    "successive_pairs",
    "snapshot_rows",
    "pair_counts",
    "revision_counts",
    "summarize",
    "revision_table",
]

#: Weeks of age measured: well past the ``PRELIMINARY_WEEKS`` being judged.
MAX_AGE_WEEKS = 8
#: The row that sums the Part 1 offenses (common assault excluded, as everywhere).
ALL_PART1 = "all Part 1"
#: The long table of ``pair_counts`` and ``revision_counts``.
COUNT_COLUMNS = ["earlier", "later", "age_weeks", "offense", "days", "rows_first", "rows_later"]


@dataclass(frozen=True)
class Pair:
    """A snapshot, the next one of its dataset, and what they both cover."""

    earlier: Snapshot
    later: Snapshot
    #: days both snapshots cover (windows less gap days)
    days: frozenset[date]
    #: offenses both hold (None: every offense)
    offenses: frozenset[str] | None


def reference_day(snap: Snapshot) -> date | None:
    """The day ages are counted from: the snapshot's last date of data (its window's end),
    the "data through" that ``coverage.preliminary_start`` counts from."""
    return snap.end


def _shared_days(a: Snapshot, b: Snapshot) -> frozenset[date]:
    if None in (a.start, a.end, b.start, b.end) or max(a.start, b.start) > min(a.end, b.end):
        return frozenset()
    return frozenset(a.covered_days()) & frozenset(b.covered_days())


def _scopes_meet(a: Snapshot, b: Snapshot) -> bool:
    shared = shared_scope(a, b)
    return shared is None or bool(shared)


def successive_pairs(snapshots: Iterable[Snapshot]) -> list[Pair]:
    """Each snapshot with the next snapshot of the same dataset that republishes some of
    its days (shared covered days and offenses), when that one has a later ``as_of``. A
    snapshot superseded by another of the same ``as_of``, or that nothing later
    overlaps, is in no pair."""
    by_dataset: dict[str, list[Snapshot]] = {}
    for snap in snapshots:
        by_dataset.setdefault(snap.dataset, []).append(snap)
    pairs = []
    for snaps in by_dataset.values():
        ordered = priority(snaps)[::-1]  # the store's order: earliest as_of, loser first
        for i, earlier in enumerate(ordered):
            for later in ordered[i + 1 :]:
                if not _scopes_meet(earlier, later):
                    continue
                days = _shared_days(earlier, later)
                if not days:
                    continue
                if later.as_of > earlier.as_of:
                    pairs.append(Pair(earlier, later, days, shared_scope(earlier, later)))
                break  # the first later snapshot over its days: next, or same-day successor
    return sorted(pairs, key=lambda p: (p.earlier.dataset, p.earlier.as_of, p.later.as_of))


def snapshot_rows(
    data_dir: str | os.PathLike[str] | None, snap: Snapshot, *, today: date | None = None
) -> pd.DataFrame:
    """The rows a snapshot held when it was ingested, read back from its raw copy as
    ``ingest.rebuild`` reads it (the store keeps only rows that still serve).

    Raises FileNotFoundError naming the snapshot when it has no raw copy."""
    root = config.data_dir(data_dir)
    if not snap.raw or not (root / snap.raw).is_file():
        raise FileNotFoundError(
            f"snapshot {snap.id} ({snap.source}): its raw copy {snap.raw or '(none)'} is missing"
        )
    frame = sources.read_source(root / snap.raw, name=snap.source)
    return clean.clean(frame, today=today).incidents


def _offenses_of(pair: Pair) -> tuple[str, ...]:
    return tuple(o for o in PART1_OFFENSES if pair.offenses is None or o in pair.offenses)


def pair_counts(
    pair: Pair,
    earlier_rows: pd.DataFrame,
    later_rows: pd.DataFrame,
    max_age: int = MAX_AGE_WEEKS,
) -> pd.DataFrame:
    """Rows per week of age and Part 1 offense in the earlier and the later snapshot of
    ``pair``, on the days both cover (columns ``COUNT_COLUMNS``). Weeks with no shared day
    are left out; ``ALL_PART1`` is added only when both snapshots hold every offense (a
    homicide list's total is not a Part 1 total)."""
    reference = reference_day(pair.earlier)
    if reference is None:
        return pd.DataFrame(columns=COUNT_COLUMNS)
    last_week = periods.week_ending(reference)
    offenses = _offenses_of(pair)
    first_days = event_dates(earlier_rows).to_numpy()
    later_days = event_dates(later_rows).to_numpy()
    records = []
    for age in range(max_age + 1):
        week = periods.week_window(last_week, age)
        days = sorted(d for d in pair.days if week.start <= d <= week.end)
        if not days:
            continue
        wanted = np.array(days, dtype="datetime64[ns]")
        first = count_by_offense(earlier_rows[np.isin(first_days, wanted)], offenses)
        later = count_by_offense(later_rows[np.isin(later_days, wanted)], offenses)
        if pair.offenses is None:
            first[ALL_PART1], later[ALL_PART1] = first.sum(), later.sum()
        for offense in first.index:
            records.append(
                (pair.earlier.id, pair.later.id, age, offense, len(days))
                + (int(first[offense]), int(later[offense]))
            )
    return pd.DataFrame.from_records(records, columns=COUNT_COLUMNS)


def revision_counts(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    snapshots: Sequence[Snapshot] | None = None,
    max_age: int = MAX_AGE_WEEKS,
    today: date | None = None,
) -> pd.DataFrame:
    """``pair_counts`` for every pair of successive snapshots in the store (or of
    ``snapshots``, whose raw copies are under ``data_dir``), one table. Each raw copy is
    read once. A pair whose raw copy is missing raises FileNotFoundError."""
    root = config.data_dir(data_dir)
    snaps = store.read_snapshots(root) if snapshots is None else list(snapshots)
    pairs = successive_pairs(snaps)
    cache: dict[str, pd.DataFrame] = {}

    def rows(snap: Snapshot) -> pd.DataFrame:
        if snap.id not in cache:
            cache[snap.id] = snapshot_rows(root, snap, today=today)
        return cache[snap.id]

    tables = [pair_counts(p, rows(p.earlier), rows(p.later), max_age) for p in pairs]
    tables = [t for t in tables if len(t)]
    if not tables:
        return pd.DataFrame(columns=COUNT_COLUMNS)
    return pd.concat(tables, ignore_index=True)


def summarize(counts: pd.DataFrame) -> pd.DataFrame:
    """Pool ``revision_counts`` per age and offense: ``age_weeks, offense, pairs, days,
    rows_first, rows_later, revision_pct`` (percent change later vs first; NaN, no
    percentage, under the small-numbers rule). Offenses in display order, ``ALL_PART1``
    last in each age."""
    columns = ["age_weeks", "offense", "pairs", "days", "rows_first", "rows_later"]
    if counts.empty:
        return pd.DataFrame(columns=[*columns, "revision_pct"])
    table = (
        counts.groupby(["age_weeks", "offense"], sort=False)
        .agg(
            pairs=("earlier", "size"),
            days=("days", "sum"),
            rows_first=("rows_first", "sum"),
            rows_later=("rows_later", "sum"),
        )
        .reset_index()
    )
    order = {o: i for i, o in enumerate([*PART1_OFFENSES, ALL_PART1])}
    table = table.sort_values(
        ["age_weeks", "offense"], key=lambda c: c.map(order) if c.name == "offense" else c
    ).reset_index(drop=True)
    table["revision_pct"] = [
        readable_percent(later, first)
        for first, later in zip(table["rows_first"], table["rows_later"], strict=True)
    ]
    return table[[*columns, "revision_pct"]]


def revision_table(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    max_age: int = MAX_AGE_WEEKS,
    today: date | None = None,
) -> pd.DataFrame:
    """How much counts rose (or fell) between successive snapshots of the store in
    ``data_dir``, by the week's age when first published: ``summarize(revision_counts())``.
    Empty when no two snapshots of a dataset overlap."""
    return summarize(revision_counts(Path(config.data_dir(data_dir)), max_age=max_age, today=today))
