"""Boundary files: installed under standard names, names normalised to the store's spelling,
and the simplified copies shipped in the package used when a data directory has none."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest
import shapely
from shapely.geometry import shape

from bmoredash.reference import boundaries
from bmoredash.reference.neighborhoods import known_neighborhoods
from bmoredash.schema import DISTRICTS, canonical_district, canonical_neighborhood
from tests.conftest import require_shared


def test_neighborhood_spelling_rule() -> None:
    assert canonical_neighborhood("GWYNNS FALLS/LEAKIN PARK") == "Gwynns Falls/Leakin Park"
    assert canonical_neighborhood("Mcelderry  Park ") == "McElderry Park"
    assert canonical_neighborhood("BUTCHER'S HILL") == "Butcher's Hill"
    assert canonical_neighborhood("NA") == "Unknown"
    assert canonical_neighborhood(None) == "Unknown"


def test_a_data_dir_without_boundaries_gets_the_shipped_ones(data_dir: Path) -> None:
    assert not boundaries.boundaries_dir(data_dir).exists()
    for vintage in boundaries.VINTAGES:
        districts = boundaries.load_districts(data_dir, vintage)
        assert sorted(f["properties"]["district"] for f in districts["features"]) == sorted(
            DISTRICTS
        )
    assert len(boundaries.load_neighborhoods(data_dir)["features"]) == 278
    assert boundaries.district_outline(data_dir, "WESTERN")
    assert boundaries.district_outline(data_dir, "NOWHERE") == []


def test_install_real_boundaries(data_dir: Path) -> None:
    folder = require_shared("boundaries")
    boundaries.install_from(
        {
            "police_districts_2023": folder / "police_districts_2023.geojson",
            "police_districts_pre2023": folder / "Police_Districts.geojson",
            "neighborhoods": folder / "neighborhoods.geojson",
        },
        data_dir,
    )
    for vintage in ("2023", "pre2023"):
        districts = boundaries.load_districts(data_dir, vintage)
        assert sorted(f["properties"]["district"] for f in districts["features"]) == sorted(
            DISTRICTS
        )
    hoods = boundaries.load_neighborhoods(data_dir)
    names = {f["properties"]["neighborhood"] for f in hoods["features"]}
    assert len(names) == 278 and "Gwynns Falls/Leakin Park" in names
    outline = boundaries.district_outline(data_dir, "WESTERN")
    lons = [x for ring in outline for x, _ in ring]
    lats = [y for ring in outline for _, y in ring]
    assert -76.70 < min(lons) < max(lons) < -76.60 and 39.28 < min(lats) < max(lats) < 39.33
    assert len(boundaries.district_outline(data_dir, "CITYWIDE")) >= 9


def test_install_rejects_bad_files(data_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.geojson"
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": []}))
    with pytest.raises(ValueError, match="FeatureCollection"):
        boundaries.install_from({"police_districts_2023": bad}, data_dir)
    with pytest.raises(ValueError, match="unknown boundary keys"):
        boundaries.install_from({"wards": bad}, data_dir)


# --------------------------------------------------------------------------------------
# Shipped simplified boundaries (bmoredash/reference/data/boundaries/): no ../shared needed
# --------------------------------------------------------------------------------------

#: shipped key -> feature count (districts: 9 in both vintages; 278 neighborhoods; BNIA's
#: 55 CSAs of 2010 + "Unassigned -- Jail"; one city line; 14 Council districts in both
#: line sets; 5 legislative districts in the 2022 plan, 6 in the 2012 one).
SHIPPED_COUNTS = {
    "police_districts_pre2023": 9,
    "police_districts_2023": 9,
    "neighborhoods": 278,
    "csas": 56,
    "city": 1,
    "council_districts_2024": 14,
    "council_districts_2011": 14,
    "legislative_districts_2022": 5,
    "legislative_districts_2012": 6,
}
SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "build_reference_boundaries.py"


def _names(key: str) -> list[str]:
    return [f["properties"]["name"] for f in boundaries.load_shipped(key)["features"]]


def test_shipped_files_load_with_their_feature_counts() -> None:
    assert set(boundaries.SHIPPED_FILES) == set(SHIPPED_COUNTS)
    for key, count in SHIPPED_COUNTS.items():
        data = boundaries.load_shipped(key)
        assert data["type"] == "FeatureCollection"
        assert len(data["features"]) == count, key
        assert len(set(_names(key))) == count, f"{key}: a name is repeated"
        for feature in data["features"]:
            assert set(feature["properties"]) == {"name"}
            geometry = shape(feature["geometry"])
            assert geometry.geom_type in ("Polygon", "MultiPolygon")
            assert geometry.is_valid and not geometry.is_empty, feature["properties"]
            west, south, east, north = geometry.bounds
            assert -76.72 < west < east < -76.52 and 39.19 < south < north < 39.38
    assert boundaries.load_csas()["features"] and len(boundaries.load_city()["features"]) == 1
    assert "Unassigned -- Jail" in _names("csas")


def test_shipped_copies_are_fresh() -> None:
    first = boundaries.load_shipped("neighborhoods")
    first["features"].clear()
    assert len(boundaries.load_shipped("neighborhoods")["features"]) == 278
    with pytest.raises(ValueError, match="unknown shipped boundary"):
        boundaries.load_shipped("wards")


def test_every_canonical_district_has_a_shipped_polygon_in_both_vintages() -> None:
    for vintage in boundaries.VINTAGES:
        names = _names(f"police_districts_{vintage}")
        assert sorted(names) == sorted(DISTRICTS), vintage
        assert all(canonical_district(n) == n for n in names)
        for district in DISTRICTS:
            assert boundaries.district_outline(None, district, vintage), (vintage, district)
        assert len(boundaries.district_outline(None, "CITYWIDE", vintage)) >= 9


def test_every_neighborhood_in_the_table_has_a_shipped_polygon() -> None:
    # NOTE: the table writes "CARE" (the neighborhood's published name, an acronym); the
    # store spells every name with canonical_neighborhood ("Care"), and so do the polygons.
    store_names = {canonical_neighborhood(n) for n in known_neighborhoods()}
    shipped = set(_names("neighborhoods"))
    assert store_names == shipped
    assert all(canonical_neighborhood(n) == n for n in shipped)
    loaded = boundaries.load_neighborhoods(None)
    assert {f["properties"]["neighborhood"] for f in loaded["features"]} == store_names


def test_shipped_boundaries_are_small() -> None:
    files = [boundaries.SHIPPED_DIR / name for name in boundaries.SHIPPED_FILES.values()]
    total = sum(path.stat().st_size for path in files)
    # measured: 410 KB (290 KB police districts, neighborhoods, CSAs and city; 125 KB the
    # Council and legislative districts)
    assert total < 450 * 1024, f"shipped boundaries are {total / 1024:.0f} KB"
    assert (boundaries.SHIPPED_DIR / "SOURCES.md").is_file()


def test_shipped_boundaries_are_package_data() -> None:
    text = (SCRIPT.parent.parent / "pyproject.toml").read_text("utf-8")
    assert '"reference/data/*"' in text and '"reference/data/boundaries/*"' in text


def test_council_and_legislative_names_are_normalised() -> None:
    councils = [str(n) for n in range(1, 15)]
    for vintage in boundaries.COUNCIL_VINTAGES:
        names = [
            f["properties"]["name"] for f in boundaries.load_council_districts(vintage)["features"]
        ]
        assert sorted(names, key=int) == councils, vintage
    plan_2022 = boundaries.load_legislative_districts("2022")["features"]
    assert [f["properties"]["name"] for f in plan_2022] == ["40", "41", "43A", "45", "46"]
    plan_2012 = boundaries.load_legislative_districts("2012")["features"]
    assert [f["properties"]["name"] for f in plan_2012] == ["40", "41", "43", "44A", "45", "46"]
    with pytest.raises(ValueError, match="unknown Council lines"):
        boundaries.load_council_districts("2020")
    with pytest.raises(ValueError, match="unknown legislative plan"):
        boundaries.load_legislative_districts("2002")


def test_council_districts_cover_the_land_and_do_not_overlap() -> None:
    city = shape(boundaries.load_city()["features"][0]["geometry"])
    for vintage in boundaries.COUNCIL_VINTAGES:
        shapes = [
            shape(f["geometry"]) for f in boundaries.load_council_districts(vintage)["features"]
        ]
        union = shapely.union_all(shapes)
        overlap = sum(s.area for s in shapes) - union.area
        assert overlap / union.area < 0.001, vintage
        # 2024: land only (88.5% of the city polygon, water left out); 2011: 99.8%
        share = union.intersection(city).area / city.area
        assert share > (0.87 if vintage == "2024" else 0.99), (vintage, share)


def test_data_dir_files_win_over_the_shipped_ones(data_dir: Path, tmp_path: Path) -> None:
    one = {
        "type": "Feature",
        "properties": {"Dist_Name": "Western"},
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[-76.7, 39.3], [-76.6, 39.3], [-76.6, 39.32], [-76.7, 39.3]]],
        },
    }
    source = tmp_path / "police_districts_2023.geojson"
    source.write_text(json.dumps({"type": "FeatureCollection", "features": [one]}))
    boundaries.install_from([source], data_dir)
    assert [
        f["properties"]["district"] for f in boundaries.load_districts(data_dir)["features"]
    ] == ["WESTERN"]
    # the other vintage and the neighborhoods are not installed: shipped ones fill in
    assert len(boundaries.load_districts(data_dir, "pre2023")["features"]) == 9
    assert len(boundaries.load_neighborhoods(data_dir)["features"]) == 278


# --------------------------------------------------------------------------------------
# Recounted from ../shared (skip, saying why, where it is absent)
# --------------------------------------------------------------------------------------


def _build_script() -> ModuleType:
    """The build script as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("build_reference_boundaries", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_counts_and_names_match_the_shared_sources() -> None:
    folder = require_shared("boundaries")
    script = _build_script()
    for key, (filename, name_of) in script.SOURCES.items():
        source = json.loads((folder / filename).read_text("utf-8"))["features"]
        assert len(source) == SHIPPED_COUNTS[key], key
        assert _names(key) == [name_of(f["properties"]) for f in source], key


def test_shipped_polygons_keep_their_sources_area() -> None:
    folder = require_shared("boundaries")
    script = _build_script()
    for key, (filename, _) in script.SOURCES.items():
        source = json.loads((folder / filename).read_text("utf-8"))["features"]
        for original, simple in zip(source, boundaries.load_shipped(key)["features"], strict=True):
            before = shapely.make_valid(shape(original["geometry"])).area
            after = shape(simple["geometry"]).area
            assert abs(after / before - 1) < 0.03, (key, simple["properties"]["name"])


def test_the_build_script_reproduces_the_shipped_files(tmp_path: Path) -> None:
    folder = require_shared("boundaries")
    assert _build_script().main(["--shared", str(folder), "--out", str(tmp_path)]) == 0
    for name in boundaries.SHIPPED_FILES.values():
        assert (tmp_path / name).read_bytes() == (boundaries.SHIPPED_DIR / name).read_bytes()
