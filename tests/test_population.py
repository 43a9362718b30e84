"""Population tables shipped in the package and rates per 1,000 residents.

Hand-checked figures come from the shared samples' SOURCES.md (section 10) and from the
files themselves; the recounts from ../shared use plain pandas, not the build script.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

from bmoredash.aggregate import per_1000
from bmoredash.aggregate.rates import NOTE_FEW_RESIDENTS, NOTE_NO_COUNT, NOTE_NO_FIGURE
from bmoredash.reference import population
from bmoredash.reference.neighborhoods import known_neighborhoods
from bmoredash.schema import DISTRICTS, UNKNOWN_DISTRICT, canonical_neighborhood
from tests.conftest import require_shared

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "build_population_tables.py"
CITY_2020 = 585_708

#: Levels whose SOURCES.md says they sum to the city's 2020 total.
WHOLE_CITY = (
    "district_2023",
    "neighborhood",
    "csa",
    "council_district",
    "council_district_2011",
)


def test_levels_are_the_contracts() -> None:
    assert population.LEVELS == (
        "district_2023",
        "district_pre2023",
        "neighborhood",
        "csa",
        "council_district",
        "council_district_2011",
    )
    for level in population.LEVELS:
        table = population.residents(level)
        assert table.dtype == np.int64, level
        assert table.index.is_unique, level
        assert (table >= 0).all(), level
        assert population.source_note(level).endswith("(2020)"), level


def test_sums_equal_the_city_total_where_sources_md_says_so() -> None:
    sources = (population.resources.files("bmoredash") / population.POPULATION_DIR).joinpath(
        "SOURCES.md"
    )
    text = sources.read_text("utf-8")
    for level in WHOLE_CITY:
        assert population.residents(level).sum() == CITY_2020, level
        assert f"| `{level}` | `{level}.csv` |" in text
    # rounded areal weights (585,708.0095 before rounding) lose one person
    assert population.residents("district_pre2023").sum() == 585_707
    assert "rounded to whole people" in text and "585,707" in text


def test_names_are_spelt_as_the_store_spells_them() -> None:
    for level in ("district_2023", "district_pre2023"):
        assert sorted(population.residents(level).index) == sorted(DISTRICTS)
    store_names = {canonical_neighborhood(n) for n in known_neighborhoods()}
    assert set(population.residents("neighborhood").index) == store_names
    assert len(store_names) == 278
    councils = [str(n) for n in range(1, 15)]
    assert list(population.residents("council_district").index) == councils
    assert list(population.residents("council_district_2011").index) == councils


def test_hand_checked_areas() -> None:
    hoods = population.residents("neighborhood")
    assert hoods["Canton"] == 12_731
    assert hoods["Care"] == 1_422  # published "CARE"; the store writes "Care"
    assert hoods["Patterson Park"] == 19
    assert hoods["Pulaski Industrial Area"] == 171
    for park in ("Carroll Park", "Greenmount Cemetery", "Herring Run Park", "Mt Pleasant Park"):
        assert hoods[park] == 0, park
    council = population.residents("council_district")
    assert council["3"] == 39_630 and council["1"] == 43_892
    assert council.min() == 39_630 and council.max() == 43_892
    old = population.residents("council_district_2011")
    assert old["9"] == 35_281 and old["11"] == 52_405
    csa = population.residents("csa")
    assert csa["Dickeyville/Franklintown"] == 3_672
    assert csa["Cedonia/Frankford"] == 22_455
    assert csa["Unassigned -- Jail"] == 2_085
    assert len(csa) == 56
    pre = population.residents("district_pre2023")
    assert pre["NORTHEAST"] == 122_429 and pre["WESTERN"] == 30_099


def test_unknown_level_is_a_one_line_error() -> None:
    with pytest.raises(ValueError, match="no population for level 'wards'"):
        population.residents("wards")
    with pytest.raises(ValueError, match="legislative districts"):
        population.residents("legislative_district")


# --------------------------------------------------------------------------------------
# Rates
# --------------------------------------------------------------------------------------


def test_rates_are_count_over_residents_per_1000() -> None:
    counts = pd.Series({"Canton": 100, "Patterson Park": 40, "Care": 7, "Nowhere": 5})
    rates = per_1000(counts, "neighborhood")
    assert list(rates.columns) == ["count", "residents", "rate", "note"]
    assert list(rates.index) == list(counts.index)
    assert rates.loc["Canton", "rate"] == pytest.approx(100 / 12_731 * 1000)
    assert rates.loc["Canton", "rate"] == pytest.approx(7.8549, abs=1e-4)
    assert rates.loc["Canton", "note"] == ""
    assert rates.loc["Care", "rate"] == pytest.approx(7 / 1_422 * 1000)
    # a park: 19 residents, no rate, and the reason
    assert rates.loc["Patterson Park", "residents"] == 19
    assert np.isnan(rates.loc["Patterson Park", "rate"])
    assert rates.loc["Patterson Park", "note"] == NOTE_FEW_RESIDENTS
    assert "1,000 residents" in NOTE_FEW_RESIDENTS
    # a name the table lacks: no residents known, no rate
    assert pd.isna(rates.loc["Nowhere", "residents"])
    assert rates.loc["Nowhere", "note"] == NOTE_NO_FIGURE


def test_district_and_council_rates() -> None:
    counts = pd.Series({"CENTRAL": 463, "WESTERN": 0, UNKNOWN_DISTRICT: 12, "SOUTHERN": np.nan})
    rates = per_1000(counts, "district_2023")
    assert rates.loc["CENTRAL", "rate"] == pytest.approx(463 / 46_324 * 1000)
    assert rates.loc["WESTERN", "rate"] == 0.0  # a real zero count is a zero rate
    assert np.isnan(rates.loc[UNKNOWN_DISTRICT, "rate"])
    assert rates.loc[UNKNOWN_DISTRICT, "note"] == NOTE_NO_FIGURE
    assert np.isnan(rates.loc["SOUTHERN", "rate"])  # no data is not zero
    assert rates.loc["SOUTHERN", "note"] == NOTE_NO_COUNT
    council = per_1000(pd.Series({"3": 120, "11": 300}), "council_district")
    assert council.loc["3", "rate"] == pytest.approx(120 / 39_630 * 1000)
    assert council.loc["11", "rate"] == pytest.approx(300 / 40_974 * 1000)
    old = per_1000(pd.Series({"11": 300}), "council_district_2011")
    assert old.loc["11", "rate"] == pytest.approx(300 / 52_405 * 1000)


def test_legislative_districts_get_no_rate_and_say_why() -> None:
    rates = per_1000(pd.Series({"40": 50, "43A": 10}), "legislative_district")
    assert rates["rate"].isna().all()
    assert set(rates["note"]) == {population.NO_POPULATION["legislative_district"]}
    assert list(rates["count"]) == [50, 10]


def test_min_residents_is_explained() -> None:
    assert population.MIN_RESIDENTS == 1_000
    doc = population.__doc__ or ""
    assert "2020 Census" in doc
    hoods = population.residents("neighborhood")
    assert int((hoods < population.MIN_RESIDENTS).sum()) == 97
    for level in ("district_2023", "district_pre2023", "council_district", "csa"):
        assert population.residents(level).min() >= population.MIN_RESIDENTS, level


# --------------------------------------------------------------------------------------
# Recounted from ../shared (skip, saying why, where it is absent)
# --------------------------------------------------------------------------------------


def _xwalk() -> pd.DataFrame:
    path = require_shared("population", "baltimore_census_xwalk.csv")
    return pd.read_csv(path, dtype={"GEOID": str, "TRACTCE20": str})


def test_neighborhoods_recounted_from_the_block_table() -> None:
    xwalk = _xwalk()
    rows = xwalk[xwalk["geography"] == "neighborhood 2010"]
    recount: dict[str, int] = {}
    for name, pop in zip(rows["name"], rows["POP20"], strict=True):
        key = canonical_neighborhood(name)
        recount[key] = recount.get(key, 0) + int(pop)
    shipped = population.residents("neighborhood")
    assert {k: v for k, v in shipped.items() if v} == recount
    assert sum(recount.values()) == CITY_2020


def test_2023_districts_recounted_and_compared_with_the_banner() -> None:
    xwalk = _xwalk()
    rows = xwalk[xwalk["geography"] == "neighborhood 2010"]
    by_hood = rows.groupby(rows["name"].str.lower())["POP20"].sum()
    crosswalk = pd.read_csv(
        require_shared("population", "clean-bpd-district-neighborhood-crosswalk.csv")
    )
    crosswalk["pop"] = crosswalk["neighborhood"].map(by_hood).fillna(0)
    recount = crosswalk.groupby(crosswalk["proposed_district"].str.upper())["pop"].sum()
    shipped = population.residents("district_2023")
    long_names = {"NORTHEASTERN": "NORTHEAST", "NORTHWESTERN": "NORTHWEST"}
    long_names |= {"SOUTHEASTERN": "SOUTHEAST", "SOUTHWESTERN": "SOUTHWEST"}
    recount.index = [long_names.get(n, n) for n in recount.index]
    assert recount.astype(int).sort_index().to_dict() == shipped.sort_index().to_dict()
    banner = pd.read_csv(require_shared("population", "proposed-district-profiles.csv"))
    assert banner.drop_duplicates("district")["x2020_pop"].sum() == 566_436


def test_council_districts_recounted_from_the_geojson() -> None:
    path = require_shared("boundaries", "council_districts_2024.geojson")
    features = json.loads(path.read_text("utf-8"))["features"]
    recount = {f["properties"]["AREA_NAME"]: f["properties"]["totalPop"] for f in features}
    assert population.residents("council_district").to_dict() == recount


def test_csas_recounted_from_tracts() -> None:
    xwalk = _xwalk()
    rows = xwalk[xwalk["geography"] == "council district 2010"]  # any one geography
    tracts = rows.groupby("GEOID")["POP20"].sum()
    bnia = pd.read_csv(
        require_shared("population", "xwalk_tract2020_csa2020_bnia.csv"), dtype=str
    ).dropna(subset=["GEOID20"])
    csa_of = dict(zip(bnia["GEOID20"], bnia["CSA2020"], strict=True))
    assert set(tracts.index) <= set(csa_of)
    recount: dict[str, int] = {}
    for geoid, pop in tracts.items():
        recount[csa_of[geoid]] = recount.get(csa_of[geoid], 0) + int(pop)
    assert population.residents("csa").to_dict() == recount


def _build_script() -> ModuleType:
    """The build script as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("build_population_tables", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_build_script_reproduces_the_shipped_tables(tmp_path: Path) -> None:
    shared = require_shared()
    require_shared("population")
    assert _build_script().main(["--shared", str(shared), "--out", str(tmp_path)]) == 0
    shipped = population.resources.files("bmoredash") / population.POPULATION_DIR
    for name in population.POPULATION_FILES.values():
        assert (tmp_path / name).read_bytes() == shipped.joinpath(name).read_bytes(), name
