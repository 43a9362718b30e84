"""Adding snapshots to the store: per date and offense the rows of the snapshot that wins
(``bmoredash.snapshots``'s rules), numbered, checked for overlaps, and committed."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from bmoredash import config
from bmoredash.snapshots import Snapshot, overlaps, served_mask
from bmoredash.store.commit import _commit, _writer_lock
from bmoredash.store.conform import (
    _STRING_DTYPE,
    _TYPES_MAPPER,
    _arrow_table,
    concat_incidents,
    conform_incidents,
    conform_quarantine,
)
from bmoredash.store.errors import StoreConflictError, StoreNotFoundError, StoreOverlapError
from bmoredash.store.manifest import _build_manifest, _days, _quality_by_source, sum_reports
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


def merge_and_write(
    data_dir: str | os.PathLike[str] | None,
    incidents: pd.DataFrame,
    quarantine: pd.DataFrame | None,
    quality: Any,
    snapshots: list[Snapshot],
    *,
    demo: bool,
    data_through: dt.date | str | None = None,
    replace: bool = False,
    prefer: list[str] | None = None,
) -> MergeOutcome:
    """Add snapshots to the store and keep, per date and offense, the rows that win.

    ``incidents`` carry in ``snapshot`` the id of their entry in ``snapshots`` (any
    placeholder: the store numbers snapshots itself, ``s000001`` on). The rules are
    ``bmoredash.snapshots``'s: the newest snapshot of a dataset serves the dates it covers;
    two datasets over the same dates raise StoreOverlapError unless ``prefer`` (kept in
    the manifest for later merges) ranks them. A snapshot with the same content as one
    already stored changes nothing. Mixing demo and real rows raises StoreConflictError
    unless ``replace`` discards the existing store.
    """
    root = config.data_dir(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    new = conform_incidents(incidents)
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
        order = list(prefer) if prefer is not None else old_prefer

        # Number the incoming snapshots; the same content again is a no-op.
        sequence = _next_sequence(old_snapshots, old)
        batch = max((s.batch for s in old_snapshots), default=0) + 1
        renamed: dict[str, str] = {}
        renamed_twins: dict[str, str] = {}
        added: list[Snapshot] = []
        unchanged: list[str] = []
        for snap in snapshots:
            twin = next((o for o in old_snapshots if o.same_content(snap)), None)
            if twin is not None:
                unchanged.append(twin.id)
                renamed_twins[snap.id] = twin.id
                continue
            real = f"s{sequence:06d}"
            renamed[snap.id] = real
            # a rebuild brings each snapshot's own batch; a new ingest is one new batch
            fields = {"id": real, "sequence": sequence, "batch": snap.batch or batch}
            added.append(Snapshot.from_dict({**snap.to_dict(), **fields}))
            sequence += 1
        incoming = new["snapshot"].astype(object)
        new = new.loc[incoming.isin(list(renamed)).to_numpy()].copy()
        new["snapshot"] = new["snapshot"].astype(object).map(renamed).astype("category")
        new["record_id"] = (
            new["snapshot"].astype(str) + "/" + new["record_id"].astype(str)
        ).astype(_STRING_DTYPE)

        everything = concat_incidents([old, new]) if len(old) else new
        every_snapshot = old_snapshots + added
        rows_meta = pd.DataFrame(
            {
                "snapshot": everything["snapshot"].astype(object).to_numpy(),
                "day": _days(everything["occurred_at"]),
                "offense": everything["offense"].astype(object).to_numpy(),
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
        superseded = int((~keep[: len(old)]).sum())
        merged = everything.loc[keep]
        merged = merged.sort_values(["occurred_at", "record_id"], kind="stable")
        merged = conform_incidents(merged.reset_index(drop=True))
        if merged["record_id"].duplicated().any():
            raise ValueError("record_id must be unique in a store")  # pragma: no cover

        q = pd.concat([old_quarantine, new_quarantine], ignore_index=True)
        q = q.drop_duplicates(QUARANTINE_KEY, keep="last").sort_values(QUARANTINE_KEY)
        named = [{"source": snap.source} for snap in snapshots]
        by_source = {**old_quality, **_quality_by_source(quality, named)}
        quality_doc = {"total": sum_reports(by_source.values()), "by_source": by_source}
        manifest = _build_manifest(
            merged,
            q,
            _sources_of(every_snapshot, merged["snapshot"]),
            demo=demo,
            data_through=data_through,
            snapshots=every_snapshot,
            prefer=order,
        )
        quality_doc["total"]["gap_days"] = manifest["coverage"]["gap_days"]
        # rows kept by every snapshot = rows the store serves + rows newer snapshots replaced
        quality_doc["total"]["rows_served"] = int(len(merged))
        quality_doc["total"]["rows_superseded"] = int(
            sum(s.rows_kept for s in every_snapshot) - len(merged)
        )
        written = _commit(
            root, _arrow_table(merged), q.reset_index(drop=True), quality_doc, manifest
        )
    return MergeOutcome(
        written, assigned={**renamed, **renamed_twins}, superseded=superseded, unchanged=unchanged
    )
