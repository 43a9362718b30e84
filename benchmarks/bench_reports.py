"""All ten weekly reports (nine districts + city), HTML and PDF, on full-size demo data,
beside a plain sequential Papermill loop over the same ten notebooks in the same run.

Target: the batch (HTML + PDF) in <= 40 s on 2 cores.

Data: ``--data-dir DIR`` (or $BMOREDASH_DATA_DIR) when it holds a store, else a full-size
demo store (2012 -> the last Saturday, ~700k rows) generated into a temporary directory
first (not timed). Police district outlines are installed from ``--boundaries DIR`` (default:
../shared/data/baltimore/boundaries when present) so the maps cost what they cost in
production. Run: ``python benchmarks/bench_reports.py [--workers N] [--skip-sequential]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bmoredash import config, report, store
from bmoredash.report import batch

TARGET_S = 40.0
SHARED_BOUNDARIES = config.PROJECT_DIR.parent / "shared" / "data" / "baltimore" / "boundaries"


def demo_store(explicit: str | None) -> tuple[Path, str]:
    """A store to render from, and where it came from."""
    candidate = (
        config.data_dir(explicit) if explicit or os.environ.get(config.DATA_DIR_ENV) else None
    )
    if candidate is not None:
        try:
            store.read_manifest(candidate)
            return candidate, f"existing store {candidate}"
        except store.StoreNotFoundError:
            pass
    from bmoredash.demo import last_saturday, write_demo

    path = Path(tempfile.mkdtemp(prefix="bench-reports-")) / "data"
    started = time.perf_counter()
    write_demo(path, end=last_saturday())
    return path, f"full-size demo generated in {time.perf_counter() - started:.1f} s ({path})"


def install_boundaries(data_dir: Path, folder: Path | None) -> str:
    """Full-detail district outlines for the maps, unless the store already has them
    (without them the maps draw the package's shipped outlines)."""
    from bmoredash.reference import boundaries

    installed = (
        boundaries.boundaries_dir(data_dir) / boundaries.BOUNDARY_FILES["police_districts_2023"]
    )
    if installed.exists():
        return "district outlines already installed"
    source = folder / "police_districts_2023.geojson" if folder else None
    if source is None or not source.exists():
        return "no full-detail district outlines: the maps draw the shipped ones"
    boundaries.install_from({"police_districts_2023": source}, data_dir)
    return f"district outlines installed from {source}"


def sequential_papermill(data_dir: Path, week_end: date, out: Path) -> list[float]:
    """The naive way: one papermill execution after another, notebook only (no export)."""
    out.mkdir(parents=True, exist_ok=True)
    times = []
    for place in report.REPORT_PLACES:
        started = time.perf_counter()
        # The same papermill call the batch makes (IPC sockets, no TCP warning), in a loop.
        params = report.validate_params(place, week_end, data_dir)
        batch.execute_notebook(report.TEMPLATE, out / f"{place}.ipynb", params, out)
        times.append(time.perf_counter() - started)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--workers", type=int, default=None, help="default: cores")
    parser.add_argument("--skip-sequential", action="store_true")
    parser.add_argument("--boundaries", type=Path, default=SHARED_BOUNDARIES)
    args = parser.parse_args()

    data_dir, origin = demo_store(args.data_dir)
    print(install_boundaries(data_dir, args.boundaries))
    manifest = store.read_manifest(data_dir)
    week_end = report.default_week_ending(data_dir)
    cores = os.cpu_count() or 1
    print(
        f"data: {origin}; {manifest['rows']:,} rows, {manifest['first_date']} -> "
        f"{manifest['data_through']}, demo={manifest['demo']}"
    )
    print(f"machine: {cores} core(s); load average {os.getloadavg()[0]:.2f} before the run")
    print(f"week ending {week_end}; workers {args.workers or cores}")

    with tempfile.TemporaryDirectory(prefix="bench-reports-out-") as tmp:
        out = Path(tmp)
        week = report.render_batch(
            week_end,
            data_dir=data_dir,
            out_dir=out / "batch",
            workers=args.workers,
            progress=False,
        )
        print()
        print(f"{'report':<10} {'total s':>8} {'execute':>8} {'html':>6} {'pdf':>6}")
        for r in week.results:
            t = r.timings
            print(
                f"{r.district:<10} {r.seconds:8.2f} {t.get('execute', 0):8.2f} "
                f"{t.get('html', 0):6.2f} {t.get('pdf', 0):6.2f}"
                + ("" if r.ok else f"  FAILED {r.error}")
            )
        per_report = [r.seconds for r in week.results]
        print(
            f"\nbatch (HTML + PDF, {week.workers} worker(s)): {week.seconds:.1f} s for "
            f"{len(week.results)} reports; median {statistics.median(per_report):.2f} s per "
            f"report inside a worker; target <= {TARGET_S:.0f} s: "
            f"{'met' if week.seconds <= TARGET_S and week.ok else 'NOT met'}"
        )
        if not week.ok:
            print(week.summary())
        if not args.skip_sequential:
            times = sequential_papermill(data_dir, week_end, out / "sequential")
            print(
                f"sequential papermill loop (notebook only, no HTML/PDF): {sum(times):.1f} s; "
                f"median {statistics.median(times):.2f} s per report"
            )
    return 0 if week.ok else 1


if __name__ == "__main__":
    sys.exit(main())
