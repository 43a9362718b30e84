"""The demo's calibration: yearly targets, offense families and their shapes (hours,
weekdays, months, premises, victims), the offense mix, multi-victim sizes and dirty-row
rates, measured on the real samples (``scripts/build_neighborhood_table.py --calibration``
prints every figure used here). Constants only (and ``Family``, the record the offense
families are written in); ``generator`` draws rows from them.

The ``ARREST_*`` tables (end of the file) are measured on the real arrest samples by
``scripts/measure_arrests.py``, which prints them in this form (a test checks that they are
what it measures); ``arrests`` draws the demo arrests from them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

#: All rows per year. 2012-2019: sums of the legacy dataset's daily Total Incidents
#: (aggregates/baltimore_crime_daily_totals.csv). From 2020 on: held in the same band by
#: choice (a demo, not an estimate).
YEAR_TOTALS: dict[int, int] = {
    2012: 49561,
    2013: 49542,
    2014: 45310,
    2015: 48192,
    2016: 48784,
    2017: 52174,
    2018: 48490,
    2019: 46365,
    2020: 45600,
    2021: 46300,
    2022: 47100,
    2023: 47800,
    2024: 46200,
    2025: 45400,
    2026: 45200,
}

#: Homicide victims per year, the published trend (2025-2026 approximate; 2026 at 2025's pace).
HOMICIDES: dict[int, int] = {
    2012: 217,
    2013: 235,
    2014: 211,
    2015: 344,
    2016: 318,
    2017: 342,
    2018: 309,
    2019: 348,
    2020: 335,
    2021: 337,
    2022: 333,
    2023: 263,
    2024: 201,
    2025: 133,
    2026: 133,
}

#: Non-fatal shooting victims per year (rows with Shooting=Y, offense SHOOTING).
#: 2019-2021 and 2023-2025: the official tallies. 2022: midway between 2021 and 2023
#: (681.5, rounded up).
#: 2012-2016: BPD's non-fatal shooting victims as obtained by The Trace and BuzzFeed News
#: (shootings_homicides/baltimore-shootings-persons.csv). 2017: that file's 383 victims to
#: 26 July scaled up by the share of a year's gun violence falling by then on the "gun"
#: season curve (0.553). 2018: midway between 2017 and 2019 (731.5, rounded up). 2026:
#: at 2025's pace.
#: (``scripts/build_neighborhood_table.py --calibration`` prints the measured ones.)
SHOOTINGS: dict[int, int] = {
    2012: 369,
    2013: 401,
    2014: 369,
    2015: 636,
    2016: 668,
    2017: 693,
    2018: 732,
    2019: 770,
    2020: 725,
    2021: 728,
    2022: 682,
    2023: 635,
    2024: 414,
    2025: 311,
    2026: 311,
}

#: Days the demo source lacks, as the real one does (the Baltimore Sun extract has no rows,
#: or 1-2, on 2025-07-30, 2025-08-15, 2025-12-01 and 2025-12-31): day (Baltimore calendar)
#: -> the rows it still holds, single-victim larceny incidents. No other offense has a row
#: there; each offense's yearly total is unchanged (its rows go to the other days).
GAP_DAYS: dict[dt.date, int] = {
    dt.date(2025, 8, 15): 2,
    dt.date(2025, 12, 31): 1,
    dt.date(2026, 5, 12): 2,
}

_GAP_FAMILY = "larceny"

_H = tuple[float, ...]

# Hour-of-day shares (%, hours 0-23) measured in the 2019 legacy CSV (22,281 rows); smoothed
# with a 1-2-1 circular kernel when used, which also removes the empty hours of the small
# offenses.
_HOURS: dict[str, _H] = {
    "agg_assault": (5.7, 4.7, 4.1, 2.5, 1.7, 1.0, 1.1, 2.2, 2.8, 2.7, 3.5, 4.1,
                    4.0, 4.8, 3.7, 4.8, 6.2, 6.0, 4.7, 6.0, 5.9, 6.6, 5.3, 5.9),
    "arson": (8.9, 8.9, 0.0, 6.7, 2.2, 6.7, 0.0, 4.4, 2.2, 6.7, 8.9, 8.9,
              4.4, 2.2, 0.0, 2.2, 0.0, 6.7, 0.0, 0.0, 8.9, 4.4, 2.2, 4.4),
    "auto_parts": (4.4, 1.5, 1.2, 0.8, 1.0, 0.7, 2.2, 2.9, 5.1, 5.1, 3.2, 3.5,
                   6.2, 3.3, 4.3, 4.8, 5.8, 8.2, 8.3, 6.8, 6.8, 5.2, 5.0, 3.6),
    "auto_theft": (4.9, 3.0, 2.9, 2.3, 1.8, 1.8, 3.1, 5.3, 3.3, 3.0, 2.3, 2.2,
                   3.7, 3.3, 3.7, 4.1, 5.1, 5.9, 5.5, 5.9, 5.9, 8.1, 6.8, 6.1),
    "burglary": (5.5, 3.0, 2.6, 3.3, 2.6, 2.2, 2.8, 4.7, 4.6, 5.2, 5.1, 4.5,
                 5.3, 4.9, 4.7, 4.5, 5.5, 6.8, 4.7, 4.2, 3.9, 3.0, 3.3, 3.0),
    "carjacking": (8.3, 7.4, 3.7, 3.7, 1.2, 1.7, 1.2, 2.1, 2.1, 2.5, 3.3, 2.5,
                   2.5, 4.5, 2.5, 1.2, 3.3, 3.7, 6.2, 5.0, 8.7, 7.9, 8.3, 6.6),
    "common_assault": (5.8, 4.5, 3.5, 3.3, 1.4, 1.1, 1.4, 2.1, 2.8, 3.2, 4.3, 4.6,
                       4.8, 5.1, 5.1, 5.9, 5.2, 5.1, 5.2, 5.0, 5.1, 5.5, 4.5, 5.6),
    "homicide": (8.0, 4.3, 4.3, 1.8, 1.8, 0.0, 1.2, 3.7, 0.0, 2.5, 2.5, 3.7,
                 2.5, 1.8, 6.1, 4.3, 3.7, 4.9, 2.5, 6.1, 7.4, 8.0, 10.4, 8.6),
    "larceny": (5.1, 2.1, 1.9, 0.7, 1.1, 1.7, 1.7, 3.3, 3.5, 4.5, 5.0, 5.7,
                7.2, 6.2, 7.0, 7.1, 6.9, 5.2, 6.1, 4.8, 3.6, 3.3, 3.1, 3.2),
    "larceny_from_auto": (4.5, 3.2, 2.9, 2.0, 1.4, 1.3, 1.6, 2.7, 2.4, 2.4, 2.7, 2.4,
                          3.4, 2.9, 3.2, 4.3, 5.3, 7.0, 7.6, 7.3, 7.3, 8.6, 7.6, 6.2),
    "rape": (14.2, 2.4, 6.3, 4.7, 2.4, 4.7, 2.4, 2.4, 0.8, 2.4, 5.5, 3.1,
             4.7, 3.1, 3.1, 3.9, 2.4, 2.4, 3.1, 5.5, 6.3, 3.9, 5.5, 4.7),
    "robbery_commercial": (3.5, 5.0, 2.0, 2.5, 1.0, 1.0, 1.3, 2.0, 3.5, 3.3, 5.0, 3.3,
                           3.5, 6.0, 6.0, 3.8, 5.8, 7.1, 7.1, 7.3, 5.8, 3.5, 6.3, 4.3),
    "robbery_residence": (2.6, 5.3, 1.6, 1.6, 2.6, 2.1, 2.1, 5.3, 0.5, 3.2, 2.6, 5.3,
                          3.2, 6.8, 4.2, 2.6, 5.3, 3.2, 3.7, 8.9, 7.4, 3.2, 5.3, 11.6),
    "robbery_street": (6.2, 6.2, 4.9, 2.8, 2.1, 2.4, 1.7, 2.1, 1.9, 2.2, 2.4, 2.6,
                       4.1, 4.1, 3.5, 4.4, 5.1, 5.0, 5.1, 5.3, 6.7, 6.3, 5.5, 7.3),
    "shooting": (7.2, 6.4, 5.9, 1.9, 0.8, 0.8, 0.0, 0.3, 1.1, 1.1, 0.8, 4.5,
                 1.6, 3.2, 2.4, 5.1, 5.1, 8.0, 4.3, 5.3, 8.0, 10.4, 8.0, 7.8),
    "shoplifting": (2.6, 1.6, 1.7, 1.0, 1.0, 1.2, 1.0, 1.8, 3.0, 4.4, 5.0, 6.1,
                    6.7, 7.8, 7.3, 7.8, 7.8, 6.3, 8.0, 5.6, 5.6, 2.9, 1.9, 1.9),
}  # fmt: skip

# Weekday factors (Monday..Sunday, mean 1) measured in the 2019 legacy CSV. Offenses with
# fewer than 400 sample rows borrow a related offense's shape (noted per entry).
_WEEKDAYS: dict[str, _H] = {
    "agg_assault": (0.93, 1.06, 0.96, 0.97, 0.95, 1.12, 1.00),
    "auto_parts": (0.96, 1.06, 0.89, 1.17, 1.23, 0.87, 0.82),
    "auto_theft": (1.07, 0.99, 1.01, 0.92, 1.12, 0.90, 0.99),
    "burglary": (1.02, 1.03, 1.14, 1.00, 1.06, 1.02, 0.74),
    "common_assault": (1.00, 1.00, 1.00, 1.01, 0.99, 1.00, 0.99),
    "larceny": (1.02, 0.99, 1.13, 1.06, 1.12, 0.97, 0.71),
    "larceny_from_auto": (0.92, 1.08, 1.08, 1.04, 0.94, 1.05, 0.90),
    "robbery_street": (1.07, 1.00, 1.19, 0.96, 0.93, 0.99, 0.85),
    "shooting": (0.86, 1.09, 0.97, 0.99, 1.07, 1.12, 0.90),
    "shoplifting": (1.15, 1.15, 1.02, 1.07, 0.94, 0.81, 0.84),
}

_WEEKDAYS |= {
    "homicide": _WEEKDAYS["shooting"],
    "rape": _WEEKDAYS["agg_assault"],
    "carjacking": _WEEKDAYS["robbery_street"],
    "robbery_commercial": _WEEKDAYS["robbery_street"],
    "robbery_residence": _WEEKDAYS["robbery_street"],
    "arson": _WEEKDAYS["burglary"],
}

# Month factors (Jan..Dec, mean about 1), interpolated to a smooth daily curve. "all": mean
# daily Total Incidents by month, legacy daily totals 2012-2019 (Feb 0.83, Aug 1.09);
# "gun": homicide victims by month per day, Baltimore Sun homicide list 2007-2020.
_MONTHS: dict[str, _H] = {
    "all": (0.918, 0.828, 0.880, 0.974, 1.057, 1.082, 1.071, 1.085, 1.071, 1.071, 0.999, 0.964),
    "gun": (0.881, 0.756, 0.820, 0.955, 1.166, 1.100, 1.187, 1.040, 1.094, 1.059, 0.971, 0.970),
}

_GENDERS = ("Male", "Female", "Unknown", "")

_RACES = (
    "Black or African American",
    "White",
    "Asian",
    "American Indian or Alaska Native",
    "Native Hawaiian or other Pacific Islander",
    "Unknown",
    "",
)

_ETHNICITIES = ("Not Hispanic or Latino", "Hispanic or Latino", "Unknown", "")

#: Premises where the offense is outdoors. NOTE: the Sun extract's Inside_Outside agrees
#: with its PremiseType when Shed/garage (parking) counts as outside (e.g. larceny from
#: auto: 85% Outside vs 84% Street + Shed/garage).
OUTSIDE_PREMISES = frozenset(
    {
        "Street",
        "Shed/garage",
        "Park",
        "Vacant lot/woods",
        "Other - outside",
        "Car lot-new/used",
        "Construction site",
        "Boat yard",
    }
)


@dataclass(frozen=True)
class Family:
    """One kind of offense as the generator emits it (codes, wording, shapes, victims)."""

    key: str
    description: str  # Part1_Crime_Beta wording
    codes: dict[str, int]  # legacy BPD code -> rows in the 2019 sample
    season: str  # key of _MONTHS
    place: str  # neighborhood weight: "all", "gun" or "mixed"
    premises: dict[str, float]  # PremiseType -> % (Sun extract, entries >= ~0.4%)
    gender: _H  # % per _GENDERS
    race: _H  # % per _RACES
    ethnicity: _H  # % per _ETHNICITIES
    ages: _H  # age at the 1st, 10th, 20th, ..., 90th, 99th percentile
    age_missing: float  # share of rows without an age
    # % of incidents with 2+ victims: (2019 legacy CSV, 2025-2026 Sun extract); multi_victim_share
    multi: tuple[float, float] = (0.0, 0.0)


_AGG_PREMISES = {
    "Other/residential": 52.4, "Street": 30.9, "Convenience store": 2.5, "Shed/garage": 2.0,
    "School": 1.7, "Restaurant": 1.3, "Drug store / med  bldg": 1.0, "Office building": 1.0,
    "Gas station": 0.9, "Tavern/night club": 0.9, "Park": 0.8, "Unknown": 0.8,
    "Hotel/motel": 0.7, "Public building": 0.4, "Public housing": 0.4, "Specialty store": 0.4,
}  # fmt: skip

_AGG_VICTIMS = {
    "gender": (46.8, 51.9, 0.3, 0.9),
    "race": (75.4, 13.8, 0.9, 0.3, 0.4, 1.8, 7.4),
    "ethnicity": (58.3, 7.8, 33.0, 0.9),
    "ages": (5, 18, 23, 26, 29, 32, 36, 40, 45, 55, 72),
    "age_missing": 0.041,
}

_ROBBERY_VICTIMS = {
    "gender": (65.5, 34.3, 0.3, 0.0),
    "race": (58.9, 20.2, 3.8, 1.2, 0.8, 3.0, 12.0),
    "ethnicity": (55.2, 13.9, 30.9, 0.0),
    "ages": (11, 16, 20, 23, 27, 32, 36, 40, 47, 57, 75),
    "age_missing": 0.011,
}

_BUSINESS_VICTIM = {
    "gender": (0.0, 0.0, 0.0, 100.0),
    "race": (0, 0, 0, 0, 0, 0, 100.0),
    "ethnicity": (0, 0, 0, 100.0),
    "ages": (0,) * 11,
    "age_missing": 1.0,
}

# NOTE: "Drug store / med  bldg" and "Religious  institution" carry two spaces in the
# published PremiseType values; they are kept as published.
_FAMILY_LIST: tuple[Family, ...] = (
    Family(
        "homicide", "HOMICIDE", {"1A": 151, "1K": 9, "1O": 5}, "gun", "gun",
        {"Street": 62, "Other/residential": 27, "Shed/garage": 6.5, "Restaurant": 2,
         "Convenience store": 1.5, "Vacant lot/woods": 1},
        gender=(90.2, 9.8, 0.0, 0.0), race=(93.5, 2.6, 0.0, 0.0, 1.3, 0.0, 2.6),
        ethnicity=(58.2, 3.3, 38.6, 0.0), ages=(15, 21, 25, 27, 30, 33, 35, 38, 42, 50, 64),
        age_missing=0.02, multi=(3.12, 3.38),
    ),
    Family(
        "shooting", "SHOOTING", {"9S": 374}, "gun", "gun",
        {"Street": 70.5, "Other/residential": 12.1, "Drug store / med  bldg": 5.3,
         "Shed/garage": 3.6, "Convenience store": 1.7, "Park": 1.4, "Restaurant": 1.2,
         "Unknown": 1.0, "Gas station": 0.7, "Liquor store": 0.7, "Hotel/motel": 0.5,
         "Specialty store": 0.5},
        gender=(88.6, 11.1, 0.2, 0.0), race=(87.9, 4.1, 0.2, 0.2, 1.2, 1.4, 4.8),
        ethnicity=(62.8, 6.8, 30.4, 0.0), ages=(13, 17, 19, 22, 25, 28, 32, 35, 40, 45, 66),
        age_missing=0.01, multi=(14.80, 13.75),
    ),
    Family(
        "rape", "RAPE", {"2A": 114, "2B": 13}, "all", "mixed",
        {"Other/residential": 68.2, "Street": 12.1, "Drug store / med  bldg": 3.9,
         "Hotel/motel": 3.9, "Park": 2.9, "Unknown": 1.8, "School": 1.4,
         "Convenience store": 0.7, "Office building": 0.7, "Public housing": 0.7,
         "Vacant building": 0.7, "Tavern/night club": 0.7},
        gender=(6.1, 93.9, 0.0, 0.0), race=(66.1, 23.2, 1.8, 0.0, 1.8, 1.4, 5.7),
        ethnicity=(61.1, 8.6, 30.4, 0.0), ages=(4, 13, 15, 17, 20, 23, 26, 31, 35, 42, 63),
        age_missing=0.018, multi=(1.60, 0.36),
    ),
    Family(
        "robbery_street", "ROBBERY - STREET",
        {"3AF": 707, "3B": 508, "3AK": 136, "3AO": 121, "3P": 33, "3NF": 13, "3NK": 4,
         "3NO": 4},
        "all", "mixed",
        {"Street": 48.5, "Other/residential": 18.8, "Convenience store": 10.3,
         "Wholesaler/store": 2.8, "Park": 2.2, "Restaurant": 2.2, "Gas station": 2.1,
         "Shed/garage": 2.0, "Office building": 1.7, "Specialty store": 1.4,
         "Grocery/confection": 1.3, "Unknown": 0.9, "School": 0.9, "Liquor store": 0.7,
         "Drug store / med  bldg": 0.7, "Bank/financial inst": 0.5,
         "Tavern/night club": 0.5, "Bus/railroad station": 0.4},
        **_ROBBERY_VICTIMS, multi=(5.65, 9.35),
    ),
    Family(
        "carjacking", "ROBBERY - CARJACKING", {"3AJF": 180, "3BJ": 38, "3AJO": 15, "3AJK": 9},
        "all", "mixed",
        {"Street": 79.2, "Other/residential": 6.6, "Shed/garage": 6.6, "Gas station": 2.2,
         "Convenience store": 1.9, "Park": 0.6, "Restaurant": 0.5},
        gender=(77.0, 23.0, 0.0, 0.0), race=(58.8, 18.6, 3.5, 0.3, 1.3, 3.8, 13.8),
        ethnicity=(50.6, 19.8, 29.6, 0.0), ages=(12, 22, 25, 28, 32, 35, 39, 43, 49, 58, 74),
        age_missing=0.016, multi=(1.69, 10.14),
    ),
    Family(
        "robbery_commercial", "ROBBERY - COMMERCIAL",
        {"3CF": 151, "3D": 81, "3CO": 40, "3CK": 31, "3GF": 24, "3H": 17, "3M": 15, "3LF": 11,
         "3F": 8, "3GO": 7, "3EF": 7, "3GK": 5},
        "all", "all",
        {"Convenience store": 41.8, "Wholesaler/store": 12.6, "Street": 7.0,
         "Specialty store": 6.6, "Grocery/confection": 6.2, "Office building": 5.8,
         "Restaurant": 5.2, "Gas station": 3.8, "Liquor store": 3.0,
         "Drug store / med  bldg": 2.0, "Bank/financial inst": 1.8, "Other/residential": 1.4,
         "Unknown": 1.0, "Shopping malls/cntr": 0.6},
        **_BUSINESS_VICTIM, multi=(2.37, 0.0),
    ),
    Family(
        # Not separated in the Sun extract: premises are an assumption (home invasions).
        "robbery_residence", "ROBBERY - RESIDENCE", {"3K": 106, "3JF": 55, "3JK": 16, "3JO": 13},
        "all", "mixed",
        {"Other/residential": 85, "Shed/garage": 6, "Public housing": 4, "Hotel/motel": 3,
         "Vacant building": 2},
        **_ROBBERY_VICTIMS, multi=(8.67, 9.35),
    ),
    Family(
        "agg_assault", "AGG. ASSAULT", {"4C": 1102, "4A": 702, "4B": 578, "4D": 370},
        "all", "mixed", _AGG_PREMISES, **_AGG_VICTIMS, multi=(7.10, 11.24),
    ),
    Family(
        # Not in the Sun extract (not Part 1): premises and victims borrowed from agg. assault.
        "common_assault", "COMMON ASSAULT", {"4E": 4243}, "all", "mixed", _AGG_PREMISES,
        **_AGG_VICTIMS, multi=(6.96, 6.96),
    ),
    Family(
        "burglary", "BURGLARY",
        {"5A": 1561, "5D": 569, "5B": 214, "5C": 159, "5E": 51, "5F": 36, "5G": 18},
        "all", "all",
        {"Other/residential": 70.3, "Office building": 8.1, "Restaurant": 3.4,
         "Convenience store": 2.9, "School": 1.6, "Unknown": 1.4, "Shed/garage": 1.3,
         "Specialty store": 1.1, "Public building": 1.0, "Religious  institution": 1.0,
         "Street": 1.0, "Construction site": 0.9, "Hotel/motel": 0.8,
         "Mini storage lockers": 0.8, "Vacant building": 0.8, "Tavern/night club": 0.6,
         "Car lot-new/used": 0.5, "Wholesaler/store": 0.5},
        gender=(37.8, 33.7, 0.6, 27.9), race=(39.2, 20.2, 1.9, 0.5, 0.6, 1.5, 35.9),
        ethnicity=(39.1, 7.2, 25.7, 27.9), ages=(16, 25, 30, 34, 37, 41, 45, 50, 56, 64, 82),
        age_missing=0.303, multi=(1.56, 10.34),
    ),
    Family(
        "larceny", "LARCENY",
        {"6J": 1390, "6G": 1156, "6F": 109, "6B": 86, "6L": 29, "6A": 25, "6H": 8},
        "all", "all",
        {"Other/residential": 59.4, "Street": 12.4, "Convenience store": 4.7,
         "Office building": 2.5, "Restaurant": 2.1, "Unknown": 1.8, "School": 1.7,
         "Drug store / med  bldg": 1.5, "Shed/garage": 1.5, "Wholesaler/store": 1.5,
         "Public building": 1.3, "Tavern/night club": 1.2, "Grocery/confection": 1.0,
         "Hotel/motel": 1.0, "Specialty store": 1.0, "Gas station": 0.7, "Park": 0.6,
         "Construction site": 0.5, "Religious  institution": 0.5,
         "Bus/railroad station": 0.4, "Liquor store": 0.4},
        gender=(36.9, 49.1, 0.8, 13.1), race=(47.4, 24.9, 3.4, 0.5, 0.6, 1.3, 21.9),
        ethnicity=(50.7, 5.0, 31.3, 13.1), ages=(15, 23, 27, 30, 34, 37, 41, 47, 55, 64, 81),
        age_missing=0.149, multi=(0.94, 1.70),
    ),
    Family(
        # NOTE: legacy rows write shoplifting as LARCENY with code 6C; the code gives the detail.
        "shoplifting", "LARCENY", {"6C": 1135}, "all", "all",
        {"Convenience store": 43.5, "Wholesaler/store": 23.5, "Drug store / med  bldg": 11.3,
         "Grocery/confection": 6.4, "Gas station": 4.3, "Specialty store": 3.6,
         "Office building": 2.6, "Other/residential": 1.1, "Liquor store": 0.9, "Street": 0.7,
         "Unknown": 0.7, "Restaurant": 0.6, "Shopping malls/cntr": 0.5},
        **_BUSINESS_VICTIM, multi=(1.34, 0.80),
    ),
    Family(
        "auto_parts", "LARCENY", {"6E": 1243}, "all", "all",
        {"Street": 69.5, "Shed/garage": 12.8, "Other/residential": 11.7,
         "Car lot-new/used": 1.0, "Office building": 1.0, "Gas station": 0.7, "Unknown": 0.6,
         "Public building": 0.4},
        gender=(49.1, 43.3, 0.3, 7.3), race=(51.8, 24.3, 1.9, 0.1, 0.3, 1.7, 19.7),
        ethnicity=(39.5, 10.8, 42.4, 7.3), ages=(20, 26, 29, 33, 37, 41, 45, 52, 60, 67, 84),
        age_missing=0.08, multi=(0.73, 0.70),
    ),
    Family(
        "larceny_from_auto", "LARCENY FROM AUTO", {"6D": 2556}, "all", "all",
        {"Street": 69.6, "Shed/garage": 13.8, "Other/residential": 12.0,
         "Office building": 0.6, "Park": 0.5, "Gas station": 0.4, "Unknown": 0.4,
         "Convenience store": 0.3, "Hotel/motel": 0.3, "School": 0.3},
        gender=(48.1, 43.1, 0.3, 8.6), race=(50.3, 26.2, 1.7, 0.3, 0.7, 1.6, 19.3),
        ethnicity=(46.5, 9.3, 35.7, 8.6), ages=(19, 24, 27, 30, 34, 37, 41, 46, 54, 63, 80),
        age_missing=0.098, multi=(1.55, 3.52),
    ),
    Family(
        "auto_theft", "AUTO THEFT", {"7A": 1749, "7C": 121, "7B": 4}, "all", "all",
        {"Street": 62.2, "Other/residential": 20.9, "Shed/garage": 11.8, "Gas station": 1.1,
         "Office building": 0.6, "Convenience store": 0.5, "Car lot-new/used": 0.3,
         "Restaurant": 0.3},
        gender=(50.7, 43.7, 0.7, 4.8), race=(58.9, 22.5, 1.7, 0.4, 0.8, 1.8, 14.0),
        ethnicity=(53.0, 9.1, 33.1, 4.8), ages=(19, 24, 28, 32, 35, 39, 43, 49, 57, 65, 83),
        age_missing=0.069, multi=(0.81, 1.38),
    ),
    Family(
        "arson", "ARSON",
        {"8H": 16, "8AO": 8, "8J": 8, "8FO": 5, "8BO": 2, "8BV": 2, "8GO": 2, "8EO": 1,
         "8I": 1},
        "all", "all",
        {"Other/residential": 55.4, "Street": 28.9, "School": 3.3, "Shed/garage": 2.5,
         "Drug store / med  bldg": 1.7, "Unknown": 1.7, "Vacant building": 1.7,
         "Vacant lot/woods": 1.7, "Hotel/motel": 0.8, "Park": 0.8, "Public building": 0.8,
         "Mini storage lockers": 0.8},
        gender=(37.2, 29.8, 5.8, 27.3), race=(42.1, 9.9, 0.0, 0.0, 0.8, 3.3, 43.8),
        ethnicity=(26.4, 7.4, 38.8, 27.3), ages=(12, 25, 31, 35, 38, 41, 44, 48, 53, 60, 75),
        age_missing=0.347, multi=(7.14, 8.33),
    ),
)  # fmt: skip

FAMILIES: dict[str, Family] = {f.key: f for f in _FAMILY_LIST}

_FAMILY_KEYS: tuple[str, ...] = tuple(FAMILIES)

#: What ``schema.classify_offense`` must make of each family's (code, description) rows.
INTENDED_OFFENSE: dict[str, tuple[str, str]] = {
    "homicide": ("HOMICIDE", "HOMICIDE"),
    "shooting": ("SHOOTING", "SHOOTING"),
    "rape": ("RAPE", "RAPE"),
    "robbery_street": ("ROBBERY", "ROBBERY - STREET"),
    "carjacking": ("ROBBERY", "ROBBERY - CARJACKING"),
    "robbery_commercial": ("ROBBERY", "ROBBERY - COMMERCIAL"),
    "robbery_residence": ("ROBBERY", "ROBBERY - RESIDENCE"),
    "agg_assault": ("AGG. ASSAULT", "AGG. ASSAULT"),
    "common_assault": ("COMMON ASSAULT", "COMMON ASSAULT"),
    "burglary": ("BURGLARY", "BURGLARY"),
    "larceny": ("LARCENY", "LARCENY"),
    "shoplifting": ("LARCENY", "SHOPLIFTING"),
    "auto_parts": ("LARCENY", "LARCENY - AUTO PARTS"),
    "larceny_from_auto": ("LARCENY FROM AUTO", "LARCENY FROM AUTO"),
    "auto_theft": ("AUTO THEFT", "AUTO THEFT"),
    "arson": ("ARSON", "ARSON"),
}

# Offense mix (% of all rows) outside homicides and shootings, which have their own
# series. Legacy: 2019 CSV (H1 2019). Sun: 2025-2026 extract, whose "Robbery" is split
# into street/residence by the legacy ratio and which has no common assault (not Part 1):
# common assault keeps its legacy share of the non-gun rows. Years between drift linearly.
_LEGACY_MIX: dict[str, float] = {
    "rape": 0.57, "robbery_street": 6.85, "carjacking": 1.09, "robbery_commercial": 1.78,
    "robbery_residence": 0.85, "agg_assault": 12.35, "common_assault": 19.04,
    "burglary": 11.71, "larceny": 12.58, "shoplifting": 5.09, "auto_parts": 5.58,
    "larceny_from_auto": 11.47, "auto_theft": 8.41, "arson": 0.20,
}  # fmt: skip

_SUN_MIX: dict[str, float] = {
    "rape": 0.72, "robbery_street": 7.06 * 6.85 / 7.70, "carjacking": 0.82,
    "robbery_commercial": 1.28, "robbery_residence": 7.06 * 0.85 / 7.70, "agg_assault": 15.02,
    "burglary": 10.32, "larceny": 18.68, "shoplifting": 11.68, "auto_parts": 5.18,
    "larceny_from_auto": 13.47, "auto_theft": 13.99, "arson": 0.31,
}  # fmt: skip

_MIX_FROM, _MIX_TO = 2019, 2025

#: Victims of an incident that has two or more: shares (%) of 2, 3, 4, 5 and 6 victims,
#: the 2019 legacy CSV and the 2025-2026 Sun extract pooled ("6" stands for 6 or more; the
#: samples have a few incidents of 7 to 19). Gun incidents: 103 homicides and shootings;
#: "other": 2,343 incidents of every other offense.
_MULTI_SIZES: dict[str, _H] = {
    "gun": (75.7, 12.6, 8.7, 1.9, 1.0),
    "other": (85.2, 10.0, 3.0, 0.9, 0.9),
}

#: Chance that a further victim of an incident has the same gender, age, race and
#: ethnicity as the victim before: the Sun extract has 190 exact copies among its 2,113
#: further victims (9%); independent draws alone give the demo 3-4% (blank business
#: victims, missing ages), so 5% more are copied (then 8-9%: 2,926 exact copies in 708k rows).
SAME_VICTIM = 0.05

#: Deliberately dirty rows, as shares of all rows (at least one each when there are 100+
#: rows): an empty CrimeDateTime (the 2022 export has 12), Latitude/Longitude 0 with no
#: post, district or neighborhood (RowID 105863 of that export), and an impossible age.
#: Homicide rows are never made dirty so the homicide series keeps its published totals.
DIRTY_RATES: dict[str, float] = {
    "missing_date": 1 / 50_000,
    "zero_coordinates": 1 / 25_000,
    "impossible_age": 1 / 50_000,
}


# --------------------------------------------------------------------------------------
# Arrests: measured by scripts/measure_arrests.py on ../shared/data/baltimore/arrests/
# BPD_Arrests.csv (legacy Open Baltimore file, 27,195 rows, 2017-01-01 to 2018-02-17) and,
# for the yearly trend and a cross-check, more_arrests_usf_rows_000001-030000.csv (ArcGIS
# generation, 16 October to 31 December of 2014-2020). Printed by the script as they are
# here (counts, not shares); do not edit by hand, re-run the script.
# --------------------------------------------------------------------------------------

# fmt: off
#: Rows of the legacy file (2017-01-01 to 2018-02-17).
ARREST_ROWS = 27195

#: Rows dated in 2017: 24,089 = 462 rows a week (24,089 / 52.14), the demo's 2017 volume.
ARREST_ROWS_2017 = 24089

#: Rows dated 1 November to 31 December per year in the ArcGIS sample (whole months there):
#: the yearly trend. The demo's year = ARREST_ROWS_2017 x this / this[2017].
ARREST_NOV_DEC = {2014: 4444,
                  2015: 4048,
                  2016: 3338,
                  2017: 3557,
                  2018: 3151,
                  2019: 2630,
                  2020: 2050}

#: The same two months in the legacy file (3,585 vs the ArcGIS 3,557: 99.2%, so the
#: two generations count alike).
ARREST_NOV_DEC_LEGACY_2017 = 3585

#: Rows per day by month (Jan..Dec, 2017), mean 1.
ARREST_MONTHS = (1.106, 1.138, 1.037, 0.98, 0.984, 1.066, 0.976, 1.033, 0.97, 0.93, 0.93, 0.85)

#: Rows by weekday (Monday..Sunday, whole file), mean 1: few arrests at weekends.
ARREST_WEEKDAYS = (0.926, 1.181, 1.249, 1.201, 1.002, 0.763, 0.679)

#: Rows by ArrestTime hour (0..23, whole file): low at 5-7 a.m., peaks at 11 a.m. and 6 p.m.
ARREST_HOURS = (849, 789, 735, 589, 530, 410, 341, 409, 790, 1248, 1593, 1760, 1730, 1567, 1406,
                1437, 1234, 1418, 1780, 1678, 1366, 1367, 1064, 1105)

#: Rows whose ArrestTime is on the hour / half hour.
ARREST_MINUTES = {"00": 7034, "30": 4233, "rows": 27195}

#: Rows written H:MM (no leading zero), of the rows before 10 a.m.
ARREST_SHORT_TIME = {"short": 127, "before_10": 6690}

#: Rows by age (years, as published).
ARREST_AGES = {14: 2,
               15: 6,
               16: 104,
               17: 134,
               18: 804,
               19: 953,
               20: 955,
               21: 1036,
               22: 1065,
               23: 1188,
               24: 1256,
               25: 1256,
               26: 1194,
               27: 1151,
               28: 1066,
               29: 1110,
               30: 956,
               31: 888,
               32: 859,
               33: 784,
               34: 679,
               35: 701,
               36: 628,
               37: 591,
               38: 491,
               39: 425,
               40: 401,
               41: 384,
               42: 323,
               43: 375,
               44: 356,
               45: 399,
               46: 393,
               47: 390,
               48: 418,
               49: 385,
               50: 389,
               51: 323,
               52: 293,
               53: 318,
               54: 277,
               55: 237,
               56: 221,
               57: 195,
               58: 173,
               59: 127,
               60: 94,
               61: 76,
               62: 81,
               63: 51,
               64: 51,
               65: 33,
               66: 44,
               67: 28,
               68: 14,
               69: 16,
               70: 5,
               71: 11,
               72: 3,
               73: 6,
               74: 5,
               75: 4,
               76: 2,
               77: 1,
               79: 2,
               80: 1,
               81: 1,
               83: 2,
               84: 1}

#: Rows with a blank Age.
ARREST_AGE_BLANK = 4

#: Rows by Sex (M 80.9%).
ARREST_SEX = {"M": 22000, "F": 5195}

#: Rows by Race, one letter as published (B 83.5%, W 14.2%).
ARREST_RACE = {"B": 22696, "W": 3850, "U": 511, "I": 69, "A": 69}

#: Rows by place, with and without an arrest number: placed (district and coordinates),
#: unplaced (no district, no coordinates: 49.9% of all rows), default_point (district,
#: coordinates 39 / -77: a failed geocode), county (no district, coordinates outside the city).
ARREST_PLACES = {"numbered": {"placed": 13014,
                              "unplaced": 12697,
                              "default_point": 287,
                              "county": 50},
                 "unnumbered": {"unplaced": 895, "placed": 248, "default_point": 4}}

#: Rows with a blank Arrest (4.2%), and of them those with a blank Charge (they read
#: Unknown Charge and Unknown Offense).
ARREST_UNNUMBERED = {"rows": 1147, "blank_charge": 1144}

#: Arrest numbers by their rows: one row per arrest (its top charge), 7 arrests with
#: two rows (identical rows).
ARREST_ROWS_PER_ARREST = {1: 26034, 2: 7}

#: Groups of identical rows by size (2: 64 pairs ...), without and with an arrest number.
ARREST_COPY_GROUPS = {"unnumbered": {2: 64, 3: 17, 4: 6, 5: 1, 6: 3, 8: 1}, "numbered": {2: 7}}

#: Rows identical to an earlier row (SOURCES.md section 4: 149).
ARREST_DUPLICATES = 149

#: Rows by District as published (1959-2022 lines, upper-cased): where the placed arrests are
#: (Northeast 14.5%, Eastern 14.0%, Western 12.3% ... Northern 6.7%).
ARREST_DISTRICTS = {"CENTRAL": 1389,
                    "EASTERN": 1915,
                    "NORTHEAST": 1978,
                    "NORTHERN": 909,
                    "NORTHWEST": 1057,
                    "SOUTHEAST": 1646,
                    "SOUTHERN": 1525,
                    "SOUTHWEST": 1451,
                    "WESTERN": 1683}

#: Rows with an arrest number by charge group (project table), blank = no Charge code.
ARREST_GROUP_ROWS = {"blank": 1542,
                     "drugs": 6388,
                     "other": 1451,
                     "property": 2858,
                     "violent": 7817,
                     "warrants": 4861,
                     "weapons": 1131}

#: Per charge group: its 10 commonest codes as published (modifier kept) with their rows and
#: their 4 commonest ChargeDescription spellings with rows (1 1415 has 240 spellings in all).
ARREST_CODES = {"drugs": {"4 3550": (2046,
                                     {"CDS": 621,
                                      "CDS VIOLATION": 547,
                                      "CDS POSS": 149,
                                      "CDS POSSESSION": 100}),
                          "1 1111": (799,
                                     {"CDS": 345,
                                      "CDS VIOLATION": 204,
                                      "CDS POSS": 61,
                                      "CDS POSSESSION": 33}),
                          "3 0233": (712,
                                     {"CDS": 176,
                                      "CDS VIOLATION": 167,
                                      "CDS:POSS W/INTENT DIST: NARC": 57,
                                      "CDS PWID": 40}),
                          "1 0573": (494,
                                     {"CDS": 175,
                                      "CDS VIOLATION": 136,
                                      "CDS POSS": 26,
                                      "CDS POSSESSION": 17}),
                          "2A3550": (470,
                                     {"CDS": 154,
                                      "CDS VIOLATION": 87,
                                      "CDS DIST": 47,
                                      "DIST OF MARIJUANA": 36}),
                          "2A0696": (436,
                                     {"CDS": 142,
                                      "CDS VIOLATION": 101,
                                      "CDS DISTRIBUTION": 31,
                                      "CDS DIST": 26}),
                          "1 1119": (338,
                                     {"CDS": 123, "CDS VIOLATION": 76, "CDS PWID": 25, "HGV": 15}),
                          "2 0696": (236,
                                     {"CDS": 62,
                                      "CDS VIOLATION": 38,
                                      "CDS DIST-NARC": 26,
                                      "CDS DIST": 15}),
                          "1A1118": (168,
                                     {"CDS": 61,
                                      "CDS VIOLATION": 36,
                                      "CDS DIST": 19,
                                      "CDS DISTRIBUTION": 8}),
                          "1 0233": (160,
                                     {"CDS POSS W/INT TO DIST": 51,
                                      "CDS VIOLATION": 29,
                                      "CDS": 28,
                                      "HGV": 11})},
                "other": {"1 1093": (263,
                                     {"PROSTITUTION": 228,
                                      "PROSTITUTION-GENERAL": 29,
                                      "PROSTITUTTION": 2,
                                      "PROSTUTION": 1}),
                          "2 0254": (257,
                                     {"VIOLATE EXPARTE/PROT ORDER": 160,
                                      "VIOLATION OF PROTECTIVE ORDER": 34,
                                      "VIOLATION OF PROTECTION ORDER": 14,
                                      "VIOLATION OF EXPARTE": 8}),
                          "2 2220": (203,
                                     {"TRESPASSING": 97,
                                      "TRESPASS": 25,
                                      "TRESSPASSING": 17,
                                      "TRESPASS: PRIVATE PROPERTY": 15}),
                          "2 0050": (119,
                                     {"DISORDERLY": 43,
                                      "DISORDERLY CONDUCT": 34,
                                      "CDS VIOLATION": 5,
                                      "ASSAULT": 3}),
                          "1 1477": (95, {"FAIL REG OFFENDER/FALSE INFO": 95}),
                          "1 3903": (58,
                                     {"GAMBLING": 56,
                                      "GAMING/CARDS, DICE, ETC.": 1,
                                      "ASSAULT ON POLICE": 1}),
                          "2 0105": (55,
                                     {"PEACE ORDER: FAIL TO COMPLY": 39,
                                      "VIOLATION OF PEACE ORDER": 8,
                                      "VIOLATION OF EX PARTE": 2,
                                      "VIOLATION OF PROTECTIVE ORDER": 2}),
                          "2 2210": (41,
                                     {"TRESPASSING": 20,
                                      "TRESPASS-POSTED PROPERTY": 4,
                                      "TRESSPASSING": 3,
                                      "CDS VIOLATION": 3}),
                          "1 0600": (39,
                                     {"ASSAULT ON POLICE": 5,
                                      "CDS": 4,
                                      "RESISTING ARREST": 4,
                                      "COMMON ASSAULT": 3}),
                          "1 0191": (33,
                                     {"HARASS; A COURSE OF CONDUCT": 31,
                                      "HARRASSMENT/STALKING": 1,
                                      "LARCENY": 1})},
                "property": {"2 0480": (410,
                                        {"STOLEN AUTO": 260,
                                         "MOTOR VEH/UNLAWFUL TAKING": 70,
                                         "AUTO THEFT": 15,
                                         "STOLEN VEHICLE": 8}),
                             "1 0521": (338,
                                        {"LARCENY": 116,
                                         "THEFT LESS THAN $100.00": 72,
                                         "THEFT": 52,
                                         "THEFT UNDER $100": 6}),
                             "1 0621": (297,
                                        {"THEFT: LESS $1,000 VALUE": 131,
                                         "LARCENY": 61,
                                         "THEFT": 34,
                                         "LARCENY FROM AUTO": 6}),
                             "1 1130": (265,
                                        {"BURGLARY": 55,
                                         "4TH DEGREE BURGLARY": 34,
                                         "B&E": 19,
                                         "4TH DEGREE B&E": 19}),
                             "3 4025": (209,
                                        {"MAL DEST PROP/VALU - $1,000": 73,
                                         "DESTRUCTION OF PROPERTY": 66,
                                         "MAL DEST PROP/VALU - $500": 7,
                                         "DEST OF PROPERTY": 7}),
                             "2 3000": (205,
                                        {"BURGLARY-FIRST DEGREE": 176,
                                         "BURGLARY": 9,
                                         "B&E": 5,
                                         "1ST DEGREE BURGLARY": 3}),
                             "2 3030": (177,
                                        {"BURGLARY- 4TH DEGREE-DWELL": 71,
                                         "BURGLARY": 35,
                                         "B&E": 14,
                                         "4TH DEGREE BURGLARY": 6}),
                             "1 0622": (163,
                                        {"THEFT: $1,000 TO UNDER $10,000": 88,
                                         "STOLEN AUTO": 18,
                                         "LARCENY": 18,
                                         "THEFT": 8}),
                             "2 3010": (88,
                                        {"BURGLARY/2ND DEGREE/GENERAL": 77,
                                         "BURGLARY": 7,
                                         "B+E": 1,
                                         "2ND DEGREE B&E": 1}),
                             "3 4030": (77,
                                        {"MAL DESTR PROP VALUE + $1,000": 44,
                                         "DESTRUCTION OF PROPERTY": 19,
                                         "DEST OF PROPERTY": 3,
                                         "MALICIOUS DESTRUCTION OF PROPE": 2})},
                "violent": {"1 1415": (5403,
                                       {"ASSAULT-SEC DEGREE": 2669,
                                        "COMMON ASSAULT": 827,
                                        "ASSAULT": 560,
                                        "2ND DEGREE ASSAULT": 215}),
                            "1 1420": (764,
                                       {"ASSAULT-FIRST DEGREE": 546,
                                        "AGGRAVATED ASSAULT": 40,
                                        "ASSAULT": 32,
                                        "AGG ASSAULT": 32}),
                            "2 0705": (405,
                                       {"ARMED ROBBERY": 353,
                                        "ROBBERY": 11,
                                        "ATTEMPT ARMED ROBBERY": 6,
                                        "COMMERCIAL ARMED ROBBERY": 5}),
                            "2 0700": (257,
                                       {"ROBBERY": 198,
                                        "UNARMED ROBBERY": 17,
                                        "ARMED ROBBERY": 11,
                                        "ASSAULT AND ROBBERY": 6}),
                            "2 0910": (249,
                                       {"ATT 1ST DEG. MURDER": 227,
                                        "ARMED ROBBERY": 4,
                                        "1ST. DEGREE ASSAULT": 2,
                                        "AGGRAVATED ASSAULT": 2}),
                            "1 0990": (111,
                                       {"MURDER - FIRST DEGREE": 102,
                                        "1ST DEGREE MURDER": 4,
                                        "MURDER": 2,
                                        "AGGRAVATED ASSAULT": 1}),
                            "1 0173": (98,
                                       {"CHILD ABUSE: 2ND DEG -CUST": 90,
                                        "CHILD ABUSE": 4,
                                        "CHILD ABUSE:CUSTODIAN": 2,
                                        "PHYSICAL CHILD ABUSE": 2}),
                            "1 3802": (55,
                                       {"CHILD ABUSE-2ND DEGREE: HOUSE": 33,
                                        "CHILD ABUSE": 13,
                                        "PHYSICAL CHILD ABUSE": 4,
                                        "CHILD ABUSE COMMON ASSAULT": 1}),
                            "1 0826": (55,
                                       {"ARMED CARJACKING": 35,
                                        "ARMED ROBBERY": 6,
                                        "CARJACKING": 5,
                                        "ROBBERY": 5}),
                            "1 1338": (36,
                                       {"HOME INVASION": 25,
                                        "BURGLARY": 2,
                                        "ARMED ROBBERY": 2,
                                        "AGG ASSAULT": 1})},
                "warrants": {"1 0077": (4128, {"FAILURE TO APPEAR": 4128}),
                             "1 0088": (677, {"VIOLATION OF PROBATION": 677}),
                             "690000": (19, {"FAILURE TO APPEAR": 19}),
                             "999999": (14, {"VIOLATION OF PROBATION": 14}),
                             "1 0766": (4, {"ESCAPE - 2ND DEG-COND OF RELS": 4}),
                             "2 1025": (4, {"ESCAPE - SECOND DEGREE": 4}),
                             "1A0077": (4, {"ATT-FAILURE TO APPEAR": 4}),
                             "1 0087": (3, {"CONTEMPT": 3}),
                             "2 1010": (2, {"ESCAPE - FIRST DEGREE": 2}),
                             "2 1020": (2,
                                        {"ATTEMPTING TO ESCAPE": 1, "ESCAPE - SECOND DEGREE": 1})},
                "weapons": {"1 5212": (183,
                                       {"HGV": 77,
                                        "HANDGUN VIOLATION": 55,
                                        "HANDGUN ON PERSON": 34,
                                        "HAND GUN VIOLATION": 4}),
                            "1 1609": (158,
                                       {"HGV": 76,
                                        "HANDGUN VIOLATION": 44,
                                        "FIREARM POSS W/FEL CONVICT": 14,
                                        "HAND GUN VIOLATION": 4}),
                            "1 0493": (142,
                                       {"HGV": 79,
                                        "HANDGUN VIOLATION": 25,
                                        "FIREARM/DRUG TRAF CRIME": 9,
                                        "HGV/CDS": 6}),
                            "1 1285": (117,
                                       {"HGV": 58,
                                        "HANDGUN VIOLATION": 20,
                                        "CDS": 6,
                                        "ILLEGAL POSS AMMO": 6}),
                            "1 0175": (113,
                                       {"HGV": 63,
                                        "HANDGUN VIOLATION": 22,
                                        "HANDGUN IN VEHICLE": 18,
                                        "CDS": 2}),
                            "1 1106": (101,
                                       {"HGV": 52,
                                        "HANDGUN VIOLATION": 27,
                                        "REG FIREARM:ILLEGAL POSSESSION": 10,
                                        "HANDGUN ON PERSON": 2}),
                            "1 0692": (96,
                                       {"HGV": 64,
                                        "HANDGUN VIOLATION": 21,
                                        "CDS-POSS OF FIREARMS": 4,
                                        "CDS": 2}),
                            "1 5285": (71,
                                       {"HGV": 45,
                                        "HANDGUN VIOLATION": 13,
                                        "POSS OF FIREARM MINOR": 8,
                                        "CDS VIOLATION": 2}),
                            "1 0487": (40,
                                       {"HGV": 19,
                                        "HANDGUN VIOLATION": 8,
                                        "CDS: DISTR ETC. W/FIREARM": 4,
                                        "HGV/CDS": 1}),
                            "1 5200": (19,
                                       {"DANGEROUS WEAPON-INT/INJURE": 7,
                                        "AGGRAVATED ASSAULT": 2,
                                        "AGGREGATED ASSAULT": 1,
                                        "ATT AGGRAVATED ASSAULT": 1})}}

#: ChargeDescription of numbered rows with a blank Charge (4 commonest).
ARREST_BLANK_CHARGE_TEXT = {"DETAIN ONLY": 360,
                            "Unknown Charge": 89,
                            "TEMP FED DETAINEE": 55,
                            "DRIVING WITHOUT LICENSE": 42}

#: Distinct charge codes, distinct descriptions of coded rows, most spellings of one code.
ARREST_SPELLINGS = {"codes": 307, "descriptions": 1527, "max_per_code": 240}

#: Per charge group (rows with an arrest number): the 6 commonest IncidentOffense values
#: as published, trailing spaces kept.
ARREST_INCIDENTS = {"blank": {"Unknown Offense": 1447,
                              "79OTHER               ": 28,
                              "24TOWED VEHICLE       ": 18,
                              "54ARMED PERSON        ": 11,
                              "87NARCOTICS           ": 6,
                              "4AAGG. ASSLT.- GUN    ": 4},
                    "drugs": {"Unknown Offense": 4391,
                              "87NARCOTICS           ": 1483,
                              "97SEARCH & SEIZURE    ": 126,
                              "24TOWED VEHICLE       ": 65,
                              "54ARMED PERSON        ": 61,
                              "4ECOMMON ASSAULT      ": 27},
                    "other": {"Unknown Offense": 1087,
                              "115TRESPASSING": 55,
                              "79OTHER               ": 37,
                              "4ECOMMON ASSAULT      ": 36,
                              "55DISORDERLY PERSON   ": 26,
                              "111PROTECTIVE ORDER": 26},
                    "property": {"Unknown Offense": 1169,
                                 "6CLARCENY- SHOPLIFTING": 262,
                                 "5ABURG. RES. (FORCE)  ": 214,
                                 "7ASTOLEN AUTO         ": 201,
                                 "26RECOVERED VEHICLE   ": 125,
                                 "118BURGLARY - FOURTH DEGREE": 107},
                    "violent": {"Unknown Offense": 3694,
                                "4ECOMMON ASSAULT      ": 1892,
                                "4CAGG. ASSLT.- OTH.   ": 529,
                                "4BAGG. ASSLT.- CUT    ": 392,
                                "4DAGG. ASSLT.- HAND   ": 219,
                                "4AAGG. ASSLT.- GUN    ": 149},
                    "warrants": {"Unknown Offense": 4571,
                                 "87NARCOTICS           ": 78,
                                 "4ECOMMON ASSAULT      ": 28,
                                 "6CLARCENY- SHOPLIFTING": 23,
                                 "7ASTOLEN AUTO         ": 16,
                                 "4CAGG. ASSLT.- OTH.   ": 10},
                    "weapons": {"Unknown Offense": 564,
                                "54ARMED PERSON        ": 371,
                                "97SEARCH & SEIZURE    ": 35,
                                "4AAGG. ASSLT.- GUN    ": 28,
                                "87NARCOTICS           ": 17,
                                "79OTHER               ": 15}}

#: Cross-check on the ArcGIS sample (30,000 rows; not used to generate): 49.6% without
#: district, 4.5% without arrest number, 15 arrests with several rows, 81.0% M, 82.1% B.
ARREST_ARCGIS_CHECK = {"rows": 30000,
                       "no_district": 14893,
                       "no_arrest_number": 1354,
                       "blank_charge": 3263,
                       "duplicates_but_rowid": 181,
                       "arrests_with_several_rows": 15,
                       "male": 24293,
                       "black": 24634}
# fmt: on
