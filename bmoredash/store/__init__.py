"""The store: memory-mapped Arrow files of incidents and of arrests, switched atomically
with their manifest, quality report and quarantines. Re-exports only, so that ``bmoredash.store.X``
works for every public X. The modules, in reading order:

- ``errors``: what the store raises;
- ``conform``: the store's dtypes, in pandas and in Arrow;
- ``query``: reading the live version (``load_incidents``, ``read_*``);
- ``manifest``: the manifest and quality report of a new version;
- ``commit``: writing a version and switching to it (lock, atomic switch, sweep);
- ``merge``: adding snapshots (``merge_and_write``).
"""

from bmoredash.store.commit import STALE_AFTER_S, sweep_stale, write_store
from bmoredash.store.conform import (
    ARREST_COLUMN_NAMES,
    ARREST_DTYPES,
    concat_incidents,
    conform_arrests,
    conform_incidents,
    conform_quarantine,
    empty_frame,
)
from bmoredash.store.errors import (
    StoreConflictError,
    StoreNotFoundError,
    StoreOverlapError,
    StoreSchemaError,
)
from bmoredash.store.manifest import sum_reports
from bmoredash.store.merge import MergeOutcome, TableBatch, merge_and_write
from bmoredash.store.query import (
    load_arrests,
    load_incidents,
    read_arrest_coverage,
    read_arrest_quality,
    read_arrest_quarantine,
    read_coverage,
    read_manifest,
    read_quality,
    read_quarantine,
    read_snapshots,
)

__all__ = [
    "ARREST_COLUMN_NAMES",
    "ARREST_DTYPES",
    "STALE_AFTER_S",
    "MergeOutcome",
    "StoreConflictError",
    "StoreNotFoundError",
    "StoreOverlapError",
    "StoreSchemaError",
    "TableBatch",
    "concat_incidents",
    "conform_arrests",
    "conform_incidents",
    "conform_quarantine",
    "empty_frame",
    "load_arrests",
    "load_incidents",
    "merge_and_write",
    "read_arrest_coverage",
    "read_arrest_quality",
    "read_arrest_quarantine",
    "read_coverage",
    "read_manifest",
    "read_quality",
    "read_quarantine",
    "read_snapshots",
    "sum_reports",
    "sweep_stale",
    "write_store",
]
