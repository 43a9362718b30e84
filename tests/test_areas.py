"""Area columns from coordinates: police district by both line sets, Council district (2024
lines) and legislative district (2022 plan), on the shipped simplified outlines.

Known places carry their coordinate in the test. Landmarks: coordinates read off the
building, checked to fall in the neighborhood polygon that names them (Morgan State
University, Loyola/Notre Dame, Johns Hopkins Homewood, Mondawmin, Patterson Park, Downtown).
Block addresses: the most frequent address per Council district in the Baltimore Sun extract
(``crime/baltimore_sun/``, 2025-26), with the coordinate, neighborhood and 2023 district the
city published for it, chosen at least 200 m inside the full-detail Council polygon.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, shape

from bmoredash import schema
from bmoredash.clean import chain
from bmoredash.reference import boundaries
from bmoredash.reference.areas import AREA_LAYERS, assign_areas
from bmoredash.schema import UNKNOWN_DISTRICT
from bmoredash.sources import read_source
from tests.conftest import require_shared

U = UNKNOWN_DISTRICT

#: (place, latitude, longitude, district_2023, district_pre2023, council, legislative)
LANDMARKS = (
    ("City Hall, 100 N Holliday St", 39.2908, -76.6107, "CENTRAL", "CENTRAL", "11", "46"),
    ("Morgan State University, 1700 E Cold Spring Ln", 39.3434, -76.5843)
    + ("NORTHEAST", "NORTHEAST", "3", "43A"),
    ("Loyola University, 4501 N Charles St", 39.3466, -76.6225, "NORTHERN", "NORTHERN")
    + ("6", "41"),
    ("Johns Hopkins Homewood, 3400 N Charles St", 39.3299, -76.6205, "NORTHERN", "NORTHERN")
    + ("14", "40"),
    ("Mondawmin Mall, 2401 Liberty Heights Ave", 39.3166, -76.6535, "WESTERN", "WESTERN")
    + ("7", "40"),
    ("Patterson Park Pagoda", 39.2889, -76.5797, "SOUTHEAST", "SOUTHEAST", "1", "46"),
    # the 2023 redistricting moved these (1959-2022 lines second)
    ("Penn Station, 1500 N Charles St", 39.3074, -76.6157, "EASTERN", "CENTRAL", "12", "45"),
    ("Johns Hopkins Hospital, 1800 Orleans St", 39.2963, -76.5929, "SOUTHEAST", "EASTERN")
    + ("13", "45"),
    ("Mt Washington, 1600 Kelly Ave", 39.3660, -76.6615, "NORTHWEST", "NORTHERN", "5", "41"),
)

#: One published block address per Council district (Sun extract): (council, location,
#: latitude, longitude, neighborhood as published, new_district as published).
COUNCIL_ADDRESSES = (
    ("1", "3500 BOSTON ST", 39.274838, -76.56655, "Canton Industrial Area", "Southeast"),
    ("2", "6200 PULASKI HWY", 39.302442, -76.543381, "Pulaski Industrial Area", "Southeast"),
    ("3", "4400 HARFORD RD", 39.339412, -76.571599, "Beverly Hills", "Northeast"),
    ("4", "5800 YORK RD", 39.360714, -76.609467, "Belvedere", "Northern"),
    ("5", "4000 W NORTHERN PKWY", 39.348955, -76.691027, "Woodmere", "Northwest"),
    ("6", "4400 PARK HEIGHTS AVE", 39.340366, -76.667434, "Central Park Heights", "Northern"),
    ("7", "2400 LIBERTY HEIGHTS AVE", 39.318693, -76.6544, "Mondawmin", "Western"),
    ("8", "2000 N FOREST PARK AVE", 39.309338, -76.708484, "Franklintown", "Northwest"),
    ("9", "2700 W FRANKLIN ST", 39.292972, -76.662036, "Penrose/Fayette Street Outreach")
    + ("Southwest",),
    ("10", "2700 WASHINGTON BLVD", 39.264523, -76.654947, "Morrell Park", "Southern"),
    ("11", "30 LIGHT ST", 39.287883, -76.61386, "Downtown", "Central"),
    ("12", "2400 N CHARLES ST", 39.316765, -76.61649, "Old Goucher", "Eastern"),
    ("13", "900 N WASHINGTON ST", 39.300779, -76.589972, "Middle East", "Southeast"),
    ("14", "3200 SAINT PAUL ST", 39.327228, -76.616241, "Charles Village", "Northern"),
)


def test_columns_and_categories() -> None:
    areas = assign_areas(pd.Series([39.2908], index=[7]), pd.Series([-76.6107], index=[7]))
    assert list(areas.columns) == list(schema.AREA_COLUMNS)
    assert list(areas.index) == [7]
    for column in schema.AREA_COLUMNS:
        assert isinstance(areas[column].dtype, pd.CategoricalDtype)
        assert schema.DTYPES[column] == "category"
    assert list(areas["district_2023"].cat.categories) == [*schema.DISTRICTS, U]
    assert list(areas["council_district"].cat.categories) == [*schema.COUNCIL_DISTRICTS, U]
    assert list(areas["legislative_district"].cat.categories) == [
        *schema.LEGISLATIVE_DISTRICTS,
        U,
    ]
    assert AREA_LAYERS["council_district"][0] == "council_districts_2024"


@pytest.mark.parametrize("place", LANDMARKS, ids=[p[0] for p in LANDMARKS])
def test_landmarks(place: tuple[str, float, float, str, str, str, str]) -> None:
    _, lat, lon, *expected = place
    row = assign_areas([lat], [lon]).iloc[0]
    assert list(row) == expected


def test_one_published_address_per_council_district() -> None:
    lats = [a[2] for a in COUNCIL_ADDRESSES]
    lons = [a[3] for a in COUNCIL_ADDRESSES]
    areas = assign_areas(lats, lons)
    assert list(areas["council_district"]) == [a[0] for a in COUNCIL_ADDRESSES]
    assert sorted(areas["council_district"], key=int) == list(schema.COUNCIL_DISTRICTS)
    published = [schema.canonical_district(a[5]) for a in COUNCIL_ADDRESSES]
    assert list(areas["district_2023"]) == published


def test_every_legislative_district_is_reached() -> None:
    lats = [p[1] for p in LANDMARKS]
    lons = [p[2] for p in LANDMARKS]
    found = set(assign_areas(lats, lons)["legislative_district"])
    assert found == set(schema.LEGISLATIVE_DISTRICTS)


def test_no_coordinates_and_outside_the_city_are_unknown() -> None:
    areas = assign_areas(
        pd.Series([np.nan, None, 39.2908, 39.40, 39.2700], dtype=object),
        pd.Series([-76.6107, -76.6107, np.nan, -76.6107, -76.5850], dtype=object),
    )
    assert (areas.iloc[:4] == U).all().all()
    # the harbour between Locust Point and Canton: open water, in no police or (land-only)
    # Council district, but inside the 2022 legislative plan, which covers the water
    assert list(areas.iloc[4]) == [U, U, U, "46"]
    text = assign_areas(["39.2908", "not a number"], ["-76.6107", "-76.61"])
    assert list(text["council_district"]) == ["11", U]


def test_mismatched_lengths_are_a_one_line_error() -> None:
    with pytest.raises(ValueError, match="not one per row"):
        assign_areas([39.29, 39.30], [-76.61])


def test_empty_input() -> None:
    areas = assign_areas(pd.Series([], dtype="float32"), pd.Series([], dtype="float32"))
    assert len(areas) == 0 and list(areas.columns) == list(schema.AREA_COLUMNS)


# --------------------------------------------------------------------------------------
# Plain shapely loops on the same shipped outlines (no vectorisation), for agreement
# --------------------------------------------------------------------------------------


def _loop_assign(lats: np.ndarray, lons: np.ndarray, column: str) -> list[str]:
    """One point at a time, one polygon at a time, schema order: the slow, obvious way."""
    key, names = AREA_LAYERS[column]
    by_name = {
        f["properties"]["name"]: shape(f["geometry"])
        for f in boundaries.load_shipped(key)["features"]
    }
    polygons = [(name, by_name[name]) for name in names]
    out = []
    for lat, lon in zip(lats, lons, strict=True):
        if not (np.isfinite(lat) and np.isfinite(lon)):
            out.append(U)
            continue
        point = Point(float(lon), float(lat))
        out.append(next((name for name, poly in polygons if poly.intersects(point)), U))
    return out


def test_random_points_agree_with_plain_loops() -> None:
    rng = np.random.default_rng(11)
    lats = rng.uniform(39.19, 39.38, 2_000)
    lons = rng.uniform(-76.72, -76.52, 2_000)
    lats[::17] = np.nan
    areas = assign_areas(lats, lons)
    for column in schema.AREA_COLUMNS:
        assert list(areas[column]) == _loop_assign(lats, lons, column), column


def test_real_sample_unassigned_rows_recounted() -> None:
    """The Sun extract through the real reader and clean chain; every stored row carries the
    four columns, and the rows left UNKNOWN are recounted with plain loops."""
    path = require_shared("crime", "baltimore_sun", "baltimore_sun_part1_2025-03-18_2026-06-15.csv")
    result = chain.clean(read_source(path), today=pd.Timestamp("2026-12-01").date())
    rows = result.incidents
    assert len(rows) > 30_000
    lat = rows["latitude"].to_numpy(dtype="float64")
    lon = rows["longitude"].to_numpy(dtype="float64")
    no_point = int((~np.isfinite(lat)).sum())
    raw = pd.read_csv(path, usecols=["latitude", "longitude"])
    print(f"Sun extract: {len(rows):,} rows kept, {no_point:,} without coordinates")
    assert len(rows) == len(raw)  # nothing quarantined in this extract
    assert no_point == int(raw.isna().any(axis=1).sum()) == result.quality.ungeocoded == 7
    for column in schema.AREA_COLUMNS:
        stored = rows[column].astype(str).tolist()
        looped = _loop_assign(lat, lon, column)
        assert stored == looped, column
        unknown = sum(v == U for v in looped)
        print(f"{column}: {unknown:,} unassigned ({unknown - no_point:,} with a point)")
        assert unknown >= no_point
        if column in ("council_district", "legislative_district"):
            # the quality report says how many rows no Council/legislative district holds
            assert getattr(result.quality, f"no_{column}") == unknown, column
    # the published 2023 district against the one the point gives: nearly always equal
    published = rows["district"].astype(str)
    placed = rows["district_2023"].astype(str)
    both = (published != U) & (placed != U)
    agree = float((published[both] == placed[both]).mean())
    print(f"published district = district_2023 on {agree:.2%} of {int(both.sum()):,} rows")
    assert agree > 0.97


def test_full_detail_polygons_agree_on_the_known_places() -> None:
    """The simplified outlines give the same answers as the full-detail shared files."""
    folder = require_shared("boundaries")
    council = json.loads((folder / "council_districts_2024.geojson").read_text("utf-8"))
    full = [(f["properties"]["AREA_NAME"], shape(f["geometry"])) for f in council["features"]]
    for expected, _, lat, lon, *_ in COUNCIL_ADDRESSES:
        point = Point(lon, lat)
        assert [n for n, g in full if g.contains(point)] == [expected]
        inside = next(g for n, g in full if n == expected)
        assert inside.boundary.distance(point) > 0.002  # about 200 m from any border
    legislative = json.loads(
        (folder / "legislative_districts_2022_mapbaltimore.geojson").read_text("utf-8")
    )
    full = [
        (f["properties"]["id"], shapely.make_valid(shape(f["geometry"])))
        for f in legislative["features"]
    ]
    for _, lat, lon, *_, expected in LANDMARKS:
        assert [n for n, g in full if g.contains(Point(lon, lat))] == [expected]
