"""Ingest: published files or fetched records -> sources -> clean -> snapshots -> the store.

Arrest files (``arrests.detect_arrest_layout``) go the same way into the store's arrests
table: read by ``arrests.read_arrests``, each a snapshot of its arrest dataset, merged by
the same rules in the same write; crime and arrest files can come in one call.

Everything or nothing: every file is read and cleaned before anything is written, and the
store is written once, atomically. A file that cannot be read or cleaned stops the whole
ingest with an error naming it, and the store stays as it was.

Each file or fetched layer becomes a *snapshot* of its dataset (``bmoredash.snapshots``
states the store's contract). Its raw rows are kept, gzipped, under ``snapshots/`` in the
data directory, so that ``rebuild`` can recreate the store offline from them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bmoredash import arrests, clean, config, coverage, sources, store
from bmoredash.files import TMP_PREFIX, atomic_write
from bmoredash.snapshots import Snapshot

__all__ = [
    "IngestError",
    "SNAPSHOTS_DIR",
    "ingest_paths",
    "ingest_frames",
    "keep_raw",
    "keep_records",
    "rebuild",
]

#: Where the raw snapshots live inside a data directory.
SNAPSHOTS_DIR = "snapshots"
#: NOTE: on the 156 MB demo CSV gzip's default level 9 took 10.7 s for 28 MB, level 1
#: 2.3 s for 37 MB; raw copies are written on every ingest and read only by a rebuild.
GZIP_LEVEL = 1


#: A file this long with a single offense is a filtered extract (the homicide exports:
#: 1,709 and 291 rows); a shorter one (a one-row correction) is read as a whole snapshot.
MIN_EXTRACT_ROWS = 50


class IngestError(ValueError):
    """A file or frame could not be ingested; the message names it. Nothing was written."""


def ingest_paths(
    paths: Iterable[str | os.PathLike[str]],
    data_dir: str | os.PathLike[str] | None = None,
    *,
    demo: bool = False,
    today: dt.date | None = None,
    replace: bool = False,
    prefer: list[str] | None = None,
    as_of: str | None = None,
) -> dict[str, Any]:
    """Read, clean and merge the files into the store in ``data_dir``; returns a summary.

    Each file is a snapshot of its dataset; ``as_of`` says when the files were downloaded
    (default: each file's last date), ``prefer`` ranks datasets whose dates overlap.
    The summary: ``sources`` (per file: source, layout, path, snapshot, dataset, window,
    rows_read, rows_kept, rows_quarantined, rows_served), ``totals``, ``superseded`` (rows
    of earlier snapshots replaced), ``unchanged`` (files already in the store), ``rows``,
    ``data_through``, ``demo``, ``data_dir`` and the new ``manifest``.
    """
    path_list = [Path(p) for p in paths]
    if not path_list:
        raise IngestError("no files to ingest")
    frames: list[sources.SourceFrame | arrests.ArrestFrame] = []
    for path in path_list:
        try:
            frame = read_any(path)
        except Exception as error:  # any failure names the file and stops the ingest
            raise IngestError(_naming(path, error)) from error
        frame.as_of = as_of
        frames.append(frame)
    return _ingest(
        frames, path_list, data_dir, demo=demo, today=today, replace=replace, prefer=prefer
    )


def ingest_frames(
    frames: Iterable[sources.SourceFrame | arrests.ArrestFrame],
    data_dir: str | os.PathLike[str] | None = None,
    *,
    demo: bool = False,
    data_through: dt.date | str | None = None,
    today: dt.date | None = None,
    replace: bool = False,
    prefer: list[str] | None = None,
) -> dict[str, Any]:
    """Clean frames already read (the fetcher, the demo generator; crime frames and arrest
    frames, which go to the arrests table) and merge them in one write. ``data_through``
    is what the manifest will say (demo: the last Saturday); default the last occurred
    date. Returns the same summary as ``ingest_paths``."""
    frame_list = list(frames)
    if not frame_list:
        raise IngestError("no frames to ingest")
    return _ingest(
        frame_list,
        [None] * len(frame_list),
        data_dir,
        demo=demo,
        today=today,
        replace=replace,
        data_through=data_through,
        prefer=prefer,
    )


def read_any(path: Path, name: str | None = None) -> sources.SourceFrame | arrests.ArrestFrame:
    """A crime file (any layout of ``sources``) or an arrest file (``arrests``), told apart
    by its header. Raises UnknownLayoutError naming both families when it is neither."""
    try:
        return sources.read_source(path, name=name)
    except sources.UnknownLayoutError as crime_error:
        try:
            return arrests.read_arrests(path, name=name)
        except sources.UnknownLayoutError as arrest_error:
            # one line: what the crime layouts and the arrest layouts each expected
            expected = str(arrest_error).split("expected one of: ", 1)[-1]
            raise sources.UnknownLayoutError(
                f"{crime_error}; nor an arrest layout ({expected})"
            ) from None


def _naming(path: Path, error: Exception) -> str:
    """The error's message, prefixed with the file unless it already names it."""
    message = str(error) or type(error).__name__
    return message if path.name in message else f"{path}: {message}"


def keep_raw(data_dir: Path, path: Path) -> tuple[str, str]:
    """(path relative to ``data_dir``, sha256 of the content) of a gzipped copy of ``path``
    kept under ``snapshots/``. Named by content, so the same file is kept once; a file
    already kept there is not copied again."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    digest = hashlib.sha256(data).hexdigest()
    folder = (data_dir / SNAPSHOTS_DIR).resolve()
    if path.resolve().parent == folder:
        return str(path.resolve().relative_to(data_dir.resolve())), digest
    stem = path.name[:-3] if path.name.endswith(".gz") else path.name
    target = folder / f"{digest[:16]}-{stem}.gz"
    if not target.exists():
        _write_gzip(target, [data])
    return str(target.relative_to(data_dir.resolve())), digest


def keep_records(data_dir: Path, records: list[dict], name: str) -> Path:
    """Fetched records kept as a gzipped JSON array under ``snapshots/``, named by content
    and ``name`` (which layer, when); returns the file, which ``sources.read_source`` reads
    back. NOTE: two fetches in the same second once shared a name; the hash keeps both."""
    digest = hashlib.sha256()

    def chunks() -> Iterable[bytes]:
        for i, record in enumerate(records):
            chunk = (b"[" if i == 0 else b",") + json.dumps(record, separators=(",", ":")).encode()
            digest.update(chunk)
            yield chunk
        digest.update(b"]" if records else b"[]")
        yield b"]" if records else b"[]"

    folder = data_dir / SNAPSHOTS_DIR
    # The name holds the content's hash, known only once written: write under a temporary
    # name (one the store's sweeper recognises), then rename.
    written = _write_gzip(folder / f"{TMP_PREFIX}{name}.gz", chunks())
    target = folder / f"{digest.hexdigest()[:16]}-{name}.gz"
    os.replace(written, target)
    return target


def _write_gzip(target: Path, chunks: Iterable[bytes]) -> Path:
    """Write ``chunks`` gzipped to ``target`` atomically (``files.atomic_write``)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        atomic_write(target, "wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=GZIP_LEVEL) as gz,
    ):
        for chunk in chunks:
            gz.write(chunk)
    return target


@contextlib.contextmanager
def removing_new_snapshots_on_error(data_dir: Path) -> Iterator[None]:
    """Raw copies written inside the block are deleted again if it fails, so that a refused
    or failed ingest leaves the data directory as it was."""
    folder = data_dir / SNAPSHOTS_DIR
    before = set(folder.iterdir()) if folder.is_dir() else set()
    try:
        yield
    except BaseException:
        if folder.is_dir():
            for path in set(folder.iterdir()) - before:
                path.unlink(missing_ok=True)
        raise


def _day(stamp: pd.Timestamp) -> dt.date:
    return stamp.tz_convert(config.CITY_TZ).date()


def _snapshot_of(
    frame: sources.SourceFrame,
    result: clean.CleanResult,
    placeholder: str,
    raw: tuple[str, str] | None,
) -> Snapshot:
    """The snapshot a cleaned frame is: dataset, window, scope and counts.

    A file covers its own first to last date (from the dataset's first published date on)
    except the days it lacks (its gap days: a sample of a few rows a day lacks them all);
    a file of at least ``MIN_EXTRACT_ROWS`` rows holding one offense only (a homicide list)
    covers that offense only.
    """
    layout = frame.layout
    dataset = sources.DATASET_OF_LAYOUT[layout]
    kept = result.incidents
    in_range = kept.loc[kept["occurred_at"] >= clean.plausible_start(layout), "occurred_at"]
    if frame.window is not None:
        start, end = frame.window
        if start is None:  # a whole layer: from its first row in the dataset's range
            start = _day(in_range.min()) if len(in_range) else end
    elif len(in_range):
        start, end = _day(in_range.min()), _day(in_range.max())
    else:
        start = end = None
    offenses = set(kept["offense"].dropna().astype(str))
    filtered = frame.window is None and len(offenses) == 1 and len(kept) >= MIN_EXTRACT_ROWS
    scope = frozenset(offenses) if filtered else None
    gaps: frozenset[dt.date] = frozenset()
    if scope is None and start is not None and end is not None:
        # datetime64 days, not Python dates: 700k date objects cost a second
        local = in_range.dt.tz_convert(config.CITY_TZ).dt.tz_localize(None)
        days, counts = np.unique(local.to_numpy().astype("datetime64[D]"), return_counts=True)
        per_day = pd.Series(counts, index=pd.DatetimeIndex(days)).reindex(
            pd.date_range(start, end), fill_value=0
        )
        gaps = frozenset(coverage.find_gap_days(per_day))
    as_of = frame.as_of or (end.isoformat() if end else "")
    return Snapshot(
        id=placeholder,
        dataset=dataset,
        layout=layout,
        source=frame.source,
        as_of=as_of,
        sequence=0,
        start=start,
        end=end,
        offenses=scope,
        sha256=raw[1] if raw else None,
        raw=raw[0] if raw else None,
        rows_read=len(frame.raw),
        rows_kept=len(kept),
        rows_quarantined=len(result.quarantine),
        outside_range=result.quality.outside_plausible_range,
        ingested_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        gaps=gaps,
    )


def _arrest_snapshot_of(
    frame: arrests.ArrestFrame, placeholder: str, raw: tuple[str, str] | None
) -> Snapshot:
    """The snapshot an arrest file or fetched layer is: its dataset, window and counts.

    The same rule as a crime file's (``_snapshot_of``): a file covers its own first to last
    arrest date (from the dataset's first published date on) except its gap days; a fetch
    covers its query's window. Arrest snapshots have no offense scope.
    """
    dataset = sources.ARREST_DATASET_OF_LAYOUT[frame.layout]
    published = pd.Timestamp(sources.DATASETS[dataset].published_from)
    dates = frame.rows["arrest_date"]
    in_range = dates[dates >= published]
    if frame.window is not None:
        start, end = frame.window
        if start is None:
            start = in_range.min().date() if len(in_range) else end
    elif len(in_range):
        start, end = in_range.min().date(), in_range.max().date()
    else:
        start = end = None
    gaps: frozenset[dt.date] = frozenset()
    if start is not None and end is not None:
        per_day = in_range.value_counts().reindex(pd.date_range(start, end), fill_value=0)
        gaps = frozenset(coverage.find_gap_days(per_day.sort_index()))
    return Snapshot(
        id=placeholder,
        dataset=dataset,
        layout=frame.layout,
        source=frame.source,
        as_of=frame.as_of or (end.isoformat() if end else ""),
        sequence=0,
        start=start,
        end=end,
        offenses=None,
        sha256=raw[1] if raw else None,
        raw=raw[0] if raw else None,
        rows_read=int(frame.quality["rows_read"]),
        rows_kept=len(frame.rows),
        rows_quarantined=len(frame.quarantine),
        outside_range=int((dates < published).sum()),
        ingested_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        gaps=gaps,
    )


def _arrest_batch(
    results: list[tuple[arrests.ArrestFrame, Snapshot]],
) -> store.TableBatch:
    """The arrests of one ingest as the store takes them: rows with their area columns,
    source and placeholder snapshot; quarantine; quality reports by source (with the
    unmapped charge codes)."""
    rows, quarantined = [], []
    quality: dict[str, Any] = {}
    for frame, snap in results:
        kept = pd.concat([frame.rows, frame.areas], axis=1)
        kept["source"] = frame.source
        kept["snapshot"] = snap.id
        rows.append(store.conform_arrests(kept))
        quarantined.append(
            pd.DataFrame(
                {
                    "source": frame.source,
                    "row_number": frame.quarantine["row"].to_numpy(dtype="int64"),
                    "reason": frame.quarantine["reason"].to_numpy(dtype=object),
                    "raw": frame.quarantine["raw"].to_numpy(dtype=object),
                }
            )
        )
        report = {**frame.quality, "unmapped_codes": dict(frame.unmapped)}
        # two files of one name: their counts added up under that name, as for crime
        if frame.source in quality:
            report = store.sum_reports([quality[frame.source], report])
        quality[frame.source] = report
    return store.TableBatch(
        rows=store.concat_incidents(rows, store.ARREST_DTYPES),
        quarantine=pd.concat(quarantined, ignore_index=True),
        quality=quality,
        snapshots=[snap for _, snap in results],
    )


def _ingest(
    frames: list[sources.SourceFrame | arrests.ArrestFrame],
    paths: list[Path | None],
    data_dir: str | os.PathLike[str] | None,
    **options: Any,
) -> dict[str, Any]:
    """``_clean_and_merge``, with the raw copies it wrote removed again if it fails."""
    with removing_new_snapshots_on_error(config.data_dir(data_dir)):
        return _clean_and_merge(frames, paths, data_dir, **options)


def _clean_and_merge(
    frames: list[sources.SourceFrame | arrests.ArrestFrame],
    paths: list[Path | None],
    data_dir: str | os.PathLike[str] | None,
    *,
    demo: bool,
    today: dt.date | None,
    replace: bool,
    data_through: dt.date | str | None = None,
    prefer: list[str] | None = None,
    snapshot_facts: list[Snapshot] | None = None,
) -> dict[str, Any]:
    """Clean every frame, then merge them all with the store in one atomic write."""
    unknown = sorted(set(prefer or []) - set(sources.DATASETS))
    if unknown:
        raise IngestError(
            f"unknown dataset(s) {unknown} in --prefer; known: {', '.join(sources.DATASETS)}"
        )
    root = config.data_dir(data_dir)
    results = []
    arrest_results: list[tuple[arrests.ArrestFrame, Snapshot]] = []
    arrest_paths: list[Path | None] = []
    for i, (frame, path) in enumerate(zip(frames, paths, strict=True)):
        label = path if path is not None else Path(frame.source)
        if isinstance(frame, arrests.ArrestFrame):
            kept, quarantined = len(frame.rows), len(frame.quarantine)
            if frame.quality["rows_read"] != kept + quarantined:
                raise IngestError(
                    f"{label}: {frame.quality['rows_read']} rows read but {kept} kept + "
                    f"{quarantined} quarantined; nothing was written"
                )
            raw = keep_raw(root, frame.origin) if frame.origin is not None else None
            placeholder = f"new-{i}"
            if snapshot_facts is not None:
                snap = Snapshot.from_dict({**snapshot_facts[i].to_dict(), "id": placeholder})
            else:
                snap = _arrest_snapshot_of(frame, placeholder, raw)
            arrest_results.append((frame, snap))
            arrest_paths.append(path)
            continue
        try:
            result = clean.clean(frame, today=today)
        except Exception as error:
            raise IngestError(_naming(label, error)) from error
        kept, quarantined = len(result.incidents), len(result.quarantine)
        if len(frame.raw) != kept + quarantined:
            # NOTE: every row read must be either kept or quarantined, or the quality
            # figures would not add up; refuse rather than store unexplained losses.
            raise IngestError(
                f"{label}: {len(frame.raw)} rows read but {kept} kept + {quarantined} "
                "quarantined; nothing was written"
            )
        raw = keep_raw(root, frame.origin) if frame.origin is not None else None
        placeholder = f"new-{i}"
        if snapshot_facts is not None:
            snap = Snapshot.from_dict({**snapshot_facts[i].to_dict(), "id": placeholder})
        else:
            snap = _snapshot_of(frame, result, placeholder, raw)
        result.incidents["snapshot"] = pd.Categorical([placeholder] * kept)
        results.append((frame, path, result, snap))

    quality_by_source: dict[str, Any] = {}
    for frame, _, result, _ in results:
        # NOTE: two files can share a name (the same export in two folders); their counts
        # are added up under that one source name.
        if frame.source in quality_by_source:
            quality_by_source[frame.source] = quality_by_source[frame.source].merge(result.quality)
        else:
            quality_by_source[frame.source] = result.quality

    incidents = quarantine = None
    if results:
        incidents = store.concat_incidents([r.incidents for _, _, r, _ in results])
        quarantine = store.conform_quarantine(
            pd.concat(
                [store.conform_quarantine(r.quarantine) for _, _, r, _ in results],
                ignore_index=True,
            )
        )
    try:
        outcome = store.merge_and_write(
            data_dir,
            incidents,
            quarantine,
            quality_by_source,
            [snap for *_, snap in results],
            demo=demo,
            data_through=data_through,
            replace=replace,
            prefer=prefer,
            arrests=_arrest_batch(arrest_results) if arrest_results else None,
        )
    except store.StoreOverlapError as error:
        raise IngestError(str(error)) from error
    manifest = outcome.manifest
    summary_sources = []
    for frame, path, result, snap in results:
        summary_sources.append(
            _source_summary(
                frame, path, snap, outcome.assigned[snap.id], manifest, sources.INCIDENTS,
                read=len(frame.raw), kept=len(result.incidents),
            )
        )  # fmt: skip
    arrest_manifest = manifest.get("arrests") or {}
    for (frame, snap), path in zip(arrest_results, arrest_paths, strict=True):
        summary_sources.append(
            _source_summary(
                frame, path, snap, outcome.assigned[snap.id], arrest_manifest, sources.ARRESTS,
                read=int(frame.quality["rows_read"]), kept=len(frame.rows),
            )
        )  # fmt: skip
    return {
        "data_dir": str(root),
        "demo": manifest["demo"],
        "sources": summary_sources,
        "totals": {
            key: sum(s[key] for s in summary_sources)
            for key in ("rows_read", "rows_kept", "rows_quarantined", "rows_served")
        },
        "superseded": outcome.superseded,
        "arrests_superseded": outcome.arrests_superseded,
        "unchanged": outcome.unchanged,
        "rows": manifest["rows"],
        "arrest_rows": int(arrest_manifest.get("rows", 0)),
        "data_through": manifest["data_through"],
        "manifest": manifest,
    }


def _source_summary(
    frame: Any,
    path: Path | None,
    snap: Snapshot,
    snapshot_id: str,
    manifest: dict[str, Any],
    table: str,
    *,
    read: int,
    kept: int,
) -> dict[str, Any]:
    """One file's line of the ingest summary (crime or arrests: ``table``)."""
    return {
        "source": frame.source,
        "layout": frame.layout,
        "dataset": snap.dataset,
        "path": str(path) if path is not None else None,
        "snapshot": snapshot_id,
        "window": [
            snap.start.isoformat() if snap.start else None,
            snap.end.isoformat() if snap.end else None,
        ],
        "offenses": sorted(snap.offenses) if snap.offenses is not None else None,
        "rows_read": read,
        "rows_kept": kept,
        "rows_quarantined": read - kept,
        "rows_served": _served(manifest, snapshot_id),
        "table": table,
    }


def _served(manifest: dict[str, Any], snapshot_id: str) -> int:
    for snap in manifest.get("snapshots", []):
        if snap["id"] == snapshot_id:
            return int(snap.get("rows_served", 0))
    return 0


def rebuild(
    data_dir: str | os.PathLike[str] | None = None, *, today: dt.date | None = None
) -> dict[str, Any]:
    """Recreate the store from the raw snapshots it keeps (offline), with the same windows,
    scopes, dates and preferences; returns the ingest summary.

    Raises IngestError naming a snapshot whose raw copy is missing (nothing is written).
    """
    root = config.data_dir(data_dir)
    manifest = store.read_manifest(root)
    listed = manifest.get("snapshots", []) + (manifest.get("arrests") or {}).get("snapshots", [])
    snaps = [Snapshot.from_dict(s) for s in listed]
    if not snaps:
        raise IngestError(f"{root}: the store lists no snapshots to rebuild from")
    frames: list[sources.SourceFrame | arrests.ArrestFrame] = []
    paths: list[Path | None] = []
    for snap in sorted(snaps, key=lambda s: s.sequence):
        if not snap.raw or not (root / snap.raw).is_file():
            raise IngestError(
                f"snapshot {snap.id} ({snap.source}): its raw copy {snap.raw or '(none)'} is "
                "missing; nothing was written"
            )
        if sources.DATASETS[snap.dataset].table == sources.ARRESTS:
            frame = arrests.read_arrests(root / snap.raw, name=snap.source)
        else:
            frame = sources.read_source(root / snap.raw, name=snap.source)
        frames.append(frame)
        paths.append(root / snap.raw)
    return _ingest(
        frames,
        paths,
        root,
        demo=bool(manifest["demo"]),
        today=today,
        replace=True,
        data_through=manifest.get("data_through"),
        prefer=list(manifest.get("prefer", [])),
        snapshot_facts=sorted(snaps, key=lambda s: s.sequence),
    )
