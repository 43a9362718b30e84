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
import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bmoredash import config, periods
from bmoredash.demo.calibration import (
    _ETHNICITIES,
    _FAMILY_KEYS,
    _FAMILY_LIST,
    _GAP_FAMILY,
    _GENDERS,
    _H,
    _HOURS,
    _LEGACY_MIX,
    _MIX_FROM,
    _MIX_TO,
    _MONTHS,
    _MULTI_SIZES,
    _RACES,
    _SUN_MIX,
    _WEEKDAYS,
    DIRTY_RATES,
    FAMILIES,
    GAP_DAYS,
    HOMICIDES,
    OUTSIDE_PREMISES,
    SAME_VICTIM,
    SHOOTINGS,
    YEAR_TOTALS,
    Family,
)
from bmoredash.reference import neighborhoods

DEFAULT_SEED = 20120101

DEFAULT_START = dt.date(2012, 1, 1)

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


def _for_year(table: dict[int, float], year: int) -> float:
    """The table's value for ``year``, holding the first/last year's value outside it."""
    return table[min(max(year, min(table)), max(table))]


def _drift(year: int) -> float:
    """How far ``year`` is from the legacy samples (0, up to 2019) to the Sun's (1, from
    2025 on), linear between: the offense mix and the multi-victim shares drift alike."""
    return min(max((year - _MIX_FROM) / (_MIX_TO - _MIX_FROM), 0.0), 1.0)


def _mix(year: int) -> dict[str, float]:
    """Shares (sum 1) of the non-gun offenses in ``year``."""
    legacy = {k: v / sum(_LEGACY_MIX.values()) for k, v in _LEGACY_MIX.items()}
    ca_share = legacy["common_assault"]
    rest = sum(_SUN_MIX.values())
    sun = {k: v / rest * (1 - ca_share) for k, v in _SUN_MIX.items()}
    sun["common_assault"] = ca_share
    t = _drift(year)
    return {k: (1 - t) * legacy[k] + t * sun[k] for k in legacy}


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
    t = _drift(year)
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


def load_neighborhoods() -> pd.DataFrame:
    """The 278 neighborhoods: name, districts (2023 and old), post, centroid, scatter circle,
    crime weights and sample block addresses (see scripts/build_neighborhood_table.py)."""
    return neighborhoods.table().copy()


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
    nb = neighborhoods.table()
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
