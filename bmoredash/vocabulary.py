"""Every word a reader sees for a code: offense labels and plurals, place names, banners.

Why one home: the dashboard, the reports, the CSV and the command line name the same
offense, district and data source; written in several places the words drifted ("Citywide"
on one face, "Baltimore City" on another; three demo banners). Codes and rules stay in
``schema`` and ``selection``; this module only says how they read.
"""

from __future__ import annotations

from bmoredash.schema import (
    ALL_OFFENSES_GROUP,
    CITYWIDE,
    COUNCIL_PLACE_PREFIX,
    OTHER,
    PART1_GROUP,
    PROPERTY,
    UNKNOWN_DISTRICT,
    VIOLENT,
)

#: Plain names of the canonical offenses, for labels and tables.
OFFENSE_LABELS: dict[str, str] = {
    "HOMICIDE": "Homicide",
    "SHOOTING": "Non-fatal shooting",
    "RAPE": "Rape",
    "ROBBERY": "Robbery",
    "AGG. ASSAULT": "Aggravated assault",
    "BURGLARY": "Burglary",
    "LARCENY": "Larceny",
    "LARCENY FROM AUTO": "Larceny from auto",
    "AUTO THEFT": "Auto theft",
    "ARSON": "Arson",
    "COMMON ASSAULT": "Common assault (not Part 1)",
}
#: Offense groups by their selection name, for choices and captions.
GROUP_LABELS: dict[str, str] = {
    VIOLENT: "Violent",
    PROPERTY: "Property",
    OTHER: "Other (not Part 1)",
    PART1_GROUP: "All Part 1",
    ALL_OFFENSES_GROUP: "All offenses, with common assault",
}
#: The offense filter's group choices say what they hold.
GROUP_OPTION_LABELS: dict[str, str] = {
    VIOLENT: "Violent (all Part 1 violent)",
    PROPERTY: "Property (all Part 1 property)",
}
#: An offense or a group as a choice reads it.
CHOICE_LABELS: dict[str, str] = {**OFFENSE_LABELS, **GROUP_LABELS}

#: Report table rows that total an offense group (keys of the report's offense table).
VIOLENT_TOTAL = "Part 1 violent"
PROPERTY_TOTAL = "Part 1 property"
TOTAL_LABELS: dict[str, str] = {
    VIOLENT_TOTAL: "Part 1 violent, total",
    PROPERTY_TOTAL: "Part 1 property, total",
}

#: How an offense reads in a sentence: (one, many).
OFFENSE_PLURALS: dict[str, tuple[str, str]] = {
    "HOMICIDE": ("homicide", "homicides"),
    "SHOOTING": ("non-fatal shooting", "non-fatal shootings"),
    "RAPE": ("rape", "rapes"),
    "ROBBERY": ("robbery", "robberies"),
    "AGG. ASSAULT": ("aggravated assault", "aggravated assaults"),
    "BURGLARY": ("burglary", "burglaries"),
    "LARCENY": ("larceny", "larcenies"),
    "LARCENY FROM AUTO": ("larceny from auto", "larcenies from autos"),
    "AUTO THEFT": ("auto theft", "auto thefts"),
    "ARSON": ("arson", "arsons"),
    "COMMON ASSAULT": ("common assault", "common assaults"),
    VIOLENT_TOTAL: ("Part 1 violent crime", "Part 1 violent crimes"),
    PROPERTY_TOTAL: ("Part 1 property crime", "Part 1 property crimes"),
}

#: The city as a place (titles, headings, the dashboard's status line).
CITY_NAME = "Baltimore City"
#: The city as a scope beside smaller ones (a comparison row, a filter choice).
CITYWIDE_LABEL = "Citywide"
#: Rows whose district the source left blank or unrecognised.
UNKNOWN_DISTRICT_LABEL = "District not recorded"

#: Arrest charge groups (``arrests.CHARGE_GROUPS``) and the measure of every arrest.
CHARGE_GROUP_LABELS: dict[str, str] = {
    "all": "All arrests",
    "violent": "Violent",
    "weapons": "Weapons",
    "drugs": "Drugs",
    "property": "Property",
    "warrants": "Warrants and court process",
    "other": "Other",
}
#: The arrested person's race as published (one letter).
ARREST_RACE_LABELS: dict[str, str] = {
    "B": "Black",
    "W": "White",
    "A": "Asian",
    "I": "American Indian",
    "U": "Unknown",
}

#: The banner every view of demo data carries, and the short mark for page headers.
DEMO_BANNER = (
    "Demo data: generated numbers for trying bmoredash, not Baltimore Police Department "
    "records and not real crimes."
)
DEMO_MARK = "DEMO DATA"


def district_name(district: str) -> str:
    """``Western District`` for a district code (``WESTERN``)."""
    if district == UNKNOWN_DISTRICT:
        return UNKNOWN_DISTRICT_LABEL
    return f"{district.title()} District"


#: What every browser tab of the dashboard ends with.
SITE_TITLE = "Baltimore Part 1 crime"


def page_title(page: str, place: str) -> str:
    """The browser tab's title of a dashboard view: ``Overview · Western District ·
    Baltimore Part 1 crime`` (a tab list, a bookmark and a screen reader tell views apart)."""
    return f"{page} · {place} · {SITE_TITLE}"


def place_subject(district: str) -> str:
    """The place inside a sentence: ``the city``, ``the Western District``, ``Council
    District 9`` (a Council district's name takes no article)."""
    if district == CITYWIDE:
        return "the city"
    name = place_name(district)
    return name if district.startswith(COUNCIL_PLACE_PREFIX) else f"the {name}"


def place_name(district: str) -> str:
    """``Western District`` for a district, ``Baltimore City`` for CITYWIDE, ``Council
    District 3`` for a Council place (``COUNCIL-3``)."""
    if district.startswith(COUNCIL_PLACE_PREFIX):
        return council_name(district.removeprefix(COUNCIL_PLACE_PREFIX))
    return CITY_NAME if district == CITYWIDE else district_name(district)


#: The police district lines a district is read by (``schema.DISTRICT_LINES``).
LINES_LABELS: dict[str, str] = {
    "published": "lines as published",
    "2023": "2023 lines",
    "pre2023": "1959-2022 lines",
}
#: What reading a district by one set of lines means, for a report's title or a page note.
LINES_NOTES: dict[str, str] = {
    "2023": "Districts by the 2023 lines for every year: each crime placed by its "
    "coordinates; crimes published without coordinates are not in any district.",
    "pre2023": "Districts by the 1959-2022 lines for every year: each crime placed by its "
    "coordinates; crimes published without coordinates are not in any district.",
}
#: Rows placed in no Council or legislative district (no coordinates).
UNASSIGNED_AREA_LABEL = "No location recorded"


def council_name(council: str) -> str:
    """``Council District 3`` for a Council district id (``"3"``)."""
    if council == UNKNOWN_DISTRICT:
        return UNASSIGNED_AREA_LABEL
    return f"Council District {council}"


def legislative_name(district: str) -> str:
    """``Legislative District 43A`` for a Maryland legislative district id."""
    if district == UNKNOWN_DISTRICT:
        return UNASSIGNED_AREA_LABEL
    return f"Legislative District {district}"


#: What places are compared by (``app.state.MEASURES``): the rate switch's options.
MEASURE_LABELS: dict[str, str] = {
    "counts": "Counts",
    "rates": "Per 1,000 residents",
}
#: What a rate is, wherever one is shown (legend, headings, cards).
RATE_UNIT = "per 1,000 residents (2020 Census)"


#: The Real-Time Crime Index's crime types the peer-city page shows (``reference.peers``).
PEER_MEASURE_LABELS: dict[str, str] = {"murder": "Murder", "violent_crime": "Violent crime"}
#: The index's national aggregate (``Full Sample``), named for a reader.
NATIONAL_SAMPLE_LABEL = "National sample"
