"""Adding snapshots to the store: per date and offense the rows of the snapshot that wins
(``bmoredash.snapshots``'s rules), numbered, checked for overlaps, and committed.

The same machinery serves both tables of a version: the incidents (rows dated by
``occurred_at``, snapshots scoped by offense) and the arrests (rows dated by
``arrest_date``, no offense scope). A merge that brings rows of one table keeps the other
table of the live version as it is."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bmoredash import config
from bmoredash.snapshots import Snapshot, overlaps, served_mask
from bmoredash.store.commit import _commit, _writer_lock
from bmoredash.store.conform import (
    _STRING_DTYPE,
    _TYPES_MAPPER,
    ARREST_DTYPES,
    _arrow_table,
    concat_incidents,
    conform_arrests,
    conform_incidents,
    conform_quarantine,
    empty_frame,
)
from bmoredash.store.errors import StoreConflictError, StoreNotFoundError, StoreOverlapError
from bmoredash.store.manifest import (
    _arrest_days,
    _arrest_record,
    _build_manifest,
    _days,
    _quality_by_source,
    sum_reports,
)
from bmoredash.store.query import _live, _map_table

QUARANTINE_KEY: list[str] = ["source", "row_number", "reason"]
_SNAPSHOT_RE = re.compile(r"^s(\d+)$")


@dataclass(frozen=True)
class MergeOutcome:
    """What a merge did: the new manifest, and per incoming snapshot what it serves."""

    manifest: dict[str, Any]
    #: incoming snapshot id (placeholder) -> its id in the store (a twin's when unchanged)
    assigned: dict[str, str]
    #: rows of earlier snapshots that the incoming ones replaced (revised or deleted)
    superseded: int
    #: stored ids of the incoming snapshots already there with the same content
    unchanged: list[str]
    #: arrest rows of earlier snapshots that the incoming arrest snapshots replaced
    arrests_superseded: int = 0


@dataclass
class TableBatch:
    """Incoming rows of the arrests table: rows (``snapshot`` holds a placeholder id of an
    entry in ``snapshots``), their quarantine and quality reports by source."""

    rows: pd.DataFrame
    quarantine: pd.DataFrame | None
    quality: dict[str, Any]
    snapshots: list[Snapshot] = field(default_factory=list)


def _sources_of(snapshots: list[Snapshot], served: pd.Series) -> list[dict[str, Any]]:
    """Source entries (name, layout, rows read, rows kept now) summed over snapshots."""
    counts = served.astype(object).value_counts().to_dict()
    merged: dict[str, dict[str, Any]] = {}
    for snap in snapshots:
        entry = merged.setdefault(
            snap.source,
            {"source": snap.source, "layout": snap.layout, "rows_read": 0, "rows_kept": 0},
        )
        entry["rows_read"] += snap.rows_read
        entry["rows_kept"] += int(counts.get(snap.id, 0))
    return list(merged.values())


def _next_sequence(snapshots: list[Snapshot], rows: pd.DataFrame) -> int:
    """One more than any snapshot number in the manifest or in the rows (rows written by
    ``write_store`` may carry ids the manifest does not list)."""
    named = [
        int(m[1]) for v in rows["snapshot"].cat.categories if (m := _SNAPSHOT_RE.match(str(v)))
    ]
    return max([s.sequence for s in snapshots] + named, default=0) + 1


#: The scope value of every arrest row: arrest snapshots have no offense scope.
_NO_SCOPE = "arrest"


@dataclass
class _Merged:
    """One table merged: the rows served, and what happened to the incoming snapshots."""

    rows: pd.DataFrame
    snapshots: list[Snapshot]
    renamed: dict[str, str]
    twins: dict[str, str]
    unchanged: list[str]
    superseded: int
    sequence: int


def _merge_table(
    old: pd.DataFrame,
    new: pd.DataFrame,
    old_snapshots: list[Snapshot],
    incoming: list[Snapshot],
    *,
    sequence: int,
    batch: int,
    order: list[str],
    days_of: Any,
    scope_column: str | None,
    concat: Any,
) -> _Merged:
    """Number the incoming snapshots (the same content again is a no-op), stack the rows
    and keep per date (and offense) those of the snapshot that wins; raise
    StoreOverlapError when two datasets meet and no preference ranks them.

    ``days_of(frame)`` gives the rows' date ordinals; ``scope_column`` the column a
    snapshot's offense scope reads (None: no scope). Rows keep their order: old first.
    """
    renamed: dict[str, str] = {}
    twins: dict[str, str] = {}
    added: list[Snapshot] = []
    unchanged: list[str] = []
    for snap in incoming:
        twin = next((o for o in old_snapshots if o.same_content(snap)), None)
        if twin is not None:
            unchanged.append(twin.id)
            twins[snap.id] = twin.id
            continue
        real = f"s{sequence:06d}"
        renamed[snap.id] = real
        # a rebuild brings each snapshot's own batch; a new ingest is one new batch
        fields = {"id": real, "sequence": sequence, "batch": snap.batch or batch}
        added.append(Snapshot.from_dict({**snap.to_dict(), **fields}))
        sequence += 1
    incoming_ids = new["snapshot"].astype(object)
    new = new.loc[incoming_ids.isin(list(renamed)).to_numpy()].copy()
    new["snapshot"] = new["snapshot"].astype(object).map(renamed).astype("category")
    everything = concat([old, new]) if len(old) else new
    every_snapshot = old_snapshots + added
    scope = (
        everything[scope_column].astype(object).to_numpy()
        if scope_column is not None
        else np.full(len(everything), _NO_SCOPE, dtype=object)
    )
    rows_meta = pd.DataFrame(
        {
            "snapshot": everything["snapshot"].astype(object).to_numpy(),
            "day": days_of(everything),
            "offense": scope,
        }
    )
    clashes = [
        o
        for o in overlaps(every_snapshot, rows_meta, order)
        if o.first in added or o.second in added
    ]
    if clashes:
        raise StoreOverlapError(clashes)
    keep = served_mask(rows_meta, every_snapshot, order)
    return _Merged(
        rows=everything.loc[keep],
        snapshots=every_snapshot,
        renamed=renamed,
        twins=twins,
        unchanged=unchanged,
        superseded=int((~keep[: len(old)]).sum()),
        sequence=sequence,
    )


def _merge_quarantine(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Quarantined rows of both, one per (source, row, reason): the same file again adds
    none."""
    q = pd.concat([old, new], ignore_index=True)
    q = q.drop_duplicates(QUARANTINE_KEY, keep="last").sort_values(QUARANTINE_KEY)
    return q.reset_index(drop=True)


def _quality_doc(
    old: dict[str, Any], quality: Any, snapshots: list[Snapshot]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(reports by source, their total): the incoming reports replace a source's old one."""
    named = [{"source": snap.source} for snap in snapshots]
    by_source = {**old, **_quality_by_source(quality, named)} if snapshots else dict(old)
    return by_source, sum_reports(by_source.values())


def _old_arrests(
    version_dir: Path | None, manifest: dict[str, Any] | None
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any], list[Snapshot]]:
    """The live version's arrests: rows, quarantine, quality by source, snapshots (all
    empty for a version written before the store held arrests)."""
    empty = empty_frame(ARREST_DTYPES), conform_quarantine(None), {}, []
    if version_dir is None or not (version_dir / config.ARRESTS_FILE).exists():
        return empty
    source = _map_table(version_dir, config.ARRESTS_FILE)
    rows = conform_arrests(source.to_pandas(types_mapper=_TYPES_MAPPER))
    quarantine = conform_quarantine(pd.read_parquet(version_dir / config.ARRESTS_QUARANTINE_FILE))
    doc = json.loads((version_dir / config.QUALITY_FILE).read_text("utf-8"))
    quality = (doc.get("arrests") or {}).get("by_source", {})
    record = (manifest or {}).get("arrests") or {}
    snaps = [Snapshot.from_dict(d) for d in record.get("snapshots", [])]
    return rows, quarantine, quality, snaps


def _sort_arrests(rows: pd.DataFrame) -> pd.DataFrame:
    """Arrests by date (a binary search on dates), stable otherwise."""
    return conform_arrests(rows.sort_values("arrest_date", kind="stable").reset_index(drop=True))


def merge_and_write(
    data_dir: str | os.PathLike[str] | None,
    incidents: pd.DataFrame | None,
    quarantine: pd.DataFrame | None,
    quality: Any,
    snapshots: list[Snapshot],
    *,
    demo: bool,
    data_through: dt.date | str | None = None,
    replace: bool = False,
    prefer: list[str] | None = None,
    arrests: TableBatch | None = None,
) -> MergeOutcome:
    """Add snapshots to the store and keep, per date and offense, the rows that win.

    ``incidents`` carry in ``snapshot`` the id of their entry in ``snapshots`` (any
    placeholder: the store numbers snapshots itself, ``s000001`` on). The rules are
    ``bmoredash.snapshots``'s: the newest snapshot of a dataset serves the dates it covers;
    two datasets over the same dates raise StoreOverlapError unless ``prefer`` (kept in
    the manifest for later merges) ranks them. A snapshot with the same content as one
    already stored changes nothing. Mixing demo and real rows raises StoreConflictError
    unless ``replace`` discards the existing store.

    ``arrests`` brings arrest snapshots the same way (their own table, coverage,
    quarantine and quality); without it the live arrests are kept as they are, and a merge
    of arrests alone (``incidents`` None) keeps the live incidents.
    """
    root = config.data_dir(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    new = conform_incidents(incidents) if incidents is not None else empty_frame()
    new_quarantine = conform_quarantine(quarantine)
    with _writer_lock(root):
        try:
            if replace:
                raise StoreNotFoundError(root)
            version_dir, manifest = _live(root)
        except StoreNotFoundError:
            version_dir, manifest = None, None
        if manifest is not None and bool(manifest["demo"]) != bool(demo):
            held, incoming = ("demo", "real") if manifest["demo"] else ("real", "demo")
            raise StoreConflictError(
                f"{root} holds {held} data; refusing to merge {incoming} data into it. "
                "Use another data directory, or replace the store (--replace)."
            )
        if version_dir is None:
            old = new.iloc[:0]
            old_quarantine = new_quarantine.iloc[:0]
            old_quality: dict[str, Any] = {}
            old_snapshots: list[Snapshot] = []
            old_prefer: list[str] = []
        else:
            old = _map_table(version_dir).to_pandas(types_mapper=_TYPES_MAPPER)
            old_quarantine = conform_quarantine(
                pd.read_parquet(version_dir / config.QUARANTINE_FILE)
            )
            old_quality = json.loads((version_dir / config.QUALITY_FILE).read_text("utf-8"))[
                "by_source"
            ]
            old_snapshots = [Snapshot.from_dict(d) for d in manifest.get("snapshots", [])]
            old_prefer = list(manifest.get("prefer", []))
        old_arrests, old_arrest_q, old_arrest_quality, old_arrest_snaps = _old_arrests(
            version_dir, manifest
        )
        order = list(prefer) if prefer is not None else old_prefer

        # One numbering and one batch counter for the snapshots of both tables.
        sequence = max(
            _next_sequence(old_snapshots, old), _next_sequence(old_arrest_snaps, old_arrests)
        )
        batch = max((s.batch for s in old_snapshots + old_arrest_snaps), default=0) + 1
        crime = _merge_table(
            old,
            new,
            old_snapshots,
            snapshots,
            sequence=sequence,
            batch=batch,
            order=order,
            days_of=lambda frame: _days(frame["occurred_at"]),
            scope_column="offense",
            concat=concat_incidents,
        )
        merged = crime.rows.copy()
        incoming_rows = merged["snapshot"].astype(object).isin(list(crime.renamed.values()))
        merged.loc[incoming_rows.to_numpy(), "record_id"] = (
            merged.loc[incoming_rows.to_numpy(), "snapshot"].astype(str)
            + "/"
            + merged.loc[incoming_rows.to_numpy(), "record_id"].astype(str)
        )
        merged["record_id"] = merged["record_id"].astype(_STRING_DTYPE)
        merged = merged.sort_values(["occurred_at", "record_id"], kind="stable")
        merged = conform_incidents(merged.reset_index(drop=True))
        if merged["record_id"].duplicated().any():
            raise ValueError("record_id must be unique in a store")  # pragma: no cover

        q = _merge_quarantine(old_quarantine, new_quarantine)
        by_source, total = _quality_doc(old_quality, quality, snapshots)
        quality_doc = {"total": total, "by_source": by_source}
        manifest = _build_manifest(
            merged,
            q,
            _sources_of(crime.snapshots, merged["snapshot"]),
            demo=demo,
            data_through=data_through,
            snapshots=crime.snapshots,
            prefer=order,
        )
        quality_doc["total"]["gap_days"] = manifest["coverage"]["gap_days"]
        # rows kept by every snapshot = rows the store serves + rows newer snapshots replaced
        quality_doc["total"]["rows_served"] = int(len(merged))
        quality_doc["total"]["rows_superseded"] = int(
            sum(s.rows_kept for s in crime.snapshots) - len(merged)
        )

        batch_in = arrests or TableBatch(empty_frame(ARREST_DTYPES), None, {}, [])
        arrest = _merge_table(
            old_arrests,
            conform_arrests(batch_in.rows),
            old_arrest_snaps,
            batch_in.snapshots,
            sequence=crime.sequence,
            batch=batch,
            order=order,
            days_of=lambda frame: _arrest_days(frame["arrest_date"]),
            scope_column=None,
            concat=lambda frames: concat_incidents(frames, ARREST_DTYPES),
        )
        arrest_rows = _sort_arrests(arrest.rows)
        arrest_q = _merge_quarantine(old_arrest_q, conform_quarantine(batch_in.quarantine))
        arrest_by_source, arrest_total = _quality_doc(
            old_arrest_quality, batch_in.quality, batch_in.snapshots
        )
        manifest["arrests"] = _arrest_record(arrest_rows, arrest_q, arrest.snapshots)
        if arrest.snapshots:
            arrest_total["rows_served"] = int(len(arrest_rows))
            arrest_total["rows_superseded"] = int(
                sum(s.rows_kept for s in arrest.snapshots) - len(arrest_rows)
            )
        unmapped = arrest_total.get("unmapped_codes")
        if isinstance(unmapped, dict):
            # distinct codes over every source, not a sum of per-source counts
            arrest_total["unmapped_charge_codes"] = len(unmapped)
        quality_doc["arrests"] = {"total": arrest_total, "by_source": arrest_by_source}
        written = _commit(
            root,
            _arrow_table(merged),
            q,
            quality_doc,
            manifest,
            _arrow_table(arrest_rows, ARREST_DTYPES, "arrest_date"),
            arrest_q,
        )
    return MergeOutcome(
        written,
        assigned={**crime.renamed, **crime.twins, **arrest.renamed, **arrest.twins},
        superseded=crime.superseded,
        unchanged=crime.unchanged + arrest.unchanged,
        arrests_superseded=arrest.superseded,
    )
