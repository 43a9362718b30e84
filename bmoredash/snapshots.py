"""Which rows the store serves: every ingest or fetch is a snapshot of one dataset.

The store's contract, in one place:

- A stored row is one published victim row; a row is never dropped because another row
  looks the same.
- Each ingest or fetch is a *snapshot* of one dataset (``sources.DATASETS``) covering a
  window of Baltimore dates (the fetch window, or the file's own first to last date, never
  before the dataset's first published date) and a scope of offenses (every offense, or
  the one offense of a filtered extract such as a homicide list).
- For every date and offense, the store holds the rows of the newest snapshot of that
  dataset whose window and scope cover it ("newest": the later ``as_of``, then the later
  ingest). BPD's revisions, reclassifications and deletions flow through; re-ingesting
  the same file changes nothing; nothing is counted twice.
- Two *different* datasets covering the same date and offense are never both counted:
  ``overlaps`` names the dates and rows, and the caller refuses until a preference order
  (``prefer``) says which dataset serves overlapping dates.
- A row dated outside every window (a late report of a 1963 crime) is served by the
  newest snapshot holding rows on that date.

Pure pandas and dataclasses: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from bmoredash.coverage import Span, spans_of_days

__all__ = ["Snapshot", "Overlap", "priority", "overlaps", "served_mask", "coverage_spans"]


@dataclass(frozen=True)
class Snapshot:
    """One ingest or fetch of one dataset: what it covers and where its raw copy is."""

    id: str
    dataset: str
    layout: str
    source: str
    as_of: str
    sequence: int
    start: date | None
    end: date | None
    offenses: frozenset[str] | None = None
    sha256: str | None = None
    raw: str | None = None
    rows_read: int = 0
    rows_kept: int = 0
    rows_quarantined: int = 0
    outside_range: int = 0
    ingested_at: str = ""
    #: days inside the window that the snapshot lacks (``coverage.find_gap_days``)
    gaps: frozenset[date] = frozenset()
    #: the ingest call it came with: of two snapshots with the same ``as_of``, the later
    #: call wins; within one call, the one holding more rows
    batch: int = 0
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def covers(self, day: np.ndarray) -> np.ndarray:
        """True per day ordinal inside the window and not one of its gap days."""
        if self.start is None or self.end is None:
            return np.zeros(len(day), dtype=bool)
        inside = (day >= self.start.toordinal()) & (day <= self.end.toordinal())
        if self.gaps:
            inside &= ~np.isin(day, [d.toordinal() for d in self.gaps])
        return inside

    def covered_days(self) -> list[date]:
        """The days the snapshot serves: its window without its gap days."""
        if self.start is None or self.end is None:
            return []
        span = (self.end - self.start).days + 1
        days = (date.fromordinal(self.start.toordinal() + i) for i in range(span))
        return [d for d in days if d not in self.gaps]

    def holds(self, offense: np.ndarray) -> np.ndarray:
        """True per offense inside the scope."""
        if self.offenses is None:
            return np.ones(len(offense), dtype=bool)
        return np.isin(offense, list(self.offenses))

    def same_content(self, other: Snapshot) -> bool:
        """The same published rows again (same bytes, dataset, window and scope)."""
        return (
            self.sha256 is not None
            and self.sha256 == other.sha256
            and (self.dataset, self.start, self.end, self.offenses)
            == (other.dataset, other.start, other.end, other.offenses)
        )

    def to_dict(self) -> dict[str, Any]:
        doc = asdict(self)
        doc.pop("extra")
        doc["start"] = self.start.isoformat() if self.start else None
        doc["end"] = self.end.isoformat() if self.end else None
        doc["offenses"] = sorted(self.offenses) if self.offenses is not None else None
        doc["gaps"] = [d.isoformat() for d in sorted(self.gaps)]
        return {**doc, **self.extra}

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Snapshot:
        known = {f for f in cls.__dataclass_fields__ if f != "extra"}
        values = {k: v for k, v in doc.items() if k in known}
        for key in ("start", "end"):
            values[key] = date.fromisoformat(values[key]) if values.get(key) else None
        offenses = values.get("offenses")
        values["offenses"] = frozenset(offenses) if offenses is not None else None
        values["gaps"] = frozenset(date.fromisoformat(d) for d in values.get("gaps") or [])
        extra = {k: v for k, v in doc.items() if k not in known}
        return cls(**values, extra=extra)

    def with_counts(self, **counts: Any) -> Snapshot:
        return replace(self, **counts)


def _dataset_rank(dataset: str, prefer: Sequence[str]) -> int:
    return prefer.index(dataset) if dataset in prefer else len(prefer)


def priority(snapshots: Iterable[Snapshot], prefer: Sequence[str] = ()) -> list[Snapshot]:
    """Snapshots from the one that wins a date to the one that loses it.

    Preferred datasets first (in ``prefer`` order, unlisted ones after), then within a
    dataset the newest ``as_of``, then the later ingest call, then the snapshot holding
    more rows (NOTE: the 20-row test_baltimore.csv and the 2,399-row export it was cut from
    both end on 2016-06-18: a partial copy must not replace the fuller one), then the
    later ingest.
    """
    return sorted(
        snapshots,
        key=lambda s: (
            _dataset_rank(s.dataset, prefer),
            _Desc(s.as_of),
            -s.batch,
            -s.rows_kept,
            -s.sequence,
        ),
    )


@dataclass(frozen=True, order=False)
class _Desc:
    """Sorts strings in descending order inside an ascending sort key."""

    value: str

    def __lt__(self, other: _Desc) -> bool:
        return self.value > other.value


@dataclass(frozen=True)
class Overlap:
    """Two datasets covering the same dates and offenses, with no preference between them."""

    first: Snapshot
    second: Snapshot
    start: date
    end: date
    first_rows: int
    second_rows: int

    def message(self) -> str:
        a, b = self.first, self.second
        shared = shared_scope(a, b)
        scope = "" if shared is None else f" ({', '.join(sorted(shared)).lower()})"
        return (
            f"{a.dataset} ({a.source}) and {b.dataset} ({b.source}) both cover "
            f"{self.start} to {self.end}{scope}: {self.first_rows:,} and "
            f"{self.second_rows:,} rows on those dates"
        )


def shared_scope(a: Snapshot, b: Snapshot) -> frozenset[str] | None:
    """The offenses both cover (None: every offense)."""
    if a.offenses is None:
        return b.offenses
    if b.offenses is None:
        return a.offenses
    return a.offenses & b.offenses


def _scopes_meet(a: Snapshot, b: Snapshot) -> bool:
    if a.offenses is None or b.offenses is None:
        return True
    return bool(a.offenses & b.offenses)


def overlaps(
    snapshots: Sequence[Snapshot],
    rows: pd.DataFrame,
    prefer: Sequence[str] = (),
) -> list[Overlap]:
    """Pairs of snapshots of different datasets whose windows and scopes meet while neither
    dataset is in ``prefer`` (a listed dataset outranks an unlisted one).

    ``rows`` has columns ``snapshot`` and ``day`` (date ordinals) to count the rows.
    """
    found = []
    groups = rows.groupby("snapshot", observed=True)
    days_of = {name: group["day"].to_numpy() for name, group in groups}
    offenses_of = {name: group["offense"].to_numpy(dtype=object) for name, group in groups}
    for i, a in enumerate(snapshots):
        for b in snapshots[i + 1 :]:
            if a.dataset == b.dataset or a.dataset in prefer or b.dataset in prefer:
                continue
            if None in (a.start, a.end, b.start, b.end) or not _scopes_meet(a, b):
                continue
            if max(a.start, b.start) > min(a.end, b.end):
                continue
            both = sorted(set(a.covered_days()) & set(b.covered_days()))
            if not both:
                continue
            start, end = both[0], both[-1]
            lo, hi = start.toordinal(), end.toordinal()
            shared = shared_scope(a, b)

            def inside(name: str, lo: int = lo, hi: int = hi, shared: Any = shared) -> int:
                days = days_of.get(name, np.zeros(0, dtype=np.int64))
                hit = (days >= lo) & (days <= hi)
                if shared is not None:
                    hit &= np.isin(offenses_of[name], list(shared))
                return int(hit.sum())

            found.append(Overlap(a, b, start, end, inside(a.id), inside(b.id)))
    return found


def served_mask(
    rows: pd.DataFrame, snapshots: Sequence[Snapshot], prefer: Sequence[str] = ()
) -> np.ndarray:
    """True for each row its own snapshot serves.

    ``rows`` has columns ``snapshot`` (id), ``day`` (Baltimore date ordinal) and
    ``offense``. A (date, offense) goes to the highest-priority snapshot whose window and
    scope cover it; where no window covers it, to the highest-priority snapshot with rows
    on that date and offense.
    """
    ranked = priority(snapshots, prefer)
    rank_of = {s.id: r for r, s in enumerate(ranked)}
    # rows written without a snapshot (``store.write_store``) rank below every snapshot
    own = rows["snapshot"].astype(object).map(rank_of).fillna(len(ranked)).to_numpy(np.int64)
    day = rows["day"].to_numpy(dtype=np.int64)
    offense = rows["offense"].astype(object).to_numpy()
    winner = np.full(len(rows), -1, dtype=np.int64)
    for rank, snap in enumerate(ranked):
        take = (winner < 0) & snap.covers(day) & snap.holds(offense)
        winner[take] = rank
    loose = winner < 0
    if loose.any():
        keys = pd.DataFrame({"day": day[loose], "offense": offense[loose], "own": own[loose]})
        winner[loose] = keys.groupby(["day", "offense"], dropna=False)["own"].transform("min")
    return winner == own


def coverage_spans(snapshots: Iterable[Snapshot]) -> list[Span]:
    """The dates and offenses the snapshots cover, merged per dataset and scope."""
    by_key: dict[tuple[str, frozenset[str] | None], set[date]] = {}
    for snap in snapshots:
        by_key.setdefault((snap.dataset, snap.offenses), set()).update(snap.covered_days())
    spans = [
        Span(first, last, dataset, offenses)
        for (dataset, offenses), days in by_key.items()
        for first, last in spans_of_days(days)
    ]
    return sorted(spans, key=lambda s: (s.start, s.dataset))
