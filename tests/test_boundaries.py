"""Boundary files: installed under standard names, names normalised to the store's spelling."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from bmoredash.reference import boundaries
from bmoredash.schema import DISTRICTS, canonical_neighborhood
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


def test_reference_sits_at_the_base_of_the_reading_order() -> None:
    # clean, fetch and demo read the reference package (fetch: BOUNDARY_FILES), so it may
    # itself import only the base: config, files, schema (and its own modules).
    allowed = {"bmoredash.config", "bmoredash.files", "bmoredash.schema"}
    folder = Path(boundaries.__file__).parent
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            ours = [n for n in names if n.startswith("bmoredash") and n != "bmoredash"]
            outside = [n for n in ours if not n.startswith("bmoredash.reference")]
            assert not outside or any(n in allowed for n in outside), (path.name, outside)
