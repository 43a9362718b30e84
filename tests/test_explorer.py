"""The static site's "Explore these numbers" link opens the explorer on the page's selection,
with the deployment settings (forked kernels from a preheated pool): the dashboard's
headline cards show the static page's counts and name the same place; the load guard still
gives a link fetched without a browser no kernel, and a closed tab's forked kernel ends.

One published site (``bmoredash publish`` on the suite's demo store, explorer at ``/``) and
one explorer (``Server(fork_kernels=True, preheat=True, pool_size=1)``) for the module.
"""

from __future__ import annotations

import time
from pathlib import Path

import psutil
import pytest
from browser_support import (
    Server,
    http_get,
    new_tab,
    read_page,
    require_chromium,
    wait_for_app,
    wait_for_cards,
)

from bmoredash.app.state import FilterState
from bmoredash.publish import publish
from bmoredash.serving import guard

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def site(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("explorer-site") / "site"
    publish(demo_store, out, explorer_url="/")
    return out


@pytest.fixture(scope="module")
def server(demo_store: Path):
    """The explorer as deployed: forked kernels, one waiting with the notebook run."""
    require_chromium()
    with Server(demo_store, fork_kernels=True, preheat=True, pool_size=1) as explorer:
        explorer.wait_for_pool()
        yield explorer


def kernel_processes(server: Server) -> tuple[list[str], int]:
    """(command lines of kernels started the usual way, ``ipykernel_launcher`` as a process
    of its own; how many kernels the fork server has forked and are alive)."""
    assert server.process is not None
    usual, forked = [], 0
    for child in psutil.Process(server.process.pid).children():
        try:
            command = " ".join(child.cmdline())
            if "ipykernel_launcher" in command:
                usual.append(command)
            elif "bmoredash.serving.fork_kernels" in command:
                forked += len(child.children())
        except psutil.Error:
            continue
    return usual, forked


def wait_for_forked(server: Server, count: int, timeout_s: float = 60) -> int:
    """Wait until the fork server has ``count`` live kernels; how many it has."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and kernel_processes(server)[1] != count:
        time.sleep(0.5)
    return kernel_processes(server)[1]


def test_a_link_fetched_without_a_browser_takes_no_kernel(server: Server, site: Path) -> None:
    """A link preview or crawler following "Explore these numbers" gets the light page."""
    link = read_page(site / "council/9.html").explore[0]
    pooled_before = server.log_text().count("Using pre-heated kernel")
    status, body, _ = http_get(server.url + link, timeout=30)
    assert status == 200 and guard.SHELL_MARKER in body
    assert server.log_text().count("Using pre-heated kernel") == pooled_before


def test_a_closed_explorer_tab_frees_its_forked_kernel(browser, server: Server, site: Path) -> None:
    link = read_page(site / "district/eastern.html").explore[0]
    assert wait_for_forked(server, 1) == 1, "the pool's one kernel, no visitor's"
    with new_tab(browser) as tab:
        tab.goto(server.url + link)
        wait_for_app(tab)
        assert wait_for_forked(server, 2) == 2, "the visitor's kernel and the refilled pool"
        tab.goto("about:blank")  # leaving the page, as closing the tab: its kernel ends
        assert wait_for_forked(server, 1) == 1


@pytest.mark.parametrize(
    ("page_path", "state"),
    [
        ("council/9.html", FilterState(council="9")),
        ("district/eastern.html", FilterState(district="EASTERN")),
    ],
    ids=["council-9", "eastern-district"],
)
def test_explore_link_opens_the_static_pages_numbers_on_a_forked_preheated_kernel(
    browser, server: Server, site: Path, page_path: str, state: FilterState
) -> None:
    static = read_page(site / page_path)
    assert static.explore == [f"/?{state.to_query()}"], "one link, to the page's selection"
    assert len(static.cards) == 4 and all(static.cards.values()), static.cards

    pooled_before = server.log_text().count("Using pre-heated kernel")
    with new_tab(browser) as tab:
        tab.goto(server.url + static.explore[0])
        wait_for_app(tab)
        wait_for_cards(tab, static.cards)
        place = tab.locator(".bmd-page-overview strong").first.inner_text().strip()
        assert place == static.title, "the Overview names the static page's place"

    log = server.log_text()
    assert log.count("Using pre-heated kernel") == pooled_before + 1, "this visit's kernel"
    assert "could not fork" not in log
    usual, forked = kernel_processes(server)
    assert usual == [], "every kernel is a fork"
    assert forked >= 1, "the visitor's kernel is a child of the fork server"
