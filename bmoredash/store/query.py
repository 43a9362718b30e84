"""The store: one memory-mapped Arrow file of incidents, switched atomically with its
manifest, quality report and quarantine.

Layout of a data directory::

    manifest.json        the pointer: the manifest keys plus ``store_dir``, the live version
    store-000007/        one whole version: incidents.arrow, quarantine.parquet,
                         quality.json and a copy of its manifest
    store-000006/        the version before, kept so that a reader that resolved the old
                         pointer a moment ago can still open its files
    .lock                serialises writers (readers never lock)

Why this shape: the four files must change together, and a crash or a kill at any point
must leave the previous store readable and whole. A new version is written to a hidden
temporary directory, fsynced and renamed into place; only then is ``manifest.json``
replaced (``os.replace``, atomic on POSIX). Until that replace, readers see the previous
version; after it, the new one. Readers resolve the pointer once per call.

Why Arrow IPC, uncompressed, memory-mapped: every dashboard visitor gets a kernel, and
each kernel loads the incidents. Mapped pages are shared by the page cache, and the string
columns convert to pandas without a copy (``large_string`` buffers wrapped as-is), so N
kernels hold one copy of the biggest columns instead of N. Category columns are stored
dictionary-encoded, which is also what pandas wants.

Rows are kept sorted by ``occurred_at`` (then ``record_id``), so a date or year filter is a
binary search and a zero-copy slice.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import re
import shutil
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bmoredash import config, coverage, schema
from bmoredash.files import TMP_PREFIX, atomic_write, fsync_path
from bmoredash.periods import Window
from bmoredash.selection import Selection, date_of
from bmoredash.snapshots import Snapshot, coverage_spans, overlaps, served_mask

__all__ = [
    "StoreNotFoundError",
    "StoreConflictError",
    "StoreSchemaError",
    "StoreOverlapError",
    "MergeOutcome",
    "conform_incidents",
    "conform_quarantine",
    "concat_incidents",
    "sum_reports",
    "write_store",
    "merge_and_write",
    "load_incidents",
    "read_manifest",
    "read_quality",
    "read_quarantine",
    "read_coverage",
    "read_snapshots",
]

QUARANTINE_COLUMNS: tuple[str, ...] = ("source", "row_number", "reason", "raw")
QUARANTINE_KEY: list[str] = ["source", "row_number", "reason"]
SOURCE_KEYS: tuple[str, ...] = ("source", "layout", "rows_read", "rows_kept")

_VERSION_RE = re.compile(r"^store-(\d+)$")
_SNAPSHOT_RE = re.compile(r"^s(\d+)$")
_LOCK_FILE = ".lock"
_SORTED_KEY = b"bmoredash.sorted_by"
_TZ = config.CITY_TZ_NAME
_DATETIME_DTYPE = pd.DatetimeTZDtype("ns", _TZ)
_STRING_DTYPE = pd.StringDtype("pyarrow")
#: Arrow -> pandas dtypes on read; dictionaries become categoricals without help.
_TYPES_MAPPER = {
    pa.large_string(): _STRING_DTYPE,
    pa.string(): _STRING_DTYPE,
    pa.int16(): pd.Int16Dtype(),
}.get


class StoreNotFoundError(FileNotFoundError):
    """The data directory holds no store yet."""

    def __init__(self, data_dir: Path, detail: str = "") -> None:
        super().__init__(
            f"No bmoredash store in {data_dir}{detail}. Run `bmoredash demo` to create demo "
            "data, or `bmoredash ingest PATH` to load BPD files (the data directory is "
            f"--data-dir or ${config.DATA_DIR_ENV})."
        )
        self.data_dir = data_dir


class StoreConflictError(ValueError):
    """Refusing to merge demo rows into real data, or real rows into demo data."""


class StoreSchemaError(RuntimeError):
    """The store was written with another schema version and cannot be read as is."""


class StoreOverlapError(ValueError):
    """Two datasets cover the same dates and no preference says which one serves them."""

    def __init__(self, found: list[Any]) -> None:
        datasets = sorted({o.first.dataset for o in found} | {o.second.dataset for o in found})
        lines = "\n".join(f"  - {o.message()}" for o in found[:10])
        more = f"\n  ... and {len(found) - 10} more" if len(found) > 10 else ""
        choose = " or ".join(f"--prefer {d}" for d in datasets)
        super().__init__(
            "Refusing to count two datasets for the same dates (nothing was written):\n"
            f"{lines}{more}\n"
            f"Choose which dataset serves the overlapping dates ({choose}; repeat --prefer "
            "to rank several), or ingest them into separate data directories."
        )
        self.overlaps = found


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


# --------------------------------------------------------------------------------------
# Conforming frames to the schema
# --------------------------------------------------------------------------------------


def conform_incidents(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with exactly ``schema.COLUMN_NAMES`` in order and the store's dtypes.

    Raises ValueError on missing or extra columns, on a missing ``record_id`` or
    ``occurred_at``, and on naive timestamps (a wall-clock time without a zone is ambiguous
    twice a year, so clean must localise it).
    """
    if "snapshot" not in frame.columns and "source" in frame.columns:
        # rows written directly (write_store) belong to their source
        frame = frame.assign(snapshot=frame["source"])
    missing = [c for c in schema.COLUMN_NAMES if c not in frame.columns]
    extra = [c for c in frame.columns if c not in schema.DTYPES]
    if missing or extra:
        raise ValueError(f"incidents do not match the schema: missing {missing}, extra {extra}")
    out = {}
    for name, kind in schema.DTYPES.items():
        col = frame[name]
        if kind == "category":
            out[name] = (
                col if isinstance(col.dtype, pd.CategoricalDtype) else col.astype("category")
            )
        elif kind == "string":
            out[name] = col.astype(_STRING_DTYPE)
        elif kind == "datetime":
            if not isinstance(col.dtype, pd.DatetimeTZDtype):
                raise ValueError(f"{name} must be timezone-aware (got {col.dtype})")
            out[name] = col.dt.tz_convert(_TZ).astype(_DATETIME_DTYPE)
        elif kind == "bool":
            if col.isna().any():
                raise ValueError(f"{name} has missing values; it must be True or False")
            out[name] = col.astype(bool)
        else:  # float32, Int16
            out[name] = col.astype(kind)
    conformed = pd.DataFrame(out, index=pd.RangeIndex(len(frame)))
    for key in ("record_id", "occurred_at"):
        if conformed[key].isna().any():
            raise ValueError(f"incidents have rows without {key}")
    return conformed


def conform_quarantine(frame: pd.DataFrame | None) -> pd.DataFrame:
    """Quarantined rows as (source, row_number, reason, raw) with plain dtypes."""
    if frame is None:
        frame = pd.DataFrame({c: [] for c in QUARANTINE_COLUMNS})
    missing = [c for c in QUARANTINE_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"quarantine lacks columns {missing}")
    return pd.DataFrame(
        {
            "source": frame["source"].astype(_STRING_DTYPE),
            "row_number": frame["row_number"].astype("int64"),
            "reason": frame["reason"].astype(_STRING_DTYPE),
            "raw": frame["raw"].astype(_STRING_DTYPE),
        }
    ).reset_index(drop=True)


def concat_incidents(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Canonical frames stacked, each category column with the union of the categories.

    NOTE: ``pd.concat`` silently turns categoricals with different categories into object
    columns; giving them one category list first (first-seen order, so the order clean
    chose is kept) keeps the result categorical.
    """
    if not frames:
        raise ValueError("nothing to concatenate")
    frames = [f.copy(deep=False) for f in frames]
    for name, kind in schema.DTYPES.items():
        if kind != "category":
            continue
        cats: dict[Any, None] = {}
        for f in frames:
            cats.update(dict.fromkeys(f[name].cat.categories))
        union = list(cats)
        for f in frames:
            if list(f[name].cat.categories) != union:
                f[name] = f[name].cat.set_categories(union)
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------------------
# Resolving the live version
# --------------------------------------------------------------------------------------


def _live(data_dir: Path) -> tuple[Path, dict[str, Any]]:
    """(directory of the live version, manifest) — the pointer is read exactly once."""
    pointer = data_dir / config.MANIFEST_FILE
    try:
        manifest = json.loads(pointer.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoreNotFoundError(data_dir) from None
    store_dir = manifest.get("store_dir")
    if not isinstance(store_dir, str) or not _VERSION_RE.match(store_dir):
        raise StoreNotFoundError(data_dir, f" ({config.MANIFEST_FILE} names no store version)")
    if manifest.get("schema_version") != schema.SCHEMA_VERSION:
        raise StoreSchemaError(
            f"The store in {data_dir} has schema version {manifest.get('schema_version')}, "
            f"this bmoredash reads version {schema.SCHEMA_VERSION}: re-create it with "
            "`bmoredash demo` or `bmoredash ingest PATH --replace`."
        )
    return data_dir / store_dir, manifest


def _with_live(data_dir: Path, read: Any) -> Any:
    """``read(version_dir)`` on the live version, retried if a writer pruned it meanwhile."""
    for attempt in range(3):
        version_dir, _ = _live(data_dir)
        try:
            return read(version_dir)
        except FileNotFoundError:
            # NOTE: between reading the pointer and opening the file, two writers may have
            # switched versions and pruned this one. Resolve again.
            if attempt == 2:
                raise StoreNotFoundError(data_dir, f" ({version_dir.name} vanished)") from None
    raise AssertionError("unreachable")


def _map_table(version_dir: Path) -> pa.Table:
    """The incidents of one version as a table over a memory map (no copy, shared pages)."""
    source = pa.memory_map(str(version_dir / config.STORE_FILE), "r")
    return pa.ipc.open_file(source).read_all()


def read_manifest(data_dir: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The manifest of the live store (see the team notes for the keys)."""
    _, manifest = _live(config.data_dir(data_dir))
    return manifest


def read_quality(
    data_dir: str | os.PathLike[str] | None = None, *, by_source: bool = False
) -> dict[str, Any]:
    """The quality report merged over every source (``QualityReport.to_dict`` keys).

    With ``by_source=True``: ``{source name: report dict}``, the last ingest of each source.
    """
    doc = _with_live(
        config.data_dir(data_dir),
        lambda d: json.loads((d / config.QUALITY_FILE).read_text(encoding="utf-8")),
    )
    return doc["by_source"] if by_source else doc["total"]


def read_coverage(data_dir: str | os.PathLike[str] | None = None) -> coverage.Coverage:
    """The dates the live store has data for (``coverage.Coverage``)."""
    return coverage.from_manifest(read_manifest(data_dir))


def read_snapshots(data_dir: str | os.PathLike[str] | None = None) -> list[Snapshot]:
    """The snapshots (ingests and fetches) behind the live store, in ingest order."""
    return [Snapshot.from_dict(s) for s in read_manifest(data_dir).get("snapshots", [])]


def read_quarantine(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Rows that were kept out of the store: source, row_number, reason, raw (JSON)."""
    return _with_live(
        config.data_dir(data_dir),
        lambda d: pd.read_parquet(d / config.QUARANTINE_FILE, dtype_backend="pyarrow").pipe(
            conform_quarantine
        ),
    )


# --------------------------------------------------------------------------------------
# Loading with filters
# --------------------------------------------------------------------------------------


def _instant_ns(day: dt.date) -> int:
    """The instant Baltimore's ``day`` begins, as UTC nanoseconds (Arrow's timestamp storage)."""
    return pd.Timestamp(day, tz=_TZ).value


def _time_ranges(windows: tuple[Window, ...]) -> list[tuple[int, int]]:
    """Half-open [begin, end) instants (UTC ns) of the windows' Baltimore days."""
    ranges = []
    for window in windows:
        lo = _NO_LOWER if window.start == dt.date.min else _instant_ns(window.start)
        # the window's end is inclusive: the range stops at the midnight after it.
        hi = (
            _NO_UPPER
            if window.end == dt.date.max
            else _instant_ns(window.end + dt.timedelta(days=1))
        )
        ranges.append((lo, hi))
    return ranges


_NO_LOWER = np.iinfo(np.int64).min
_NO_UPPER = np.iinfo(np.int64).max


def _slice_by_time(table: pa.Table, ranges: list[tuple[int, int]]) -> pa.Table:
    """Rows inside any of the ranges; a binary search when the file is sorted by time."""
    times = table.column("occurred_at")
    if (table.schema.metadata or {}).get(_SORTED_KEY) == b"occurred_at":
        # Zero-copy view of the int64 timestamps (one chunk, never null).
        stamps = times.combine_chunks().to_numpy(zero_copy_only=False).view("i8")
        parts = []
        for first, last in ranges:
            i, j = np.searchsorted(stamps, [first, last], side="left")
            if j > i:
                parts.append(table.slice(int(i), int(j - i)))
        return pa.concat_tables(parts) if parts else table.slice(0, 0)
    ints = pc.cast(times, pa.int64())
    mask = None
    for first, last in ranges:
        part = pc.and_(pc.greater_equal(ints, first), pc.less(ints, last))
        mask = part if mask is None else pc.or_(mask, part)
    return table.filter(mask)


def _is_in(table: pa.Table, column: str, values: tuple[str, ...]) -> pa.ChunkedArray:
    return pc.is_in(table.column(column), value_set=pa.array(values, pa.string()))


def load_incidents(
    data_dir: str | os.PathLike[str] | None = None,
    selection: Selection | None = None,
    *,
    columns: Iterable[str] | None = None,
    **keywords: Any,
) -> pd.DataFrame:
    """The selected incidents from the live store, filtered before they become a DataFrame.

    Give a ``selection.Selection`` or its keywords (``districts``, ``neighborhoods``,
    ``offenses``, ``years``, ``start``, ``end``; see ``Selection.parse``): without either,
    every Part 1 row; ``offenses="all"`` adds common assault. Bad values raise
    ``SelectionError`` listing the valid ones. The filter is the selection rule written as
    Arrow predicates (a binary search on time, dictionary lookups on the rest): equal to
    ``Selection.apply``, which tests hold. Without filters the big columns are not copied.
    """
    if selection is not None and keywords:
        raise TypeError("give a selection or its keywords, not both")
    chosen = selection if selection is not None else Selection.parse(**keywords)
    column_list = list(columns) if columns is not None else None
    if column_list is not None:
        unknown = [c for c in column_list if c not in schema.DTYPES]
        if unknown:
            raise ValueError(
                f"unknown column(s) {unknown}; valid: {', '.join(schema.COLUMN_NAMES)}"
            )

    table = _with_live(config.data_dir(data_dir), _map_table)
    if chosen.windows is not None:
        table = _slice_by_time(table, _time_ranges(chosen.windows))
    masks = []
    if chosen.districts is not None:
        masks.append(_is_in(table, "district", chosen.districts))
    if chosen.neighborhoods is not None:
        masks.append(_is_in(table, "neighborhood", chosen.neighborhoods))
    if set(chosen.offenses) != set(schema.OFFENSES):
        masks.append(_is_in(table, "offense", chosen.offenses))
    if masks:
        mask = masks[0]
        for m in masks[1:]:
            mask = pc.and_(mask, m)
        table = table.filter(pc.fill_null(mask, False))
    if column_list is not None:
        table = table.select(column_list)
    # split_blocks keeps each column its own block, so nothing is consolidated (copied).
    frame = table.to_pandas(split_blocks=True, types_mapper=_TYPES_MAPPER)
    return frame


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------


def _arrow_table(incidents: pd.DataFrame) -> pa.Table:
    """The conformed frame as one record batch with the store's Arrow types."""
    table = pa.Table.from_pandas(incidents, preserve_index=False)
    fields = []
    for field in table.schema:
        kind = schema.DTYPES[field.name]
        if kind == "category":
            value_type = pa.dictionary(field.type.index_type, pa.string())
            fields.append(pa.field(field.name, value_type))
        elif kind == "string":
            # large_string: pandas' Arrow-backed strings wrap these buffers without a copy.
            fields.append(pa.field(field.name, pa.large_string()))
        else:
            fields.append(field.remove_metadata())
    target = pa.schema(fields, metadata={_SORTED_KEY: b"occurred_at"})
    return table.cast(target).combine_chunks()


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


def _iso(day: Any) -> str | None:
    if day is None:
        return None
    return date_of(day, "data_through").isoformat()


def _build_manifest(
    incidents: pd.DataFrame,
    quarantine: pd.DataFrame,
    sources: list[dict[str, Any]],
    *,
    demo: bool,
    data_through: Any,
    snapshots: list[Snapshot] | None = None,
    prefer: list[str] | None = None,
) -> dict[str, Any]:
    if len(incidents):
        times = incidents["occurred_at"]
        first, last = times.min().date().isoformat(), times.max().date().isoformat()
    else:
        first = last = None
    manifest = {
        "schema_version": schema.SCHEMA_VERSION,
        "demo": bool(demo),
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "sources": [{k: s[k] for k in SOURCE_KEYS} for s in sources],
        "rows": int(len(incidents)),
        "first_date": first,
        "last_date": last,
        "data_through": _iso(data_through) or last,
        "bmoredash_version": config.VERSION,
        "quarantined": int(len(quarantine)),
    }
    if snapshots is not None:
        manifest.update(_snapshot_record(incidents, snapshots, prefer or []))
    return manifest


def _days(occurred_at: pd.Series) -> np.ndarray:
    """Baltimore calendar date ordinals of timestamps (the column is already in its zone)."""
    local = occurred_at.dt.tz_convert(_TZ).dt.tz_localize(None).dt.normalize()
    epoch_day = dt.date(1970, 1, 1).toordinal()
    return (local.to_numpy().astype("datetime64[D]").astype(np.int64) + epoch_day).astype(np.int64)


def _rows_per_day(days: pd.Series, first: dt.date, last: dt.date) -> pd.Series:
    """Rows per date from ``first`` to ``last`` (0 where none), indexed by date."""
    per_day = days.value_counts().reindex(
        range(first.toordinal(), last.toordinal() + 1), fill_value=0
    )
    per_day.index = [dt.date.fromordinal(int(d)) for d in per_day.index]
    return per_day


def _snapshot_record(
    incidents: pd.DataFrame, snapshots: list[Snapshot], prefer: list[str]
) -> dict[str, Any]:
    """Manifest keys: snapshots (with rows served), preferences, coverage (spans and gap
    days), and per dataset its spans with rows per day."""
    served = incidents["snapshot"].astype(object).value_counts().to_dict()
    spans = coverage_spans(snapshots)
    days = pd.Series(_days(incidents["occurred_at"]))
    # Gap days: those the snapshots lack inside their windows, plus those judged on every
    # row served on a day (one dataset serves each date and offense), over the runs of
    # dates covered for every offense. A sample (no covered date) has no window to judge.
    whole = [s for s in snapshots if s.offenses is None and s.covered_days()]
    covered = set().union(*(s.covered_days() for s in whole))
    gaps: list[dt.date] = []
    for first, last in coverage.spans_of_days(covered):
        gaps.extend(coverage.find_gap_days(_rows_per_day(days, first, last)))
    # days a snapshot's window holds but it lacks, and that no other snapshot serves
    inside = set().union(*(s.covered_days() + sorted(s.gaps) for s in whole))
    gap_set = set(gaps) | (inside - covered)
    dataset_of = {s.id: s.dataset for s in snapshots}
    row_dataset = incidents["snapshot"].astype(object).map(dataset_of).to_numpy()
    datasets: dict[str, Any] = {}
    for span in spans:
        per_day = _rows_per_day(days[row_dataset == span.dataset], span.start, span.end)
        entry = datasets.setdefault(span.dataset, {"spans": [], "gap_days": []})
        entry["spans"].append(
            {**span.to_dict(), "rows_per_day": [int(c) for c in per_day.to_numpy()]}
        )
        entry["gap_days"].extend(d.isoformat() for d in per_day.index if d in gap_set)
    for name, entry in datasets.items():
        entry["outside_range_rows"] = sum(s.outside_range for s in snapshots if s.dataset == name)
    return {
        "snapshots": [s.to_dict() | {"rows_served": int(served.get(s.id, 0))} for s in snapshots],
        "prefer": list(prefer),
        "coverage": {
            "spans": [s.to_dict() for s in spans],
            "gap_days": sorted(d.isoformat() for d in gap_set),
            "gap_rule": (
                f"fewer rows than a third of the median of the same weekday "
                f"over {coverage.GAP_WEEKS} weeks either side (when that median is at least "
                f"{coverage.GAP_MIN_USUAL})"
            ),
        },
        "datasets": datasets,
    }


def _report_dict(report: Any) -> dict[str, Any]:
    return dict(report.to_dict()) if hasattr(report, "to_dict") else dict(report)


def _quality_by_source(quality: Any, sources: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Reports keyed by source name. A single report for several sources is kept whole."""
    if quality is None:
        return {}
    if isinstance(quality, Mapping) and all(
        isinstance(v, Mapping) or hasattr(v, "to_dict") for v in quality.values()
    ):
        return {str(k): _report_dict(v) for k, v in quality.items()}
    names = sorted({s["source"] for s in sources})
    key = names[0] if len(names) == 1 else " + ".join(names) or "unknown"
    return {key: _report_dict(quality)}


def sum_reports(reports: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Quality reports added up: numbers summed, {name: count} maps summed key by key.

    Same arithmetic as ``QualityReport.merge``, on the dict form, so that the store can
    merge reports without importing clean.
    """
    total: dict[str, Any] = {}
    for report in reports:
        for key, value in report.items():
            if isinstance(value, Mapping):
                bucket = total.setdefault(key, {})
                for k, v in value.items():
                    bucket[k] = bucket.get(k, 0) + v
            elif isinstance(value, int | float) and not isinstance(value, bool):
                total[key] = total.get(key, 0) + value
            else:
                total.setdefault(key, value)
    return total


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
) -> dict[str, Any]:
    """Write a new version beside the live one and switch the pointer (lock held)."""
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
