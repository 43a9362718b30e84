"""clean: every rule on hand-written rows, then the whole chain on small frames."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import pytest

from bmoredash import clean as C
from bmoredash import schema
from bmoredash.reference.neighborhoods import known_neighborhoods
from bmoredash.sources import SourceFrame

TODAY = date(2026, 7, 1)


def text(*values: object) -> pd.Series:
    return pd.Series(list(values), dtype=object)


def as_list(values: object) -> list:
    return [None if pd.isna(v) else v for v in pd.Series(values).astype(object)]


# --------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------


def test_strip_bom_from_column_names() -> None:
    raw = pd.DataFrame({"\ufeffX": ["1"], " RowID ": ["2"]})
    assert list(C.strip_bom(raw).columns) == ["X", "RowID"]


def test_missing_markers_become_missing_and_text_is_trimmed() -> None:
    values = text(
        " FIREARM ", "NA", "None reported", "None Reported", "", "  ", None, "null", "None", "n/a"
    )
    assert as_list(C.as_text(values)) == [
        "FIREARM",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        "None",
        None,
    ]


def test_collapse_spaces() -> None:
    assert as_list(C.collapse_spaces(text("DRUG STORE / MED  BL", " A\tB ", "NA"))) == [
        "DRUG STORE / MED BL",
        "A B",
        None,
    ]


# --------------------------------------------------------------------------------------
# Duplicates
# --------------------------------------------------------------------------------------


def test_identical_rows_flag_later_copies_only() -> None:
    raw = pd.DataFrame(
        {"a": ["1", "1", "1", "2", None, None], "b": ["x", "x", "y", "x", None, None]}
    )
    assert C.identical_rows(raw).tolist() == [False, True, False, False, False, True]


def test_rows_differing_only_in_row_id_are_not_identical() -> None:
    raw = pd.DataFrame({"RowID": ["1", "2"], "a": ["x", "x"]})
    assert not C.identical_rows(raw).any()


# --------------------------------------------------------------------------------------
# Dates and times
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "seconds"),
    [
        ("00:33:00", 33 * 60),
        ("23:59:59", 86399),
        ("0015", 15 * 60),  # HHMM, rows export
        ("930", 9 * 3600 + 30 * 60),
        ("9:23:00 AM", 9 * 3600 + 23 * 60),
        ("12:05:00 AM", 5 * 60),
        ("12:13 p.m.", 12 * 3600 + 13 * 60),
        ("4:00 a.m.", 4 * 3600),
        ("11:30 p.m.", 23 * 3600 + 30 * 60),
        ("12:00 a.m.", 0),
        ("25:00:00", None),
        ("13:00 p.m.", None),
        ("12:61", None),
        ("noon", None),
        (None, None),
    ],
)
def test_clock_seconds(written: str | None, seconds: int | None) -> None:
    assert C.clock_seconds(written) == (None if seconds is None else float(seconds))


def test_twelve_hour_clock_without_meridiem_is_unknown() -> None:
    assert C.clock_seconds("2:14:00", twelve_hour=True) is None
    assert C.clock_seconds("12:13:00", twelve_hour=True) is None
    assert C.clock_seconds("14:05:00", twelve_hour=True) == 14 * 3600 + 5 * 60
    assert C.clock_seconds("0:30", twelve_hour=True) == 30 * 60


def test_parse_clock_with_sun_meridiem_column() -> None:
    seconds = C.parse_clock(
        text("12:13", "2:14:00", "2:14", "9:05", None), text("p.m.", None, "p.m.", "a.m.", "a.m.")
    )
    assert as_list(seconds) == [
        12 * 3600 + 13 * 60,
        None,
        14 * 3600 + 14 * 60,
        9 * 3600 + 300,
        None,
    ]


def test_a_utc_clock_is_converted_to_baltimore_time() -> None:
    # NOTE: 01:37:50 UTC on 31 January is 20:37:50 on 30 January in Baltimore.
    written = text("2022/01/31 01:37:50+00", "2021/07/04 16:00:00+00", "2021/07/04 16:00:00")
    stamp, timed = C.parse_timestamp(written, C.UTC)
    assert str(stamp[0]) == "2022-01-30 20:37:50-05:00"
    assert str(stamp[1]) == "2021-07-04 12:00:00-04:00"  # daylight time in July
    assert stamp[1] == stamp[2]  # no marker needed: the clock is the layout's
    assert timed.tolist() == [True, True, True]
    assert stamp.dtype == C.OCCURRED_DTYPE


def test_a_wall_clock_ignores_a_written_offset() -> None:
    # NOTE: the Part1_Crime export writes Baltimore wall time as "+00".
    stamp, timed = C.parse_timestamp(text("2022/01/31 01:37:50+00", "2019-04-10T23:04:00Z"))
    assert str(stamp[0]) == "2022-01-31 01:37:50-05:00"
    assert str(stamp[1]) == "2019-04-10 23:04:00-04:00"
    assert timed.all()


def test_a_date_alone_keeps_its_calendar_date_on_a_utc_clock() -> None:
    stamp, timed = C.parse_timestamp(text("2020-11-13", "3/18/2025"), C.UTC)
    assert [str(s) for s in stamp] == ["2020-11-13 00:00:00-05:00", "2025-03-18 00:00:00-04:00"]
    assert not timed.any()


def test_every_layout_has_a_clock_and_a_dataset() -> None:
    from bmoredash import sources

    assert set(sources.CLOCKS) == set(sources.LAYOUTS) == set(sources.DATASET_OF_LAYOUT)
    assert set(sources.CLOCKS.values()) == {C.UTC, C.WALL}


def test_epoch_milliseconds_are_utc() -> None:
    written = text("1643592470000", "1643592470000.0", "-315619200000")
    stamp, timed = C.parse_timestamp(written, C.UTC)
    assert str(stamp[0]) == "2022-01-30 20:27:50-05:00"
    assert stamp[0] == stamp[1]
    assert str(stamp[2]) == "1959-12-31 19:00:00-05:00"
    assert timed.all()


def test_ten_digit_numbers_are_not_read_as_milliseconds() -> None:
    # epoch seconds would land silently in January 1970; unparsed, the row is quarantined
    stamp, _ = C.parse_timestamp(text("1643592470"))
    assert stamp.isna().all()


@pytest.mark.parametrize(
    ("written", "expected", "has_time"),
    [
        ("2019-09-14T00:00:00.000", "2019-09-14 00:00:00-04:00", True),
        ("2016-06-18T00:00:00", "2016-06-18 00:00:00-04:00", True),
        ("2020-11-13", "2020-11-13 00:00:00-05:00", False),
        ("2021/07/14", "2021-07-14 00:00:00-04:00", False),
        ("2021-07-14 04:00", "2021-07-14 04:00:00-04:00", True),
        ("04/27/2019", "2019-04-27 00:00:00-04:00", False),
        ("3/18/2025", "2025-03-18 00:00:00-04:00", False),
        ("04/27/2019 9:23:00 AM", "2019-04-27 09:23:00-04:00", True),
        ("12/31/2019 11:59:00 PM", "2019-12-31 23:59:00-05:00", True),
    ],
)
def test_local_date_forms(written: str, expected: str, has_time: bool) -> None:
    stamp, timed = C.parse_timestamp(text(written))
    assert str(stamp[0]) == expected
    assert bool(timed[0]) is has_time


def test_unreadable_and_missing_dates_are_nat() -> None:
    stamp, timed = C.parse_timestamp(text("2019-02-30", "yesterday", "13/45/2020", None, "NA"))
    assert stamp.isna().all()
    assert not timed.any()


def test_socrata_date_plus_time_columns() -> None:
    occurred, known = C.combine_date_and_time(
        text("2019-09-14T00:00:00.000", "2016-06-18T00:00:00", "07/06/2019", "07/06/2019"),
        text("23:15:00", "0015", None, "bogus"),
    )
    assert [str(t) for t in occurred] == [
        "2019-09-14 23:15:00-04:00",
        "2016-06-18 00:15:00-04:00",
        "2019-07-06 00:00:00-04:00",
        "2019-07-06 00:00:00-04:00",
    ]
    assert known.tolist() == [True, True, False, False]


def test_dst_edges_are_localized_without_losing_rows() -> None:
    occurred, known = C.combine_date_and_time(
        text("11/03/2019", "03/10/2019"), text("01:30:00", "02:30:00")
    )
    # the repeated autumn hour reads as daylight time; the missing spring hour moves on
    assert str(occurred[0]) == "2019-11-03 01:30:00-04:00"
    assert str(occurred[1]) == "2019-03-10 03:00:00-04:00"
    assert known.all()


def test_date_problems_name_the_reason() -> None:
    given = text("2020-01-01", None, "garbage", "1959-12-31", "2026-07-02", "2026-07-01", "NA")
    occurred, _ = C.parse_timestamp(given)
    reasons = C.date_problems(given, occurred, TODAY)
    assert as_list(reasons) == [
        None,
        "missing_date",
        "unparseable_date",
        "date_before_1960",
        "future_date",
        None,  # today itself is fine
        "missing_date",
    ]


# --------------------------------------------------------------------------------------
# Offense
# --------------------------------------------------------------------------------------


def test_classify_by_code_then_description() -> None:
    out = C.classify_offenses(
        text("1A", "3AJF", "13A", "23F", None, " 6c ", "4F"),
        text(
            "HOMICIDE", None, "AGG. ASSAULT", None, "Larceny from auto", None, "ASSAULT BY THREAT"
        ),
    )
    assert as_list(out["offense"]) == [
        "HOMICIDE",
        "ROBBERY",
        "AGG. ASSAULT",
        "LARCENY FROM AUTO",
        "LARCENY FROM AUTO",
        "LARCENY",
        None,
    ]
    assert as_list(out["offense_detail"])[1] == "ROBBERY - CARJACKING"
    assert as_list(out["offense_detail"])[5] == "SHOPLIFTING"
    assert as_list(out["offense_group"])[:2] == ["violent", "violent"]
    assert as_list(out["crime_code"])[5] == "6C"  # trimmed, upper case
    assert list(out["offense"].cat.categories) == list(schema.OFFENSES)


def test_shooting_flag_turns_an_assault_into_a_shooting_only() -> None:
    out = C.classify_offenses(
        text("13A", "13A", "09A", "120", "4C"),
        text("AGG. ASSAULT", "AGG. ASSAULT", "HOMICIDE", "ROBBERY", "AGG. ASSAULT"),
        text("Y", "N", "Y", "Y", "y"),
    )
    assert as_list(out["offense"]) == [
        "SHOOTING",
        "AGG. ASSAULT",
        "HOMICIDE",
        "ROBBERY",
        "SHOOTING",
    ]
    assert as_list(out["description"]) == [
        "SHOOTING",
        "AGG. ASSAULT",
        "HOMICIDE",
        "ROBBERY",
        "SHOOTING",
    ]
    assert as_list(out["crime_code"])[0] == "13A"  # the code stays as published


def test_unmapped_label() -> None:
    assert C.unmapped_label("4F", "ASSAULT BY THREAT") == "ASSAULT BY THREAT"
    assert C.unmapped_label("1F", None) == "code 1F"
    assert C.unmapped_label(None, None) == "(no code, no description)"


# --------------------------------------------------------------------------------------
# Place
# --------------------------------------------------------------------------------------


def test_coordinates_from_geolocation_text() -> None:
    lat, lon = C.coordinates_from_text(
        text(
            "(39.3079,-76.5851)",
            "(,)",
            "( 39.3 , -76.6 )",
            None,
            "100 N HOWARD ST\n(39.29, -76.62)",
            "39.28,-76.63",
            "39.28",
        )
    )
    assert as_list(lat) == [39.3079, None, 39.3, None, 39.29, 39.28, None]
    assert as_list(lon) == [-76.5851, None, -76.6, None, -76.62, -76.63, None]


def test_coordinates_from_point_objects() -> None:
    lat, lon = C.coordinates_from_point(
        text(
            '{"coordinates":[-76.61544,39.29433],"type":"Point"}',
            '{"latitude":"39.3","longitude":"-76.6","human_address":"{}"}',
            "not json",
            None,
        )
    )
    assert as_list(lat) == [39.29433, 39.3, None, None]
    assert as_list(lon) == [-76.61544, -76.6, None, None]


def test_repair_coordinates() -> None:
    lat = pd.Series([39.30, 0.0, -76.60, 41.52861, np.nan, 39.30])
    lon = pd.Series([-76.60, 0.0, 39.30, -76.61, -76.6, -75.0])
    fixed_lat, fixed_lon, repaired = C.repair_coordinates(lat, lon)
    assert as_list(fixed_lat) == [39.30, None, 39.30, None, None, None]
    assert as_list(fixed_lon) == [-76.60, None, -76.60, None, None, None]
    assert repaired.tolist() == [False, False, True, False, False, False]


def test_locate_falls_back_to_geolocation_then_point() -> None:
    view = pd.DataFrame(
        {
            "latitude": text("39.3", "0", None, "NA"),
            "longitude": text("-76.6", "0", None, "NA"),
            "geolocation": text("(1,1)", "(39.31,-76.61)", "(,)", None),
            "point": text(None, None, '{"coordinates":[-76.62,39.32]}', None),
        }
    )
    lat, lon, repaired = C.locate(view)
    assert as_list(lat) == [39.3, 39.31, 39.32, None]
    assert as_list(lon) == [-76.6, -76.61, -76.62, None]
    assert not repaired.any()


def test_district_spellings_and_choice() -> None:
    assert (
        as_list(
            C.normalize_district(text("NORTHEASTERN", "Northeast", "NED", "ne", "NA", None, "??"))
        )
        == ["NORTHEAST"] * 4 + ["UNKNOWN"] * 3
    )
    view = pd.DataFrame(
        {
            "old_district": text("NORTHEASTERN", "WESTERN", None),
            "new_district": text("Northern", None, None),
        }
    )
    district, old = C.choose_districts(view)
    assert as_list(district) == ["NORTHERN", "WESTERN", "UNKNOWN"]
    assert as_list(old) == ["NORTHEAST", "WESTERN", "UNKNOWN"]
    district, old = C.choose_districts(pd.DataFrame({"district": text("SOUTHWESTERN")}))
    assert as_list(district) == ["SOUTHWEST"]
    assert as_list(old) == [None]  # not published by this layout
    assert list(district.categories) == [*schema.DISTRICTS, "UNKNOWN"]


def test_neighborhood_one_spelling() -> None:
    names = C.normalize_neighborhood(
        text(
            "GWYNNS FALLS/LEAKIN PARK",
            "Gwynns Falls/Leakin Park",
            "  gwynns  falls / leakin park ",
            "BUTCHER'S HILL",
            "Butcher's Hill",
            "NA",
            None,
        )
    )
    values = as_list(names)
    assert values[0] == values[1] == values[2] == "Gwynns Falls/Leakin Park"
    assert values[3] == values[4] == "Butcher's Hill"
    assert values[5] == values[6] == "Unknown"


def test_known_neighborhoods_come_from_the_table() -> None:
    known = known_neighborhoods()
    assert len(known) == len(set(known)) == 278
    assert "Coldstream Homestead Montebello" in known and "Abell" in known


def test_cut_off_neighborhood_name_is_expanded() -> None:
    expand = C.expand_truncated_name
    assert expand("Coldstream Homestead Mont") == "Coldstream Homestead Montebello"  # Socrata
    assert expand("Ellwood Park/Monumen") == "Ellwood Park/Monument"  # 2019 CSV
    # compared without case, spaces or punctuation
    assert expand("Forest Park/Golf Cou") == "Forest Park Golf Course"
    assert expand("coppin heights/ash-co-eas") == "Coppin Heights/Ash-Co-East"
    assert expand("Coldstream Home") == "Coldstream Homestead Montebello"  # 15 characters


def test_short_ambiguous_unknown_and_known_names_are_kept() -> None:
    expand = C.expand_truncated_name
    assert expand("Coldstream Hom") == "Coldstream Hom"  # 14 characters: too short
    assert expand("Patterson Park") == "Patterson Park"  # known, though it starts a longer one
    assert expand("Patterson Park Neighborhood") == "Patterson Park Neighborhood"
    assert expand("Coppin Heights/Ashbu") == "Coppin Heights/Ashbu"  # starts no known name
    assert expand("Stadium/Entertainment Area") == "Stadium/Entertainment Area"
    known = ("Charles Village East", "Charles Village West")
    assert expand("Charles Village", known) == "Charles Village"  # starts both
    assert expand("Charles Village W", known) == "Charles Village West"
    assert expand("Charles Village East", known) == "Charles Village East"


def test_expansion_runs_on_the_column_and_marks_rows() -> None:
    names = C.normalize_neighborhood(
        text(
            "COLDSTREAM HOMESTEAD MONT",
            "Coldstream Homestead Montebello",
            "Coldstream Homestead Mont",
            "COPPIN HEIGHTS/ASHBU",
            "Dunbar",
            None,
        )
    )
    expanded_names, expanded = C.expand_truncated_neighborhoods(names)
    assert as_list(expanded_names) == [
        "Coldstream Homestead Montebello",
        "Coldstream Homestead Montebello",
        "Coldstream Homestead Montebello",
        "Coppin Heights/Ashbu",
        "Dunbar",
        "Unknown",
    ]
    assert expanded.tolist() == [True, False, True, False, False, False]
    missing = pd.Categorical(["Coldstream Homestead Mont", None])
    names_out, marks = C.expand_truncated_neighborhoods(missing)
    assert as_list(names_out) == ["Coldstream Homestead Montebello", None]
    assert marks.tolist() == [True, False]
    untouched = pd.Categorical(["Abell", "Abell"])
    names_out, marks = C.expand_truncated_neighborhoods(untouched)
    assert as_list(names_out) == ["Abell", "Abell"] and not marks.any()


def test_clean_counts_expanded_neighborhoods_among_kept_rows() -> None:
    rows = [
        dict(BETA_ROWS[0], RowID="11", Neighborhood="Patterson Park Neighborho"),
        dict(BETA_ROWS[0], RowID="12", Neighborhood="PATTERSON PARK NEIGHBORHOOD"),
        dict(BETA_ROWS[0], RowID="13", Neighborhood="Patterson Park"),
        dict(BETA_ROWS[0], RowID="14", Neighborhood="Penrose/Fayette Street Ou"),
        dict(BETA_ROWS[2], RowID="15", Neighborhood="Penrose/Fayette Street Ou"),  # no date
    ]
    result = C.clean(beta_frame(rows), today=TODAY)
    assert as_list(result.incidents["neighborhood"]) == [
        "Patterson Park Neighborhood",
        "Patterson Park Neighborhood",
        "Patterson Park",
        "Penrose/Fayette Street Outreach",
    ]
    assert result.quality.neighborhoods_expanded == 2  # the quarantined row is not counted
    assert result.quality.to_dict()["neighborhoods_expanded"] == 2


def test_post_without_float_suffix() -> None:
    assert as_list(C.normalize_post(text("733.0", "111", " 123 ", None))) == [
        "733",
        "111",
        "123",
        None,
    ]


# --------------------------------------------------------------------------------------
# Labels and victims
# --------------------------------------------------------------------------------------


def test_weapon_and_premise_upper_or_unknown() -> None:
    assert as_list(
        C.upper_or_unknown(
            text(
                "Blunt object",
                "FIREARM",
                "NA",
                "None reported",
                "",
                "UNKNOWN",
                None,
                "unknown",
                "Knife/cutting  instrument",
            )
        )
    ) == ["BLUNT OBJECT", "FIREARM"] + ["Unknown"] * 6 + ["KNIFE/CUTTING INSTRUMENT"]


def test_race_and_ethnicity_as_published_or_unknown() -> None:
    assert (
        as_list(
            C.published_or_unknown(
                text("Black or African American", "NA", "None Reported", "Unknown", "UNKNOWN", None)
            )
        )
        == ["Black or African American"] + ["Unknown"] * 5
    )


def test_inside_outside() -> None:
    assert as_list(
        C.normalize_inside_outside(text("I", "O", "Inside", "Outside", "inside", "NA", None, "X"))
    ) == ["Inside", "Outside", "Inside", "Outside", "Inside", "Unknown", "Unknown", "Unknown"]


def test_gender() -> None:
    assert (
        as_list(
            C.normalize_gender(
                text("M", "F", "Male", "female", "U", "NA", "None reported", "7", None)
            )
        )
        == ["Male", "Female", "Male", "Female"] + ["Unknown"] * 5
    )


def test_age_clears_impossible_values_only() -> None:
    ages, cleared = C.clean_age(
        text("35", "0", "110", "111", "-3", "abc", "35.0", "35.5", "None reported", None, " 7 ")
    )
    assert as_list(ages) == [35, 0, 110, None, None, None, 35, None, None, None, 7]
    assert cleared.tolist() == [
        False,
        False,
        False,
        True,
        True,
        True,
        False,
        True,
        False,
        False,
        False,
    ]
    assert str(ages.dtype) == "Int16"


# --------------------------------------------------------------------------------------
# Identity
# --------------------------------------------------------------------------------------


def test_content_hash_is_stable_and_sensitive() -> None:
    raw = pd.DataFrame({"b": ["x", "x", "x"], "a": ["1", "1", "2"]})
    first = C.content_hashes(raw)
    assert first[0] == first[1] != first[2]
    assert len(first[0]) == 40
    # column order does not matter, a re-read gives the same keys
    again = C.content_hashes(raw[["a", "b"]].copy())
    assert first.tolist() == again.tolist()


def test_record_and_incident_ids() -> None:
    raw = pd.DataFrame({"RowID": ["131", None], "CCNumber": ["22A001", None], "v": ["p", "q"]})
    ids = C.record_ids(raw, "arcgis_part1_crime_beta", raw["RowID"])
    assert ids[0] == "arcgis_part1_crime_beta:131"
    assert ids[1].startswith("arcgis_part1_crime_beta:sha1:") and ids[1].endswith(":0")
    assert len(ids[1]) == 29 + 40 + 2
    incidents = C.incident_ids(raw["CCNumber"], raw.index)
    assert as_list(incidents) == ["22A001", None]
    # a RowID is one victim's row: without CCNumber there is no incident key
    assert as_list(C.incident_ids(None, raw.index)) == [None, None]


def test_identical_rows_get_their_own_record_ids() -> None:
    raw = pd.DataFrame({"v": ["p", "p", "q", "p"]})
    ids = C.record_ids(raw, "socrata_legacy", None).tolist()
    assert len(set(ids)) == 4
    assert [i.rsplit(":", 1)[1] for i in ids] == ["0", "1", "0", "2"]
    assert ids[0].rsplit(":", 1)[0] == ids[1].rsplit(":", 1)[0] == ids[3].rsplit(":", 1)[0]


# --------------------------------------------------------------------------------------
# The whole chain
# --------------------------------------------------------------------------------------

BETA_HEADER = (
    "RowID,CCNumber,CrimeDateTime,CrimeCode,Description,Inside_Outside,Weapon,Shooting,Post,"
    "Gender,Age,Race,Ethnicity,Location,Old_District,New_District,Neighborhood,Latitude,"
    "Longitude,GeoLocation,PremiseType,Total_Incidents"
)
BETA_COLUMNS = BETA_HEADER.split(",")


def beta_frame(rows: list[dict], layout: str = "arcgis_part1_crime_beta") -> SourceFrame:
    base = dict.fromkeys(BETA_COLUMNS)
    raw = pd.DataFrame([{**base, **row} for row in rows], columns=BETA_COLUMNS, dtype=object)
    return SourceFrame(source="beta.csv", layout=layout, raw=raw)


BETA_ROWS = [
    # 1: a shooting flagged on an aggravated assault, early morning UTC
    dict(
        RowID="1",
        CCNumber="25A1",
        CrimeDateTime="2025/03/02 03:10:00+00",
        CrimeCode="4C",
        Description="AGG. ASSAULT",
        Inside_Outside="O",
        Weapon="FIREARM",
        Shooting="Y",
        Post="111",
        Gender="M",
        Age="150",
        Race="BLACK_OR_AFRICAN_AMERICAN",
        Ethnicity="NA",
        Location="100 N HOWARD ST",
        Old_District="CENTRAL",
        New_District="CENTRAL",
        Neighborhood="DOWNTOWN",
        Latitude="39.29",
        Longitude="-76.62",
        GeoLocation="(39.29,-76.62)",
        PremiseType="STREET",
        Total_Incidents="1",
    ),
    # 2: second victim of the same incident, swapped coordinates
    dict(
        RowID="2",
        CCNumber="25A1",
        CrimeDateTime="2025/03/02 03:10:00+00",
        CrimeCode="4C",
        Description="AGG. ASSAULT",
        Shooting="Y",
        Gender="F",
        Age="30",
        New_District="CENTRAL",
        Latitude="-76.62",
        Longitude="39.29",
    ),
    # 3: no date
    dict(RowID="3", CCNumber="25A2", CrimeCode="5A", Description="BURGLARY"),
    # 4: not Part 1
    dict(
        RowID="4",
        CCNumber="25A3",
        CrimeDateTime="2025/03/02 12:00:00+00",
        CrimeCode="4F",
        Description="ASSAULT BY THREAT",
        New_District="SOUTHERN",
    ),
    # 5: in the future
    dict(
        RowID="5",
        CCNumber="25A4",
        CrimeDateTime="2026/08/01 12:00:00+00",
        CrimeCode="7A",
        Description="AUTO THEFT",
    ),
    # 6: a district from the old lines only, coordinates at 0, junk gender
    dict(
        RowID="6",
        CCNumber=None,
        CrimeDateTime="1741000000000",
        CrimeCode="6D",
        Description="LARCENY FROM AUTO",
        Old_District="NORTHEASTERN",
        Latitude="0",
        Longitude="0",
        Gender="X",
        Age="abc",
    ),
]


def test_clean_end_to_end_on_beta_rows() -> None:
    result = C.clean(beta_frame(BETA_ROWS), today=TODAY)
    inc, quarantine, quality = result.incidents, result.quarantine, result.quality

    assert list(inc.columns) == list(schema.COLUMN_NAMES)
    assert quality.rows_read == 6 == len(inc) + len(quarantine)
    assert inc["record_id"].tolist() == [
        "arcgis_part1_crime_beta:1",
        "arcgis_part1_crime_beta:2",
        "arcgis_part1_crime_beta:6",
    ]
    # the sixth row has no CCNumber: no incident key (its RowID is one victim's row)
    assert as_list(inc["incident_id"]) == ["25A1", "25A1", None]

    first = inc.iloc[0]
    assert str(first["occurred_at"]) == "2025-03-01 22:10:00-05:00"  # previous Baltimore day
    assert first["offense"] == "SHOOTING" and first["description"] == "SHOOTING"
    assert first["crime_code"] == "4C"
    assert first["inside_outside"] == "Outside"
    assert first["district"] == "CENTRAL" and first["old_district"] == "CENTRAL"
    assert first["neighborhood"] == "Downtown"
    assert pd.isna(first["victim_age"])  # 150 cleared
    assert first["victim_gender"] == "Male"
    assert first["victim_ethnicity"] == "Unknown"
    assert first["premise"] == "STREET"
    assert first["source"] == "beta.csv"

    second = inc.iloc[1]
    assert (round(float(second["latitude"]), 2), round(float(second["longitude"]), 2)) == (
        39.29,
        -76.62,
    )
    assert second["victim_age"] == 30

    sixth = inc.iloc[2]
    assert sixth["district"] == "NORTHEAST"  # Old_District when New_District is missing
    assert pd.isna(sixth["latitude"])
    assert sixth["victim_gender"] == "Unknown"

    assert quarantine[["row_number", "reason"]].values.tolist() == [
        [3, "missing_date"],
        [4, "unmapped_offense"],
        [5, "future_date"],
    ]
    assert list(quarantine.columns) == ["source", "row_number", "reason", "raw"]
    assert json.loads(quarantine["raw"].iloc[1])["Description"] == "ASSAULT BY THREAT"
    assert json.loads(quarantine["raw"].iloc[0])["CrimeDateTime"] is None

    assert quality.to_dict() == {
        "rows_read": 6,
        "rows_kept": 3,
        "identical_rows_kept": 0,
        "ungeocoded": 1,
        "no_council_district": 1,  # the row without coordinates
        "no_legislative_district": 1,
        "coordinates_repaired": 1,
        "unknown_district": 0,
        "ages_cleared": 2,
        "genders_unknown": 1,
        "time_unknown": 0,
        "neighborhoods_expanded": 0,
        "outside_plausible_range": 0,
        "quarantined": {"future_date": 1, "missing_date": 1, "unmapped_offense": 1},
        "unmapped_descriptions": {"ASSAULT BY THREAT": 1},
    }


def test_clean_gives_the_schema_dtypes() -> None:
    inc = C.clean(beta_frame(BETA_ROWS), today=TODAY).incidents
    for column in schema.COLUMNS:
        dtype = inc[column.name].dtype
        if column.dtype == "category":
            assert isinstance(dtype, pd.CategoricalDtype), column.name
        elif column.dtype == "string":
            assert isinstance(dtype, pd.StringDtype), column.name
        elif column.dtype == "datetime":
            assert dtype == pd.DatetimeTZDtype("ns", "America/New_York"), column.name
        elif column.dtype == "bool":
            assert dtype == np.dtype(bool), column.name
        else:
            assert str(dtype) == column.dtype, column.name


def test_identical_rows_are_kept_as_victims_and_counted() -> None:
    raw = pd.DataFrame(
        {
            "crime_date": ["3/18/2025", "3/18/2025", "3/18/2025"],
            "description": ["Larceny", "Larceny", "Shooting"],
            "new_district": ["Southeast", "Southeast", "Western"],
            "zt": ["4:00", "4:00", "11:00"],
            "zap": ["p.m.", "p.m.", "p.m."],
        }
    )
    result = C.clean(SourceFrame("sun.csv", "baltimore_sun", raw), today=TODAY)
    assert len(result.incidents) == 3 and len(result.quarantine) == 0
    assert result.quality.identical_rows_kept == 1
    assert result.quality.quarantined == {}
    assert result.incidents["record_id"].str.startswith("baltimore_sun:sha1:").all()
    assert result.incidents["record_id"].is_unique
    # NOTE: the Sun's clock is UTC: 4 p.m. UTC is noon in Baltimore in March.
    assert [str(t) for t in result.incidents["occurred_at"]] == [
        "2025-03-18 12:00:00-04:00",
        "2025-03-18 12:00:00-04:00",
        "2025-03-18 19:00:00-04:00",
    ]
    assert result.incidents["offense"].tolist() == ["LARCENY", "LARCENY", "SHOOTING"]


def test_a_repeated_row_id_keeps_the_first_row() -> None:
    first = dict(BETA_ROWS[0])
    exact_copy = dict(first)
    revised = dict(first, Weapon="KNIFE")
    result = C.clean(beta_frame([first, exact_copy, revised]), today=TODAY)
    # one RowID is one published row: its repeats are set aside, with their reason
    assert result.incidents["weapon"].tolist() == ["FIREARM"]
    assert result.quarantine["reason"].tolist() == ["duplicate_record_id", "duplicate_record_id"]
    assert C.repeated_record_ids(pd.Series(["a:1", "a:2", "a:1"])).tolist() == [
        False,
        False,
        True,
    ]


def test_clean_accepts_a_bom_in_the_raw_header() -> None:
    raw = pd.DataFrame(
        {
            "\ufeffCrimeDate": ["07/06/2019"],
            "CrimeTime": ["01:30:00"],
            "CrimeCode": ["5B"],
            "Description": ["BURGLARY"],
            "District": ["NORTHERN"],
        }
    )
    result = C.clean(SourceFrame("x.csv", "socrata_legacy", raw), today=TODAY)
    assert len(result.incidents) == 1
    assert str(result.incidents["occurred_at"][0]) == "2019-07-06 01:30:00-04:00"


def test_everything_quarantined_still_gives_schema_frames() -> None:
    frame = beta_frame([BETA_ROWS[2], BETA_ROWS[3]])
    result = C.clean(frame, today=TODAY)
    assert len(result.incidents) == 0
    assert list(result.incidents.columns) == list(schema.COLUMN_NAMES)
    assert result.incidents["occurred_at"].dtype == C.OCCURRED_DTYPE
    assert len(result.quarantine) == 2


def test_record_ids_survive_a_reread() -> None:
    rows = [dict(r) for r in BETA_ROWS]
    for row in rows:
        row["RowID"] = None
    first = C.clean(beta_frame(rows), today=TODAY).incidents["record_id"].tolist()
    again = C.clean(beta_frame(rows), today=TODAY).incidents["record_id"].tolist()
    assert first == again and len(set(first)) == len(first)


def test_default_today_is_baltimore_today() -> None:
    row = dict(BETA_ROWS[0], CrimeDateTime="2099/01/01 00:00:00+00")
    assert C.clean(beta_frame([row])).quality.quarantined == {"future_date": 1}


# --------------------------------------------------------------------------------------
# The quality report
# --------------------------------------------------------------------------------------


def test_quality_report_merge_and_round_trip() -> None:
    a = C.QualityReport(
        rows_read=10,
        rows_kept=8,
        identical_rows_kept=1,
        ungeocoded=2,
        quarantined={"duplicate_record_id": 1, "missing_date": 1},
        unmapped_descriptions={"X": 1},
    )
    b = C.QualityReport(
        rows_read=5,
        rows_kept=4,
        time_unknown=3,
        neighborhoods_expanded=4,
        quarantined={"missing_date": 1},
        unmapped_descriptions={"Y": 2},
    )
    merged = a.merge(b)
    assert (merged.rows_read, merged.rows_kept, merged.ungeocoded, merged.time_unknown) == (
        15,
        12,
        2,
        3,
    )
    assert merged.neighborhoods_expanded == 4
    assert merged.quarantined == {"duplicate_record_id": 1, "missing_date": 2}
    assert merged.unmapped_descriptions == {"X": 1, "Y": 2}
    assert C.QualityReport.from_dict(json.loads(json.dumps(merged.to_dict()))) == merged
    assert C.QualityReport.from_dict({"rows_read": 1, "from_the_future": 9}).rows_read == 1
    # a report written before neighborhoods_expanded existed still reads
    assert C.QualityReport.from_dict({"rows_read": 1}).neighborhoods_expanded == 0
