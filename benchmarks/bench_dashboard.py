"""Dashboard speed and memory on full-size demo data, each beside a naive reference.

What is measured (demo data, ~650k rows, 2012 to last Saturday):

1. Filter change -> every chart of the visible page updated, in the kernel: the app is
   built in-process and N random filter changes (district, year, offenses) are timed per
   page; median and p95. Reference: the raw demo CSV read by pandas, each change a boolean
   mask on its string columns plus three group-bys (offense, week, neighborhood).
   Optionally the same at 10x rows (``--scale10``; demo ``scale=10``).
2. First chart in Chromium (time from navigation to the first headline number), median of
   N visits, without and with a preheated kernel pool. Reference: a notebook that reads
   the CSV and shows one count, served the same way.
3. Memory of one more visitor: the growth of the summed PSS (``/proc/<pid>/smaps_rollup``)
   of the server's kernels when a second visitor opens the page, beside the PSS of an
   empty kernel and the same growth for the reference notebook.

Run: ``python benchmarks/bench_dashboard.py [--data-dir DIR] [--changes N] [--visits N]``.
Without ``--data-dir`` a store is generated once in ``$TMPDIR/bmoredash-bench-650k``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from bmoredash import config, demo, store
from bmoredash.config import CHROMIUM, CHROMIUM_ARGS
from bmoredash.schema import CITYWIDE, DISTRICTS
from bmoredash.serving import launch as serve

SHARED_BOUNDARIES = (
    Path(
        os.environ.get(
            "BMOREDASH_SHARED_DATA", config.PROJECT_DIR.parent / "shared" / "data" / "baltimore"
        )
    )
    / "boundaries"
)
OFFENSE_CHOICES = ((), ("violent",), ("property",), ("HOMICIDE",), ("SHOOTING", "ROBBERY"))

REFERENCE_NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "id": "ref",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": [
                "import os, ipywidgets as w, pandas as pd\n",
                "raw = pd.read_csv(os.path.join(os.environ['BMOREDASH_DATA_DIR'], "
                f"{str(demo.DEMO_CSV)!r}))\n",
                "n = int((raw[{district!r}].astype(str).str.upper() == 'WESTERN').sum())\n",
                'w.HTML(f\'<div class="bmd-card"><div class="bmd-count">{n}</div></div>\')',
            ],
        }
    ],
    "metadata": {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def line(label: str, ours: str, reference: str) -> None:
    print(f"  {label:<44} {ours:>22}   reference: {reference}")


# --------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------


def ensure_store(data_dir: Path | None, scale: float = 1.0) -> Path:
    """A demo store (full history) in ``data_dir``, generated if absent; boundaries added."""
    if data_dir is None:
        name = "bmoredash-bench-650k" if scale == 1 else f"bmoredash-bench-{scale:g}x"
        data_dir = Path(tempfile.gettempdir()) / name
    data_dir = data_dir.resolve()
    try:
        store.read_manifest(data_dir)
    except store.StoreNotFoundError:
        print(f"generating demo data (scale {scale:g}) in {data_dir} ...", flush=True)
        started = time.perf_counter()
        demo.write_demo(data_dir, scale=scale)
        print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
    if not (data_dir / config.BOUNDARIES_DIR / "police_districts_2023.geojson").exists():
        from bmoredash.reference import boundaries

        files = {
            "police_districts_2023": SHARED_BOUNDARIES / "police_districts_2023.geojson",
            "neighborhoods": SHARED_BOUNDARIES / "neighborhoods.geojson",
        }
        present = {k: v for k, v in files.items() if v.exists()}
        if present:
            boundaries.install_from(present, data_dir)
        else:
            print(f"  (no boundaries at {SHARED_BOUNDARIES}: the map draws points only)")
    return data_dir


# --------------------------------------------------------------------------------------
# 1. Filter changes in the kernel
# --------------------------------------------------------------------------------------


def random_changes(years: tuple[int, ...], n: int, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    recent = years[: min(len(years), 6)]
    changes = []
    for _ in range(n):
        changes.append(
            {
                "district": rng.choice((CITYWIDE, *DISTRICTS)),
                "year": rng.choice(recent),
                "offenses": rng.choice(OFFENSE_CHOICES),
            }
        )
    return changes


def time_filter_changes(data_dir: Path, n: int) -> dict[str, list[float]]:
    """Milliseconds per filter change (state change -> visible page redrawn), per page."""
    from bmoredash.app.context import load_context
    from bmoredash.app.shell import build_app

    started = time.perf_counter()
    context = load_context(data_dir)
    print(
        f"  context loaded in {time.perf_counter() - started:.2f} s ({len(context.frame):,} rows)"
    )
    app = build_app(context=context, query="")
    results: dict[str, list[float]] = {}
    for index, spec in enumerate(app.specs):
        app.state.page = spec.slug  # builds the page and draws it once
        times = []
        for change in random_changes(context.years, n, seed=index):
            t0 = time.perf_counter()
            with app.state.hold_trait_notifications():
                app.state.district = change["district"]
                app.state.neighborhood = ""
                app.state.year = change["year"]
                app.state.offenses = change["offenses"]
            times.append((time.perf_counter() - t0) * 1000)
        failed = getattr(app.pages.get(spec.slug), "message", None)
        if failed is not None and failed.value:
            print(f"  ! page {spec.slug} showed an error during the run")
        results[spec.slug] = times
    return results


def reference_filter_changes(data_dir: Path, n: int) -> tuple[float, list[float]]:
    """Read the raw CSV; time N changes done the naive way (string masks + group-bys)."""
    csv = data_dir / demo.DEMO_CSV
    started = time.perf_counter()
    raw = pd.read_csv(csv, low_memory=False)
    stamps = pd.to_datetime(raw["CrimeDateTime"], errors="coerce", utc=True)
    raw["year"] = stamps.dt.year
    raw["week"] = stamps.dt.tz_localize(None).dt.to_period("W-SAT")
    load_s = time.perf_counter() - started
    district_col = next(c for c in ("New_District", "District", "Old_District") if c in raw)
    years = sorted(raw["year"].dropna().unique().astype(int), reverse=True)
    times = []
    for change in random_changes(tuple(years), n):
        t0 = time.perf_counter()
        mask = raw["year"] == change["year"]
        if change["district"] != CITYWIDE:
            mask &= raw[district_col].astype(str).str.upper() == change["district"]
        if change["offenses"] and change["offenses"][0].isupper():
            words = "|".join(o.split()[0] for o in change["offenses"])
            mask &= raw["Description"].astype(str).str.upper().str.contains(words)
        rows = raw[mask]
        rows["Description"].value_counts()
        rows.groupby("week").size()
        rows.groupby("Neighborhood").size()
        times.append((time.perf_counter() - t0) * 1000)
    return load_s, times


# --------------------------------------------------------------------------------------
# 2 and 3. Server, Chromium, memory
# --------------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(
    data_dir: Path,
    *,
    preheat: bool = False,
    pool_size: int = 2,
    notebook=None,
    fork_kernels: bool = False,
):
    port = free_port()
    kwargs = {"notebook": notebook} if notebook else {}
    kwargs["fork_kernels"] = fork_kernels
    log = Path(tempfile.mkstemp(prefix="bench-voila-", suffix=".log")[1])
    process = serve.start(
        data_dir, port=port, preheat=preheat, pool_size=pool_size, log_file=log, **kwargs
    )
    try:
        serve.wait_until_listening("127.0.0.1", port, process, timeout=120)
        yield process, f"http://127.0.0.1:{port}"
    finally:
        serve.stop(process)
        log.unlink(missing_ok=True)


def first_chart_seconds(url: str, visits: int, pause: float) -> list[float]:
    """Seconds from navigation to the first headline number, one fresh tab per visit."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS)
        )
        for _ in range(visits):
            time.sleep(pause)  # lets a preheated pool refill
            context = browser.new_context()
            page = context.new_page()
            t0 = time.perf_counter()
            page.goto(url + "/", timeout=180_000)
            page.wait_for_selector(".bmd-card .bmd-count", timeout=180_000)
            times.append(time.perf_counter() - t0)
            context.close()
        browser.close()
    return times


def kernel_pids(server_pid: int) -> list[int]:
    """Kernel processes of the Voila server: its children running ipykernel, plus the fork
    server (``--fork-kernels``) and the kernels forked from it (they keep its command line)."""

    def children(pid: int) -> list[tuple[int, str]]:
        out = subprocess.run(
            ["ps", "-o", "pid=,args=", "--ppid", str(pid)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        return [(int(row.split()[0]), row) for row in out.splitlines()]

    pids = []
    for pid, row in children(server_pid):
        if "ipykernel" in row:
            pids.append(pid)
        elif "bmoredash.serving.fork_kernels" in row:
            pids += [pid, *(kernel for kernel, _ in children(pid))]
    return pids


def pss_mb(pid: int) -> float:
    for row in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if row.startswith("Pss:"):
            return int(row.split()[1]) / 1024
    return float("nan")


def total_kernel_pss(server_pid: int) -> tuple[float, int]:
    pids = kernel_pids(server_pid)
    return sum(pss_mb(p) for p in pids), len(pids)


def one_more_visitor_mb(
    data_dir: Path, notebook=None, *, fork_kernels: bool = False
) -> tuple[float, float, int]:
    """(PSS growth when a 2nd visitor opens the page, PSS with one visitor, kernels)."""
    from playwright.sync_api import sync_playwright

    serving = running(data_dir, notebook=notebook, fork_kernels=fork_kernels)
    with serving as (process, url), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
        tabs = []
        readings = []
        for _ in range(2):
            page = browser.new_context().new_page()
            page.goto(url + "/", timeout=180_000)
            page.wait_for_selector(".bmd-card .bmd-count", timeout=180_000)
            tabs.append(page)
            time.sleep(2.0)  # let the kernel settle
            readings.append(total_kernel_pss(process.pid))
        browser.close()
    (one, _), (two, kernels) = readings
    return two - one, one, kernels


def empty_kernel_pss() -> float:
    """PSS of a bare IPython kernel that has done nothing."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    try:
        client.execute_interactive("ready = True", timeout=60)
        time.sleep(1.0)
        return pss_mb(manager.provisioner.process.pid)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


# --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--changes", type=int, default=40, help="filter changes per page")
    parser.add_argument("--visits", type=int, default=5, help="Chromium visits per setting")
    parser.add_argument("--scale10", action="store_true", help="also time filters at 10x rows")
    parser.add_argument("--no-browser", action="store_true", help="skip Chromium and memory")
    args = parser.parse_args()

    data_dir = ensure_store(args.data_dir)
    manifest = store.read_manifest(data_dir)
    print(f"data: {data_dir} ({manifest.get('rows', '?'):,} rows, demo={manifest.get('demo')})")

    print("\n1. Filter change -> visible page redrawn (in the kernel, ms)")
    ours = time_filter_changes(data_dir, args.changes)
    load_s, ref = reference_filter_changes(data_dir, args.changes)
    ref_text = f"median {statistics.median(ref):.0f} ms, p95 {pct(ref, 95):.0f} ms"
    for slug, times in ours.items():
        line(
            slug,
            f"median {statistics.median(times):6.1f}  p95 {pct(times, 95):6.1f}",
            ref_text,
        )
    every = [t for times in ours.values() for t in times]
    line(
        "all pages",
        f"median {statistics.median(every):6.1f}  p95 {pct(every, 95):6.1f}",
        f"{ref_text} (CSV read + parse {load_s:.1f} s once per kernel)",
    )
    if args.scale10:
        big = ensure_store(None, scale=10)
        ours10 = time_filter_changes(big, max(10, args.changes // 4))
        every10 = [t for times in ours10.values() for t in times]
        _, ref10 = reference_filter_changes(big, max(10, args.changes // 4))
        line(
            "all pages at 10x rows",
            f"median {statistics.median(every10):6.1f}  p95 {pct(every10, 95):6.1f}",
            f"median {statistics.median(ref10):.0f} ms, p95 {pct(ref10, 95):.0f} ms",
        )
    else:
        print(
            "  10x rows: not run (pass --scale10: generating and ingesting 7M demo rows "
            "took ~2 min and ~8 GB peak memory here; measured once: median 39 ms, p95 151 ms "
            "vs reference median 475 ms)"
        )

    if args.no_browser:
        return
    if not CHROMIUM.exists():
        print(f"\n2-3. skipped: {CHROMIUM} is absent (apt-get install chromium)")
        return

    with tempfile.TemporaryDirectory() as tmp:
        ref_nb = Path(tmp) / "reference.ipynb"
        raw_columns = pd.read_csv(data_dir / demo.DEMO_CSV, nrows=1).columns
        district_col = next(
            c for c in ("New_District", "District", "Old_District") if c in raw_columns
        )
        text = json.dumps(REFERENCE_NOTEBOOK).replace("{district!r}", repr(district_col))
        ref_nb.write_text(text)

        print(f"\n2. First chart in Chromium (s, median of {args.visits} visits)")
        with running(data_dir) as (_, url):
            cold = first_chart_seconds(url, args.visits, pause=1.0)
        with running(data_dir, preheat=True, pool_size=2) as (_, url):
            time.sleep(20)  # the pool fills after start
            # Between visits: voila.json's fill_delay (5 s) plus a kernel's ~5 s of preheating.
            warm = first_chart_seconds(url, args.visits, pause=12.0)
        with running(data_dir, fork_kernels=True) as (_, url):
            first_chart_seconds(url, 1, pause=0.0)  # starts the fork server (once per Voila)
            forked = first_chart_seconds(url, args.visits, pause=1.0)
        with running(data_dir, notebook=ref_nb) as (_, url):
            reference = first_chart_seconds(url, args.visits, pause=1.0)
        ref_first = f"{statistics.median(reference):.2f} s (reads the CSV per visitor)"
        line("no pool", f"{statistics.median(cold):.2f} s (p95 {pct(cold, 95):.2f})", ref_first)
        line(
            "preheated pool of 2",
            f"{statistics.median(warm):.2f} s (p95 {pct(warm, 95):.2f})",
            ref_first,
        )
        line(
            "--fork-kernels, no pool",
            f"{statistics.median(forked):.2f} s (p95 {pct(forked, 95):.2f})",
            ref_first,
        )

        print("\n3. Memory (PSS, MB)")
        empty = empty_kernel_pss()
        more, first, kernels = one_more_visitor_mb(data_dir)
        ref_more, ref_first_mb, _ = one_more_visitor_mb(data_dir, notebook=ref_nb)
        line("empty kernel", f"{empty:.0f} MB", "-")
        line(
            "first visitor kernel",
            f"{first:.0f} MB (+{first - empty:.0f} above empty)",
            f"{ref_first_mb:.0f} MB (+{ref_first_mb - empty:.0f} above empty)",
        )
        line(f"one more visitor ({kernels} kernels)", f"+{more:.0f} MB", f"+{ref_more:.0f} MB")
        forked_more, forked_first, _ = one_more_visitor_mb(data_dir, fork_kernels=True)
        line(
            "--fork-kernels: first visitor (+ fork server)",
            f"{forked_first:.0f} MB",
            f"{ref_first_mb:.0f} MB",
        )
        line("--fork-kernels: one more visitor", f"+{forked_more:.0f} MB", f"+{ref_more:.0f} MB")
    print(f"\n(run {dt.datetime.now():%Y-%m-%d %H:%M}, python {sys.version.split()[0]})")


if __name__ == "__main__":
    main()
