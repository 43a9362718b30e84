"""What the store raises: no store yet, the wrong kind of data, another schema version,
two datasets for the same dates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bmoredash import config


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
