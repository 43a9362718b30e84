"""A crowd at once: N visitors in headless Chromium plus N plain page loads (curl-like GETs)
against ``bmoredash serve`` with its default settings, on full-size demo data.

Printed per run:

- errors (a page that failed to load, answered an error, or the busy page) and blank pages
  (the page loaded but no headline number within ``--wait`` seconds);
- time from navigation to the first headline number (median, max) of the visitors;
- the plain loads' status codes and the kernels they started;
- kernel memory: the summed RSS of the server's kernel processes before (idle), with every
  tab open, and the time until it is back to the idle figure after the tabs are closed
  (closed as a browser closes a tab: the page is left first, so ``beforeunload`` runs;
  ``--crash`` closes them without it, as a crashed browser would).

``--settings old`` runs the server as before issue 9 (no load guard, Voila's 4 s IOPub
wait); ``--settings both`` runs old then new in the same run, for a before/after table.
Goal on 2 cores: 20 visitors, 0 blank pages, 0 errors, memory back to idle within 2
minutes of closing.

Run: ``python benchmarks/bench_load.py [--visitors N] [--settings new|old|both]
[--data-dir DIR]``. Without ``--data-dir`` the full demo store of ``bench_dashboard`` is
used (generated once in ``$TMPDIR/bmoredash-bench-650k``). Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
from bench_dashboard import ensure_store

from bmoredash.config import CHROMIUM, CHROMIUM_ARGS
from bmoredash.serving import guard as voila_guard
from bmoredash.serving import launch as serve

#: Voila as it ran before the load guard: every GET a kernel, 4 s IOPub wait.
OLD_SETTINGS = ("--BmoredashLoadGuard.enabled=False", "--VoilaExecutor.iopub_timeout=4")
HEADLINE = ".bmd-card .bmd-count"


def kernel_processes(server_pid: int) -> list[psutil.Process]:
    """The server's kernel processes (ipykernel or forked kernels)."""
    found = []
    for child in psutil.Process(server_pid).children(recursive=True):
        try:
            command = " ".join(child.cmdline())
        except psutil.Error:
            continue
        if "ipykernel" in command or "bmoredash.serving.fork_kernels" in command:
            found.append(child)
    return found


def kernel_memory_mb(server_pid: int) -> tuple[int, float]:
    """(kernel count, summed RSS in MB) of the server's kernels."""
    total = 0
    processes = kernel_processes(server_pid)
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            continue
    return len(processes), total / 2**20


def plain_get(url: str) -> tuple[int, float]:
    """(status, seconds) of a GET without cookies, as curl or a link-preview bot sends it."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=300) as response:
            response.read()
            return response.status, time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, time.monotonic() - started
    except OSError:
        return -1, time.monotonic() - started


async def visit(browser, url: str, wait_s: float) -> dict:
    """One visitor in a fresh browser context (own cookies); the tab is left open."""
    context = await browser.new_context()
    page = await context.new_page()
    result = {"page": page, "context": context, "seconds": None, "outcome": "ok", "turn": None}
    started = time.monotonic()
    try:
        response = await page.goto(url, wait_until="commit", timeout=wait_s * 1000)
        if response is not None and response.status >= 400:
            result["outcome"] = f"HTTP {response.status}"
        # Voila's page (not the light one) has begun: the notebook's turn has come
        await page.wait_for_selector("body[data-voila]", state="attached", timeout=wait_s * 1000)
        result["turn"] = time.monotonic() - started
        await page.wait_for_selector(HEADLINE, timeout=wait_s * 1000)
        result["seconds"] = time.monotonic() - started
    except Exception as error:  # noqa: BLE001 - every failure is counted, not raised
        content = ""
        with contextlib.suppress(Exception):
            content = await page.content()
        if result["outcome"] != "ok":
            pass
        elif voila_guard.BUSY_MARKER in content:
            result["outcome"] = "busy page"
        elif "Timeout" in type(error).__name__ and "<body" in content:
            result["outcome"] = "blank"
        else:
            result["outcome"] = f"error: {type(error).__name__}: {str(error)[:80]}"
    return result


async def close_all(visits: list[dict], crash: bool) -> None:
    async def close(item: dict) -> None:
        page = item["page"]
        try:
            if not crash:
                await page.goto("about:blank", timeout=30_000)  # beforeunload, as a tab close
            await page.close()
            await item["context"].close()
        except Exception:  # noqa: BLE001
            pass

    await asyncio.gather(*(close(item) for item in visits))


async def crowd(
    url: str, server_pid: int, visitors: int, wait_s: float, crash: bool, shared_browser: bool
) -> dict:
    from playwright.async_api import async_playwright

    loop = asyncio.get_running_loop()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS), headless=True
        )
        try:
            with ThreadPoolExecutor(visitors) as pool:
                plain = [loop.run_in_executor(pool, plain_get, url) for _ in range(visitors)]
                visits = await asyncio.gather(
                    *(visit(browser, url, wait_s) for _ in range(visitors))
                )
                plain_results = await asyncio.gather(*plain)
            open_count, open_mb = kernel_memory_mb(server_pid)
            closed_at = time.monotonic()
            await close_all(visits, crash)
        finally:
            await browser.close()
    return {
        "visits": visits,
        "plain": plain_results,
        "open_kernels": open_count,
        "open_mb": open_mb,
        "closed_at": closed_at,
    }


def run(data_dir: Path, settings: str, args: argparse.Namespace) -> dict:
    log = Path(tempfile.mkstemp(prefix=f"bench-load-{settings}-", suffix=".log")[1])
    extra = OLD_SETTINGS if settings == "old" else ()
    port = serve.DEFAULT_PORT + 100 + (settings == "old")
    process = serve.start(data_dir, port=port, log_file=log, extra_args=extra)
    try:
        serve.wait_until_listening("127.0.0.1", port, process, timeout=90)
        time.sleep(2)
        idle_kernels, idle_mb = kernel_memory_mb(process.pid)
        url = f"http://127.0.0.1:{port}/"
        print(f"\n== {settings} settings, {args.visitors} visitors + {args.visitors} plain GETs")
        print(f"   idle: {idle_kernels} kernels, {idle_mb:.0f} MB (server log: {log})")
        outcome = asyncio.run(
            crowd(url, process.pid, args.visitors, args.wait, args.crash, args.shared_browser)
        )
        back_after = None
        while time.monotonic() - outcome["closed_at"] < args.settle:
            count, mb = kernel_memory_mb(process.pid)
            if count <= idle_kernels and mb <= idle_mb + 1:
                back_after = time.monotonic() - outcome["closed_at"]
                break
            time.sleep(1)
        last_count, last_mb = kernel_memory_mb(process.pid)
        text = log.read_text(errors="replace")
    finally:
        serve.stop(process)
    times = [v["seconds"] for v in outcome["visits"] if v["seconds"] is not None]
    turns = [v["turn"] for v in outcome["visits"] if v["turn"] is not None]
    outcomes: dict[str, int] = {}
    for item in outcome["visits"]:
        outcomes[item["outcome"]] = outcomes.get(item["outcome"], 0) + 1
    plain_codes: dict[int, int] = {}
    for code, _ in outcome["plain"]:
        plain_codes[code] = plain_codes.get(code, 0) + 1
    result = {
        "settings": settings,
        "rendered": len(times),
        "blank": outcomes.get("blank", 0),
        "errors": sum(n for what, n in outcomes.items() if what not in ("ok", "blank")),
        "outcomes": outcomes,
        "median_s": statistics.median(times) if times else None,
        "max_s": max(times) if times else None,
        "turn_median_s": statistics.median(turns) if turns else None,
        "turn_max_s": max(turns) if turns else None,
        "plain_codes": plain_codes,
        "plain_max_s": max(s for _, s in outcome["plain"]),
        "idle_mb": idle_mb,
        "open_kernels": outcome["open_kernels"],
        "open_mb": outcome["open_mb"],
        "back_after_s": back_after,
        "left_kernels": last_count,
        "left_mb": last_mb,
        "iopub_timeouts": text.count("Timeout waiting for IOPub output"),
        "xsrf_refusals": text.count("'_xsrf' argument missing"),
    }
    show(result, args.settle)
    return result


def seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} s"


def show(r: dict, settle: float) -> None:
    print(
        f"   visitors: {r['rendered']} drew their numbers, {r['blank']} blank, "
        f"{r['errors']} errors {r['outcomes']}"
    )
    print(
        f"   time to the first number: median {seconds(r['median_s'])}, max {seconds(r['max_s'])}"
    )
    print(
        f"   Voila's page begun (the notebook's turn): median {seconds(r['turn_median_s'])}, "
        f"max {seconds(r['turn_max_s'])}"
    )
    print(f"   plain GETs: status {r['plain_codes']}, slowest {r['plain_max_s']:.1f} s")
    print(f"   kernels with every tab open: {r['open_kernels']}, {r['open_mb']:.0f} MB RSS")
    back = (
        seconds(r["back_after_s"])
        if r["back_after_s"] is not None
        else f"not within {settle:.0f} s"
    )
    print(
        f"   after closing: back to idle ({r['idle_mb']:.0f} MB) after {back}; "
        f"{r['left_kernels']} kernels, {r['left_mb']:.0f} MB left at the end"
    )
    print(
        f"   log: {r['iopub_timeouts']} IOPub timeouts, "
        f"{r['xsrf_refusals']} refused tab-close shutdowns"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=20, help="browsers (and plain GETs)")
    parser.add_argument("--settings", choices=("new", "old", "both"), default="new")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--wait", type=float, default=300, help="seconds a visitor waits")
    parser.add_argument(
        "--settle", type=float, default=180, help="seconds to wait for memory to be idle again"
    )
    parser.add_argument("--crash", action="store_true", help="close tabs without beforeunload")
    parser.add_argument(
        "--shared-browser",
        action="store_true",
        help="all visitors as contexts of one Chromium (default: one Chromium each)",
    )
    args = parser.parse_args()
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is absent (apt-get install chromium)")
    data_dir = ensure_store(args.data_dir)
    runs = ["old", "new"] if args.settings == "both" else [args.settings]
    results = [run(data_dir, settings, args) for settings in runs]
    if len(results) == 2:
        print("\n| | old | new |\n|---|---|---|")
        rows = [
            ("drew their numbers", "rendered", str),
            ("blank pages", "blank", str),
            ("errors", "errors", str),
            ("first number, median", "median_s", seconds),
            ("first number, max", "max_s", seconds),
            ("kernels with tabs open", "open_kernels", str),
            ("kernel RSS with tabs open (MB)", "open_mb", lambda v: f"{v:.0f}"),
            ("back to idle after closing", "back_after_s", seconds),
        ]
        for label, key, fmt in rows:
            print(f"| {label} | {fmt(results[0][key])} | {fmt(results[1][key])} |")


if __name__ == "__main__":
    main()
