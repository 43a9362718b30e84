"""How fast the store becomes a DataFrame, how big that frame is, and what a second kernel
costs, beside the naive path (the same rows as CSV, read and typed by pandas).

Targets at 650k rows: store -> DataFrame <= 0.3 s, frame memory <= 150 MB.

Rows: the demo store at $BMOREDASH_DATA_DIR if there is one, else a synthetic 650k-row
canonical frame (numpy, seeded, realistic cardinalities). Run: ``python benchmarks/bench_store.py``
(``--rows N`` to change the synthetic size). Timings are the median of 5, warm page cache.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from bmoredash import config, schema, store
from bmoredash.snapshots import Snapshot

ROWS = 650_000
REPEATS = 5
TZ = "America/New_York"


def median_time(fn: Callable[[], object], repeats: int = REPEATS) -> tuple[float, object]:
    """Median wall time of ``fn`` over ``repeats`` runs, and the last result."""
    times, result = [], None
    for _ in range(repeats):
        result = None  # let the previous frame go before the next run
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def mb(frame: pd.DataFrame) -> float:
    return frame.memory_usage(deep=True).sum() / 1e6


# --------------------------------------------------------------------------------------
# Rows to measure
# --------------------------------------------------------------------------------------


def synthetic_frame(n: int, seed: int = 2012) -> pd.DataFrame:
    """A canonical frame with the shape of the real data (cardinalities, nulls, strings)."""
    rng = np.random.default_rng(seed)

    def cat(values: list[str], p: np.ndarray | None = None) -> pd.Categorical:
        return pd.Categorical.from_codes(rng.choice(len(values), n, p=p), categories=values)

    offenses = list(schema.OFFENSES)
    weights = np.array([1, 2, 1, 8, 12, 10, 30, 18, 10, 1, 25], float)
    offense_codes = rng.choice(len(offenses), n, p=weights / weights.sum())
    offense = pd.Categorical.from_codes(offense_codes, categories=offenses)
    codes = [f"{i}{c}" for i in range(1, 10) for c in "ABCDEFGHJK"]
    start = pd.Timestamp("2012-01-01", tz=TZ).value
    end = pd.Timestamp("2025-06-01", tz=TZ).value
    when = np.sort(rng.integers(start, end, n))
    blocks = [f"{rng.integers(1, 60) * 100} {s} ST" for s in range(30_000)]
    neighborhoods = [f"Neighborhood {i}" for i in range(278)]
    ages = pd.array(rng.integers(0, 90, n), dtype="Int16")
    ages[rng.random(n) < 0.12] = pd.NA
    lat = (39.2 + rng.random(n) * 0.17).astype("float32")
    lon = (-76.71 + rng.random(n) * 0.18).astype("float32")
    lat[rng.random(n) < 0.01] = np.nan
    record = pd.Series(np.arange(n)).map("{:x}".format).str.zfill(12)
    frame = pd.DataFrame(
        {
            "record_id": record.astype("string"),
            "incident_id": pd.Series(rng.integers(10**7, 10**8, n))
            .map("{:d}".format)
            .radd("2")
            .astype("string"),
            "occurred_at": pd.to_datetime(when, utc=True).tz_convert(TZ),
            "time_known": rng.random(n) > 0.02,
            "crime_code": cat(codes),
            "description": cat([f"DESCRIPTION {c}" for c in codes]),
            "offense": offense,
            "offense_detail": offense,
            "offense_group": pd.Categorical(
                [schema.OFFENSES[o] for o in offense.categories[offense_codes]]
            ),
            "weapon": cat(["FIREARM", "KNIFE", "HANDS", "OTHER", "Unknown"]),
            "inside_outside": cat(["Inside", "Outside", "Unknown"]),
            "premise": cat([f"PREMISE {i}" for i in range(120)]),
            "post": cat([str(p) for p in range(111, 999, 7)]),
            "district": cat([*schema.DISTRICTS, schema.UNKNOWN_DISTRICT]),
            "old_district": cat([*schema.DISTRICTS, schema.UNKNOWN_DISTRICT]),
            "neighborhood": cat(neighborhoods),
            "location": pd.Series(cat(blocks)).astype("string"),
            "latitude": lat,
            "longitude": lon,
            "victim_age": ages,
            "victim_gender": cat(["Male", "Female", "Unknown"]),
            "victim_race": cat(["BLACK", "WHITE", "ASIAN", "OTHER", "Unknown"]),
            "victim_ethnicity": cat(["HISPANIC", "NOT_HISPANIC", "Unknown"]),
            "source": cat(["Part1_Crime_2012_2021.csv", "NIBRS_2022_on.csv"]),
        }
    )
    return store.conform_incidents(frame)


def rows_to_measure(n: int) -> tuple[pd.DataFrame, str]:
    env_dir = os.environ.get(config.DATA_DIR_ENV)
    if env_dir:
        try:
            manifest = store.read_manifest(env_dir)
        except (store.StoreNotFoundError, store.StoreSchemaError) as error:
            print(f"(no usable store at ${config.DATA_DIR_ENV}: {error})")
        else:
            kind = "demo" if manifest["demo"] else "real"
            return store.load_incidents(env_dir, offenses="all"), f"{kind} store at {env_dir}"
    start = time.perf_counter()
    frame = synthetic_frame(n)
    return frame, f"synthetic ({time.perf_counter() - start:.1f} s to build)"


# --------------------------------------------------------------------------------------
# The naive reference: CSV
# --------------------------------------------------------------------------------------


def read_csv_typed(path: Path) -> pd.DataFrame:
    """What a notebook would do without the store: read the CSV, parse dates, type columns."""
    frame = pd.read_csv(path, low_memory=False)
    frame["occurred_at"] = pd.to_datetime(frame["occurred_at"], utc=True).dt.tz_convert(TZ)
    for name, kind in schema.DTYPES.items():
        if kind == "category":
            frame[name] = frame[name].astype("category")
        elif kind in ("float32", "Int16", "bool", "string"):
            frame[name] = frame[name].astype(kind)
    return frame


def read_raw_csv_naive(path: Path) -> pd.DataFrame:
    """The naive path for a published CSV: read it, parse the UTC times, type the text."""
    frame = pd.read_csv(path, low_memory=False)
    frame["CrimeDateTime"] = pd.to_datetime(
        frame["CrimeDateTime"], format="%Y/%m/%d %H:%M:%S%z", utc=True, errors="coerce"
    ).dt.tz_convert(TZ)
    for name in frame.select_dtypes(include=["object", "string"]).columns:
        frame[name] = frame[name].astype("category")
    return frame


# --------------------------------------------------------------------------------------
# A second process mapping the store (what one more dashboard kernel costs)
# --------------------------------------------------------------------------------------

_PROBE = """
import json, sys
def mem():
    out = {}
    for line in open("/proc/self/smaps_rollup"):
        parts = line.split()
        if parts[0].rstrip(":") in ("Rss", "Pss", "Private_Clean", "Private_Dirty"):
            out[parts[0].rstrip(":")] = int(parts[1]) / 1024
    return out
from bmoredash import store
import pandas, pyarrow
before = mem()
frame = store.load_incidents(sys.argv[1], offenses="all")
# Touch every column, strings included, so that all their pages are resident, with
# small temporaries only (a hash table per column would swamp the figures).
import pyarrow.compute as pc
for name in frame.columns:
    col = frame[name]
    if isinstance(col.dtype, pandas.StringDtype):
        pc.sum(pc.utf8_length(pyarrow.chunked_array(col.array._pa_array)))
    elif isinstance(col.dtype, pandas.CategoricalDtype):
        col.cat.codes.max()
    else:
        col.isna().sum()
after = mem()
print(json.dumps({k: after[k] - before[k] for k in after}), flush=True)
sys.stdin.readline()  # hold the frame until told to go
"""


def second_process_growth(data_dir: Path) -> tuple[dict, dict] | None:
    """Memory growth (MB) of a first and a second process loading the same store."""
    if not Path("/proc/self/smaps_rollup").exists():
        return None
    procs, growth = [], []
    try:
        for _ in range(2):
            proc = subprocess.Popen(
                [sys.executable, "-c", _PROBE, str(data_dir)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            procs.append(proc)
            assert proc.stdout is not None
            growth.append(json.loads(proc.stdout.readline()))
    finally:
        for proc in procs:
            proc.communicate("\n", timeout=60)
    return growth[0], growth[1]


# --------------------------------------------------------------------------------------
# Ingest CSV -> store
# --------------------------------------------------------------------------------------


def demo_csv() -> tuple[Path | None, str]:
    """A CSV written by ``bmoredash demo`` (any scale), or why there is none."""
    try:
        from bmoredash import clean, ingest  # noqa: F401
    except ImportError as error:
        return None, f"bmoredash.clean/ingest not importable ({error})"
    env_dir = os.environ.get(config.DATA_DIR_ENV)
    if not env_dir:
        return None, f"${config.DATA_DIR_ENV} is not set; run `bmoredash demo --scale 1` first"
    found = sorted(Path(env_dir).rglob("*.csv"), key=lambda p: p.stat().st_size)
    if not found:
        return None, f"no demo CSV under {env_dir}; run `bmoredash demo --data-dir {env_dir}`"
    return found[-1], ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS, help="synthetic rows (default 650k)")
    parser.add_argument("--no-probe", action="store_true", help="skip the second-process probe")
    args = parser.parse_args()

    frame, origin = rows_to_measure(args.rows)
    print(f"rows: {len(frame):,} ({origin}); median of {REPEATS}, warm page cache")
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        data_dir = Path(tmp) / "data"
        start = time.perf_counter()
        store.write_store(
            data_dir,
            frame,
            None,
            {"rows_read": len(frame), "rows_kept": len(frame)},
            [
                {
                    "source": "bench",
                    "layout": "bench",
                    "rows_read": len(frame),
                    "rows_kept": len(frame),
                }
            ],
            demo=True,
        )
        write_s = time.perf_counter() - start
        live = data_dir / store.read_manifest(data_dir)["store_dir"]
        store_mb = (live / config.STORE_FILE).stat().st_size / 1e6
        del frame

        load_s, loaded = median_time(lambda: store.load_incidents(data_dir, offenses="all"))
        loaded_mb = mb(loaded)
        year_s, year = median_time(lambda: store.load_incidents(data_dir, years=[2019]))
        filt_s, filt = median_time(
            lambda: store.load_incidents(data_dir, districts=["WESTERN"], offenses=["violent"])
        )
        # The refresh case: a snapshot of every date again (all rows replaced), one write.
        days = loaded["occurred_at"].dt.date
        refresh = Snapshot(
            id="refresh",
            dataset="part1_crime_beta",
            layout="arcgis_part1_crime_beta",
            source="bench",
            as_of="9999-12-31",
            sequence=0,
            start=days.min(),
            end=days.max(),
            rows_kept=len(loaded),
        )
        again = loaded.assign(
            snapshot="refresh", record_id=loaded["record_id"].str.split("/").str[-1]
        )
        start = time.perf_counter()
        store.merge_and_write(data_dir, again, None, {}, [refresh], demo=True)
        merge_s = time.perf_counter() - start
        del again, days

        csv_path = Path(tmp) / "incidents.csv"
        loaded.to_csv(csv_path, index=False)
        csv_mb = csv_path.stat().st_size / 1e6
        parquet_path = Path(tmp) / "incidents.parquet"
        loaded.to_parquet(parquet_path)
        n_rows = len(loaded)
        del loaded
        csv_s, from_csv = median_time(lambda: read_csv_typed(csv_path))
        csv_frame_mb = mb(from_csv)
        del from_csv
        pq_s, from_pq = median_time(lambda: pd.read_parquet(parquet_path))
        pq_frame_mb = mb(from_pq)
        del from_pq

        print(f"write_store (atomic, fsynced)         {write_s:7.3f} s   file {store_mb:.0f} MB")
        print(
            f"store -> DataFrame (all {n_rows:,} rows)   {load_s:7.3f} s   frame {loaded_mb:.0f} MB"
            f"   [target <= 0.3 s, <= 150 MB]"
        )
        print(f"refresh every date (one snapshot, one run) {merge_s:7.3f} s")
        print(f"store -> DataFrame, years=[2019]        {year_s:7.3f} s   {len(year):,} rows")
        print(f"store -> DataFrame, WESTERN violent     {filt_s:7.3f} s   {len(filt):,} rows")
        print(
            f"reference: read_csv + dates + types     {csv_s:7.3f} s   frame {csv_frame_mb:.0f} MB"
            f"   (CSV {csv_mb:.0f} MB)"
        )
        print(f"reference: read_parquet (for scale)     {pq_s:7.3f} s   frame {pq_frame_mb:.0f} MB")
        print(
            f"store vs CSV: {csv_s / load_s:.0f}x faster; "
            f"frame memory ratio CSV/store {csv_frame_mb / loaded_mb:.2f}"
        )

        growth = None if args.no_probe else second_process_growth(data_dir)
        if growth is None:
            print("second process: skipped (--no-probe or no /proc/self/smaps_rollup)")
        else:
            for label, g in zip(("first process ", "second process"), growth, strict=True):
                private = g["Private_Clean"] + g["Private_Dirty"]
                print(
                    f"{label} loading the store: RSS +{g['Rss']:.0f} MB, PSS +{g['Pss']:.0f} MB, "
                    f"private +{private:.0f} MB"
                )

    csv, why = demo_csv()
    if csv is None:
        print(f"ingest CSV -> store: skipped: {why}")
    else:
        from bmoredash import ingest

        def ingest_fresh() -> dict:
            with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
                return ingest.ingest_paths([csv], Path(tmp) / "data", demo=True)

        took, summary = median_time(ingest_fresh, repeats=3)
        naive, _ = median_time(lambda: read_raw_csv_naive(csv), repeats=3)
        print(
            f"ingest CSV -> store ({csv.name}, {summary['totals']['rows_read']:,} rows read, "
            f"{summary['rows']:,} kept)   {took:7.3f} s median of 3   [target <= 15 s]\n"
            f"reference: naive read_csv + parse of the same CSV       {naive:7.3f} s "
            f"(no cleaning, no quarantine, no store): ingest/naive = {took / naive:.1f}x"
        )


if __name__ == "__main__":
    main()
