"""How often a week is flagged "notable": the rule of ``aggregate.flag_weeks`` beside the
old plain Poisson test (kept here only, as the reference), on real and demo histories.

A flag that means p < 0.01 should fire on about 1% of ordinary weeks. The share of weeks
flagged is measured on:

- the demo store's history (``$BMOREDASH_DATA_DIR`` if it holds a demo store, else a demo
  store written into a temporary directory): citywide Part 1, violent, property,
  homicides, shootings, and Part 1 in each district;
- the legacy daily totals (``baltimore_crime_daily_totals.csv``, 2011-2019), summed into
  Sunday-Saturday weeks (a week missing a day is no week);
- the Baltimore Sun extract (2025-2026), ingested into a temporary store.

Both rules see the same weeks (NaN where a day has no data) and are counted over the same
weeks: those with data that have at least 8 weeks with data among the 52 before them.
Run: ``python benchmarks/bench_flags.py`` (``--shared DIR`` for another data folder).
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from bmoredash import aggregate as agg
from bmoredash import config, store
from bmoredash.coverage import from_manifest
from bmoredash.schema import DISTRICTS, PROPERTY_OFFENSES, VIOLENT_OFFENSES
from bmoredash.selection import select_rows

SHARED = Path("/work/shared/data/baltimore")


# --------------------------------------------------------------------------------------
# The reference: the old rule, as it was in aggregate.py
# --------------------------------------------------------------------------------------


def old_notable_change(count: int, expected: float, p: float = 0.01) -> str:
    """Two-sided Poisson test of ``count`` against ``expected`` (the old rule)."""
    if max(count, expected) < agg.MIN_READABLE_COUNT:
        return ""
    if count > expected and 1.0 - agg.poisson_cdf(count - 1, expected) < p / 2:
        return "higher"
    if count < expected and agg.poisson_cdf(count, expected) < p / 2:
        return "lower"
    return ""


def old_flag_weeks(weekly: pd.Series, baseline_weeks: int = 52, min_baseline: int = 8) -> pd.Series:
    """The old rule: each week against the mean of the covered weeks among the 52 before."""
    expected = weekly.shift(1).rolling(baseline_weeks, min_periods=min_baseline).mean()
    flags = [
        "" if pd.isna(n) or pd.isna(exp) else old_notable_change(int(n), float(exp))
        for n, exp in zip(weekly.to_numpy(), expected.to_numpy(), strict=True)
    ]
    return pd.Series(flags, index=weekly.index, name="flag")


# --------------------------------------------------------------------------------------
# Series
# --------------------------------------------------------------------------------------


def store_series(data_dir: Path, kind: str) -> dict[str, pd.Series]:
    """Weekly counts (NaN for a week with a day without data) of the store's history."""
    manifest = store.read_manifest(data_dir)
    coverage = from_manifest(manifest)
    frame = store.load_incidents(data_dir, columns=["occurred_at", "offense", "district"])
    first = coverage.first_day(agg.PART1_OFFENSES) or date.fromisoformat(manifest["first_date"])
    last = agg.last_complete_week_end(coverage.last_day(agg.PART1_OFFENSES))
    window = agg.Window(first, last)
    # Whole weeks only: the first (partial) week is dropped.
    window = agg.Window(agg.week_ending(first) + timedelta(days=1), last)
    cuts: dict[str, tuple[dict, tuple[str, ...]]] = {
        "citywide Part 1": ({}, agg.PART1_OFFENSES),
        "citywide violent": ({"offenses": ["violent"]}, VIOLENT_OFFENSES),
        "citywide property": ({"offenses": ["property"]}, PROPERTY_OFFENSES),
        "citywide homicides": ({"offenses": ["HOMICIDE"]}, ("HOMICIDE",)),
        "citywide shootings": ({"offenses": ["SHOOTING"]}, ("SHOOTING",)),
    }
    for district in DISTRICTS:
        cuts[f"{district.lower()} Part 1"] = ({"districts": [district]}, agg.PART1_OFFENSES)
    for district in DISTRICTS:
        cuts[f"{district.lower()} violent"] = (
            {"districts": [district], "offenses": ["violent"]},
            VIOLENT_OFFENSES,
        )
    out = {}
    for name, (filters, offenses) in cuts.items():
        rows = select_rows(frame, **filters)
        out[f"{kind}: {name}"] = agg.weekly_counts(rows, window, coverage, offenses)
    return out


def legacy_series(path: Path) -> dict[str, pd.Series]:
    """Weekly sums of the legacy daily totals (the file is not sorted); a week with a day
    missing from the file is NaN."""
    daily = pd.read_csv(path, parse_dates=["date"]).sort_values("date")
    daily = daily.groupby("date")["total_incidents"].sum()
    days = pd.date_range(daily.index.min(), daily.index.max())
    daily = daily.reindex(days)
    week = days + pd.to_timedelta((5 - days.day_of_week) % 7, unit="D")
    sums = daily.groupby(week).sum(min_count=7)
    complete = daily.groupby(week).count() == 7
    return {"legacy daily totals, citywide": sums.where(complete)}


def demo_dir(scratch: Path) -> tuple[Path, str]:
    env = os.environ.get(config.DATA_DIR_ENV)
    if env:
        try:
            if store.read_manifest(env).get("demo"):
                return Path(env), f"demo store at ${config.DATA_DIR_ENV} ({env})"
        except (store.StoreNotFoundError, store.StoreSchemaError):
            pass
    from bmoredash.demo import write_demo

    start = time.perf_counter()
    write_demo(scratch / "demo")
    return (
        scratch / "demo",
        f"demo store written for this run ({time.perf_counter() - start:.0f} s)",
    )


def sun_dir(scratch: Path, shared: Path) -> Path | None:
    files = sorted((shared / "crime" / "baltimore_sun").glob("*.csv"))
    if not files:
        return None
    from bmoredash.ingest import ingest_paths

    ingest_paths(files, scratch / "sun")
    return scratch / "sun"


# --------------------------------------------------------------------------------------
# Measure
# --------------------------------------------------------------------------------------


def rates(weekly: pd.Series) -> dict[str, object]:
    """Share of testable weeks flagged by the old and the new rule."""
    testable = weekly.notna() & (
        weekly.shift(1).rolling(52, min_periods=1).count() >= agg.MIN_BASELINE_WEEKS
    )
    old, new = old_flag_weeks(weekly)[testable], agg.flag_weeks(weekly)[testable]
    phi = agg.week_dispersion(weekly, agg.expected_weeks(weekly))
    n = int(testable.sum())

    def share(flags: pd.Series) -> str:
        hi, lo = int((flags == "higher").sum()), int((flags == "lower").sum())
        pct = (hi + lo) / n * 100 if n else math.nan
        return f"{pct:5.1f}% ({hi:>3}^ {lo:>3}v)"

    summer = testable & weekly.index.to_series().dt.month.isin([6, 7, 8]).to_numpy()

    def summer_share(flags: pd.Series) -> str:
        if not summer.any():
            return "   - "
        return f"{(flags[summer[testable].to_numpy()] == 'higher').mean() * 100:5.1f}%"

    return {
        "weeks": n,
        "mean": float(weekly[testable].mean()),
        "phi": float(np.nanmedian(phi[testable])) if testable.any() else math.nan,
        "old": share(old),
        "new": share(new),
        "old_summer": summer_share(old),
        "new_summer": summer_share(new),
        "old_n": int((old != "").sum()),
        "new_n": int((new != "").sum()),
    }


def report(title: str, series: dict[str, pd.Series]) -> tuple[int, int, int]:
    print(f"\n{title}")
    print(
        f"{'series':<34} {'weeks':>5} {'mean/wk':>8} {'phi':>5}   "
        f"{'OLD flagged (up/down)':<22} {'NEW flagged (up/down)':<22} "
        f"{'summer up OLD':>13} {'NEW':>6}"
    )
    totals = [0, 0, 0]
    for name, weekly in series.items():
        r = rates(weekly)
        totals[0] += r["weeks"]
        totals[1] += r["old_n"]
        totals[2] += r["new_n"]
        print(
            f"{name:<34} {r['weeks']:>5} {r['mean']:>8.1f} {r['phi']:>5.1f}   "
            f"{r['old']:<22} {r['new']:<22} {r['old_summer']:>13} {r['new_summer']:>6}"
        )
    weeks, old, new = totals
    if weeks:
        print(
            f"{'all series above':<34} {weeks:>5} {'':>8} {'':>5}   "
            f"{old / weeks * 100:5.1f}%{'':<16} {new / weeks * 100:5.1f}%"
        )
    return weeks, old, new


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="real data folder")
    args = parser.parse_args()
    print(
        "Share of weeks flagged notable (nominal: 1% of weeks without a real change).\n"
        "OLD = two-sided Poisson test against the mean of the 52 weeks before (reference);\n"
        "NEW = aggregate.flag_weeks: seasonal baseline, quasi-Poisson dispersion phi,\n"
        "negative-binomial tail. phi = median dispersion the new rule used.\n"
        "'summer up' = share of June-August weeks flagged higher."
    )
    with tempfile.TemporaryDirectory(prefix="bench-flags-") as tmp:
        scratch = Path(tmp)
        demo, where = demo_dir(scratch)
        start = time.perf_counter()
        demo_series = store_series(demo, "demo")
        report(f"Demo history: {where}", demo_series)
        print(f"(demo: {time.perf_counter() - start:.1f} s to count and flag)")

        legacy = args.shared / "aggregates" / "baltimore_crime_daily_totals.csv"
        if legacy.exists():
            report(f"Legacy daily totals: {legacy}", legacy_series(legacy))
        else:
            print(f"\n(no legacy daily totals at {legacy})")

        sun = sun_dir(scratch, args.shared)
        if sun is not None:
            report(
                "Baltimore Sun extract (ingested into a temporary store)", store_series(sun, "sun")
            )
        else:
            print("\n(no Baltimore Sun extract)")


if __name__ == "__main__":
    main()
