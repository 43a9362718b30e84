"""The rate switch in headless Chromium: the Neighborhoods ranking, the Map and the Overview
opened with ``measure=rates`` show rates per 1,000 residents recounted here with plain
pandas (the server's demo rows and the shipped population CSVs).
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest
from browser_support import LEAK_MARKERS, TIMEOUT_MS, Server, screenshot

from bmoredash import store
from bmoredash.app.pages import FRIENDLY_ERROR
from bmoredash.config import PACKAGE_DIR
from bmoredash.schema import PART1_OFFENSES

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: Part 1 property offenses, the "Part 1 property" card's (FBI UCR Part I).
PROPERTY = ("BURGLARY", "LARCENY", "LARCENY FROM AUTO", "AUTO THEFT", "ARSON")
POPULATION = PACKAGE_DIR / "reference" / "data" / "population"


@pytest.fixture(scope="module")
def this_year(server: Server) -> pd.DataFrame:
    """The server's Part 1 rows of this year to date, read apart from the app."""
    rows = store.load_incidents(server.data_dir, offenses="all")
    through = date.fromisoformat(store.read_manifest(server.data_dir)["data_through"])
    day = rows["occurred_at"].dt.tz_convert("America/New_York").dt.date
    keep = day.between(date(through.year, 1, 1), through)
    return rows[keep & rows["offense"].astype(str).isin(PART1_OFFENSES)]


def residents(level: str) -> pd.Series:
    table = pd.read_csv(POPULATION / f"{level}.csv", dtype={"area": str})
    return table.set_index("area")["residents"]


def assert_no_leak(tab) -> None:
    html = tab.content()
    for marker in LEAK_MARKERS:
        assert marker not in html, f"{marker!r} reached the page"
    assert FRIENDLY_ERROR not in html, "a page showed its error message"


def test_neighborhoods_rank_by_rate_per_1000(page, server: Server, this_year) -> None:
    page.goto(f"{server.url}/?page=neighborhoods&measure=rates")
    body = page.locator(".bmd-page-neighborhoods")
    body.locator(".bmd-rates-apart").wait_for(state="visible")
    switch = body.locator(".bmd-measure")
    assert "mod-active" in switch.get_by_role("button", name="Per 1,000 residents").get_attribute(
        "class"
    )
    downtown = int((this_year["neighborhood"].astype(str) == "Downtown").sum())
    rate = downtown / residents("neighborhood")["Downtown"] * 1000
    body.get_by_role("button", name="Show table").nth(1).click()  # the ranking's table
    row = body.locator("tr", has=page.get_by_role("rowheader", name="Downtown", exact=True))
    cells = row.first.locator("td").all_inner_texts()
    assert f"{rate:,.1f}" in cells and f"{downtown:,}" in cells and "7,171" in cells
    apart = body.locator(".bmd-rates-apart").inner_text()
    assert "fewer than 1,000 residents" in apart
    assert "Patterson Park" in apart
    screenshot(page, "neighborhoods-rates")
    assert_no_leak(page)


def test_map_fills_districts_by_rate(page, server: Server, this_year) -> None:
    page.goto(f"{server.url}/?page=map&measure=rates")
    legend = page.locator(".bmd-page-map .bmd-map-legend", has_text="per 1,000 residents")
    legend.wait_for(state="visible")
    counts = this_year["district"].astype(str).value_counts()
    people = residents("district_2023")
    rate = (counts.reindex(people.index).fillna(0) / people * 1000).dropna()
    text = legend.inner_text()
    assert "per 1,000 residents (2020 Census)" in text
    # the scale runs from the lowest to the highest district rate (one decimal)
    assert f"{rate.min():,.1f}–" in text and f"–{rate.max():,.1f}" in text
    note = page.locator(".bmd-page-map .bmd-rates-note").inner_text()
    assert "per 1,000 residents" in note
    page.wait_for_function(
        "() => document.querySelectorAll('.bmd-page-map path.leaflet-interactive').length >= 9",
        timeout=TIMEOUT_MS,
    )
    screenshot(page, "map-rates")
    assert_no_leak(page)


def test_overview_cards_add_the_city_rate(page, server: Server, this_year) -> None:
    page.goto(f"{server.url}/?measure=rates")
    card = page.locator('.bmd-card[aria-label="Part 1 property"]')
    card.locator(".bmd-rate-now").wait_for(state="visible")
    offense = this_year["offense"].astype(str)
    property_rows = int(offense.isin(PROPERTY).sum())
    expected = property_rows / 585_708 * 1000
    shown = card.locator(".bmd-rate-now").inner_text()
    assert shown == f"{expected:,.1f}"
    assert re.search(r"585,708 residents", page.locator(".bmd-page-overview").inner_text())
    screenshot(page, "overview-rates")
    assert_no_leak(page)
