"""The dashboard on a 390 x 844 phone screen in headless Chromium (issue 13, section 1).

Every page, opened by its deep link, must fit the screen's width (a table scrolls inside
its own box, a chart or the map fits), and is screenshotted under
``test-artifacts/screenshots/phone-<page>.png``. On the Overview the first headline number
must start within the first screen: the filters fold into one summary button
("Filters: Citywide · 2026 · all Part 1 offenses"), the link into a "Share" button, and a
page menu replaces the row of page buttons.
"""

from __future__ import annotations

from datetime import date

import pytest
from browser_support import (
    TIMEOUT_MS,
    Server,
    assert_no_error,
    new_tab,
    screenshot,
    wait_for_app,
)

from bmoredash import store
from bmoredash.app.registry import PAGES

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTH, HEIGHT = 390, 844
#: One pixel of rounding (a box of 390.4 px is not a sideways scroll).
SLACK = 1

#: The boxes that may scroll sideways inside the page: a table's own box
#: (``templates/table.html.j2``).
SCROLL_BOXES = ".bmd-table"
#: What is wrong with the page's width at this viewport, one line each (none: it fits).
#: - the page itself (``.bmd-app`` and every box around it up to ``html``) scrolls sideways;
#: - an element reaches past the screen's right edge and the nearest box that clips it does
#:   not scroll (the visitor cannot reach what is cut off), scrolls but is not one of the
#:   ``SCROLL_BOXES``, or scrolls but itself reaches past the edge;
#: - a chart (bqplot) or the map (leaflet) is wider than the screen (these must fit, not
#:   scroll).
WIDTH_PROBLEMS_JS = """
([limit, scrollers]) => {
  const problems = [];
  const name = e => e.tagName.toLowerCase() + (e.getAttribute('class') ?
    '.' + e.getAttribute('class').trim().split(/\\s+/).slice(-2).join('.') : '');
  const app = document.querySelector('.bmd-app');
  for (let e = app; e; e = e.parentElement) {
    if (e.scrollWidth > e.clientWidth + 1 && e.scrollWidth > limit) {
      problems.push(`${name(e)} scrolls sideways: ${e.scrollWidth} px wide`);
    }
  }
  const visible = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  for (const e of app.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    // A map clips its own tiles and layers: the map's box is checked below.
    if (r.right <= limit || !visible(e) || e.closest('.leaflet-container')) continue;
    let box = e.parentElement;
    while (box && box !== app && getComputedStyle(box).overflowX === 'visible') {
      box = box.parentElement;
    }
    const overflow = box ? getComputedStyle(box).overflowX : 'none';
    if (box === app || !box) {
      problems.push(`${name(e)} reaches ${Math.round(r.right)} px, past the screen`);
    } else if (!['auto', 'scroll'].includes(overflow)) {
      problems.push(`${name(e)} is cut off at the screen's edge by ${name(box)}`);
    } else if (!box.matches(scrollers)) {
      problems.push(`${name(e)} scrolls sideways in ${name(box)}, not a table's own box`);
    } else if (box.getBoundingClientRect().right > limit) {
      problems.push(`${name(box)}, a scrolling box, reaches past the screen`);
    }
  }
  for (const e of app.querySelectorAll('.bqplot.figure, .leaflet-container')) {
    const r = e.getBoundingClientRect();
    if (visible(e) && r.right > limit) {
      problems.push(`${name(e)} is ${Math.round(r.width)} px wide, to ${Math.round(r.right)}`);
    }
  }
  return [...new Set(problems)].slice(0, 12);
}
"""


@pytest.fixture(scope="module")
def through(server: Server) -> date:
    return date.fromisoformat(store.read_manifest(server.data_dir)["data_through"])


@pytest.fixture
def phone(browser, server):
    with new_tab(browser, WIDTH, HEIGHT) as tab:
        yield tab


def open_page(tab, server: Server, slug: str, query: str = "") -> None:
    """Open page ``slug`` by its deep link and wait until it has drawn."""
    tab.goto(f"{server.url}/?page={slug}{query}")
    tab.locator(f".bmd-page-{slug}").wait_for(state="visible", timeout=TIMEOUT_MS)
    tab.wait_for_function("() => document.title.includes(' · ')", timeout=TIMEOUT_MS)
    tab.wait_for_timeout(1500)  # charts and maps finish drawing


def first_number_top(tab) -> float:
    """Where the Overview's first headline number starts, in px from the top of the page."""
    box = tab.locator(".bmd-card .bmd-count").first.bounding_box()
    assert box is not None, "the first headline number is not on screen"
    return box["y"]


@pytest.mark.parametrize("slug", [spec.slug for spec in PAGES])
def test_every_page_fits_a_phone_screen(phone, server: Server, slug: str) -> None:
    open_page(phone, server, slug)
    problems = phone.evaluate(WIDTH_PROBLEMS_JS, [WIDTH + SLACK, SCROLL_BOXES])
    widths = phone.evaluate(
        "() => [document.documentElement.scrollWidth, document.body.scrollWidth]"
    )
    screenshot(phone, f"phone-{slug}")
    assert_no_error(phone)
    assert problems == [], f"{slug} at {WIDTH} px: " + "; ".join(problems)
    assert max(widths) <= WIDTH + SLACK, f"{slug}: the document is {max(widths)} px wide"


def test_the_first_number_is_on_the_first_phone_screen(phone, server: Server) -> None:
    phone.goto(server.url + "/")
    wait_for_app(phone)
    phone.wait_for_timeout(1000)  # the cards' notes settle
    top = first_number_top(phone)
    print(f"first headline number at y = {top:.0f} px on a {WIDTH} x {HEIGHT} screen")
    assert top < HEIGHT, f"the first number starts at {top:.0f} px, below the first screen"
    assert phone.locator(".bmd-nav").is_hidden(), "on a phone a menu replaces the page buttons"
    assert selected_page(phone) == "Overview"


def selected_page(tab) -> str:
    """The page the phone's page menu names."""
    menu = tab.locator(".bmd-page-menu select")
    return menu.evaluate("s => s.options[s.selectedIndex].text")


def test_the_page_menu_names_the_page_and_changes_it(phone, server: Server) -> None:
    open_page(phone, server, "arrests")
    assert selected_page(phone) == "Arrests", "a deep link's page is the one the menu names"
    phone.locator(".bmd-page-menu select").select_option(label="Trends")
    phone.locator(".bmd-page-trends").wait_for(state="visible")
    assert phone.locator(".bmd-page-arrests").count() == 0


def test_the_filter_summary_opens_the_filters_and_follows_them(
    phone, server: Server, through: date
) -> None:
    year = through.year - 1
    phone.goto(f"{server.url}/?year={year}")
    wait_for_app(phone)
    summary = phone.locator(".bmd-filter-summary")
    filters = phone.locator(".bmd-filters")
    expect_text = f"Filters: Citywide · {year} · all Part 1 offenses"
    phone.wait_for_function(
        "t => document.querySelector('.bmd-filter-summary').textContent.trim() === t",
        arg=expect_text,
    )
    assert summary.is_visible()
    assert filters.is_hidden(), "on a phone the filters start folded"
    assert phone.locator(".bmd-linkbox").is_hidden(), "on a phone the link starts folded"

    summary.click()
    filters.wait_for(state="visible")
    district = filters.locator(".widget-dropdown").filter(
        has=phone.get_by_text("District", exact=True)
    )
    district.locator("select").select_option(label="Western")
    phone.wait_for_function(
        "t => document.querySelector('.bmd-filter-summary').textContent.trim() === t",
        arg=f"Filters: Western District · {year} · all Part 1 offenses",
    )
    summary.click()
    filters.wait_for(state="hidden")

    phone.locator(".bmd-share").click()
    phone.locator(".bmd-linkbox").wait_for(state="visible")
    link = phone.locator(".bmd-linkbox input").input_value()
    assert "district=WESTERN" in link
    assert f"year={year}" in link


def test_a_wide_screen_shows_the_filters_and_no_summary(browser, server: Server) -> None:
    with new_tab(browser, 1280, 900) as tab:
        tab.goto(server.url + "/")
        wait_for_app(tab)
        assert tab.locator(".bmd-filters").is_visible()
        assert tab.locator(".bmd-linkbox").is_visible()
        assert tab.locator(".bmd-filter-summary").is_hidden()
        assert tab.locator(".bmd-share").is_hidden()
        assert tab.locator(".bmd-page-menu").is_hidden()
        assert tab.locator(".bmd-nav").is_visible()
