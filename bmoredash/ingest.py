"""Ingest: published files or fetched records -> sources -> clean -> one merge into the store.

Everything or nothing: every file is read and cleaned before anything is written, and the
store is written once, atomically. A file that cannot be read or cleaned stops the whole
ingest with an error naming it, and the store stays as it was.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from bmoredash import clean, config, sources, store

__all__ = ["IngestError", "ingest_paths", "ingest_frames"]


class IngestError(ValueError):
    """A file or frame could not be ingested; the message names it. Nothing was written."""


def ingest_paths(
    paths: Iterable[str | os.PathLike[str]],
    data_dir: str | os.PathLike[str] | None = None,
    *,
    demo: bool = False,
    today: dt.date | None = None,
    replace: bool = False,
) -> dict[str, Any]:
    """Read, clean and merge the files into the store in ``data_dir``; returns a summary.

    The summary: ``sources`` (per file: source, layout, path, rows_read, rows_kept,
    rows_quarantined), ``totals`` (the same three counts), ``new_records`` and
    ``replaced_records`` (incoming records already in the store), ``rows`` (rows the store
    now holds), ``data_through``, ``demo``, ``data_dir`` and the new ``manifest``.
    """
    path_list = [Path(p) for p in paths]
    if not path_list:
        raise IngestError("no files to ingest")
    frames = []
    for path in path_list:
        try:
            frames.append(sources.read_source(path))
        except Exception as error:  # any failure names the file and stops the ingest
            raise IngestError(_naming(path, error)) from error
    return _ingest(frames, path_list, data_dir, demo=demo, today=today, replace=replace)


def ingest_frames(
    frames: Iterable[sources.SourceFrame],
    data_dir: str | os.PathLike[str] | None = None,
    *,
    demo: bool = False,
    data_through: dt.date | str | None = None,
    today: dt.date | None = None,
    replace: bool = False,
) -> dict[str, Any]:
    """Clean frames already read (the fetcher, the demo generator) and merge them in one
    write. ``data_through`` is what the manifest will say (demo: the last Saturday);
    default the last occurred date. Returns the same summary as ``ingest_paths``."""
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
    )


def _naming(path: Path, error: Exception) -> str:
    """The error's message, prefixed with the file unless it already names it."""
    message = str(error) or type(error).__name__
    return message if path.name in message else f"{path}: {message}"


def _ingest(
    frames: list[sources.SourceFrame],
    paths: list[Path | None],
    data_dir: str | os.PathLike[str] | None,
    *,
    demo: bool,
    today: dt.date | None,
    replace: bool,
    data_through: dt.date | str | None = None,
) -> dict[str, Any]:
    """Clean every frame, then merge them all with the store in one atomic write."""
    results = []
    for frame, path in zip(frames, paths, strict=True):
        label = path if path is not None else Path(frame.source)
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
        results.append((frame, path, result))

    quality_by_source: dict[str, Any] = {}
    source_entries: dict[str, dict[str, Any]] = {}
    summary_sources = []
    for frame, path, result in results:
        read, kept = len(frame.raw), len(result.incidents)
        summary_sources.append(
            {
                "source": frame.source,
                "layout": frame.layout,
                "path": str(path) if path is not None else None,
                "rows_read": read,
                "rows_kept": kept,
                "rows_quarantined": read - kept,
            }
        )
        # NOTE: two files can share a name (the same export in two folders); their counts
        # are added up under that one source name.
        if frame.source in quality_by_source:
            quality_by_source[frame.source] = quality_by_source[frame.source].merge(result.quality)
            entry = source_entries[frame.source]
            entry["rows_read"] += read
            entry["rows_kept"] += kept
        else:
            quality_by_source[frame.source] = result.quality
            source_entries[frame.source] = {
                "source": frame.source,
                "layout": frame.layout,
                "rows_read": read,
                "rows_kept": kept,
            }

    incidents = store.concat_incidents([r.incidents for _, _, r in results])
    quarantine = store.conform_quarantine(
        pd.concat(
            [store.conform_quarantine(r.quarantine) for _, _, r in results], ignore_index=True
        )
    )
    outcome = store.merge_and_write(
        data_dir,
        incidents,
        quarantine,
        quality_by_source,
        list(source_entries.values()),
        demo=demo,
        data_through=data_through,
        replace=replace,
    )
    manifest = outcome.manifest
    return {
        "data_dir": str(config.data_dir(data_dir)),
        "demo": manifest["demo"],
        "sources": summary_sources,
        "totals": {
            key: sum(s[key] for s in summary_sources)
            for key in ("rows_read", "rows_kept", "rows_quarantined")
        },
        "new_records": outcome.new_records,
        "replaced_records": outcome.replaced_records,
        "rows": manifest["rows"],
        "data_through": manifest["data_through"],
        "manifest": manifest,
    }
