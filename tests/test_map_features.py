"""The Map page of issue 13 ("a map that helps"), without a browser: outlines of every
level, no tiles by default, the sequential scale, clusters that count every located row,
zoom to the selection, click to select and again to clear, the search box, the table.

Counts are recounted from the demo store with plain pandas.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import ipyleaflet
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import shape

from bmoredash import store, style
from bmoredash.app import maps
from bmoredash.app.context import DashboardContext, FilteredView
from bmoredash.app.pages.map import CHOICE_OF, COUNCIL, DISTRICT, NEIGHBORHOOD, MapPage
from bmoredash.app.state import CHOICES, FilterState
from bmoredash.reference import boundaries
from bmoredash.schema import CITYWIDE, DISTRICTS
from bmoredash.vocabulary import district_name


@pytest.fixture(scope="module")
def context(demo_store: Path) -> DashboardContext:
    return DashboardContext.from_store(demo_store)


@pytest.fixture
def drawn(context: DashboardContext, monkeypatch: pytest.MonkeyPatch):
    """A Map page drawn for the default view, without tiles (the default)."""
    monkeypatch.delenv(maps.TILES_ENV, raising=False)
    state = FilterState()
    page = MapPage(context, state)
    page.refresh(FilteredView(context, state))
    assert page.message.value == ""
    return page, state


@pytest.fixture(scope="module")
def period_rows(demo_store: Path, context: DashboardContext) -> pd.DataFrame:
    """The default view's rows read again from the store (plain pandas below)."""
    view = FilteredView(context, FilterState())
    return store.load_incidents(demo_store, start=view.window.start, end=view.window.end)


def _refresh(page: MapPage, state: FilterState) -> None:
    page.refresh(FilteredView(page.context, state))


def _click(layer: ipyleaflet.GeoJSON, key: str, name: str) -> None:
    """What jupyter-leaflet sends the kernel when the visitor clicks feature ``name``."""
    feature = next(f for f in layer.data["features"] if f["properties"][key] == name)
    event = {"event": "click", "feature": feature, "properties": feature["properties"]}
    layer._handle_mouse_events(None, {**event, "coordinates": [0, 0]}, None)


def test_every_levels_outlines_are_drawn_without_tiles(drawn, monkeypatch) -> None:
    page, _ = drawn
    assert not [layer for layer in page.map.layers if isinstance(layer, ipyleaflet.TileLayer)]
    assert style.MAP_BACKGROUND in maps.background_html()
    assert len(page.areas[DISTRICT]["features"]) == 9
    assert len(page.areas[NEIGHBORHOOD]["features"]) == 278
    assert sorted(int(f["properties"][COUNCIL]) for f in page.areas[COUNCIL]["features"]) == list(
        range(1, 15)
    )
    for level in (DISTRICT, NEIGHBORHOOD, COUNCIL):
        page.level.value = CHOICE_OF[level]
        assert page.area_group.layers == (page.area_layers[level],)
        others = {k for k in (DISTRICT, NEIGHBORHOOD, COUNCIL) if k != level}
        assert set(page.outline_group.layers) == {page.outline_layers[k] for k in others}
        # the outlines of the other levels never take a click
        assert all(not layer.interactive for layer in page.outline_group.layers)
        assert all("interactive" in layer.options for layer in page.outline_group.layers)
    # tiles only when asked for
    monkeypatch.setenv(maps.TILES_ENV, "openstreetmap")
    tiled = MapPage(page.context, FilterState())
    tiles = [layer for layer in tiled.map.layers if isinstance(layer, ipyleaflet.TileLayer)]
    assert [t.url for t in tiles] == [maps.OSM_URL]


def test_areas_are_filled_on_the_sequential_scale_and_no_heat_layer(drawn, period_rows) -> None:
    page, _ = drawn
    assert not [layer for layer in page.map.layers if isinstance(layer, ipyleaflet.Heatmap)]
    counts = period_rows["district"].astype(str).value_counts()
    drawn_counts = {d: int(counts.get(d, 0)) for d in DISTRICTS}
    top, low = max(drawn_counts.values()), min(v for v in drawn_counts.values() if v)
    for feature in page.area_layers[DISTRICT].data["features"]:
        name = feature["properties"][DISTRICT]
        assert feature["properties"]["count"] == drawn_counts[name]
        fill = feature["properties"]["style"]["fillColor"]
        assert fill == style.fill_color(drawn_counts[name], top, low)
        assert fill in style.FILL_COLORS
    for _color, span in style.legend_classes(top, low):
        assert span in page.legend.value


@pytest.mark.parametrize("zoom", [10, 11.5, 13, 15, 18])
def test_clusters_count_every_located_row(drawn, period_rows, zoom: float) -> None:
    page, _ = drawn
    page.map.zoom = zoom
    located = period_rows[period_rows["latitude"].notna() & period_rows["longitude"].notna()]
    table = page.cluster_table
    assert int(table["count"].sum()) == len(located) > 1000
    features = page.clusters.data["features"]
    assert sum(f["properties"]["count"] for f in features) == len(located)
    assert len(features) == len(table) < len(located) / 5  # counted, not one per row
    # one GeoJSON layer, small whatever the rows: under 200 bytes a cluster
    assert len(json.dumps(page.clusters.data)) < 200 * len(features)
    assert f"The circles count all {len(located):,} with a location" in page.status.value


def test_clusters_split_as_the_map_zooms_in(drawn) -> None:
    page, _ = drawn
    page.map.zoom = 11
    city = len(page.cluster_table)
    page.map.zoom = 14
    assert len(page.cluster_table) > 3 * city
    # past CLUSTER_MAX_ZOOM the cells stop shrinking
    page.map.zoom = maps.CLUSTER_MAX_ZOOM
    deepest = len(page.cluster_table)
    page.map.zoom = maps.MAX_ZOOM
    assert len(page.cluster_table) == deepest


def test_cluster_counts_are_the_grid_cells_counted_with_pandas(drawn, period_rows) -> None:
    page, _ = drawn
    page.map.zoom = 13
    dlat, dlon = maps.cluster_cell(13)
    assert dlon == pytest.approx(maps.CLUSTER_PX / 256 / 2**13 * 360)
    located = period_rows.dropna(subset=["latitude", "longitude"])
    cells = pd.DataFrame(
        {
            "row": np.floor(located["latitude"].astype(float) / dlat),
            "col": np.floor(located["longitude"].astype(float) / dlon),
        }
    ).value_counts()
    assert sorted(page.cluster_table["count"].tolist()) == sorted(cells.tolist())


def test_the_map_zooms_to_the_selection_and_back_to_the_city(drawn) -> None:
    page, state = drawn
    city = maps.bounds_of(boundaries.load_city())
    assert page.fitted == city
    state.district = "WESTERN"
    _refresh(page, state)
    western = next(
        shape(f["geometry"])
        for f in boundaries.load_districts(page.context.data_dir)["features"]
        if f["properties"]["district"] == "WESTERN"
    )
    west, south, east, north = western.bounds
    (fs, fw), (fn, fe) = page.fitted
    assert max(abs(fs - south), abs(fw - west), abs(fn - north), abs(fe - east)) < 3e-4
    lat, lon = page.map.center
    assert south < lat < north and west < lon < east
    assert page.map.zoom > maps.CITY_ZOOM + 1
    state.district = CITYWIDE
    _refresh(page, state)
    assert page.fitted == city
    assert page.map.zoom == pytest.approx(maps.CITY_ZOOM, abs=0.5)


def test_click_selects_and_a_second_click_clears_at_every_level(drawn) -> None:
    page, state = drawn
    # the clusters never take a click: it reaches the area under them
    assert page.clusters.interactive is False
    assert page.clusters.point_style["interactive"] is False
    assert page.clusters.point_style["pane"] == maps.CLUSTERS_PANE
    for level, name, trait, cleared in (
        (DISTRICT, "WESTERN", "district", CITYWIDE),
        (NEIGHBORHOOD, "Harlem Park", "neighborhood", ""),
        (COUNCIL, "9", "council", ""),
    ):
        page.level.value = CHOICE_OF[level]
        layer = page.area_layers[level]
        _click(layer, level, name)
        assert getattr(state, trait) == name
        _refresh(page, state)
        selected = next(f for f in layer.data["features"] if f["properties"][level] == name)
        assert selected["properties"]["style"]["weight"] > 1
        _click(layer, level, name)
        assert getattr(state, trait) == cleared
        _refresh(page, state)


def test_search_selects_an_area_or_centres_on_a_block(drawn, demo_store: Path) -> None:
    page, state = drawn
    page.search.value = "harlem park"
    assert state.neighborhood == "Harlem Park"
    assert "Showing Harlem Park" in page.search_message.value
    page.search.value = "Council District 9"
    assert state.council == "9"
    page.clear_button.click()
    assert (state.district, state.neighborhood, state.council) == (CITYWIDE, "", "")

    every = store.load_incidents(
        demo_store, offenses="all", columns=["location", "latitude", "longitude"]
    )
    block = every["location"].dropna().astype(str).value_counts().index[0]
    query = block.lower().replace(" ", "  ")  # case and spacing do not matter
    page.search.value = query
    hit = every[
        every["location"].astype(str).str.upper().str.contains(block, regex=False)
        & every["latitude"].notna()
    ]
    centre = (
        (hit["latitude"].quantile(0.05) + hit["latitude"].quantile(0.95)) / 2,
        (hit["longitude"].quantile(0.05) + hit["longitude"].quantile(0.95)) / 2,
    )
    assert page.map.center == pytest.approx(centre, abs=1e-6)
    assert page.found in page.map.layers
    assert f"{len(hit):,} records" in page.search_message.value
    assert block in page.search_message.value

    page.search.value = "no such street anywhere"
    assert "No neighborhood, district or block address" in page.search_message.value
    assert page.found not in page.map.layers
    assert (state.district, state.neighborhood, state.council) == (CITYWIDE, "", "")


def _table_rows(html: str) -> dict[str, str]:
    return dict(re.findall(r'<th scope="row">([^<]+)</th><td[^>]*>([^<]+)</td>', html))


def test_show_table_gives_the_numbers_that_colour_the_map(drawn, period_rows) -> None:
    page, _ = drawn
    assert page.table.layout.display == "none"
    page.table_toggle.value = True
    assert page.table.layout.display is None
    assert page.map.layout.display == "none"
    assert page.table_toggle.description == "Show map"
    counts = period_rows["district"].astype(str).value_counts()
    expected = {district_name(d): f"{int(counts.get(d, 0)):,}" for d in DISTRICTS}
    rows = _table_rows(page.table.value)
    assert {k: v for k, v in rows.items() if k in expected} == expected
    assert len(rows) == 9
    page.level.value = CHOICE_OF[NEIGHBORHOOD]
    hoods = period_rows["neighborhood"].astype(str).value_counts()
    rows = _table_rows(page.table.value)
    assert len(rows) == 278
    assert rows["Harlem Park"] == f"{int(hoods.get('Harlem Park', 0)):,}"
    page.table_toggle.value = False
    assert page.map.layout.display is None


def test_every_area_is_in_the_keyboard_list(drawn) -> None:
    page, _ = drawn
    options = set(page.search.options)
    assert {"Western District", "Council District 9", "Harlem Park"} <= options
    assert len(options) == 9 + 14 + 278


def test_clusters_of_no_rows_are_empty() -> None:
    empty = pd.DataFrame({"latitude": [np.nan], "longitude": [np.nan]})
    assert maps.clusters(empty, 12).empty
    assert maps.clusters_geojson(maps.clusters(empty, 12))["features"] == []


def test_the_city_is_fitted_again_to_the_size_the_browser_reports(drawn) -> None:
    """Before the browser reports its size the city is fitted to a guess; a phone's
    narrow map (about 350 x 560 px) then gets the zoom that shows the whole city."""
    page, _ = drawn
    guessed = page.map.zoom
    city = maps.bounds_of(boundaries.load_city())
    # what the browser reports for a map 350 px wide, 560 px tall (world pixels)
    page.map.set_state({"left": 10_000, "top": 20_000, "right": 10_350, "bottom": 20_560})
    assert page.map.zoom < guessed
    width, height = maps.view_size(page.map)
    assert (width, height) == (350, 560)
    (south, west), (north, east) = city
    centre, zoom = maps.fit_view(city, (width, height))
    assert page.map.zoom == zoom and page.fitted == city
    assert south < page.map.center[0] < north and west < page.map.center[1] < east


def test_cluster_labels_write_the_counts_that_fit_their_circles(drawn) -> None:
    page, _ = drawn
    page.map.zoom = 12
    table = page.cluster_table
    url, bounds = maps.cluster_labels(table, 12)
    svg = base64.b64decode(url.split(",", 1)[1]).decode()
    written = [int(t.replace(",", "")) for t in re.findall(r">([\d,]+)</text>", svg)]
    top = int(table["count"].max())
    fits = [
        n
        for n in table["count"]
        if 2 * maps.cluster_radius(n, top) >= maps.label_width(f"{n:,}") + 2
    ]
    assert sorted(written) == sorted(fits) and top in written
    assert page.labels.visible and page.labels.url == url
    (south, west), (north, east) = bounds
    assert south < maps.CITY_CENTER[0] < north and west < maps.CITY_CENTER[1] < east


def test_council_districts_by_rate_recounted(drawn, period_rows) -> None:
    """Per 1,000 residents at the Council level: the colours and the table divide each
    district's rows by its 2020 residents (the shipped CSV, read here with pandas)."""
    page, state = drawn
    state.measure = "rates"
    page.level.value = CHOICE_OF[COUNCIL]
    _refresh(page, state)
    people = pd.read_csv(
        Path(boundaries.__file__).parent / "data" / "population" / "council_district.csv",
        dtype={"area": str},
    ).set_index("area")["residents"]
    counts = period_rows["council_district"].astype(str).value_counts()
    features = page.area_layers[COUNCIL].data["features"]
    for feature in features:
        name = feature["properties"][COUNCIL]
        expected = int(counts.get(name, 0)) / people[name] * 1000
        assert feature["properties"]["rate"] == pytest.approx(expected, rel=1e-9)
    page.table_toggle.value = True
    nine = int(counts.get("9", 0)) / people["9"] * 1000
    row = re.search(r'<th scope="row">Council District 9</th>(.*?)</tr>', page.table.value)
    assert row is not None
    assert f"{nine:,.1f}" in row.group(1) and f"{int(people['9']):,}" in row.group(1)


def test_the_level_toggle_speaks_the_links_codes_and_hover_reads_the_area(drawn) -> None:
    page, _ = drawn
    assert [value for _label, value in page.level.options] == list(CHOICES["areas"])
    western = next(
        f
        for f in page.area_layers[DISTRICT].data["features"]
        if f["properties"][DISTRICT] == "WESTERN"
    )
    event = {"event": "mouseover", "feature": western, "properties": western["properties"]}
    page.area_layers[DISTRICT]._handle_mouse_events(None, event, None)
    count = western["properties"]["count"]
    assert f"Western District: {count:,} victims" in page.hover.value


def test_a_block_outside_the_selected_district_brings_back_the_city(drawn, demo_store) -> None:
    page, state = drawn
    state.district = "WESTERN"
    _refresh(page, state)
    every = store.load_incidents(
        demo_store, offenses="all", columns=["location", "district", "latitude", "longitude"]
    )
    southeast = every[every["district"].astype(str) == "SOUTHEAST"]
    block = southeast["location"].dropna().astype(str).value_counts().index[0]
    page.search.value = block
    assert state.district == CITYWIDE
    assert "outside Western District" in page.search_message.value
    centre = page.map.center
    _refresh(page, state)  # the cleared filter's refresh keeps the block in view
    assert page.map.center == centre
    assert page.map.zoom > maps.CITY_ZOOM + 2


def test_the_selection_is_outlined_whatever_level_is_filled(drawn) -> None:
    page, state = drawn
    page.level.value = CHOICE_OF[COUNCIL]
    state.district = "WESTERN"
    _refresh(page, state)
    drawn_outline = page.selection.data["features"]
    assert [f["properties"][DISTRICT] for f in drawn_outline] == ["WESTERN"]
    assert page.selection.style["weight"] == 4 and not page.selection.interactive
    state.district = CITYWIDE
    _refresh(page, state)
    assert page.selection.data["features"] == []
