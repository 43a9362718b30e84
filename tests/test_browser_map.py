"""The Map page in headless Chromium (issue 13, "a map that helps"): outlines of every
level on a light ground with no tile request, clusters that do not take clicks, a click
on a district selects it and a second click on it clears it, the search box, the table
view; screenshots at 1280 and 390 px wide.
"""

from __future__ import annotations

import re

import pytest
from browser_support import LEAK_MARKERS, TIMEOUT_MS, Server, new_tab, screenshot

from bmoredash.app.pages import FRIENDLY_ERROR

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AREAS = ".bmd-page-map .leaflet-overlay-pane path.leaflet-interactive"
OUTLINES = ".bmd-page-map .leaflet-bmdOutlines-pane path"
CLUSTERS = ".bmd-page-map .leaflet-bmdClusters-pane path"
STATUS = ".bmd-page-map .bmd-map-status"

#: A point inside an element (not only inside its box) that a click would reach: the
#: first of a grid over its box where the page's topmost element is that element.
INSIDE_JS = """
el => {
  const box = el.getBoundingClientRect();
  for (let i = 1; i < 12; i++) {
    for (let j = 1; j < 12; j++) {
      const x = box.left + box.width * i / 12, y = box.top + box.height * j / 12;
      if (document.elementFromPoint(x, y) === el) return [x, y];
    }
  }
  return null;
}
"""


def assert_no_leak(tab) -> None:
    html = tab.content()
    for marker in LEAK_MARKERS:
        assert marker not in html, f"{marker!r} reached the page"
    assert FRIENDLY_ERROR not in html, "a page showed its error message"


def open_map(tab, server: Server) -> list[str]:
    """Open the Map page; the URLs it requested from any other host than the server."""
    elsewhere: list[str] = []
    tab.on(
        "request",
        lambda request: (
            None if request.url.startswith(server.url) else elsewhere.append(request.url)
        ),
    )
    tab.goto(f"{server.url}/?page=map")
    tab.locator(STATUS).wait_for(state="visible")
    tab.wait_for_function(
        f"() => document.querySelectorAll('{AREAS}').length >= 9"
        f" && document.querySelectorAll('{CLUSTERS}').length > 0",
        timeout=TIMEOUT_MS,
    )
    return elsewhere


def status_text(tab) -> str:
    return tab.locator(STATUS).inner_text()


def wait_for_status(tab, pattern: str) -> str:
    tab.wait_for_function(
        "([sel, pat]) => new RegExp(pat).test(document.querySelector(sel).innerText)",
        arg=[STATUS, pattern],
        timeout=TIMEOUT_MS,
    )
    return status_text(tab)


def test_outlines_on_a_light_ground_without_tiles_and_clusters(page, server: Server) -> None:
    elsewhere = open_map(page, server)
    assert page.locator(AREAS).count() == 9  # the nine districts take clicks, nothing else
    # the neighborhoods' and Council districts' outlines, never clickable
    assert page.locator(OUTLINES).count() >= 278 + 14
    assert page.locator(f"{OUTLINES}.leaflet-interactive").count() == 0
    assert page.locator(f"{CLUSTERS}.leaflet-interactive").count() == 0
    assert page.locator(".bmd-page-map .leaflet-tile").count() == 0
    assert elsewhere == []  # no tile server, no other host
    status = status_text(page)
    assert re.search(r"The circles count all [\d,]+ with a location, in [\d,]+ clusters", status)
    screenshot(page, "map-1280")
    assert_no_leak(page)


def test_click_a_district_then_click_it_again_to_clear(page, server: Server) -> None:
    open_map(page, server)
    assert "Baltimore City" in status_text(page)
    areas = page.locator(AREAS)
    for i in range(areas.count()):  # a district whose inside the click reaches
        areas.nth(i).scroll_into_view_if_needed()
        point = areas.nth(i).evaluate(INSIDE_JS)
        if point:
            break
    assert point, "no district could be clicked"
    page.mouse.click(*point)
    chosen = wait_for_status(page, r"\((\w+) District")
    name = re.search(r"\((\w+) District", chosen).group(1)
    # the map zoomed to the district; the selected outline is the thick one (once the
    # pointer has left it: the hover style is thinner)
    page.mouse.move(1, 1)
    selected = page.locator(f'{AREAS}[stroke-width="4"]')
    selected.wait_for(state="attached")
    page.wait_for_timeout(800)  # the zoom animation
    selected.scroll_into_view_if_needed()
    again = selected.evaluate(INSIDE_JS)
    assert again, f"the {name} district has no clickable point after zooming"
    page.mouse.click(*again)
    wait_for_status(page, r"\(Baltimore City")
    assert_no_leak(page)


def test_search_and_table_view(page, server: Server) -> None:
    open_map(page, server)
    box = page.get_by_placeholder("Neighborhood, district or block address")
    box.fill("Harlem Park")
    box.press("Enter")
    wait_for_status(page, r"Harlem Park")
    box.fill("no such street anywhere")
    box.press("Enter")
    message = page.locator(".bmd-page-map .bmd-map-search")
    message.filter(has_text="No neighborhood, district or block address").wait_for()
    page.get_by_role("button", name="Whole city").click()
    wait_for_status(page, r"\(Baltimore City")
    page.get_by_role("button", name="Show table").click()
    table = page.locator(".bmd-page-map table")
    table.wait_for(state="visible")
    assert table.locator("tbody tr").count() == 9
    assert page.locator(".bmd-page-map .leaflet-container").is_hidden()
    screenshot(page, "map-table-1280")
    assert_no_leak(page)


def test_map_on_a_phone(browser, server: Server) -> None:
    with new_tab(browser, width=390, height=844) as tab:
        open_map(tab, server)
        width = tab.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 391, f"the map page scrolls sideways ({width} px)"
        box = tab.locator(".bmd-page-map .leaflet-container").bounding_box()
        assert box is not None and box["width"] <= 390
        # the whole city fits the narrow map (fitted again once the browser gave its size)
        tab.wait_for_function(
            "sel => { const m = document.querySelector(sel).getBoundingClientRect();"
            " const c = document.querySelector(sel + ' .leaflet-overlay-pane"
            " path:not(.leaflet-interactive)').getBoundingClientRect();"
            " return c.left >= m.left - 1 && c.right <= m.right + 1"
            " && c.top >= m.top - 1 && c.bottom <= m.bottom + 1; }",
            arg=".bmd-page-map .leaflet-container",
            timeout=TIMEOUT_MS,
        )
        screenshot(tab, "map-390")
        assert_no_leak(tab)
