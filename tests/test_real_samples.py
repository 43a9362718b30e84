"""Every real crime sample reads and cleans, with counts checked by hand.

The expected numbers were computed independently of bmoredash (plain ``csv``/``json``,
pandas and ``zoneinfo``) from the files in ../shared/data/baltimore/crime and are
hard-coded here. They follow the rules of c63f8af and after: identical rows are separate
victims and are kept, code 1F is a homicide, and each layout has its own clock
(``sources.CLOCKS``: the Open Baltimore export's ``+00`` is Baltimore wall time, the
Baltimore Sun extract is UTC).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterator
from datetime import date
from functools import cache

import numpy as np
import pandas as pd
import pytest

from bmoredash import schema
from bmoredash.clean import CleanResult, clean
from bmoredash.sources import read_source
from tests.conftest import require_shared

#: A fixed "today" after every sample, so the results do not depend on the clock.
TODAY = date(2026, 11, 25)

HOMICIDES_2022 = ("current", "Part1_Crime_data_homicides_export_2022-02-07.csv")
USF_TOP = ("current", "p1crime_usf_rows_000001-060000.csv")
USF_TAIL = ("current", "p1crime_usf_rows_340001-340300.csv")
LEGACY_2019 = ("legacy", "Baltimore_2019_Crime_Only.csv")
SOCRATA_2019 = ("legacy", "crimes_socrata_2019.json")
SOCRATA_4IH5 = ("legacy", "4ih5-d5d5.json")
ROWS_EXPORT = ("legacy", "INSERT_JUNE_1_TO_18_2016_v2.csv")
ROWS_TEST = ("legacy", "test_baltimore.csv")
HOMICIDES_2020 = ("legacy", "crimedata_final_homicides_2020.csv")
SUN = ("baltimore_sun", "baltimore_sun_part1_2025-03-18_2026-06-15.csv")

# file -> (layout, rows read, rows kept, quarantined by reason, ungeocoded, unknown district,
#          time unknown, identical rows kept, outside the dataset's plausible range)
# NOTE: identical rows are victims of one incident and are kept (2019 CSV 933, Socrata JSON
# 33 and 35, Sun 190: the rows each equal to an earlier row); code 1F is a homicide, so the
# June 2016 export quarantines its 31 rows of code 4F only; the USF tail has 97 rows dated
# before 2014, when the part1_crime dataset starts (kept, counted).
EXPECTED: dict[tuple[str, str], tuple[str, int, int, dict[str, int], int, int, int, int, int]] = {
    HOMICIDES_2022: ("arcgis_part1_crime", 1709, 1697, {"missing_date": 12}, 1, 2, 0, 0, 0),
    USF_TOP: (
        "arcgis_part1_crime",
        60000,
        59891,
        {"missing_date": 109},
        59891,
        59891,
        59891,
        0,
        0,
    ),
    USF_TAIL: ("arcgis_part1_crime", 300, 300, {}, 300, 300, 300, 0, 97),
    LEGACY_2019: ("socrata_legacy", 22281, 22281, {}, 22281, 19, 2, 933, 0),
    SOCRATA_2019: ("socrata_api", 1000, 1000, {}, 3, 1, 0, 33, 0),
    SOCRATA_4IH5: ("socrata_api", 1000, 990, {"unmapped_offense": 10}, 14, 0, 0, 35, 0),
    ROWS_EXPORT: ("socrata_rows", 2399, 2368, {"unmapped_offense": 31}, 20, 0, 0, 0, 0),
    ROWS_TEST: ("socrata_rows", 20, 20, {}, 0, 0, 0, 0, 0),
    HOMICIDES_2020: ("socrata_legacy", 291, 291, {}, 1, 1, 2, 0, 0),
    SUN: ("baltimore_sun", 38920, 38920, {}, 7, 6, 256, 190, 0),
}


@cache
def cleaned(folder: str, name: str, today: date = TODAY) -> CleanResult:
    return clean(read_source(require_shared("crime", folder, name)), today=today)


def test_every_crime_sample_is_listed() -> None:
    folder = require_shared("crime")
    found = {(p.parent.name, p.name) for p in folder.glob("*/*") if p.is_file()}
    assert found == set(EXPECTED)


@pytest.mark.parametrize("sample", list(EXPECTED), ids=[name for _, name in EXPECTED])
def test_sample_counts(sample: tuple[str, str]) -> None:
    (
        layout,
        read,
        kept,
        quarantined,
        ungeocoded,
        unknown_district,
        time_unknown,
        identical,
        outside_range,
    ) = EXPECTED[sample]
    frame = read_source(require_shared("crime", *sample))
    assert frame.layout == layout
    result = cleaned(*sample)
    quality = result.quality
    assert quality.rows_read == read == len(frame.raw)
    assert quality.rows_kept == kept == len(result.incidents)
    assert quality.quarantined == quarantined
    assert read == len(result.incidents) + len(result.quarantine)
    assert result.quarantine["reason"].value_counts().to_dict() == quarantined
    assert quality.identical_rows_kept == identical
    assert quality.ungeocoded == ungeocoded
    assert quality.unknown_district == unknown_district
    assert quality.time_unknown == time_unknown
    assert quality.outside_plausible_range == outside_range


@pytest.mark.parametrize("sample", list(EXPECTED), ids=[name for _, name in EXPECTED])
def test_sample_meets_the_schema(sample: tuple[str, str]) -> None:
    incidents = cleaned(*sample).incidents
    assert list(incidents.columns) == list(schema.COLUMN_NAMES)
    assert incidents["record_id"].is_unique
    assert incidents["record_id"].notna().all()
    assert str(incidents["occurred_at"].dtype) == "datetime64[ns, America/New_York]"
    assert incidents["occurred_at"].min() >= pd.Timestamp(schema.MIN_DATE, tz="America/New_York")
    assert incidents["occurred_at"].max() < pd.Timestamp("2026-11-26", tz="America/New_York")
    assert incidents["offense"].notna().all()
    assert set(incidents["district"].astype(str)) <= {*schema.DISTRICTS, "UNKNOWN"}
    box = schema.CITY_BBOX
    located = incidents.dropna(subset=["latitude"])
    assert located["latitude"].between(box["lat_min"], box["lat_max"]).all()
    assert located["longitude"].between(box["lon_min"], box["lon_max"]).all()
    assert incidents["longitude"].isna().sum() == incidents["latitude"].isna().sum()
    assert set(incidents["victim_gender"].astype(str)) <= set(schema.GENDERS)
    assert set(incidents["inside_outside"].astype(str)) <= {"Inside", "Outside", "Unknown"}
    assert incidents["source"].astype(str).eq(sample[1]).all()


# --------------------------------------------------------------------------------------
# The 2022 homicide export (Baltimore wall time written with a wrong "+00")
# --------------------------------------------------------------------------------------


def test_homicides_per_year_in_eastern_time() -> None:
    incidents = cleaned(*HOMICIDES_2022).incidents
    per_year = incidents["occurred_at"].dt.year.value_counts().sort_index().to_dict()
    # NOTE: the "+00" is wall time, so the years are the written ones. Read as UTC, three
    # New Year's Eve evenings would have moved back a year (2020: 334, 2021: 337, 2022: 35).
    assert per_year == {2017: 338, 2018: 309, 2019: 344, 2020: 333, 2021: 336, 2022: 37}
    assert (incidents["offense"] == "HOMICIDE").all()
    assert incidents["crime_code"].value_counts().to_dict() == {"1A": 1501, "1K": 100, "1O": 96}


def test_plus_00_is_baltimore_wall_time() -> None:
    incidents = cleaned(*HOMICIDES_2022).incidents.set_index("record_id")
    # RowID 360: 2022/01/31 01:37:50+00 is 1:37 a.m. on 31 January in Baltimore (read as
    # UTC it would have been 30 January, 8:37 p.m.).
    row = incidents.loc["arcgis_part1_crime:360"]
    assert str(row["occurred_at"]) == "2022-01-31 01:37:50-05:00"
    assert row["occurred_at"].date() == date(2022, 1, 31)
    # RowID 3110: 2022/01/01 01:28:23+00 is New Year's night 2022, not 2021's last evening.
    assert str(incidents.loc["arcgis_part1_crime:3110", "occurred_at"]) == (
        "2022-01-01 01:28:23-05:00"
    )
    # The homicide at 1800 N CHESTER ST (RowIDs 110890 and 110892): 23:04 here and 23:04 in
    # the legacy CSV, whose CrimeDate + CrimeTime carry no zone at all.
    for row_id in ("110890", "110892"):
        stamp = incidents.loc[f"arcgis_part1_crime:{row_id}", "occurred_at"]
        assert str(stamp) == "2019-04-10 23:04:00-04:00"
    legacy = cleaned(*LEGACY_2019).incidents
    chester = legacy[
        (legacy["location"] == "1800 N CHESTER ST") & (legacy["offense"] == "HOMICIDE")
    ]
    assert chester["occurred_at"].astype(str).tolist() == ["2019-04-10 23:04:00-04:00"] * 2


def test_rows_without_date_are_quarantined_at_their_row_numbers() -> None:
    path = require_shared("crime", *HOMICIDES_2022)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        blank = [n for n, row in enumerate(csv.DictReader(handle), 1) if not row["CrimeDateTime"]]
    quarantine = cleaned(*HOMICIDES_2022).quarantine
    assert len(blank) == 12
    assert quarantine["row_number"].tolist() == blank
    assert (quarantine["reason"] == "missing_date").all()


def test_zero_coordinate_row_is_kept_but_ungeocoded() -> None:
    incidents = cleaned(*HOMICIDES_2022).incidents.set_index("record_id")
    row = incidents.loc["arcgis_part1_crime:105863"]  # 1000 WOHLER WY, Latitude 0
    assert pd.isna(row["latitude"]) and pd.isna(row["longitude"])
    assert row["district"] == "UNKNOWN"
    assert incidents["latitude"].isna().sum() == 1


def test_neighborhood_spelling_matches_the_polygons() -> None:
    import json

    polygons = json.loads(require_shared("boundaries", "neighborhoods.geojson").read_text())
    names = {schema.canonical_neighborhood(f["properties"]["name"]) for f in polygons["features"]}
    neighborhoods = cleaned(*HOMICIDES_2022).incidents["neighborhood"].astype(str)
    named = neighborhoods[neighborhoods != "Unknown"]
    assert (named == "Gwynns Falls/Leakin Park").sum() > 0
    # 2022 export writes upper case; after cleaning every name is a polygon's name
    assert set(named) <= names


# --------------------------------------------------------------------------------------
# The USF extract (dates without times, no geography)
# --------------------------------------------------------------------------------------


def test_usf_extract_keeps_its_dates_without_times() -> None:
    result = cleaned(*USF_TOP)
    incidents = result.incidents
    assert not incidents["time_known"].any()
    assert (incidents["occurred_at"].dt.hour == 0).all()
    assert str(incidents["occurred_at"].min().date()) == "2019-06-28"
    assert str(incidents["occurred_at"].max().date()) == "2021-07-14"
    path = require_shared("crime", *USF_TOP)
    with path.open(encoding="utf-8", newline="") as handle:
        undated = [n for n, row in enumerate(csv.DictReader(handle), 1) if not row["CrimeDateTime"]]
    assert result.quarantine["row_number"].tolist() == undated
    counts = incidents["offense"].value_counts()
    assert counts["COMMON ASSAULT"] == 12124  # code 4E
    assert counts["SHOOTING"] == 1161  # code 9S
    assert counts["HOMICIDE"] == 564  # codes 1A, 1K, 1O
    inside_outside = incidents["inside_outside"].value_counts().to_dict()
    assert inside_outside == {"Outside": 23010 + 1519, "Inside": 22208 + 206, "Unknown": 12948}


def test_usf_tail_keeps_old_dates_after_1960() -> None:
    result = cleaned(*USF_TAIL)
    incidents = result.incidents
    assert str(incidents["occurred_at"].min().date()) == "1963-10-30"
    # 97 rows dated 1963-2013, before the part1_crime dataset starts (2014): kept, counted.
    before_2014 = incidents["occurred_at"] < pd.Timestamp("2014-01-01", tz="America/New_York")
    assert before_2014.sum() == 97
    assert result.quality.outside_plausible_range == 97


# --------------------------------------------------------------------------------------
# Legacy files
# --------------------------------------------------------------------------------------


def test_legacy_2019_identical_rows_and_labels() -> None:
    result = cleaned(*LEGACY_2019)
    incidents = result.incidents
    # 933 rows equal to an earlier row are victims of the same incident: all kept.
    assert len(result.quarantine) == 0
    assert len(incidents) == 22281
    assert result.quality.identical_rows_kept == 933
    assert (incidents["weapon"] == "Unknown").sum() == 17269  # literal NA
    description = incidents["description"].value_counts()
    assert description["LARCENY"] == 5182
    assert description["ROBBERY - STREET"] == 1526
    offense = incidents["offense"].value_counts()
    # street, commercial, carjacking, residence
    assert offense["ROBBERY"] == 1526 + 397 + 242 + 190
    assert offense["HOMICIDE"] == 165  # 1A 151, 1K 9, 1O 5


# Cut-off neighborhood names and the known name each is the start of, checked by hand
# against bmoredash/reference/data/neighborhoods.csv (upper case: the 2019 files write them so).
TRUNCATED_AT_25 = {
    "CARROLL - CAMDEN INDUSTRI": "Carroll - Camden Industrial Area",
    "COLDSTREAM HOMESTEAD MONT": "Coldstream Homestead Montebello",
    "CONCERNED CITIZENS OF FOR": "Concerned Citizens Of Forest Park",
    "COPPIN HEIGHTS/ASH-CO-EAS": "Coppin Heights/Ash-Co-East",
    "LOCUST POINT INDUSTRIAL A": "Locust Point Industrial Area",
    "MIDDLE BRANCH/REEDBIRD PA": "Middle Branch/Reedbird Parks",
    "NORTH ROLAND PARK/POPLAR": "North Roland Park/Poplar Hill",
    "NORTHWEST COMMUNITY ACTIO": "Northwest Community Action",
    "ORANGEVILLE INDUSTRIAL AR": "Orangeville Industrial Area",
    "PATTERSON PARK NEIGHBORHO": "Patterson Park Neighborhood",
    "PENROSE/FAYETTE STREET OU": "Penrose/Fayette Street Outreach",
    "ROSEMONT HOMEOWNERS/TENAN": "Rosemont Homeowners/Tenants",
    "STONEWOOD-PENTWOOD-WINSTO": "Stonewood-Pentwood-Winston",
    "WASHINGTON VILLAGE/PIGTOW": "Washington Village/Pigtown",
}
TRUNCATED_AT_20 = {
    "COLDSTREAM HOMESTEAD": "Coldstream Homestead Montebello",
    "CONCERNED CITIZENS O": "Concerned Citizens Of Forest Park",
    "EAST BALTIMORE MIDWA": "East Baltimore Midway",
    "EDNOR GARDENS-LAKESI": "Ednor Gardens-Lakeside",
    "ELLWOOD PARK/MONUMEN": "Ellwood Park/Monument",
    "FOREST PARK/GOLF COU": "Forest Park Golf Course",
    "MORGAN STATE UNIVERS": "Morgan State University",
    "NORTHWEST COMMUNITY": "Northwest Community Action",
    "PIMLICO GOOD NEIGHBO": "Pimlico Good Neighbors",
    "ROSEMONT HOMEOWNERS": "Rosemont Homeowners/Tenants",
    "STONEWOOD-PENTWOOD-W": "Stonewood-Pentwood-Winston",
    "UNIVERSITY OF MARYLA": "University Of Maryland",
    # NOTE: not cut off but the older name; it starts only Washington Village/Pigtown.
    "WASHINGTON VILLAGE": "Washington Village/Pigtown",
}
EXPANDED: dict[tuple[str, str], dict[str, str]] = {
    SOCRATA_4IH5: TRUNCATED_AT_25,
    LEGACY_2019: TRUNCATED_AT_20,
    SOCRATA_2019: TRUNCATED_AT_20,
    HOMICIDES_2020: TRUNCATED_AT_20,
}


def _plain_kept_neighborhoods(sample: tuple[str, str]) -> Counter[str]:
    """Upper-case neighborhood per kept row, read with json/csv only.

    Kept = every row (identical rows are separate victims) minus ``ASSAULT BY THREAT``
    (code 4F, the only rows these four files quarantine).
    """
    path = require_shared("crime", *sample)
    if path.suffix == ".json":
        rows = json.loads(path.read_text(encoding="utf-8"))
    else:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    names: Counter[str] = Counter()
    for row in rows:
        if row.get("description") == "ASSAULT BY THREAT":
            continue
        name = row.get("neighborhood", row.get("Neighborhood")) or ""
        names[" ".join(name.split()).upper()] += 1
    return names


@pytest.mark.parametrize("sample", list(EXPECTED), ids=[name for _, name in EXPECTED])
def test_cut_off_neighborhoods_are_expanded(sample: tuple[str, str]) -> None:
    truncated = EXPANDED.get(sample, {})
    result = cleaned(*sample)
    names = result.incidents["neighborhood"].astype(str)
    if not truncated:
        assert result.quality.neighborhoods_expanded == 0
        return
    plain = _plain_kept_neighborhoods(sample)
    assert sum(plain.values()) == len(result.incidents)
    assert result.quality.neighborhoods_expanded == sum(plain[t] for t in truncated)
    published = {schema.canonical_neighborhood(t) for t in truncated}
    assert not published & set(names)
    for full in set(truncated.values()):
        both = plain[full.upper()] + sum(plain[t] for t, f in truncated.items() if f == full)
        assert (names == full).sum() == both, full


def test_expansion_counts_and_older_names_kept() -> None:
    assert cleaned(*SOCRATA_4IH5).quality.neighborhoods_expanded == 58
    names = cleaned(*SOCRATA_4IH5).incidents["neighborhood"].astype(str)
    assert (names == "Coldstream Homestead Montebello").sum() == 11
    legacy = cleaned(*LEGACY_2019)
    assert legacy.quality.neighborhoods_expanded == 1196
    names = legacy.incidents["neighborhood"].astype(str).value_counts()
    # NOTE: older names cut at 20 that start no known name stay as published.
    assert names["Coppin Heights/Ashbu"] == 88
    assert names["Chinquapin Park/Belv"] == 36
    assert names["Coldstream Homestead Montebello"] == 214


def test_socrata_4ih5_long_district_names_and_unmapped_codes() -> None:
    result = cleaned(*SOCRATA_4IH5)
    assert result.quality.unmapped_descriptions == {"ASSAULT BY THREAT": 10}
    assert (result.incidents["district"] == "NORTHEAST").sum() > 0
    assert (result.incidents["weapon"] == "Unknown").sum() == 651  # key absent
    per_year = result.incidents["occurred_at"].dt.year.value_counts().to_dict()
    assert per_year == {2012: 181, 2013: 161, 2014: 155, 2015: 171, 2016: 144, 2017: 155, 2018: 23}
    # code 1F (4 rows, described HOMICIDE) is a homicide
    assert (result.incidents["offense"] == "HOMICIDE").sum() == 4


def test_rows_export_reads_inside_outside_from_its_shifted_column() -> None:
    result = cleaned(*ROWS_EXPORT)
    incidents = result.incidents
    # O 1,194 + Outside 49, I 1,121 + Inside 4 among the rows not coded 4F
    assert incidents["inside_outside"].value_counts().to_dict() == {
        "Outside": 1243,
        "Inside": 1125,
        "Unknown": 0,
    }
    assert incidents["description"].isna().all()  # the file has no description text
    assert (incidents["offense"] == "SHOOTING").sum() == 38  # code 9S
    assert (incidents["offense"] == "HOMICIDE").sum() == 15  # code 1F
    assert result.quality.unmapped_descriptions == {"code 4F": 31}


def test_rows_export_reads_hhmm_times() -> None:
    incidents = cleaned(*ROWS_TEST).incidents
    third = incidents.iloc[2]  # crimeTime 0015
    assert str(third["occurred_at"]) == "2016-06-18 00:15:00-04:00"
    assert third["time_known"]
    assert third["crime_code"] == "9S" and third["offense"] == "SHOOTING"


def test_homicides_2020_post_written_as_float() -> None:
    incidents = cleaned(*HOMICIDES_2020).incidents
    assert incidents["post"].iloc[0] == "733"
    assert not incidents["post"].astype(str).str.endswith(".0").any()
    assert str(incidents["occurred_at"].iloc[0]) == "2020-11-13 08:03:39-05:00"


# --------------------------------------------------------------------------------------
# The Baltimore Sun extract
# --------------------------------------------------------------------------------------


def test_sun_offense_counts_every_victim() -> None:
    incidents = cleaned(*SUN).incidents
    # every row is kept, the 190 identical to an earlier row included (separate victims)
    assert incidents["offense"].value_counts().to_dict() == {
        "LARCENY": 7271 + 2017 + 4547,  # larceny, auto parts, shoplifting
        "AGG. ASSAULT": 5847,
        "AUTO THEFT": 5445,
        "LARCENY FROM AUTO": 5243,
        "BURGLARY": 4017,
        "ROBBERY": 2747 + 318 + 500,  # robbery, carjacking, commercial
        "SHOOTING": 414,
        "RAPE": 280,
        "HOMICIDE": 153,
        "ARSON": 121,
        "COMMON ASSAULT": 0,
    }
    # NOTE: zt + zap are UTC; 1/1/2026 rows written before 5 a.m. are 2025 in Baltimore.
    assert incidents["occurred_at"].dt.year.value_counts().to_dict() == {2025: 24960, 2026: 13960}


def test_sun_clock_is_utc() -> None:
    incidents = cleaned(*SUN).incidents
    # The shooting reported at 11:33 p.m. on Sep 1 2025 at N Howard St & W Fayette St is
    # written 9/2/2025 3:30 a.m. at 3 N HOWARD ST (two victims' rows).
    rows = incidents[incidents["location"] == "3 N HOWARD ST"]
    rows = rows[rows["occurred_at"].dt.date == date(2025, 9, 1)]
    assert rows["occurred_at"].astype(str).tolist() == ["2025-09-01 23:30:00-04:00"] * 2
    assert set(rows["offense"].astype(str)) == {"SHOOTING", "AGG. ASSAULT"}
    # the early snapshots' HH:MM:SS with no a.m./p.m. keep their written date, time unknown
    undated = incidents[~incidents["time_known"]]
    assert len(undated) == 256
    assert set(undated["occurred_at"].dt.date.astype(str)) == {
        "2025-03-18",
        "2025-03-19",
        "2025-03-20",
    }
    assert (undated["occurred_at"].dt.hour == 0).all()


def test_sun_missing_markers_become_unknown() -> None:
    result = cleaned(*SUN)
    incidents = result.incidents
    # gender NA 6,840 + None reported 1,200 + Unknown 178
    assert result.quality.genders_unknown == 8218
    assert (
        incidents["weapon"] == "Unknown"
    ).sum() == 23998 + 4182 + 209  # NA, None reported, Unknown

    assert incidents["victim_age"].isna().sum() == 8701  # None reported
    assert result.quality.ages_cleared == 0
    assert (incidents["inside_outside"] == "Unknown").sum() == 63 + 15


def test_sun_future_dates_against_an_earlier_today() -> None:
    result = cleaned(*SUN, today=date(2026, 6, 1))
    # 1,348 rows are written after 1 June 2026; 17 of them (6/2/2026 before 4 a.m. UTC) are
    # still 1 June in Baltimore, which leaves 1,331 in the future.
    assert result.quality.quarantined == {"future_date": 1331}


def _split_rows() -> Iterator[tuple[str, int]]:
    for sample in EXPECTED:
        quality = cleaned(*sample).quality
        yield sample[1], quality.rows_read - quality.rows_kept - sum(quality.quarantined.values())


def test_counts_add_up_for_all_samples() -> None:
    assert dict(_split_rows()) == dict.fromkeys((name for _, name in EXPECTED), 0)
    assert not np.any([cleaned(*s).incidents["occurred_at"].isna().any() for s in EXPECTED])
