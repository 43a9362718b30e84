"""``bmoredash publish`` on demo data, beside the dashboard path it takes load off.

What is measured, in one run:

1. ``publish``: the whole static site (front page, 9 police districts, 14 Council
   districts, every neighborhood, a CSV beside each, the trend SVG) written to a temporary
   folder; median seconds of N runs, pages, total size, the largest page.
2. Reference: what one view costs on the dashboard path, in-process: the kernel's data
   load (``app.context.load_context``, once per kernel) and building the app on one
   page's selection (``build_app(query="district=WESTERN")``), median of N.

Issue 12's goal: ``publish`` of every page on full-size demo data <= 60 s on 2 cores.

Run: ``python benchmarks/bench_publish.py [--data-dir DIR] [--runs N]``. Without
``--data-dir`` a full-size demo store is generated once in ``$TMPDIR/bmoredash-bench-650k``
(the store ``bench_dashboard.py`` uses).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bmoredash import demo, store
from bmoredash.publish import publish


def ensure_store(data_dir: Path | None) -> Path:
    """A demo store in ``data_dir`` (default: the full-size bench store), generated if absent."""
    path = (data_dir or Path(tempfile.gettempdir()) / "bmoredash-bench-650k").resolve()
    try:
        store.read_manifest(path)
    except store.StoreNotFoundError:
        print(f"generating full-size demo data in {path} ...", flush=True)
        demo.write_demo(path)
    except store.StoreSchemaError as error:
        raise SystemExit(f"error: {error}") from None
    return path


def time_publish(data_dir: Path, runs: int) -> tuple[list[float], object]:
    """Seconds of each publish (each into a fresh folder), and the last result."""
    seconds, result = [], None
    with tempfile.TemporaryDirectory(prefix="bmoredash-bench-site-") as folder:
        for run in range(runs):
            started = time.perf_counter()
            result = publish(data_dir, Path(folder) / f"site-{run}")
            seconds.append(time.perf_counter() - started)
    return seconds, result


def time_dashboard_view(data_dir: Path, runs: int) -> tuple[float, list[float]]:
    """Seconds of the kernel's data load, and of each app build on one district's view."""
    from bmoredash.app.context import load_context
    from bmoredash.app.shell import build_app

    started = time.perf_counter()
    context = load_context(data_dir)
    load = time.perf_counter() - started
    builds = []
    for _ in range(runs + 1):  # the first build also imports the page modules (cold)
        started = time.perf_counter()
        build_app(context=context, query="district=WESTERN")
        builds.append(time.perf_counter() - started)
    return load, builds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=3, help="runs of each path (median)")
    args = parser.parse_args()
    data_dir = ensure_store(args.data_dir)
    rows = store.read_manifest(data_dir).get("rows", 0)
    print(f"store: {data_dir} ({rows:,} rows), {args.runs} runs each\n")

    seconds, result = time_publish(data_dir, args.runs)
    median = statistics.median(seconds)
    print("publish (static site, every page):")
    print(f"  median {median:.2f} s of {', '.join(f'{s:.2f}' for s in seconds)}")
    print(
        f"  {result.pages} pages, {result.total_bytes / 1024:,.0f} KB in all, largest "
        f"{result.largest_page} ({result.largest_page_bytes / 1024:.1f} KB), "
        f"{median / result.pages * 1000:.1f} ms a page; goal <= 60 s: "
        f"{'met' if median <= 60 else 'NOT met'}"
    )

    load, builds = time_dashboard_view(data_dir, args.runs)
    print("reference (dashboard, in-process, one view: district=WESTERN):")
    cold, warm = builds[0], statistics.median(builds[1:])
    print(f"  kernel data load {load:.2f} s (once per kernel)")
    print(
        f"  app build: first {cold:.2f} s (imports the pages), then median {warm:.2f} s of "
        f"{', '.join(f'{s:.2f}' for s in builds[1:])}"
    )
    print(
        f"  a new kernel's first view costs {load + cold:.2f} s of Python per visitor; the "
        f"static site costs {median:.2f} s once a week and no Python per visitor"
    )


if __name__ == "__main__":
    main()
