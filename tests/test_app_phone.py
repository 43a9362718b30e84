"""The phone's folded filter bar, share button and page menu (issue 13), without a browser:
the summary's words for hand-written states, and the buttons' effect on the state and on the
CSS classes the stylesheet folds by. tests/test_browser_phone.py checks them on a screen."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from bmoredash.app.state import FilterState

pytest.importorskip("ipywidgets")


def _context():
    from bmoredash.app.context import DashboardContext

    rows = [
        ("2025-03-01 10:00", "WESTERN", "Harlem Park", "ROBBERY"),
        ("2025-03-03 12:00", "SOUTHERN", "Cherry Hill", "HOMICIDE"),
    ]
    frame = pd.DataFrame(rows, columns=["occurred_at", "district", "neighborhood", "offense"])
    frame["occurred_at"] = pd.to_datetime(frame["occurred_at"]).dt.tz_localize("America/New_York")
    for column in ("district", "neighborhood", "offense"):
        frame[column] = frame[column].astype("category")
    return DashboardContext(frame, data_through=date(2025, 3, 8))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", "Filters: Citywide · 2026 · all Part 1 offenses"),
        ("year=2024", "Filters: Citywide · 2024 · all Part 1 offenses"),
        (
            "district=western&offense=HOMICIDE&offense=violent&count=incidents",
            "Filters: Western District · 2026 · Homicide, Violent · Incidents",
        ),
        (
            "district=western&neighborhood=Harlem Park&council=9",
            "Filters: Harlem Park, Council District 9 · 2026 · all Part 1 offenses",
        ),
        (
            "start=2025-01-01&end=2025-06-30&legislative=43A",
            "Filters: Legislative District 43A · Jan 1, 2025 – Jun 30, 2025 · all Part 1 offenses",
        ),
    ],
)
def test_the_summary_names_place_period_and_offenses(query: str, expected: str) -> None:
    from bmoredash.app.filters import summary_text

    assert summary_text(FilterState.from_query(query), latest_year=2026) == expected


def test_the_summary_button_follows_the_state_and_folds_the_bar() -> None:
    from bmoredash.app.filters import FilterBar, FilterSummary

    state = FilterState()
    bar = FilterBar(_context(), state)
    summary = FilterSummary(bar)
    assert summary.widget.description == "Filters: Citywide · 2025 · all Part 1 offenses"
    assert "bmd-collapsible" in bar.widget._dom_classes
    assert "bmd-open" not in bar.widget._dom_classes

    state.district = "SOUTHERN"
    assert summary.widget.description == "Filters: Southern District · 2025 · all Part 1 offenses"
    bar.offense.value = ("HOMICIDE",)  # the bar writes the state, the summary follows
    assert summary.widget.description == "Filters: Southern District · 2025 · Homicide"

    summary.widget.value = True  # pressed: open
    assert "bmd-open" in bar.widget._dom_classes
    assert summary.is_open
    summary.widget.value = False
    assert "bmd-open" not in bar.widget._dom_classes
    state.reset()
    assert summary.widget.description == "Filters: Citywide · 2025 · all Part 1 offenses"


def test_the_page_menu_sets_the_page() -> None:
    from bmoredash.app.filters import page_menu

    state = FilterState.from_query("page=trends")
    menu = page_menu(state, [("Overview", "overview"), ("Trends", "trends")])
    assert menu.value == "trends"
    menu.value = "overview"
    assert state.page == "overview"


def test_the_share_button_folds_what_it_names() -> None:
    import ipywidgets as widgets

    from bmoredash.app.filters import share_disclosure

    tools = widgets.HBox([])
    share = share_disclosure(tools)
    assert share.widget.description == "Share"
    share.widget.value = True
    assert "bmd-open" in tools._dom_classes
    assert share.widget.icon == "chevron-up"
