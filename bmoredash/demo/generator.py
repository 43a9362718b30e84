"""Deterministic demo data: Baltimore-shaped victim rows, 2012 to last Saturday.

The dashboard, the reports and the tests need data on a machine with no network and no
copy of the real exports. ``generate_demo`` writes rows in the current Open Baltimore
Part1_Crime_Beta CSV layout (so they go through the same reader, cleaner and store as
real downloads), calibrated on the real samples:

- yearly totals: the legacy dataset's published daily totals for 2012-2019 (45-52k rows a
  year including common assault); later years are held in that band by choice;
- homicides per year follow the published trend; non-fatal shooting victims per year
  (``SHOOTINGS``) are the official tallies for 2019-2021 and 2023-2025, BPD's records as
  obtained by The Trace for 2012-2017, interpolated for 2018 and 2022;
- offense mix: the 2019 legacy CSV, drifting linearly to the 2025-2026 Baltimore Sun mix;
- seasonality, weekday and hour-of-day shapes, victim age/gender/race/ethnicity,
  premises and weapons per offense: measured in those samples
  (``scripts/build_neighborhood_table.py --calibration`` prints every figure used here);
- places: ``bmoredash/reference/data/neighborhoods.csv`` (278 neighborhoods, their 2023 and old
  districts, a scatter circle inside both, and how much crime each draws).

The real quirks are kept, so that the product is exercised by them:

- rows are victims, as BPD publishes them: an incident with several victims is several
  rows sharing one ``CCNumber`` and every incident column (CrimeDateTime, CrimeCode,
  Location, districts, neighborhood, coordinates, premise), each with its own RowID and
  its own Gender/Age/Race/Ethnicity; where those agree the rows are identical but for
  RowID, and they are still separate victims. How many incidents have 2+ victims is
  measured per offense (``multi_victim_share``: e.g. shootings 14.8% in 2019, 13.8% in
  2025-2026); each offense's yearly victim rows stay at their targets;
- gap days (``GAP_DAYS``): a few days hold only 1-2 rows, as days the real source lacks;
- the clock: ``CrimeDateTime`` is written in **UTC** with a ``+00`` suffix, as the
  Part1_Crime_Beta downloads are (``sources.CLOCKS``). Rows are drawn on Baltimore
  calendar days and wall-clock hours and converted, so a row at 10 p.m. on 5 January 2025
  (EST) is written ``2025/01/06 03:00:00+00`` and belongs to 5 January. (A wall time the
  spring DST change skips becomes 3 a.m.; one the autumn change repeats is read as standard
  time.) NOTE: the older Part1_Crime_data export wrote Baltimore wall time under the same
  ``+00`` label.

Same ``seed``, ``start``, ``end`` and ``scale`` give a byte-identical CSV: every random
draw comes from ``numpy.random.default_rng`` seeded per (year, offense), nothing depends on
the clock once ``end`` is fixed, and each year's rows do not depend on the other years.
A few rows are deliberately dirty (``DIRTY_RATES``) so the quality report has something
to report; their RowIDs are listed in ``frame.attrs["dirty"]``.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import os
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bmoredash import config, periods
from bmoredash.files import atomic_write
from bmoredash.reference import neighborhoods

__all__ = [
    "DEFAULT_SEED",
    "DEFAULT_START",
    "DEMO_CSV",
    "RAW_COLUMNS",
    "CODE_TABLE",
    "DIRTY_RATES",
    "FAMILIES",
    "GAP_DAYS",
    "HOMICIDES",
    "INTENDED_OFFENSE",
    "SAME_VICTIM",
    "SHOOTINGS",
    "YEAR_TOTALS",
    "generate_demo",
    "last_saturday",
    "load_neighborhoods",
    "multi_victim_share",
    "write_csv",
    "write_demo",
    "year_targets",
]

DEFAULT_SEED = 20120101
DEFAULT_START = dt.date(2012, 1, 1)
#: Where ``write_demo`` puts the CSV, relative to the data directory.
DEMO_CSV = Path("raw") / "demo_part1_crime.csv"

#: The Part1_Crime_Beta CSV header, in the published order.
RAW_COLUMNS: tuple[str, ...] = (
    "RowID",
    "CCNumber",
    "CrimeDateTime",
    "CrimeCode",
    "Description",
    "Inside_Outside",
    "Weapon",
    "Shooting",
    "Post",
    "Gender",
    "Age",
    "Race",
    "Ethnicity",
    "Location",
    "Old_District",
    "New_District",
    "Neighborhood",
    "Latitude",
    "Longitude",
    "GeoLocation",
    "PremiseType",
    "Total_Incidents",
)

# --------------------------------------------------------------------------------------
# Yearly targets (victim rows at scale 1)
# --------------------------------------------------------------------------------------

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


def _for_year(table: dict[int, float], year: int) -> float:
    """The table's value for ``year``, holding the first/last year's value outside it."""
    return table[min(max(year, min(table)), max(table))]


# --------------------------------------------------------------------------------------
# Offense families, calibrated on the real samples
# --------------------------------------------------------------------------------------

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


def _mix(year: int) -> dict[str, float]:
    """Shares (sum 1) of the non-gun offenses in ``year``."""
    legacy = {k: v / sum(_LEGACY_MIX.values()) for k, v in _LEGACY_MIX.items()}
    ca_share = legacy["common_assault"]
    rest = sum(_SUN_MIX.values())
    sun = {k: v / rest * (1 - ca_share) for k, v in _SUN_MIX.items()}
    sun["common_assault"] = ca_share
    t = min(max((year - _MIX_FROM) / (_MIX_TO - _MIX_FROM), 0.0), 1.0)
    return {k: (1 - t) * legacy[k] + t * sun[k] for k in legacy}


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


def multi_victim_share(key: str, year: int) -> float:
    """Share of offense family ``key``'s incidents with two or more victims in ``year``.

    ``Family.multi`` holds the share measured in the 2019 legacy CSV (an incident = rows
    identical on every column, that layout having no victim columns) and in the 2025-2026
    Sun extract (rows equal on every column but gender, age, race and ethnicity). Up to
    2019 the legacy share, from 2025 the Sun one, linear between (as the offense mix).
    NOTE: the Sun's burglaries (10%), carjackings (10%) and aggravated assaults (11%) have
    far more multi-victim incidents than 2019's (1.6%, 1.7%, 7.1%); common assault, which
    the Sun does not carry, keeps its 2019 share.
    """
    legacy, sun = FAMILIES[key].multi
    t = min(max((year - _MIX_FROM) / (_MIX_TO - _MIX_FROM), 0.0), 1.0)
    return ((1 - t) * legacy + t * sun) / 100


def year_targets(year: int) -> dict[str, int]:
    """Victim rows per offense family for a whole ``year`` at scale 1 (sums to the total)."""
    total = int(_for_year(YEAR_TOTALS, year))
    homicides = int(_for_year(HOMICIDES, year))
    shootings = int(_for_year(SHOOTINGS, year))
    rest = total - homicides - shootings
    mix = _mix(year)
    raw = {k: rest * share for k, share in mix.items()}
    counts = {k: math.floor(v) for k, v in raw.items()}
    # largest remainder, ties by family order, so the year sums exactly to its total
    short = rest - sum(counts.values())
    order = sorted(raw, key=lambda k: (-(raw[k] - counts[k]), _FAMILY_KEYS.index(k)))
    for k in order[:short]:
        counts[k] += 1
    return {"homicide": homicides, "shooting": shootings} | {
        k: counts[k] for k in _FAMILY_KEYS if k in counts
    }


# --------------------------------------------------------------------------------------
# Codes and weapons
# --------------------------------------------------------------------------------------


def _weapon(code: str) -> str:
    """Weapon as the legacy rows publish it for a code (empty where they give none)."""
    fixed = {"1A": "FIREARM", "1K": "KNIFE", "1O": "OTHER", "4A": "FIREARM", "4B": "KNIFE",
             "4C": "OTHER", "4D": "HANDS", "9S": "FIREARM"}  # fmt: skip
    if code in fixed:
        return fixed[code]
    if code.startswith("2"):
        return "OTHER"  # NOTE: the 2019 CSV gives OTHER for every rape row
    if code.startswith("8"):
        return "FIRE"
    if code.startswith("3") and len(code) >= 3 and code[-1] in "FKO":
        return {"F": "FIREARM", "K": "KNIFE", "O": "OTHER"}[code[-1]]
    return ""


#: Every (code, description) pair the generator can emit, with its family.
CODE_TABLE: tuple[tuple[str, str, str], ...] = tuple(
    (code, f.description, f.key) for f in _FAMILY_LIST for code in f.codes
)
_CODES = np.array([c for c, _, _ in CODE_TABLE], dtype=object)
_WEAPONS = np.array([_weapon(c) for c, _, _ in CODE_TABLE], dtype=object)
_CODE_OFFSET = {
    key: sum(len(f.codes) for f in _FAMILY_LIST[:i]) for i, key in enumerate(_FAMILY_KEYS)
}
_PREMISES = tuple(sorted({p for f in _FAMILY_LIST for p in f.premises}))
_PREMISE_INDEX = {p: i for i, p in enumerate(_PREMISES)}

# --------------------------------------------------------------------------------------
# Neighborhoods
# --------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _neighborhood_table() -> pd.DataFrame:
    text = neighborhoods.table_text()
    return pd.read_csv(
        StringIO(text),
        dtype={"post": str, "blocks": str, "name": str, "district": str, "old_district": str},
        keep_default_na=False,
    )


def load_neighborhoods() -> pd.DataFrame:
    """The 278 neighborhoods: name, districts (2023 and old), post, centroid, scatter circle,
    crime weights and sample block addresses (see scripts/build_neighborhood_table.py)."""
    return _neighborhood_table().copy()


# --------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------


def last_saturday(today: dt.date | None = None) -> dt.date:
    """The last Saturday strictly before ``today`` (Baltimore's date by default).

    BPD CompStat weeks run Sunday to Saturday, so demo data runs through a whole week.
    """
    if today is None:
        today = dt.datetime.now(config.CITY_TZ).date()
    return periods.last_week_end_before(today)


def _smooth_hours(hours: _H) -> np.ndarray:
    h = np.asarray(hours, dtype=float)
    s = 0.25 * np.roll(h, 1) + 0.5 * h + 0.25 * np.roll(h, -1)
    return s / s.sum()


def _season(days: np.ndarray, season: str) -> np.ndarray:
    """Smooth seasonal factor per day: the month factors placed mid-month, interpolated."""
    doy = (days - days.astype("datetime64[Y]")).astype(int)
    months = np.asarray(_MONTHS[season])
    mids = (np.arange(12) + 0.5) * 365.25 / 12
    return np.interp(doy, mids, months, period=365.25)


def _day_weights(days: np.ndarray, family: Family) -> np.ndarray:
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday (Monday = 0)
    return _season(days, family.season) * np.asarray(_WEEKDAYS[family.key])[weekday]


# --------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------


def _probabilities(values: _H) -> np.ndarray:
    p = np.asarray(values, dtype=float)
    return p / p.sum()


def _victims(
    rng: np.random.Generator, family: Family, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(gender, race, ethnicity, age) per victim; age -1 when missing.

    A row without a gender is a business or unknown victim: it has no race, ethnicity or
    age either (as in the Sun extract, where those missing counts coincide).
    """
    pg = _probabilities(family.gender)
    gender = rng.choice(len(_GENDERS), size=n, p=pg)
    person = gender != len(_GENDERS) - 1
    no_person = pg[-1]

    def given_person(table: _H) -> np.ndarray:
        p = _probabilities(table).copy()
        if no_person < 1:
            p[-1] = max(p[-1] - no_person, 0.0) / (1 - no_person)
        return p / p.sum()

    race = rng.choice(len(_RACES), size=n, p=given_person(family.race))
    ethnicity = rng.choice(len(_ETHNICITIES), size=n, p=given_person(family.ethnicity))
    levels = np.array([0.01, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.99])
    u = rng.uniform(0.01, 0.99, size=n)
    age = np.rint(np.interp(u, levels, np.asarray(family.ages, dtype=float))).astype(np.int16)
    age_gap = max(family.age_missing - no_person, 0.0) / (1 - no_person) if no_person < 1 else 1
    age_missing = rng.random(n) < age_gap
    race[~person] = len(_RACES) - 1
    ethnicity[~person] = len(_ETHNICITIES) - 1
    age[~person | age_missing] = -1
    return gender.astype(np.int8), race.astype(np.int8), ethnicity.astype(np.int8), age


def _incident_sizes(rng: np.random.Generator, family: Family, year: int, n: int) -> np.ndarray:
    """Victims per incident for ``n`` victim rows: 1, or 2-6 with ``multi_victim_share``;
    the last incident is cut so that the sizes sum to ``n`` exactly (rows are victims)."""
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    multi = rng.random(n) < multi_victim_share(family.key, year)
    tail = _MULTI_SIZES["gun" if family.key in ("homicide", "shooting") else "other"]
    size = np.ones(n, dtype=np.int64)
    size[multi] = 2 + rng.choice(len(tail), size=int(multi.sum()), p=_probabilities(tail))
    ends = np.cumsum(size)
    m = int(np.searchsorted(ends, n)) + 1  # first incident reaching n rows
    size = size[:m]
    size[-1] -= ends[m - 1] - n
    return size


def _family_year(
    seed: int,
    year: int,
    fi: int,
    n_full: float,
    start: dt.date,
    end: dt.date,
    place_p: np.ndarray,
    nb: pd.DataFrame,
) -> dict[str, np.ndarray] | None:
    """Victim rows of one offense family in one year, clipped to [start, end].

    Incidents are drawn first (day, time, place, code, premise), then each incident's
    victims (gender, race, ethnicity, age); a row's ``leader`` is the first row of its
    incident. Gap days (``GAP_DAYS``) get no incident but their fixed larceny rows.
    """
    family = _FAMILY_LIST[fi]
    days = np.arange(f"{year}-01-01", f"{year + 1}-01-01", dtype="datetime64[D]")
    weights = _day_weights(days, family)
    gap_rows = np.zeros(len(days), dtype=np.int64)
    for gap_day, rows in GAP_DAYS.items():
        if gap_day.year == year:
            index = (np.datetime64(gap_day) - days[0]).astype(np.int64)
            weights[index] = 0.0
            gap_rows[index] = rows if family.key == _GAP_FAMILY else 0
    inside = (days >= np.datetime64(start)) & (days <= np.datetime64(end))
    share = weights[inside].sum() / weights.sum()
    n_gap = int(gap_rows[inside].sum())
    # whole year: exactly round(n_full) rows, the gap rows among them
    n_regular = int(round((n_full - gap_rows.sum()) * share))
    n = n_regular + n_gap
    if n <= 0:
        return None
    rng = np.random.default_rng([seed, year, fi])
    regular_size = _incident_sizes(rng, family, year, n_regular)
    days, weights, gap_rows = days[inside], weights[inside], gap_rows[inside]
    per_day = gap_rows.copy()  # gap rows: single-victim incidents
    if len(regular_size):
        per_day += rng.multinomial(len(regular_size), weights / weights.sum())
    day = np.repeat(days, per_day)
    m = len(day)  # incidents
    size = np.ones(m, dtype=np.int64)
    size[~np.repeat(gap_rows > 0, per_day)] = regular_size

    hour = rng.choice(24, size=m, p=_smooth_hours(_HOURS[family.key]))
    # NOTE: reported times cluster on the hour (33% in the 2019 CSV) and half hour (15%).
    u = rng.random(m)
    minute = np.where(u < 0.33, 0, np.where(u < 0.48, 30, rng.integers(0, 60, size=m)))
    place = rng.choice(len(nb), size=m, p=place_p)
    r = np.sqrt(rng.random(m))
    theta = rng.uniform(0, 2 * np.pi, size=m)
    block_u = rng.random(m)
    code = rng.choice(len(family.codes), size=m, p=_probabilities(tuple(family.codes.values())))
    premises = list(family.premises)
    premise = rng.choice(len(premises), size=m, p=_probabilities(tuple(family.premises.values())))
    gender, race, ethnicity, age = _victims(rng, family, n)

    # Row -> its incident; every incident field is the incident's, the victim fields the row's.
    incident = np.repeat(np.arange(m), size)
    leader = (np.cumsum(size) - size)[incident]
    # Some further victims are described like the one before them (then the two rows are
    # identical but for RowID); the source is the incident's nearest earlier row not copied.
    same = (rng.random(n) < SAME_VICTIM) & (leader != np.arange(n))
    source = np.maximum.accumulate(np.where(same, 0, np.arange(n)))
    gender, race, ethnicity, age = gender[source], race[source], ethnicity[source], age[source]
    local = (
        day.astype("datetime64[s]").astype(np.int64)
        + hour.astype(np.int64) * 3600
        + minute.astype(np.int64) * 60
    )[incident]
    place = place[incident]
    center_lat = nb["center_lat"].to_numpy()[place]
    center_lon = nb["center_lon"].to_numpy()[place]
    radius = nb["radius_deg"].to_numpy()[place]
    r, theta = r[incident], theta[incident]
    lat = center_lat + radius * r * np.sin(theta)
    lon = center_lon + radius * r * np.cos(theta) / np.cos(np.radians(center_lat))
    premise_global = np.array([_PREMISE_INDEX[p] for p in premises], dtype=np.int16)[premise]
    return {
        "family": np.full(n, fi, dtype=np.int8),
        "local": local,
        "place": place.astype(np.int16),
        "lat": lat,
        "lon": lon,
        "block_u": block_u[incident],
        "code": (code[incident] + _CODE_OFFSET[family.key]).astype(np.int16),
        "premise": premise_global[incident],
        "gender": gender,
        "race": race,
        "ethnicity": ethnicity,
        "age": age,
        "leader": leader,
    }


def _digits(values: np.ndarray, width: int = 1) -> pa.Array:
    """Non-negative integers as text, zero-padded to ``width`` (vectorised in Arrow)."""
    return pc.utf8_lpad(pa.array(values, type=pa.int64()).cast(pa.string()), width, "0")


def _join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _fixed6(values: np.ndarray) -> pa.Array:
    """``'%.6f'`` of each value (no Python loop over rows)."""
    scaled = np.rint(np.abs(values) * 1e6).astype(np.int64)
    sign = pc.if_else(pa.array(values < 0), "-", "")
    return _join(sign, _digits(scaled // 1_000_000), ".", _digits(scaled % 1_000_000, 6))


def _utc_text(utc_seconds: np.ndarray) -> pa.Array:
    """``YYYY/MM/DD HH:MM:SS+00`` as the Open Baltimore CSV downloads write CrimeDateTime."""
    day = (utc_seconds // 86_400).astype("datetime64[D]")
    month = day.astype("datetime64[M]")
    second = utc_seconds % 86_400
    return _join(
        _digits(month.astype("datetime64[Y]").astype(np.int64) + 1970, 4), "/",
        _digits(month.astype(np.int64) % 12 + 1, 2), "/",
        _digits((day - month).astype(np.int64) + 1, 2), " ",
        _digits(second // 3600, 2), ":",
        _digits(second // 60 % 60, 2), ":",
        _digits(second % 60, 2), "+00",
    )  # fmt: skip


#: Deliberately dirty rows, as shares of all rows (at least one each when there are 100+
#: rows): an empty CrimeDateTime (the 2022 export has 12), Latitude/Longitude 0 with no
#: post, district or neighborhood (RowID 105863 of that export), and an impossible age.
#: Homicide rows are never made dirty so the homicide series keeps its published totals.
DIRTY_RATES: dict[str, float] = {
    "missing_date": 1 / 50_000,
    "zero_coordinates": 1 / 25_000,
    "impossible_age": 1 / 50_000,
}


def generate_demo(
    *,
    start: dt.date = DEFAULT_START,
    end: dt.date | None = None,
    seed: int = DEFAULT_SEED,
    scale: float = 1.0,
) -> pd.DataFrame:
    """Demo victim rows from ``start`` to ``end`` (default: the last Saturday before today,
    Baltimore time) in the Part1_Crime_Beta CSV layout, every value as text ("" = missing).

    ``scale`` multiplies the number of rows (10 for benchmarks). ``frame.attrs`` holds
    ``data_through`` (ISO date of ``end``) and ``dirty`` (RowIDs of the dirty rows by kind).
    """
    end = end or last_saturday()
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    nb = _neighborhood_table()
    weight = nb["weight"].to_numpy(float)
    gun = nb["gun_weight"].to_numpy(float)
    place_p = {"all": weight / weight.sum(), "gun": gun / gun.sum()}
    place_p["mixed"] = (place_p["all"] + place_p["gun"]) / 2

    parts: list[dict[str, np.ndarray]] = []
    for year in range(start.year, end.year + 1):
        targets = year_targets(year)
        for fi, family in enumerate(_FAMILY_LIST):
            part = _family_year(
                seed, year, fi, targets[family.key] * scale, start, end,
                place_p[family.place], nb,
            )  # fmt: skip
            if part is not None:
                part["leader"] = part["leader"] + sum(len(p["leader"]) for p in parts)
                parts.append(part)
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=str) for c in RAW_COLUMNS})
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    n = len(cols["local"])

    local = pd.DatetimeIndex(cols["local"].astype("datetime64[s]"))
    utc = local.tz_localize(
        config.CITY_TZ, ambiguous=np.zeros(n, dtype=bool), nonexistent="shift_forward"
    ).tz_convert("UTC")
    utc_seconds = utc.as_unit("s").asi8
    order = np.lexsort((np.arange(n), utc_seconds))
    cols = {k: v[order] for k, v in cols.items()}
    utc_seconds = utc_seconds[order]
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    leader = rank[cols["leader"]]

    # CCNumber: YY + month letter + sequence of the incident within its month (local time).
    local_sorted = cols["local"].astype("datetime64[s]")
    month_index = local_sorted.astype("datetime64[M]").astype(np.int64)  # months since 1970
    is_leader = leader == np.arange(n)
    seq = np.zeros(n, dtype=np.int64)
    seq[is_leader] = (
        pd.Series(month_index[is_leader]).groupby(month_index[is_leader]).cumcount().to_numpy()
    )
    letters = pa.array(list("ABCDEFGHIJKL"))
    cc = _join(
        _digits((month_index // 12 + 1970) % 100, 2),
        pc.take(letters, pa.array(month_index % 12)),
        _digits(seq + 1, 5),
    ).take(pa.array(leader))

    place = cols["place"]
    blocks = [b.split("|") if b else [""] for b in nb["blocks"]]
    block_offset = np.cumsum([0] + [len(b) for b in blocks])
    n_blocks = np.diff(block_offset)
    block = block_offset[place] + (cols["block_u"] * n_blocks[place]).astype(np.int64)
    block_flat = [x for b in blocks for x in b]

    lat_text, lon_text = _fixed6(cols["lat"]), _fixed6(cols["lon"])
    outside = np.array([p in OUTSIDE_PREMISES for p in _PREMISES])[cols["premise"]]
    age = cols["age"]
    assert age.max() <= 110, "age quantiles must stay within 0-110"
    family = cols["family"]
    # Low-cardinality columns are categoricals (a few bytes a row, so scale=10 fits in
    # memory); the CSV text is the same.
    frame: dict[str, pa.Array | pd.Categorical] = {
        "RowID": _digits(np.arange(n) + 1),
        "CCNumber": cc,
        "CrimeDateTime": _utc_text(utc_seconds),
        "CrimeCode": pd.Categorical.from_codes(cols["code"], categories=list(_CODES)),
        "Description": _by_index([f.description for f in _FAMILY_LIST], family),
        "Inside_Outside": pd.Categorical.from_codes(outside.astype(np.int8), ["Inside", "Outside"]),
        "Weapon": _by_index(list(_WEAPONS), cols["code"]),
        "Shooting": pd.Categorical.from_codes(
            (family == _FAMILY_KEYS.index("shooting")).astype(np.int8), ["N", "Y"]
        ),
        "Post": _by_index(nb["post"], place),
        "Gender": pd.Categorical.from_codes(cols["gender"], categories=list(_GENDERS)),
        "Age": pd.Categorical.from_codes(age + 1, categories=[""] + [str(a) for a in range(111)]),
        "Race": pd.Categorical.from_codes(cols["race"], categories=list(_RACES)),
        "Ethnicity": pd.Categorical.from_codes(cols["ethnicity"], categories=list(_ETHNICITIES)),
        "Location": _by_index(block_flat, block),
        "Old_District": _by_index(nb["old_district"], place),
        "New_District": _by_index(nb["district"], place),
        "Neighborhood": _by_index(nb["name"].str.upper(), place),
        "Latitude": lat_text,
        "Longitude": lon_text,
        "GeoLocation": _join("(", lat_text, ",", lon_text, ")"),
        "PremiseType": pd.Categorical.from_codes(cols["premise"], categories=list(_PREMISES)),
        "Total_Incidents": pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), ["1"]),
    }
    dirty = _make_dirty(frame, family, seed, n)
    columns = {
        k: pd.array(v, dtype="str") if isinstance(v, pa.Array) else v for k, v in frame.items()
    }
    out = pd.DataFrame(columns, columns=list(RAW_COLUMNS))
    out.attrs["data_through"] = end.isoformat()
    out.attrs["dirty"] = dirty
    return out


def _by_index(values: object, index: np.ndarray) -> pd.Categorical:
    """``values[index]`` as a categorical (values may repeat; categories sorted)."""
    categories, inverse = np.unique(np.asarray(values, dtype=str), return_inverse=True)
    return pd.Categorical.from_codes(inverse[index], categories=list(categories))


def _assign(frame: dict, column: str, rows: np.ndarray, values: object) -> None:
    """Set ``frame[column][rows] = values`` for a text array or a categorical."""
    current = frame[column]
    if isinstance(current, pd.Categorical):
        wanted = np.unique(np.broadcast_to(np.asarray(values, dtype=str), rows.shape))
        missing = [v for v in wanted if v not in set(current.categories)]
        current = current.add_categories(missing) if missing else current.copy()
        current[rows] = values
        frame[column] = current
    else:
        mask = np.zeros(len(current), dtype=bool)
        mask[rows] = True
        frame[column] = pc.if_else(pa.array(mask), pa.scalar(values, pa.string()), current)


def _make_dirty(frame: dict, family: np.ndarray, seed: int, n: int) -> dict[str, list[str]]:
    """Spoil a few rows in place (see ``DIRTY_RATES``); returns their RowIDs by kind."""
    dirty: dict[str, list[str]] = {kind: [] for kind in DIRTY_RATES}
    if n < 100:
        return dirty
    rng = np.random.default_rng([seed, 0xD1A7])
    eligible = np.flatnonzero(family != _FAMILY_KEYS.index("homicide"))
    counts = {kind: max(1, round(n * rate)) for kind, rate in DIRTY_RATES.items()}
    chosen = rng.choice(eligible, size=sum(counts.values()), replace=False)
    start = 0
    for kind, count in counts.items():
        rows = np.sort(chosen[start : start + count])
        start += count
        if kind == "missing_date":
            _assign(frame, "CrimeDateTime", rows, "")
        elif kind == "zero_coordinates":
            for column in ("Post", "Old_District", "New_District", "Neighborhood"):
                _assign(frame, column, rows, "")
            _assign(frame, "Latitude", rows, "0")
            _assign(frame, "Longitude", rows, "0")
            _assign(frame, "GeoLocation", rows, "(0,0)")
        else:
            _assign(frame, "Age", rows, rng.choice(np.array(["-1", "150", "999"]), count))
        dirty[kind] = [str(row + 1) for row in rows]  # RowID is the row number
    return dirty


def _csv_field(values: pd.Series) -> pa.Array:
    """A text or categorical column as CSV field text, quoted only where a value needs it."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = _csv_quote(pa.array(np.asarray(values.cat.categories, dtype=str)))
        return pc.take(categories, pa.array(values.cat.codes.to_numpy()))
    return _csv_quote(pa.array(values, type=pa.string()))


def _csv_quote(text: pa.Array) -> pa.Array:
    special = pc.or_(
        pc.or_(pc.match_substring(text, ","), pc.match_substring(text, '"')),
        pc.match_substring(text, "\n"),
    )
    if not pc.any(special).as_py():
        return text
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(text, '"', '""'), '"', "")
    return pc.if_else(special, quoted, text)


def write_csv(frame: pd.DataFrame, path: str | os.PathLike[str], chunk: int = 200_000) -> None:
    """Write a frame of text (or categorical text) columns as CSV: the same bytes as
    ``frame.to_csv(path, index=False, lineterminator="\\n")``, about twice as fast, in
    chunks so that scale=10 stays small in memory. Atomic (``files.atomic_write``): a
    reader never sees half a file, and ``store.sweep_stale`` removes a killed write's."""
    with atomic_write(path, "wb") as out:
        out.write((",".join(str(c) for c in frame.columns) + "\n").encode("utf-8"))
        for begin in range(0, len(frame), chunk):
            part = frame.iloc[begin : begin + chunk]
            lines = pc.binary_join_element_wise(*(_csv_field(part[c]) for c in part.columns), ",")
            whole = pa.ListArray.from_arrays(pa.array([0, len(lines)], pa.int32()), lines)
            out.write(pc.binary_join(whole, "\n")[0].as_py().encode("utf-8") + b"\n")


def _holds_other_data(data_dir: Path) -> bool:
    """True when ``data_dir`` has a store that is not known to be demo data.

    NOTE: reads the manifest file itself rather than ``store.read_manifest`` so that an
    old-schema demo store (which ``read_manifest`` refuses) can still be replaced.
    """
    pointer = data_dir / config.MANIFEST_FILE
    try:
        manifest = json.loads(pointer.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    except ValueError:
        return True
    return not (isinstance(manifest, dict) and manifest.get("demo") is True)


def write_demo(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    scale: float = 1.0,
    seed: int = DEFAULT_SEED,
    end: dt.date | None = None,
    start: dt.date = DEFAULT_START,
) -> Path:
    """Generate the demo CSV into ``<data_dir>/raw/`` and ingest it as demo data.

    The CSV goes through the same reader, cleaner and store as a real download; the
    manifest says ``demo: true`` and ``data_through`` = ``end``. An existing demo store is
    replaced (also one of an older schema); any other store is never touched
    (StoreConflictError). Returns the CSV path.
    """
    from bmoredash import ingest, sources, store

    target = config.data_dir(data_dir)
    if _holds_other_data(target):
        raise store.StoreConflictError(
            f"{target} holds real data (or a store that does not say it is demo data); "
            "demo data is never written over it. Choose another --data-dir."
        )
    end = end or last_saturday()
    frame = generate_demo(start=start, end=end, seed=seed, scale=scale)
    csv_path = target / DEMO_CSV
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    write_csv(frame, csv_path)
    source = sources.read_source(csv_path)
    ingest.ingest_frames([source], target, demo=True, data_through=end, replace=True)
    return csv_path
