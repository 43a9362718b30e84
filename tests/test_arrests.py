"""Arrest readers: both real samples recounted independently, charge groups, the
IncidentOffense split, and small hand-written files for detection and quarantine."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from conftest import require_shared

from bmoredash.arrests import (
    CHARGE_GROUPS,
    ArrestFrame,
    base_code,
    charge_groups,
    charge_table,
    detect_arrest_layout,
    read_arrests,
    split_incident_offense,
    unmapped_codes,
)
from bmoredash.schema import CITY_BBOX, UNKNOWN_DISTRICT
from bmoredash.sources import EmptySourceError, UnknownLayoutError

LEGACY = "BPD_Arrests.csv"
ARCGIS = "more_arrests_usf_rows_000001-030000.csv"

#: Measured on both samples: every charge code is in the table (it was built from them),
#: so the unmapped share is 0.0%; a new file may bring new codes, allowed up to 1% of rows.
MAX_UNMAPPED_SHARE = 0.01

#: Hand-checked groups of the commonest codes (their descriptions read in both files).
TOP_CODE_GROUPS = {
    "1 1415": "violent",  # assault, second degree
    "1 0077": "warrants",  # failure to appear
    "4 3550": "drugs",  # CDS
    "1 1111": "drugs",  # CDS
    "1 1420": "violent",  # assault, first degree
    "1 0088": "warrants",  # violation of probation
    "3 0233": "drugs",  # CDS possession with intent
    "2 0480": "property",  # stolen auto
    "2 0705": "violent",  # armed robbery
    "1 0521": "property",  # larceny
    "1 1609": "weapons",  # HGV (handgun violation)
    "1 5212": "weapons",  # HGV
}


# --------------------------------------------------------------------------------------
# Real samples, recounted with the csv module
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=[LEGACY, ARCGIS])
def sample(request: pytest.FixtureRequest) -> tuple[str, list[dict[str, str]], ArrestFrame]:
    path = require_shared("arrests", request.param)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        records = list(csv.DictReader(handle))
    return request.param, records, read_arrests(path)


def _year(name: str, record: dict[str, str]) -> str:
    return record["ArrestDate"][-4:] if name == LEGACY else record["ArrestDateTime"][:4]


def _no_place(record: dict[str, str]) -> bool:
    lat, lon = record["Latitude"].strip(), record["Longitude"].strip()
    return not lat or not lon or float(lat) == 0 or float(lon) == 0


def _outside(record: dict[str, str]) -> bool:
    if _no_place(record):
        return False
    lat, lon = float(record["Latitude"]), float(record["Longitude"])
    return not (
        CITY_BBOX["lat_min"] <= lat <= CITY_BBOX["lat_max"]
        and CITY_BBOX["lon_min"] <= lon <= CITY_BBOX["lon_max"]
    )


def _arrest_id(name: str, record: dict[str, str]) -> str:
    return record["Arrest" if name == LEGACY else "ArrestNumber"].strip()


def test_rows_read_kept_or_quarantined(sample) -> None:
    name, records, frame = sample
    q = frame.quality
    assert q["rows_read"] == len(records)
    assert q["rows_read"] == q["rows_kept"] + q["rows_quarantined"] == len(frame.rows)
    assert frame.quarantine.empty
    print(f"{name}: {len(records):,} rows read, all kept")


def test_rows_per_year(sample) -> None:
    name, records, frame = sample
    expected = Counter(_year(name, r) for r in records)
    got = Counter(str(y) for y in frame.rows["arrest_date"].dt.year)
    assert got == expected
    print(f"{name}: rows per year {dict(sorted(expected.items()))}")


def test_rows_without_district_or_coordinates(sample) -> None:
    name, records, frame = sample
    no_district = sum(1 for r in records if not r["District"].strip())
    no_place = sum(1 for r in records if _no_place(r))
    outside = sum(1 for r in records if _outside(r))
    q = frame.quality
    assert q["without_district"] == no_district
    assert (frame.rows["district"] == UNKNOWN_DISTRICT).sum() == no_district
    assert q["without_coordinates"] == no_place
    assert q["outside_city"] == outside
    assert frame.rows["latitude"].isna().sum() == no_place + outside
    # VALIDATION: SOURCES.md section 4 measured 13,642 / 13,592 / 308 (legacy) and
    # 14,893 blank districts, 14,860 blank coordinates plus 7 zeros (ArcGIS).
    published = {LEGACY: (27_195, 13_642, 13_592), ARCGIS: (30_000, 14_893, 14_860 + 7)}
    assert (len(records), no_district, no_place) == published[name]
    if name == LEGACY:
        assert outside == 308
    print(
        f"{name}: {no_district:,} without district, {no_place:,} without coordinates, "
        f"{outside:,} outside the city box"
    )


def test_arrest_numbers(sample) -> None:
    name, records, frame = sample
    ids = [_arrest_id(name, r) for r in records]
    blank = sum(1 for i in ids if not i)
    several = sum(1 for n in Counter(i for i in ids if i).values() if n > 1)
    assert frame.quality["without_arrest_number"] == blank
    assert frame.quality["arrests_with_several_rows"] == several
    assert frame.quality["arrests"] == len({i for i in ids if i})
    print(f"{name}: {blank:,} rows without arrest number, {several} arrests with several rows")


def test_exact_duplicates_are_kept(sample) -> None:
    name, records, frame = sample
    duplicates = len(records) - len({tuple(r.values()) for r in records})
    if name == LEGACY:
        assert duplicates == 149  # VALIDATION: SOURCES.md section 4, 149 exact duplicates
    assert len(frame.rows) == len(records)


def test_top_codes_and_their_groups(sample) -> None:
    name, records, frame = sample
    codes = Counter(r["Charge"].strip() for r in records)
    per_group: Counter[str] = Counter()
    for code, group in TOP_CODE_GROUPS.items():
        rows = frame.rows[frame.rows["charge_code"] == code]
        assert len(rows) == codes[code], code
        assert set(rows["charge_group"]) == {group}, code
        per_group[group] += codes[code]
    got = Counter(frame.rows.loc[frame.rows["charge_code"].isin(TOP_CODE_GROUPS), "charge_group"])
    assert got == per_group
    blank = codes[""]
    assert frame.quality["without_charge_code"] == blank
    print(f"{name}: top-code rows per group {dict(per_group)}; {blank:,} rows without a code")
    print(f"{name}: all rows per group {dict(Counter(frame.rows['charge_group']))}")


def test_every_code_is_grouped_or_reported(sample) -> None:
    name, records, frame = sample
    codes = [r["Charge"] for r in records]
    known = set(charge_table()["code"])
    unmapped = unmapped_codes(codes)
    expected = Counter(c.strip() for c in codes if c.strip() and base_code(c) not in known)
    assert unmapped == dict(expected)
    assert frame.unmapped == unmapped
    share = sum(unmapped.values()) / len(codes)
    print(f"{name}: unmapped codes {unmapped or 'none'}, {share:.2%} of rows")
    assert share < MAX_UNMAPPED_SHARE
    grouped = frame.rows.loc[frame.rows["charge_code"].notna()]
    assert set(grouped["charge_group"]) <= set(CHARGE_GROUPS)


def test_incident_offense_split_on_the_sample(sample) -> None:
    name, records, frame = sample
    column = "IncidentOffense" if name == LEGACY else "IncidentOffence"
    unknown = sum(1 for r in records if r[column].strip() in ("", "Unknown Offense"))
    assert frame.rows["incident_offense_code"].isna().sum() == unknown
    published = [" ".join(r[column].split()) for r in records]
    codes = frame.rows["incident_offense_code"].tolist()
    texts = frame.rows["incident_offense_text"].tolist()
    for value, code, text in zip(published, codes, texts, strict=True):
        if pd.notna(code):
            assert value == code + (text if pd.notna(text) else ""), value


# --------------------------------------------------------------------------------------
# Charge groups and the IncidentOffense split, by hand
# --------------------------------------------------------------------------------------


def test_charge_groups_by_code_with_modifiers() -> None:
    codes = pd.Series(["1 1415", "1A1415", "1C1420", " 4 3550 ", "690000", "9Z9999", None, ""])
    assert charge_groups(codes).tolist() == [
        "violent",
        "violent",
        "violent",
        "drugs",
        "warrants",
        "other",
        "other",
        "other",
    ]
    assert unmapped_codes(codes) == {"9Z9999": 1}
    assert base_code("2A3030") == "2 3030"


def test_charge_table_is_well_formed() -> None:
    table = charge_table()
    assert set(table["group"]) == set(CHARGE_GROUPS)
    assert table["code"].is_unique
    assert (table["reason"].str.len() > 0).all()


@pytest.mark.parametrize(
    ("published", "code", "text"),
    [
        ("4ECOMMON ASSAULT      ", "4E", "COMMON ASSAULT"),
        ("54ARMED PERSON", "54", "ARMED PERSON"),
        ("87ONARCOTICS (OUTSIDE)", "87O", "NARCOTICS (OUTSIDE)"),
        ("3AJFROBB CARJACK-FIREARM", "3AJF", "ROBB CARJACK-FIREARM"),
        ("115TRESPASSING", "115", "TRESPASSING"),
        ("96BINVESTIGATIVE STOP", "96B", "INVESTIGATIVE STOP"),
        ("85EEP PAPERS", "85", "EEP PAPERS"),
        ("Unknown Offense", None, None),
        ("", None, None),
    ],
)
def test_incident_offense_split(published: str, code: str | None, text: str | None) -> None:
    codes, texts = split_incident_offense(pd.Series([published]))
    assert (None if pd.isna(codes[0]) else codes[0]) == code
    assert (None if pd.isna(texts[0]) else texts[0]) == text


# --------------------------------------------------------------------------------------
# Small hand-written files
# --------------------------------------------------------------------------------------

LEGACY_HEADER = (
    "Arrest,Age,Sex,Race,ArrestDate,ArrestTime,ArrestLocation,IncidentOffense,"
    "IncidentLocation,Charge,ChargeDescription,District,Post,Neighborhood,Longitude,"
    "Latitude,Location 1"
)
ARCGIS_HEADER = (
    "RowID,ArrestNumber,Age,Gender,Race,ArrestDateTime,ArrestLocation,IncidentOffence,"
    "IncidentLocation,Charge,ChargeDescription,District,Post,Neighborhood,Latitude,"
    "Longitude,GeoLocation,Shape"
)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_legacy_file(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "legacy.csv",
        LEGACY_HEADER + "\n"
        "17000001,30,M,B,03/12/2017,2:30,1 A ST,4ECOMMON ASSAULT   ,1 A ST,1 1415,"
        "2ND DEG ASSAULT,Southern,913,BROOKLYN,-76.59,39.23,\n"
        "17000001,30,M,B,03/12/2017,2:30,1 A ST,4ECOMMON ASSAULT   ,1 A ST,1 1415,"
        "2ND DEG ASSAULT,Southern,913,BROOKLYN,-76.59,39.23,\n"
        ",41,F,W,11/05/2017,01:30,,Unknown Offense,,1 0077,FTA,,,,0,0,\n"
        "17000003,22,M,B,01/02/2017,12:00,,87NARCOTICS,,4 3550,CDS,Eastern,321,,-77.5,39.3,\n",
    )
    frame = read_arrests(path)
    assert frame.layout == "arrests_legacy"
    rows = frame.rows
    assert len(rows) == 4  # the identical first two rows are two records
    # NOTE: 2017-03-12 02:30 does not exist in Baltimore (clocks spring forward): moved on.
    assert rows["arrested_at"][0] == pd.Timestamp("2017-03-12 03:00", tz="America/New_York")
    # NOTE: 2017-11-05 01:30 happens twice: the first (daylight, UTC-4) is taken.
    assert rows["arrested_at"][2].utcoffset() == pd.Timedelta(hours=-4)
    assert rows["district"].tolist() == ["SOUTHERN", "SOUTHERN", UNKNOWN_DISTRICT, "EASTERN"]
    assert rows["neighborhood"][0] == "Brooklyn"
    assert rows["incident_offense_code"].fillna("-").tolist() == ["4E", "4E", "-", "87"]
    assert rows["charge_group"].tolist() == ["violent", "violent", "warrants", "drugs"]
    assert frame.quality["without_arrest_number"] == 1
    assert frame.quality["arrests_with_several_rows"] == 1
    assert frame.quality["without_coordinates"] == 1  # the 0,0 row
    assert frame.quality["outside_city"] == 1  # -77.5 is west of the city
    assert rows["latitude"].isna().tolist() == [False, False, True, True]
    assert rows["sex"].tolist() == ["Male", "Male", "Female", "Male"]


def test_arcgis_file_keeps_the_date_and_no_time(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "arcgis.csv",
        ARCGIS_HEADER + "\n"
        "1,21000024,27,M,B,2020-12-31,1 B ST,96BINVESTIGATIVE STOP,1 B ST,1 0692,"
        "HAND GUN VIOLATION,Southwest,813,Northwest Community Action,39.3073,-76.6662,"
        '"(39.3073,-76.6662)",\n'
        '2,21000021,45,F,B,2020-12-30,,Unknown Offense,,,,,,,,,"(,)",\n',
    )
    frame = read_arrests(path)
    assert frame.layout == "arrests_arcgis"
    assert frame.rows["arrest_date"].tolist() == [
        pd.Timestamp("2020-12-31"),
        pd.Timestamp("2020-12-30"),
    ]
    assert frame.rows["arrested_at"].isna().all()
    assert frame.rows["charge_group"].tolist() == ["weapons", "other"]
    assert frame.quality["without_charge_code"] == 1
    assert frame.quality["without_coordinates"] == 1


def test_malformed_rows_are_quarantined_with_their_reason(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "bad.csv",
        ARCGIS_HEADER + "\n"
        "1,21000024,27,M,B,2020-12-31,,,,1 1415,ASSAULT,,,,,,,\n"
        "2,21000025,27,M,B,2020-12-31,,,,1 1415,ASSAULT,,,,,,,,EXTRA\n"
        "3,21000026,27,M,B,not a date,,,,1 1415,ASSAULT,,,,,,,\n",
    )
    frame = read_arrests(path)
    assert frame.quality["rows_read"] == 3
    assert frame.quality["rows_kept"] == 1
    assert frame.quarantine["row"].tolist() == [1, 2]
    assert frame.quarantine["reason"].tolist() == ["wrong_field_count", "no_arrest_date"]
    assert "EXTRA" in frame.quarantine["raw"][0]
    assert "not a date" in frame.quarantine["raw"][1]
    assert frame.rows["arrest_id"].tolist() == ["21000024"]


def test_empty_file_gives_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(EmptySourceError) as error:
        read_arrests(_write(tmp_path, "empty.csv", ""))
    assert "empty" in str(error.value) and "\n" not in str(error.value)
    with pytest.raises(EmptySourceError) as error:
        read_arrests(_write(tmp_path, "header.csv", LEGACY_HEADER + "\n"))
    assert "arrests_legacy header but no data rows" in str(error.value)
    assert "\n" not in str(error.value)


def test_a_crime_file_is_no_arrest_layout(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "crime.csv",
        "CrimeDate,CrimeTime,CrimeCode,Location,Description,District\n"
        "01/01/2017,12:00,4E,1 A ST,COMMON ASSAULT,SOUTHERN\n",
    )
    with pytest.raises(UnknownLayoutError) as error:
        read_arrests(path)
    assert "no known arrest layout" in str(error.value) and "\n" not in str(error.value)
    assert detect_arrest_layout([" Arrest", *LEGACY_HEADER.split(",")[1:]]).name == (
        "arrests_legacy"
    )
