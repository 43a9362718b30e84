"""The dashboard in headless Chromium against a real ``bmoredash.serving.launch`` server.

One server (demo data, two years, real boundaries when ../shared has them) and one browser
for the module. Every page is opened and screenshotted under
``test-artifacts/screenshots/<page>.png``.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest
from browser_support import (
    LEAK_MARKERS,
    TIMEOUT_MS,
    Server,
    new_tab,
    screenshot,
    wait_for_app,
)

from bmoredash import aggregate, store
from bmoredash.app.pages import FRIENDLY_ERROR
from bmoredash.app.registry import PAGES
from bmoredash.selection import select_rows

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HEADLINES = ("Homicides", "Non-fatal shootings", "Part 1 violent", "Part 1 property")


@pytest.fixture(scope="module")
def incidents(server: Server) -> pd.DataFrame:
    return store.load_incidents(server.data_dir, offenses="all")


@pytest.fixture(scope="module")
def through(server: Server) -> date:
    return date.fromisoformat(store.read_manifest(server.data_dir)["data_through"])


def card_counts(tab) -> dict[str, int]:
    """The four headline numbers as the visitor sees them."""
    counts = {}
    for label in HEADLINES:
        text = tab.locator(f'.bmd-card[aria-label="{label}"] .bmd-count').inner_text()
        counts[label] = int(text.replace(",", ""))
    return counts


def wait_for_counts(tab, expected: dict[str, int], timeout_ms: float = 60_000) -> None:
    """Wait until the cards show ``expected`` (the kernel answers asynchronously)."""
    deadline = pd.Timestamp.now() + pd.Timedelta(milliseconds=timeout_ms)
    while pd.Timestamp.now() < deadline:
        try:
            if card_counts(tab) == expected:
                return
        except Exception:  # cards not drawn yet
            pass
        tab.wait_for_timeout(200)
    assert card_counts(tab) == expected


def district_select(tab):
    """The District dropdown of the filter bar."""
    label = tab.get_by_text("District", exact=True)
    return tab.locator(".bmd-filters .widget-dropdown").filter(has=label).locator("select")


def ytd_cards(incidents: pd.DataFrame, through: date, district: str | None = None) -> dict:
    """The four headline numbers the package computes for a district (None: citywide)."""
    rows = select_rows(incidents, districts=[district] if district else None)
    return {c.label: c.current for c in aggregate.ytd_comparison(rows, through)}


def assert_no_leak(tab) -> None:
    html = tab.content()
    for marker in LEAK_MARKERS:
        assert marker not in html, f"{marker!r} reached the page"
    assert FRIENDLY_ERROR not in html, "a page showed its error message"
    assert "There was an error when executing cell" not in html


def test_every_page_renders(page, server: Server) -> None:
    page.goto(server.url + "/")
    seconds = wait_for_app(page)
    print(f"first headline number after {seconds:.1f} s")
    nav = page.locator(".bmd-nav")
    titles = [b.strip() for b in nav.locator("button").all_inner_texts()]
    assert titles == [spec.title for spec in PAGES], "all eight pages are in the navigation"
    for spec in PAGES:
        nav.get_by_role("button", name=spec.title, exact=True).click()
        body = page.locator(f".bmd-page-{spec.slug}")
        body.wait_for(state="visible")
        title = f"{spec.title} · Baltimore City · Baltimore Part 1 crime"  # each view its own
        page.wait_for_function("t => document.title === t", arg=title, timeout=TIMEOUT_MS)
        page.wait_for_timeout(600)  # let charts and maps finish drawing
        screenshot(page, spec.slug)
        assert body.inner_text().strip(), f"page {spec.slug} is empty"
        assert_no_leak(page)


def test_the_overview_asks_no_other_site(page, server: Server) -> None:
    """Offline or behind a closed network the app must load: every request goes to us."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(server.url + "/")
    wait_for_app(page)
    assert any(url.startswith(server.url + "/voila/") for url in requested), requested
    elsewhere = [url for url in requested if not url.startswith((server.url, "data:", "blob:"))]
    assert elsewhere == [], f"the Overview asked other sites for {elsewhere}"


def test_district_changes_the_overview_numbers(page, server: Server, incidents, through) -> None:
    page.goto(server.url + "/")
    wait_for_app(page)
    citywide = ytd_cards(incidents, through)
    wait_for_counts(page, citywide)

    district_select(page).select_option(label="Western")
    expected = ytd_cards(incidents, through, "WESTERN")
    assert expected != citywide
    wait_for_counts(page, expected)
    assert_no_leak(page)


def test_a_deep_link_opens_the_right_view(page, server: Server, incidents, through) -> None:
    year = through.year - 1
    page.goto(f"{server.url}/?district=WESTERN&year={year}")
    wait_for_app(page)
    window = aggregate.Window(date(year, 1, 1), date(year, 12, 31))
    rows = select_rows(incidents, districts=["WESTERN"], window=window)
    expected = aggregate.headline_counts(rows).to_dict()
    wait_for_counts(page, {label: int(n) for label, n in expected.items()})
    selected = district_select(page).evaluate("s => s.options[s.selectedIndex].text")
    assert selected == "Western"
    assert re.search(rf"\b{year}\b", page.locator(".bmd-page-overview").inner_text())
    assert page.title() == "Overview · Western District · Baltimore Part 1 crime"


def test_the_count_switch_counts_incidents_and_says_so(
    page, server: Server, incidents, through
) -> None:
    page.goto(f"{server.url}/?district=WESTERN")
    wait_for_app(page)
    wait_for_counts(page, ytd_cards(incidents, through, "WESTERN"))
    page.locator(".bmd-filters").get_by_role("button", name="Incidents", exact=True).click()
    # Independent recount: distinct case numbers among Western's Part 1 victims this year
    # to date, each under its most serious offense.
    rows = select_rows(incidents, districts="WESTERN", start=date(through.year, 1, 1), end=through)
    keyed = rows[rows["incident_id"].notna()].copy()
    keyed["rank"] = keyed["offense"].astype(str).map(list(aggregate.OFFENSE_RANK).index)
    first = keyed.sort_values(["incident_id", "rank"], kind="stable").drop_duplicates("incident_id")
    expected = aggregate.headline_counts(first).to_dict()
    assert expected != ytd_cards(incidents, through, "WESTERN")
    wait_for_counts(page, {label: int(n) for label, n in expected.items()})
    unit = page.locator('.bmd-card[aria-label="Homicides"] .bmd-unit').inner_text()
    assert unit == "incidents"
    assert "Counts are incidents" in page.locator(".bmd-page-overview").inner_text()
    assert "count=incidents" in page.url


def test_council_and_legislative_filters_and_district_lines(
    page, server: Server, incidents, through
) -> None:
    """The Council dropdown narrows the cards to the rows placed in that district; a link
    reads districts by the 1959-2022 lines; both are recounted here from the stored columns
    with a plain mask."""
    page.goto(server.url + "/")
    wait_for_app(page)
    wait_for_counts(page, ytd_cards(incidents, through))
    council = page.locator(".bmd-filters .widget-dropdown", has_text="Council district")
    council.locator("select").select_option(label="Council District 9")
    ytd = (incidents["occurred_at"].dt.date >= date(through.year, 1, 1)) & (
        incidents["occurred_at"].dt.date <= through
    )
    in_nine = incidents[ytd & (incidents["council_district"].astype(str) == "9")]
    expected = aggregate.headline_counts(in_nine).to_dict()
    wait_for_counts(page, {label: int(n) for label, n in expected.items()})
    assert "Council District 9" in page.locator(".bmd-page-overview").inner_text()
    assert "council=9" in page.url

    page.goto(f"{server.url}/?district=WESTERN&lines=pre2023&legislative=40")
    wait_for_app(page)
    old_western = incidents[
        ytd
        & (incidents["district_pre2023"].astype(str) == "WESTERN")
        & (incidents["legislative_district"].astype(str) == "40")
    ]
    expected = aggregate.headline_counts(old_western).to_dict()
    assert expected != ytd_cards(incidents, through, "WESTERN")
    wait_for_counts(page, {label: int(n) for label, n in expected.items()})
    text = page.locator(".bmd-page-overview").inner_text()
    assert "Legislative District 40" in text and "1959-2022 lines" in text
    assert_no_leak(page)


def test_every_hostile_link_renders_a_dashboard(page, server: Server) -> None:
    from tests.test_hostile_links import BROWSER_LINKS

    for query in BROWSER_LINKS:
        page.goto(f"{server.url}/?{query}")
        wait_for_app(page)  # the headline cards are drawn
        assert_no_leak(page)
        assert "Traceback" not in page.content(), query


def test_a_deep_link_opens_the_right_view_with_a_preheated_kernel(
    browser, server: Server, incidents, through
) -> None:
    """The pool's kernel ran the notebook before the visitor came; the link still counts."""
    with Server(server.data_dir, preheat=True, pool_size=1) as warm:
        warm.wait_for_pool()
        with new_tab(browser) as tab:
            tab.goto(f"{warm.url}/?district=EASTERN&offense=violent")
            wait_for_app(tab)
            wait_for_counts(tab, ytd_cards(incidents, through, "EASTERN"))
            selected = district_select(tab).evaluate("s => s.options[s.selectedIndex].text")
            assert selected == "Eastern"
            assert "Using pre-heated kernel" in warm.log_text()
            assert_no_leak(tab)


def test_forked_kernels_answer_filters_like_started_ones(
    browser, server: Server, incidents, through
) -> None:
    """``--fork-kernels``: the page's widgets talk to a forked kernel like to any other."""
    with Server(server.data_dir, fork_kernels=True) as forking, new_tab(browser) as tab:
        tab.goto(f"{forking.url}/?district=SOUTHERN")
        wait_for_app(tab)
        wait_for_counts(tab, ytd_cards(incidents, through, "SOUTHERN"))
        district_select(tab).select_option(label="Northeast")
        wait_for_counts(tab, ytd_cards(incidents, through, "NORTHEAST"))
        assert "could not fork a kernel" not in forking.log_text()
        assert_no_leak(tab)


def test_map_draws_district_polygons(page, server: Server) -> None:
    page.goto(server.url + "/?page=map")
    page.locator(".bmd-page-map .leaflet-container").wait_for(state="visible")
    paths = page.locator(".bmd-page-map .leaflet-container path.leaflet-interactive")
    page.wait_for_function(
        "() => document.querySelectorAll('.bmd-page-map path.leaflet-interactive').length >= 9",
        timeout=TIMEOUT_MS,
    )
    assert paths.count() >= 9  # nine district polygons, plus incident points
    status = page.locator(".bmd-map-status").inner_text()
    assert re.match(r"[\d,]+ victims \(Baltimore City", status), status  # what it counts
    assert_no_leak(page)


def test_cvi_page_lists_programs_with_sources(page, server: Server) -> None:
    page.goto(server.url + "/?page=cvi")
    programs = page.locator(".bmd-cvi-program")
    programs.first.wait_for(state="visible")
    assert programs.count() >= 20
    text = page.locator(".bmd-page-cvi").inner_text()
    assert "Safe Streets Penn North" in text
    assert "Source:" in text
    assert_no_leak(page)


def test_back_and_forward_move_between_views_inside_the_app(page, server: Server) -> None:
    """A page change is a step in the browser's history; Back and Forward return to the
    view (the page and its in-page choice) without leaving or reloading the app."""
    page.goto(server.url + "/")
    wait_for_app(page)
    page.evaluate("() => { window.bmdSameDocument = true; }")
    nav = page.locator(".bmd-nav")
    nav.get_by_role("button", name="Trends", exact=True).click()
    page.wait_for_function("() => location.search === '?page=trends'", timeout=TIMEOUT_MS)
    trends = page.locator(".bmd-page-trends")
    trends.get_by_role("button", name="Monthly", exact=True).click()
    page.wait_for_function("() => location.search === '?page=trends&interval=monthly'")
    nav.get_by_role("button", name="Victims", exact=True).click()
    page.wait_for_function("() => location.search === '?page=victims'", timeout=TIMEOUT_MS)
    page.locator(".bmd-page-victims").wait_for(state="visible")

    page.go_back()
    trends.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert page.evaluate("() => location.search") == "?page=trends&interval=monthly"
    monthly = trends.get_by_role("button", name="Monthly", exact=True)
    page.wait_for_function("b => b.classList.contains('mod-active')", arg=monthly.element_handle())
    assert page.title().startswith("Trends · ")

    page.go_back()
    page.locator(".bmd-page-overview").wait_for(state="visible", timeout=TIMEOUT_MS)
    assert page.evaluate("() => location.search") == ""
    page.go_forward()
    trends.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert page.evaluate("() => window.bmdSameDocument") is True, "the app was reloaded"
    assert_no_leak(page)
