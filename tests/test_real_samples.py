"""Every real crime sample reads and cleans, with counts checked by hand.

The expected numbers were computed independently of bmoredash (plain ``csv``/``json`` and
``zoneinfo``) from the files in ../shared/data/baltimore/crime and are hard-coded here.
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
#          time unknown)
EXPECTED: dict[tuple[str, str], tuple[str, int, int, dict[str, int], int, int, int]] = {
    HOMICIDES_2022: ("arcgis_part1_crime", 1709, 1697, {"missing_date": 12}, 1, 2, 0),
    USF_TOP: ("arcgis_part1_crime", 60000, 59891, {"missing_date": 109}, 59891, 59891, 59891),
    USF_TAIL: ("arcgis_part1_crime", 300, 300, {}, 300, 300, 300),
    LEGACY_2019: ("socrata_legacy", 22281, 21348, {"exact_duplicate": 933}, 21348, 19, 2),
    SOCRATA_2019: ("socrata_api", 1000, 967, {"exact_duplicate": 33}, 3, 1, 0),
    SOCRATA_4IH5: (
        "socrata_api",
        1000,
        955,
        {"exact_duplicate": 35, "unmapped_offense": 10},
        14,
        0,
        0,
    ),
    ROWS_EXPORT: ("socrata_rows", 2399, 2353, {"unmapped_offense": 46}, 20, 0, 0),
    ROWS_TEST: ("socrata_rows", 20, 20, {}, 0, 0, 0),
    HOMICIDES_2020: ("socrata_legacy", 291, 291, {}, 1, 1, 2),
    SUN: ("baltimore_sun", 38920, 38730, {"exact_duplicate": 190}, 7, 6, 254),
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
    layout, read, kept, quarantined, ungeocoded, unknown_district, time_unknown = EXPECTED[sample]
    frame = read_source(require_shared("crime", *sample))
    assert frame.layout == layout
    result = cleaned(*sample)
    quality = result.quality
    assert quality.rows_read == read == len(frame.raw)
    assert quality.rows_kept == kept == len(result.incidents)
    assert quality.quarantined == quarantined
    assert read == len(result.incidents) + len(result.quarantine)
    assert result.quarantine["reason"].value_counts().to_dict() == quarantined
    assert quality.duplicates_dropped == quarantined.get("exact_duplicate", 0)
    assert quality.ungeocoded == ungeocoded
    assert quality.unknown_district == unknown_district
    assert quality.time_unknown == time_unknown


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
# The 2022 homicide export (UTC timestamps)
# --------------------------------------------------------------------------------------


def test_homicides_per_year_in_eastern_time() -> None:
    incidents = cleaned(*HOMICIDES_2022).incidents
    per_year = incidents["occurred_at"].dt.year.value_counts().sort_index().to_dict()
    # NOTE: in UTC the years read 2020: 333, 2021: 336, 2022: 37; three New Year's Eve
    # evenings move back a year in Baltimore time.
    assert per_year == {2017: 338, 2018: 309, 2019: 344, 2020: 334, 2021: 337, 2022: 35}
    assert (incidents["offense"] == "HOMICIDE").all()
    assert incidents["crime_code"].value_counts().to_dict() == {"1A": 1501, "1K": 100, "1O": 96}


def test_early_morning_utc_row_moves_to_the_previous_day() -> None:
    incidents = cleaned(*HOMICIDES_2022).incidents.set_index("record_id")
    # RowID 360: 2022/01/31 01:37:50+00 -> 30 January, 8:37 p.m. in Baltimore
    row = incidents.loc["arcgis_part1_crime:360"]
    assert str(row["occurred_at"]) == "2022-01-30 20:37:50-05:00"
    assert row["occurred_at"].date() == date(2022, 1, 30)
    # RowID 3110: 2022/01/01 01:28:23+00 is still 2021 in Baltimore
    assert incidents.loc["arcgis_part1_crime:3110", "occurred_at"].year == 2021


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
    incidents = cleaned(*USF_TAIL).incidents
    assert str(incidents["occurred_at"].min().date()) == "1963-10-30"


# --------------------------------------------------------------------------------------
# Legacy files
# --------------------------------------------------------------------------------------


def test_legacy_2019_duplicates_and_labels() -> None:
    result = cleaned(*LEGACY_2019)
    incidents = result.incidents
    assert len(result.quarantine) == 933
    assert (incidents["weapon"] == "Unknown").sum() == 16778  # literal NA
    description = incidents["description"].value_counts()
    assert description["LARCENY"] == 5125
    assert description["ROBBERY - STREET"] == 1434
    offense = incidents["offense"].value_counts()
    assert offense["ROBBERY"] == 1434 + 380 + 236 + 173
    assert offense["HOMICIDE"] == 160


# Cut-off neighborhood names and the known name each is the start of, checked by hand
# against bmoredash/data/neighborhoods.csv (upper case: the 2019 files write them so).
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

    Kept = first of each set of identical rows, minus ``ASSAULT BY THREAT`` (the only
    rows these four files quarantine besides exact duplicates).
    """
    path = require_shared("crime", *sample)
    if path.suffix == ".json":
        rows = json.loads(path.read_text(encoding="utf-8"))
        keyed = [(json.dumps(r, sort_keys=True), r) for r in rows]
    else:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        keyed = [(tuple(r.values()), r) for r in rows]
    seen: set[object] = set()
    names: Counter[str] = Counter()
    for key, row in keyed:
        if key in seen:
            continue
        seen.add(key)
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
    assert cleaned(*SOCRATA_4IH5).quality.neighborhoods_expanded == 57
    names = cleaned(*SOCRATA_4IH5).incidents["neighborhood"].astype(str)
    assert (names == "Coldstream Homestead Montebello").sum() == 11
    legacy = cleaned(*LEGACY_2019)
    assert legacy.quality.neighborhoods_expanded == 1142
    names = legacy.incidents["neighborhood"].astype(str).value_counts()
    # NOTE: older names cut at 20 that start no known name stay as published.
    assert names["Coppin Heights/Ashbu"] == 86
    assert names["Chinquapin Park/Belv"] == 35
    assert names["Coldstream Homestead Montebello"] == 205


def test_socrata_4ih5_long_district_names_and_unmapped_codes() -> None:
    result = cleaned(*SOCRATA_4IH5)
    assert result.quality.unmapped_descriptions == {"ASSAULT BY THREAT": 10}
    assert (result.incidents["district"] == "NORTHEAST").sum() > 0
    assert (result.incidents["weapon"] == "Unknown").sum() == 646  # key absent
    per_year = result.incidents["occurred_at"].dt.year.value_counts().to_dict()
    assert per_year == {2012: 176, 2013: 154, 2014: 153, 2015: 161, 2016: 137, 2017: 151, 2018: 23}


def test_rows_export_reads_inside_outside_from_its_shifted_column() -> None:
    result = cleaned(*ROWS_EXPORT)
    incidents = result.incidents
    assert incidents["inside_outside"].value_counts().to_dict() == {
        "Outside": 1228,
        "Inside": 1125,
        "Unknown": 0,
    }
    assert incidents["description"].isna().all()  # the file has no description text
    assert (incidents["offense"] == "SHOOTING").sum() == 38  # code 9S
    assert result.quality.unmapped_descriptions == {"code 4F": 31, "code 1F": 15}


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


def test_sun_offense_counts_after_duplicates() -> None:
    incidents = cleaned(*SUN).incidents
    assert incidents["offense"].value_counts().to_dict() == {
        "LARCENY": 7240 + 2017 + 4522,  # larceny, auto parts, shoplifting
        "AGG. ASSAULT": 5810,
        "AUTO THEFT": 5441,
        "LARCENY FROM AUTO": 5236,
        "BURGLARY": 3966,
        "ROBBERY": 2717 + 316 + 500,  # robbery, carjacking, commercial
        "SHOOTING": 412,
        "RAPE": 279,
        "HOMICIDE": 153,
        "ARSON": 121,
        "COMMON ASSAULT": 0,
    }
    assert incidents["occurred_at"].dt.year.value_counts().to_dict() == {2025: 24840, 2026: 13890}


def test_sun_missing_markers_become_unknown() -> None:
    result = cleaned(*SUN)
    incidents = result.incidents
    # gender NA 6,786 + None reported 1,188 + Unknown 168
    assert result.quality.genders_unknown == 8142
    assert (
        incidents["weapon"] == "Unknown"
    ).sum() == 23897 + 4164 + 207  # NA, None reported, Unknown

    assert incidents["victim_age"].isna().sum() == 8602  # None reported
    assert result.quality.ages_cleared == 0
    assert (incidents["inside_outside"] == "Unknown").sum() == 63 + 15


def test_sun_future_dates_against_an_earlier_today() -> None:
    result = cleaned(*SUN, today=date(2026, 6, 1))
    # 1,348 rows after 1 June 2026, 9 of them exact duplicates of an earlier row
    assert result.quality.quarantined == {"exact_duplicate": 190, "future_date": 1339}


def _split_rows() -> Iterator[tuple[str, int]]:
    for sample in EXPECTED:
        quality = cleaned(*sample).quality
        yield sample[1], quality.rows_read - quality.rows_kept - sum(quality.quarantined.values())


def test_counts_add_up_for_all_samples() -> None:
    assert dict(_split_rows()) == dict.fromkeys((name for _, name in EXPECTED), 0)
    assert not np.any([cleaned(*s).incidents["occurred_at"].isna().any() for s in EXPECTED])
