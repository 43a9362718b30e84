"""Reading the live store: the pointer resolved once per call, the incidents memory-mapped
and filtered (the selection rule as Arrow predicates) before they become a DataFrame, and
the manifest, quality report, coverage, snapshots and quarantine beside them.

Rows are kept sorted by ``occurred_at`` (then ``record_id``), so a date or year filter is a
binary search and a zero-copy slice.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bmoredash import config, coverage, schema
from bmoredash.periods import Window
from bmoredash.selection import Selection
from bmoredash.snapshots import Snapshot
from bmoredash.store.conform import (
    _SORTED_KEY,
    _TYPES_MAPPER,
    _TZ,
    ARREST_DTYPES,
    _arrow_table,
    conform_quarantine,
    empty_frame,
)
from bmoredash.store.errors import StoreNotFoundError, StoreSchemaError

_VERSION_RE = re.compile(r"^store-(\d+)$")


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


def _map_table(version_dir: Path, name: str = config.STORE_FILE) -> pa.Table:
    """A table of one version (default the incidents; ``config.ARRESTS_FILE`` the arrests)
    over a memory map (no copy, shared pages)."""
    source = pa.memory_map(str(version_dir / name), "r")
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


def _instant_ns(day: dt.date) -> int:
    """The instant Baltimore's ``day`` begins, as UTC nanoseconds (Arrow's timestamp storage)."""
    return pd.Timestamp(day, tz=_TZ).value


def _day_ns(day: dt.date) -> int:
    """Midnight of ``day`` as a naive timestamp's nanoseconds (the arrests' calendar dates)."""
    return pd.Timestamp(day).value


def _time_ranges(windows: tuple[Window, ...], *, naive: bool = False) -> list[tuple[int, int]]:
    """Half-open [begin, end) instants (UTC ns) of the windows' Baltimore days; with
    ``naive``, the days' midnights as naive dates (a column of calendar dates)."""
    begin = _day_ns if naive else _instant_ns
    ranges = []
    for window in windows:
        lo = _NO_LOWER if window.start == dt.date.min else begin(window.start)
        # the window's end is inclusive: the range stops at the midnight after it.
        hi = _NO_UPPER if window.end == dt.date.max else begin(window.stop)
        ranges.append((lo, hi))
    return ranges


_NO_LOWER = np.iinfo(np.int64).min
_NO_UPPER = np.iinfo(np.int64).max


def _slice_by_time(
    table: pa.Table, ranges: list[tuple[int, int]], column: str = "occurred_at"
) -> pa.Table:
    """Rows inside any of the ranges; a binary search when the file is sorted by time."""
    times = table.column(column)
    if (table.schema.metadata or {}).get(_SORTED_KEY) == column.encode():
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


def filter_places(table: pa.Table, chosen: Selection) -> pa.Table:
    """The rows of ``table`` in the selection's places (every place dimension; the rule is
    ``Selection.place_filters``, shared by incidents and arrests)."""
    mask = None
    for column, values in chosen.place_filters():
        part = _is_in(table, column, values)
        mask = part if mask is None else pc.and_(mask, part)
    return table if mask is None else table.filter(pc.fill_null(mask, False))


def select_rows(table: pa.Table, chosen: Selection, time_column: str) -> pa.Table:
    """The rows of a store table in the selection's dates and places, as Arrow predicates
    (the offense dimension is the caller's: arrests have none). ``time_column`` dates the
    rows: ``occurred_at`` (instants) or ``arrest_date`` (naive calendar dates)."""
    if chosen.windows is not None:
        naive = table.schema.field(time_column).type.tz is None
        table = _slice_by_time(table, _time_ranges(chosen.windows, naive=naive), time_column)
    return filter_places(table, chosen)


def load_arrests(
    data_dir: str | os.PathLike[str] | None = None,
    selection: Selection | None = None,
    **keywords: Any,
) -> pd.DataFrame:
    """The selected arrest rows of the live store (one row per charge; ``arrests`` columns,
    the area columns, source and snapshot), filtered before they become a DataFrame.

    The selection's places and dates apply (dates: the arrest date, a Baltimore calendar
    date; NOTE: most arrest rows have no time of day, so ``arrested_at`` cannot date them);
    its offense dimension does not. A store without arrests gives an empty frame.
    """
    if selection is not None and keywords:
        raise TypeError("give a selection or its keywords, not both")
    chosen = selection if selection is not None else Selection.parse(**keywords)

    def read(version_dir: Path) -> pa.Table:
        if not (version_dir / config.ARRESTS_FILE).exists():
            # a version written before the store held arrests
            return _arrow_table(empty_frame(ARREST_DTYPES), ARREST_DTYPES, "arrest_date")
        return _map_table(version_dir, config.ARRESTS_FILE)

    table = select_rows(_with_live(config.data_dir(data_dir), read), chosen, "arrest_date")
    return table.to_pandas(split_blocks=True, types_mapper=_TYPES_MAPPER)


def read_arrest_coverage(data_dir: str | os.PathLike[str] | None = None) -> coverage.Coverage:
    """The dates the live store has arrest data for (an empty Coverage without arrests)."""
    return coverage.from_manifest(read_manifest(data_dir).get("arrests") or {})


def read_arrest_quality(
    data_dir: str | os.PathLike[str] | None = None, *, by_source: bool = False
) -> dict[str, Any]:
    """The arrests' quality counts over every source (``arrests.read_arrests`` keys), or
    ``{source: counts}`` with ``by_source``; empty without arrests."""
    doc = _with_live(
        config.data_dir(data_dir),
        lambda d: json.loads((d / config.QUALITY_FILE).read_text(encoding="utf-8")),
    )
    arrests = doc.get("arrests") or {}
    return dict(arrests.get("by_source" if by_source else "total") or {})


def read_arrest_quarantine(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Arrest rows kept out of the store: source, row_number, reason, raw (JSON)."""

    def read(version_dir: Path) -> pd.DataFrame:
        path = version_dir / config.ARRESTS_QUARANTINE_FILE
        if not path.exists():
            return conform_quarantine(None)
        return conform_quarantine(pd.read_parquet(path, dtype_backend="pyarrow"))

    return _with_live(config.data_dir(data_dir), read)


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

    table = select_rows(_with_live(config.data_dir(data_dir), _map_table), chosen, "occurred_at")
    if set(chosen.offenses) != set(schema.OFFENSES):
        table = table.filter(pc.fill_null(_is_in(table, "offense", chosen.offenses), False))
    if column_list is not None:
        table = table.select(column_list)
    # split_blocks keeps each column its own block, so nothing is consolidated (copied).
    frame = table.to_pandas(split_blocks=True, types_mapper=_TYPES_MAPPER)
    return frame
