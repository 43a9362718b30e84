"""What is notable: the statistics that tell a change from chance.

A week against its seasonal, over-dispersed expectation (``flag_weeks``, the rule below),
and a change between two periods against the week-to-week swings of those periods
(``change_beyond_chance``, ``paired_dispersion``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from bmoredash.aggregate.counts import MIN_READABLE_COUNT, event_dates
from bmoredash.i18n import N_
from bmoredash.periods import Window

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

#: Two-sided tail probability under which a count is flagged as notable.
NOTABLE_P = 0.01
#: A week is flagged only when at least this many of its baseline weeks have data.
MIN_BASELINE_WEEKS = 8

#: What a flag means and how often it fires by chance, in plain words (the Trends page,
#: Methodology and the report say it; figures from ``benchmarks/bench_flags.py`` on the demo
#: history: 0.9% of citywide weeks and 0.8% of all its series' weeks, against 34.5% and 6.3%
#: under the old plain Poisson test).
FLAG_MEANING = N_(
    "A week is marked notable when its count is further from what its own history leads "
    "one to expect (the same time of year in up to three earlier years, scaled to the last "
    "52 weeks) than ordinary week-to-week swings carry a count 99 times in 100 (p < 0.01), "
    "allowing for how much more real weekly counts swing than pure chance would. Without "
    "any real change, about 1 week in 100 is marked by chance alone (0.9% of the citywide "
    "weeks of the demo history, where the old test marked 34.5%)."
)
#: The same for a change between two periods (the Overview cards, the report's year to date).
CHANGE_MEANING = N_(
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
