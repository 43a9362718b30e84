"""Writing a file so that a reader sees the old file or the new one, never half of one.

Why here, at the base of the package: the store, ingest, fetch, the demo writer, the
CSV export, the reference boundaries and the reports all replace files that someone may
be reading at the same moment. One writer for all of them lives below them all; inside
``bmoredash/store/`` it would make fetch, csv_out and the reports import the store (the
reading order is base -> store -> ...).

How: the new content goes to a temporary file in the target's own folder (a rename is only
atomic within one file system), is flushed and fsynced, made readable like any other file
(``mkstemp`` makes it private), and renamed over the target with ``os.replace``. If the
writer fails, the temporary file is removed; if the process is killed, the temporary name
is one that ``store.sweep_stale`` recognises (``.tmp-*``) and removes later.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["TMP_PREFIX", "atomic_write", "fsync_path"]

#: The start of every temporary name our writers use; the store's sweeper removes stale ones.
TMP_PREFIX = ".tmp-"

#: Mode of a written file: readable by everyone, like files written with ``open``.
FILE_MODE = 0o644


def fsync_path(path: str | os.PathLike[str]) -> None:
    """fsync a file or a directory by path (a directory: so that a rename in it is durable)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike[str],
    mode: str = "w",
    *,
    encoding: str | None = "utf-8",
    newline: str | None = None,
    sync_dir: bool = False,
) -> Iterator[IO[Any]]:
    """A handle to a temporary file beside ``path`` that replaces ``path`` on success.

    ``mode`` is ``"w"`` (text; ``encoding`` and ``newline`` as for ``open``) or ``"wb"``.
    On leaving the block the file is flushed, fsynced, given mode 0o644 and renamed over
    ``path`` (``os.replace``); on an exception it is removed and ``path`` is untouched.
    ``sync_dir`` also fsyncs the folder, so that the rename itself survives a power cut.
    The folder must exist.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"mode must be 'w' or 'wb', not {mode!r}")
    target = Path(path)
    fd, tmp = tempfile.mkstemp(
        dir=target.parent, prefix=f"{TMP_PREFIX}{target.name}.", suffix=".tmp"
    )
    try:
        if mode == "wb":
            handle = os.fdopen(fd, "wb")
        else:
            handle = os.fdopen(fd, "w", encoding=encoding, newline=newline)
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if sync_dir:
        fsync_path(target.parent)
