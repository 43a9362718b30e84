"""Counting rules: every number the dashboard and the reports show comes from here.

Pure pandas on a frame of canonical rows (``store.load_incidents``): no I/O, no widgets.
Each public function is one named rule with a test in ``tests/test_aggregate.py``.

Conventions
- A row is a victim (BPD publishes victim-based data), so counts are victim counts;
  ``incident_rows`` turns the rows into one per incident where the data has an incident
  number, for counts of incidents (the dashboard's and the report's Count switch).
- Dates are Eastern calendar dates of ``occurred_at``; windows are inclusive on both ends.
- Weeks end on Saturday (BPD CompStat weeks run Sunday to Saturday).
- Part 1 totals never include COMMON ASSAULT (group ``other``).
- No data is not zero. Functions that take a ``coverage`` (``coverage.Coverage``) make no
  comparison over a window with an uncovered day (``Comparison.why_not`` says why) and give
  NaN, never 0, for a week, month or running total that holds one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd

from bmoredash.coverage import Coverage, Matched, match_periods
from bmoredash.periods import (
    Window,
    day_of_year_map,
    last_complete_week_end,  # noqa: F401 (re-exported for report, trends, tests)
    same_day_last_year,  # noqa: F401 (re-exported)
    same_days_in_year,
    week_ending,  # noqa: F401 (re-exported for report)
    week_endings,
    week_ends_index,
    week_starts,
    week_window,
    weeks_before,
    weeks_window,
    ytd_windows,
)
from bmoredash.schema import (
    OFFENSES,
    PART1_OFFENSES,
    PROPERTY_OFFENSES,
    VIOLENT_OFFENSES,
)
from bmoredash.selection import Selection

#: Below this many events in both windows a change is not worth reading as a trend.
MIN_READABLE_COUNT = 10
#: Two-sided tail probability under which a count is flagged as notable.
NOTABLE_P = 0.01
#: A week is flagged only when at least this many of its baseline weeks have data.
MIN_BASELINE_WEEKS = 8
#: Cells with fewer victims than this are suppressed in demographic tables (privacy).
MIN_CELL = 3

#: The four headline measures: label -> offenses counted.
HEADLINE_MEASURES: dict[str, tuple[str, ...]] = {
    "Homicides": ("HOMICIDE",),
    "Non-fatal shootings": ("SHOOTING",),
    "Part 1 violent": VIOLENT_OFFENSES,
    "Part 1 property": PROPERTY_OFFENSES,
}


# --------------------------------------------------------------------------------------
# Windows
# --------------------------------------------------------------------------------------


# Window, the week rule, year to date and same days last year live in
# ``bmoredash.periods`` (the one home of the period rule); they are imported above and
# stay importable from here (``agg.Window``, ``agg.ytd_windows``...) for the many callers.


# --------------------------------------------------------------------------------------
# Victims or incidents
# --------------------------------------------------------------------------------------

#: What a count counts: victims (rows as BPD publishes them) or incidents.
VICTIMS = "victims"
INCIDENTS = "incidents"
UNITS: tuple[str, ...] = (VICTIMS, INCIDENTS)
#: Each offense's rank for the incident rule: the display order, which is the FBI's
#: hierarchy (homicide, rape, robbery, aggravated assault, burglary, larceny, motor vehicle
#: theft, arson) with a non-fatal shooting next to homicide.
OFFENSE_RANK: dict[str, int] = {name: rank for rank, name in enumerate(OFFENSES)}


def check_unit(unit: str) -> str:
    """``victims`` or ``incidents``, else ValueError naming both."""
    if unit not in UNITS:
        raise ValueError(f"unknown count {unit!r}; valid: {', '.join(UNITS)}")
    return unit


def incident_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per incident (``incident_id``, BPD's CCNumber) among ``frame``'s rows.

    The incident keeps the row of its most serious offense (``OFFENSE_RANK``), then its
    earliest row, so an incident with a homicide victim and a shooting victim is one
    homicide incident, as the hierarchy rule counts it. Rows without an incident number
    cannot be grouped and are left out: ``rows_without_incident`` says how many, and every
    face that counts incidents says so. This is the reference rule; the dashboard's fast
    path (``FilteredView``) is held equal to it.
    """
    keyed = frame[frame["incident_id"].notna().to_numpy()]
    rank = keyed["offense"].astype(str).map(OFFENSE_RANK).to_numpy()
    order = np.lexsort((np.arange(len(keyed)), rank, keyed["incident_id"].astype(str).to_numpy()))
    ids = keyed["incident_id"].astype(str).to_numpy()[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = ids[1:] != ids[:-1]
    return keyed.iloc[np.sort(order[first])]


def rows_without_incident(frame: pd.DataFrame) -> int:
    """Rows that have no incident number (left out of incident counts)."""
    return int(frame["incident_id"].isna().sum())


def counted_rows(frame: pd.DataFrame, unit: str) -> pd.DataFrame:
    """The rows a count of ``unit`` counts: every row for victims, ``incident_rows`` for
    incidents."""
    return incident_rows(frame) if check_unit(unit) == INCIDENTS else frame


def unit_note(unit: str, left_out: int = 0) -> str:
    """One sentence that says what the counts count, for every face."""
    if check_unit(unit) == VICTIMS:
        return (
            "Counts are victims (one row per victim, as BPD publishes them): an incident "
            "with two victims counts twice."
        )
    note = (
        "Counts are incidents (distinct BPD case numbers): an incident with several victims "
        "counts once, under its most serious offense."
    )
    if left_out:
        note += f" {left_out:,} victim rows without a case number are not counted."
    return note


# --------------------------------------------------------------------------------------
# Rows of a window (the selection rule itself lives in ``bmoredash.selection``)
# --------------------------------------------------------------------------------------


def event_dates(frame: pd.DataFrame) -> pd.Series:
    """Eastern calendar date of each row, as ``datetime64[ns]`` at midnight (naive)."""
    return frame["occurred_at"].dt.tz_localize(None).dt.normalize()


def in_window(frame: pd.DataFrame, window: Window) -> pd.DataFrame:
    """Rows whose Eastern date falls inside ``window``."""
    days = event_dates(frame)
    mask = (days >= pd.Timestamp(window.start)) & (days <= pd.Timestamp(window.end))
    return frame[mask.to_numpy()]


# --------------------------------------------------------------------------------------
# Counts
# --------------------------------------------------------------------------------------


def value_counts(values: pd.Series) -> pd.Series:
    """Rows per value, keyed by the value as text; missing values are not counted.

    Counting a categorical by its codes and naming the categories afterwards avoids
    turning every row into a string (10x faster on the dashboard's filter path).
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        counts = values.value_counts()
        counts = counts[counts > 0]
        counts.index = [str(v) for v in counts.index]
    else:
        counts = values.astype(str).value_counts()
    return counts.groupby(level=0, sort=False).sum().sort_values(ascending=False, kind="stable")


def count_by_offense(frame: pd.DataFrame, offenses: Iterable[str] = PART1_OFFENSES) -> pd.Series:
    """Rows per canonical offense, zero-filled, in display order."""
    order = list(offenses)
    counts = value_counts(frame["offense"])
    return counts.reindex(order, fill_value=0).astype(int)


def headline_counts(frame: pd.DataFrame) -> pd.Series:
    """Counts for the four headline measures (homicides, shootings, violent, property)."""
    per_offense = count_by_offense(frame, OFFENSES)
    return pd.Series(
        {label: int(per_offense[list(offs)].sum()) for label, offs in HEADLINE_MEASURES.items()}
    )


def percent_change(current: float, previous: float) -> float | None:
    """Change in percent, or None when the previous count is zero."""
    if previous == 0:
        return None
    return (current - previous) / previous * 100.0


def percent_readable(current: float | None, previous: float | None) -> bool:
    """The small-numbers rule, the one every face follows: a percentage is given only when
    both counts reach ``MIN_READABLE_COUNT`` (4 against 1 is not "+300%"). The absolute
    change can still be shown. A missing count (None, NaN) gives no percentage either."""
    if current is None or previous is None or pd.isna(current) or pd.isna(previous):
        return False
    return min(current, previous) >= MIN_READABLE_COUNT


def readable_percent(current: float | None, previous: float | None) -> float | None:
    """``percent_change`` when ``percent_readable``, else None."""
    return percent_change(current, previous) if percent_readable(current, previous) else None


@dataclass(frozen=True)
class Comparison:
    """A count now against a count before, with whether the change is worth reading.

    ``why_not`` (a ``Coverage.why_not`` text) means the windows cannot be compared: one
    holds days without data, so there is no change to describe, only the reason.
    ``dispersion`` (phi: variance over mean of the counts) and ``dispersion_df`` (the
    degrees of freedom it was estimated on; None: taken as known) say how far counts swing
    by chance (``paired_dispersion``); a change is "up" or "down" only beyond that
    (``change_beyond_chance``, p < 0.01).
    """

    label: str
    current: int
    previous: int
    why_not: str | None = None
    dispersion: float = 1.0
    dispersion_df: int | None = None
    #: the days both periods leave out because one lacks data (``coverage.Matched.note``)
    left_out: str | None = None
    #: the count over every day of the period with data (``current`` is over the matched
    #: days when some are left out); None when the two are the same
    whole: int | None = None

    @property
    def total(self) -> int:
        """What the period counts: the number a reader sees as this period's."""
        return self.current if self.whole is None else self.whole

    @property
    def change(self) -> int:
        return self.current - self.previous

    @property
    def percent(self) -> float | None:
        return None if self.why_not else readable_percent(self.current, self.previous)

    @property
    def readable(self) -> bool:
        """False when both counts are small (a percent change of tiny numbers misleads) or
        when there is no comparison."""
        return not self.why_not and max(self.current, self.previous) >= MIN_READABLE_COUNT

    @property
    def judged(self) -> bool:
        """True when chance can be judged: readable, and the dispersion rests on at least
        one degree of freedom (two paired weeks)."""
        return self.readable and (self.dispersion_df is None or self.dispersion_df >= 1)

    @property
    def direction(self) -> str:
        """``"up"`` or ``"down"`` when the change is beyond chance at p < 0.01, else ``""``."""
        if not self.judged:
            return ""
        return change_beyond_chance(
            self.current, self.previous, self.dispersion, self.dispersion_df
        )

    def describe(self) -> str:
        """Plain-language change: ``up 12 (+8.1%)`` or ``down 12 (-8.1%)`` beyond chance,
        ``+3 (+2.1%), within chance`` otherwise; ``too few events to read a change``,
        ``+3 (+2.1%), too short a period to judge`` (under two weeks) or
        ``no comparison: data start Mar 18, 2025``."""
        if self.why_not:
            return self.why_not
        if not self.readable:
            return "too few events to read a change"
        pct = self.percent
        pct_text = "" if pct is None else f" ({pct:+.1f}%)"
        if not self.judged:
            return f"{self.change:+d}{pct_text}, too short a period to judge"
        direction = self.direction
        if direction:
            return f"{direction} {abs(self.change):d}{pct_text}"
        return f"{self.change:+d}{pct_text}, within chance"


def chance_verdict(comparison: Comparison) -> str:
    """One word for a comparison: ``up``/``down`` (beyond chance), ``within chance``,
    ``too few`` (both counts small), ``too short`` (under two paired weeks), or ``""``
    when there is no comparison (``why_not``)."""
    if comparison.why_not:
        return ""
    if not comparison.readable:
        return "too few"
    if not comparison.judged:
        return "too short"
    return comparison.direction or "within chance"


def _offense_key(offenses: Iterable[str] | None) -> frozenset[str] | None:
    return frozenset(offenses) if offenses is not None else None


# NOTE: a filter change asks the same questions of the same coverage again and again (the
# period does not change with the district); the answers are remembered, per kernel.
@lru_cache(maxsize=4096)
def _why_not(
    coverage: Coverage, start: date, end: date, offenses: frozenset[str] | None
) -> str | None:
    return coverage.why_not(start, end, offenses)


@lru_cache(maxsize=512)
def _covered_days(
    coverage: Coverage, first: date, last: date, offenses: frozenset[str] | None
) -> np.ndarray:
    days = pd.date_range(first, last)
    covered = coverage.mask(days, offenses)
    covered.flags.writeable = False
    return covered


def why_not_compared(
    coverage: Coverage | None, windows: Iterable[Window], offenses: Iterable[str] | None
) -> str | None:
    """Why ``windows`` cannot be compared for ``offenses`` (the first with a day without
    data), or None when every one is covered (always None without a coverage)."""
    if coverage is None:
        return None
    chosen = _offense_key(offenses)
    for window in windows:
        why = _why_not(coverage, window.start, window.end, chosen)
        if why:
            return why
    return None


def compare_counts(
    now: pd.DataFrame,
    before: pd.DataFrame,
    measures: Mapping[str, Iterable[str]],
    window: Window,
    previous: Window,
    coverage: Coverage | None = None,
) -> list[Comparison]:
    """One ``Comparison`` per measure (label -> offenses counted): the rows ``now`` (of
    ``window``) against the rows ``before`` (of ``previous``).

    With ``coverage``, the two windows are compared on the days both have data
    (``coverage.match_periods``: a day without data and its match leave both counts, and
    ``left_out`` says which); when that would leave out more than a tenth of the days, the
    measure gets ``why_not`` instead of a change. Each carries the dispersion of its
    weekly counts, estimated from the two windows' paired weeks (``paired_dispersion``).
    """
    # value_counts of the column itself: count_by_offense's tidy table costs 5x more,
    # and the dashboard compares on every filter change.
    counted = [rows["offense"].value_counts(sort=False).to_dict() for rows in (now, before)]
    spread = paired_dispersion(now, before, window, previous, measures)
    out = []
    # NOTE: every measure of a view usually leaves out the same days: count them once.
    matched_counts: dict[Matched, list[dict]] = {}
    for label, offenses in measures.items():
        chosen = list(offenses)
        matched = _matched(coverage, window, previous, _offense_key(chosen))
        counts = counted
        if matched is not None and matched.left_out:
            if matched not in matched_counts:
                matched_counts[matched] = [
                    _without_days(rows, days)["offense"].value_counts(sort=False).to_dict()
                    for rows, days in (
                        (now, matched.left_out),
                        (before, matched.left_out_before),
                    )
                ]
            counts = matched_counts[matched]
        current, earlier = (sum(int(c.get(o, 0)) for o in chosen) for c in counts)
        whole = sum(int(counted[0].get(o, 0)) for o in chosen)
        why = why_not_compared(coverage, (previous, window), chosen) if matched is None else None
        phi, df = spread[label]
        note = matched.note() if matched is not None else None
        out.append(
            Comparison(
                label, current, earlier, why, phi, df, note, whole if whole != current else None
            )
        )
    return out


@lru_cache(maxsize=4096)
def _matched(
    coverage: Coverage | None,
    window: Window,
    previous: Window,
    offenses: frozenset[str] | None,
) -> Matched | None:
    """The windows matched on the days both have data (no coverage: nothing left out)."""
    if coverage is None:
        return Matched((), ())
    return match_periods(
        coverage, (window.start, window.end), (previous.start, previous.end), offenses
    )


def _without_days(rows: pd.DataFrame, days: Iterable[date]) -> pd.DataFrame:
    """``rows`` without those dated on ``days`` (Baltimore calendar)."""
    local = rows["occurred_at"].dt.tz_localize(None).to_numpy().astype("datetime64[D]")
    dropped = np.array(sorted(days), dtype="datetime64[D]")
    return rows.loc[~np.isin(local, dropped)]


def ytd_comparison(
    frame: pd.DataFrame, through: date, coverage: Coverage | None = None
) -> list[Comparison]:
    """Headline measures year to date against the same days of last year."""
    this_window, last_window = ytd_windows(through)
    now, before = in_window(frame, this_window), in_window(frame, last_window)
    return compare_counts(now, before, HEADLINE_MEASURES, this_window, last_window, coverage)


def covered_periods(
    starts: pd.DatetimeIndex,
    ends: pd.DatetimeIndex,
    coverage: Coverage,
    offenses: Iterable[str] | None,
) -> np.ndarray:
    """True per period [start, end] (inclusive dates) whose every day is covered."""
    starts, ends = pd.DatetimeIndex(starts), pd.DatetimeIndex(ends)
    if not len(starts):
        return np.zeros(0, dtype=bool)
    origin = starts.min()
    covered = _covered_days(coverage, origin.date(), ends.max().date(), _offense_key(offenses))
    missing = np.concatenate(([0], np.cumsum(~covered)))
    first = (starts - origin).days.to_numpy()
    last = (ends - origin).days.to_numpy() + 1
    return missing[last] - missing[first] == 0


def _blank_uncovered(
    counts: pd.Series,
    starts: pd.DatetimeIndex,
    ends: pd.DatetimeIndex,
    window: Window,
    coverage: Coverage | None,
    offenses: Iterable[str] | None,
) -> pd.Series:
    """``counts`` (one per period) with NaN for each period holding a day without data,
    from its first day to its last (or the window's end)."""
    if coverage is None:
        return counts
    last = pd.Timestamp(window.end)
    ends = ends.where(ends <= last, last)
    return counts.astype(float).where(covered_periods(starts, ends, coverage, offenses))


def weekly_counts(
    frame: pd.DataFrame,
    window: Window,
    coverage: Coverage | None = None,
    offenses: Iterable[str] | None = None,
) -> pd.Series:
    """Rows per week (index: the Saturday ending each week), zero-filled over ``window``.

    Partial weeks at either end are counted over the days they have. With ``coverage``
    (and the ``offenses`` the rows hold), a week with a day without data is NaN.
    """
    ends = week_endings(event_dates(in_window(frame, window)))
    index = week_ends_index(window)
    counts = ends.value_counts().reindex(index, fill_value=0).astype(int).rename("count")
    return _blank_uncovered(counts, week_starts(index), index, window, coverage, offenses)


def monthly_counts(
    frame: pd.DataFrame,
    window: Window,
    coverage: Coverage | None = None,
    offenses: Iterable[str] | None = None,
) -> pd.Series:
    """Rows per calendar month (index: first day of month), zero-filled over ``window``.

    With ``coverage``, a month with a day without data (up to ``window.end``) is NaN.
    """
    days = event_dates(in_window(frame, window))
    months = days.dt.to_period("M").dt.to_timestamp()
    index = pd.date_range(
        pd.Timestamp(window.start).to_period("M").to_timestamp(),
        pd.Timestamp(window.end),
        freq="MS",
    )
    counts = months.value_counts().reindex(index, fill_value=0).astype(int).rename("count")
    ends = index + pd.offsets.MonthEnd(0)
    return _blank_uncovered(counts, index, ends, window, coverage, offenses)


def cumulative_by_day_of_year(
    frame: pd.DataFrame,
    years: Iterable[int],
    through: date,
    coverage: Coverage | None = None,
    offenses: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Cumulative count by day of year (rows: 1..366, the days of ``through``'s year),
    one column per year.

    Years line up by month and day (``periods.day_of_year_map``): a year's value on the
    row of a date is its count from Jan 1 to the same day in that year (Feb 29 maps to
    Feb 28), so on ``through``'s row each year shows exactly the count the year-to-date
    comparison uses (``ytd_windows``). Rows after ``through`` are NaN so the lines stop
    where the comparison stops. With ``coverage``, a year's total is NaN from its first
    day without data on (a total missing a day is no total), so a year whose data do not
    start on January 1 has no line.
    """
    days = event_dates(frame)
    day_of_year = days.dt.day_of_year
    cutoff = through.timetuple().tm_yday
    index = pd.RangeIndex(1, 367, name="day_of_year")
    chosen = _offense_key(offenses)
    columns = {}
    for year in years:
        # Row d (a date of through's year, up to through) reads day ``rows[d-1]`` of year.
        rows = np.asarray(day_of_year_map(through.year, year)[:cutoff])
        in_year = day_of_year[days.dt.year == year]
        own = in_year.value_counts().reindex(index, fill_value=0).cumsum().to_numpy()
        daily = np.full(len(index), np.nan)
        daily[:cutoff] = own[rows - 1]
        if coverage is not None:
            span = same_days_in_year(through, year)
            covered = _covered_days(coverage, span.start, span.end, chosen)
            whole = np.logical_and.accumulate(covered)
            daily[:cutoff] = np.where(whole[rows - 1], daily[:cutoff], np.nan)
        columns[year] = pd.Series(daily, index=index)
    return pd.DataFrame(columns, index=index)


# --------------------------------------------------------------------------------------
# What is notable
# --------------------------------------------------------------------------------------
#
# A week is compared with what its own history makes likely, allowing for the season and
# for the over-dispersion of real counts (week-to-week variance is several times the mean,
# not equal to it as a Poisson count's would be):
#
#   level     L_t = mean of the weeks with data among the 52 before week t
#   season    S_t = sum_y mean(x[t-52y-3 .. t-52y+3]) / sum_y L_{t-52y},  y = 1..3
#                   (the same week +/- 3 weeks in each earlier year with data, against
#                   that year's own 52-week level; 1 when no earlier year has data)
#   expected  E_t = L_t * S_t
#   spread    phi = mean over the series' other weeks of (x - E)^2 / E, at least 1
#                   (quasi-Poisson dispersion: variance = phi * E)
#
# and the count is tested two-sided at p < 0.01 against a negative binomial with mean E_t
# and variance phi * E_t (exact tail, summed in log space; Poisson when phi is 1).
# ``benchmarks/bench_flags.py`` measures how often this fires against the old plain
# Poisson test.

#: What a flag means and how often it fires by chance, in plain words (the Trends page,
#: Methodology and the report say it; figures from ``benchmarks/bench_flags.py`` on the demo
#: history: 0.9% of citywide weeks and 0.8% of all its series' weeks, against 34.5% and 6.3%
#: under the old plain Poisson test).
FLAG_MEANING = (
    "A week is marked notable when its count is further from what its own history leads "
    "one to expect (the same time of year in up to three earlier years, scaled to the last "
    "52 weeks) than ordinary week-to-week swings carry a count 99 times in 100 (p < 0.01), "
    "allowing for how much more real weekly counts swing than pure chance would. Without "
    "any real change, about 1 week in 100 is marked by chance alone (0.9% of the citywide "
    "weeks of the demo history, where the old test marked 34.5%)."
)
#: The same for a change between two periods (the Overview cards, the report's year to date).
CHANGE_MEANING = (
    "A change between two periods is called up or down only when it is larger than the "
    "week-to-week swings of the two periods (compared week by week) make likely at "
    "p < 0.01; a smaller change is within chance."
)

#: Years back the seasonal baseline looks, and the weeks either side of the same week.
SEASON_YEARS = 3
SEASON_HALF_WIDTH = 3
WEEKS_PER_YEAR = 52
#: Weeks before a week that its full baseline reads (52-week level of the earliest year).
FLAG_HISTORY_WEEKS = (SEASON_YEARS + 1) * WEEKS_PER_YEAR
#: Two-sided critical values of Student's t at p = 0.01, by degrees of freedom (1-30);
#: beyond 30 the Cornish-Fisher expansion about the normal value is exact to 0.001.
_T_CRITICAL = (
    63.657, 9.925, 5.841, 4.604, 4.032, 3.707, 3.499, 3.355, 3.250, 3.169,
    3.106, 3.055, 3.012, 2.977, 2.947, 2.921, 2.898, 2.878, 2.861, 2.845,
    2.831, 2.819, 2.807, 2.797, 2.787, 2.779, 2.771, 2.763, 2.756, 2.750,
)  # fmt: skip
_Z_CRITICAL = 2.5758293035489  # two-sided p = 0.01 of the standard normal


def poisson_cdf(k: int, mu: float) -> float:
    """P(X <= k) for X ~ Poisson(mu), summed in log space (exact for the counts we see)."""
    if k < 0:
        return 0.0
    if mu <= 0:
        return 1.0
    i = np.arange(k + 1)
    log_terms = i * math.log(mu) - mu - _log_factorials(k)
    return float(min(1.0, np.exp(np.logaddexp.reduce(log_terms))))


def _log_factorials(k: int) -> np.ndarray:
    """log(i!) for i = 0..k, from a cumulative sum of logs (cheap and exact enough)."""
    return np.concatenate(([0.0], np.cumsum(np.log(np.arange(1, k + 1)))))


def overdispersed_cdf(k: int, mu: float, phi: float = 1.0) -> float:
    """P(X <= k) for a count with mean ``mu`` and variance ``phi * mu``.

    A negative binomial of size ``mu / (phi - 1)`` and success probability ``1 / phi``
    (Poisson when ``phi <= 1``); its terms come from a running product, in log space.
    """
    if k < 0:
        return 0.0
    if mu <= 0:
        return 1.0
    if phi <= 1.0 + 1e-9:
        return poisson_cdf(k, mu)
    size = mu / (phi - 1.0)
    i = np.arange(1, k + 1)
    first = size * -math.log(phi)  # log P(X = 0) = size * log(1 / phi)
    steps = np.log((i - 1 + size) / i) + math.log1p(-1.0 / phi)
    log_terms = np.concatenate(([first], first + np.cumsum(steps)))
    return float(min(1.0, np.exp(np.logaddexp.reduce(log_terms))))


def notable_change(count: int, expected: float, p: float = NOTABLE_P, phi: float = 1.0) -> str:
    """``"higher"``, ``"lower"`` or ``""``: is ``count`` outside what ``expected`` makes likely?

    Two-sided test at level ``p`` against a count of mean ``expected`` and variance
    ``phi * expected`` (``overdispersed_cdf``; ``phi = 1`` is the plain Poisson test). Never
    flags tiny counts: the count or the expectation must reach ``MIN_READABLE_COUNT``.
    """
    if max(count, expected) < MIN_READABLE_COUNT:
        return ""
    if count > expected and 1.0 - overdispersed_cdf(count - 1, expected, phi) < p / 2:
        return "higher"
    if count < expected and overdispersed_cdf(count, expected, phi) < p / 2:
        return "lower"
    return ""


def expected_weeks(
    weekly: pd.Series, baseline_weeks: int = 52, min_baseline: int = MIN_BASELINE_WEEKS
) -> pd.DataFrame:
    """The seasonal expectation ``E_t = L_t * S_t`` of each week (see the block comment
    above) in column ``expected``, NaN where fewer than ``min_baseline`` of the
    ``baseline_weeks`` weeks before have data, and in column ``years`` how many earlier
    years the seasonal factor ``S_t`` drew on (0: none, ``S_t = 1``). Weeks are positions:
    ``weekly`` holds consecutive weeks, NaN for a week without data."""
    values = pd.Series(weekly.to_numpy(dtype=float))
    level = values.shift(1).rolling(baseline_weeks, min_periods=min_baseline).mean()
    width = 2 * SEASON_HALF_WIDTH + 1
    season = values.rolling(width, center=True, min_periods=SEASON_HALF_WIDTH + 1).mean()
    seasonal = np.zeros(len(values))
    levels = np.zeros(len(values))
    years = np.zeros(len(values), dtype=int)
    for back in range(1, SEASON_YEARS + 1):
        lag = back * WEEKS_PER_YEAR
        then, then_level = season.shift(lag).to_numpy(), level.shift(lag).to_numpy()
        usable = ~np.isnan(then) & ~np.isnan(then_level) & (then_level > 0)
        seasonal += np.where(usable, then, 0.0)
        levels += np.where(usable, then_level, 0.0)
        years += usable
    factor = np.divide(seasonal, levels, out=np.ones(len(values)), where=levels > 0)
    return pd.DataFrame({"expected": level.to_numpy() * factor, "years": years}, index=weekly.index)


def week_dispersion(weekly: pd.Series, expected: pd.DataFrame) -> pd.Series:
    """phi for each week: the mean squared Pearson residual ``(x - E)^2 / E`` of the
    series' other weeks whose seasonal factor drew on as many earlier years (all other
    weeks when fewer than ``MIN_BASELINE_WEEKS`` of those), at least 1. A week's own count
    never widens its own test, and a baseline without the season (the first years of a
    series) is judged by how well such baselines did, not by the better seasonal ones.

    NaN where fewer than ``MIN_BASELINE_WEEKS`` other weeks have a residual: the spread of
    chance cannot be told, so no week of such a series is flagged."""
    x, e = weekly.to_numpy(dtype=float), expected["expected"].to_numpy(dtype=float)
    kinds = expected["years"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        residual = np.where(e > 0, (x - e) ** 2 / e, np.nan)
    known = ~np.isnan(residual)
    own = np.where(known, residual, 0.0)

    def leave_one_out(among: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        total, n = residual[among].sum(), int(among.sum())
        others = np.where(among, n - 1, n).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            return (total - np.where(among, own, 0.0)) / others, others

    phi, others = leave_one_out(known)
    for kind in np.unique(kinds[known]):
        same = known & (kinds == kind)
        kind_phi, kind_others = leave_one_out(same)
        use = (kinds == kind) & (kind_others >= MIN_BASELINE_WEEKS)
        phi, others = np.where(use, kind_phi, phi), np.where(use, kind_others, others)
    phi = np.where(others >= MIN_BASELINE_WEEKS, np.maximum(phi, 1.0), np.nan)
    return pd.Series(phi, index=weekly.index, name="dispersion")


def flag_weeks(
    weekly: pd.Series, baseline_weeks: int = 52, min_baseline: int = MIN_BASELINE_WEEKS
) -> pd.Series:
    """Flag each week against its seasonal, over-dispersed expectation (the block comment
    above: ``expected_weeks``, ``week_dispersion``, ``notable_change``). Returns
    ``"higher"``/``"lower"``/``""``.

    ``weekly`` holds consecutive weeks; give it ``FLAG_HISTORY_WEEKS`` weeks before the
    first week to be flagged for the full seasonal baseline (with less, the earlier years
    it lacks are left out, down to none). A NaN week (no data) is never flagged and never
    enters a baseline or the dispersion; a week whose 52 weeks before hold fewer than
    ``min_baseline`` weeks with data gets no flag.
    """
    baseline = expected_weeks(weekly, baseline_weeks, min_baseline)
    expected, phi = baseline["expected"], week_dispersion(weekly, baseline)
    flags = [
        ""
        if pd.isna(n) or pd.isna(exp) or pd.isna(f)
        else notable_change(int(n), float(exp), phi=float(f))
        for n, exp, f in zip(weekly.to_numpy(), expected.to_numpy(), phi.to_numpy(), strict=True)
    ]
    return pd.Series(flags, index=weekly.index, name="flag")


def t_critical(df: int | None) -> float:
    """Two-sided p = 0.01 critical value of Student's t with ``df`` degrees of freedom
    (the normal value for ``None``: a dispersion taken as known)."""
    if df is None:
        return _Z_CRITICAL
    if df < 1:
        return math.inf
    if df <= len(_T_CRITICAL):
        return _T_CRITICAL[df - 1]
    z = _Z_CRITICAL
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def change_beyond_chance(
    current: int, previous: int, phi: float = 1.0, df: int | None = None
) -> str:
    """``"up"``, ``"down"`` or ``""``: do two counts of equally long windows differ by
    more than chance at p < 0.01?

    Normal approximation on the variance-stabilised scale: with variance ``phi`` times the
    mean, ``sqrt(x + 3/8)`` has variance about ``phi / 4``, so
    ``z = (sqrt(current + 3/8) - sqrt(previous + 3/8)) / sqrt(phi / 2)``, compared with
    Student's t on ``df`` degrees of freedom when ``phi`` was estimated from ``df + 1``
    paired weeks (``t_critical``).
    """
    z = (math.sqrt(current + 0.375) - math.sqrt(previous + 0.375)) / math.sqrt(max(phi, 1.0) / 2)
    if abs(z) <= t_critical(df):
        return ""
    return "up" if z > 0 else "down"


def paired_dispersion(
    now: pd.DataFrame,
    before: pd.DataFrame,
    window: Window,
    previous: Window,
    measures: Mapping[str, Iterable[str]],
) -> dict[str, tuple[float, int]]:
    """Per measure, (phi, degrees of freedom) from the two windows themselves.

    Both windows are cut into whole 7-day blocks from their first day; block k of one is
    paired with block k of the other (the same days of the year, the same weekdays), so
    the season cancels. With ``d_k`` the difference of the pair and ``m_k`` its sum,
    ``phi = var(d) / mean(m)`` (at least 1) on ``blocks - 1`` degrees of freedom: the
    week-to-week spread beyond Poisson chance that a change must exceed.
    """
    blocks = min(window.days, previous.days) // 7
    tables = [_block_counts(rows, w, blocks) for rows, w in ((now, window), (before, previous))]
    # numpy, not DataFrame.reindex per measure: this runs on every filter change
    arrays = [(t.to_numpy(), {name: i for i, name in enumerate(t.columns)}) for t in tables]
    out = {}
    for label, offenses in measures.items():
        a, b = (
            values[:, [where[o] for o in offenses if o in where]].sum(axis=1)
            for values, where in arrays
        )
        if blocks < 2 or (a + b).sum() == 0:
            out[label] = (1.0, max(blocks - 1, 0))
            continue
        phi = float(np.var(a - b, ddof=1) / np.mean(a + b))
        out[label] = (max(phi, 1.0), blocks - 1)
    return out


def _block_counts(rows: pd.DataFrame, window: Window, blocks: int) -> pd.DataFrame:
    """Rows per 7-day block of ``window`` (rows: blocks 0..blocks-1) and offense (columns)."""
    offense = rows["offense"]
    if isinstance(offense.dtype, pd.CategoricalDtype):
        codes, names = offense.cat.codes.to_numpy(), [str(c) for c in offense.cat.categories]
    else:
        codes, uniques = pd.factorize(offense.astype(str))
        names = [str(c) for c in uniques]
    if not blocks or not names:
        return pd.DataFrame(np.zeros((blocks, len(names)), dtype=int), columns=names)
    start = np.datetime64(window.start, "D")
    days = (event_dates(rows).to_numpy().astype("datetime64[D]") - start).astype(int)
    block = days // 7
    keep = (block >= 0) & (block < blocks) & (codes >= 0)
    flat = np.bincount(block[keep] * len(names) + codes[keep], minlength=blocks * len(names))
    return pd.DataFrame(flat.reshape(blocks, len(names)), columns=names)


# --------------------------------------------------------------------------------------
# Breakdowns
# --------------------------------------------------------------------------------------

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def hour_by_weekday(frame: pd.DataFrame) -> pd.DataFrame:
    """Counts by hour (rows 0-23) and weekday (columns Mon..Sun); rows without a time skipped."""
    timed = frame[frame["time_known"].to_numpy(dtype=bool)]
    stamps = timed["occurred_at"]
    table = pd.crosstab(stamps.dt.hour, stamps.dt.day_of_week)
    table = table.reindex(index=range(24), columns=range(7), fill_value=0)
    table.columns = list(WEEKDAYS)
    table.index.name = "hour"
    return table.astype(int)


def share_table(frame: pd.DataFrame, column: str, top: int | None = None) -> pd.DataFrame:
    """Count and percent of rows per value of ``column``, largest first.

    The percent is NaN where the count or the total is below ``MIN_READABLE_COUNT`` (the
    small-numbers rule of ``percent_readable``: 2 of 3 is not "66.7%")."""
    counts = value_counts(frame[column])
    if top is not None and len(counts) > top:
        counts = pd.concat([counts.iloc[:top], pd.Series({"All other": counts.iloc[top:].sum()})])
    total = int(counts.sum())
    percent = counts / total * 100 if total else counts.astype(float)
    readable = [percent_readable(int(n), total) for n in counts]
    percent = percent.round(1).where(readable)
    return pd.DataFrame({"count": counts.astype(int), "percent": percent})


AGE_BINS = (0, 18, 25, 35, 45, 55, 65, 200)
AGE_LABELS = ("Under 18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")


def age_groups(ages: pd.Series) -> pd.Series:
    """Age group labels; missing ages become ``Unknown``."""
    groups = pd.cut(ages.astype("float"), bins=AGE_BINS, labels=AGE_LABELS, right=False)
    return groups.cat.add_categories(["Unknown"]).fillna("Unknown")


def hidden_cells(counts: Iterable[int], min_cell: int = MIN_CELL) -> set[int] | None:
    """Positions to hide in a table of counts whose total is stated, or None when the table
    cannot be shown at all.

    Primary suppression hides every cell of 1 to ``min_cell - 1``. Complementary
    suppression then hides the smallest other non-zero cells, one at a time (on a tie, the
    first in order), until no hidden cell can be worked out from the total and the shown
    cells, even by a reader who knows this method (``_protected``). Zero cells stay shown
    as 0 (no one to protect), so a hidden cell is never 0. When every non-zero cell is
    hidden and one can still be worked out (a handful of victims), the whole table is
    withheld (None).
    """
    values = tuple(int(c) for c in counts)
    hidden = {i for i, c in enumerate(values) if 0 < c < min_cell}
    while hidden and not _protected(_masked(values, hidden), _sum(values, hidden), min_cell):
        others = [i for i, c in enumerate(values) if c > 0 and i not in hidden]
        if not others:
            return None
        hidden.add(min(others, key=lambda i: (values[i], i)))
    return hidden


def _masked(values: tuple[int, ...], hidden: Iterable[int]) -> tuple[int | None, ...]:
    chosen = set(hidden)
    return tuple(None if i in chosen else c for i, c in enumerate(values))


def _sum(values: tuple[int, ...], hidden: Iterable[int]) -> int:
    return sum(values[i] for i in hidden)


@lru_cache(maxsize=65536)
def _protected(shown: tuple[int | None, ...], rest: int, min_cell: int) -> bool:
    """True when each hidden (None) cell of ``shown`` keeps two or more possible values for
    a reader who knows the cells shown, ``rest`` (the total less the shown cells) and
    ``hidden_cells``: every filling of the hidden cells that adds up to ``rest`` and that
    ``hidden_cells`` would have hidden in just this way (``_hides_so``) is possible."""
    hidden = [i for i, c in enumerate(shown) if c is None]
    if len(hidden) < 2:
        return False
    positive = [(c, i) for i, c in enumerate(shown) if c]
    small = range(1, min(min_cell - 1, rest) + 1)

    def domain(j: int) -> list[int]:
        # A complement is at least min_cell and comes before every shown cell.
        top = min((c if j < i else c - 1 for c, i in positive), default=rest)
        return [*small, *range(min_cell, min(top, rest) + 1)]

    domains = [domain(j) for j in hidden]
    seen: list[set[int]] = [set() for _ in hidden]

    def fill(k: int, left: int, chosen: list[int]) -> bool:
        if k == len(hidden):
            if left == 0 and _hides_so(shown, dict(zip(hidden, chosen, strict=True)), min_cell):
                for found, v in zip(seen, chosen, strict=True):
                    found.add(v)
            return all(len(found) > 1 for found in seen)
        floor = len(hidden) - k - 1  # the cells after this one hold at least 1 each
        for v in domains[k]:
            if v > left - floor:
                break
            if fill(k + 1, left - v, [*chosen, v]):
                return True
        return False

    return fill(0, rest, [])


def _hides_so(shown: tuple[int | None, ...], filling: dict[int, int], min_cell: int) -> bool:
    """Whether ``hidden_cells`` hides exactly the cells ``filling`` fills when their values
    are ``filling``: the cells below ``min_cell`` first, then the others as complements,
    smallest first, each added only because the cells hidden before it were unprotected."""
    values = tuple(filling.get(i, c) for i, c in enumerate(shown))
    primary = {i for i, v in filling.items() if v < min_cell}
    if not primary:
        return False
    complements = sorted(set(filling) - primary, key=lambda i: (values[i], i))
    hidden = set(primary)
    for i in complements:
        if _protected(_masked(values, hidden), _sum(values, hidden), min_cell):
            return False  # the method would have stopped before hiding i
        hidden.add(i)
    return True


def suppress_small_cells(counts: pd.Series, min_cell: int = MIN_CELL) -> pd.Series:
    """Counts with the cells ``hidden_cells`` chooses replaced by NA, for privacy: cells of
    1 to ``min_cell - 1`` and, so that none of those can be worked out by subtraction from
    the total, the next smallest ones. A table that cannot be protected is all NA."""
    hidden = hidden_cells(counts.to_numpy(), min_cell)
    out = counts.astype("Int64")
    if hidden is None:
        return out.mask(np.ones(len(out), dtype=bool))
    mask = np.zeros(len(out), dtype=bool)
    mask[sorted(hidden)] = True
    return out.mask(mask)


def victim_breakdown(frame: pd.DataFrame, column: str) -> pd.Series:
    """Victims per value of a demographic column (``victim_gender``... or ``age_group``),
    small cells suppressed (``suppress_small_cells``). Every victim is counted, a missing
    value as ``Unknown``, so the cells add up to the number of victims the page states."""
    if column == "age_group":
        values = age_groups(frame["victim_age"])
    else:
        values = frame[column].astype(object).where(frame[column].notna(), "Unknown")
    counts = value_counts(values)
    if column == "age_group":
        counts = counts.reindex([*AGE_LABELS, "Unknown"], fill_value=0)
    return suppress_small_cells(counts)


def neighborhood_ranking(
    frame: pd.DataFrame,
    window: Window,
    previous: Window,
    coverage: Coverage | None = None,
    offenses: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Neighborhoods by count in ``window``, with the count in ``previous`` and the change.

    With ``coverage``, the change is taken on the days both windows have data, as
    ``compare_counts`` takes it (a day without data and its match are left out of
    ``previous`` and of the count it is set against; ``table.attrs["left_out"]`` says which);
    when that would leave out more than a tenth of the days, ``previous`` and ``change``
    are missing (<NA>), never a count of zero. ``count`` is always the whole window's.
    """
    current = in_window(frame, window)
    now = value_counts(current["neighborhood"])
    before_rows, against = in_window(frame, previous), current
    matched = _matched(coverage, window, previous, _offense_key(offenses))
    if matched is not None and matched.left_out:
        against = _without_days(current, matched.left_out)
        before_rows = _without_days(before_rows, matched.left_out_before)
    before = value_counts(before_rows["neighborhood"])
    matched_now = value_counts(against["neighborhood"])
    table = pd.DataFrame({"count": now, "previous": before, "_now": matched_now})
    table = table.fillna(0).astype(int)
    table = table.drop(index=[n for n in ("nan", "", "Unknown") if n in table.index])
    table["change"] = table.pop("_now") - table["previous"]
    table = table.sort_values(["count", "change"], ascending=[False, False])
    if matched is None:
        table[["previous", "change"]] = table[["previous", "change"]].astype("Int64")
        table.loc[:, ["previous", "change"]] = pd.NA
    table.index.name = "neighborhood"
    table.attrs["left_out"] = matched.note() if matched is not None else None
    return table


# --------------------------------------------------------------------------------------
# The weekly report table
# --------------------------------------------------------------------------------------

#: The rows of the weekly report table: each offense, then the two totals.
REPORT_ROWS: dict[str, tuple[str, ...]] = {
    **{offense: (offense,) for offense in PART1_OFFENSES},
    "Part 1 violent": VIOLENT_OFFENSES,
    "Part 1 property": PROPERTY_OFFENSES,
}


def report_windows(week_end: date) -> dict[str, Window]:
    """The window each count of the weekly report table covers, by column."""
    ytd_now, ytd_before = ytd_windows(week_end)
    return {
        "this_week": week_window(week_end),
        "previous_week": week_window(week_end, 1),
        "four_week_avg": weeks_window(week_end, 4),
        "same_week_last_year": week_window(week_end, 52),  # the same CompStat week
        "ytd": ytd_now,
        "last_ytd": ytd_before,
    }


def weekly_offense_table(
    frame: pd.DataFrame, week_end: date, coverage: Coverage | None = None
) -> pd.DataFrame:
    """Per offense (and the Part 1 violent / property totals): this week, previous week,
    4-week average, same week last year, YTD, last YTD, change, whether that change is
    beyond chance (``ytd_verdict``: ``chance_verdict``), and a notable flag.

    The flag tests this week against its seasonal, over-dispersed expectation from the
    ``FLAG_HISTORY_WEEKS`` weeks before it (``flag_weeks``).
    With ``coverage``, a weekly count whose window holds a day without data for the row's
    offenses is NaN; the baseline is then the weeks with data only. Year to date and the
    same days last year are compared as every face compares (``compare_counts``): on the
    days both have data, so ``ytd`` and ``last_ytd`` leave out a day without data and its
    match (``table.attrs["ytd_left_out"]`` says which), and are NaN only when that would
    leave out more than a tenth of the days.
    """
    windows = report_windows(week_end)
    frame = frame[["occurred_at", "offense"]]  # all it reads: every cut below copies less

    def counts(window: Window) -> pd.Series:
        per_offense = count_by_offense(in_window(frame, window), PART1_OFFENSES)
        return pd.Series({row: per_offense[list(o)].sum() for row, o in REPORT_ROWS.items()})

    table = pd.DataFrame({column: counts(w) for column, w in windows.items()}).astype(float)
    table["four_week_avg"] /= 4.0
    if coverage is not None:
        for row, offenses in REPORT_ROWS.items():
            for column, w in windows.items():
                if column not in YTD_COLUMNS and why_not_compared(coverage, [w], offenses):
                    table.loc[row, column] = np.nan
    ytd_now, ytd_before = windows["ytd"], windows["last_ytd"]
    ytd = compare_counts(
        in_window(frame, ytd_now),
        in_window(frame, ytd_before),
        REPORT_ROWS,
        ytd_now,
        ytd_before,
        coverage,
    )
    for (row, offenses), c in zip(REPORT_ROWS.items(), ytd, strict=True):
        if c.why_not:  # not compared: a count still stands alone where its window has data
            for column, count in (("ytd", c.current), ("last_ytd", c.previous)):
                covered = not why_not_compared(coverage, [windows[column]], offenses)
                table.loc[row, column] = count if covered else np.nan
        else:
            table.loc[row, ["ytd", "last_ytd"]] = [c.current, c.previous]
    table["ytd_change"] = [np.nan if c.why_not else c.current - c.previous for c in ytd]
    table["ytd_percent"] = [None if c.why_not else c.percent for c in ytd]
    table["ytd_verdict"] = [chance_verdict(c) for c in ytd]
    table.attrs["ytd_left_out"] = next((c.left_out for c in ytd if c.left_out), None)
    # This week and the weeks its seasonal baseline reads.
    weeks = weeks_window(week_end, FLAG_HISTORY_WEEKS + 1)
    table["flag"] = [
        flag_weeks(weekly_counts(Selection(offenses=o).apply(frame), weeks, coverage, o)).iloc[-1]
        for o in REPORT_ROWS.values()
    ]
    table.index.name = "offense"
    return table


#: The report table's year-to-date columns (compared on matched days, ``compare_counts``).
YTD_COLUMNS = ("ytd", "last_ytd")


def report_gaps(
    week_end: date, coverage: Coverage, offenses: Iterable[str] = PART1_OFFENSES
) -> dict[str, str]:
    """Why comparisons of the weekly report are not made: column of
    ``weekly_offense_table`` -> ``why_not`` text, for the weekly columns whose window holds a
    day without data, and the year-to-date columns when matching their days would leave
    out too many (``compare_counts``); ``flag`` when fewer than ``MIN_BASELINE_WEEKS`` of
    the 52 weeks before the week have data (then no count can be marked notable)."""
    windows = report_windows(week_end)
    gaps = {
        column: why
        for column, w in windows.items()
        if column not in YTD_COLUMNS and (why := why_not_compared(coverage, [w], offenses))
    }
    ytd_now, ytd_before = windows["ytd"], windows["last_ytd"]
    if _matched(coverage, ytd_now, ytd_before, _offense_key(offenses)) is None:
        for column in YTD_COLUMNS:
            if why := why_not_compared(coverage, [windows[column]], offenses):
                gaps[column] = why
    ends = week_ends_index(weeks_before(week_end, 52))
    with_data = int(covered_periods(week_starts(ends), ends, coverage, offenses).sum())
    if with_data < MIN_BASELINE_WEEKS:
        gaps["flag"] = (
            f"no count is marked notable: {with_data} of the 52 weeks before this one have "
            f"data, fewer than the {MIN_BASELINE_WEEKS} a baseline needs"
        )
    return gaps


def incident_count(incident_ids: pd.Series) -> tuple[int, int]:
    """(incidents, victims whose incident is not known).

    Incidents are distinct CCNumbers. A layout without CCNumber (the legacy Socrata data,
    the Baltimore Sun extract) gives no incident key: those victims are counted apart and
    the incident count is "not available" for them, never "0 incidents".
    """
    known = incident_ids.dropna()
    return int(known.nunique()), int(len(incident_ids) - len(known))
