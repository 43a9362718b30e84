"""sources: every published layout is recognised from its header, and read without cleaning."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from bmoredash.sources import (
    LAYOUTS,
    RAW_FIELDS,
    EmptySourceError,
    SourceFrame,
    UnknownLayoutError,
    canonical_view,
    detect_layout,
    normalize_header,
    read_records,
    read_source,
)

LEGACY_HEADER = (
    "CrimeDate,CrimeTime,CrimeCode,Location,Description,Inside/Outside,Weapon,Post,District,"
    "Neighborhood,Longitude,Latitude,Location 1,Premise,vri_name1,Total Incidents"
)
BETA_HEADER = (
    "RowID,CCNumber,CrimeDateTime,CrimeCode,Description,Inside_Outside,Weapon,Shooting,Post,"
    "Gender,Age,Race,Ethnicity,Location,Old_District,New_District,Neighborhood,Latitude,"
    "Longitude,GeoLocation,PremiseType,Total_Incidents"
)
BETA_FIELDS = BETA_HEADER.split(",")
SUN_HEADER = (
    "crime_date,description,inside_outside,weapon,gender,age,race,ethnicity,location,"
    "new_district,neighborhood,latitude,longitude,premise_type,zt,zap"
)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def beta_record(**changes: object) -> dict:
    record: dict = {name: None for name in BETA_FIELDS}
    record.update(
        RowID=101,
        CCNumber="25A012345",
        CrimeDateTime=1_740_000_000_000,
        CrimeCode="4E",
        Description="COMMON ASSAULT",
        New_District="SOUTHEAST",
        Latitude=39.29,
        Longitude=-76.58,
    )
    record.update(changes)
    return record


# --------------------------------------------------------------------------------------
# CSV layouts
# --------------------------------------------------------------------------------------


def test_legacy_csv_is_read_as_text_with_original_columns(tmp_path: Path) -> None:
    row = (
        "04/27/2019,9:23:00 AM,4E,100 N HOWARD ST,COMMON ASSAULT,I,NA,111,CENTRAL,DOWNTOWN,"
        "-76.62,39.29,,STREET,,1"
    )
    frame = read_source(write(tmp_path, "legacy.csv", f"{LEGACY_HEADER}\n{row}\n"))
    assert frame.layout == "socrata_legacy"
    assert frame.source == "legacy.csv"
    assert list(frame.raw.columns) == LEGACY_HEADER.split(",")
    first = frame.raw.iloc[0]
    assert first["Post"] == "111"  # text, not the integer 111
    assert first["Weapon"] == "NA"  # a missing marker is data here; clean decides
    assert pd.isna(first["Location 1"])  # empty is missing


def test_reduced_legacy_variants_are_the_legacy_layout(tmp_path: Path) -> None:
    reduced = (
        "CrimeDate,CrimeTime,CrimeCode,Location,Description,Weapon,District,Neighborhood,"
        "Total Incidents"
    )
    path = write(
        tmp_path,
        "2019.csv",
        f"{reduced}\n07/06/2019,01:30:00,5B,0 HILLSIDE RD,BURGLARY,NA,NORTHERN,ROLAND PARK,1\n",
    )
    assert read_source(path).layout == "socrata_legacy"
    with_id = "id," + LEGACY_HEADER
    path = write(
        tmp_path,
        "2020.csv",
        f"{with_id}\n0,2020-11-13,08:03:39,1A,X,HOMICIDE,Outside,FIREARM,733.0,WESTERN,"
        "PENN NORTH,-76.6,39.3,,STREET,Western,1\n",
    )
    frame = read_source(path)
    assert frame.layout == "socrata_legacy"
    assert frame.raw.loc[0, "id"] == "0"


def test_bom_is_stripped_from_the_first_column(tmp_path: Path) -> None:
    header = "X,Y,RowID,CrimeDateTime,CrimeCode,Location,Description,Inside_Outside,Weapon,Post,District,Neighborhood,Latitude,Longitude,GeoLocation,Premise,VRIName,Total_Incidents"  # noqa: E501
    row = '1.0,2.0,131,2022/02/03 11:17:21+00,1A,1500 N BRADFORD ST,HOMICIDE,Outside,FIREARM,331,EASTERN,BROADWAY EAST,39.3079,-76.5851,"(39.3079,-76.5851)",STREET,,1'  # noqa: E501
    path = write(tmp_path, "export.csv", f"{header}\n{row}\n", encoding="utf-8-sig")
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"
    frame = read_source(path)
    assert frame.layout == "arcgis_part1_crime"
    assert frame.raw.columns[0] == "X"
    assert frame.raw.loc[0, "GeoLocation"] == "(39.3079,-76.5851)"


def test_part1_crime_without_x_y_is_the_same_layout(tmp_path: Path) -> None:
    header = "RowID,CrimeDateTime,CrimeCode,Location,Description,Inside_Outside,Weapon,Post,District,Neighborhood,Latitude,Longitude,GeoLocation,Premise,VRIName,Total_Incidents"  # noqa: E501
    path = write(
        tmp_path,
        "usf.csv",
        f'{header}\n1,2021-07-14,9S,1700 WESTWOOD AV,SHOOTING,Outside,,,,,0,0,"(,)",STREET,,1\n',
    )  # noqa: E501
    assert read_source(path).layout == "arcgis_part1_crime"


def test_rows_export_maps_its_shifted_description_to_inside_outside(tmp_path: Path) -> None:
    header = "sid,id,position,created_at,created_meta,updated_at,updated_meta,meta,crimeDate,crimeTime,crimeCode,location,description,weapon,post,district,neighborhood,location1,totalIncidents,lat,lon,meta2,meta3"  # noqa: E501
    row = "1,A5DC,1,1466687028,883508,1466687028,883508,,2016-06-18T00:00:00,0015,9S,2400 CYLBURN AV,Outside,FIREARM,532,NORTHERN,Levindale,1,,39.35104,-76.65976,,false"  # noqa: E501
    frame = read_source(write(tmp_path, "rows.csv", f"{header}\n{row}\n"))
    assert frame.layout == "socrata_rows"
    view = canonical_view(frame)
    assert view.loc[0, "inside_outside"] == "Outside"
    assert "description" not in view.columns  # there is no description text at all
    assert view.loc[0, "latitude"] == "39.35104"
    assert view.loc[0, "time"] == "0015"


def test_windows_1252_file_is_read(tmp_path: Path) -> None:
    row = "07/06/2019,01:30:00,5B,0 HILLSIDE RD,BURGLARY,NA,NORTHERN,ROLAND PARK \u2013 EAST,1"
    reduced = "CrimeDate,CrimeTime,CrimeCode,Location,Description,Weapon,District,Neighborhood,Total Incidents"  # noqa: E501
    path = write(tmp_path, "cp1252.csv", f"{reduced}\n{row}\n", encoding="cp1252")
    frame = read_source(path)
    assert frame.raw.loc[0, "Neighborhood"] == "ROLAND PARK \u2013 EAST"


def test_sun_extract(tmp_path: Path) -> None:
    row = "3/18/2025,Aggravated assault,Inside,Blunt object,Female,43,Black or African American,Not Hispanic or Latino,1700 GWYNNS FALLS PKWY,Western,Auchentoroly-Parkwood,39.317053,-76.649835,Other/residential,12:13,p.m."  # noqa: E501
    frame = read_source(write(tmp_path, "sun.csv", f"{SUN_HEADER}\n{row}\n"))
    assert frame.layout == "baltimore_sun"
    view = canonical_view(frame)
    assert (view.loc[0, "time"], view.loc[0, "meridiem"]) == ("12:13", "p.m.")
    assert view.loc[0, "premise"] == "Other/residential"


def test_beta_and_nibrs_csv_are_told_apart(tmp_path: Path) -> None:
    header = ",".join(BETA_FIELDS)

    def row(code: str) -> str:
        values = dict.fromkeys(BETA_FIELDS, "")
        values.update(
            RowID="1",
            CrimeDateTime="2024/05/01 12:00:00+00",
            CrimeCode=code,
            Description="X",
            New_District="CENTRAL",
        )
        return ",".join(values[f] for f in BETA_FIELDS)

    assert (
        read_source(write(tmp_path, "Part1_Crime_Beta.csv", f"{header}\n{row('4E')}\n")).layout
        == "arcgis_part1_crime_beta"
    )  # noqa: E501
    # by name
    nibrs = write(tmp_path, "NIBRS_GroupA_Crime_Data.csv", f"{header}\n{row('4E')}\n")
    assert read_source(nibrs).layout == "arcgis_nibrs_group_a"
    # by its codes when the name says nothing
    coded = write(tmp_path, "download.csv", f"{header}\n{row('13A')}\n{row('23F')}\n")
    assert read_source(coded).layout == "arcgis_nibrs_group_a"


# --------------------------------------------------------------------------------------
# JSON layouts
# --------------------------------------------------------------------------------------


def test_socrata_json_with_nested_point_and_absent_keys(tmp_path: Path) -> None:
    records = [
        {
            ":@computed_region_5kre_ccpb": "65",
            "crimecode": "3B",
            "crimedate": "2014-04-25T00:00:00.000",
            "crimetime": "16:38:00",
            "description": "ROBBERY - STREET",
            "district": "CENTRAL",
            "location_1": {"type": "Point", "coordinates": [-76.61544, 39.29433]},
            "total_incidents": "1",
        },
        {
            "crimecode": "4E",
            "crimedate": "2013-10-05T00:00:00.000",
            "crimetime": "20:00:00",
            "description": "COMMON ASSAULT",
            "district": "WESTERN",
            "weapon": "HANDS",
        },
    ]
    path = write(tmp_path, "4ih5-d5d5.json", json.dumps(records))
    frame = read_source(path)
    assert frame.layout == "socrata_api"
    point = json.loads(frame.raw.loc[0, "location_1"])
    assert point["coordinates"] == [-76.61544, 39.29433]
    assert pd.isna(frame.raw.loc[0, "weapon"])  # a null key is simply absent
    assert pd.isna(frame.raw.loc[1, "location_1"])
    assert canonical_view(frame).loc[0, "point"] == frame.raw.loc[0, "location_1"]


def test_arcgis_f_json_keeps_epoch_ms_and_integer_ids_as_text(tmp_path: Path) -> None:
    doc = {
        "objectIdFieldName": "RowID",
        "features": [
            {"attributes": beta_record(RowID=131, Age=35)},
            {"attributes": beta_record(RowID=132, Age=None, CrimeDateTime=None)},
        ],
    }
    frame = read_source(write(tmp_path, "query.json", json.dumps(doc)))
    assert frame.layout == "arcgis_part1_crime_beta"
    assert frame.raw["RowID"].tolist() == ["131", "132"]
    # a column with a null becomes float in JSON -> pandas; the text must not say 35.0
    assert frame.raw.loc[0, "Age"] == "35"
    assert pd.isna(frame.raw.loc[1, "Age"])
    assert frame.raw.loc[0, "CrimeDateTime"] == "1740000000000"
    assert frame.raw.loc[0, "Latitude"] == "39.29"


def test_arcgis_geojson_uses_properties_and_keeps_geometry(tmp_path: Path) -> None:
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [-76.6, 39.3]},
                "properties": beta_record(Latitude=None, Longitude=None),
            }
        ],
    }
    frame = read_source(write(tmp_path, "layer.geojson", json.dumps(doc)))
    assert frame.layout == "arcgis_part1_crime_beta"
    assert json.loads(canonical_view(frame).loc[0, "point"])["coordinates"] == [-76.6, 39.3]


def test_arcgis_error_response_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "err.json", json.dumps({"error": {"code": 400, "message": "bad"}}))
    with pytest.raises(ValueError, match="ArcGIS error"):
        read_source(path)


def test_read_records_from_the_fetcher() -> None:
    layer = "https://services1.arcgis.com/x/arcgis/rest/services/Part1_Crime_Beta/FeatureServer/0"
    frame = read_records([beta_record(), beta_record(RowID=102, Shooting="Y")], source=layer)
    assert isinstance(frame, SourceFrame)
    assert frame.layout == "arcgis_part1_crime_beta"
    assert frame.source == layer
    assert frame.raw["Shooting"].tolist()[1] == "Y"
    nibrs = "https://services1.arcgis.com/x/arcgis/rest/services/NIBRS_GroupA_Crime_Data/FeatureServer/0"
    assert (
        read_records([beta_record(CrimeCode="13A")], source=nibrs).layout == "arcgis_nibrs_group_a"
    )
    # whole features are unwrapped too
    assert read_records([{"attributes": beta_record()}], source="x").raw.loc[0, "RowID"] == "101"


def test_read_records_with_mixed_value_types_in_one_key() -> None:
    # the Arrow route cannot type such a column; the pandas route still gives text
    records = [beta_record(Age=35, Post="111"), beta_record(RowID=102, Age="41", Post=112.0)]
    frame = read_records(records, source="mixed")
    assert frame.raw["Age"].tolist() == ["35", "41"]
    assert frame.raw["Post"].tolist() == ["111", "112"]
    assert frame.raw["RowID"].tolist() == ["101", "102"]


def test_read_records_keeps_keys_missing_from_the_first_record() -> None:
    first = {k: v for k, v in beta_record().items() if k != "Weapon"}
    frame = read_records([first, beta_record(RowID=2, Weapon="KNIFE")], source="x")
    assert pd.isna(frame.raw.loc[0, "Weapon"]) and frame.raw.loc[1, "Weapon"] == "KNIFE"


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------


def test_unknown_layout_names_expected_and_found_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "arrests.csv", "Arrest,Age,Sex,ArrestDate\n1,20,M,01/01/2017\n")
    with pytest.raises(UnknownLayoutError) as caught:
        read_source(path)
    message = str(caught.value)
    assert "arrests.csv" in message
    assert "found: Arrest, Age, Sex, ArrestDate" in message
    for layout in LAYOUTS.values():
        assert layout.name in message
    assert "CrimeDate, CrimeCode, Description, District" in message
    assert isinstance(caught.value, ValueError)


def test_json_of_another_shape_is_an_unknown_layout(tmp_path: Path) -> None:
    with pytest.raises(UnknownLayoutError, match="top level: meta, data"):
        read_source(write(tmp_path, "rows.json", json.dumps({"meta": {}, "data": []})))


@pytest.mark.parametrize(
    ("name", "text"),
    [("empty.csv", ""), ("blank.csv", "\n\n  \n"), ("bom.csv", "\ufeff"), ("empty.json", "[]")],
)
def test_empty_files_raise_empty_source_error(tmp_path: Path, name: str, text: str) -> None:
    with pytest.raises(EmptySourceError) as caught:
        read_source(write(tmp_path, name, text))
    assert name in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_header_without_rows_is_empty(tmp_path: Path) -> None:
    with pytest.raises(EmptySourceError, match="socrata_legacy header but no data rows"):
        read_source(write(tmp_path, "h.csv", LEGACY_HEADER + "\n"))


def test_no_records_is_empty() -> None:
    with pytest.raises(EmptySourceError, match="layer-x: no records"):
        read_records([], source="layer-x")


# --------------------------------------------------------------------------------------
# The layout table
# --------------------------------------------------------------------------------------


def test_layout_table_maps_only_to_canonical_raw_fields() -> None:
    for layout in LAYOUTS.values():
        assert set(layout.required) <= set(layout.columns), layout.name
        assert set(layout.columns.values()) <= set(RAW_FIELDS), layout.name
        # every layout can date its rows
        assert {"occurred", "date"} & set(layout.columns.values()), layout.name


def test_detect_layout_prefers_nothing_over_a_partial_match() -> None:
    with pytest.raises(UnknownLayoutError):
        detect_layout(["CrimeDate", "CrimeCode", "Description"])  # no District
    assert detect_layout([" \ufeffCrimeDate", "CrimeCode", "Description", "District"]).name == (
        "socrata_legacy"
    )


def test_normalize_header() -> None:
    assert normalize_header("\ufeffX ") == "X"
    assert normalize_header(" Inside/Outside") == "Inside/Outside"
