"""The explorer as the static site opens it ("Explore these numbers": the dashboard with the
page's selection in its URL), on the current Voila path and on the deployment settings,
then a crowd; full-size demo store (~650k rows).

Printed per run:

a. **current path**, ``bmoredash serve`` with its defaults (a kernel started per visitor);
b. **deployment settings**, ``bmoredash serve --fork-kernels --preheat --pool-size 4``
   (``DEPLOYMENT``): every kernel a fork of one warm process, four of them waiting with the
   notebook already run. Why 4: one visitor at a time needs a pool of 1 (a used kernel is
   replaced within ~10 s: Voila's ``fill_delay``, 5 s, then a fork runs the notebook), but
   in a crowd every visitor past the pool waits for a refill, and the pool's size is how
   many refills run at once (15 visitors at once, 2 cores, other work on the machine: the
   last page drawn after 61 s with a pool of 2, 40 s with 4, measured 2026-12-01), for
   about 57 MB PSS per pooled kernel (printed below as the idle memory).

  For each: N visits one after another, each in a fresh browser context (no cache, no
  cookies: a first-time visitor, who also passes the load guard's script check) on a deep
  link (``DEEP_LINKS``, ``FilterState.to_query()`` as the static pages write them);
  before each visit the server is left to become quiet, the pool refilled, as a visitor
  arriving later would find it. Time from navigation to the first headline number
  (median, min, max), beside when Voila's page began and when the widgets opened their
  kernel's websocket; whether the filters showed the link's selection; memory added per
  visitor with the N tabs open, as RSS and as PSS (``psutil`` ``memory_full_info``:
  forks share pages, which RSS counts once per kernel and PSS divides among them).
c. **crowd**: V visitors at once (default 50) with the deployment settings and
  ``--max-kernels`` above V plus the pool (the default cap, 20 per core, would send
  visitors 41-50 the busy page on 2 cores): errors, blank pages, wrong views, the first
  number's median and max, kernels and their summed RSS and PSS with every tab open, the
  time until the kernels are back to the idle count after the tabs are closed, and from
  the server's log how soon it drew the last page and how many kernels the load guard
  shut down because their page never connected (a browser still loading scripts after
  ``unconnected_timeout``: its visitor's page stays blank).

The goals of issue 12 are printed with "met" or "NOT met". The browsers run on the same
cores as the server: real visitors' browsers run elsewhere.

Run: ``python benchmarks/bench_explorer.py [--visits N] [--crowd V] [--pool-size K]
[--data-dir DIR] [--no-crowd]``. Without ``--data-dir`` the full demo store of
``bench_dashboard`` is used (generated once in ``$TMPDIR/bmoredash-bench-650k``). The
crowd of 50 holds both cores for several minutes. Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from bench_dashboard import ensure_store, free_port
from bench_load import HEADLINE, close_all, kernel_processes, visit

from bmoredash import store
from bmoredash.app.filters import COUNCIL_OPTIONS, DISTRICT_OPTIONS
from bmoredash.app.state import FilterState
from bmoredash.config import CHROMIUM, CHROMIUM_ARGS
from bmoredash.serving import launch as serve

#: ``bmoredash serve`` as documented for deployment (issue 12), as ServerSettings fields.
POOL_SIZE = 4
DEPLOYMENT = {"fork_kernels": True, "preheat": True, "pool_size": POOL_SIZE}
#: The links a static page's "Explore these numbers" opens (and two the brief names).
DEEP_LINKS = (
    FilterState(council="9", lines="pre2023"),
    FilterState(district="EASTERN", offenses=("violent",)),
    FilterState(district="WESTERN"),
    FilterState(council="1"),
)
#: Goals (issue 12).
GOAL_FIRST_NUMBER_S = 1.5
#: The docs' "about 50 MB per visitor" with --fork-kernels, give or take 20 %.
GOAL_PSS_PER_VISITOR_MB = 60
SELECTED_JS = (
    "() => Array.from(document.querySelectorAll('.bmd-filters select')).map("
    "s => s.selectedIndex >= 0 ? s.options[s.selectedIndex].text.replace(/\\u00a0/g, ' ') : '')"
)
_DISTRICT_LABELS = {value: label for label, value in DISTRICT_OPTIONS}
_COUNCIL_LABELS = {value: label for label, value in COUNCIL_OPTIONS}


def expected_labels(state: FilterState) -> list[str]:
    """What the filter bar's dropdowns must show for a link (its place)."""
    labels = []
    if state.district in _DISTRICT_LABELS and state.council == "":
        labels.append(_DISTRICT_LABELS[state.district])
    if state.council:
        labels.append(_COUNCIL_LABELS[state.council])
    return labels


# --------------------------------------------------------------------------------------
# The server's kernels
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Memory:
    kernels: int
    rss_mb: float
    pss_mb: float


def kernel_memory(server_pid: int) -> Memory:
    """Kernel processes (the fork server included) and their summed RSS and PSS."""
    rss = pss = 0
    processes = kernel_processes(server_pid)
    for process in processes:
        try:
            info = process.memory_full_info()
        except psutil.Error:
            continue
        rss += info.rss
        pss += info.pss
    return Memory(len(processes), rss / 2**20, pss / 2**20)


def cpu_seconds(server_pid: int) -> float:
    """CPU time of the server and everything under it."""
    total = 0.0
    try:
        root = psutil.Process(server_pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return total
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def wait_quiet(server_pid: int, kernels: int, timeout: float = 180.0) -> float:
    """Wait until the server has at least ``kernels`` kernel processes and it and they
    used under 0.05 s of CPU in the last second (the pool refilled, its notebooks run);
    the seconds waited."""
    started = time.monotonic()
    before = cpu_seconds(server_pid)
    while time.monotonic() - started < timeout:
        time.sleep(1.0)
        now = cpu_seconds(server_pid)
        if len(kernel_processes(server_pid)) >= kernels and now - before < 0.05:
            break
        before = now
    return time.monotonic() - started


def idle_kernels(settings: dict) -> int:
    """Kernel processes of a server nobody visits: the pool, and the fork server."""
    pool = settings["pool_size"] if settings.get("preheat") else 0
    return pool + (1 if settings.get("fork_kernels") and pool else 0)


# --------------------------------------------------------------------------------------
# Visits
# --------------------------------------------------------------------------------------


async def timed_visit(browser, url: str, wait_s: float) -> dict:
    """One visitor in a fresh context: seconds until Voila's page began, the widgets'
    kernel websocket opened and the first headline number showed; the tab stays open."""
    context = await browser.new_context()
    page = await context.new_page()
    started = time.monotonic()
    marks: dict = {"page": page, "context": context, "outcome": "ok"}

    def on_websocket(socket) -> None:
        if "/api/kernels/" in socket.url:
            marks.setdefault("socket", time.monotonic() - started)

    page.on("websocket", on_websocket)
    try:
        await page.goto(url, wait_until="commit", timeout=wait_s * 1000)
        await page.wait_for_selector("body[data-voila]", state="attached", timeout=wait_s * 1000)
        marks["turn"] = time.monotonic() - started
        await page.wait_for_selector(HEADLINE, timeout=wait_s * 1000)
        marks["seconds"] = time.monotonic() - started
    except Exception as error:  # noqa: BLE001 - counted, not raised
        marks["outcome"] = f"error: {type(error).__name__}: {str(error)[:80]}"
    return marks


async def shows_link(page, state: FilterState) -> bool:
    """True when the filter bar shows the link's place."""
    try:
        shown = await page.evaluate(SELECTED_JS)
    except Exception:  # noqa: BLE001
        return False
    return all(label in shown for label in expected_labels(state))


def launch_browser(playwright):
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS), headless=True
    )


@dataclass
class Sequential:
    name: str
    settings: dict
    seconds: list[float] = field(default_factory=list)
    turns: list[float] = field(default_factory=list)
    sockets: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    wrong_views: int = 0
    idle: Memory | None = None
    open: Memory | None = None
    pooled_used: int = 0
    fork_failures: int = 0
    #: The machine's 1-minute load average before and after the visits.
    load: tuple[float, float] = (0.0, 0.0)

    @property
    def visits(self) -> int:
        return len(self.seconds) + len(self.failures)

    def per_visitor(self, attr: str) -> float:
        assert self.idle is not None and self.open is not None
        return (getattr(self.open, attr) - getattr(self.idle, attr)) / max(1, self.visits)


def start_server(data_dir: Path, label: str, **settings) -> tuple:
    log = Path(tempfile.mkstemp(prefix=f"bench-explorer-{label}-", suffix=".log")[1])
    port = free_port()
    process = serve.start(data_dir, port=port, log_file=log, **settings)
    serve.wait_until_listening("127.0.0.1", port, process, timeout=120)
    return process, f"http://127.0.0.1:{port}/", log


def run_sequential(data_dir: Path, name: str, settings: dict, args) -> Sequential:
    """N visits one after another, the server quiet before each; tabs left open."""
    from playwright.async_api import async_playwright

    result = Sequential(name, settings)
    process, url, log = start_server(data_dir, name.split()[0], **settings)
    base = idle_kernels(settings)
    try:
        wait_quiet(process.pid, base)
        result.idle = kernel_memory(process.pid)
        load_before = os.getloadavg()[0]

        async def visits() -> None:
            async with async_playwright() as playwright:
                browser = await launch_browser(playwright)
                opened = []
                try:
                    for i in range(args.visits):
                        await asyncio.to_thread(wait_quiet, process.pid, base + i)
                        state = DEEP_LINKS[i % len(DEEP_LINKS)]
                        marks = await timed_visit(browser, f"{url}?{state.to_query()}", args.wait)
                        opened.append(marks)
                        if marks["outcome"] != "ok":
                            result.failures.append(marks["outcome"])
                            continue
                        result.seconds.append(marks["seconds"])
                        result.turns.append(marks["turn"])
                        if "socket" in marks:
                            result.sockets.append(marks["socket"])
                        await asyncio.sleep(1.0)  # the link's view replaces nothing: settle
                        if not await shows_link(marks["page"], state):
                            result.wrong_views += 1
                    await asyncio.to_thread(wait_quiet, process.pid, base + args.visits)
                    result.open = kernel_memory(process.pid)
                    await close_all(opened, crash=False)
                finally:
                    await browser.close()

        asyncio.run(visits())
        result.load = (load_before, os.getloadavg()[0])
        text = log.read_text(errors="replace")
        result.pooled_used = text.count("Using pre-heated kernel")
        result.fork_failures = text.count("could not fork")
    finally:
        serve.stop(process)
    show_sequential(result, log)
    return result


@dataclass
class Crowd:
    visitors: int
    outcomes: dict[str, int]
    seconds: list[float]
    wrong_views: int
    idle: Memory
    open: Memory
    back_after_s: float | None
    last: Memory
    pooled_used: int
    fork_failures: int
    busy_pages: int
    iopub_timeouts: int
    load: tuple[float, float]
    #: (pages the server drew, seconds from arrival to the last drawn) from its log
    drawn: tuple[int, float]
    #: kernels the load guard shut down because their page never connected
    unconnected_reaped: int

    @property
    def errors(self) -> int:
        return sum(n for what, n in self.outcomes.items() if what not in ("ok", "blank"))


def run_crowd(data_dir: Path, args, settings: dict | None = None) -> Crowd:
    """V visitors at once (default: on the deployment settings); memory with every tab
    open; time until the kernels are back to the idle count once the tabs are closed."""
    from playwright.async_api import async_playwright

    settings = settings or DEPLOYMENT
    settings = {**settings, "max_kernels": args.crowd + settings.get("pool_size", 0) + 10}
    process, url, log = start_server(data_dir, "crowd", **settings)
    base = idle_kernels(settings)
    try:
        wait_quiet(process.pid, base)
        idle = kernel_memory(process.pid)
        states = [DEEP_LINKS[i % len(DEEP_LINKS)] for i in range(args.crowd)]
        load_before = os.getloadavg()[0]

        async def crowd() -> tuple[list[dict], int, Memory, float]:
            async with async_playwright() as playwright:
                browser = await launch_browser(playwright)
                try:
                    visits = await asyncio.gather(
                        *(visit(browser, f"{url}?{s.to_query()}", args.wait) for s in states)
                    )
                    wrong = 0
                    for item, state in zip(visits, states, strict=True):
                        if item["outcome"] == "ok" and not await shows_link(item["page"], state):
                            wrong += 1
                    await asyncio.to_thread(wait_quiet, process.pid, base + args.crowd, 60)
                    opened = kernel_memory(process.pid)
                    closed_at = time.monotonic()
                    await close_all(visits, crash=False)
                finally:
                    await browser.close()
            return visits, wrong, opened, closed_at

        visits, wrong, opened, closed_at = asyncio.run(crowd())
        load = (load_before, os.getloadavg()[0])
        # a fork server started by the first visitor (no pool) stays: it is not a visitor's
        idle_count = idle.kernels or int(bool(settings.get("fork_kernels")))
        back_after = None
        while time.monotonic() - closed_at < args.settle:
            if kernel_memory(process.pid).kernels <= idle_count:
                back_after = time.monotonic() - closed_at
                break
            time.sleep(1.0)
        last = kernel_memory(process.pid)
        text = log.read_text(errors="replace")
    finally:
        serve.stop(process)
    outcomes: dict[str, int] = {}
    for item in visits:
        outcomes[item["outcome"]] = outcomes.get(item["outcome"], 0) + 1
    result = Crowd(
        visitors=args.crowd,
        outcomes=outcomes,
        seconds=[v["seconds"] for v in visits if v["seconds"] is not None],
        wrong_views=wrong,
        idle=idle,
        open=opened,
        back_after_s=back_after,
        last=last,
        pooled_used=text.count("Using pre-heated kernel"),
        fork_failures=text.count("could not fork"),
        busy_pages=text.count("Busy page"),
        iopub_timeouts=text.count("Timeout waiting for IOPub output"),
        load=load,
        drawn=pages_drawn(text),
        unconnected_reaped=len(re.findall(r"Shutting down kernel \S+: no page ever", text)),
    )
    show_crowd(result, settings, log, args.settle)
    return result


def pages_drawn(log_text: str) -> tuple[int, float]:
    """(pages drawn, seconds from a visitor's arrival to the last page drawn), from the
    load guard's "Page drawn in A s after B s waiting" lines."""
    found = re.findall(r"Page drawn in ([\d.]+) s after ([\d.]+) s waiting", log_text)
    return len(found), max((float(a) + float(b) for a, b in found), default=0.0)


# --------------------------------------------------------------------------------------
# Printing
# --------------------------------------------------------------------------------------


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def flags(settings: dict) -> str:
    parts = []
    if settings.get("fork_kernels"):
        parts.append("--fork-kernels")
    if settings.get("preheat"):
        parts.append(f"--preheat --pool-size {settings['pool_size']}")
    if settings.get("max_kernels"):
        parts.append(f"--max-kernels {settings['max_kernels']}")
    parts.extend(settings.get("extra_args", ()))
    return "bmoredash serve " + " ".join(parts) if parts else "bmoredash serve (defaults)"


def show_sequential(r: Sequential, log: Path) -> None:
    assert r.idle is not None and r.open is not None
    print(f"\n== {r.name}: {flags(r.settings)}  (log: {log})")
    print(
        f"   {r.visits} visits one after another: {len(r.seconds)} drew their numbers, "
        f"{len(r.failures)} failed {r.failures or ''}, {r.wrong_views} wrong views"
    )
    if r.seconds:
        print(
            f"   first number: median {seconds(median(r.seconds))}, min "
            f"{seconds(min(r.seconds))}, max {seconds(max(r.seconds))}  "
            f"({', '.join(f'{s:.2f}' for s in r.seconds)})"
        )
        print(
            f"   Voila's page began: median {seconds(median(r.turns))}; widgets' kernel "
            f"websocket opened: median {seconds(median(r.sockets))}"
        )
    print(f"   machine load (1-min average) {r.load[0]:.1f} before, {r.load[1]:.1f} after")
    print(
        f"   idle: {r.idle.kernels} kernel processes, RSS {r.idle.rss_mb:.0f} MB, "
        f"PSS {r.idle.pss_mb:.0f} MB"
    )
    print(
        f"   {r.visits} tabs open: {r.open.kernels} kernel processes, RSS "
        f"{r.open.rss_mb:.0f} MB, PSS {r.open.pss_mb:.0f} MB"
    )
    print(
        f"   added per visitor: RSS {r.per_visitor('rss_mb'):.0f} MB, "
        f"PSS {r.per_visitor('pss_mb'):.0f} MB"
    )
    if r.settings.get("preheat"):
        print(
            f"   log: pre-heated kernel used {r.pooled_used} times, "
            f"{r.fork_failures} 'could not fork'"
        )


def show_crowd(r: Crowd, settings: dict, log: Path, settle: float) -> None:
    print(f"\n== c. crowd: {r.visitors} visitors at once, {flags(settings)}  (log: {log})")
    print(
        f"   {len(r.seconds)} drew their numbers, {r.outcomes.get('blank', 0)} blank pages, "
        f"{r.errors} errors {r.outcomes}, {r.wrong_views} wrong views"
    )
    print(
        f"   first number: median {seconds(median(r.seconds))}, "
        f"max {seconds(max(r.seconds) if r.seconds else None)}"
    )
    print(f"   machine load (1-min average) {r.load[0]:.1f} before, {r.load[1]:.1f} after")
    print(
        f"   idle: {r.idle.kernels} kernel processes, RSS {r.idle.rss_mb:.0f} MB, "
        f"PSS {r.idle.pss_mb:.0f} MB"
    )
    print(
        f"   every tab open: {r.open.kernels} kernel processes, total kernel memory RSS "
        f"{r.open.rss_mb:.0f} MB, PSS {r.open.pss_mb:.0f} MB "
        f"({(r.open.pss_mb - r.idle.pss_mb) / r.visitors:.0f} MB PSS per visitor)"
    )
    back = seconds(r.back_after_s) if r.back_after_s is not None else f"not in {settle:.0f} s"
    print(
        f"   tabs closed: back to {r.idle.kernels} kernel processes after {back}; at the end "
        f"{r.last.kernels} processes, PSS {r.last.pss_mb:.0f} MB"
    )
    print(
        f"   server: {r.drawn[0]} pages drawn, the last {r.drawn[1]:.0f} s after its visitor "
        f"arrived; {r.unconnected_reaped} kernels shut down because their page never "
        "connected (the load guard's unconnected_timeout: the browser still loading scripts)"
    )
    print(
        f"   log: pre-heated kernel used {r.pooled_used} times, {r.fork_failures} 'could not "
        f"fork', {r.busy_pages} busy pages, {r.iopub_timeouts} IOPub timeouts"
    )


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def show_goals(current: Sequential, deployed: Sequential, crowd: Crowd | None) -> None:
    first = median(deployed.seconds)
    pss = deployed.per_visitor("pss_mb")
    print("\n| | current path | deployment settings |\n|---|---|---|")
    rows = [
        ("first number, median", seconds(median(current.seconds)), seconds(first)),
        (
            "first number, max",
            seconds(max(current.seconds, default=None)),
            seconds(max(deployed.seconds, default=None)),
        ),
        (
            "failed / wrong views",
            *(f"{r.visits - len(r.seconds)} / {r.wrong_views}" for r in (current, deployed)),
        ),
        ("idle kernel PSS", *(f"{r.idle.pss_mb:.0f} MB" for r in (current, deployed))),
        (
            "RSS added per visitor",
            *(f"{r.per_visitor('rss_mb'):.0f} MB" for r in (current, deployed)),
        ),
        (
            "PSS added per visitor",
            *(f"{r.per_visitor('pss_mb'):.0f} MB" for r in (current, deployed)),
        ),
    ]
    for label, a, b in rows:
        print(f"| {label} | {a} | {b} |")
    print("\nGoals (issue 12):")
    print(
        f"  first number <= {GOAL_FIRST_NUMBER_S} s median with the deployment settings: "
        f"{seconds(first)}: {verdict(first is not None and first <= GOAL_FIRST_NUMBER_S)}"
    )
    print(
        f"  about 50 MB per visitor with forks (PSS added <= {GOAL_PSS_PER_VISITOR_MB} MB): "
        f"{pss:.0f} MB: {verdict(pss <= GOAL_PSS_PER_VISITOR_MB)}"
    )
    if crowd is None:
        print("  crowd: not run (--no-crowd)")
        return
    clean = crowd.errors == 0 and crowd.outcomes.get("blank", 0) == 0
    print(
        f"  {crowd.visitors} concurrent visitors, 0 errors and 0 blank pages: "
        f"{crowd.errors} errors, {crowd.outcomes.get('blank', 0)} blank: {verdict(clean)} "
        f"(total kernel memory RSS {crowd.open.rss_mb:.0f} MB, PSS {crowd.open.pss_mb:.0f} MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=7, help="sequential visits per setting")
    parser.add_argument("--crowd", type=int, default=50, help="visitors at once (c)")
    parser.add_argument("--no-crowd", action="store_true", help="skip the crowd (c)")
    parser.add_argument("--pool-size", type=int, default=POOL_SIZE, help="(b) and (c)")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--wait", type=float, default=600, help="seconds a visitor waits")
    parser.add_argument(
        "--settle", type=float, default=180, help="seconds to wait for the kernels to end"
    )
    args = parser.parse_args()
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is absent (apt-get install chromium)")
    data_dir = ensure_store(args.data_dir)
    manifest = store.read_manifest(data_dir)
    print(
        f"data: {data_dir} ({manifest.get('rows', '?'):,} rows, through "
        f"{manifest.get('data_through')}); links: "
        + ", ".join(f"?{s.to_query()}" for s in DEEP_LINKS)
    )
    current = run_sequential(data_dir, "a. current path", {}, args)
    deployment = {**DEPLOYMENT, "pool_size": args.pool_size}
    deployed = run_sequential(data_dir, "b. deployment settings", deployment, args)
    crowd = None if args.no_crowd else run_crowd(data_dir, args, deployment)
    show_goals(current, deployed, crowd)
    print(f"\n(run {dt.datetime.now():%Y-%m-%d %H:%M}, {psutil.cpu_count()} cores)")


if __name__ == "__main__":
    main()
