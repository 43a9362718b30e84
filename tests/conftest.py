"""Shared fixtures: where the real Baltimore samples live, and a scratch data directory."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(
    os.environ.get("BMOREDASH_SHARED_DATA", PROJECT_DIR.parent / "shared" / "data" / "baltimore")
)


def require_shared(*parts: str) -> Path:
    """Path to a real sample under ../shared/data/baltimore, or skip saying why."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        reason = f"real Baltimore sample not found at {path} (../shared is absent on this machine)"
        print(f"SKIP: {reason}")
        pytest.skip(reason)
    return path


@pytest.fixture
def shared_data() -> Path:
    return require_shared()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data directory, also set as $BMOREDASH_DATA_DIR for the test."""
    path = tmp_path / "data"
    path.mkdir()
    monkeypatch.setenv("BMOREDASH_DATA_DIR", str(path))
    return path


#: The Saturday the suite's demo store ends on, so results do not move with the clock.
DEMO_END = "2026-11-21"


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo store shared by the suite: 2024-01-01 to DEMO_END, about 150k rows."""
    from datetime import date

    from bmoredash.demo import write_demo

    path = tmp_path_factory.mktemp("demo") / "data"
    write_demo(path, start=date(2024, 1, 1), end=date.fromisoformat(DEMO_END))
    return path


@pytest.fixture(scope="session")
def dashboard_server():
    """``bmoredash serve`` on a free port with a demo store, shared by the HTTP and browser
    tests (one Voila process for the run)."""
    from browser_support import Server, demo_store

    with Server(demo_store()) as running:
        yield running


# --------------------------------------------------------------------------------------
# Browser tests: the shared server, one Chromium per module, a fresh tab per test
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(dashboard_server):
    """The shared dashboard server, once Chromium is known to be there (else a printed
    skip). Modules with a server of their own (fetch, load guard) override this name."""
    from browser_support import require_chromium

    require_chromium()
    return dashboard_server


@pytest.fixture(scope="module")
def browser(server):
    from browser_support import launch_chromium
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    from browser_support import new_tab

    with new_tab(browser) as tab:
        yield tab


#: The pages a test of the site's mechanics publishes (``publishing_only``).
FEW_PAGES = (
    "index.html",
    "district/western.html",
    "council/9.html",
    "neighborhood/harlem-park.html",
)


@contextlib.contextmanager
def publishing_only(paths: tuple[str, ...] = FEW_PAGES) -> Iterator[None]:
    """``bmoredash publish`` writes only the pages at ``paths`` (and the neighborhoods'
    list): a test of the swap, the archive or the explorer link needs a site, not all 303
    pages (about 25 s a publish on the suite's store). Counts stay those of the full site:
    only the list of places is cut."""
    from bmoredash.publish import data as site_data

    every = site_data.places
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(site_data, "places", lambda rows: [p for p in every(rows) if p.path in paths])
        yield


@pytest.fixture
def few_pages() -> Iterator[None]:
    with publishing_only():
        yield
