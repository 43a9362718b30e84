"""The Since 2012 and Baltimore among US cities pages in headless Chromium, on the demo server.

Each page is opened by its link, its table view is opened with "Show table", and the figures
the visitor reads are compared with what the package computes (``aggregate.long_run`` on
the store's rows; ``reference.peers`` on the table in use). Screenshots go to
``test-artifacts/screenshots/<name>.png``.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from browser_support import ROWS_JS, Server, assert_no_error, screenshot, wait_for_table

from bmoredash import store
from bmoredash.aggregate.long_run import rolling_totals, yearly_totals
from bmoredash.app.pages.peers import figures_table
from bmoredash.app.pages.since_2012 import rolling_table, yearly_table
from bmoredash.coverage import from_manifest
from bmoredash.reference import peers
from bmoredash.schema import PART1_OFFENSES
from bmoredash.selection import select_rows

pytestmark = [pytest.mark.browser, pytest.mark.slow]


#: Every cell of a table, row by row (header row first), as the page holds it.
def expected_rows(frame: pd.DataFrame) -> list[list[str]]:
    """A table view's rows as ``charts.html_table`` writes them: header, then index + cells."""
    head = [str(frame.index.name or ""), *[str(c) for c in frame.columns]]
    body = [
        [str(k), *[str(v) for v in row]]
        for k, row in zip(frame.index, frame.values.tolist(), strict=True)
    ]
    return [head, *body]


def test_since_2012_shows_the_yearly_and_rolling_totals_the_package_counts(
    page, server: Server
) -> None:
    manifest = store.read_manifest(server.data_dir)
    through = date.fromisoformat(manifest["data_through"])
    coverage = from_manifest(manifest)
    rows = select_rows(store.load_incidents(server.data_dir, offenses="all"))
    offenses = list(PART1_OFFENSES)
    totals = yearly_totals(rows, coverage, offenses, through)
    yearly = expected_rows(yearly_table(totals, offenses))
    rolling = expected_rows(rolling_table(rolling_totals(rows, coverage, offenses, through)))
    # The demo covers this year and last, each with days the source lacks: both partial.
    assert [r[-1].endswith("(partial)") for r in yearly[1:]] == [True, True]

    page.goto(server.url + "/?page=since-2012")
    body = page.locator(".bmd-page-since-2012")
    body.wait_for(state="visible")
    tables = body.locator(".bmd-table table")
    wait_for_table(page, tables.nth(0), yearly)
    wait_for_table(page, tables.nth(1), rolling)
    text = body.inner_text()
    assert "Partial:" in text and "days)" in text
    assert "no data is not zero" in text
    screenshot(page, "since-2012-chart")

    body.get_by_role("button", name="Show table").first.click()
    tables.nth(0).wait_for(state="visible")
    shown = tables.nth(0).evaluate(
        "t => Array.from(t.querySelectorAll('tr')).map("
        "r => Array.from(r.querySelectorAll('th,td')).map(c => c.innerText.trim()))"
    )
    assert shown == yearly  # what the visitor reads, once visible
    assert body.get_by_role("button", name="Show chart").count() == 1
    screenshot(page, "since-2012-table")
    assert_no_error(page)


def test_peers_shows_baltimore_beside_the_cities_with_the_source(page, server: Server) -> None:
    scorecard = peers.load(server.data_dir)
    figures = peers.city_figures(scorecard)
    murder = expected_rows(figures_table(figures, peers.MURDER))
    violent = expected_rows(figures_table(figures, peers.VIOLENT))

    page.goto(server.url + "/?page=peers")
    body = page.locator(".bmd-page-peers")
    body.wait_for(state="visible")
    table = body.locator(".bmd-table table")
    wait_for_table(page, table, murder)
    text = body.inner_text()
    assert "23.5 per 100,000 residents" in text  # 133 / 565,192
    assert peers.CITATION in text
    assert "April 24, 2026" in text
    assert "not ranked" in table.locator("caption").inner_text()
    screenshot(page, "peers-chart")

    body.get_by_role("button", name="Show table").click()
    table.wait_for(state="visible")
    baltimore = table.locator("tbody tr").first
    assert baltimore.locator("th").inner_text() == "Baltimore"
    assert baltimore.evaluate("r => getComputedStyle(r).fontWeight") == "700"
    screenshot(page, "peers-table")

    body.get_by_role("button", name="Violent crime").click()
    wait_for_table(page, table, violent)
    rows = {r[0]: r for r in table.evaluate(ROWS_JS)[1:]}
    assert rows["Jacksonville"][3:5] == ["no rate", "no rate"]
    assert "No rate, rather than a rate of 0: San Diego" in body.inner_text()
    assert_no_error(page)
