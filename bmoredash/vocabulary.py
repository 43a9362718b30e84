"""Every word a reader sees for a code: offense labels and plurals, place names, banners.

Why one home: the dashboard, the reports, the CSV and the command line name the same
offense, district and data source; written in several places the words drifted ("Citywide"
on one face, "Baltimore City" on another; three demo banners). Codes and rules stay in
``schema`` and ``selection``; this module only says how they read.

Spanish (``i18n``): every constant here holds the English words, a code other modules and
tests compare, marked ``N_`` so that the extractor puts it in the catalog; it is translated
where it is shown, ``_(CITY_NAME)`` or ``label(OFFENSE_LABELS, code)``. The functions below
(``district_name``, ``place_name``, ``page_title``...) answer in the current language.
"""

from __future__ import annotations

from collections.abc import Mapping

from bmoredash.i18n import N_, pgettext
from bmoredash.i18n import gettext as _
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
    "HOMICIDE": N_("Homicide"),
    "SHOOTING": N_("Non-fatal shooting"),
    "RAPE": N_("Rape"),
    "ROBBERY": N_("Robbery"),
    "AGG. ASSAULT": N_("Aggravated assault"),
    "BURGLARY": N_("Burglary"),
    "LARCENY": N_("Larceny"),
    "LARCENY FROM AUTO": N_("Larceny from auto"),
    "AUTO THEFT": N_("Auto theft"),
    "ARSON": N_("Arson"),
    "COMMON ASSAULT": N_("Common assault (not Part 1)"),
}
#: Offense groups by their selection name, for choices and captions.
GROUP_LABELS: dict[str, str] = {
    VIOLENT: N_("Violent"),
    PROPERTY: N_("Property"),
    OTHER: N_("Other (not Part 1)"),
    PART1_GROUP: N_("All Part 1"),
    ALL_OFFENSES_GROUP: N_("All offenses, with common assault"),
}
#: The offense filter's group choices say what they hold.
GROUP_OPTION_LABELS: dict[str, str] = {
    VIOLENT: N_("Violent (all Part 1 violent)"),
    PROPERTY: N_("Property (all Part 1 property)"),
}
#: An offense or a group as a choice reads it.
CHOICE_LABELS: dict[str, str] = {**OFFENSE_LABELS, **GROUP_LABELS}

#: Report table rows that total an offense group (keys of the report's offense table).
VIOLENT_TOTAL = N_("Part 1 violent")
PROPERTY_TOTAL = N_("Part 1 property")
TOTAL_LABELS: dict[str, str] = {
    VIOLENT_TOTAL: N_("Part 1 violent, total"),
    PROPERTY_TOTAL: N_("Part 1 property, total"),
}

#: How an offense reads in a sentence: (one, many).
OFFENSE_PLURALS: dict[str, tuple[str, str]] = {
    "HOMICIDE": (N_("homicide"), N_("homicides")),
    "SHOOTING": (N_("non-fatal shooting"), N_("non-fatal shootings")),
    "RAPE": (N_("rape"), N_("rapes")),
    "ROBBERY": (N_("robbery"), N_("robberies")),
    "AGG. ASSAULT": (N_("aggravated assault"), N_("aggravated assaults")),
    "BURGLARY": (N_("burglary"), N_("burglaries")),
    "LARCENY": (N_("larceny"), N_("larcenies")),
    "LARCENY FROM AUTO": (N_("larceny from auto"), N_("larcenies from autos")),
    "AUTO THEFT": (N_("auto theft"), N_("auto thefts")),
    "ARSON": (N_("arson"), N_("arsons")),
    "COMMON ASSAULT": (N_("common assault"), N_("common assaults")),
    VIOLENT_TOTAL: (N_("Part 1 violent crime"), N_("Part 1 violent crimes")),
    PROPERTY_TOTAL: (N_("Part 1 property crime"), N_("Part 1 property crimes")),
}

#: The city as a place (titles, headings, the dashboard's status line).
CITY_NAME = N_("Baltimore City")
#: The city as a scope beside smaller ones (a comparison row, a filter choice).
CITYWIDE_LABEL = N_("Citywide")
#: Rows whose district the source left blank or unrecognised.
UNKNOWN_DISTRICT_LABEL = N_("District not recorded")

#: Arrest charge groups (``arrests.CHARGE_GROUPS``) and the measure of every arrest.
CHARGE_GROUP_LABELS: dict[str, str] = {
    "all": N_("All arrests"),
    "violent": N_("Violent"),
    "weapons": N_("Weapons"),
    "drugs": N_("Drugs"),
    "property": N_("Property"),
    "warrants": N_("Warrants and court process"),
    "other": N_("Other"),
}
#: The arrested person's race as published (one letter).
ARREST_RACE_LABELS: dict[str, str] = {
    "B": N_("Black"),
    "W": N_("White"),
    "A": N_("Asian"),
    "I": N_("American Indian"),
    "U": N_("Unknown"),
}

#: The banner every view of demo data carries, and the short mark for page headers.
DEMO_BANNER = N_(
    "Demo data: generated numbers for trying bmoredash, not Baltimore Police Department "
    "records and not real crimes."
)
DEMO_MARK = N_("DEMO DATA")


def label(words: Mapping[str, str], key: str) -> str:
    """The words of ``key`` in one of this module's tables, in the current language
    (``label(OFFENSE_LABELS, "HOMICIDE")``: ``Homicide`` / ``Homicidio``)."""
    return _(words[key])


#: The nine police districts by name (``schema.DISTRICTS``).
DISTRICT_NAMES: dict[str, str] = {
    "CENTRAL": N_("Central District"),
    "EASTERN": N_("Eastern District"),
    "NORTHEAST": N_("Northeast District"),
    "NORTHERN": N_("Northern District"),
    "NORTHWEST": N_("Northwest District"),
    "SOUTHEAST": N_("Southeast District"),
    "SOUTHERN": N_("Southern District"),
    "SOUTHWEST": N_("Southwest District"),
    "WESTERN": N_("Western District"),
}
#: The headline measures (``aggregate.HEADLINE_MEASURES``' labels, its codes), for display.
HEADLINE_LABELS: tuple[str, ...] = (
    N_("Homicides"),
    N_("Non-fatal shootings"),
    VIOLENT_TOTAL,
    PROPERTY_TOTAL,
)


def district_name(district: str) -> str:
    """``Western District`` for a district code (``WESTERN``)."""
    if district == UNKNOWN_DISTRICT:
        return _(UNKNOWN_DISTRICT_LABEL)
    if district in DISTRICT_NAMES:
        return _(DISTRICT_NAMES[district])
    return f"{district.title()} District"


#: What every browser tab of the dashboard ends with.
SITE_TITLE = N_("Baltimore Part 1 crime")


def page_title(page: str, place: str) -> str:
    """The browser tab's title of a dashboard view: ``Overview · Western District ·
    Baltimore Part 1 crime`` (a tab list, a bookmark and a screen reader tell views apart)."""
    return f"{page} · {place} · {_(SITE_TITLE)}"


def place_subject(district: str) -> str:
    """The place inside a sentence: ``the city``, ``the Western District``, ``Council
    District 9`` (a Council district's name takes no article)."""
    if district == CITYWIDE:
        return _("the city")
    name = place_name(district)
    if district.startswith(COUNCIL_PLACE_PREFIX):
        return pgettext("a Council district in a sentence", "%(name)s") % {"name": name}
    return _("the %(name)s") % {"name": name}


def place_name(district: str) -> str:
    """``Western District`` for a district, ``Baltimore City`` for CITYWIDE, ``Council
    District 3`` for a Council place (``COUNCIL-3``)."""
    if district.startswith(COUNCIL_PLACE_PREFIX):
        return council_name(district.removeprefix(COUNCIL_PLACE_PREFIX))
    return _(CITY_NAME) if district == CITYWIDE else district_name(district)


#: The police district lines a district is read by (``schema.DISTRICT_LINES``).
LINES_LABELS: dict[str, str] = {
    "published": N_("lines as published"),
    "2023": N_("2023 lines"),
    "pre2023": N_("1959-2022 lines"),
}
#: What reading a district by one set of lines means, for a report's title or a page note.
LINES_NOTES: dict[str, str] = {
    "2023": N_(
        "Districts by the 2023 lines for every year: each crime placed by its "
        "coordinates; crimes published without coordinates are not in any district."
    ),
    "pre2023": N_(
        "Districts by the 1959-2022 lines for every year: each crime placed by its "
        "coordinates; crimes published without coordinates are not in any district."
    ),
}
#: Rows placed in no Council or legislative district (no coordinates).
UNASSIGNED_AREA_LABEL = N_("No location recorded")


def council_name(council: str) -> str:
    """``Council District 3`` for a Council district id (``"3"``)."""
    if council == UNKNOWN_DISTRICT:
        return _(UNASSIGNED_AREA_LABEL)
    return _("Council District %(number)s") % {"number": council}


def legislative_name(district: str) -> str:
    """``Legislative District 43A`` for a Maryland legislative district id."""
    if district == UNKNOWN_DISTRICT:
        return _(UNASSIGNED_AREA_LABEL)
    return _("Legislative District %(number)s") % {"number": district}


#: How a hidden cell of a people table reads (fewer than the privacy rule's minimum, or
#: hidden to protect one that is): the Victims and the Arrests pages.
SUPPRESSED_CELL = N_("not shown")
#: The people values BPD publishes (victims' and arrested people's sex, age group, race,
#: ethnicity), as a page shows them, in the reader's words; one table for both pages.
PEOPLE_VALUE_WORDS: dict[str, str] = {
    "Under 18": N_("Under 18"),
    "Unknown": N_("Unknown"),
    "Male": N_("Male"),
    "Female": N_("Female"),
    "M": N_("Male"),
    "F": N_("Female"),
    "Black or african american": N_("Black or african american"),
    "White": N_("White"),
    "Asian": N_("Asian"),
    "American indian or alaska native": N_("American indian or alaska native"),
    "Native hawaiian or other pacific islander": N_("Native hawaiian or other pacific islander"),
    "Hispanic or latino": N_("Hispanic or latino"),
    "Not hispanic or latino": N_("Not hispanic or latino"),
}


def people_word(value: str) -> str:
    """A published people value in the reader's words (itself when not in the table)."""
    return _(PEOPLE_VALUE_WORDS[value]) if value in PEOPLE_VALUE_WORDS else value


#: What places are compared by (``app.state.MEASURES``): the rate switch's options.
MEASURE_LABELS: dict[str, str] = {
    "counts": N_("Counts"),
    "rates": N_("Per 1,000 residents"),
}
#: What a rate is, wherever one is shown (legend, headings, cards).
RATE_UNIT = N_("per 1,000 residents (2020 Census)")

#: The dashboard map's words (``app.pages.map``): area levels, search, table and buttons.
MAP_LEVEL_LABELS: dict[str, str] = {
    "district": N_("Police districts"),
    "neighborhood": N_("Neighborhoods"),
    "council": N_("Council districts"),
}
MAP_AREAS_LABEL = N_("Areas:")
MAP_SEARCH_PLACEHOLDER = N_("Neighborhood, district or block address")
MAP_SEARCH_LABEL = N_("Find on the map")
MAP_FIND = N_("Find")
MAP_WHOLE_CITY = N_("Whole city")
MAP_SHOW_TABLE = N_("Show table")
MAP_SHOW_MAP = N_("Show map")
MAP_AREA_HEADER = N_("Area")
MAP_RESIDENTS_HEADER = N_("Residents")
MAP_RATE_HEADER = N_("Rate per 1,000 residents")


#: The Real-Time Crime Index's crime types the peer-city page shows (``reference.peers``).
PEER_MEASURE_LABELS: dict[str, str] = {
    "murder": N_("Murder"),
    "violent_crime": N_("Violent crime"),
}
#: The index's national aggregate (``Full Sample``), named for a reader.
NATIONAL_SAMPLE_LABEL = N_("National sample")


#: The phone's filter summary and share buttons (``app.filters.FilterSummary``): the
#: filters on one line, ``Filters: Citywide · 2026 · all Part 1 offenses``.
ALL_PART1_SHORT = N_("all Part 1 offenses")
SHARE_LABEL = N_("Share")
PAGE_MENU_LABEL = N_("Page")


def offenses_short(choices: tuple[str, ...]) -> str:
    """The offense choice in a few words: ``all Part 1 offenses`` when none is chosen."""
    if not choices:
        return _(ALL_PART1_SHORT)
    return ", ".join(_(CHOICE_LABELS[c]) if c in CHOICE_LABELS else c for c in choices)


def filter_summary(parts: list[str]) -> str:
    """``Filters: Citywide · 2026 · all Part 1 offenses`` from its parts (place, period,
    offenses...)."""
    return _("Filters: %(summary)s") % {"summary": " · ".join(parts)}
