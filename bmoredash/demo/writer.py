"""Writing the demo: the generated frames as the published CSVs (``write_csv``) and into a
store (``write_demo``), never over real data (the store guard)."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bmoredash import config
from bmoredash.demo.arrests import generate_arrests
from bmoredash.demo.generator import DEFAULT_SEED, DEFAULT_START, generate_demo, last_saturday
from bmoredash.files import atomic_write

#: Where ``write_demo`` puts the CSV, relative to the data directory.
DEMO_CSV = Path("raw") / "demo_part1_crime.csv"
#: Where ``write_demo`` puts the arrest CSV (legacy BPD_Arrests.csv layout); its name is
#: the arrests' source name in the store, so it says demo.
DEMO_ARRESTS_CSV = Path("raw") / "demo_arrests.csv"


def _csv_field(values: pd.Series) -> pa.Array:
    """A text or categorical column as CSV field text, quoted only where a value needs it."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = _csv_quote(pa.array(np.asarray(values.cat.categories, dtype=str)))
        return pc.take(categories, pa.array(values.cat.codes.to_numpy()))
    return _csv_quote(pa.array(values, type=pa.string()))


def _csv_quote(text: pa.Array) -> pa.Array:
    special = pc.or_(
        pc.or_(pc.match_substring(text, ","), pc.match_substring(text, '"')),
        pc.match_substring(text, "\n"),
    )
    if not pc.any(special).as_py():
        return text
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(text, '"', '""'), '"', "")
    return pc.if_else(special, quoted, text)


def write_csv(frame: pd.DataFrame, path: str | os.PathLike[str], chunk: int = 200_000) -> None:
    """Write a frame of text (or categorical text) columns as CSV: the same bytes as
    ``frame.to_csv(path, index=False, lineterminator="\\n")``, about twice as fast, in
    chunks so that scale=10 stays small in memory. Atomic (``files.atomic_write``): a
    reader never sees half a file, and ``store.sweep_stale`` removes a killed write's."""
    with atomic_write(path, "wb") as out:
        out.write((",".join(str(c) for c in frame.columns) + "\n").encode("utf-8"))
        for begin in range(0, len(frame), chunk):
            part = frame.iloc[begin : begin + chunk]
            lines = pc.binary_join_element_wise(*(_csv_field(part[c]) for c in part.columns), ",")
            whole = pa.ListArray.from_arrays(pa.array([0, len(lines)], pa.int32()), lines)
            out.write(pc.binary_join(whole, "\n")[0].as_py().encode("utf-8") + b"\n")


def _holds_other_data(data_dir: Path) -> bool:
    """True when ``data_dir`` has a store that is not known to be demo data.

    NOTE: reads the manifest file itself rather than ``store.read_manifest`` so that an
    old-schema demo store (which ``read_manifest`` refuses) can still be replaced.
    """
    pointer = data_dir / config.MANIFEST_FILE
    try:
        manifest = json.loads(pointer.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    except ValueError:
        return True
    return not (isinstance(manifest, dict) and manifest.get("demo") is True)


def write_demo(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    scale: float = 1.0,
    seed: int = DEFAULT_SEED,
    end: dt.date | None = None,
    start: dt.date = DEFAULT_START,
) -> Path:
    """Generate the demo CSVs (crime, ``DEMO_CSV``; arrests, ``DEMO_ARRESTS_CSV``) into
    ``<data_dir>/raw/`` and ingest both, in one write, as demo data.

    The CSVs go through the same readers, cleaner and store as real downloads; the
    manifest says ``demo: true`` and ``data_through`` = ``end``. An existing demo store is
    replaced (also one of an older schema); any other store is never touched
    (StoreConflictError). ``scale`` multiplies the crime rows only (arrests keep their
    measured volume). Returns the crime CSV's path.
    """
    from bmoredash import arrests, ingest, sources, store

    target = config.data_dir(data_dir)
    if _holds_other_data(target):
        raise store.StoreConflictError(
            f"{target} holds real data (or a store that does not say it is demo data); "
            "demo data is never written over it. Choose another --data-dir."
        )
    end = end or last_saturday()
    frame = generate_demo(start=start, end=end, seed=seed, scale=scale)
    csv_path = target / DEMO_CSV
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    write_csv(frame, csv_path)
    arrests_path = target / DEMO_ARRESTS_CSV
    write_csv(generate_arrests(start=start, end=end, seed=seed), arrests_path)
    frames = [sources.read_source(csv_path), arrests.read_arrests(arrests_path)]
    ingest.ingest_frames(frames, target, demo=True, data_through=end, replace=True)
    return csv_path
