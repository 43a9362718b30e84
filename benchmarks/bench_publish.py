"""``bmoredash publish`` on demo data, beside the dashboard path it takes load off.

What is measured, in one run:

1. ``publish``: the whole static site (front page, 9 police districts, 14 Council
   districts, every neighborhood, each with its trend, map, CSV and two embeddable cards)
   written to a temporary folder; median seconds of N runs, pages, total size, the
   largest page.
2. The first number on screen in headless Chromium for the static front page, served by
   ``python -m http.server`` (a fresh browser context per visit: nothing cached), median
   of N visits. Issue 12's goal: <= 0.3 s.
3. A news spike on that plain server: ``--loads`` page loads (200) started at once, pages
   of every kind; errors and seconds per load. Goal: 0 errors.
4. Reference: what one view costs on the dashboard path, in-process: the kernel's data
   load (``app.context.load_context``, once per kernel) and building the app on one
   page's selection (``build_app(query="district=WESTERN")``), median of N; and, in
   Chromium, the first number of the Voila dashboard as served today
   (``bench_explorer.run_sequential``, default settings).

Issue 12's goal: ``publish`` of every page on full-size demo data <= 60 s on 2 cores.

Run: ``python benchmarks/bench_publish.py [--data-dir DIR] [--runs N] [--visits N] [--loads N]``.
Without ``--data-dir`` a full-size demo store is generated once in
``$TMPDIR/bmoredash-bench-650k`` (the store ``bench_dashboard.py`` uses).
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bmoredash import demo, store
from bmoredash.config import CHROMIUM, CHROMIUM_ARGS
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


def time_publish(data_dir: Path, runs: int, folder: Path) -> tuple[list[float], object]:
    """Seconds of each publish (into ``folder``, replaced each time), and the last result."""
    seconds, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = publish(data_dir, folder)
        seconds.append(time.perf_counter() - started)
    return seconds, result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def static_server(site: Path) -> Iterator[int]:
    """``python -m http.server`` serving ``site`` on 127.0.0.1; yields its port."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=site,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while not listening(port):
            time.sleep(0.05)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def crowd_load(site: Path, port: int, loads: int) -> tuple[int, list[float]]:
    """``loads`` page loads started at once (pages of every kind, embeds included): the
    errors (a failed request, a status other than 200, a body that is not the file) and
    each load's seconds."""
    files = sorted(site.rglob("*.html"))
    chosen = [files[(i * 7919) % len(files)] for i in range(loads)]
    start = threading.Barrier(loads)

    def load(path: Path) -> tuple[bool, float]:
        start.wait()
        began = time.perf_counter()
        url = f"http://127.0.0.1:{port}/{path.relative_to(site).as_posix()}"
        try:
            with urllib.request.urlopen(url, timeout=120) as answer:
                good = answer.status == 200 and answer.read() == path.read_bytes()
        except OSError:
            good = False
        return good, time.perf_counter() - began

    with ThreadPoolExecutor(max_workers=loads) as pool:
        results = list(pool.map(load, chosen))
    return sum(not good for good, _ in results), [took for _, took in results]


def first_number_seconds(site: Path, port: int, visits: int) -> list[float]:
    """Seconds from navigation to the first headline number visible, per visit, with the
    site on a plain static server."""
    from playwright.sync_api import sync_playwright

    seconds = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS), headless=True
        )
        for _ in range(visits):
            context = browser.new_context()
            tab = context.new_page()
            started = time.perf_counter()
            tab.goto(f"http://127.0.0.1:{port}/index.html", wait_until="commit")
            tab.wait_for_selector(".card .count", state="visible")
            seconds.append(time.perf_counter() - started)
            context.close()
        browser.close()
    return seconds


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
    parser.add_argument("--visits", type=int, default=10, help="Chromium visits (median)")
    parser.add_argument("--loads", type=int, default=200, help="page loads at once")
    parser.add_argument(
        "--voila-visits", type=int, default=5, help="Voila visits for the reference (0: none)"
    )
    args = parser.parse_args()
    data_dir = ensure_store(args.data_dir)
    rows = store.read_manifest(data_dir).get("rows", 0)
    print(f"store: {data_dir} ({rows:,} rows), {args.runs} runs each\n")

    scratch = tempfile.TemporaryDirectory(prefix="bmoredash-bench-site-")
    site = Path(scratch.name) / "site"
    seconds, result = time_publish(data_dir, args.runs, site)
    median = statistics.median(seconds)
    print("publish (static site, every page):")
    print(f"  median {median:.2f} s of {', '.join(f'{s:.2f}' for s in seconds)}")
    print(
        f"  {result.pages} pages, {result.total_bytes / 1024:,.0f} KB in all, largest "
        f"{result.largest_page} ({result.largest_page_bytes / 1024:.1f} KB), "
        f"{median / result.pages * 1000:.1f} ms a page; goal <= 60 s: "
        f"{'met' if median <= 60 else 'NOT met'}"
    )

    first = None
    with static_server(site) as port:
        if CHROMIUM.exists():
            visits = first_number_seconds(site, port, args.visits)
            first = statistics.median(visits)
            print("first number on screen, static front page, Chromium:")
            print(
                f"  median {first:.3f} s of {', '.join(f'{v:.3f}' for v in visits)}; goal <= "
                f"0.3 s: {'met' if first <= 0.3 else 'NOT met'}"
            )
        else:
            print(f"(no Chromium at {CHROMIUM}: first number not measured)")
        errors, took = crowd_load(site, port, args.loads)
        took.sort()
        print(f"{args.loads} page loads at once from python -m http.server:")
        print(
            f"  {errors} errors; seconds per load: median {statistics.median(took):.3f}, "
            f"p95 {took[int(len(took) * 0.95) - 1]:.3f}, max {took[-1]:.3f}; goal 0 errors: "
            f"{'met' if errors == 0 else 'NOT met'}"
        )
    scratch.cleanup()

    voila_first = None
    if args.voila_visits and CHROMIUM.exists():
        from bench_explorer import run_sequential

        print("reference (the Voila dashboard as served today, in Chromium, same store):")
        options = argparse.Namespace(visits=args.voila_visits, wait=300.0)
        current = run_sequential(data_dir, "current path", {}, options)
        if current.seconds:
            voila_first = statistics.median(current.seconds)
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
    if voila_first is not None and first is not None:
        print(
            f"first number on screen: static front page {first:.3f} s, Voila dashboard "
            f"{voila_first:.2f} s (medians, same run): {voila_first / first:.0f}x"
        )


if __name__ == "__main__":
    main()
