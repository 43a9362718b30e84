"""Baltimore beside the 20 largest US cities: the Real-Time Crime Index scorecard.

Why a shipped table: the comparison must draw on a fresh clone, offline. The package ships
the scorecard's rows for Baltimore, the 20 cities and the national sample
(``reference/data/peers/rtci_scorecard.csv``, built by ``scripts/build_peers_table.py``
from ../shared, source and date in ``SOURCES.md`` beside it). ``bmoredash peers --refresh
FILE`` checks a newer scorecard and writes its rows to ``<data_dir>/reference/peers.csv``,
which wins over the shipped table when present.

The scorecard's columns are named by their place in time, not by year: the year comes from
``ytd_month_range`` (``Jan - Feb 2026``: the year-to-date columns are January-February of
2024, 2025 and 2026, ``previous_year_full`` is 2025 and ``two_years_prior_full`` 2024), as
the index's own site labels them.

NOTE: some agencies do not report some categories and the scorecard writes 0 for them
(SOURCES.md section 11): Jacksonville reports murders only (its ``violent_crime`` equals
murder), San Diego's ``violent_crime`` is 0 throughout although its parts are not, Las Vegas
reports no rapes. A category that is 0 in every period is *not reported*: it gets no rate,
never a rate of 0, and a violent-crime total missing some of its parts says which.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from bmoredash import config
from bmoredash.files import atomic_write

#: The scorecard's columns, in its order.
SCORECARD_COLUMNS: tuple[str, ...] = (
    "agency_name",
    "state_name",
    "crime_type",
    "ytd_month_range",
    "two_years_prior_full",
    "previous_year_full",
    "two_years_prior_previous_year_full_pct_change",
    "two_years_prior_ytd",
    "previous_year_ytd",
    "current_year_ytd",
    "two_years_prior_current_year_ytd_pct_change",
    "previous_year_current_year_ytd_pct_change",
    "population",
    "number_of_agencies",
    "last_updated",
)
#: Columns holding counts (whole numbers, 0 also where a category is not reported).
COUNT_COLUMNS: tuple[str, ...] = (
    "two_years_prior_full",
    "previous_year_full",
    "two_years_prior_ytd",
    "previous_year_ytd",
    "current_year_ytd",
)
PCT_COLUMNS: tuple[str, ...] = (
    "two_years_prior_previous_year_full_pct_change",
    "two_years_prior_current_year_ytd_pct_change",
    "previous_year_current_year_ytd_pct_change",
)

BALTIMORE = "Baltimore"
#: The index's national aggregate (hundreds of agencies).
NATIONAL = "Full Sample"
#: The 20 most populous single-agency cities in the scorecard of April 2026 (SOURCES.md
#: section 11), largest first.
PEER_CITIES: tuple[str, ...] = (
    "New York City",
    "Los Angeles",
    "Chicago",
    "Houston",
    "Las Vegas",
    "Phoenix",
    "Philadelphia",
    "San Antonio",
    "San Diego",
    "Dallas",
    "Honolulu",
    "Jacksonville",
    "Charlotte",
    "Austin",
    "Fort Worth",
    "San Jose",
    "Columbus",
    "Indianapolis",
    "San Francisco",
    "Seattle",
)
AGENCIES: tuple[str, ...] = (BALTIMORE, *PEER_CITIES, NATIONAL)

MURDER = "murder"
VIOLENT = "violent_crime"
#: What the comparison shows.
MEASURES: tuple[str, ...] = (MURDER, VIOLENT)
#: The parts of the violent-crime total (the scorecard's sum, exact where all are reported).
VIOLENT_PARTS: tuple[str, ...] = ("murder", "rape", "robbery", "aggravated_assault")
#: Crime types shipped: the measures and the parts that tell whether a total is whole.
CRIME_TYPES: tuple[str, ...] = (*VIOLENT_PARTS, VIOLENT)

#: Rates are per this many residents.
PER = 100_000
CITATION = "Real-Time Crime Index, AH Datalytics, realtimecrimeindex.com"
SOURCE_URL = "https://realtimecrimeindex.com"

SHIPPED = Path(__file__).resolve().parent / "data" / "peers" / "rtci_scorecard.csv"
#: The data directory's copy (written by ``refresh``), relative to the data directory.
DATA_DIR_COPY = Path("reference") / "peers.csv"

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_RANGE = re.compile(r"^(?P<first>[A-Z][a-z]{2}) - (?P<last>[A-Z][a-z]{2}) (?P<year>\d{4})$")
_UPDATED = re.compile(r"^(?P<day>\d{4}-\d{2}-\d{2})[ T]\d{2}:\d{2}(:\d{2})?( [A-Z]{2,5})?$")
_COUNT = re.compile(r"^\d+$")
_PCT = re.compile(r"^(NA|-?\d+(\.\d+)?(e-?\d+)?)$")


class PeersError(ValueError):
    """A scorecard file that cannot be used, in one line."""


# --------------------------------------------------------------------------------------
# Reading, checking, writing
# --------------------------------------------------------------------------------------


def _where(source: object) -> str:
    return Path(source).name if isinstance(source, str | os.PathLike) else "the scorecard"


def parse_scorecard(text: str, source: object = None) -> pd.DataFrame:
    """The scorecard in ``text`` as text cells, checked: the columns of ``SCORECARD_COLUMNS``
    (any order), whole non-negative counts, a positive population, a ``ytd_month_range`` like
    ``Jan - Feb 2026``, a ``last_updated`` date, each agency and crime type once, and
    Baltimore's murder and violent-crime rows. A ``PeersError`` says what is wrong."""
    name = _where(source)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else "empty"
        raise PeersError(f"{name} is not a readable CSV file ({first})") from None
    columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in SCORECARD_COLUMNS if c not in columns]
    extra = [c for c in columns if c not in SCORECARD_COLUMNS]
    if missing or extra:
        parts = []
        if missing:
            shown = ", ".join(missing[:3]) + (", ..." if len(missing) > 3 else "")
            parts.append(f"missing {len(missing)} of its {len(SCORECARD_COLUMNS)} ({shown})")
        if extra:
            parts.append(f"unexpected {', '.join(extra[:3])}" + (", ..." if len(extra) > 3 else ""))
        raise PeersError(f"{name} does not have the RTCI scorecard's columns: {'; '.join(parts)}")
    frame.columns = columns
    frame = frame[list(SCORECARD_COLUMNS)].apply(lambda c: c.str.strip())
    if frame.empty:
        raise PeersError(f"{name} has the scorecard's columns but no rows")
    _check_cells(frame, name)
    keys = frame[["agency_name", "crime_type"]]
    twice = keys[keys.duplicated()]
    if len(twice):
        agency, crime = twice.iloc[0]
        raise PeersError(f"{name} has more than one {crime} row for {agency}")
    for crime in MEASURES:
        if not ((frame["agency_name"] == BALTIMORE) & (frame["crime_type"] == crime)).any():
            raise PeersError(f"{name} has no {crime} row for {BALTIMORE}")
    return frame


def _check_cells(frame: pd.DataFrame, name: str) -> None:
    """Raise a ``PeersError`` naming the first cell that is not what its column holds."""
    checks: list[tuple[tuple[str, ...], re.Pattern[str], str]] = [
        (COUNT_COLUMNS, _COUNT, "a whole number of 0 or more"),
        (("population", "number_of_agencies"), _COUNT, "a whole number"),
        (PCT_COLUMNS, _PCT, "a number or NA"),
        (("ytd_month_range",), _RANGE, "a month range like 'Jan - Feb 2026'"),
        (("last_updated",), _UPDATED, "a date and time like '2026-04-24 15:19:01 EDT'"),
    ]
    for columns, pattern, meaning in checks:
        for column in columns:
            bad = ~frame[column].str.match(pattern)
            if bad.any():
                row = int(np.flatnonzero(bad.to_numpy())[0])
                value = frame[column].iloc[row][:40]
                raise PeersError(f"{name}, row {row + 2}, {column}: {value!r} is not {meaning}")
    for value in frame["ytd_month_range"]:
        match = _RANGE.match(value)
        if match["first"] not in _MONTHS or match["last"] not in _MONTHS:
            raise PeersError(f"{name}: ytd_month_range {value!r} does not name two months")
    if (frame["population"].astype(np.int64) <= 0).any():
        raise PeersError(f"{name}: a population of 0")


def read_scorecard(path: str | os.PathLike[str]) -> pd.DataFrame:
    """``parse_scorecard`` of a file (a file that cannot be read is a ``PeersError``)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise PeersError(f"no such file: {path}") from None
    except (OSError, UnicodeError) as error:
        raise PeersError(f"cannot read {path}: {error}") from None
    return parse_scorecard(text, path)


def select_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows the comparison uses: ``AGENCIES`` x ``CRIME_TYPES``, in that order (an
    agency the file lacks is left out; ``missing_agencies`` names them)."""
    rank_agency = {a: i for i, a in enumerate(AGENCIES)}
    rank_crime = {c: i for i, c in enumerate(CRIME_TYPES)}
    kept = frame[frame["agency_name"].isin(AGENCIES) & frame["crime_type"].isin(CRIME_TYPES)]
    order = np.lexsort(
        (kept["crime_type"].map(rank_crime).to_numpy(), kept["agency_name"].map(rank_agency))
    )
    return kept.iloc[order].reset_index(drop=True)


def missing_agencies(frame: pd.DataFrame) -> list[str]:
    """``AGENCIES`` without a row in ``frame``."""
    present = set(frame["agency_name"])
    return [a for a in AGENCIES if a not in present]


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def table_text(frame: pd.DataFrame) -> str:
    """The shipped table's text: the scorecard's columns, cells as read, header and text
    columns quoted, numbers not, as the scorecard writes them (so each line is the
    scorecard's line)."""
    out = io.StringIO()
    out.write(",".join(_quote(c) for c in SCORECARD_COLUMNS) + "\n")
    numeric = {*COUNT_COLUMNS, *PCT_COLUMNS, "population", "number_of_agencies"}
    quoted = [c not in numeric for c in SCORECARD_COLUMNS]
    for values in frame[list(SCORECARD_COLUMNS)].itertuples(index=False):
        cells = [_quote(v) if q else v for v, q in zip(values, quoted, strict=True)]
        out.write(",".join(cells) + "\n")
    return out.getvalue()


def data_dir_copy(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """Where ``refresh`` writes the data directory's table."""
    return config.data_dir(data_dir) / DATA_DIR_COPY


def refresh(
    source: str | os.PathLike[str], data_dir: str | os.PathLike[str] | None = None
) -> tuple[Path, pd.DataFrame]:
    """Check the scorecard ``source`` and write its rows (``select_rows``) atomically as
    the data directory's table; (path written, rows). A bad file is a ``PeersError`` and
    leaves the table in place untouched."""
    rows = select_rows(read_scorecard(source))
    target = data_dir_copy(data_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(target) as handle:
        handle.write(table_text(rows))
    return target, rows


# --------------------------------------------------------------------------------------
# The comparison
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scorecard:
    """The table in use: its rows (text cells), where it was read from, its date."""

    rows: pd.DataFrame
    path: Path
    shipped: bool

    @property
    def last_updated(self) -> date:
        """The day the index last updated the data (``last_updated``, the latest)."""
        days = self.rows["last_updated"].str.slice(0, 10)
        return date.fromisoformat(max(days))

    @property
    def current_year(self) -> int:
        """The year-to-date year of Baltimore's rows (2026 in the April 2026 scorecard)."""
        return _years(self.rows[self.rows["agency_name"] == BALTIMORE].iloc[0]).current


def load(data_dir: str | os.PathLike[str] | None = None) -> Scorecard:
    """The data directory's table when it has one (``refresh``), else the shipped one."""
    copy = data_dir_copy(data_dir)
    path, shipped = (copy, False) if copy.is_file() else (SHIPPED, True)
    return Scorecard(select_rows(read_scorecard(path)), path, shipped)


@dataclass(frozen=True)
class _Years:
    current: int
    first_month: str
    last_month: str


def _years(row: pd.Series) -> _Years:
    match = _RANGE.match(row["ytd_month_range"])
    return _Years(int(match["year"]), match["first"], match["last"])


#: Columns of ``city_figures``.
FIGURE_COLUMNS: tuple[str, ...] = (
    "agency",
    "state",
    "measure",
    "population",
    "agencies",
    "year_before",
    "year_last",
    "count_before",
    "count_last",
    "rate_before",
    "rate_last",
    "ytd_window",
    "ytd_year",
    "ytd_before",
    "ytd_now",
    "reported",
    "note",
)


def _not_reported(row: pd.Series) -> bool:
    """A category 0 in every period: the agency does not report it."""
    return all(int(row[c]) == 0 for c in COUNT_COLUMNS)


def _note(agency_rows: pd.DataFrame, measure: str) -> tuple[bool, str]:
    """(reported, why not or what is left out) for one agency's ``measure``."""
    by_crime = {r["crime_type"]: r for _, r in agency_rows.iterrows()}
    row = by_crime.get(measure)
    if row is None:
        return False, "not in the scorecard"
    if measure != VIOLENT:
        return (False, "not reported") if _not_reported(row) else (True, "")
    unreported = [p for p in VIOLENT_PARTS if p in by_crime and _not_reported(by_crime[p])]
    if _not_reported(row):
        return False, "violent-crime total published as 0: not reported"
    if unreported and set(VIOLENT_PARTS) - set(unreported) == {MURDER}:
        return False, "reports murders only: no violent-crime total"
    if unreported:
        words = " and ".join(p.replace("_", " ") for p in unreported)
        return True, f"leaves out {words} (not reported)"
    return True, ""


def _rate(count: int, population: int, reported: bool) -> float:
    return count / population * PER if reported else np.nan


def city_figures(scorecard: Scorecard | pd.DataFrame) -> pd.DataFrame:
    """One row per agency (``AGENCIES`` order) and measure (``MEASURES``): counts and rates
    per ``PER`` residents for the two full years, the year-to-date counts of the current
    year and the one before with their window (``Jan-Feb``), whether the measure is
    reported, and a note. Rates are NaN where a category is not reported, never 0; the
    percent change is left to the small-numbers rule (``aggregate.readable_percent``)."""
    rows = scorecard.rows if isinstance(scorecard, Scorecard) else scorecard
    records = []
    for agency, agency_rows in rows.groupby("agency_name", sort=False):
        for measure in MEASURES:
            reported, note = _note(agency_rows, measure)
            match = agency_rows[agency_rows["crime_type"] == measure]
            if match.empty:
                continue
            row = match.iloc[0]
            years = _years(row)
            population = int(row["population"])
            counts = {c: int(row[c]) for c in COUNT_COLUMNS}
            window = (
                years.first_month
                if years.first_month == years.last_month
                else f"{years.first_month}–{years.last_month}"
            )
            records.append(
                {
                    "agency": agency,
                    "state": row["state_name"],
                    "measure": measure,
                    "population": population,
                    "agencies": int(row["number_of_agencies"]),
                    "year_before": years.current - 2,
                    "year_last": years.current - 1,
                    "count_before": counts["two_years_prior_full"] if reported else np.nan,
                    "count_last": counts["previous_year_full"] if reported else np.nan,
                    "rate_before": _rate(counts["two_years_prior_full"], population, reported),
                    "rate_last": _rate(counts["previous_year_full"], population, reported),
                    "ytd_window": window,
                    "ytd_year": years.current,
                    "ytd_before": counts["previous_year_ytd"] if reported else np.nan,
                    "ytd_now": counts["current_year_ytd"] if reported else np.nan,
                    "reported": reported,
                    "note": note,
                }
            )
    return pd.DataFrame.from_records(records, columns=list(FIGURE_COLUMNS))
