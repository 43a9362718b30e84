"""The canonical schema, kept as data: columns, districts, offenses and how codes map.

Every reader produces these columns; every count in the dashboard and the reports is a
count of rows of this shape. Changing anything here changes ``SCHEMA_VERSION``.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass
from importlib import resources

SCHEMA_VERSION = 3  # 3: the four area columns (issue 11)

# --------------------------------------------------------------------------------------
# Columns
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # "category", "string", "float32", "Int16", "datetime", "bool"
    doc: str


COLUMNS: tuple[Column, ...] = (
    Column(
        "record_id", "string", "stable key of the published row (layer RowID, else content hash)"
    ),
    Column(
        "incident_id", "string", "CCNumber, shared by the victims of one incident; else missing"
    ),
    Column("occurred_at", "datetime", "when it happened, America/New_York"),
    Column("time_known", "bool", "False when the source gave a date without a time"),
    Column("crime_code", "category", "BPD/UCR or NIBRS code as published"),
    Column("description", "category", "description as published"),
    Column("offense", "category", "canonical broad offense (OFFENSES)"),
    Column("offense_detail", "category", "subtype, e.g. ROBBERY - CARJACKING, SHOPLIFTING"),
    Column("offense_group", "category", "violent / property / other"),
    Column("weapon", "category", "weapon as published, upper case; Unknown when missing"),
    Column("inside_outside", "category", "Inside / Outside / Unknown"),
    Column("premise", "category", "premise as published, upper case"),
    Column("post", "category", "police post (sub-district) as published"),
    Column("district", "category", "canonical district (2023 lines when given), or UNKNOWN"),
    Column("old_district", "category", "pre-2023 district when the source gives both"),
    Column("neighborhood", "category", "neighborhood, one spelling (title case)"),
    Column("location", "string", "block address as published"),
    Column("latitude", "float32", "WGS84, inside the city, else missing"),
    Column("longitude", "float32", "WGS84, inside the city, else missing"),
    Column("district_2023", "category", "police district by the 2023 lines, from the point"),
    Column(
        "district_pre2023", "category", "police district by the 1959-2022 lines, from the point"
    ),
    Column("council_district", "category", "City Council district (2024 lines), 1..14"),
    Column("legislative_district", "category", "Maryland legislative district (2022 plan)"),
    Column("victim_age", "Int16", "0-110, else missing"),
    Column("victim_gender", "category", "Male / Female / Unknown"),
    Column("victim_race", "category", "as published, Unknown when missing"),
    Column("victim_ethnicity", "category", "as published, Unknown when missing"),
    Column("source", "category", "file or layer the row came from"),
    Column("snapshot", "category", "the ingest or fetch the row came from (manifest snapshots)"),
)

COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
DTYPES: dict[str, str] = {c.name: c.dtype for c in COLUMNS}

# --------------------------------------------------------------------------------------
# Districts
# --------------------------------------------------------------------------------------

DISTRICTS: tuple[str, ...] = (
    "CENTRAL",
    "EASTERN",
    "NORTHEAST",
    "NORTHERN",
    "NORTHWEST",
    "SOUTHEAST",
    "SOUTHERN",
    "SOUTHWEST",
    "WESTERN",
)
UNKNOWN_DISTRICT = "UNKNOWN"
CITYWIDE = "CITYWIDE"

#: Which police district lines a district is read by: as published (1959-2022 lines before
#: 2023, 2023 lines after), or every year by the 2023 or the 1959-2022 lines (by coordinates).
DISTRICT_LINES: tuple[str, ...] = ("published", "2023", "pre2023")
#: City Council districts (the lines in force since December 2024) and Maryland legislative
#: districts in the city (2022 plan), as the area columns hold them.
COUNCIL_DISTRICTS: tuple[str, ...] = tuple(str(n) for n in range(1, 15))
LEGISLATIVE_DISTRICTS: tuple[str, ...] = ("40", "41", "43A", "45", "46")
#: A place that is a Council district, where a place is one name (a report's place, its file
#: name): ``COUNCIL-3``.
COUNCIL_PLACE_PREFIX = "COUNCIL-"
#: The columns a row's coordinates place it in (``reference.areas``): the police district by
#: each set of lines, the Council district and the legislative district.
AREA_COLUMNS: tuple[str, ...] = (
    "district_2023",
    "district_pre2023",
    "council_district",
    "legislative_district",
)

# NOTE: the same district is written NORTHEASTERN (Socrata 2012-2018), NORTHEAST
# (2019-2022 exports), Northeast (Baltimore Sun), NE / NED (homicide lists, 2023 polygons).
_DISTRICT_ALIASES: dict[str, str] = {
    **{d: d for d in DISTRICTS},
    "NORTHEASTERN": "NORTHEAST",
    "NORTHWESTERN": "NORTHWEST",
    "SOUTHEASTERN": "SOUTHEAST",
    "SOUTHWESTERN": "SOUTHWEST",
    "CD": "CENTRAL",
    "ED": "EASTERN",
    "NE": "NORTHEAST",
    "NED": "NORTHEAST",
    "ND": "NORTHERN",
    "NW": "NORTHWEST",
    "NWD": "NORTHWEST",
    "SE": "SOUTHEAST",
    "SED": "SOUTHEAST",
    "SD": "SOUTHERN",
    "SW": "SOUTHWEST",
    "SWD": "SOUTHWEST",
    "WD": "WESTERN",
}


def canonical_district(raw: object) -> str:
    """One canonical district name for any published spelling, else ``UNKNOWN``."""
    if not isinstance(raw, str):
        return UNKNOWN_DISTRICT
    key = re.sub(r"[^A-Z]", "", raw.upper().replace("DISTRICT", ""))
    return _DISTRICT_ALIASES.get(key, UNKNOWN_DISTRICT)


# --------------------------------------------------------------------------------------
# Offenses
# --------------------------------------------------------------------------------------

VIOLENT = "violent"
PROPERTY = "property"
OTHER = "other"

#: Canonical offense -> group. Order is the display order everywhere.
OFFENSES: dict[str, str] = {
    "HOMICIDE": VIOLENT,
    "SHOOTING": VIOLENT,  # non-fatal shootings; a fatal shooting is a HOMICIDE
    "RAPE": VIOLENT,
    "ROBBERY": VIOLENT,
    "AGG. ASSAULT": VIOLENT,
    "BURGLARY": PROPERTY,
    "LARCENY": PROPERTY,
    "LARCENY FROM AUTO": PROPERTY,
    "AUTO THEFT": PROPERTY,
    "ARSON": PROPERTY,
    "COMMON ASSAULT": OTHER,  # kept for analysts, never in Part 1 totals
}
OFFENSE_GROUPS: tuple[str, ...] = (VIOLENT, PROPERTY, OTHER)
#: Selection names of the Part 1 offenses (the default) and of every offense.
PART1_GROUP = "part1"
ALL_OFFENSES_GROUP = "all"
PART1_OFFENSES: tuple[str, ...] = tuple(o for o, g in OFFENSES.items() if g != OTHER)
VIOLENT_OFFENSES: tuple[str, ...] = tuple(o for o, g in OFFENSES.items() if g == VIOLENT)
PROPERTY_OFFENSES: tuple[str, ...] = tuple(o for o, g in OFFENSES.items() if g == PROPERTY)


@dataclass(frozen=True)
class OffenseRule:
    """A regular expression on a crime code or description and what it means."""

    pattern: str
    offense: str
    detail: str


# Legacy BPD (UCR-style) codes, e.g. 1A, 3AJF, 4E, 6D, 8AO, 9S. First match wins.
# Checked code by code against BPD's own code list (``official_crime_codes()``): every
# code whose CLASS is PART 1 maps, by its NAME, to one canonical offense, and no legacy code
# missing from that list maps. Of the PART 2 codes only 4E (common assault) maps; 2C-2J (minor sex
# offenses) and 4F (assault by threat) do not, and the CFS (call for service) codes never do.
CODE_RULES: tuple[OffenseRule, ...] = (
    # MURDER; 1F (firearm) is as much a homicide as 1A, 1K and 1O.
    OffenseRule(r"^1[AFKO]$", "HOMICIDE", "HOMICIDE"),
    OffenseRule(r"^2[AB]$", "RAPE", "RAPE"),
    # Robbery letters: F firearm, K knife, O other weapon, none = armed (A) or unarmed (UA).
    # ROBB CARJACK
    OffenseRule(r"^3(AJ[FKO]|BJ)$", "ROBBERY", "ROBBERY - CARJACKING"),
    # ROBB COMM, GAS STATION, CONV STORE, BANK; 3Q ROBBERY - CAB
    OffenseRule(r"^3([CEGL][FKO]?|[DFHMQ])$", "ROBBERY", "ROBBERY - COMMERCIAL"),
    # ROBB RESIDENCE
    OffenseRule(r"^3(J[FKO]?|K)$", "ROBBERY", "ROBBERY - RESIDENCE"),
    # ROBB HWY and ROBB MISC
    OffenseRule(r"^3(A[FKO]|N[FKO]?|[BP])$", "ROBBERY", "ROBBERY - STREET"),
    OffenseRule(r"^4[A-D]$", "AGG. ASSAULT", "AGG. ASSAULT"),
    OffenseRule(r"^4E$", "COMMON ASSAULT", "COMMON ASSAULT"),
    OffenseRule(r"^5[A-G]$", "BURGLARY", "BURGLARY"),
    OffenseRule(r"^6C$", "LARCENY", "SHOPLIFTING"),
    OffenseRule(r"^6D$", "LARCENY FROM AUTO", "LARCENY FROM AUTO"),
    OffenseRule(r"^6E$", "LARCENY", "LARCENY - AUTO PARTS"),
    OffenseRule(r"^6[ABFGHJKL]$", "LARCENY", "LARCENY"),
    OffenseRule(r"^7[ABC]$", "AUTO THEFT", "AUTO THEFT"),
    # ARSON by property (A-G, O occupied / V vacant), 8H motor vehicle, 8I mobile, 8J other
    OffenseRule(r"^8([A-G][OV]|[HIJ])$", "ARSON", "ARSON"),
    OffenseRule(r"^9S$", "SHOOTING", "SHOOTING"),
    # NIBRS Group A codes (Open Baltimore from 2022 on). 09B (negligent manslaughter),
    # 13C (intimidation) and the rest of Group A are not Part 1 and map to nothing.
    OffenseRule(r"^09A$", "HOMICIDE", "HOMICIDE"),
    OffenseRule(r"^11[ABC]$", "RAPE", "RAPE"),
    OffenseRule(r"^120$", "ROBBERY", "ROBBERY"),
    OffenseRule(r"^13A$", "AGG. ASSAULT", "AGG. ASSAULT"),
    OffenseRule(r"^13B$", "COMMON ASSAULT", "COMMON ASSAULT"),
    OffenseRule(r"^220$", "BURGLARY", "BURGLARY"),
    OffenseRule(r"^23C$", "LARCENY", "SHOPLIFTING"),
    OffenseRule(r"^23F$", "LARCENY FROM AUTO", "LARCENY FROM AUTO"),
    OffenseRule(r"^23G$", "LARCENY", "LARCENY - AUTO PARTS"),
    OffenseRule(r"^23[ABDEH]$", "LARCENY", "LARCENY"),
    OffenseRule(r"^240$", "AUTO THEFT", "AUTO THEFT"),
    OffenseRule(r"^200$", "ARSON", "ARSON"),
)

# Descriptions, for rows without a usable code (the Baltimore Sun extracts, NIBRS
# wording). Matched against the upper-cased description. First match wins, so the more
# specific patterns come first.
DESCRIPTION_RULES: tuple[OffenseRule, ...] = (
    OffenseRule(r"^(HOMICIDE|MURDER)", "HOMICIDE", "HOMICIDE"),
    OffenseRule(r"^SHOOTING", "SHOOTING", "SHOOTING"),
    OffenseRule(r"^(RAPE|SODOMY|SEXUAL ASSAULT WITH AN OBJECT)", "RAPE", "RAPE"),
    OffenseRule(r"^ROBB.*CARJACK", "ROBBERY", "ROBBERY - CARJACKING"),
    OffenseRule(r"^ROBB.*(COMM|GAS|CONV|BANK)", "ROBBERY", "ROBBERY - COMMERCIAL"),
    OffenseRule(r"^ROBB.*RESID", "ROBBERY", "ROBBERY - RESIDENCE"),
    OffenseRule(r"^ROBB.*(STREET|HWY|MISC)", "ROBBERY", "ROBBERY - STREET"),
    OffenseRule(r"^ROBB", "ROBBERY", "ROBBERY"),
    OffenseRule(r"^AGG(\.|RAVATED)? ?ASS", "AGG. ASSAULT", "AGG. ASSAULT"),
    OffenseRule(r"^(COMMON|SIMPLE) ASSAULT", "COMMON ASSAULT", "COMMON ASSAULT"),
    OffenseRule(r"^(BURG|BREAKING)", "BURGLARY", "BURGLARY"),
    OffenseRule(r"SHOPLIFT", "LARCENY", "SHOPLIFTING"),
    OffenseRule(
        r"^(LARCENY-? FROM AUTO|THEFT FROM MOTOR VEHICLE$)",
        "LARCENY FROM AUTO",
        "LARCENY FROM AUTO",
    ),
    OffenseRule(r"(MOTOR VEHICLE PARTS|AUTO ACC)", "LARCENY", "LARCENY - AUTO PARTS"),
    OffenseRule(
        r"^(AUTO THEFT|STOLEN (AUTO|BUS|VEH)|MOTOR VEHICLE THEFT)", "AUTO THEFT", "AUTO THEFT"
    ),
    OffenseRule(r"^(LARCENY|THEFT|PICKPOCKET|PURSE)", "LARCENY", "LARCENY"),
    OffenseRule(r"^ARSON", "ARSON", "ARSON"),
)

#: Where the official code list is kept, inside the package.
CRIME_CODES_FILE = "data/crime_codes.csv"


@functools.cache
def _crime_code_rows() -> tuple[tuple[str, str, str], ...]:
    text = resources.files("bmoredash").joinpath(CRIME_CODES_FILE).read_text("utf-8")
    reader = csv.DictReader(io.StringIO(text))
    return tuple((row["CODE"], row["NAME"], row["CLASS"]) for row in reader)


def official_crime_codes() -> list[tuple[str, str, str]]:
    """BPD's crime code list as (CODE, NAME, CLASS) rows, e.g. ("1F", "MURDER", "PART 1").

    CLASS is ``PART 1``, ``PART 2``, ``CFS`` (a call-for-service type, not an offense) or
    empty (the placeholder code BLNK). 203 codes.

    Source: the Open Baltimore / BPD table "CRIME_CODES" (data.baltimorecity.gov, ArcGIS
    item ``e6ca4eadecdc475a961f68bc314e2a86``; columns CODE, TYPE, NAME, CLASS,
    NAME_COMBINE, WEAPON, VIOLENT_CR, VIO_PROP_CFS). That item could not be read from here;
    the rows come from a copy of its CSV in the public GitHub repository
    ``rressler/data_raw_courses``, file ``baltimore_crime_codes.csv``, commit
    ``0ae0df5b54a421b93d4aafc3ae7930cd50b2cd0f`` (2021-07-24; unchanged since). Kept: the
    columns CODE, NAME and CLASS, every row, in the published order, with the fixed-width
    padding trimmed (``"MURDER              "`` -> ``MURDER``, ``"8H "`` -> ``8H``); nothing else
    changed. Cross-check: in the Socrata extract 4ih5-d5d5 (2012-2018, 1,000 rows) every
    row's description equals that code's NAME_COMBINE in the same table.
    """
    return list(_crime_code_rows())


_CODE_RES = tuple((re.compile(r.pattern), r) for r in CODE_RULES)
_DESC_RES = tuple((re.compile(r.pattern), r) for r in DESCRIPTION_RULES)


def classify_offense(code: object, description: object) -> tuple[str, str] | None:
    """(offense, offense_detail) by crime code first, description second; None if neither maps.

    NOTE: NIBRS files flag non-fatal shootings with ``Shooting = Y`` on 13A rows rather
    than a code of their own; the reader turns that flag into the description
    ``SHOOTING`` before classification, so it is handled by the description rules.
    """
    desc = description.strip().upper() if isinstance(description, str) else ""
    if desc.startswith("SHOOTING"):
        return "SHOOTING", "SHOOTING"
    if isinstance(code, str) and code.strip():
        key = code.strip().upper()
        for regex, rule in _CODE_RES:
            if regex.match(key):
                return rule.offense, rule.detail
    for regex, rule in _DESC_RES:
        if regex.search(desc):
            return rule.offense, rule.detail
    return None


# --------------------------------------------------------------------------------------
# Geography and victims
# --------------------------------------------------------------------------------------

#: Generous box around Baltimore City (WGS84). Points outside are not in the city.
CITY_BBOX = {"lat_min": 39.19, "lat_max": 39.38, "lon_min": -76.72, "lon_max": -76.52}

GENDERS: tuple[str, ...] = ("Male", "Female", "Unknown")
MIN_AGE, MAX_AGE = 0, 110
#: Earliest plausible occurrence date; anything earlier is quarantined.
MIN_DATE = "1960-01-01"


# --------------------------------------------------------------------------------------
# Neighborhood spelling
# --------------------------------------------------------------------------------------

UNKNOWN_NEIGHBORHOOD = "Unknown"
_WORD = re.compile(r"[A-Za-z]+")


def _title_word(match: re.Match[str]) -> str:
    word = match.group(0)
    start = match.start()
    text = match.string
    # "Butcher's", "O'Donnell": a lone s after an apostrophe stays lower case.
    if start > 0 and text[start - 1] == "'" and word.lower() == "s":
        return "s"
    if word.lower().startswith("mc") and len(word) > 2:
        return "Mc" + word[2:].capitalize()
    return word.capitalize()


def canonical_neighborhood(raw: object) -> str:
    """One display spelling for a neighborhood: trimmed, single spaces, title case.

    NOTE: the crime data writes ``GWYNNS FALLS/LEAKIN PARK`` (exports), ``Mcelderry Park``
    (Baltimore Sun) and ``Butcher's Hill`` (Socrata); all become one spelling here.
    """
    if not isinstance(raw, str) or not raw.strip() or raw.strip().upper() in {"NA", "N/A", "NONE"}:
        return UNKNOWN_NEIGHBORHOOD
    text = re.sub(r"\s+", " ", raw.strip())
    text = re.sub(r"\s*([/-])\s*", r"\1", text) if "/" in text else text
    return _WORD.sub(_title_word, text)
