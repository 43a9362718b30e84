"""The Arrests page in headless Chromium, on the demo server (its store holds demo arrests).

The page is opened by its link; the numbers the visitor reads (the summary, the comparison
table, the charge-group table behind "Show table") are compared with what
``bmoredash.arrests`` counts from the stored rows, and the summary's count is recounted
here with plain pandas. Screenshots go to ``test-artifacts/screenshots/<name>.png``.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from browser_support import Server, assert_no_error, screenshot, wait_for_table

from bmoredash import arrests, store
from bmoredash.app.pages.arrests import comparison_table
from bmoredash.periods import ytd_windows
from bmoredash.selection import Selection
from bmoredash.vocabulary import CHARGE_GROUP_LABELS

pytestmark = [pytest.mark.browser, pytest.mark.slow]


#: Every cell of a table, row by row (header row first), as the page holds it.
@pytest.fixture(scope="module")
def stored(server: Server) -> tuple[pd.DataFrame, date]:
    through = date.fromisoformat(store.read_manifest(server.data_dir)["data_through"])
    return store.load_arrests(server.data_dir), through


def _text(value: object) -> str:
    """A cell as ``charts.html_table`` writes it (counts with thousands separators)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "no data"
    return value if isinstance(value, str) else f"{int(value):,d}"


def expected_rows(frame: pd.DataFrame) -> list[list[str]]:
    head = [str(frame.index.name or ""), *[str(c) for c in frame.columns]]
    body = [
        [str(k), *[_text(v) for v in row]]
        for k, row in zip(frame.index, frame.astype(object).values.tolist(), strict=True)
    ]
    return [head, *body]


@pytest.mark.parametrize("district", [None, "WESTERN"])
def test_arrests_page_shows_what_the_package_counts(
    page, server: Server, stored: tuple[pd.DataFrame, date], district: str | None
) -> None:
    rows, through = stored
    assert len(rows) > 0, "the demo store holds arrests"
    place = Selection.parse(districts=district).apply(rows)
    window, previous = ytd_windows(through)
    now = arrests.arrests_in_window(place, window)
    # Plain pandas: distinct arrest numbers plus the rows without one, this year to date.
    day = place["arrest_date"].dt.date
    mine = place[(day >= window.start) & (day <= window.end)]
    plain = int(mine["arrest_id"].nunique() + mine["arrest_id"].isna().sum())
    assert arrests.arrest_count(now) == plain
    coverage = store.read_arrest_coverage(server.data_dir)
    changes = expected_rows(
        comparison_table(arrests.compare_arrests(place, window, previous, coverage))
    )
    groups = arrests.by_charge_group(now).rename(index=CHARGE_GROUP_LABELS)
    groups.index.name = "Charge group"

    link = "/?page=arrests" + (f"&district={district}" if district else "")
    page.goto(server.url + link)
    body = page.locator(".bmd-page-arrests")
    body.wait_for(state="visible")
    count = body.locator(".bmd-arrests-count")
    count.wait_for(state="visible")
    deadline = pd.Timestamp.now() + pd.Timedelta(seconds=60)
    while count.inner_text() != f"{plain:,}" and pd.Timestamp.now() < deadline:
        page.wait_for_timeout(250)
    assert count.inner_text() == f"{plain:,}"
    tables = body.locator(".bmd-table table")
    wait_for_table(page, tables.nth(0), changes)
    text = body.inner_text()
    assert "An arrest is one arrest number" in text
    assert "What police did, not what happened" in text
    name = "arrests" if district is None else f"arrests-{district.lower()}"
    screenshot(page, f"{name}-chart")

    # The charge-group chart's table view: hidden until asked for, then the same numbers.
    group_table = tables.nth(1)
    assert not group_table.is_visible()
    body.get_by_role("button", name="Show table").first.click()
    group_table.wait_for(state="visible")
    shown = group_table.evaluate(
        "t => Array.from(t.querySelectorAll('tr')).map("
        "r => Array.from(r.querySelectorAll('th,td')).map(c => c.innerText.trim()))"
    )
    assert shown == expected_rows(groups)
    assert body.get_by_role("button", name="Show chart").count() == 1
    screenshot(page, f"{name}-table")
    assert_no_error(page)
