"""One chain from any ``SourceFrame`` to the canonical schema, plus a quality report.

Every rule is a small named function below, in the order ``clean`` applies them, and each
says which quirk of the published data it handles. Rows are never silently dropped: a row
either reaches ``incidents`` or lands in ``quarantine`` with a reason, so
``rows_read == len(incidents) + len(quarantine)`` always holds.

Speed: the files run to 650k rows, so rules work on whole columns, and anything that needs
Python per value runs once per *distinct* value and is spread back with the factorize codes.
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime, timedelta
from functools import cache, partial
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bmoredash import config, schema
from bmoredash.reference.neighborhoods import known_neighborhoods
from bmoredash.sources import (
    CLOCKS,
    DATASET_OF_LAYOUT,
    DATASETS,
    UTC,
    WALL,
    SourceFrame,
    canonical_view,
    normalize_header,
)

TEXT = pd.StringDtype("pyarrow")
OCCURRED_DTYPE = pd.DatetimeTZDtype("ns", config.CITY_TZ_NAME)
UNKNOWN = "Unknown"
INSIDE_OUTSIDE: tuple[str, ...] = ("Inside", "Outside", UNKNOWN)
DISTRICT_CATEGORIES: tuple[str, ...] = (*schema.DISTRICTS, schema.UNKNOWN_DISTRICT)

# NOTE: the same "nothing here" is written NA (Sun, 2019 CSV), None reported / None
# Reported (Sun), null (Socrata rows export) and empty. A bare "None" is left alone: for
# a weapon it can mean no weapon.
MISSING_MARKERS = frozenset({"", "NA", "N/A", "NAN", "NULL", "NONE REPORTED"})

QUARANTINE_COLUMNS: tuple[str, ...] = ("source", "row_number", "reason", "raw")


# --------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------


@dataclass
class QualityReport:
    """What cleaning found and did, in counts; reports of several sources add up."""

    rows_read: int = 0
    rows_kept: int = 0
    identical_rows_kept: int = 0
    ungeocoded: int = 0
    coordinates_repaired: int = 0
    unknown_district: int = 0
    ages_cleared: int = 0
    genders_unknown: int = 0
    time_unknown: int = 0
    neighborhoods_expanded: int = 0
    outside_plausible_range: int = 0
    quarantined: dict[str, int] = field(default_factory=dict)
    unmapped_descriptions: dict[str, int] = field(default_factory=dict)

    def merge(self, other: QualityReport) -> QualityReport:
        """The sum of two reports (counts add, the per-reason tables add key by key)."""
        counts = {
            f.name: getattr(self, f.name) + getattr(other, f.name)
            for f in fields(self)
            if f.type in ("int", int)
        }
        return QualityReport(
            **counts,
            quarantined=dict(Counter(self.quarantined) + Counter(other.quarantined)),
            unmapped_descriptions=dict(
                Counter(self.unmapped_descriptions) + Counter(other.unmapped_descriptions)
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (the per-reason tables sorted by key)."""
        out = asdict(self)
        out["quarantined"] = dict(sorted(self.quarantined.items()))
        out["unmapped_descriptions"] = dict(sorted(self.unmapped_descriptions.items()))
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QualityReport:
        """Inverse of ``to_dict``; unknown keys (from a newer version) are ignored."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for key in ("quarantined", "unmapped_descriptions"):
            values[key] = {str(k): int(v) for k, v in (values.get(key) or {}).items()}
        return cls(**values)


@dataclass
class CleanResult:
    """Rows in the canonical schema, rows set aside with their reason, and the counts."""

    incidents: pd.DataFrame
    quarantine: pd.DataFrame
    quality: QualityReport


# --------------------------------------------------------------------------------------
# Text: whole columns in Arrow, or once per distinct value
# --------------------------------------------------------------------------------------

_MARKERS = pa.array(sorted(MISSING_MARKERS))
_LONGEST_MARKER = max(len(m) for m in MISSING_MARKERS)


def strip_bom(raw: pd.DataFrame) -> pd.DataFrame:
    """The raw rows with column names free of a UTF-8 byte-order mark and spaces.

    NOTE: Open Baltimore CSV downloads start with a BOM; a frame built without
    ``read_source`` may still carry it in its first column name (``\\ufeffX``).
    """
    return raw.rename(columns=normalize_header)


def as_text(values: pd.Series) -> pd.Series:
    """Values as trimmed text; empty strings and the missing markers become missing."""
    arrow = _arrow_text(values)
    trimmed = pc.utf8_trim_whitespace(arrow)
    short = pc.less_equal(pc.utf8_length(trimmed), _LONGEST_MARKER)
    marker = pc.and_kleene(short, pc.is_in(pc.utf8_upper(trimmed), value_set=_MARKERS))
    kept = pc.if_else(marker, pa.scalar(None, trimmed.type), trimmed)
    return pd.Series(pd.arrays.ArrowStringArray(kept), index=values.index, dtype=TEXT)


def _arrow_text(values: pd.Series) -> pa.Array:
    return pa.array(values.astype(TEXT).array)


def _distinct(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(codes, distinct values through ``as_text``): rules run on these, not on every row.

    Codes are never -1 (missing is one of the distinct values).
    """
    codes, uniques = pd.factorize(values.astype(TEXT), use_na_sentinel=False)
    return codes, as_text(pd.Series(uniques, dtype=TEXT))


def _python(values: pd.Series) -> list[str | None]:
    return [None if v is None or v is pd.NA else v for v in values.tolist()]


def _map_distinct(values: pd.Series, func: Callable[[str | None], Any]) -> tuple[np.ndarray, list]:
    """(codes, func of each distinct trimmed value, None for missing)."""
    codes, uniques = _distinct(values)
    return codes, [func(v) for v in _python(uniques)]


def _categorical(
    codes: np.ndarray, mapped: Sequence[Any], categories: Sequence[str] | None = None
) -> pd.Categorical:
    """A categorical from one value per distinct input and the codes of every row."""
    return pd.Categorical(list(mapped), categories=categories).take(codes)


def _spread_float(codes: np.ndarray, mapped: Sequence[float] | np.ndarray) -> np.ndarray:
    return np.asarray(mapped, dtype=float)[codes] if len(codes) else np.zeros(0)


def collapse_spaces(values: pd.Series) -> pd.Series:
    """Trimmed text with runs of whitespace as one space (``DRUG STORE / MED  BL``)."""
    codes, mapped = _map_distinct(values, lambda v: " ".join(v.split()) if v else None)
    taken = pa.array(mapped, type=pa.large_string()).take(pa.array(codes, type=pa.int64()))
    return pd.Series(pd.arrays.ArrowStringArray(taken), index=values.index, dtype=TEXT)


def _join_text(columns: Sequence[pd.Series], sep: str) -> pd.Series:
    """Element-wise join of text columns (missing as empty), in Arrow rather than Python."""
    arrays = [pc.fill_null(_arrow_text(c), "") for c in columns]
    joined = pc.binary_join_element_wise(*arrays, pa.scalar(sep, arrays[0].type))
    return pd.Series(pd.arrays.ArrowStringArray(joined), index=columns[0].index, dtype=TEXT)


def _numbers(values: pd.Series) -> pd.Series:
    """Text to float per distinct value; anything not a number is NaN."""
    codes, uniques = _distinct(values)
    numbers = pd.to_numeric(uniques, errors="coerce").astype(float).to_numpy()
    return pd.Series(_spread_float(codes, numbers), index=values.index)


# --------------------------------------------------------------------------------------
# Rules: duplicates
# --------------------------------------------------------------------------------------


def identical_rows(raw: pd.DataFrame, row_id: pd.Series | None = None) -> np.ndarray:
    """True for a row equal on every published column to an earlier row. Such rows are
    kept: they are counted in the quality report, never dropped.

    NOTE: BPD publishes one row per victim, and the layouts without a row id have no
    victim columns: two victims of one crime are two identical rows. The homicide of
    04/10/2019 23:04 at 1800 N CHESTER ST is twice in the 2019 legacy CSV and is RowIDs
    110890 and 110892 in the Open Baltimore export; 07/05/2019 17:11 9S at 1000
    PENNSYLVANIA AV is twice there and RowIDs 2261 and 2263 in the USF copy. The 2019 CSV
    has 933 such rows, the Sun extract 190, the Socrata JSON pages 33 and 35.
    """
    if raw.empty or (row_id is not None and row_id.notna().all() and row_id.is_unique):
        # rows with their own RowIDs differ in that column: none is identical to another
        return np.zeros(len(raw), dtype=bool)
    return raw.duplicated(keep="first").to_numpy()


def repeated_record_ids(record_id: pd.Series) -> np.ndarray:
    """True for a row whose record_id an earlier row already has.

    NOTE: a layer's RowID is unique, but two downloads pasted into one file repeat it
    with revised values; which of them is current cannot be told, so the repeats are
    quarantined (``duplicate_record_id``) with their reason, never dropped silently.
    """
    return record_id.duplicated(keep="first").to_numpy()


# --------------------------------------------------------------------------------------
# Rules: dates and times
# --------------------------------------------------------------------------------------

_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(?:([AP])\.?\s*M\.?)?$")
_HHMM = re.compile(r"^(\d{1,2})(\d{2})$")
#: An offset after a time of day (``11:17:21+00``, ``04:00:00.000Z``): group 1 keeps the time.
_OFFSET_SUFFIX = r"(\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$"
_ISO_DATE = r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}"
_ISO_TIME = r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}[ T]\d{1,2}:\d{2}"
_US_DATE = r"^\d{1,2}/\d{1,2}/\d{4}"
_US_PARTS = r"^(\d{1,2}/\d{1,2}/\d{4})\s*(.*)$"


def clock_seconds(text: object, *, twelve_hour: bool = False) -> float | None:
    """Seconds after midnight for one written time of day, or None when it is not one.

    NOTE: times come as ``HH:MM:SS`` (legacy), ``HHMM`` like ``0015`` (53 rows of the 2016
    rows export), ``9:23:00 AM``, and ``H:MM`` + ``a.m.``/``p.m.`` (Sun ``zt`` + ``zap``).
    With ``twelve_hour`` (a source whose clock is 12-hour), an hour of 1-12 without a.m./p.m.
    is ambiguous and gives None.
    """
    if not isinstance(text, str):
        return None
    value = text.strip().upper()
    match = _CLOCK.match(value)
    if match:
        hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
        meridiem = match[4]
    else:
        match = _HHMM.match(value)
        if not match:
            return None
        hour, minute, second, meridiem = int(match[1]), int(match[2]), 0, None
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "P" else 0)
    elif twelve_hour and 1 <= hour <= 12:
        return None
    if hour > 23 or minute > 59 or second > 59:
        return None
    return float(hour * 3600 + minute * 60 + second)


def parse_clock(time: pd.Series, meridiem: pd.Series | None = None) -> pd.Series:
    """Seconds after midnight per row (NaN when missing or not a time of day).

    The meridiem column (Sun ``zap``) is appended to the time before reading it.

    NOTE: the Sun's first snapshots wrote ``zt`` as ``2:14:00`` with ``zap`` empty; their
    hours run 1-12 only, so they are 12-hour times that lost a.m./p.m. Such a row keeps
    its date with time_known False rather than a guessed time.
    """
    if meridiem is None:
        codes, seconds = _map_distinct(time, clock_seconds)
    else:
        text = _join_text([time, meridiem], " ")
        codes, seconds = _map_distinct(text, partial(clock_seconds, twelve_hour=True))
    return pd.Series(_spread_float(codes, seconds), index=time.index)


def localize_city_time(naive: pd.Series) -> pd.Series:
    """Wall-clock times in Baltimore as timezone-aware times.

    NOTE: the autumn hour that happens twice is read as daylight time (the first pass);
    a spring-forward time that never happened moves forward to 3 a.m.
    """
    ambiguous = np.ones(len(naive), dtype=bool)
    return naive.dt.tz_localize(
        config.CITY_TZ, ambiguous=ambiguous, nonexistent="shift_forward"
    ).astype(OCCURRED_DTYPE)


def to_city_time(naive: pd.Series, clock: str) -> pd.Series:
    """Naive date-times on the layout's clock (``sources.CLOCKS``) as Baltimore time."""
    if clock == UTC:
        return naive.dt.tz_localize("UTC").dt.tz_convert(config.CITY_TZ).astype(OCCURRED_DTYPE)
    return localize_city_time(naive)


def parse_timestamp(text: pd.Series, clock: str = WALL) -> tuple[pd.Series, pd.Series]:
    """(Baltimore time, whether a time of day was given) per row; NaT when unreadable.

    ``clock`` is the layout's (``sources.CLOCKS``): the digits are read as UTC or as
    Baltimore wall time; an offset written next to them never decides it (NOTE: the Open
    Baltimore export writes wall time as ``+00``). Forms, parsed column-wise on the
    distinct values:

    - epoch milliseconds (ArcGIS REST ``f=json``/``f=geojson``);
    - ``2022/02/03 11:17:21+00``, ``2019-09-14T00:00:00.000``, ``2020-11-13``,
      ``2021/07/14 04:00``;
    - ``04/27/2019``, ``3/18/2025``, ``04/27/2019 9:23:00 AM``.

    A date without a time keeps its calendar date whatever the clock (midnight, time not
    known): there is no time to convert.
    """
    codes, values = _distinct(text)
    values = values.reset_index(drop=True)
    naive = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    has_time = pd.Series(False, index=values.index)
    todo = values.notna()

    # NOTE: 11 digits or more: a 10-digit number would be epoch *seconds* (or nonsense);
    # read as milliseconds it would land silently in January 1970, so it stays unparsed.
    epoch = todo & values.str.fullmatch(r"-?\d{11,}(?:\.0*)?").fillna(False)
    if epoch.any():
        number = pd.to_numeric(values[epoch], errors="coerce")
        # NOTE: beyond pandas' nanosecond range (1677-2262) to_datetime raises for the
        # whole column; such a row stays NaT and date_problems names its reason.
        number = number.where(number.between(_MIN_MS, _MAX_MS))
        naive[epoch] = pd.to_datetime(number, unit="ms")
        has_time[epoch] = True
        todo &= ~epoch

    iso = todo & values.str.contains(_ISO_DATE, regex=True).fillna(False)
    if iso.any():
        # RE2 in Arrow: pandas would run a back-reference replace in Python per value.
        digits = pc.replace_substring_regex(_arrow_text(values[iso]), _OFFSET_SUFFIX, r"\1")
        digits = pc.replace_substring(digits, "/", "-")
        naive[iso] = _nanoseconds(
            pd.to_datetime(
                pd.Series(pd.arrays.ArrowStringArray(digits), index=values[iso].index, dtype=TEXT),
                format="ISO8601",
                errors="coerce",
            )
        )
        has_time[iso] = values[iso].str.contains(_ISO_TIME, regex=True)
        todo &= ~iso

    us = todo & values.str.contains(_US_DATE, regex=True).fillna(False)
    if us.any():
        parts = values[us].str.extract(_US_PARTS)
        day = _nanoseconds(pd.to_datetime(parts[0], format="%m/%d/%Y", errors="coerce"))
        clock_of_day = parse_clock(parts[1])
        naive[us] = day + pd.to_timedelta(clock_of_day.fillna(0), unit="s")
        has_time[us] = clock_of_day.notna()

    timed = has_time.to_numpy()
    out = pd.Series(pd.NaT, index=values.index, dtype=OCCURRED_DTYPE)
    if timed.any():
        out[timed] = to_city_time(naive[timed], clock)
    if (~timed).any():
        out[~timed] = localize_city_time(naive[~timed].dt.normalize())
    occurred = pd.Series(out.array.take(codes), index=text.index)
    known = pd.Series(timed[codes], index=text.index)
    return occurred, known & occurred.notna()


_MIN_MS = pd.Timestamp.min.value // 1_000_000 + 1
_MAX_MS = pd.Timestamp.max.value // 1_000_000 - 1


def _nanoseconds(stamps: pd.Series) -> pd.Series:
    """Parsed dates as ``datetime64[ns]``; a date beyond pandas' nanosecond range (years
    1677-2262) becomes NaT instead of failing the whole column.

    NOTE: pandas 2 parses ``9999-12-31`` or ``1066-10-14`` to a coarser unit, and storing
    it in a nanosecond column raised ``Out of bounds nanosecond timestamp`` for the whole
    file; ``date_problems`` names such a row's reason from its text.
    """
    if stamps.dtype == "datetime64[ns]":
        return stamps
    values = stamps.to_numpy(dtype="datetime64[us]")
    low, high = np.datetime64(pd.Timestamp.min, "us"), np.datetime64(pd.Timestamp.max, "us")
    values = np.where((values < low) | (values > high), np.datetime64("NaT", "us"), values)
    return pd.Series(values.astype("datetime64[ns]"), index=stamps.index)


def combine_date_and_time(
    day_text: pd.Series,
    time: pd.Series | None,
    meridiem: pd.Series | None = None,
    clock: str = WALL,
) -> tuple[pd.Series, pd.Series]:
    """(Baltimore time, time known) from a date column and a time-of-day column.

    NOTE: Socrata dates carry a meaningless ``T00:00:00.000``; only their calendar date is
    used. A missing or unreadable time keeps the row at midnight of its date with
    time_known False (a date alone is not converted: there is no time to convert).
    """
    stamp, _ = parse_timestamp(day_text)
    day = stamp.dt.tz_localize(None).dt.normalize()
    no_clock = pd.Series(np.nan, index=day_text.index)
    seconds = no_clock if time is None else parse_clock(time, meridiem)
    timed = seconds.notna().to_numpy()
    occurred = pd.Series(pd.NaT, index=day_text.index, dtype=OCCURRED_DTYPE)
    if timed.any():
        wall = day[timed] + pd.to_timedelta(seconds[timed], unit="s")
        occurred[timed] = to_city_time(wall, clock)
    if (~timed).any():
        occurred[~timed] = localize_city_time(day[~timed])
    return occurred, seconds.notna() & occurred.notna()


_WRITTEN_DAY = (
    (re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:$|[ T])"), (1, 2, 3)),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:$|\s)"), (3, 1, 2)),
)


def _calendar_day(text: str | None) -> date | None:
    """The calendar date a text writes (any year 1-9999; epoch ms as their UTC date), or
    None when it writes none. Only for the rare rows pandas could not read."""
    if not text:
        return None
    if re.fullmatch(r"-?\d{11,}(?:\.0*)?", text):
        try:
            return (datetime(1970, 1, 1) + timedelta(milliseconds=float(text))).date()
        except OverflowError:
            return date.max if not text.startswith("-") else date.min
    for pattern, (y, m, d) in _WRITTEN_DAY:
        match = pattern.match(text)
        if match:
            try:
                return date(int(match[y]), int(match[m]), int(match[d]))
            except ValueError:
                return None
    return None


def plausible_start(layout: str) -> pd.Timestamp:
    """Midnight of the first day the layout's dataset publishes (``sources.DATASETS``).

    Earlier rows are late reports of old crimes: kept, counted as outside the dataset's
    plausible range, and never stretch the dates a snapshot covers.
    """
    dataset = DATASETS[DATASET_OF_LAYOUT[layout]]
    return pd.Timestamp(dataset.published_from, tz=config.CITY_TZ)


def date_problems(
    given: pd.Series, occurred: pd.Series, today: date, *, earliest: str = schema.MIN_DATE
) -> pd.Series:
    """Quarantine reason per row for the date, else missing.

    ``missing_date`` (nothing given), ``unparseable_date``, ``date_before_1960`` (before
    schema.MIN_DATE) and ``future_date`` (after ``today``, Baltimore calendar).

    A real calendar date that pandas cannot hold (``9999-12-31``, ``12/31/9999``,
    ``1066-10-14``, epoch ms of year 9999: outside 1677-2262) is read as NaT; it gets the
    reason its date deserves (``future_date`` or ``date_before_1960``), not
    ``unparseable_date``: it is one bad row, never an error for the file.
    """
    reasons = pd.Series(None, index=occurred.index, dtype=object)
    start = pd.Timestamp(earliest, tz=OCCURRED_DTYPE.tz)
    end = pd.Timestamp(today + timedelta(days=1), tz=OCCURRED_DTYPE.tz)
    reasons[(occurred >= end).fillna(False).to_numpy(dtype=bool)] = "future_date"
    reasons[(occurred < start).fillna(False).to_numpy(dtype=bool)] = "date_before_1960"
    unread = occurred.isna().to_numpy()
    reasons[unread] = "unparseable_date"
    if unread.any():
        written = as_text(given)[unread]
        codes, days = _map_distinct(written, _calendar_day)
        first = date.fromisoformat(earliest)
        later = np.array([d is not None and d > today for d in days], dtype=bool)[codes]
        earlier = np.array([d is not None and d < first for d in days], dtype=bool)[codes]
        rows = np.flatnonzero(unread)
        reasons.iloc[rows[later]] = "future_date"
        reasons.iloc[rows[earlier]] = "date_before_1960"
    reasons[as_text(given).isna().to_numpy()] = "missing_date"
    return reasons


# --------------------------------------------------------------------------------------
# Rules: offense
# --------------------------------------------------------------------------------------

_YES = frozenset({"Y", "YES", "TRUE", "1"})
_ASSAULTS = frozenset({"AGG. ASSAULT", "COMMON ASSAULT"})


def classify_offenses(
    code: pd.Series, description: pd.Series, shooting: pd.Series | None = None
) -> pd.DataFrame:
    """crime_code, description, offense, offense_detail, offense_group per row.

    The offense is missing when neither code nor description maps. ``schema.
    classify_offense`` runs once per distinct (code, description, shooting) triple.

    NOTE: Part1_Crime_Beta and NIBRS rows flag a non-fatal shooting with ``Shooting = Y``
    on an assault row; such rows get the description ``SHOOTING`` and so the offense
    SHOOTING. The flag never changes a homicide or robbery.
    """
    flag = pd.Series(False, index=code.index)
    if shooting is not None:
        flag = as_text(shooting).str.upper().isin(_YES).fillna(False).astype(bool)
    keys = pd.DataFrame(
        {
            "code": as_text(code).str.upper(),
            "description": collapse_spaces(description).set_axis(code.index),
            "shooting": flag.to_numpy(),
        },
        index=code.index,
    )
    groups = keys.groupby(list(keys.columns), dropna=False, sort=False)
    codes = groups.ngroup().to_numpy()
    # ngroup(sort=False) numbers the groups in order of first appearance, which is the
    # order drop_duplicates lists them in.
    results = []
    for row_code, row_desc, row_shot in keys.drop_duplicates().itertuples(index=False):
        row_code = None if pd.isna(row_code) else row_code
        row_desc = None if pd.isna(row_desc) else row_desc
        found = schema.classify_offense(row_code, row_desc)
        if row_shot and found is not None and found[0] in _ASSAULTS:
            row_desc = "SHOOTING"
            found = schema.classify_offense(row_code, row_desc)
        offense, detail = found if found is not None else (None, None)
        results.append((row_code, row_desc, offense, detail, schema.OFFENSES.get(offense)))
    columns = list(zip(*results, strict=True)) if results else [()] * 5
    return pd.DataFrame(
        {
            "crime_code": _categorical(codes, columns[0]),
            "description": _categorical(codes, columns[1]),
            "offense": _categorical(codes, columns[2], list(schema.OFFENSES)),
            "offense_detail": _categorical(codes, columns[3]),
            "offense_group": _categorical(codes, columns[4], list(schema.OFFENSE_GROUPS)),
        },
        index=code.index,
    )


def unmapped_label(code: object, description: object) -> str:
    """How an unmapped row is named in the quality report: its description, else its code."""
    if isinstance(description, str) and description:
        return description
    return f"code {code}" if isinstance(code, str) and code else "(no code, no description)"


# --------------------------------------------------------------------------------------
# Rules: place
# --------------------------------------------------------------------------------------

_PAIR = re.compile(r"^\s*(-?\d+(?:\.\d*)?)\s*,\s*(-?\d+(?:\.\d*)?)\s*$")
_PARENTHESISED_PAIR = re.compile(r"\(\s*(-?\d+(?:\.\d*)?)\s*,\s*(-?\d+(?:\.\d*)?)\s*\)")


def _pair_from_text(text: str | None) -> tuple[float, float]:
    match = (_PARENTHESISED_PAIR.search(text) or _PAIR.match(text)) if text else None
    return (float(match[1]), float(match[2])) if match else (np.nan, np.nan)


def coordinates_from_text(geolocation: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(latitude, longitude) from ``(lat,lon)`` text (GeoLocation, legacy Location 1).

    NOTE: the USF extract writes ``(,)`` when there is no point; older Socrata CSVs put
    the address before the pair (``100 N HOWARD ST\n(39.29, -76.62)``).
    """
    codes, pairs = _map_distinct(geolocation, _pair_from_text)
    index = geolocation.index
    return (
        pd.Series(_spread_float(codes, [p[0] for p in pairs]), index=index),
        pd.Series(_spread_float(codes, [p[1] for p in pairs]), index=index),
    )


def _pair_from_point(text: str | None) -> tuple[float, float]:
    try:
        point = json.loads(text) if text else None
    except json.JSONDecodeError:
        point = None
    if not isinstance(point, dict):
        return (np.nan, np.nan)
    try:
        if isinstance(point.get("coordinates"), list) and len(point["coordinates"]) >= 2:
            lon, lat = point["coordinates"][:2]
        elif "latitude" in point and "longitude" in point:
            lat, lon = point["latitude"], point["longitude"]
        else:
            return (np.nan, np.nan)
        return (float(lat), float(lon))
    except (TypeError, ValueError):
        return (np.nan, np.nan)


def coordinates_from_point(point: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(latitude, longitude) from a point object written as JSON.

    NOTE: Socrata ``location_1`` and GeoJSON geometry are ``{"type": "Point",
    "coordinates": [lon, lat]}`` (longitude first); older Socrata points have
    ``latitude``/``longitude`` keys.
    """
    codes, pairs = _map_distinct(point, _pair_from_point)
    index = point.index
    return (
        pd.Series(_spread_float(codes, [p[0] for p in pairs]), index=index),
        pd.Series(_spread_float(codes, [p[1] for p in pairs]), index=index),
    )


def in_city_box(lat: pd.Series, lon: pd.Series) -> pd.Series:
    """True where the point lies in schema.CITY_BBOX."""
    box = schema.CITY_BBOX
    return lat.between(box["lat_min"], box["lat_max"]) & lon.between(box["lon_min"], box["lon_max"])


def repair_coordinates(lat: pd.Series, lon: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(latitude, longitude, repaired) with every point inside the city or missing.

    NOTE: 0 stands for "no point" (USF extract: every row; 2022 export: RowID 105863);
    a point with latitude and longitude swapped is swapped back when that puts it in the
    city; others geocoded far away (``2800 ELLICOTT DY`` at 41.5 N) become missing.
    """
    lat = lat.astype(float).mask(lat == 0)
    lon = lon.astype(float).mask(lon == 0)
    inside = in_city_box(lat, lon)
    swapped = ~inside & in_city_box(lon, lat)
    fixed_lat = lat.where(~swapped, lon).where(inside | swapped)
    fixed_lon = lon.where(~swapped, lat).where(inside | swapped)
    return fixed_lat, fixed_lon, swapped


def locate(view: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(latitude, longitude, repaired) from whatever the layout gives, in this order:
    latitude/longitude columns, GeoLocation text, a point object."""
    nothing = pd.Series(np.nan, index=view.index)
    lat = _numbers(view["latitude"]) if "latitude" in view else nothing
    lon = _numbers(view["longitude"]) if "longitude" in view else nothing
    for name, reader in (("geolocation", coordinates_from_text), ("point", coordinates_from_point)):
        empty = lat.isna() | lon.isna() | (lat == 0) | (lon == 0)
        if name in view and empty.any():
            alt_lat, alt_lon = reader(view.loc[empty, name])
            lat = lat.where(~empty, alt_lat.reindex(view.index))
            lon = lon.where(~empty, alt_lon.reindex(view.index))
    return repair_coordinates(lat, lon)


def normalize_district(values: pd.Series) -> pd.Categorical:
    """Canonical district names (``NORTHEASTERN``, ``Northeast``, ``NED`` -> NORTHEAST)."""
    codes, mapped = _map_distinct(values, schema.canonical_district)
    return _categorical(codes, mapped, DISTRICT_CATEGORIES)


def choose_districts(view: pd.DataFrame) -> tuple[pd.Categorical, pd.Categorical]:
    """(district, old_district).

    The district is New_District (2023 lines) when given, else District, else
    Old_District; old_district keeps Old_District when the layout publishes it and is
    missing otherwise.
    """
    chosen = pd.Series(pd.NA, index=view.index, dtype=TEXT)
    for name in ("old_district", "district", "new_district"):
        if name in view:
            chosen = as_text(view[name]).fillna(chosen)
    district = normalize_district(chosen)
    if "old_district" in view:
        old = normalize_district(view["old_district"])
    else:
        old = pd.Categorical([None] * len(view), categories=DISTRICT_CATEGORIES)
    return district, old


def normalize_neighborhood(values: pd.Series) -> pd.Categorical:
    """One spelling per neighborhood via ``schema.canonical_neighborhood`` (title case).

    NOTE: exports write ``GWYNNS FALLS/LEAKIN PARK``, Socrata ``Gwynns Falls/Leakin Park``,
    the Sun ``Mcelderry Park``; missing becomes ``Unknown``.
    """
    codes, mapped = _map_distinct(values, schema.canonical_neighborhood)
    return _categorical(codes, mapped)


# NOTE: short names that start a known one are other places, not cut-off names: the Sun's
# ``Hamilton`` is not ``Hamilton Hills``, the 2019 CSV's ``Dunbar`` not ``Dunbar-Broadway``.
# Cut-off names are 19-25 characters long.
MIN_EXPANDED_PREFIX = 15


def _name_key(name: str) -> str:
    """Lower case letters and digits only: ``Forest Park/Golf Cou`` ~ ``Forest Park Golf ...``."""
    return "".join(ch for ch in name.lower() if ch.isalnum())


@cache
def _key_index(known: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(sorted keys of the known names, their names in the store's spelling), for bisection."""
    pairs = sorted((_name_key(name), schema.canonical_neighborhood(name)) for name in known)
    return tuple(k for k, _ in pairs), tuple(n for _, n in pairs)


def expand_truncated_name(name: str, known: tuple[str, ...] | None = None) -> str:
    """The one known neighborhood that ``name`` is the cut-off start of, else ``name``.

    Expanded only when ``name`` is not itself a known name, has at least
    ``MIN_EXPANDED_PREFIX`` characters, and starts exactly one known name (compared
    without case, spaces or punctuation); an ambiguous or short prefix stays as it is.
    ``known`` defaults to ``neighborhoods.known_neighborhoods()``.
    """
    if len(name) < MIN_EXPANDED_PREFIX:
        return name
    key = _name_key(name)
    keys, names = _key_index(known_neighborhoods() if known is None else known)
    first = bisect_left(keys, key)
    if not key or (first < len(keys) and keys[first] == key):
        return name
    matches = [i for i in range(first, min(first + 2, len(keys))) if keys[i].startswith(key)]
    return names[matches[0]] if len(matches) == 1 else name


def expand_truncated_neighborhoods(names: pd.Categorical) -> tuple[pd.Categorical, np.ndarray]:
    """(names with cut-off ones expanded to the known name, True per expanded row).

    NOTE: the Socrata JSON cuts names at 25 characters (``Coldstream Homestead Mont``),
    the 2019 legacy CSV at 20 (``Coldstream Homestead``), so one neighborhood would
    count under two names. Older names that no known name starts with
    (``Coppin Heights/Ashbu``, ``Chinquapin Park/Belv``) are kept as published.
    Runs once per category, not per row.
    """
    categories = [str(c) for c in names.categories]
    mapped = [expand_truncated_name(c) for c in categories]
    changed = np.array([m != c for m, c in zip(mapped, categories, strict=True)], dtype=bool)
    codes = np.asarray(names.codes)
    if not changed.any():
        return names, np.zeros(len(codes), dtype=bool)
    # A missing name (code -1) points at an extra missing value and is never expanded.
    codes = np.where(codes < 0, len(categories), codes)
    mapped.append(None)
    changed = np.append(changed, False)
    return _categorical(codes, mapped), changed[codes]


def normalize_post(values: pd.Series) -> pd.Categorical:
    """Post as published, without a float's ``.0``.

    NOTE: the 2020 homicide CSV (written by pandas) has ``733.0`` for post 733.
    """
    codes, mapped = _map_distinct(values, lambda v: re.sub(r"\.0+$", "", v) if v else None)
    return _categorical(codes, mapped)


# --------------------------------------------------------------------------------------
# Rules: labels and victims
# --------------------------------------------------------------------------------------


def _upper_or_unknown(value: str | None) -> str:
    text = " ".join(value.split()).upper() if value else ""
    return UNKNOWN if text in ("", "UNKNOWN") else text


def upper_or_unknown(values: pd.Series) -> pd.Categorical:
    """Upper case, single spaces; missing or any spelling of unknown -> ``Unknown``.

    For weapon and premise (the legacy ``FIREARM`` and the Sun's ``Handgun`` alike).
    """
    codes, mapped = _map_distinct(values, _upper_or_unknown)
    return _categorical(codes, mapped)


def published_or_unknown(values: pd.Series) -> pd.Categorical:
    """As published; missing or any spelling of unknown -> ``Unknown`` (race, ethnicity).

    NOTE: the Sun writes missing as ``NA``, ``None reported``, ``None Reported``,
    ``Unknown``; all four become one ``Unknown``.
    """
    codes, mapped = _map_distinct(
        values, lambda v: UNKNOWN if not v or v.upper() == "UNKNOWN" else " ".join(v.split())
    )
    return _categorical(codes, mapped)


_INSIDE_OUTSIDE = {"I": "Inside", "INSIDE": "Inside", "O": "Outside", "OUTSIDE": "Outside"}


def normalize_inside_outside(values: pd.Series) -> pd.Categorical:
    """``I``/``Inside`` -> Inside, ``O``/``Outside`` -> Outside, anything else Unknown.

    NOTE: the 2021 extract mixes O/I with Outside/Inside in one column.
    """
    codes, mapped = _map_distinct(
        values, lambda v: _INSIDE_OUTSIDE.get(v.upper(), UNKNOWN) if v else UNKNOWN
    )
    return _categorical(codes, mapped, INSIDE_OUTSIDE)


_GENDERS = {"M": "Male", "MALE": "Male", "F": "Female", "FEMALE": "Female"}


def normalize_gender(values: pd.Series) -> pd.Categorical:
    """M/Male -> Male, F/Female -> Female; anything else (U, X, junk) -> Unknown."""
    codes, mapped = _map_distinct(
        values, lambda v: _GENDERS.get(v.upper(), UNKNOWN) if v else UNKNOWN
    )
    return _categorical(codes, mapped, schema.GENDERS)


def clean_age(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(age as Int16, cleared): ages outside 0-110 or not whole numbers become missing.

    ``cleared`` marks a value that was given but impossible (``-3``, ``150``, ``abc``);
    a missing value (or a missing marker such as ``None reported``) is not "cleared".
    """
    codes, uniques = _distinct(values)
    number = pd.to_numeric(uniques, errors="coerce").astype(float)
    valid = number.between(schema.MIN_AGE, schema.MAX_AGE) & (number == np.floor(number))
    given = uniques.notna().to_numpy()
    ages = number.where(valid).to_numpy()
    cleared = given & ~valid.to_numpy()
    return (
        pd.Series(ages[codes], index=values.index).astype("Int16"),
        pd.Series(cleared[codes], index=values.index),
    )


# --------------------------------------------------------------------------------------
# Rules: identity
# --------------------------------------------------------------------------------------


def content_hashes(raw: pd.DataFrame) -> pd.Series:
    """sha1 of each row's values (columns in name order, missing as empty), as hex.

    Everything in a row is stable between two reads of the same file, so the hash is too;
    the row number is left out so the same row in an overlapping file gets the same key.
    """
    if raw.empty:
        return pd.Series([], index=raw.index, dtype=object)
    joined = _join_text([raw[c] for c in sorted(raw.columns)], "\x1f")
    digests = [hashlib.sha1(v.encode("utf-8")).hexdigest() for v in joined.tolist()]
    return pd.Series(digests, index=raw.index, dtype=object)


def record_ids(raw: pd.DataFrame, layout: str, row_id: pd.Series | None) -> pd.Series:
    """``<layout>:<RowID>`` when the row has a RowID, else ``<layout>:sha1:<hash>:<k>``.

    ``k`` counts identical rows (0 for the first, 1 for the second victim, ...), so every
    row of a file has its own key and the same file read twice gives the same keys.
    """
    ids = pd.Series(pd.NA, index=raw.index, dtype=TEXT)
    if row_id is not None:
        ids = (layout + ":" + as_text(row_id)).astype(TEXT)
    need = ids.isna().to_numpy()
    if need.any():
        hashes = content_hashes(raw.loc[need])
        nth = hashes.groupby(hashes, sort=False).cumcount().astype(str)
        ids[need] = (layout + ":sha1:" + hashes + ":" + nth).to_numpy()
    return ids


def incident_ids(cc_number: pd.Series | None, index: pd.Index) -> pd.Series:
    """CCNumber, BPD's complaint number shared by the victims of one incident; missing
    where the layout has none (incident counts are then not available, never zero).

    NOTE: a RowID is one victim's row, not an incident: it is never used here.
    """
    if cc_number is None:
        return pd.Series(pd.NA, index=index, dtype=TEXT)
    return as_text(cc_number)


# --------------------------------------------------------------------------------------
# The chain
# --------------------------------------------------------------------------------------


def _missing_text(index: pd.Index) -> pd.Series:
    return pd.Series(pd.NA, index=index, dtype=TEXT)


def _quarantine_frame(
    source: str,
    raw: pd.DataFrame,
    reasons: pd.Series,
    problems: dict[int, tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """One row per quarantined row: its values as JSON, or, for a row that could not be
    read as a row (``SourceFrame.problems``), ``{"raw_text": ...}`` with its text."""
    held = reasons.notna().to_numpy()
    problems = problems or {}
    payloads = [
        json.dumps({"raw_text": problems[position][1]})
        if position in problems
        else json.dumps({k: (v if isinstance(v, str) else None) for k, v in record.items()})
        for position, record in zip(
            np.flatnonzero(held).tolist(), raw.loc[held].to_dict("records"), strict=True
        )
    ]
    return pd.DataFrame(
        {
            "source": [source] * len(payloads),
            "row_number": (np.flatnonzero(held) + 1).astype("int64"),
            "reason": reasons[held].to_numpy(dtype=object),
            "raw": payloads,
        },
        columns=list(QUARANTINE_COLUMNS),
    )


# Category columns whose categories are fixed (so frames of several sources concatenate).
_FIXED_CATEGORIES = frozenset(
    {"offense", "offense_group", "district", "old_district", "inside_outside", "victim_gender"}
)


def clean(frame: SourceFrame, *, today: date | None = None) -> CleanResult:
    """The rows of ``frame`` in the canonical schema, the quarantined rest, and the counts.

    ``today`` bounds the dates (later ones are quarantined as future_date); it defaults
    to today's date in Baltimore.
    """
    today = today or datetime.now(config.CITY_TZ).date()
    raw = strip_bom(frame.raw).reset_index(drop=True)
    view = canonical_view(SourceFrame(frame.source, frame.layout, raw))

    def published(name: str) -> pd.Series:
        return view[name] if name in view else _missing_text(raw.index)

    row_id = as_text(view["row_id"]) if "row_id" in view else None

    # Rows not readable as rows (sources.READ_REASONS), row ids, then dates, then the
    # offense: the first failing rule names the reason.
    reasons = pd.Series(None, index=raw.index, dtype=object)
    for position, (reason, _) in frame.problems.items():
        reasons.iloc[position] = reason
    record_id = record_ids(raw, frame.layout, row_id)
    reasons[repeated_record_ids(record_id) & reasons.isna().to_numpy()] = "duplicate_record_id"
    clock = CLOCKS[frame.layout]
    if "occurred" in view:
        given = view["occurred"]
        occurred, time_known = parse_timestamp(given, clock)
    else:
        given = published("date")
        occurred, time_known = combine_date_and_time(
            given, view.get("time"), view.get("meridiem"), clock
        )
    reasons = reasons.fillna(date_problems(given, occurred, today))
    offenses = classify_offenses(
        published("crime_code"), published("description"), view.get("shooting")
    )
    reasons[(offenses["offense"].isna() & reasons.isna()).to_numpy()] = "unmapped_offense"

    lat, lon, repaired = locate(view)
    district, old_district = choose_districts(view)
    age, age_cleared = clean_age(published("age"))
    neighborhood, expanded = expand_truncated_neighborhoods(
        normalize_neighborhood(published("neighborhood"))
    )
    incidents = pd.DataFrame(
        {
            "record_id": record_id,
            "incident_id": incident_ids(view.get("cc_number"), raw.index),
            "occurred_at": occurred,
            "time_known": time_known.astype(bool),
            **{name: offenses[name] for name in offenses.columns},
            "weapon": upper_or_unknown(published("weapon")),
            "inside_outside": normalize_inside_outside(published("inside_outside")),
            "premise": upper_or_unknown(published("premise")),
            "post": normalize_post(published("post")),
            "district": district,
            "old_district": old_district,
            "neighborhood": neighborhood,
            "location": as_text(published("location")),
            "latitude": lat.astype("float32"),
            "longitude": lon.astype("float32"),
            "victim_age": age,
            "victim_gender": normalize_gender(published("gender")),
            "victim_race": published_or_unknown(published("race")),
            "victim_ethnicity": published_or_unknown(published("ethnicity")),
            "source": pd.Categorical([frame.source] * len(raw)),
            # ingest names the snapshot; until then a row belongs to its source
            "snapshot": pd.Categorical([frame.source] * len(raw)),
        },
        index=raw.index,
    )[list(schema.COLUMN_NAMES)]

    keep = reasons.isna().to_numpy()
    kept = incidents.loc[keep].reset_index(drop=True)
    for name in kept.columns:
        if isinstance(kept[name].dtype, pd.CategoricalDtype) and name not in _FIXED_CATEGORIES:
            kept[name] = kept[name].cat.remove_unused_categories()

    unmapped = (reasons == "unmapped_offense").to_numpy()
    labels = Counter(
        unmapped_label(c, d)
        for c, d in zip(
            incidents["crime_code"][unmapped].astype(object).tolist(),
            incidents["description"][unmapped].astype(object).tolist(),
            strict=True,
        )
    )
    quality = QualityReport(
        rows_read=len(raw),
        rows_kept=len(kept),
        identical_rows_kept=int(identical_rows(raw, row_id)[keep].sum()),
        outside_plausible_range=int((kept["occurred_at"] < plausible_start(frame.layout)).sum()),
        ungeocoded=int(kept["latitude"].isna().sum()),
        coordinates_repaired=int(repaired.to_numpy()[keep].sum()),
        unknown_district=int((kept["district"] == schema.UNKNOWN_DISTRICT).sum()),
        ages_cleared=int(age_cleared.to_numpy()[keep].sum()),
        genders_unknown=int((kept["victim_gender"] == UNKNOWN).sum()),
        time_unknown=int((~kept["time_known"]).sum()),
        neighborhoods_expanded=int(expanded[keep].sum()),
        quarantined={str(k): int(v) for k, v in reasons.value_counts().items()},
        unmapped_descriptions=dict(labels),
    )
    return CleanResult(
        incidents=kept,
        quarantine=_quarantine_frame(frame.source, raw, reasons, frame.problems),
        quality=quality,
    )
