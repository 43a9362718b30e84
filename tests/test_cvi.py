"""The curated CVI program list: sourced, typed, placed inside the city, searchable."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from shapely.geometry import Point, shape

from bmoredash.reference import boundaries, cvi
from bmoredash.schema import CITY_BBOX, DISTRICTS

DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@pytest.fixture(scope="module")
def programs() -> pd.DataFrame:
    return cvi.load_programs()


def test_columns_match_the_contract(programs: pd.DataFrame) -> None:
    assert tuple(programs.columns) == cvi.COLUMNS
    assert programs["verified"].dtype == bool
    assert len(programs) >= 20


def test_every_entry_has_a_source_url_and_date(programs: pd.DataFrame) -> None:
    for row in programs.itertuples():
        assert re.match(r"^https?://[^ ]+\.[a-z]{2,}", row.source), row.name
        assert DATE.match(row.source_date), (row.name, row.source_date)
        assert row.description and row.area_served, row.name
        if row.address:
            # an address is only shown with the public source that states it
            assert row.address_source.startswith("http"), row.name


def test_types_and_districts_are_in_the_allowed_sets(programs: pd.DataFrame) -> None:
    assert set(programs["type"]) <= set(cvi.PROGRAM_TYPES)
    assert programs["type_label"].notna().all()
    for districts in programs["districts"]:
        assert set(districts) <= set(DISTRICTS)


def test_safe_streets_sites_are_all_listed(programs: pd.DataFrame) -> None:
    sites = programs[programs["type"] == "street_outreach"]["name"]
    expected = {
        "Belair-Edison",
        "Belvedere",
        "Brooklyn",
        "Cherry Hill",
        "Franklin Square",
        "McElderry Park",
        "Park Heights",
        "Penn North",
        "Sandtown-Winchester",
        "Woodbourne-McCabe",
    }
    assert {s.removeprefix("Safe Streets ") for s in sites} == expected


def test_coordinates_are_inside_the_city_when_present(programs: pd.DataFrame) -> None:
    for lat_col, lon_col in (("latitude", "longitude"), ("map_latitude", "map_longitude")):
        placed = programs[programs[lat_col].notna()]
        assert placed[lat_col].between(CITY_BBOX["lat_min"], CITY_BBOX["lat_max"]).all()
        assert placed[lon_col].between(CITY_BBOX["lon_min"], CITY_BBOX["lon_max"]).all()
    # the map never shows a made-up point: every mapped program says how it was placed
    mapped = programs["map_latitude"].notna()
    assert (programs.loc[mapped, "location_basis"] != "none").all()
    assert (programs.loc[~mapped, "location_basis"] == "none").all()


def test_neighborhood_programs_sit_near_their_neighborhood(programs: pd.DataFrame) -> None:
    sandtown = programs[programs["name"] == "Safe Streets Sandtown-Winchester"].iloc[0]
    assert sandtown["location_basis"].startswith("neighborhood centre")
    assert (
        cvi.distance_km(39.3038, -76.6426, sandtown["map_latitude"], sandtown["map_longitude"])
        < 0.5
    )


def test_mapped_programs_lie_in_their_district_and_neighborhood(programs: pd.DataFrame) -> None:
    # Against the outlines shipped in the package: no ../shared needed.
    city = shape(boundaries.load_city()["features"][0]["geometry"])
    districts = {
        f["properties"]["district"]: shape(f["geometry"])
        for f in boundaries.load_districts(None, "2023")["features"]
    }
    hoods = {
        f["properties"]["neighborhood"]: shape(f["geometry"])
        for f in boundaries.load_neighborhoods(None)["features"]
    }
    mapped = programs[programs["map_latitude"].notna()]
    assert len(mapped) > 0
    for row in mapped.itertuples():
        point = Point(row.map_longitude, row.map_latitude)
        assert city.contains(point), row.name
        assert any(districts[d].contains(point) for d in row.districts), row.name
        # NOTE: an address-block point may sit just over the line of the neighborhood the
        # program serves (Safe Streets Belvedere: Pimlico Good Neighbors, serving Central
        # Park Heights); a neighborhood-centre point must be inside it.
        if row.location_basis.startswith("neighborhood centre"):
            assert any(hoods[n].contains(point) for n in row.neighborhoods), row.name


def test_nearest_programs_are_ordered_by_distance(programs: pd.DataFrame) -> None:
    # a point in Cherry Hill: the Cherry Hill site first, then Brooklyn (South Baltimore)
    near = cvi.nearest_programs(39.2489, -76.6284, n=4)
    assert list(near["name"][:2]) == ["Safe Streets Cherry Hill", "Safe Streets Brooklyn"]
    assert near["distance_km"].is_monotonic_increasing
    assert len(near) == 4
    assert near["map_latitude"].notna().all()


def test_nearest_programs_leave_out_unlocated_programs() -> None:
    near = cvi.nearest_programs(39.29, -76.61, n=100)
    assert "MONSE Victim Services" not in set(near["name"])
    assert len(near) == cvi.load_programs()["map_latitude"].notna().sum()


def test_distance_is_haversine() -> None:
    # one degree of latitude is about 111.2 km
    assert cvi.distance_km(39.0, -76.6, 40.0, -76.6) == pytest.approx(111.19, abs=0.05)
    assert cvi.distance_km(39.3, -76.6, 39.3, -76.6) == 0


def test_programs_for_district_includes_citywide_unless_asked(programs: pd.DataFrame) -> None:
    western = cvi.programs_for_district("WESTERN")
    names = set(western["name"])
    assert {"Safe Streets Penn North", "Group Violence Reduction Strategy (GVRS)"} <= names
    assert "MONSE Victim Services" in names  # citywide
    assert "Safe Streets Cherry Hill" not in names  # Southern district
    local = cvi.programs_for_district("WESTERN", include_citywide=False)
    assert all("WESTERN" in ds for ds in local["districts"])
    assert len(cvi.programs_for_district("CITYWIDE")) == len(programs)
    with pytest.raises(ValueError, match="unknown district"):
        cvi.programs_for_district("NORTHEASTERN")


def test_unverified_and_malformed_rows(tmp_path: Path) -> None:
    header = Path(cvi.PROGRAMS_FILE).read_text().splitlines()[0]
    good = (
        'Test program,youth,Org,"Does things.",Citywide,,,,,,,,,,'
        "https://example.org/a,2024-01-02,False,"
    )
    path = tmp_path / "p.csv"
    path.write_text(f"{header}\n{good}\n")
    frame = cvi.load_programs(path)
    assert frame["verified"].tolist() == [False]
    assert frame["location_basis"].tolist() == ["none"]

    bad = good.replace(",youth,", ",parade,").replace("https://example.org/a", "somewhere")
    path.write_text(f"{header}\n{bad}\n")
    with pytest.raises(ValueError, match="unknown type 'parade'.*source is not a URL"):
        cvi.load_programs(path)


def test_load_programs_returns_a_copy() -> None:
    first = cvi.load_programs()
    first.loc[0, "name"] = "changed"
    assert cvi.load_programs().loc[0, "name"] != "changed"
