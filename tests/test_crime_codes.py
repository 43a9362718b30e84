"""Crime codes against BPD's own code list (bmoredash/data/crime_codes.csv).

The expected offense of each code is worked out here from the list's NAME and CLASS with
plain string tests, never from schema's regular expressions, so a wrong rule shows up as a
disagreement between the two.
"""

from __future__ import annotations

import csv
import fnmatch
import json
import tomllib
from datetime import date
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest
from conftest import PROJECT_DIR, require_shared

from bmoredash import schema
from bmoredash.clean import clean
from bmoredash.sources import read_source

OFFICIAL = schema.official_crime_codes()
OFFICIAL_CODES = {code for code, _, _ in OFFICIAL}

# --------------------------------------------------------------------------------------
# The list itself
# --------------------------------------------------------------------------------------


def test_list_is_the_bpd_table_as_published() -> None:
    text = resources.files("bmoredash").joinpath("data/crime_codes.csv").read_text("utf-8")
    rows = list(csv.reader(text.splitlines()))
    assert rows[0] == ["CODE", "NAME", "CLASS"]
    assert [tuple(r) for r in rows[1:]] == OFFICIAL
    assert len(OFFICIAL) == 203
    assert len(OFFICIAL_CODES) == len(OFFICIAL)  # one row per code
    classes = pd.Series([c for _, _, c in OFFICIAL]).value_counts().to_dict()
    assert classes == {"CFS": 105, "PART 1": 88, "PART 2": 9, "": 1}
    assert all(v == v.strip() for row in OFFICIAL for v in row)
    by_code = {code: (name, cls) for code, name, cls in OFFICIAL}
    assert by_code["1F"] == ("MURDER", "PART 1")
    assert by_code["4E"] == ("COMMON ASSAULT", "PART 2")
    assert by_code["9S"] == ("SHOOTING", "PART 1")
    assert by_code["8H"] == ("ARSON MOTOR VEH", "PART 1")


def test_package_data_ships_the_list() -> None:
    config = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text("utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["bmoredash"]
    assert any(fnmatch.fnmatch("data/crime_codes.csv", p) for p in patterns)


# --------------------------------------------------------------------------------------
# (a) every code maps as its NAME and CLASS say
# --------------------------------------------------------------------------------------

ROBBERY_PLACES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("CARJACK",), "ROBBERY - CARJACKING"),
    (("HWY", "MISC"), "ROBBERY - STREET"),
    (("RESIDENCE",), "ROBBERY - RESIDENCE"),
    (("COMM", "GAS STATION", "CONV STORE", "BANK", "CAB"), "ROBBERY - COMMERCIAL"),
)


def expected_offense(name: str, klass: str) -> tuple[str, str] | None:
    """What a code of this NAME and CLASS must become, read off the words of the list."""
    if klass != "PART 1":
        # Part 2 and calls for service are no Part 1 offense; common assault is kept
        # for analysts under its own (non Part 1) offense.
        return ("COMMON ASSAULT", "COMMON ASSAULT") if name == "COMMON ASSAULT" else None
    if name == "MURDER":
        return ("HOMICIDE", "HOMICIDE")
    if name.startswith("RAPE"):
        return ("RAPE", "RAPE")
    if name.startswith("ROBB"):
        for words, detail in ROBBERY_PLACES:
            if any(word in name for word in words):
                return ("ROBBERY", detail)
    if name.startswith("AGG. ASSLT"):
        return ("AGG. ASSAULT", "AGG. ASSAULT")
    if name.startswith("BURG"):
        return ("BURGLARY", "BURGLARY")
    if name.startswith("LARCENY"):
        if "FROM AUTO" in name:
            return ("LARCENY FROM AUTO", "LARCENY FROM AUTO")
        if "SHOPLIFTING" in name:
            return ("LARCENY", "SHOPLIFTING")
        if "AUTO ACC" in name:
            return ("LARCENY", "LARCENY - AUTO PARTS")
        return ("LARCENY", "LARCENY")
    if name.startswith("STOLEN"):
        return ("AUTO THEFT", "AUTO THEFT")
    if name.startswith("ARSON"):
        return ("ARSON", "ARSON")
    if name == "SHOOTING":
        return ("SHOOTING", "SHOOTING")
    raise AssertionError(f"a Part 1 code name this test does not know: {name!r}")


@pytest.mark.parametrize(("code", "name", "klass"), OFFICIAL, ids=[c for c, _, _ in OFFICIAL])
def test_official_code_maps_as_its_name_and_class_say(code: str, name: str, klass: str) -> None:
    assert schema.classify_offense(code, None) == expected_offense(name, klass)


def test_every_part1_offense_has_an_official_code() -> None:
    reached = {schema.classify_offense(c, None) for c, _, k in OFFICIAL if k == "PART 1"}
    assert {offense for offense, _ in reached} == set(schema.PART1_OFFENSES)


def test_homicide_codes_include_1f() -> None:
    homicides = sorted(c for c, n, k in OFFICIAL if k == "PART 1" and n == "MURDER")
    assert homicides == ["1A", "1F", "1K", "1O"]
    assert schema.classify_offense("1F", None) == ("HOMICIDE", "HOMICIDE")
    assert schema.classify_offense(" 1f ", None) == ("HOMICIDE", "HOMICIDE")


# --------------------------------------------------------------------------------------
# (b) every code in the real files is official (or listed here) and maps or is expected not to
# --------------------------------------------------------------------------------------

#: Every crime sample under shared/.../crime and the name of its crime code column
#: (None: the file carries no code).
CODE_COLUMNS: dict[tuple[str, str], str | None] = {
    ("current", "Part1_Crime_data_homicides_export_2022-02-07.csv"): "CrimeCode",
    ("current", "p1crime_usf_rows_000001-060000.csv"): "CrimeCode",
    ("current", "p1crime_usf_rows_340001-340300.csv"): "CrimeCode",
    ("legacy", "Baltimore_2019_Crime_Only.csv"): "CrimeCode",
    ("legacy", "crimes_socrata_2019.json"): "crimecode",
    ("legacy", "4ih5-d5d5.json"): "crimecode",
    ("legacy", "INSERT_JUNE_1_TO_18_2016_v2.csv"): "crimeCode",
    ("legacy", "test_baltimore.csv"): "crimeCode",
    ("legacy", "crimedata_final_homicides_2020.csv"): "CrimeCode",
    # The Sun's extract names the offense in words only (description).
    ("baltimore_sun", "baltimore_sun_part1_2025-03-18_2026-06-15.csv"): None,
}

#: Codes seen in the real files that BPD's list lacks, with what they should map to.
#: None so far: every code in the samples is on the list.
KNOWN_UNOFFICIAL: dict[str, tuple[str, str] | None] = {}

#: Codes seen in the real files that rightly map to no offense.
EXPECTED_UNMAPPED: frozenset[str] = frozenset({"4F"})  # ASSAULT BY THREAT, Part 2


def codes_in(path: Path, column: str) -> pd.Series:
    """The crime code of every row, as published, read with plain pandas / json."""
    if path.suffix == ".json":
        records = json.loads(path.read_text("utf-8"))
        return pd.Series([r.get(column) for r in records], dtype=object)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return frame[column]


def test_every_crime_sample_is_listed() -> None:
    folder = require_shared("crime")
    found = {(p.parent.name, p.name) for p in folder.glob("*/*") if p.is_file()}
    assert found == set(CODE_COLUMNS)


@pytest.mark.parametrize("sample", list(CODE_COLUMNS), ids=[name for _, name in CODE_COLUMNS])
def test_codes_in_real_files_are_official_and_map(sample: tuple[str, str]) -> None:
    path = require_shared("crime", *sample)
    column = CODE_COLUMNS[sample]
    if column is None:
        header = pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns
        assert not any("code" in c.lower() for c in header)
        return
    codes = codes_in(path, column)
    assert codes.notna().all() and (codes.str.strip() != "").all()
    seen = set(codes.str.strip().str.upper())
    unknown = seen - OFFICIAL_CODES - set(KNOWN_UNOFFICIAL)
    assert not unknown, f"codes on no list: {sorted(unknown)}"
    for code in sorted(seen):
        found = schema.classify_offense(code, None)
        if code in EXPECTED_UNMAPPED:
            assert found is None, code
        elif code in KNOWN_UNOFFICIAL:
            assert found == KNOWN_UNOFFICIAL[code], code
        else:
            assert found is not None, f"{code} in {sample[1]} maps to nothing"


# --------------------------------------------------------------------------------------
# (c) the June 2016 homicides coded 1F are kept as homicides
# --------------------------------------------------------------------------------------


def test_june_2016_1f_rows_are_homicides() -> None:
    path = require_shared("crime", "legacy", "INSERT_JUNE_1_TO_18_2016_v2.csv")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert (raw["crimeCode"] == "1F").sum() == 15

    result = clean(read_source(path), today=date(2026, 11, 25))
    incidents = result.incidents
    homicides = incidents[incidents["crime_code"].astype(str) == "1F"]
    assert len(homicides) == 15
    assert (homicides["offense"].astype(str) == "HOMICIDE").all()
    assert (homicides["offense_group"].astype(str) == "violent").all()
    assert "code 1F" not in result.quality.unmapped_descriptions
    assert result.quality.unmapped_descriptions == {"code 4F": 31}
