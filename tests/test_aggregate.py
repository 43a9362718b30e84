"""Counting rules on hand-written rows: each expected number is worked out in the comment."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from bmoredash import aggregate as agg
from bmoredash.selection import select_rows
from tests.factories import canonical_rows


def rows(*items: tuple[str, str, str]) -> pd.DataFrame:
    """Canonical rows (``tests.factories``) from (local timestamp, offense, district) triples."""
    return canonical_rows(
        {
            "record_id": [f"R{n}" for n in range(len(items))],
            "occurred_at": [i[0] for i in items],
            "offense": [i[1] for i in items],
            "district": [i[2] for i in items],
            "neighborhood": "Canton",
        }
    )


def test_week_ending_is_saturday() -> None:
    assert agg.week_ending(date(2026, 11, 25)) == date(2026, 11, 28)  # Wed -> Sat
    assert agg.week_ending(date(2026, 11, 21)) == date(2026, 11, 21)  # Sat stays
    assert agg.week_ending(date(2026, 11, 22)) == date(2026, 11, 28)  # Sun starts a week
    assert agg.last_complete_week_end(date(2026, 11, 25)) == date(2026, 11, 21)
    assert agg.last_complete_week_end(date(2026, 11, 21)) == date(2026, 11, 21)


def test_ytd_windows_do_not_overlap_and_handle_leap_day() -> None:
    now, before = agg.ytd_windows(date(2024, 2, 29))
    assert now == agg.Window(date(2024, 1, 1), date(2024, 2, 29))
    assert before == agg.Window(date(2023, 1, 1), date(2023, 2, 28))
    now, before = agg.ytd_windows(date(2026, 11, 21))
    assert before.end == date(2025, 11, 21) and before.end < now.start


def test_ytd_comparison_counts_same_days_only() -> None:
    frame = rows(
        ("2026-01-05 10:00", "HOMICIDE", "WESTERN"),
        ("2026-03-01 23:59", "HOMICIDE", "WESTERN"),
        ("2026-03-02 00:01", "HOMICIDE", "WESTERN"),  # after `through`: not counted
        ("2025-03-01 12:00", "HOMICIDE", "EASTERN"),
        ("2025-03-02 12:00", "HOMICIDE", "EASTERN"),  # after last year's window
        ("2026-02-01 12:00", "COMMON ASSAULT", "EASTERN"),  # never Part 1
        ("2026-02-01 12:00", "LARCENY", "EASTERN"),
    )
    result = {c.label: c for c in agg.ytd_comparison(frame, date(2026, 3, 1))}
    assert (result["Homicides"].current, result["Homicides"].previous) == (2, 1)
    assert result["Part 1 violent"].current == 2
    assert result["Part 1 property"].current == 1
    assert result["Homicides"].describe() == "too few events to read a change"


def test_comparison_describes_readable_change() -> None:
    c = agg.Comparison("x", 22, 20)
    assert c.readable and c.change == 2 and c.describe() == "+2 (+10.0%), within chance"
    assert agg.Comparison("x", 12, 0).describe() == "up 12"  # no percentage of zero
    assert agg.Comparison("x", 50, 100).describe() == "down 50 (-50.0%)"
    # The same change with the swing of real counts (phi = 13) is within chance, and a
    # period too short to measure the swing (no degree of freedom) is not judged.
    assert agg.Comparison("x", 130, 100, dispersion=13.0).describe() == (
        "+30 (+30.0%), within chance"
    )
    assert agg.Comparison("x", 130, 100, dispersion=1.0, dispersion_df=0).describe() == (
        "+30 (+30.0%), too short a period to judge"
    )


def test_select_rows_by_district_offense_group_and_window() -> None:
    frame = rows(
        ("2026-01-05 10:00", "HOMICIDE", "WESTERN"),
        ("2026-01-06 10:00", "BURGLARY", "WESTERN"),
        ("2026-01-07 10:00", "COMMON ASSAULT", "WESTERN"),
        ("2026-01-07 10:00", "ROBBERY", "EASTERN"),
    )
    assert len(select_rows(frame)) == 3  # Part 1 only
    assert len(select_rows(frame, districts=["CITYWIDE"])) == 3
    assert len(select_rows(frame, districts=["WESTERN"])) == 2
    assert len(select_rows(frame, offenses=["violent"])) == 2
    assert len(select_rows(frame, offenses=["COMMON ASSAULT"])) == 1
    window = agg.Window(date(2026, 1, 6), date(2026, 1, 6))
    assert len(select_rows(frame, window=window)) == 1
    with pytest.raises(ValueError, match="valid: CENTRAL"):
        select_rows(frame, districts=["GOTHAM"])
    with pytest.raises(ValueError, match="unknown offense"):
        select_rows(frame, offenses=["JAYWALKING"])


def test_weekly_counts_zero_fill_saturday_weeks() -> None:
    frame = rows(
        ("2026-11-15 01:00", "ROBBERY", "WESTERN"),  # Sun -> week ending Nov 21
        ("2026-11-21 23:00", "ROBBERY", "WESTERN"),  # Sat -> week ending Nov 21
        ("2026-11-01 12:00", "ROBBERY", "WESTERN"),  # week ending Nov 7
    )
    weekly = agg.weekly_counts(frame, agg.Window(date(2026, 11, 1), date(2026, 11, 21)))
    assert weekly.to_dict() == {
        pd.Timestamp("2026-11-07"): 1,
        pd.Timestamp("2026-11-14"): 0,
        pd.Timestamp("2026-11-21"): 2,
    }


def test_monthly_and_cumulative_counts() -> None:
    frame = rows(
        ("2025-01-02 12:00", "ROBBERY", "WESTERN"),
        ("2025-02-02 12:00", "ROBBERY", "WESTERN"),
        ("2026-01-03 12:00", "ROBBERY", "WESTERN"),
    )
    monthly = agg.monthly_counts(frame, agg.Window(date(2025, 1, 1), date(2025, 3, 31)))
    assert monthly.tolist() == [1, 1, 0]
    cumulative = agg.cumulative_by_day_of_year(frame, [2025, 2026], date(2026, 2, 10))
    assert cumulative.loc[41, 2025] == 2  # Feb 10 is day 41
    assert cumulative.loc[2, 2026] == 0 and cumulative.loc[3, 2026] == 1
    assert pd.isna(cumulative.loc[42, 2026])


def test_poisson_flags_only_real_departures() -> None:
    assert agg.poisson_cdf(0, 2.0) == pytest.approx(0.1353352832)
    assert agg.poisson_cdf(3, 2.0) == pytest.approx(0.8571234605)
    assert agg.notable_change(40, 20.0) == "higher"  # P(X>=40 | 20) ~ 1e-4
    assert agg.notable_change(25, 20.0) == ""  # P ~ 0.16
    assert agg.notable_change(5, 20.0) == "lower"
    assert agg.notable_change(6, 1.0) == ""  # tiny counts never flagged
    # phi = 1 is the plain Poisson test; more spread, fewer flags (tests/test_flags.py).
    assert agg.notable_change(40, 20.0, phi=4.0) == ""


def test_flag_weeks_needs_a_full_baseline() -> None:
    weekly = pd.Series([20] * 52 + [45, 21])
    flags = agg.flag_weeks(weekly)
    assert flags.iloc[:52].eq("").all()
    assert flags.iloc[52] == "higher" and flags.iloc[53] == ""


def test_hour_by_weekday_skips_unknown_times() -> None:
    frame = rows(
        ("2026-11-16 22:30", "ROBBERY", "WESTERN"),  # Monday 22h
        ("2026-11-16 22:10", "ROBBERY", "WESTERN"),
        ("2026-11-17 00:00", "ROBBERY", "WESTERN"),  # date only
    )
    frame.loc[2, "time_known"] = False
    table = agg.hour_by_weekday(frame)
    assert table.shape == (24, 7) and table.loc[22, "Mon"] == 2 and table.to_numpy().sum() == 2


def test_victim_breakdown_suppresses_small_cells() -> None:
    frame = rows(*[("2026-01-01 12:00", "HOMICIDE", "WESTERN")] * 5)
    frame["victim_age"] = pd.array([17, 19, 20, 21, None], dtype="Int16")
    groups = agg.victim_breakdown(frame, "age_group")
    assert pd.isna(groups["Under 18"]) and pd.isna(groups["Unknown"])  # 1 each: suppressed
    # Two hidden cells and 2 victims left of the stated 5: both would be 1. So the next
    # smallest cell, 18-24 (3), is hidden too (tests/test_privacy.py checks every table).
    assert pd.isna(groups["18-24"])
    assert groups["65+"] == 0 and int(groups.isna().sum()) == 3


def test_neighborhood_ranking_and_share_table() -> None:
    frame = rows(*[("2026-01-01 12:00", "ROBBERY", "WESTERN")] * 3)
    frame["neighborhood"] = pd.Categorical(["Canton", "Canton", "Upton"])
    now = agg.Window(date(2026, 1, 1), date(2026, 1, 1))
    before = agg.Window(date(2025, 1, 1), date(2025, 1, 1))
    ranking = agg.neighborhood_ranking(frame, now, before)
    assert ranking.index.tolist() == ["Canton", "Upton"]
    assert ranking.loc["Canton", "change"] == 2
    shares = agg.share_table(frame, "neighborhood")
    assert shares.loc["Canton", "count"] == 2 and pd.isna(shares.loc["Canton", "percent"])
    # A share in percent only for 10 or more out of 10 or more (agg.percent_readable).
    many = pd.DataFrame({"neighborhood": pd.Categorical(["Canton"] * 12 + ["Upton"] * 3)})
    shares = agg.share_table(many, "neighborhood")
    assert shares.loc["Canton", "percent"] == pytest.approx(80.0)
    assert pd.isna(shares.loc["Upton", "percent"])


def test_percent_only_when_both_counts_reach_ten() -> None:
    assert agg.readable_percent(22, 20) == pytest.approx(10.0)
    assert agg.readable_percent(4, 1) is None and agg.readable_percent(1, 2) is None
    assert agg.readable_percent(40, 9) is None and agg.readable_percent(12, 0) is None
    assert agg.readable_percent(None, 12) is None and agg.readable_percent(12, float("nan")) is None
    assert agg.Comparison("x", 4, 25).percent is None and agg.Comparison("x", 4, 25).change == -21


def test_weekly_offense_table_windows() -> None:
    week_end = date(2026, 11, 21)
    frame = rows(
        ("2026-11-15 00:30", "ROBBERY", "WESTERN"),  # this week (Sun)
        ("2026-11-21 23:30", "SHOOTING", "WESTERN"),  # this week (Sat)
        ("2026-11-14 23:30", "ROBBERY", "WESTERN"),  # previous week
        ("2026-10-25 12:00", "ROBBERY", "WESTERN"),  # 4 weeks back: first day of 4-wk window
        ("2025-11-20 12:00", "ROBBERY", "WESTERN"),  # same week last year (Nov 16-22 2025)
        ("2026-11-20 12:00", "LARCENY", "WESTERN"),
    )
    table = agg.weekly_offense_table(frame, week_end)
    assert table.loc["ROBBERY", "this_week"] == 1
    assert table.loc["ROBBERY", "previous_week"] == 1
    assert table.loc["ROBBERY", "four_week_avg"] == pytest.approx(3 / 4)
    assert table.loc["ROBBERY", "same_week_last_year"] == 1
    assert table.loc["Part 1 violent", "this_week"] == 2
    assert table.loc["Part 1 property", "ytd"] == 1
    assert table.loc["ROBBERY", "ytd"] == 3 and table.loc["ROBBERY", "last_ytd"] == 1
    assert table["flag"].eq("").all()


def test_value_counts_agree_for_categories_and_text() -> None:
    values = ["Canton", "Upton", "Canton", None]
    as_category = agg.value_counts(
        pd.Series(pd.Categorical(values, categories=["Upton", "Canton", "Fells Point"]))
    )
    as_text = agg.value_counts(pd.Series(values, dtype=object))
    assert as_category.to_dict() == as_text.to_dict() == {"Canton": 2, "Upton": 1}


def test_incidents_are_distinct_ccnumbers_and_unkeyed_victims_are_counted_apart() -> None:
    ids = pd.Series(["25A1", "25A1", "25A2", None, None], dtype="string")
    assert agg.incident_count(ids) == (2, 2)
    assert agg.incident_count(pd.Series([None, None], dtype="string")) == (0, 2)


def test_a_day_without_data_leaves_both_periods_with_its_match() -> None:
    from bmoredash.coverage import Coverage, Span

    cover = Coverage(
        spans=(Span(date(2024, 1, 1), date(2025, 12, 31)),),
        gap_days=frozenset({date(2025, 3, 10)}),  # day 69 of 2025
    )
    # Day 69 of 2025 is Mar 10; day 69 of 2024 (a leap year) is Mar 9, its match by
    # position. 12 homicides in Jan 2025; 13 in Feb 2024 and one on Mar 9, 2024.
    now = rows(*[(f"2025-01-{d:02d} 12:00", "HOMICIDE", "EASTERN") for d in range(1, 13)])
    before = rows(
        *[(f"2024-02-{d:02d} 12:00", "HOMICIDE", "EASTERN") for d in range(1, 14)],
        ("2024-03-09 12:00", "HOMICIDE", "EASTERN"),
    )
    window = agg.Window(date(2025, 1, 1), date(2025, 3, 31))
    previous = agg.Window(date(2024, 1, 1), date(2024, 3, 31))
    (c,) = agg.compare_counts(now, before, {"Homicides": ("HOMICIDE",)}, window, previous, cover)
    assert c.why_not is None
    assert (c.current, c.previous) == (12, 13)  # Mar 9, 2024 left out with Mar 10, 2025
    assert c.total == 12 and c.whole is None  # nothing of 2025 was left out
    assert c.left_out == "leaving out Mar 9, 2024, Mar 10, 2025 from both periods (no data)"
    # The other way round the count shown is the whole period's, the change the matched.
    (e,) = agg.compare_counts(before, now, {"Homicides": ("HOMICIDE",)}, previous, window, cover)
    assert (e.total, e.current, e.previous) == (14, 13, 12)
    # Before the data start more than a tenth is missing: no comparison at all.
    early = agg.Window(date(2023, 1, 1), date(2023, 3, 31))
    (d,) = agg.compare_counts(now, before, {"Homicides": ("HOMICIDE",)}, window, early, cover)
    assert d.why_not == "no comparison: data start Jan 1, 2024" and d.percent is None
