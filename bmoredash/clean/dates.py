"""Dates and times: the published clocks and formats parsed to Baltimore time
(``OCCURRED_DTYPE``), a date and a time of day combined, and dates that cannot be right."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import partial

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from bmoredash import config, schema
from bmoredash.clean.text import (
    TEXT,
    _arrow_text,
    _distinct,
    _join_text,
    _map_distinct,
    _spread_float,
    as_text,
)
from bmoredash.sources import (
    DATASET_OF_LAYOUT,
    DATASETS,
    UTC,
    WALL,
)

OCCURRED_DTYPE = pd.DatetimeTZDtype("ns", config.CITY_TZ_NAME)

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
