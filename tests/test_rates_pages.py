"""Rates per 1,000 residents on the Overview, the Map and the Neighborhoods ranking.

Every rate is recounted here with plain pandas: the rows from ``store.load_incidents``
and the residents from the shipped population CSVs, read directly. Hand-checked figures
(from ``reference/data/population/SOURCES.md``): the city 585,708 residents, the Western
District 47,002 (2023 lines) and 30,099 (1959-2022 lines), Downtown 7,171, Patterson Park
(the park) 19.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from conftest import DEMO_END

from bmoredash import store
from bmoredash.aggregate import rates
from bmoredash.app.context import DashboardContext
from bmoredash.app.pages.map import DISTRICT, NEIGHBORHOOD
from bmoredash.app.pages.neighborhoods import RATE, RESIDENTS, WHY
from bmoredash.app.pages.overview import rate_text
from bmoredash.app.state import COUNTS, RATES, FilterState
from bmoredash.config import PACKAGE_DIR
from bmoredash.schema import PART1_OFFENSES

POPULATION = PACKAGE_DIR / "reference" / "data" / "population"
THROUGH = date.fromisoformat(DEMO_END)
THIS_YEAR = (date(THROUGH.year, 1, 1), THROUGH)
LAST_YEAR = (date(THROUGH.year - 1, 1, 1), THROUGH.replace(year=THROUGH.year - 1))
PARK = "Patterson Park"
FEW_RESIDENTS = "fewer than 1,000 residents"


def residents(level: str) -> pd.Series:
    """The shipped CSV of ``level``, read with plain pandas."""
    table = pd.read_csv(POPULATION / f"{level}.csv", dtype={"area": str})
    return table.set_index("area")["residents"]


@pytest.fixture(scope="module")
def rows(demo_store: Path) -> pd.DataFrame:
    """The demo store's rows, read apart from the app, with their Eastern date."""
    frame = store.load_incidents(demo_store, offenses="all")
    frame["day"] = frame["occurred_at"].dt.tz_convert("America/New_York").dt.date
    return frame


@pytest.fixture(scope="module")
def context(demo_store: Path) -> DashboardContext:
    return DashboardContext.from_store(demo_store)


def app_for(context: DashboardContext, query: str):
    from bmoredash.app import build_app

    app = build_app(context=context, query=query)
    assert app.state.messages == []
    page = app.pages[app.state.page]
    assert page.message.value == "", f"{app.state.page} showed an error"
    return app, page


def count(rows: pd.DataFrame, period: tuple[date, date], offenses, **places: str) -> int:
    """Rows of ``offenses`` in ``period`` whose columns equal ``places``."""
    keep = rows["day"].between(*period) & rows["offense"].astype(str).isin(offenses)
    for column, value in places.items():
        keep &= rows[column].astype(str) == value
    return int(keep.sum())


def test_hand_checked_residents_in_the_shipped_tables() -> None:
    assert residents("neighborhood").sum() == 585_708
    assert residents("district_2023")["WESTERN"] == 47_002
    assert residents("district_pre2023")["WESTERN"] == 30_099
    assert residents("neighborhood")["Downtown"] == 7_171
    assert residents("neighborhood")[PARK] == 19


def test_district_population_follows_lines_and_period() -> None:
    assert rates.district_level("2023", date(2019, 1, 1), date(2019, 12, 31)) == "district_2023"
    assert rates.district_level("pre2023", date(2025, 1, 1), date(2025, 3, 1)) == (
        "district_pre2023"
    )
    published = "published"
    assert rates.district_level(published, date(2023, 1, 1), date(2023, 5, 1)) == ("district_2023")
    assert rates.district_level(published, date(2022, 1, 1), date(2022, 12, 31)) == (
        "district_pre2023"
    )
    assert rates.district_level(published, date(2022, 7, 1), date(2023, 6, 30)) is None
    spanning = rates.district_rates(
        pd.Series({"WESTERN": 10}), published, date(2022, 7, 1), date(2023, 6, 30)
    )
    assert spanning["rate"].isna().all()
    assert "spans the 2023 redistricting" in spanning.loc["WESTERN", "note"]


# Overview ------------------------------------------------------------------------------


def test_overview_cards_add_the_districts_rate_in_both_periods(context, rows) -> None:
    app, page = app_for(context, "measure=rates&district=WESTERN")
    people = residents("district_2023")["WESTERN"]
    now = count(rows, THIS_YEAR, PART1_OFFENSES, district="WESTERN")
    before = count(rows, LAST_YEAR, PART1_OFFENSES, district="WESTERN")
    property_now = count(
        rows, THIS_YEAR, [o for o in PART1_OFFENSES if o in PROPERTY], district="WESTERN"
    )
    assert now > 1_000 and before > 1_000
    homicides = count(rows, THIS_YEAR, ["HOMICIDE"], district="WESTERN")
    homicides_before = count(rows, LAST_YEAR, ["HOMICIDE"], district="WESTERN")
    card = _card(page.cards.value, "Homicides")
    assert f"{homicides / people * 1000:.2f} per 1,000 residents" in card
    assert f"{homicides_before / people * 1000:.2f} in same days of {THROUGH.year - 1}" in card
    assert f"{property_now / people * 1000:,.1f} per 1,000 residents" in _card(
        page.cards.value, "Part 1 property"
    )
    assert "47,002 residents" in page.rates_note.value
    # the counts view carries no rate
    app.state.measure = COUNTS
    assert "per 1,000 residents" not in page.cards.value
    assert page.rates_note.value == ""


PROPERTY = ("BURGLARY", "LARCENY", "LARCENY FROM AUTO", "AUTO THEFT", "ARSON")


def _card(cards_html: str, label: str) -> str:
    """The text of one card, as a reader sees it (tags left out)."""
    start = cards_html.index(f'aria-label="{label}"')
    end = cards_html.find('class="bmd-card"', start)
    return " ".join(re.sub(r"<[^>]+>", " ", cards_html[start : end if end > 0 else None]).split())


def test_overview_citywide_rate_divides_by_585708(context, rows) -> None:
    _, page = app_for(context, "measure=rates")
    shootings = count(rows, THIS_YEAR, ["SHOOTING"])
    assert f"{rate_text(shootings / 585_708 * 1000)} per 1,000 residents" in _card(
        page.cards.value, "Non-fatal shootings"
    )
    assert "585,708 residents" in page.rates_note.value


def test_overview_says_why_a_park_or_a_legislative_district_has_no_rate(context) -> None:
    _, page = app_for(context, "measure=rates&neighborhood=Patterson%20Park")
    assert "bmd-rate-now" not in page.cards.value  # no card shows a rate
    assert FEW_RESIDENTS in _card(page.cards.value, "Part 1 property")
    assert f"No rate per 1,000 residents for {PARK}" in page.rates_note.value
    _, page = app_for(context, "measure=rates&legislative=40")
    assert "no population figure is shipped for legislative districts" in page.rates_note.value
    assert "legislative districts" in _card(page.cards.value, "Homicides")


# Neighborhoods -------------------------------------------------------------------------


def test_neighborhoods_rank_by_rate_and_list_the_park_apart(context, rows) -> None:
    _, page = app_for(context, "page=neighborhoods&measure=rates")
    people = residents("neighborhood")
    downtown = count(rows, THIS_YEAR, PART1_OFFENSES, neighborhood="Downtown")
    assert downtown > 100
    expected = downtown / people["Downtown"] * 1000
    assert page.ranking.loc["Downtown", "count"] == downtown
    assert page.ranking.loc["Downtown", RATE] == pytest.approx(expected)
    assert page.ranking.loc["Downtown", RESIDENTS] == 7_171
    assert f"{expected:,.1f}" in page.ranking_panel.table.value
    # ranked by rate, highest first, every ranked neighborhood with 1,000 residents or more
    assert list(page.ranking[RATE]) == sorted(page.ranking[RATE], reverse=True)
    assert list(page.ranking["rank"]) == list(range(1, len(page.ranking) + 1))
    assert (page.ranking[RESIDENTS] >= 1_000).all()
    # the park is counted but not ranked, with the reason in words
    park = count(rows, THIS_YEAR, PART1_OFFENSES, neighborhood=PARK)
    assert park > 0
    assert PARK not in page.ranking.index
    assert page.unrated.loc[PARK, "count"] == park
    assert page.unrated.loc[PARK, RESIDENTS] == 19
    assert FEW_RESIDENTS in page.unrated.loc[PARK, WHY]
    assert PARK in page.apart.value and FEW_RESIDENTS in page.apart.value
    small = people[people < 1_000].index
    assert set(page.unrated.index) <= set(small)
    # the CSV carries count, residents and rate, the park with no rate and its reason
    table = page.ranking_table()
    assert {"neighborhood", "count", RESIDENTS, RATE, WHY} <= set(table.columns)
    park_row = table.set_index("neighborhood").loc[PARK]
    assert pd.isna(park_row[RATE]) and FEW_RESIDENTS in park_row[WHY]
    assert len(table) == len(page.ranking) + len(page.unrated)


# Map -----------------------------------------------------------------------------------


def test_map_fills_districts_by_rate(context, rows) -> None:
    _, page = app_for(context, "page=map&measure=rates")
    western = count(rows, THIS_YEAR, PART1_OFFENSES, district="WESTERN")
    expected = western / residents("district_2023")["WESTERN"] * 1000
    assert page.area_table.loc["WESTERN", "rate"] == pytest.approx(expected)
    features = page.area_layers[DISTRICT].data["features"]
    drawn = {f["properties"]["district"]: f["properties"] for f in features}
    assert drawn["WESTERN"]["rate"] == pytest.approx(expected)
    assert f"{expected:,.1f} per 1,000 residents" in drawn["WESTERN"]["tooltip"]
    assert "per 1,000 residents (2020 Census)" in page.legend.value


def test_map_by_the_old_lines_draws_and_divides_by_them(context, rows) -> None:
    _, page = app_for(context, "page=map&measure=rates&lines=pre2023")
    western = count(rows, THIS_YEAR, PART1_OFFENSES, district_pre2023="WESTERN")
    assert page.area_table.loc["WESTERN", "count"] == western
    assert page.area_table.loc["WESTERN", "residents"] == 30_099
    assert page.area_table.loc["WESTERN", "rate"] == pytest.approx(western / 30_099 * 1000)
    assert page.areas[DISTRICT] is page._districts("pre2023")


def test_map_draws_the_park_as_no_rate_and_says_why(context, rows) -> None:
    _, page = app_for(context, "page=map&measure=rates")
    page.level.value = "neighborhoods"
    features = page.area_layers[NEIGHBORHOOD].data["features"]
    park = next(f["properties"] for f in features if f["properties"]["neighborhood"] == PARK)
    assert park["rate"] is None
    assert park["count"] == count(rows, THIS_YEAR, PART1_OFFENSES, neighborhood=PARK)
    assert FEW_RESIDENTS in park["tooltip"]
    assert park["style"]["dashArray"]  # grey with a dashed outline: "no rate"
    assert "no rate (" in page.legend.value
    # the note names the busiest areas without a rate first, and why they have none
    no_rate = page.area_table[page.area_table["rate"].isna()]
    assert (no_rate["residents"].fillna(0) < 1_000).all()
    busiest = no_rate["count"].idxmax()
    assert f"for {busiest}, " in page.rate_note.value
    assert FEW_RESIDENTS in page.rate_note.value


# The switch and the link ---------------------------------------------------------------


def test_measure_round_trips_through_the_link_and_the_switch(context) -> None:
    state = FilterState.from_query("measure=rates&page=map")
    assert state.measure == RATES and state.messages == []
    assert "measure=rates" in state.to_query()
    assert FilterState.from_query(state.to_query()).measure == RATES
    bad = FilterState.from_query("measure=percent")
    assert bad.measure == COUNTS and "measure" in bad.messages[0]

    app, page = app_for(context, "page=neighborhoods&measure=rates")
    assert page.measure.widget.value == RATES
    assert app.pages["neighborhoods"].measure.widget.value == RATES
    page.measure.widget.value = COUNTS
    assert app.state.measure == COUNTS
    assert "measure" not in app.state.to_query()
    assert RATE not in page.ranking.columns and page.apart.value == ""
    app.state.measure = RATES  # a link or another page's switch moves this one
    assert page.measure.widget.value == RATES
    assert RATE in page.ranking.columns
    assert "measure=rates" in app.link.html.value


def test_inside_a_council_district_neighborhoods_count_their_part_and_get_no_rate(
    context, rows
) -> None:
    """Council District 12 chosen: each neighborhood counts its rows inside District 12
    (recounted from the stored columns); its residents are those of the whole neighborhood,
    so no neighborhood gets a rate, and the page says why."""
    _, page = app_for(context, "page=neighborhoods&council=12")
    inside = rows[rows["council_district"].astype(str) == "12"]
    hood = page.ranking.index[0]
    assert page.ranking.loc[hood, "count"] == count(
        inside, THIS_YEAR, PART1_OFFENSES, neighborhood=hood
    )
    assert "inside Council District 12" in page.ranking_panel.heading.value
    _, page = app_for(context, "page=neighborhoods&council=12&measure=rates")
    assert page.ranking.empty
    assert (page.unrated[WHY] == rates.NOTE_COMBINED).all()
    assert hood in page.unrated.index
