"""Accessibility of the dashboard in headless Chromium: axe-core (vendored) on every page,
every "Show table" open, at a desktop (1280 x 900) and a phone (390 x 844) size.

Why every table open: a table is a scrollable box that only axe sees once it is shown
(``scrollable-region-focusable`` failed on five pages before issue 13). Every violation is
printed with its count of elements, so the figures of a run can be read from its log.
"""

from __future__ import annotations

import re
import time

import pytest
from browser_support import AXE_SCRIPT, AXE_TAGS, TIMEOUT_MS, Server, new_tab

from bmoredash.app.registry import PAGES

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: (width, height) of a desktop window and of a phone.
SIZES = ((1280, 900), (390, 844))
SHOW_TABLE = "Show table"
BLOCKING = ("serious", "critical")


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
    # By text, not by role: the icon's glyph may be part of the button's name.
    toggles = tab.locator(f".bmd-page-{slug} button.widget-toggle-button").filter(
        has_text=re.compile(rf"^\s*{SHOW_TABLE}\s*$")
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
    tab.wait_for_timeout(400)
    return clicked


@pytest.mark.parametrize("width,height", SIZES, ids=[f"{w}px" for w, _ in SIZES])
@pytest.mark.parametrize("spec", PAGES, ids=[p.slug for p in PAGES])
def test_axe_finds_no_serious_violation(browser, server: Server, spec, width, height) -> None:
    with new_tab(browser, width, height) as tab:
        open_page(tab, server, spec.slug, spec.title)
        opened = open_every_table(tab, spec.slug)
        found = axe_report(tab)
        summary = ", ".join(f"{v['id']} ({v['impact']}) x{v['count']}" for v in found)
        print(f"AXE {spec.slug} {width}px tables={opened}: {summary or 'none'}")
        blocking = [
            f"{v['id']} ({v['impact']}): {v['target']}" for v in found if v["impact"] in BLOCKING
        ]
        assert blocking == [], f"{spec.slug} at {width}px"
