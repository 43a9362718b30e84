"""Build the 2020 population tables shipped in ``bmoredash/reference/data/population/``.

Rates per 1,000 residents need a resident count per area on a fresh clone, without
``../shared``; this script derives one small CSV per area level (``area,residents``) from the
shared population samples (``../shared/data/baltimore/population/``, described in that
folder's SOURCES.md, section 10) and the 2024 Council lines, and writes a SOURCES.md beside
them with the method and the measured sums. Names are spelt as the store spells them.

    .venv/bin/python scripts/build_population_tables.py [--shared DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

import pandas as pd

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from bmoredash.reference.neighborhoods import known_neighborhoods  # noqa: E402
from bmoredash.reference.population import LEVELS, POPULATION_FILES  # noqa: E402
from bmoredash.schema import (  # noqa: E402
    UNKNOWN_DISTRICT,
    canonical_district,
    canonical_neighborhood,
)

DEFAULT_SHARED = PROJECT.parent / "shared" / "data" / "baltimore"
DEFAULT_OUT = PROJECT / "bmoredash" / "reference" / "data" / "population"
CITY_2020 = 585_708  # 2020 Census, Baltimore City (shared SOURCES.md, section 10)

XWALK = "population/baltimore_census_xwalk.csv"
DISTRICT_CROSSWALK = "population/clean-bpd-district-neighborhood-crosswalk.csv"
PROPOSED_PROFILES = "population/proposed-district-profiles.csv"
PRE2023 = "population/2020-census-by-bpd-district.csv"
TRACT_CSA = "population/xwalk_tract2020_csa2020_bnia.csv"
COUNCIL_2024 = "boundaries/council_districts_2024.geojson"

#: Where each shared file came from (shared SOURCES.md, sections 8 and 10).
ORIGINS: dict[str, str] = {
    XWALK: "elipousson/mapbaltimore, data/baltimore_census_xwalk.rda, commit "
    "a82ef25c80f97f9f70a29f5c98c89e9f97f3d8b9 (MIT): 2020 census blocks assigned to areas, "
    "summed by tract x area",
    DISTRICT_CROSSWALK: "The-Baltimore-Banner/bpd-districts, data/output/crosswalk/"
    "clean-bpd-district-neighborhood-crosswalk.csv, commit "
    "c87dae36b478f365c3010ac4db4608d4adc38b14 (BSD 3-Clause): neighborhood -> 2023 district",
    PROPOSED_PROFILES: "The-Baltimore-Banner/bpd-districts, data/output/"
    "proposed-district-profiles.csv, commit c87dae36b478f365c3010ac4db4608d4adc38b14 "
    "(BSD 3-Clause)",
    PRE2023: "The-Baltimore-Banner/juvenile-shootings, data/2020-census-by-bpd-district.csv, "
    "commit 90d6d2044b3ac3566f4aafa221db2509fc276d59 (BSD 3-Clause): tract counts weighted by "
    "the share of each tract's area inside each 1959-2022 district",
    TRACT_CSA: "BNIA/VitalSigns, CSA2020.csv, commit 09c8128ea883d5f059e64b9916366b031788c907 "
    "(Apache-2.0): 2020 tract -> 2020 CSA",
    COUNCIL_2024: "mjpost/baltimore-map, data/Baltimore_City_Council_Districts.geojson, commit "
    "8bdaaf29f9ccd689104dd73272a6388808f5e6ad (Apache-2.0; City GIS schema): totalPop",
}


def _xwalk(shared: Path, geography: str) -> pd.DataFrame:
    """Rows of one geography of the block-based table (GEOID kept as text)."""
    frame = pd.read_csv(shared / XWALK, dtype={"GEOID": str, "TRACTCE20": str})
    rows = frame[frame["geography"] == geography]
    if rows.empty:
        raise ValueError(f"{XWALK}: no rows for geography {geography!r}")
    return rows


def neighborhood_residents(shared: Path) -> pd.Series:
    """Residents per neighborhood (the 278 NSAs, store spelling); absent ones have 0.

    NOTE: the block-based table lists 273 of the 278 NSAs; the five it lacks (Carroll Park,
    Greenmount Cemetery, Herring Run Park, Lower Herring Run Park, Mt Pleasant Park) hold
    no census block with residents, so 0 is a measured value, not a gap.
    """
    rows = _xwalk(shared, "neighborhood 2010")
    sums = rows.groupby(rows["name"].map(canonical_neighborhood))["POP20"].sum()
    known = sorted({canonical_neighborhood(n) for n in known_neighborhoods()})
    unknown = sorted(set(sums.index) - set(known))
    if unknown:
        raise ValueError(f"{XWALK}: neighborhoods not in the project's table: {unknown}")
    return sums.reindex(known, fill_value=0).astype(int)


def district_2023_residents(shared: Path) -> tuple[pd.Series, pd.Series]:
    """(residents per 2023 district from block-based neighborhoods over the Banner's
    neighborhood -> district crosswalk, the Banner's own proposed-district x2020_pop)."""
    neighborhoods = neighborhood_residents(shared)
    by_lower = {name.lower(): name for name in neighborhoods.index}
    crosswalk = pd.read_csv(shared / DISTRICT_CROSSWALK)
    names = crosswalk["neighborhood"].str.lower().map(by_lower)
    if names.isna().any():
        missing = crosswalk.loc[names.isna(), "neighborhood"].tolist()
        raise ValueError(f"{DISTRICT_CROSSWALK}: neighborhoods not matched: {missing}")
    if set(names) != set(neighborhoods.index):
        raise ValueError(f"{DISTRICT_CROSSWALK}: does not list every neighborhood once")
    districts = crosswalk["proposed_district"].map(canonical_district)
    if (districts == UNKNOWN_DISTRICT).any():
        raise ValueError(f"{DISTRICT_CROSSWALK}: a district name has no canonical spelling")
    residents = neighborhoods.reindex(names.to_numpy()).groupby(districts.to_numpy()).sum()
    profiles = pd.read_csv(shared / PROPOSED_PROFILES)
    banner = profiles.drop_duplicates("district").set_index("district")["x2020_pop"]
    banner.index = banner.index.map(canonical_district)
    return residents.astype(int).sort_index(), banner.astype(int).sort_index()


def district_pre2023_residents(shared: Path) -> pd.Series:
    """Residents per 1959-2022 district (areal weighting, rounded to whole people)."""
    frame = pd.read_csv(shared / PRE2023)
    names = frame["dist_name"].map(canonical_district)
    if (names == UNKNOWN_DISTRICT).any():
        raise ValueError(f"{PRE2023}: a district name has no canonical spelling")
    return pd.Series(frame["x2020_pop"].round().astype(int).to_numpy(), index=names).sort_index()


def csa_residents(shared: Path) -> pd.Series:
    """Residents per 2020 CSA: tract totals (one geography) joined to BNIA's tract -> CSA."""
    rows = _xwalk(shared, "neighborhood 2010")
    tracts = rows.groupby("GEOID")["POP20"].sum()
    xwalk = pd.read_csv(shared / TRACT_CSA, dtype={"GEOID20": str, "TRACT20": str})
    xwalk = xwalk.dropna(subset=["GEOID20"])  # NOTE: first row is the city (10000, no GEOID)
    csa = xwalk.set_index("GEOID20")["CSA2020"].map(lambda s: " ".join(str(s).split()))
    missing = sorted(set(tracts.index) - set(csa.index))
    if missing:
        raise ValueError(f"{TRACT_CSA}: tracts without a CSA: {missing}")
    return tracts.groupby(csa.reindex(tracts.index).to_numpy()).sum().astype(int).sort_index()


def _council_key(name: str) -> str:
    return str(int(str(name).replace("District", "").strip()))


def council_residents(shared: Path) -> pd.Series:
    """Residents per 2024 Council district (the city GIS layer's own 2020 totalPop)."""
    data = json.loads((shared / COUNCIL_2024).read_text("utf-8"))
    pairs = {
        _council_key(f["properties"]["AREA_NAME"]): int(f["properties"]["totalPop"])
        for f in data["features"]
    }
    return pd.Series(pairs).sort_index(key=lambda idx: idx.astype(int))


def council_2011_residents(shared: Path) -> pd.Series:
    """Residents per 2011 Council district (block-based, geography 'council district 2010')."""
    rows = _xwalk(shared, "council district 2010")
    sums = rows.groupby(rows["name"].map(_council_key))["POP20"].sum().astype(int)
    return sums.sort_index(key=lambda idx: idx.astype(int))


def build(shared: Path) -> tuple[dict[str, pd.Series], pd.Series]:
    """Every level's residents, and the Banner's 2023-district figures for comparison."""
    district_2023, banner = district_2023_residents(shared)
    tables = {
        "district_2023": district_2023,
        "district_pre2023": district_pre2023_residents(shared),
        "neighborhood": neighborhood_residents(shared),
        "csa": csa_residents(shared),
        "council_district": council_residents(shared),
        "council_district_2011": council_2011_residents(shared),
    }
    if tuple(tables) != LEVELS:
        raise AssertionError(f"levels {tuple(tables)} differ from population.LEVELS {LEVELS}")
    return tables, banner


def write_table(path: Path, residents: pd.Series) -> None:
    """``area,residents``, one row per area, in the table's order."""
    frame = pd.DataFrame({"area": residents.index, "residents": residents.to_numpy()})
    frame.to_csv(path, index=False, lineterminator="\n")


def _fmt(value: float) -> str:
    return f"{value:,.0f}"


def write_sources(out: Path, tables: dict[str, pd.Series], banner: pd.Series) -> None:
    """The provenance note shipped beside the tables, with the measured sums."""
    sums = {level: int(series.sum()) for level, series in tables.items()}
    compare = "\n".join(
        f"  | {d} | {_fmt(tables['district_2023'][d])} | {_fmt(banner[d])} | "
        f"{_fmt(tables['district_2023'][d] - banner[d])} |"
        for d in tables["district_2023"].index
    )
    empty = ", ".join(n for n, v in tables["neighborhood"].items() if v == 0)
    small = int((tables["neighborhood"] < 1000).sum())
    table_rows = "\n".join(
        f"| `{level}` | `{POPULATION_FILES[level]}` | {len(tables[level])} | {_fmt(sums[level])} |"
        for level in LEVELS
    )
    origins = "\n".join(f"- `{name}`: {origin}." for name, origin in ORIGINS.items())
    text = f"""# Shipped population tables: sources

Residents per area, **2020 Decennial Census** (PL 94-171), for rates per 1,000 residents.
Built by `scripts/build_population_tables.py` on {dt.date.today().isoformat()} from the shared
samples (`shared/data/baltimore/`, described in that folder's `SOURCES.md`, sections 8 and
10). One CSV per level, columns `area,residents` (whole people); names spelt as the store
spells them (`schema.canonical_district`, `schema.canonical_neighborhood`, Council districts
`1`..`14`, CSA names as BNIA publishes them). City total, 2020: {_fmt(CITY_2020)}.

| level | file | areas | sum |
| --- | --- | --- | --- |
{table_rows}

## Method, per level

- `neighborhood`: `baltimore_census_xwalk.csv`, geography `neighborhood 2010` (2020 census
  blocks assigned to the 278 Neighborhood Statistical Areas the crime data uses), `POP20`
  summed by name. Sums to the city total. The five neighborhoods it does not list hold no
  residents and are written as 0: {empty}. {small} of 278 neighborhoods have fewer than
  1,000 residents. Not used: `prop_change_by_neighborhood.csv`, whose per-neighborhood
  figures disagree with the block-based ones for every name (Canton 7,967 there against
  12,731 here; parks and industrial areas get 1,000+ people there) and sum to 566,436.
- `district_2023`: the `neighborhood` table summed over the Banner's neighborhood -> 2023
  district crosswalk (`clean-bpd-district-neighborhood-crosswalk.csv`, 278 rows). Sums to the
  city total. **Chosen over** the Banner's own `x2020_pop` in `proposed-district-profiles.csv`
  (same crosswalk, but summed from `prop_change_by_neighborhood.csv`): that one sums to
  {_fmt(banner.sum())}, {_fmt(CITY_2020 - banner.sum())} people short of the city, and carries
  the neighborhood table's misallocation (parks given residents). Caveat: the 2023 lines
  mostly follow neighborhood borders, but two neighborhoods straddle them (Dunbar-Broadway,
  749 residents, crosswalk Central, 61% of its area in Southeastern; Levindale, 1,077,
  crosswalk Northern, 68% in Northwestern); each counts whole in its crosswalk district.

  | district | shipped (block-based) | Banner x2020_pop | difference |
  | --- | --- | --- | --- |
{compare}
- `district_pre2023`: `2020-census-by-bpd-district.csv` (the Banner: each 2020 tract's
  count times the share of the tract's area inside the 1959-2022 district). Its values are
  fractional (areal weighting); **rounded to whole people** here, sum
  {_fmt(sums["district_pre2023"])} (585,708.0095 before rounding).
  Areal weighting puts people in parks and water within a tract: less exact than the
  block-based levels.
- `csa`: BNIA's **2020** Community Statistical Areas (55 + `Unassigned -- Jail`), built
  exactly from tracts: `POP20` of `baltimore_census_xwalk.csv` summed by `GEOID` over one
  geography (`neighborhood 2010`), joined to `xwalk_tract2020_csa2020_bnia.csv`
  (`GEOID20` -> `CSA2020`); all 199 tracts match. Sums to the city total. NOTE: the
  shipped CSA outlines (`boundaries/csas.geojson`) are BNIA's **2010** CSAs; seven 2020
  names differ (e.g. Greater Lauraville, Hamilton Hills), so a 2010 CSA name may have no
  2020 figure.
- `council_district`: the current (2024) Council lines, `council_districts_2024.geojson`,
  property `totalPop` (2020 Census, as the city GIS layer publishes it), keyed by
  `AREA_NAME` (`1`..`14`). Sums to the city total.
- `council_district_2011`: the 2011 Council lines (used 2012-2024), geography
  `council district 2010` of `baltimore_census_xwalk.csv` (`District 1` -> `1`). Sums to
  the city total.

Legislative districts: no population source is shipped, so they get no rate.

## Shared files and their origin

{origins}
"""
    (out / "SOURCES.md").write_text(text, "utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="baltimore folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    tables, banner = build(args.shared)
    for level, residents in tables.items():
        write_table(args.out / POPULATION_FILES[level], residents)
        print(f"{level:24} {len(residents):4} areas  sum {residents.sum():>9,}")
    print(f"{'(Banner 2023 districts)':24} {len(banner):4} areas  sum {banner.sum():>9,}")
    write_sources(args.out, tables, banner)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
