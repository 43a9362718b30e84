"""The filter state: URL round trip, bad link values ignored with a message, and the
neighborhood list narrowed by the district."""

from __future__ import annotations

from datetime import date

import pandas as pd

from bmoredash.app.state import FilterState, neighborhood_options

NEIGHBORHOODS = {
    "WESTERN": ("Harlem Park", "Sandtown-Winchester"),
    "SOUTHERN": ("Cherry Hill", "Federal Hill"),
    "CENTRAL": ("Mount Vernon",),
}


def test_query_round_trip_keeps_every_filter_and_the_page():
    state = FilterState(
        district="WESTERN",
        neighborhood="Harlem Park",
        year=2024,
        offenses=("HOMICIDE", "violent", "LARCENY FROM AUTO"),
        page="trends",
    )
    query = state.to_query()
    assert "district=WESTERN" in query
    assert "neighborhood=Harlem%20Park" in query
    assert "offense=LARCENY%20FROM%20AUTO" in query
    back = FilterState.from_query(query, neighborhoods_by_district=NEIGHBORHOODS)
    assert back.messages == []
    assert back.filter_key() == state.filter_key()
    assert back.page == "trends"


def test_in_page_choices_round_trip_and_bad_ones_get_a_message():
    state = FilterState(page="map", interval="monthly", areas="council")
    assert state.to_query() == "page=map&areas=council", "a link names its own page's choice"
    state.page = "trends"
    assert state.to_query() == "page=trends&interval=monthly"
    back = FilterState.from_query("page=victims&victims=shootings&areas=council")
    assert (back.interval, back.victims, back.areas, back.programs) == (
        "weekly",
        "shootings",
        "council",
        "all",
    )
    bad = FilterState.from_query("interval=daily&programs=street_outreach")
    assert bad.interval == "weekly"
    assert bad.programs == "street_outreach"
    assert bad.messages == ["Ignored interval 'daily': use weekly, monthly."]


def test_the_language_is_in_the_link_and_a_switch_keeps_the_view():
    state = FilterState.from_query("district=western&page=trends&lang=ES")
    assert state.lang == "es"
    assert state.to_query() == "district=WESTERN&page=trends&lang=es"
    assert state.to_query(lang="en") == "district=WESTERN&page=trends"
    bad = FilterState.from_query("lang=klingon")
    assert bad.lang == "en"
    assert bad.messages == ["Ignored language 'klingon': use en or es."]


def test_date_range_round_trip_and_defaults_leave_an_empty_query():
    state = FilterState(start=date(2024, 3, 1), end=date(2024, 6, 30))
    back = FilterState.from_query("?" + state.to_query())
    assert (back.start, back.end, back.year) == (date(2024, 3, 1), date(2024, 6, 30), None)
    assert back.is_range
    assert FilterState().to_query() == ""


def test_offenses_as_repeated_params_or_comma_list_in_any_case():
    repeated = FilterState.from_query("offense=homicide&offense=Shooting&offense=Violent")
    commas = FilterState.from_query("offense=HOMICIDE,SHOOTING,violent")
    assert repeated.offenses == commas.offenses == ("HOMICIDE", "SHOOTING", "violent")


def test_bad_values_are_ignored_with_a_message_each():
    state = FilterState.from_query(
        "district=GOTHAM&year=20x4&offense=HOMICIDE,JAYWALKING&page=nowhere"
        "&neighborhood=Atlantis&start=2024-02-30&end=2024-03-01",
        neighborhoods_by_district=NEIGHBORHOODS,
        years=range(2019, 2026),
    )
    assert state.district == "CITYWIDE"
    assert state.year is None and not state.is_range
    assert state.offenses == ("HOMICIDE",)
    assert state.page == "overview"
    assert state.neighborhood == ""
    text = " ".join(state.messages)
    for fragment in ("GOTHAM", "20x4", "JAYWALKING", "nowhere", "Atlantis", "date range"):
        assert fragment in text
    assert len(state.messages) == 6


def test_year_outside_the_data_is_ignored_and_reversed_range_rejected():
    state = FilterState.from_query("year=2031", years=range(2019, 2026))
    assert state.year is None and "2031" in state.messages[0]
    state = FilterState.from_query("start=2024-05-01&end=2024-01-01")
    assert not state.is_range and "after" in state.messages[0]


def test_district_aliases_are_understood():
    assert FilterState.from_query("district=northeastern").district == "NORTHEAST"
    assert FilterState.from_query("district=citywide").district == "CITYWIDE"


def test_district_narrows_neighborhoods():
    assert neighborhood_options(NEIGHBORHOODS, "WESTERN") == ("Harlem Park", "Sandtown-Winchester")
    everything = neighborhood_options(NEIGHBORHOODS, "CITYWIDE")
    assert len(everything) == 5 and everything == tuple(sorted(everything))
    # A link naming a neighborhood of another district: the neighborhood is dropped.
    state = FilterState.from_query(
        "district=WESTERN&neighborhood=cherry%20hill", neighborhoods_by_district=NEIGHBORHOODS
    )
    assert state.district == "WESTERN" and state.neighborhood == ""
    assert "Cherry Hill" in state.messages[0] or "cherry hill" in state.messages[0]
    # Same name, right district, any case: kept in the store's spelling.
    state = FilterState.from_query(
        "district=SOUTHERN&neighborhood=cherry%20hill", neighborhoods_by_district=NEIGHBORHOODS
    )
    assert state.neighborhood == "Cherry Hill" and state.messages == []


def test_reset_returns_to_defaults_but_keeps_the_page():
    state = FilterState(district="WESTERN", neighborhood="Harlem Park", year=2022, page="victims")
    state.offenses = ("violent",)
    state.reset()
    assert state.filter_key() == FilterState().filter_key()
    assert state.page == "victims"


def _tiny_context():
    from bmoredash.app.context import DashboardContext

    rows = [
        ("2025-03-01 10:00", "WESTERN", "Harlem Park", "ROBBERY"),
        ("2025-03-02 11:00", "WESTERN", "Sandtown-Winchester", "BURGLARY"),
        ("2025-03-03 12:00", "SOUTHERN", "Cherry Hill", "HOMICIDE"),
        ("2025-03-04 13:00", "SOUTHERN", "Federal Hill", "LARCENY"),
    ]
    frame = pd.DataFrame(rows, columns=["occurred_at", "district", "neighborhood", "offense"])
    frame["occurred_at"] = pd.to_datetime(frame["occurred_at"]).dt.tz_localize("America/New_York")
    for column in ("district", "neighborhood", "offense"):
        frame[column] = frame[column].astype("category")
    return DashboardContext(frame, data_through=date(2025, 3, 8))


def test_filter_bar_narrows_the_neighborhood_list_and_clears_a_foreign_choice():
    from bmoredash.app.filters import FilterBar

    state = FilterState()
    bar = FilterBar(_tiny_context(), state)
    assert len(bar.neighborhood.options) == 4
    bar.neighborhood.value = "harlem park"
    assert state.neighborhood == "Harlem Park"
    bar.district.value = "SOUTHERN"
    assert tuple(bar.neighborhood.options) == ("Cherry Hill", "Federal Hill")
    assert state.district == "SOUTHERN" and state.neighborhood == ""
    assert "Harlem Park" in bar.note.value
    # Typing a name that is not offered changes nothing and says so.
    bar.neighborhood.value = "Harlem Park"
    assert state.neighborhood == "" and "No neighborhood" in bar.note.value


def test_filter_bar_follows_the_state_and_writes_it_back():
    from bmoredash.app.filters import FilterBar

    state = FilterState()
    bar = FilterBar(_tiny_context(), state)
    with state.hold_trait_notifications():
        state.district = "WESTERN"
        state.offenses = ("violent", "ARSON")
    assert bar.district.value == "WESTERN"
    assert bar.offense.value == ("violent", "ARSON")
    bar.date_range.value = True  # the range starts as the year on screen
    assert (state.start, state.end) == (date(2025, 1, 1), date(2025, 3, 8))
    assert bar.year.layout.display == "none" and bar.range_box.layout.display is None
    for shown in (bar.district, bar.neighborhood, bar.offense, bar.start, bar.end):
        assert shown.layout.display is None
    bar.calendar_year.value = 2025  # the shortcut: the calendar year, cut at data_through
    assert (state.start, state.end) == (date(2025, 1, 1), date(2025, 3, 8))
    assert bar.calendar_year.value == 0  # back to the prompt
    bar.date_range.value = False
    assert not state.is_range
    bar.reset.click()
    assert state.filter_key() == FilterState().filter_key()
    assert bar.district.value == "CITYWIDE" and bar.offense.value == ()
