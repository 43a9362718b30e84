"""Deterministic demo arrests in the legacy Open Baltimore ``BPD_Arrests.csv`` layout.

The Arrests page, its report section and the tests need arrests on a machine with no copy
of the real files. ``generate_arrests`` writes rows in the legacy layout (the real header,
taken from ``arrests.ARREST_LAYOUTS``) so that they go through the same reader and store as
a real file, calibrated on the real samples (``calibration.ARREST_*``, measured by
``scripts/measure_arrests.py``):

- volume: 2017 is the legacy file's 24,089 rows (462 a week); other years follow the
  ArcGIS sample's November-December rows of 2014-2020 (2014: 4,444 ... 2020: 2,050 against
  2017's 3,557). Before 2014 and after 2020 a year holds the nearest measured year's
  volume (a demo, not an estimate);
- month, weekday and hour-of-day shapes, minutes on the hour and half hour, age, sex and
  race (one letter, as published): the legacy file's;
- charges: the charge-group mix of the legacy file's numbered rows (violent 30.0%, drugs
  24.5%, warrants 18.7%, property 11.0%, other 5.6%, weapons 4.3%, no charge code 5.9%),
  within a group its 10 commonest codes as published (modifier kept: ``2A3550``) and, per
  code, its 4 commonest description spellings, at their measured weights; the incident
  offense per group likewise (6 commonest values, trailing spaces kept);
- places: the 278 neighborhoods of ``reference/data/neighborhoods.csv`` drawn by their
  crime weight scaled per district to the legacy file's district shares (Northeast 14.5%
  ... Northern 6.7%), the point inside the neighborhood's scatter circle (as the crime demo).
  NOTE: District is written by the lines in force: the 1959-2022 district before 2023, the
  2023 one from 2023 on (the neighborhood's post is the 2023 one throughout).

The real quirks are kept, at their measured rates:

- about half the rows have no district, post, neighborhood, location or coordinates;
- a few have a district but the failed-geocode point ``39`` / ``-77`` (outside the city),
  and a few have coordinates outside the city and no district;
- several spellings per charge code (``1 1415``: ``ASSAULT-SEC DEGREE``, ``COMMON
  ASSAULT``, ``ASSAULT``, ``2ND DEGREE ASSAULT``), and charge rows without a code
  (``DETAIN ONLY``);
- one row per arrest (its top charge), but a few arrests have two identical rows;
- 4.2% of rows have no arrest number (``Unknown Charge``, ``Unknown Offense``), and those
  come in groups of identical rows (64 pairs, 17 triples ... in the legacy file): the
  file's exact duplicate rows (149 of 27,195);
- ``ArrestTime`` sometimes without its leading zero (``9:07``).

NOTE: simplifications: the person, the time and the place are drawn independently of the
charge; the 3 unnumbered rows of the legacy file that carry a charge code are not made;
the 50 rows with coordinates but no district are placed just west of the city box.

Same ``seed``, ``start`` and ``end`` give a byte-identical CSV: every draw comes from
``numpy.random.default_rng`` seeded per year, and a year's rows do not depend on the
other years.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bmoredash.arrests import ARREST_LAYOUTS
from bmoredash.demo.calibration import (
    ARREST_AGE_BLANK,
    ARREST_AGES,
    ARREST_BLANK_CHARGE_TEXT,
    ARREST_CODES,
    ARREST_COPY_GROUPS,
    ARREST_DISTRICTS,
    ARREST_GROUP_ROWS,
    ARREST_HOURS,
    ARREST_INCIDENTS,
    ARREST_MINUTES,
    ARREST_MONTHS,
    ARREST_NOV_DEC,
    ARREST_PLACES,
    ARREST_RACE,
    ARREST_ROWS,
    ARREST_ROWS_2017,
    ARREST_ROWS_PER_ARREST,
    ARREST_SEX,
    ARREST_SHORT_TIME,
    ARREST_UNNUMBERED,
    ARREST_WEEKDAYS,
)
from bmoredash.demo.generator import (
    DEFAULT_SEED,
    DEFAULT_START,
    _by_index,
    _digits,
    _fixed6,
    _join,
    last_saturday,
)
from bmoredash.reference import neighborhoods

#: The legacy BPD_Arrests.csv header, in the published order.
ARREST_RAW_COLUMNS: tuple[str, ...] = tuple(ARREST_LAYOUTS["arrests_legacy"].columns)

#: The day the 2023 district lines are written from.
NEW_LINES_FROM = dt.date(2023, 1, 1)

#: What a row without an arrest number says (legacy file: 1,144 of its 1,147 such rows).
UNKNOWN_CHARGE = "Unknown Charge"
UNKNOWN_OFFENSE = "Unknown Offense"

#: Place kinds, in the order of ``calibration.ARREST_PLACES``' keys.
PLACE_KINDS: tuple[str, ...] = ("placed", "unplaced", "default_point", "county")

#: Charge kinds: the groups of ``ARREST_GROUP_ROWS`` ("blank": no charge code).
CHARGE_KINDS: tuple[str, ...] = tuple(ARREST_GROUP_ROWS)

#: Salt of the per-year random stream (the crime families use 0..15).
_STREAM = 1_000


def year_rows(year: int) -> int:
    """Arrest rows in a whole ``year``: 2017's measured rows scaled by the ArcGIS sample's
    November-December rows of that year (the nearest measured year outside 2014-2020)."""
    measured = min(max(year, min(ARREST_NOV_DEC)), max(ARREST_NOV_DEC))
    return round(ARREST_ROWS_2017 * ARREST_NOV_DEC[measured] / ARREST_NOV_DEC[2017])


def _p(values: object) -> np.ndarray:
    p = np.asarray(list(values), dtype=float)
    return p / p.sum()


def _day_weights(days: np.ndarray) -> np.ndarray:
    """Month factor (placed mid-month, interpolated) times weekday factor, per day."""
    doy = (days - days.astype("datetime64[Y]")).astype(int)
    mids = (np.arange(12) + 0.5) * 365.25 / 12
    season = np.interp(doy, mids, np.asarray(ARREST_MONTHS), period=365.25)
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday (Monday = 0)
    return season * np.asarray(ARREST_WEEKDAYS)[weekday]


def _group_sizes(rng: np.random.Generator, rows: int, sizes: dict[int, int]) -> np.ndarray:
    """Rows per group of identical rows for ``rows`` rows; ``sizes``: groups by size as
    measured (size 1 included); the last group is cut so the sizes sum to ``rows``."""
    if rows <= 0:
        return np.zeros(0, dtype=np.int64)
    k = np.array(list(sizes), dtype=np.int64)
    size = k[rng.choice(len(k), size=rows, p=_p(sizes.values()))]
    ends = np.cumsum(size)
    m = int(np.searchsorted(ends, rows)) + 1
    size = size[:m]
    size[-1] -= ends[m - 1] - rows
    return size


def _unnumbered_sizes() -> dict[int, int]:
    groups = ARREST_COPY_GROUPS["unnumbered"]
    singles = ARREST_UNNUMBERED["rows"] - sum(k * n for k, n in groups.items())
    return {1: singles} | groups


# Flat tables of what a charge row can say: (kind, code, description) and their weights
# within their kind; incident offenses per kind.
def _charge_table() -> tuple[list[tuple[int, str, str]], np.ndarray]:
    rows: list[tuple[int, str, str]] = []
    weights: list[float] = []
    for ki, kind in enumerate(CHARGE_KINDS):
        if kind == "blank":
            total = sum(ARREST_BLANK_CHARGE_TEXT.values())
            for text, n in ARREST_BLANK_CHARGE_TEXT.items():
                rows.append((ki, "", text))
                weights.append(n / total)
            continue
        codes = ARREST_CODES[kind]
        code_total = sum(n for n, _ in codes.values())
        for code, (n, spellings) in codes.items():
            spelled = sum(spellings.values())
            for text, m in spellings.items():
                rows.append((ki, code, text))
                weights.append(n / code_total * m / spelled)
    return rows, np.asarray(weights)


_CHARGES, _CHARGE_WEIGHTS = _charge_table()
_CHARGE_KIND = np.array([k for k, _, _ in _CHARGES])
_CODE_TEXT = [c for _, c, _ in _CHARGES]
_DESCRIPTION_TEXT = [d for _, _, d in _CHARGES]
_INCIDENTS = [ARREST_INCIDENTS[kind] for kind in CHARGE_KINDS]
_INCIDENT_TEXT = [v for table in _INCIDENTS for v in table]
_INCIDENT_OFFSET = np.cumsum([0] + [len(t) for t in _INCIDENTS])


def _year(
    seed: int, year: int, start: dt.date, end: dt.date, place_p: np.ndarray
) -> dict[str, np.ndarray] | None:
    """One year's arrest rows clipped to [start, end], as index arrays (one per row)."""
    days = np.arange(f"{year}-01-01", f"{year + 1}-01-01", dtype="datetime64[D]")
    weights = _day_weights(days)
    inside = (days >= np.datetime64(start)) & (days <= np.datetime64(end))
    n = round(year_rows(year) * weights[inside].sum() / weights.sum())
    if n <= 0:
        return None
    rng = np.random.default_rng([seed, year, _STREAM])
    n_unnumbered = round(n * ARREST_UNNUMBERED["rows"] / ARREST_ROWS)
    numbered_sizes = _group_sizes(rng, n - n_unnumbered, ARREST_ROWS_PER_ARREST)
    unnumbered_sizes = _group_sizes(rng, n_unnumbered, _unnumbered_sizes())
    size = np.concatenate([numbered_sizes, unnumbered_sizes])
    numbered = np.arange(len(size)) < len(numbered_sizes)
    m = len(size)  # events: an arrest, or a group of identical unnumbered rows

    days, weights = days[inside], weights[inside]
    day = np.repeat(days, rng.multinomial(m, weights / weights.sum()))
    day = day[rng.permutation(m)]  # numbered and unnumbered events spread over the days
    hour = rng.choice(24, size=m, p=_p(ARREST_HOURS))
    u = rng.random(m)
    on_hour = ARREST_MINUTES["00"] / ARREST_MINUTES["rows"]
    on_half = on_hour + ARREST_MINUTES["30"] / ARREST_MINUTES["rows"]
    minute = np.where(u < on_hour, 0, np.where(u < on_half, 30, rng.integers(0, 60, size=m)))
    short_time = (hour < 10) & (
        rng.random(m) < ARREST_SHORT_TIME["short"] / ARREST_SHORT_TIME["before_10"]
    )
    ages = np.array(list(ARREST_AGES), dtype=np.int64)
    age = ages[rng.choice(len(ages), size=m, p=_p(ARREST_AGES.values()))]
    age[rng.random(m) < ARREST_AGE_BLANK / ARREST_ROWS] = -1
    sex = rng.choice(len(ARREST_SEX), size=m, p=_p(ARREST_SEX.values()))
    race = rng.choice(len(ARREST_RACE), size=m, p=_p(ARREST_RACE.values()))

    place_kind = np.empty(m, dtype=np.int64)
    for mask, table in ((numbered, "numbered"), (~numbered, "unnumbered")):
        counts = ARREST_PLACES[table]
        p = _p(counts.get(kind, 0) for kind in PLACE_KINDS)
        place_kind[mask] = rng.choice(len(PLACE_KINDS), size=int(mask.sum()), p=p)
    place = rng.choice(len(place_p), size=m, p=place_p)
    r = np.sqrt(rng.random(m))
    theta = rng.uniform(0, 2 * np.pi, size=m)
    block_u = rng.random(m)
    county = rng.random((m, 2))

    kind_p = _p(ARREST_GROUP_ROWS.values())
    kind = rng.choice(len(CHARGE_KINDS), size=m, p=kind_p)
    kind[~numbered] = CHARGE_KINDS.index("blank")
    charge = np.empty(m, dtype=np.int64)
    incident = np.empty(m, dtype=np.int64)
    for ki in range(len(CHARGE_KINDS)):
        mine = np.flatnonzero(kind == ki)
        choices = np.flatnonzero(np.equal(_CHARGE_KIND, ki))
        w = _CHARGE_WEIGHTS[choices]
        charge[mine] = choices[rng.choice(len(choices), size=len(mine), p=w / w.sum())]
        table = _INCIDENTS[ki]
        incident[mine] = _INCIDENT_OFFSET[ki] + rng.choice(
            len(table), size=len(mine), p=_p(table.values())
        )
    charge[~numbered] = -1  # Unknown Charge, Unknown Offense
    incident[~numbered] = -1
    step = rng.integers(1, 18, size=m)  # arrest numbers skip (legacy 2017: 24k of 204k)

    rows = {
        "day": day,
        "minute_of_day": hour * 60 + minute,
        "short_time": short_time,
        "age": age,
        "sex": sex,
        "race": race,
        "place_kind": place_kind,
        "place": place,
        "r": r,
        "theta": theta,
        "block_u": block_u,
        "county_lat": county[:, 0],
        "county_lon": county[:, 1],
        "charge": charge,
        "incident": incident,
        "numbered": numbered,
        "step": step,
    }
    # events in time order; the arrest number runs with time within the year
    order = np.lexsort((np.arange(m), rows["minute_of_day"], day))
    rows = {k: v[order] for k, v in rows.items()}
    seq = np.cumsum(np.where(rows["numbered"], rows["step"], 0))
    rows["arrest_seq"] = np.where(rows["numbered"], (year % 100) * 1_000_000 + seq, -1)
    del rows["step"]
    size = size[order]
    return {k: np.repeat(v, size) for k, v in rows.items()}


def place_weights(nb: pd.DataFrame) -> np.ndarray:
    """Chance of each neighborhood: its crime weight, scaled within its 1959-2022 district
    so that the districts draw the legacy file's arrest shares (``ARREST_DISTRICTS``)."""
    weight = nb["weight"].to_numpy(float)
    district = nb["old_district"].astype(str).to_numpy()
    crime = pd.Series(weight).groupby(district).sum()
    arrests = pd.Series(ARREST_DISTRICTS, dtype=float)
    factor = (arrests / arrests.sum()) / (crime / crime.sum())
    p = weight * factor.reindex(district).to_numpy()
    return p / p.sum()


def generate_arrests(
    *,
    start: dt.date = DEFAULT_START,
    end: dt.date | None = None,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Demo arrest rows from ``start`` to ``end`` (default: the last Saturday before today,
    Baltimore time) in the legacy BPD_Arrests.csv layout, every value as text ("" =
    missing), newest first as the legacy file is. ``frame.attrs["data_through"]`` is
    ``end`` (ISO date)."""
    end = end or last_saturday()
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    nb = neighborhoods.table()
    place_p = place_weights(nb)
    parts = [
        part
        for year in range(start.year, end.year + 1)
        if (part := _year(seed, year, start, end, place_p)) is not None
    ]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=str) for c in ARREST_RAW_COLUMNS})
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    n = len(cols["day"])
    newest_first = np.lexsort((np.arange(n), -cols["minute_of_day"], -cols["day"].astype(np.int64)))
    cols = {k: v[newest_first] for k, v in cols.items()}
    frame = _text_frame(cols, nb)
    frame.attrs["data_through"] = end.isoformat()
    return frame


def _text_frame(cols: dict[str, np.ndarray], nb: pd.DataFrame) -> pd.DataFrame:
    """The drawn rows as the legacy file's text columns."""
    kind = cols["place_kind"]
    placed = kind == PLACE_KINDS.index("placed")
    default = kind == PLACE_KINDS.index("default_point")
    county = kind == PLACE_KINDS.index("county")
    named = placed | default  # district, post, neighborhood and block address
    place = cols["place"]

    day = cols["day"]
    month = day.astype("datetime64[M]")
    year = month.astype("datetime64[Y]").astype(np.int64) + 1970
    date_text = _join(
        _digits(month.astype(np.int64) % 12 + 1, 2), "/",
        _digits((day - month).astype(np.int64) + 1, 2), "/",
        _digits(year, 4),
    )  # fmt: skip
    hour, minute = cols["minute_of_day"] // 60, cols["minute_of_day"] % 60
    hour_text = pc.if_else(pa.array(cols["short_time"]), _digits(hour), _digits(hour, 2))
    time_text = _join(hour_text, ":", _digits(minute, 2))

    # Place columns as an index into a short list of values, "" first (no place).
    k = len(nb)
    new_lines = day >= np.datetime64(NEW_LINES_FROM)
    district_values = [
        "",
        *nb["old_district"].astype(str).str.title(),
        *nb["district"].astype(str).str.title(),
    ]
    district = np.where(named, 1 + place + k * new_lines, 0)
    post_values = ["", *nb["post"].astype(str)]
    # NOTE: the legacy file title-cases names word by word (Butcher'S Hill, Mcelderry Park).
    hood_values = ["", *nb["name"].astype(str).str.title()]
    named_place = np.where(named, 1 + place, 0)

    blocks = [b.split("|") if b else [""] for b in nb["blocks"]]
    block_offset = np.cumsum([0] + [len(b) for b in blocks])
    block = block_offset[place] + (cols["block_u"] * np.diff(block_offset)[place]).astype(np.int64)
    block_values = ["", *(x for b in blocks for x in b)]
    location = np.where(named, 1 + block, 0)

    center_lat = nb["center_lat"].to_numpy()[place]
    center_lon = nb["center_lon"].to_numpy()[place]
    radius = nb["radius_deg"].to_numpy()[place]
    lat = center_lat + radius * cols["r"] * np.sin(cols["theta"])
    lon = center_lon + radius * cols["r"] * np.cos(cols["theta"]) / np.cos(np.radians(center_lat))
    # outside the city: just west of the city box (county addresses, no district)
    lat = np.where(county, 39.25 + 0.11 * cols["county_lat"], lat)
    lon = np.where(county, -76.76 + 0.03 * cols["county_lon"], lon)
    lat_text, lon_text = _fixed6(lat), _fixed6(lon)
    point = _join("(", lat_text, "000000, ", lon_text, "000000)")
    has_point = pa.array(placed | county)
    blank = pa.scalar("", pa.string())
    latitude = pc.if_else(has_point, lat_text, pc.if_else(pa.array(default), "39", blank))
    longitude = pc.if_else(has_point, lon_text, pc.if_else(pa.array(default), "-77", blank))
    location_1 = pc.if_else(has_point, point, pc.if_else(pa.array(default), "(39, -77)", blank))

    numbered = cols["numbered"]
    charge = cols["charge"]
    incident = cols["incident"]
    arrest = pc.if_else(pa.array(numbered), _digits(np.maximum(cols["arrest_seq"], 0), 8), blank)
    age = cols["age"]
    frame = {
        "Arrest": arrest,
        "Age": pd.Categorical.from_codes(age + 1, categories=[""] + [str(a) for a in range(120)]),
        "Sex": pd.Categorical.from_codes(cols["sex"], categories=list(ARREST_SEX)),
        "Race": pd.Categorical.from_codes(cols["race"], categories=list(ARREST_RACE)),
        "ArrestDate": date_text,
        "ArrestTime": time_text,
        "ArrestLocation": _by_index(block_values, location),
        "IncidentOffense": _by_index([UNKNOWN_OFFENSE, *_INCIDENT_TEXT], incident + 1),
        "IncidentLocation": _by_index(block_values, location),
        "Charge": _by_index(["", *_CODE_TEXT], charge + 1),
        "ChargeDescription": _by_index([UNKNOWN_CHARGE, *_DESCRIPTION_TEXT], charge + 1),
        "District": _by_index(district_values, district),
        "Post": _by_index(post_values, named_place),
        "Neighborhood": _by_index(hood_values, named_place),
        "Longitude": longitude,
        "Latitude": latitude,
        "Location 1": location_1,
    }
    columns = {
        k: pd.array(v, dtype="str") if isinstance(v, pa.Array) else v for k, v in frame.items()
    }
    return pd.DataFrame(columns, columns=list(ARREST_RAW_COLUMNS))
