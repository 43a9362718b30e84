"""Accessibility of the dashboard in headless Chromium: axe-core (vendored) on every page,
every "Show table" open, at a desktop (1280 x 900) and a phone (390 x 844) size.

Why every table open: a table is a scrollable box that only axe sees once it is shown
(``scrollable-region-focusable`` failed on five pages before issue 13). Every violation is
printed with its count of elements, so the figures of a run can be read from its log.
"""

from __future__ import annotations

import re
import time
from datetime import date

import pytest
from browser_support import (
    AXE_SCRIPT,
    AXE_TAGS,
    ROWS_JS,
    TIMEOUT_MS,
    Server,
    assert_no_error,
    dashboard_cards,
    new_tab,
    screenshot,
)

from bmoredash import style
from bmoredash.app.registry import PAGES

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: (width, height) of a desktop window and of a phone.
SIZES = ((1280, 900), (390, 844))
SHOW_TABLE = "Show table"
BLOCKING = ("serious", "critical")
#: The one chart with no figure to state on the suite's demo store (see below).
NO_FIGURE_ON_DEMO = "Rolling 12-month total"


def axe_report(tab) -> list[dict]:
    """Every axe-core violation on the tab's page: id, impact and how many elements fail
    (the same vendored script and rule tags as ``browser_support.axe_violations``)."""
    tab.add_script_tag(path=str(AXE_SCRIPT))
    return tab.evaluate(
        "async tags => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, count: v.nodes.length, "
        "target: v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(' | ')}))",
        AXE_TAGS,
    )


def open_page(tab, server: Server, slug: str, title: str) -> None:
    """Open the page by its deep link and wait until it is drawn and titled."""
    tab.goto(f"{server.url}/?page={slug}")
    tab.wait_for_selector(".bmd-app", timeout=TIMEOUT_MS)
    tab.locator(f".bmd-page-{slug}").wait_for(state="visible", timeout=TIMEOUT_MS)
    tab.wait_for_function(
        "t => document.title.startsWith(t + ' · ')", arg=title, timeout=TIMEOUT_MS
    )
    tab.wait_for_timeout(600)  # let charts and maps finish drawing


def open_every_table(tab, slug: str, timeout_s: float = 60) -> int:
    """Click every "Show table" toggle of the page; how many were clicked. Each click is a
    round trip to the kernel, so wait until its label turns to "Show chart"."""
    # By role and exact name: an icon's glyph in the name would leave a table closed.
    toggles = tab.locator(f".bmd-page-{slug}").get_by_role("button", name=SHOW_TABLE, exact=True)
    panels = (
        tab.locator(f".bmd-page-{slug} button.widget-toggle-button")
        .filter(has_text=re.compile(rf"^\s*{SHOW_TABLE}\s*$"))
        .count()
    )
    clicked = 0
    deadline = time.monotonic() + timeout_s
    while toggles.count():
        assert time.monotonic() < deadline, f"{toggles.count()} tables stayed closed on {slug}"
        before = toggles.count()
        toggles.first.click()
        tab.wait_for_function(
            "([sel, n, t]) => Array.from(document.querySelectorAll(sel))"
            ".filter(b => b.textContent.trim() === t).length < n",
            arg=[f".bmd-page-{slug} button.widget-toggle-button", before, SHOW_TABLE],
            timeout=TIMEOUT_MS,
        )
        clicked += 1
    assert clicked == panels, f"{clicked} of {panels} tables opened on {slug}"
    tab.wait_for_timeout(400)
    return clicked


@pytest.mark.parametrize("width,height", SIZES, ids=[f"{w}px" for w, _ in SIZES])
@pytest.mark.parametrize("spec", PAGES, ids=[p.slug for p in PAGES])
def test_axe_finds_no_serious_violation(browser, server: Server, spec, width, height) -> None:
    with new_tab(browser, width, height) as tab:
        open_page(tab, server, spec.slug, spec.title)
        assert_no_error(tab)  # axe on an error message would prove nothing
        opened = open_every_table(tab, spec.slug)
        found = axe_report(tab)
        summary = ", ".join(f"{v['id']} ({v['impact']}) x{v['count']}" for v in found)
        print(f"AXE {spec.slug} {width}px tables={opened}: {summary or 'none'}")
        blocking = [
            f"{v['id']} ({v['impact']}): {v['target']}" for v in found if v["impact"] in BLOCKING
        ]
        assert blocking == [], f"{spec.slug} at {width}px"
        assert_landmarks_and_states(tab, spec)


#: What a screen reader is told about the page: landmarks, current page, toggles, charts.
ROLES_JS = """slug => {
  const text = e => e.textContent.trim();
  const mains = Array.from(document.querySelectorAll('[role=main]'));
  return {
    mains: mains.map(m => [m.id, !!m.querySelector('.bmd-page-' + slug)]),
    navs: Array.from(document.querySelectorAll('[role=navigation]'))
      .map(n => [n.getAttribute('aria-label'), n.querySelectorAll('button').length,
                 !!n.querySelector('select')]),
    current: Array.from(document.querySelectorAll('[aria-current=page]')).map(text),
    skip: Array.from(document.querySelectorAll('a.bmd-skip')).map(a => a.getAttribute('href')),
    toggles: Array.from(document.querySelectorAll('.widget-toggle-button'))
      .filter(b => !b.closest('.bmd-swap') && !b.classList.contains('bmd-disclosure'))
      .map(b => [text(b), b.getAttribute('aria-pressed'), b.classList.contains('mod-active')]),
    disclosures: Array.from(document.querySelectorAll('.bmd-disclosure'))
      .map(b => [text(b), b.getAttribute('aria-expanded'), b.hasAttribute('aria-pressed'),
                 b.classList.contains('mod-active')]),
    charts: Array.from(document.querySelectorAll('.bmd-chart')).map(c => {
      const figure = c.querySelector('.bqplot');
      return [text(c.querySelector('h3')), figure.getAttribute('role'),
              figure.getAttribute('aria-label') || ''];
    }),
    tables: Array.from(document.querySelectorAll('.bmd-table'))
      .map(t => [t.getAttribute('tabindex'), t.getAttribute('role'),
                 t.getAttribute('aria-label') || '',
                 t.querySelector('caption') ? text(t.querySelector('caption')) : '']),
  };
}"""


def assert_landmarks_and_states(tab, spec) -> None:
    """One main landmark (the skip link's target) holding the page, a named navigation of
    every page with the current one marked, a pressed state on every toggle, charts as
    images named by their title, tables focusable and named by their caption."""
    found = tab.evaluate(ROLES_JS, spec.slug)
    assert found["mains"] == [["bmd-main", True]]
    # The page buttons (wide screens) and the phone's page menu: one shows at a time.
    assert found["navs"] == [["Pages", 0, True], ["Pages", len(PAGES), False]]
    assert len(found["disclosures"]) == 2, "Filters… and Share fold out on a phone"
    for label, expanded, has_pressed, active in found["disclosures"]:
        assert (expanded, has_pressed) == ("true" if active else "false", False), label
    assert found["current"] == [spec.title]
    assert found["skip"] == ["#bmd-main"]
    for label, pressed, active in found["toggles"]:
        assert pressed == ("true" if active else "false"), label
    for title, role, name in found["charts"]:
        assert role == "img", title
        if title.startswith(NO_FIGURE_ON_DEMO):
            # Every 12-month window of the demo holds a day without data, so no rolling
            # total is drawn (no data is not zero), and the chart is named by its title.
            assert name == title
        else:
            assert name.startswith(f"{title}, "), (title, name)  # the title and key figure
    for tabindex, role, name, caption in found["tables"]:
        assert tabindex == "0"
        if caption:
            assert (role, name) == ("region", caption)


def test_the_keyboard_reaches_the_page_and_sees_where_it_is(browser, server: Server) -> None:
    """The first Tab shows the skip link; Enter moves the focus to the page; the next
    Tab lands on a control with a 3 px ring in ink, at least 3:1 against the page."""
    with new_tab(browser) as tab:
        open_page(tab, server, "trends", "Trends")
        tab.locator("body").click(position={"x": 1, "y": 1})
        tab.keyboard.press("Tab")
        skip = tab.evaluate(
            "() => { const a = document.activeElement; const r = a.getBoundingClientRect();"
            " return [a.className, a.textContent.trim(), r.width > 20 && r.height > 10"
            " && r.top >= 0 && r.left >= 0]; }"
        )
        assert skip == ["bmd-skip", "Skip to the page content", True]
        tab.keyboard.press("Enter")
        assert tab.evaluate("() => document.activeElement.id") == "bmd-main"
        assert tab.evaluate("() => location.hash") == ""  # the link box copies the address
        tab.keyboard.press("Tab")
        ring = tab.evaluate(
            "() => { const s = getComputedStyle(document.activeElement);"
            " return [document.activeElement.tagName, s.outlineStyle, s.outlineWidth,"
            " s.outlineColor, !!document.activeElement.closest('.bmd-page-trends')]; }"
        )
        ink = tuple(int(style.INK[i : i + 2], 16) for i in (1, 3, 5))
        assert ring == ["BUTTON", "solid", "3px", f"rgb({ink[0]}, {ink[1]}, {ink[2]})", True]
        assert contrast(style.INK, style.BACKGROUND) >= 3


def contrast(one: str, two: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_toggles_say_which_is_pressed_and_charts_their_key_figure(browser, server: Server) -> None:
    """Trends: choosing Monthly moves aria-pressed to it; the series chart's name states
    its latest figure, the same number as the last row of its table."""
    with new_tab(browser) as tab:
        open_page(tab, server, "trends", "Trends")
        pressed = "b => b.getAttribute('aria-pressed')"
        weekly = tab.locator(".bmd-page-trends .widget-toggle-button", has_text="Weekly")
        monthly = tab.locator(".bmd-page-trends .widget-toggle-button", has_text="Monthly")
        assert [weekly.evaluate(pressed), monthly.evaluate(pressed)] == ["true", "false"]
        monthly.click()
        tab.wait_for_function(
            "() => Array.from(document.querySelectorAll('.bmd-page-trends [aria-pressed=true]'))"
            ".map(b => b.textContent.trim()).join() === 'Monthly'",
            timeout=TIMEOUT_MS,
        )
        assert weekly.evaluate(pressed) == "false"
        open_every_table(tab, "trends")
        panel = tab.locator(".bmd-page-trends .bmd-chart").first
        name = panel.locator(".bqplot").get_attribute("aria-label")
        rows = panel.locator(".bmd-table").evaluate(ROWS_JS)
        latest = max(rows[1:], key=lambda row: row[0])  # ISO months sort as text
        heading = panel.locator("h3").inner_text().strip()
        match = re.fullmatch(rf"{re.escape(heading)}, latest (.+): ([\d,.]+)", name)
        assert match, name
        assert match.group(1) == f"{date.fromisoformat(latest[0] + '-01'):%B %Y}", latest
        assert match.group(2) == latest[1], (name, latest)


def test_the_overview_announces_its_headline_numbers(browser, server: Server) -> None:
    """The Overview's polite live region holds the four headline numbers the cards show,
    and says the new ones after a filter change."""
    with new_tab(browser) as tab:
        open_page(tab, server, "overview", "Overview")
        live = tab.locator(".bmd-page-overview [role=status][aria-live=polite]")
        assert live.count() == 1
        cards = dashboard_cards(tab)
        text = live.inner_text()
        for label, count in cards.items():
            assert f"{label} {count}" in text, (label, count, text)
        select = (
            tab.locator(".bmd-filters .widget-dropdown")
            .filter(has=tab.get_by_text("District", exact=True))
            .locator("select")
        )
        select.select_option(label="Western")
        tab.wait_for_function(
            "old => { const r = document.querySelector('.bmd-live');"
            " return r && r.textContent.trim() !== old; }",
            arg=text,
            timeout=TIMEOUT_MS,
        )
        tab.wait_for_timeout(500)
        changed = live.inner_text()
        assert "Western" in changed
        for label, count in dashboard_cards(tab).items():
            assert f"{label} {count}" in changed, (label, count, changed)
        assert changed != text


#: Words of the English dashboard that a Spanish page must not show (its controls and notes).
ENGLISH_ONLY = ("Show table", "Link to this view", "Filters:", "Download rows", "Data through")


@pytest.mark.parametrize("slug", ["overview", "trends", "map", "victims"])
def test_a_spanish_page_reads_in_spanish_and_passes_axe(browser, server: Server, slug) -> None:
    """``?lang=es``: the tab's title, the page's language and its controls in Spanish, and
    axe-core finds no serious violation (tables open) on a phone."""
    from bmoredash import i18n
    from bmoredash.app.registry import page_spec

    with i18n.using("es"):
        title = page_spec(slug).title
        show_table = i18n.gettext(SHOW_TABLE)
    with new_tab(browser, 390, 844) as tab:
        tab.goto(f"{server.url}/?page={slug}&lang=es")
        tab.locator(f".bmd-page-{slug}").wait_for(state="visible", timeout=TIMEOUT_MS)
        tab.wait_for_function(
            "t => document.title.startsWith(t + ' · ')", arg=title, timeout=TIMEOUT_MS
        )
        assert tab.evaluate("() => document.documentElement.lang") == "es"
        tab.wait_for_timeout(600)
        toggles = tab.locator(f".bmd-page-{slug}").get_by_role("button", name=show_table)
        for _ in range(toggles.count()):
            toggles.first.click()
            tab.wait_for_timeout(400)
        screenshot(tab, f"phone-es-{slug}")
        assert_no_error(tab)
        text = tab.locator(".bmd-app").inner_text()
        english = [words for words in ENGLISH_ONLY if words in text]
        assert english == [], f"English left on the Spanish {slug} page"
        found = axe_report(tab)
        print(f"AXE es {slug} 390px: " + ", ".join(f"{v['id']} x{v['count']}" for v in found))
        assert [v["id"] for v in found if v["impact"] in BLOCKING] == []
