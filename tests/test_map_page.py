"""Map page and map layers without a browser: polygons, click-to-filter, the CVI page."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import require_shared

from bmoredash import style
from bmoredash.app import maps
from bmoredash.app.context import DashboardContext, FilteredView
from bmoredash.app.pages.cvi import CviPage, program_card
from bmoredash.app.pages.map import COUNCIL, DISTRICT, NEIGHBORHOOD, MapPage
from bmoredash.app.state import FilterState
from bmoredash.config import PACKAGE_DIR
from bmoredash.reference import boundaries, cvi
from bmoredash.schema import CITYWIDE, DISTRICTS, OFFENSES
from bmoredash.selection import select_rows

THROUGH = pd.Timestamp("2025-06-14", tz="America/New_York")  # a Saturday


def synthetic_frame(rows: int, seed: int = 7) -> pd.DataFrame:
    """Canonical-looking rows scattered around real neighborhood centres (demo table)."""
    rng = np.random.default_rng(seed)
    hoods = pd.read_csv(PACKAGE_DIR / "reference" / "data" / "neighborhoods.csv")
    pick = hoods.iloc[rng.integers(0, len(hoods), rows)].reset_index(drop=True)
    minutes = rng.integers(0, 2 * 365 * 24 * 60, rows)
    stamps = THROUGH - pd.to_timedelta(minutes, unit="min")
    offenses = np.array(list(OFFENSES))[rng.integers(0, len(OFFENSES) - 1, rows)]
    lat = (pick["centroid_lat"] + rng.normal(0, 0.0008, rows)).astype("float32")
    lon = (pick["centroid_lon"] + rng.normal(0, 0.0008, rows)).astype("float32")
    # NOTE: like the real data, some rows have no coordinates
    lat[::10] = np.nan
    lon[::10] = np.nan
    return pd.DataFrame(
        {
            "record_id": [f"r{i}" for i in range(rows)],
            "incident_id": [f"i{i}" for i in range(rows)],
            "occurred_at": stamps,
            "time_known": True,
            "offense": pd.Categorical(offenses),
            "district": pd.Categorical(pick["district"]),
            "neighborhood": pd.Categorical(pick["name"]),
            "location": pick["blocks"].str.split("|").str[0].astype("string"),
            "latitude": lat,
            "longitude": lon,
        }
    )


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return synthetic_frame(12_000)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with no boundary files: the map draws the package's shipped ones
    (so these tests need no ../shared)."""
    return tmp_path_factory.mktemp("shipped-boundaries")


@pytest.fixture(scope="module")
def full_detail(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the real 2023 district and neighborhood boundaries."""
    shared = require_shared("boundaries")
    data_dir = tmp_path_factory.mktemp("with-boundaries")
    boundaries.install_from(
        {
            "police_districts_2023": shared / "police_districts_2023.geojson",
            "neighborhoods": shared / "neighborhoods.geojson",
        },
        data_dir,
    )
    return data_dir


def page_for(
    frame: pd.DataFrame, data_dir: Path | None
) -> tuple[MapPage, FilterState, DashboardContext]:
    context = DashboardContext(frame=frame, data_dir=data_dir)
    state = FilterState()
    page = MapPage(context, state)
    page.refresh(FilteredView(context, state))
    return page, state, context


def test_district_polygons_are_drawn_with_counts(frame: pd.DataFrame, installed: Path) -> None:
    page, _, context = page_for(frame, installed)
    assert page.message.value == ""  # no error shown
    layer = page.area_layers[DISTRICT]
    features = layer.data["features"]
    assert sorted(f["properties"]["district"] for f in features) == sorted(DISTRICTS)
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in features)
    # colours count the selected period (2025 YTD) of Part 1 offenses, per district
    view = FilteredView(context, FilterState())
    expected = select_rows(frame, window=view.window)["district"].value_counts()
    got = {f["properties"]["district"]: f["properties"]["count"] for f in features}
    assert got == {d: int(expected.get(d, 0)) for d in DISTRICTS}
    assert "Police districts" in page.legend.value
    assert page.boundary_note.value == ""
    assert NEIGHBORHOOD in page.area_layers
    assert len(page.areas[NEIGHBORHOOD]["features"]) > 250


def test_clicking_a_district_sets_and_clears_the_filter(
    frame: pd.DataFrame, installed: Path
) -> None:
    page, state, _ = page_for(frame, installed)
    layer = page.area_layers[DISTRICT]
    western = next(f for f in layer.data["features"] if f["properties"]["district"] == "WESTERN")
    layer._handle_mouse_events(None, {"event": "click", **_event(western)}, None)
    assert state.district == "WESTERN"
    page.refresh(FilteredView(page.context, state))
    selected = next(f for f in layer.data["features"] if f["properties"]["district"] == "WESTERN")
    assert selected["properties"]["style"]["weight"] > 1  # outlined as the selection
    layer._handle_mouse_events(None, {"event": "click", **_event(western)}, None)
    assert state.district == CITYWIDE


def test_clicking_a_neighborhood_sets_it_and_keeps_the_district_consistent(
    frame: pd.DataFrame, installed: Path
) -> None:
    page, state, context = page_for(frame, installed)
    page.level.value = "neighborhoods"
    layer = page.area_layers[NEIGHBORHOOD]
    assert page.area_group.layers == (layer,)  # only the chosen level is drawn
    state.district = "SOUTHERN"
    name = context.neighborhoods_by_district["WESTERN"][0]
    feature = next(
        (f for f in layer.data["features"] if f["properties"]["neighborhood"] == name), None
    )
    assert feature is not None, f"no polygon for {name}"
    layer._handle_mouse_events(None, {"event": "click", **_event(feature)}, None)
    assert state.neighborhood == name
    assert state.district == CITYWIDE  # it is not in Southern: the district is opened up


def _vertices(data: dict) -> int:
    """Points in every ring of every feature."""

    def count(coords: list) -> int:
        return 1 if isinstance(coords[0], float | int) else sum(count(c) for c in coords)

    return sum(count(f["geometry"]["coordinates"]) for f in data["features"])


def test_a_data_dirs_own_boundaries_win_over_the_shipped_ones(
    frame: pd.DataFrame, full_detail: Path, installed: Path
) -> None:
    page, _, context = page_for(frame, full_detail)
    features = page.area_layers[DISTRICT].data["features"]
    assert sorted(f["properties"]["district"] for f in features) == sorted(DISTRICTS)
    shipped = DashboardContext(frame=frame, data_dir=installed)
    # the installed files are full detail: many times the shipped files' coordinates
    assert _vertices(context.districts_geojson()) > 5 * _vertices(shipped.districts_geojson())
    hoods = context.neighborhoods_geojson()
    assert _vertices(hoods) > 5 * _vertices(shipped.neighborhoods_geojson())


def test_a_data_dir_without_boundaries_draws_the_shipped_outlines(
    frame: pd.DataFrame, tmp_path: Path
) -> None:
    page, _, _ = page_for(frame, tmp_path)
    assert not boundaries.boundaries_dir(tmp_path).exists()
    features = page.area_layers[DISTRICT].data["features"]
    assert sorted(f["properties"]["district"] for f in features) == sorted(DISTRICTS)
    assert len(page.areas[NEIGHBORHOOD]["features"]) == 278
    assert page.boundary_note.value == ""
    assert not page.level.disabled
    assert page.message.value == ""


def test_without_any_data_dir_the_map_draws_the_shipped_outlines_and_says_so(
    frame: pd.DataFrame,
) -> None:
    page, _, _ = page_for(frame, None)
    assert set(page.area_layers) == {DISTRICT, NEIGHBORHOOD, COUNCIL}
    assert len(page.areas[DISTRICT]["features"]) == 9
    assert len(page.areas[NEIGHBORHOOD]["features"]) == 278
    assert page.boundary_note.value == ""
    assert len(page.clusters.data["features"]) > 0
    assert not page.level.disabled
    assert page.message.value == ""


def test_counts_say_they_are_not_rates(frame: pd.DataFrame, tmp_path: Path) -> None:
    page, _, _ = page_for(frame, tmp_path)
    assert "Colours show counts, not rates" in page.rate_note.value


def test_map_needs_no_tiles() -> None:
    assert maps.base_map(None).layers == ()
    assert len(maps.base_map("openstreetmap").layers) == 1
    custom = maps.tile_layer("https://tiles.example.org/{z}/{x}/{y}.png")
    assert custom.url.startswith("https://tiles.example.org/")
    with pytest.raises(ValueError, match="unknown tiles"):
        maps.tile_layer("satellite please")


def test_fill_colours_and_legend() -> None:
    assert style.fill_color(0, 10) == style.ZERO_FILL
    assert style.fill_color(10, 10) == style.FILL_COLORS[-1]
    assert style.fill_color(1, 700) == style.FILL_COLORS[0]
    legend = maps.legend_html(70, "incidents")
    assert "61–70" in legend and "1–10" in legend
    # the scale runs from the quietest to the busiest area, so close counts still differ
    assert style.fill_color(500, 900, low=500) == style.FILL_COLORS[0]
    assert style.fill_color(899, 900, low=500) == style.FILL_COLORS[-1]
    assert "844–900" in maps.legend_html(900, "incidents", low=500)
    bounds = style.class_bounds(500, 900)
    assert bounds[0][0] == 500 and bounds[-1][1] == 900
    assert all(b[0] == a[1] + 1 for a, b in zip(bounds, bounds[1:], strict=False))
    assert "No incidents" in maps.legend_html(0, "incidents")


def test_cvi_page_lists_programs_nearest_the_selected_neighborhood(
    frame: pd.DataFrame, tmp_path: Path
) -> None:
    context = DashboardContext(frame=frame, data_dir=tmp_path)
    state = FilterState()
    page = CviPage(context, state)
    page.refresh(FilteredView(context, state))
    assert page.message.value == ""
    assert "All programs — 25 listed" in page.listing.value
    located = cvi.load_programs()["map_latitude"].notna().sum()
    assert len(page.layer.data["features"]) == located >= 9
    state.neighborhood = "Cherry Hill"
    page.refresh(FilteredView(context, state))
    first = page.nearest.value.split("bmd-cvi-program")[1]
    assert "Safe Streets Cherry Hill" in first
    assert page.here in page.map.layers
    page.type_filter.value = "victim_services"
    assert "MONSE Victim Services" in page.listing.value
    assert "Safe Streets Penn North" not in page.listing.value


def test_program_card_marks_unverified_entries() -> None:
    row = pd.Series(
        {
            "name": "Test <program>",
            "website": "javascript:alert(1)",
            "verified": False,
            "type": "youth",
            "type_label": "Youth programs & jobs",
            "operator": "",
            "description": "desc",
            "area_served": "Citywide",
            "address": "",
            "location_basis": "none",
            "notes": "",
            "source": "https://example.org/x",
            "source_date": "2024",
        }
    )
    card = program_card(row)
    assert "unverified" in card
    assert "Test &lt;program&gt;" in card
    assert "javascript:" not in card  # only http(s) links are made clickable
    assert "(2024)" in card


def _event(feature: dict) -> dict:
    """The message jupyter-leaflet sends to the kernel when a feature is clicked."""
    coords = feature["geometry"]["coordinates"]
    return {"feature": feature, "properties": feature["properties"], "coordinates": coords}


def test_area_colours_stay_inside_the_chosen_council_and_legislative_district(
    demo_store: Path,
) -> None:
    """With Legislative District 43A chosen, each district's colour counts only its rows
    inside 43A (recounted from the stored columns), and rates are withheld: a district's
    residents are not those of its part inside 43A."""
    from bmoredash import store

    context = DashboardContext.from_store(demo_store)
    state = FilterState(legislative="43A")
    page = MapPage(context, state)
    view = FilteredView(context, state)
    page.refresh(view)
    rows = store.load_incidents(demo_store, start=view.window.start, end=view.window.end)
    inside = rows[rows["legislative_district"].astype(str) == "43A"]
    expected = inside["district"].astype(str).value_counts()
    features = page.area_layers[DISTRICT].data["features"]
    got = {f["properties"]["district"]: f["properties"]["count"] for f in features}
    assert got == {d: int(expected.get(d, 0)) for d in DISTRICTS}
    assert sum(got.values()) == len(inside) - int((inside["district"] == "UNKNOWN").sum())
    assert 0 in got.values()  # 43A does not reach every district

    state.measure = "rates"
    page.refresh(FilteredView(context, state))
    assert page.area_table["rate"].isna().all()
    assert "combination of areas" in page.rate_note.value
