"""Every deep link renders a dashboard: a value a link gets wrong is ignored with a short,
printable message, never an error in place of the page (issue 9)."""

from __future__ import annotations

from pathlib import Path

import pytest

#: Links typed, pasted, truncated or crafted; each must still open a dashboard.
HOSTILE_LINKS = [
    "start=0001-01-01&end=9999-12-31",
    "start=9999-12-31&end=9999-12-31",
    "start=2030-01-01&end=2031-01-01",
    "start=1900-01-01&end=1900-01-02",
    "year=99999999999999999999",
    "year=-5",
    "start=2024-02-30&end=2024-03-01",
    "start=2025-01-01",
    "district=%00",
    "neighborhood=%3Cscript%3Ealert(1)%3C/script%3E",
    "offense=" + "A" * 10_000,
    "page=../../etc/passwd",
    "count=%0d%0a",
    "district=WESTERN&neighborhood=Nowhere",
    "%ff%fe=%ff",
    "start=2025-06-01&end=2025-01-01",
]
#: The ones opened in Chromium too (each page load starts a kernel: ~4 s).
BROWSER_LINKS = [HOSTILE_LINKS[i] for i in (0, 4, 8, 9, 10, 14)]


@pytest.fixture(scope="module")
def context(demo_store: Path):
    from bmoredash.app.context import DashboardContext

    return DashboardContext.from_store(demo_store)


@pytest.mark.parametrize("query", HOSTILE_LINKS)
def test_a_hostile_link_opens_a_dashboard_with_a_short_note(context, query: str) -> None:
    from bmoredash.app import build_app

    app = build_app(context=context, query=query)
    page = app.pages["overview"]
    assert len(page.comparisons) == 4, query  # the four headline cards are drawn
    for message in app.state.messages:
        assert len(message) < 160 and message.isprintable(), message
    assert app.state.start is None  # no hostile link holds a range that can be shown


def test_out_of_range_dates_are_ignored_with_the_reason() -> None:
    from bmoredash.app.state import FilterState

    state = FilterState.from_query("start=0001-01-01&end=9999-12-31", years=[2025, 2026])
    assert state.start is None and state.end is None
    assert state.messages == ["Ignored the date range: dates between 1960 and 2100 only."]
    later = FilterState.from_query("start=2030-01-01&end=2031-01-01", years=[2025, 2026])
    assert later.messages == ["Ignored the date range: there is no data after 2026."]
    long = FilterState.from_query("offense=" + "B" * 500)
    assert long.messages == [f"Ignored offense '{'B' * 40}…': not a Part 1 offense."]
