"""Helpers for the server and browser tests: a small demo store, a Voila server on a free
port, plain HTTP requests, and headless Chromium launched from Debian's package.

Not a test module (no ``test_`` prefix); imported by ``test_serve`` and ``test_browser``.
"""

from __future__ import annotations

import atexit
import datetime as dt
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import PROJECT_DIR, SHARED_DATA

from bmoredash.config import CHROMIUM, CHROMIUM_ARGS
from bmoredash.serving import launch as serve

SCREENSHOT_DIR = PROJECT_DIR / "test-artifacts" / "screenshots"
#: Demo history for server tests: the current year and the one before (fast to generate).
DEMO_YEARS = 2
#: Text that must never reach a visitor.
LEAK_MARKERS = ("Traceback (most recent call last)", "build_app(", "import bmoredash")


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_chromium() -> Path:
    """Debian's Chromium, or skip saying why (never ``playwright install``)."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is absent (apt-get install chromium, or `make system-deps`)"
        print(f"SKIP: {reason}")
        pytest.skip(reason)
    return CHROMIUM


def install_shared_boundaries(data_dir: Path) -> bool:
    """Copy the real district and neighborhood boundaries in, when ../shared has them."""
    from bmoredash.reference import boundaries

    folder = SHARED_DATA / "boundaries"
    files = {
        "police_districts_2023": folder / "police_districts_2023.geojson",
        "police_districts_pre2023": folder / "Police_Districts.geojson",
        "neighborhoods": folder / "neighborhoods.geojson",
    }
    present = {kind: path for kind, path in files.items() if path.exists()}
    if present:
        boundaries.install_from(present, data_dir)
    return len(present) == len(files)


@cache
def demo_store(years: int = DEMO_YEARS, with_boundaries: bool = True) -> Path:
    """A demo store of ``years`` calendar years through last Saturday, made once per run."""
    from bmoredash import demo

    root = Path(tempfile.mkdtemp(prefix="bmoredash-test-store-"))
    atexit.register(shutil.rmtree, root, True)
    end = demo.last_saturday()
    demo.write_demo(root, start=dt.date(end.year - years + 1, 1, 1), end=end)
    if with_boundaries:
        install_shared_boundaries(root)
    return root


class Server:
    """A Voila server from ``bmoredash.serving.launch`` on a free port, stopped on exit."""

    def __init__(self, data_dir: Path, *, preheat: bool = False, pool_size: int = 1, **kw):
        self.data_dir = data_dir
        self.port = free_port()
        self.preheat = preheat
        self.pool_size = pool_size
        self.kwargs = kw
        self.log = Path(tempfile.mkstemp(prefix="bmoredash-voila-", suffix=".log")[1])
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        self.process = serve.start(
            self.data_dir,
            port=self.port,
            preheat=self.preheat,
            pool_size=self.pool_size,
            log_file=self.log,
            **self.kwargs,
        )
        try:
            serve.wait_until_listening("127.0.0.1", self.port, self.process, timeout=90)
        except Exception:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            serve.stop(self.process)
            self.process = None

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_for_pool(self, timeout_s: float = 120) -> None:
        """Wait until Voila says the preheated pool is filled (its kernels started)."""
        deadline = time.monotonic() + timeout_s
        while "Kernel pool of dashboard.ipynb is filled" not in self.log_text():
            assert time.monotonic() < deadline, self.log_text()[-3000:]
            time.sleep(0.5)


def http_get(url: str, *, follow: bool = True, timeout: float = 180) -> tuple[int, str, dict]:
    """(status, body, headers) for a GET; redirects followed unless ``follow=False``."""
    handlers = []
    if not follow:

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        handlers.append(NoRedirect())
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(url, timeout=timeout) as response:
            return (
                response.status,
                response.read().decode("utf-8", "replace"),
                dict(response.headers),
            )
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace"), dict(error.headers)


def launch_chromium(playwright):
    """Headless Chromium from Debian with the flags that keep it offline and quiet."""
    return playwright.chromium.launch(
        executable_path=str(require_chromium()), args=list(CHROMIUM_ARGS), headless=True
    )


#: How long a browser test waits for the page (a kernel starts under load in CI).
TIMEOUT_MS = 120_000


@contextmanager
def new_tab(browser, width: int = 1280, height: int = 900) -> Iterator:
    """One tab in a fresh browser context (no cache or cookies from other tests)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        tab = context.new_page()
        tab.set_default_timeout(TIMEOUT_MS)
        yield tab
    finally:
        context.close()


#: A table's rows as the visitor reads them: each cell's text, header row first.
ROWS_JS = (
    "t => Array.from(t.querySelectorAll('tr')).map("
    "r => Array.from(r.querySelectorAll('th,td')).map(c => c.textContent.trim()))"
)


def wait_for_table(tab, table, expected: list[list[str]], timeout_ms: float = 60_000) -> None:
    """Wait until ``table`` holds ``expected`` (the kernel answers asynchronously)."""
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        if table.count() and table.evaluate(ROWS_JS) == expected:
            return
        tab.wait_for_timeout(250)
    assert table.evaluate(ROWS_JS) == expected


def assert_no_error(tab) -> None:
    """Neither the page's friendly error message (in any language) nor a traceback
    reached the visitor."""
    from bmoredash import i18n
    from bmoredash.app.pages import FRIENDLY_ERROR

    html = tab.content()
    for code in i18n.LANGUAGES:
        with i18n.using(code):
            assert i18n.gettext(FRIENDLY_ERROR) not in html, "a page showed its error message"
    assert "Traceback (most recent call last)" not in html


def wait_for_app(page, timeout_ms: float = 120_000) -> float:
    """Wait until the first headline number is drawn; seconds it took."""
    started = time.perf_counter()
    page.wait_for_selector(".bmd-app", timeout=timeout_ms)
    page.wait_for_selector(".bmd-card .bmd-count", timeout=timeout_ms)
    return time.perf_counter() - started


def screenshot(page, name: str, max_height: int = 8000) -> Path:
    """Save a whole-page screenshot under test-artifacts/screenshots/<name>.png.

    NOTE: Voila's page scrolls inside its own container, so Playwright's ``full_page``
    stops at the viewport; the viewport is stretched to the content for the shot instead.
    """
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    size = page.viewport_size
    height = page.evaluate(
        "() => Math.max(...Array.from(document.querySelectorAll('body, body *'))"
        ".map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": size["width"], "height": min(max(height, 600), max_height)})
    # bqplot redraws marks that come into view with a transition: let it finish.
    page.wait_for_timeout(1200)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path


# Static pages and the dashboard they link to ----------------------------------------

EXPLORE_TEXT = "Explore these numbers"
DASHBOARD_CARDS = ".bmd-card"


class StaticPage(HTMLParser):
    """What a static place page shows: its title (``h1``), its headline cards (measure ->
    the count's text in ``.card .count``) and the href of its "Explore these numbers" link."""

    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.cards: dict[str, str] = {}
        self.explore: list[str] = []
        self._in: str | None = None
        self._measure: str | None = None
        self._href: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        if tag == "section" and "card" in classes:
            self._measure = found.get("data-measure")
        elif tag == "p" and "count" in classes and self._measure is not None:
            self._in, self._text = "count", ""
        elif tag == "h1":
            self._in, self._text = "h1", ""
        elif tag == "a":
            self._in, self._text, self._href = "a", "", found.get("href")

    def handle_data(self, data: str) -> None:
        if self._in:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        text = " ".join(self._text.split())
        if tag == "p" and self._in == "count":
            assert self._measure is not None
            self.cards[self._measure] = text
        elif tag == "h1" and self._in == "h1":
            self.title = text
        elif tag == "a" and self._in == "a" and text == EXPLORE_TEXT and self._href:
            self.explore.append(self._href)
        elif tag == "section":
            self._measure = None
        if tag in ("p", "h1", "a"):
            self._in = None


def read_page(path: Path) -> StaticPage:
    page = StaticPage()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def dashboard_cards(tab) -> dict[str, str]:
    """The Overview's headline cards as the visitor reads them (label -> count)."""
    return tab.eval_on_selector_all(
        DASHBOARD_CARDS,
        "cards => Object.fromEntries(cards.map(c => [c.getAttribute('aria-label'), "
        "c.querySelector('.bmd-count').textContent.trim()]))",
    )


def wait_for_cards(tab, expected: dict[str, str], timeout_s: float = 60) -> None:
    """Wait until the cards read ``expected`` (the kernel answers asynchronously)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and dashboard_cards(tab) != expected:
        tab.wait_for_timeout(250)
    assert dashboard_cards(tab) == expected


# Accessibility (axe-core, vendored) ----------------------------------------------------

AXE_SCRIPT = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
#: The WCAG 2.1 A and AA rules and axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_violations(tab, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """axe-core's violations of ``impacts`` on the tab's page, one line each (rule: the
    first offending element), empty when none. The page must allow scripts."""
    tab.add_script_tag(path=str(AXE_SCRIPT))
    found = tab.evaluate(
        "async tags => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, "
        "target: v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(' | ')}))",
        AXE_TAGS,
    )
    return [f"{v['id']} ({v['impact']}): {v['target']}" for v in found if v["impact"] in impacts]
