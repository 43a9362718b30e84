"""The deployment of docs/deployment.md, run: nginx with the documented server block in
front of a published site and the explorer (``bmoredash serve --fork-kernels --preheat``),
followed in Chromium from a static page's "Explore these numbers" to the dashboard's
numbers, with the documented headers on the way.

Skips, saying why, where nginx or Chromium is missing (``.ci/run`` installs both).
"""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest
from browser_support import (
    Server,
    dashboard_cards,
    new_tab,
    read_page,
    require_chromium,
    wait_for_app,
    wait_for_cards,
)
from conftest import DEMO_END, publishing_only
from nginx_support import Nginx, nginx_binary

from bmoredash.publish import publish
from bmoredash.report.batch import write_index

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WEEK = "2026-11-21"


def require_nginx() -> None:
    if nginx_binary() is None:
        message = "nginx is not installed (apt-get install nginx-light; .ci/run does)"
        print(f"SKIP: {message}")
        pytest.skip(message)


@pytest.fixture(scope="module")
def site(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as the schedule publishes it: explorer at /dashboard/, one week of reports."""
    root = tmp_path_factory.mktemp("deployed")
    week = root / "reports" / WEEK
    week.mkdir(parents=True)
    (week / "CITYWIDE.html").write_text("<!DOCTYPE html><title>city</title>", encoding="utf-8")
    write_index(week, demo=True, data_through=DEMO_END)
    with publishing_only():
        publish(demo_store, root / "site", explorer_url="/dashboard/", reports_dir=root / "reports")
    return root / "site"


@pytest.fixture(scope="module")
def deployed(site: Path, demo_store: Path, tmp_path_factory: pytest.TempPathFactory):
    """nginx (the documented block) in front of the site and a forked, preheated explorer."""
    require_nginx()
    require_chromium()
    with Server(demo_store, fork_kernels=True, preheat=True, pool_size=1) as explorer:
        explorer.wait_for_pool()
        with Nginx(site, explorer.port, tmp_path_factory.mktemp("nginx")) as nginx:
            yield nginx, explorer


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_nginx_serves_the_site_with_the_documented_headers(deployed, site: Path) -> None:
    nginx, _ = deployed
    status, headers, body = get(f"{nginx.url}/district/western.html")
    assert (status, body) == (200, (site / "district/western.html").read_bytes())
    assert headers["Cache-Control"] == "public, max-age=300"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    status, headers, _ = get(f"{nginx.url}/embed/trend/district/western.html")
    assert status == 200 and "X-Frame-Options" not in headers  # news sites may frame it
    status, headers, body = get(f"{nginx.url}/reports/feed.atom")
    assert status == 200 and headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert headers["Cache-Control"] == "public, max-age=3600"
    assert body == (site / "reports/feed.atom").read_bytes()
    status, headers, _ = get(f"{nginx.url}/district/western.csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert get(f"{nginx.url}/.bmoredash-site")[0] == 404


def test_plain_gets_of_the_explorer_start_no_kernel(deployed) -> None:
    """A crawler following every Explore link gets the light page, through nginx too."""
    nginx, explorer = deployed
    status, _, body = get(f"{nginx.url}/dashboard/?district=WESTERN")
    assert status == 200 and b"bmd-shell" in body
    assert "Using pre-heated kernel" not in explorer.log_text()


@pytest.mark.parametrize("path", ["district/western.html", "council/9.html"])
def test_explore_through_nginx_opens_the_pages_numbers(
    deployed, site: Path, browser, path: str
) -> None:
    nginx, explorer = deployed
    static = read_page(site / path)
    with new_tab(browser) as tab:
        tab.goto(f"{nginx.url}/{path}")
        tab.get_by_role("link", name="Explore these numbers").click()
        wait_for_app(tab)
        wait_for_cards(tab, static.cards)
        assert tab.url == f"{nginx.url}{static.explore[0]}"
        assert dashboard_cards(tab) == static.cards
    assert "Blocking Cross Origin WebSocket" not in explorer.log_text()
