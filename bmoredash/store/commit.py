"""Writing a version and switching to it: one writer at a time, a crash never shows.

Layout of a data directory::

    manifest.json        the pointer: the manifest keys plus ``store_dir``, the live version
    store-000007/        one whole version: incidents.arrow, quarantine.parquet,
                         arrests.arrow, arrests_quarantine.parquet (an empty table
                         when there are no arrests), quality.json and a copy of its
                         manifest
    store-000006/        the version before, kept so that a reader that resolved the old
                         pointer a moment ago can still open its files
    .lock                serialises writers (readers never lock)

Why this shape: the files must change together, and a crash or a kill at any point
must leave the previous store readable and whole. A new version is written to a hidden
temporary directory, fsynced and renamed into place; only then is ``manifest.json``
replaced (``files.atomic_write``, ``os.replace``, atomic on POSIX). Until that replace,
readers see the previous version; after it, the new one. Readers resolve the pointer once
per call (``store.query``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from bmoredash import config
from bmoredash.files import TMP_PREFIX, atomic_write, fsync_path
from bmoredash.store.conform import (
    ARREST_DTYPES,
    _arrow_table,
    conform_incidents,
    conform_quarantine,
    empty_frame,
)
from bmoredash.store.manifest import (
    SOURCE_KEYS,
    _build_manifest,
    _quality_by_source,
    sum_reports,
)
from bmoredash.store.query import _VERSION_RE

_LOCK_FILE = ".lock"


def _write_arrow(path: Path, table: pa.Table) -> None:
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table, max_chunksize=max(len(table), 1))
    fsync_path(path)


def _write_quarantine(path: Path, quarantine: pd.DataFrame) -> None:
    table = pa.Table.from_pandas(quarantine, preserve_index=False)
    pq.write_table(table, path)
    fsync_path(path)


def _dump_json(doc: Any, fh: Any) -> None:
    json.dump(doc, fh, indent=2, sort_keys=False)
    fh.write("\n")


def _write_json(path: Path, doc: Any) -> None:
    """Write ``doc`` into a new version's (temporary) folder, synced."""
    with open(path, "w", encoding="utf-8") as fh:
        _dump_json(doc, fh)
        fh.flush()
        os.fsync(fh.fileno())


def _replace_json(path: Path, doc: Any) -> None:
    """Write ``doc`` to ``path`` atomically (``files.atomic_write``), the folder synced."""
    with atomic_write(path, sync_dir=True) as fh:
        _dump_json(doc, fh)


@contextlib.contextmanager
def _writer_lock(data_dir: Path) -> Iterator[None]:
    """One writer at a time per data directory; the OS drops the lock if the writer dies."""
    with open(data_dir / _LOCK_FILE, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _versions(data_dir: Path) -> dict[str, int]:
    out = {}
    for entry in data_dir.iterdir():
        m = _VERSION_RE.match(entry.name)
        if m and entry.is_dir():
            out[entry.name] = int(m.group(1))
    return out


#: Folders of a data directory where writers put temporary files.
_TMP_FOLDERS: tuple[str, ...] = (".", "raw", config.SNAPSHOTS_DIR, config.BOUNDARIES_DIR)
#: A temporary file untouched this long, with no writer holding the lock, is a dead
#: writer's: no live write pauses that long between two blocks.
STALE_AFTER_S = 15 * 60


def _is_temporary(name: str) -> bool:
    """Our writers' temporary names: ``.tmp-*`` (store, ingest, downloads) and
    ``.<file>.<random>.tmp`` (``tempfile`` beside a target)."""
    return name.startswith(TMP_PREFIX) or (name.startswith(".") and name.endswith(".tmp"))


def _remove_stale(data_dir: Path, older_than_s: float = 0.0) -> list[Path]:
    """Delete what crashed writers left behind: temporary files and folders in the data
    directory and its raw, snapshots and boundaries folders, untouched for
    ``older_than_s``. Safe only while no writer is working (the lock held or free)."""
    removed = []
    now = time.time()
    for folder in _TMP_FOLDERS:
        try:
            entries = list((data_dir / folder).iterdir())
        except OSError:
            continue
        for entry in entries:
            if not _is_temporary(entry.name):
                continue
            try:
                if now - entry.lstat().st_mtime < older_than_s:
                    continue
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
            except OSError:
                continue
            removed.append(entry)
    return removed


def sweep_stale(data_dir: str | os.PathLike[str] | None = None) -> list[Path]:
    """Remove temporary files a killed write left (a half-written store version, a partial
    demo CSV or download), without waiting for the next write: when no writer holds the
    lock and the file is older than ``STALE_AFTER_S``. Returns what was removed."""
    root = config.data_dir(data_dir)
    if not (root / _LOCK_FILE).exists():
        return []
    with open(root / _LOCK_FILE, "a+b") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return []  # a writer is working: its files are not stale
        try:
            return _remove_stale(root, STALE_AFTER_S)
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _current_name(data_dir: Path) -> str | None:
    try:
        return json.loads((data_dir / config.MANIFEST_FILE).read_text(encoding="utf-8")).get(
            "store_dir"
        )
    except (FileNotFoundError, ValueError):
        return None


def write_store(
    data_dir: str | os.PathLike[str] | None,
    incidents: pd.DataFrame,
    quarantine: pd.DataFrame | None,
    quality: Any,
    sources: list[dict[str, Any]],
    *,
    demo: bool,
    data_through: dt.date | str | None = None,
) -> dict[str, Any]:
    """Replace the store with exactly these rows, atomically; returns the new manifest.

    ``quality`` is a QualityReport (or its dict), or ``{source: report}``. ``sources`` are
    {source, layout, rows_read, rows_kept}. ``data_through`` defaults to the last
    occurred date. Rows are sorted by (occurred_at, record_id); ``record_id`` must be unique.
    """
    root = config.data_dir(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    incidents = conform_incidents(incidents)
    if incidents["record_id"].duplicated().any():
        raise ValueError("record_id must be unique in a store; use merge_and_write to merge")
    incidents = incidents.sort_values(["occurred_at", "record_id"], kind="stable").reset_index(
        drop=True
    )
    quarantine = conform_quarantine(quarantine)
    missing = [k for s in sources for k in SOURCE_KEYS if k not in s]
    if missing:
        raise ValueError(f"each source needs {SOURCE_KEYS}; missing {sorted(set(missing))}")
    by_source = _quality_by_source(quality, sources)
    quality_doc = {"total": sum_reports(by_source.values()), "by_source": by_source}
    manifest = _build_manifest(incidents, quarantine, sources, demo=demo, data_through=data_through)
    table = _arrow_table(incidents)
    with _writer_lock(root):
        return _commit(root, table, quarantine, quality_doc, manifest)


def _commit(
    root: Path,
    table: pa.Table,
    quarantine: pd.DataFrame,
    quality_doc: dict[str, Any],
    manifest: dict[str, Any],
    arrests: pa.Table | None = None,
    arrests_quarantine: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Write a new version beside the live one and switch the pointer (lock held).

    Every version holds an arrests table: ``arrests`` (or an empty one) and its quarantine.
    """
    if arrests is None:
        arrests = _arrow_table(empty_frame(ARREST_DTYPES), ARREST_DTYPES, "arrest_date")
    arrests_quarantine = conform_quarantine(arrests_quarantine)
    _remove_stale(root)
    previous = _current_name(root)
    numbers = list(_versions(root).values())
    if previous and _VERSION_RE.match(previous):
        numbers.append(int(_VERSION_RE.match(previous).group(1)))
    name = f"store-{max(numbers, default=0) + 1:06d}"
    manifest = {**manifest, "store_dir": name}
    tmp = root / f"{TMP_PREFIX}{name}.{os.getpid()}"
    tmp.mkdir()
    try:
        _write_arrow(tmp / config.STORE_FILE, table)
        _write_quarantine(tmp / config.QUARANTINE_FILE, quarantine)
        _write_arrow(tmp / config.ARRESTS_FILE, arrests)
        _write_quarantine(tmp / config.ARRESTS_QUARANTINE_FILE, arrests_quarantine)
        _write_json(tmp / config.QUALITY_FILE, quality_doc)
        _write_json(tmp / config.MANIFEST_FILE, manifest)
        fsync_path(tmp)
        os.rename(tmp, root / name)
        fsync_path(root)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    # The switch. Before this line readers see `previous`; after it, `name`.
    _replace_json(root / config.MANIFEST_FILE, manifest)
    keep = {name, previous}
    for old in _versions(root):
        if old not in keep:
            shutil.rmtree(root / old, ignore_errors=True)
    return manifest
