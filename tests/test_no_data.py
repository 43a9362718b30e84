"""No data is not zero: days the sources do not cover are never drawn or compared as zero.

Three levels, each on data whose coverage is written out here:

- the counting rules (``aggregate``) on hand-made rows and a hand-made coverage;
- the dashboard's pages, the weekly report and Chromium on a store whose data start on
  Tue 2025-03-18 (demo rows from that day on, with an explicit ``coverage`` record in its
  manifest and, for the dashboard, one stray row dated 1963, as real files carry).

Expected values are worked out in the comments, or counted here in plain pandas.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bmoredash import aggregate as agg
from bmoredash.coverage import from_manifest
from bmoredash.selection import select_rows
from tests.factories import canonical_rows

DATA_START = date(2025, 3, 18)  # a Tuesday
DATA_END = date(2026, 6, 13)  # a Saturday: the store's data through
GAP_DAYS = ["2025-07-30", "2025-08-15", "2025-12-01", "2025-12-31"]
COVERAGE = {
    "spans": [
        {
            "start": DATA_START.isoformat(),
            "end": DATA_END.isoformat(),
            "dataset": "baltimore_sun",
            "offenses": None,
        }
    ],
    "gap_days": GAP_DAYS,
}
WHY = "no comparison: data start Mar 18, 2025"
#: The Saturdays ending the weeks that hold a gap day (Jul 30, Aug 15, Dec 1, Dec 31 2025).
GAP_WEEKS = ["2025-08-02", "2025-08-16", "2025-12-06", "2026-01-03"]
PERCENT = re.compile(r"[+\u2212-]?\d[\d,]*\.\d%")


def rows(*stamps: str, offense: str = "ROBBERY") -> pd.DataFrame:
    """Canonical rows (``tests.factories``), one per local timestamp."""
    return canonical_rows(
        {
            "record_id": [f"R{n}" for n in range(len(stamps))],
            "occurred_at": list(stamps),
            "offense": offense,
            "neighborhood": "Canton",
        }
    )


def coverage(start: str, end: str, gaps: tuple[str, ...] = ()):
    return from_manifest(
        {"coverage": {"spans": [{"start": start, "end": end}], "gap_days": list(gaps)}}
    )


# --------------------------------------------------------------------------------------
# The counting rules
# --------------------------------------------------------------------------------------


def test_weekly_counts_leave_weeks_without_data_blank_and_keep_real_zeros() -> None:
    # Data from Wed 2026-10-07 with a gap on Thu 2026-10-22. Weeks end on Saturdays:
    # Oct 10 (Oct 4-10: Sun-Tue uncovered), 17, 24 (holds the gap day), 31, Nov 7.
    cov = coverage("2026-10-07", "2026-11-07", ("2026-10-22",))
    frame = rows("2026-10-08 12:00", "2026-10-13 12:00", "2026-10-21 12:00", "2026-11-05 09:00")
    window = agg.Window(date(2026, 10, 7), date(2026, 11, 7))
    weekly = agg.weekly_counts(frame, window, cov, ["ROBBERY"])
    assert weekly.index[0] == pd.Timestamp("2026-10-10")
    assert np.isnan(weekly["2026-10-10"])  # partial first week: no data on Oct 4-6
    assert weekly["2026-10-17"] == 1
    assert np.isnan(weekly["2026-10-24"])  # the gap day: not the 1 row it holds
    assert weekly["2026-10-31"] == 0  # a covered week without crime is a real zero
    assert weekly["2026-11-07"] == 1
    # Without a coverage nothing changes (the old rule).
    assert agg.weekly_counts(frame, window).tolist() == [1, 1, 1, 0, 1]
    # Covered for robbery only: a week counted for every offense has no data.
    partial = from_manifest(
        {
            "coverage": {
                "spans": [{"start": "2026-10-01", "end": "2026-11-07", "offenses": ["ROBBERY"]}]
            }
        }
    )
    assert agg.weekly_counts(frame, window, partial, ["ROBBERY"]).notna().all()
    assert agg.weekly_counts(frame, window, partial, ["ROBBERY", "LARCENY"]).isna().all()


def test_flags_skip_blank_weeks_and_average_covered_weeks_only() -> None:
    nan = float("nan")
    # A year of data, 40 weeks without data, then 12 weeks of 20 and a week of 20: the
    # baseline is 20 (12 covered weeks), so 20 is ordinary. Read as zeros, the baseline
    # would be about 12 * 20 / 52 = 4.6 and the same 20 would look far higher.
    history = [20.0] * 60
    blank = pd.Series(history + [nan] * 40 + [20.0] * 13)
    assert agg.flag_weeks(blank).iloc[-1] == ""
    assert agg.expected_weeks(blank)["expected"].iloc[-1] == 20.0
    assert agg.expected_weeks(blank.fillna(0))["expected"].iloc[-1] < 5
    # A week without data is never flagged, however the weeks around it look.
    spike = pd.Series([20.0] * 52 + [nan, 45.0])
    flags = agg.flag_weeks(spike)
    assert flags.iloc[52] == "" and flags.iloc[53] == "higher"
    # The 45 against a baseline of 20: flagged with 8 covered weeks, not with 7.
    assert agg.flag_weeks(pd.Series(history + [nan] * 44 + [20.0] * 8 + [45.0])).iloc[-1] == (
        "higher"
    )
    assert agg.flag_weeks(pd.Series(history + [nan] * 45 + [20.0] * 7 + [45.0])).iloc[-1] == ""
    # Without 8 other weeks to measure the spread of chance, nothing is flagged.
    assert agg.flag_weeks(pd.Series([nan] * 44 + [20.0] * 8 + [45.0])).iloc[-1] == ""
    assert agg.MIN_BASELINE_WEEKS == 8


def test_months_and_running_totals_stop_where_the_data_do() -> None:
    cov = coverage("2025-03-18", "2026-06-13", ("2025-07-30",))
    frame = rows("2025-04-02 10:00", "2025-07-29 10:00", "2026-01-05 10:00", "2026-02-01 10:00")
    monthly = agg.monthly_counts(frame, agg.Window(date(2025, 3, 1), date(2025, 8, 31)), cov)
    # March starts before the data; July holds the gap day; August has no row but data.
    assert np.isnan(monthly["2025-03-01"]) and np.isnan(monthly["2025-07-01"])
    assert monthly["2025-04-01"] == 1 and monthly["2025-08-01"] == 0
    running = agg.cumulative_by_day_of_year(frame, [2025, 2026], date(2026, 2, 10), cov)
    assert running[2025].isna().all()  # no data on Jan 1, 2025: no running total at all
    assert running.loc[5, 2026] == 1 and running.loc[41, 2026] == 2  # Feb 10 is day 41
    # A gap day ends a running total: 2025 covered from Jan 1, gap on Feb 3 (day 34).
    early = coverage("2025-01-01", "2025-12-31", ("2025-02-03",))
    total = agg.cumulative_by_day_of_year(
        rows("2025-01-02 10:00"), [2025], date(2025, 2, 10), early
    )
    assert total.loc[33, 2025] == 1 and total.loc[34:, 2025].isna().all()


def test_comparisons_over_uncovered_windows_say_why_and_give_no_percent() -> None:
    cov = coverage("2025-03-18", "2026-06-13")
    frame = rows(*[f"2026-02-{d:02d} 12:00" for d in range(1, 21)], "2025-04-01 12:00")
    (robbery,) = agg.compare_counts(
        agg.in_window(frame, agg.Window(date(2026, 1, 1), date(2026, 6, 13))),
        agg.in_window(frame, agg.Window(date(2025, 1, 1), date(2025, 6, 13))),
        {"Robberies": ("ROBBERY",)},
        agg.Window(date(2026, 1, 1), date(2026, 6, 13)),
        agg.Window(date(2025, 1, 1), date(2025, 6, 13)),
        cov,
    )
    assert (robbery.current, robbery.previous) == (20, 1)
    assert robbery.why_not == WHY and robbery.describe() == WHY
    assert robbery.percent is None and not robbery.readable
    # The same counts over covered windows: a change of +19, but all 20 fell in three
    # weeks of February, a burst the paired weeks show chance can make.
    ytd = agg.ytd_comparison(frame, date(2026, 6, 13))
    violent = {c.label: c for c in ytd}["Part 1 violent"]
    assert violent.change == 19 and violent.describe().endswith(", within chance")
    assert all(c.why_not == WHY for c in agg.ytd_comparison(frame, date(2026, 6, 13), cov))
    ranking = agg.neighborhood_ranking(
        frame,
        agg.Window(date(2026, 1, 1), date(2026, 6, 13)),
        agg.Window(date(2025, 1, 1), date(2025, 6, 13)),
        cov,
        ["ROBBERY"],
    )
    assert ranking.loc["Canton", "count"] == 20
    assert pd.isna(ranking.loc["Canton", "previous"]) and pd.isna(ranking.loc["Canton", "change"])


def test_weekly_report_table_blanks_uncovered_windows() -> None:
    cov = from_manifest({"coverage": COVERAGE})
    frame = rows(*[f"2026-06-{d:02d} 12:00" for d in range(7, 14)], "2025-06-10 12:00")
    table = agg.weekly_offense_table(frame, DATA_END, cov)
    robbery = table.loc["ROBBERY"]
    assert robbery["this_week"] == 7 and robbery["same_week_last_year"] == 1
    assert math.isnan(robbery["last_ytd"]) and math.isnan(robbery["ytd_change"])
    assert robbery["ytd_percent"] is None
    assert agg.report_gaps(DATA_END, cov) == {"last_ytd": WHY}
    # Four weeks after the data start: no 4-week average, no last year, no flag.
    early = agg.report_gaps(date(2025, 4, 12), cov)
    assert early["four_week_avg"] == early["same_week_last_year"] == early["ytd"] == WHY
    assert early["flag"].startswith("no count is marked notable: 2 of the 52 weeks")
    assert "previous_week" not in early and "this_week" not in early
    early_table = agg.weekly_offense_table(rows("2025-04-08 12:00"), date(2025, 4, 12), cov)
    assert early_table["flag"].eq("").all()
    assert early_table.loc["ROBBERY", "this_week"] == 1
    assert early_table["four_week_avg"].isna().all()


# --------------------------------------------------------------------------------------
# A store whose data start on 2025-03-18
# --------------------------------------------------------------------------------------


def set_coverage(root: Path, doc: dict) -> None:
    """Write ``doc`` as the ``coverage`` of the live store's manifest (both copies)."""
    pointer = root / "manifest.json"
    manifest = json.loads(pointer.read_text(encoding="utf-8"))
    manifest["coverage"] = doc
    for path in (pointer, root / manifest["store_dir"] / "manifest.json"):
        path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def write_late_store(root: Path) -> Path:
    """Demo rows from 2025-03-18 to 2026-06-13, with the coverage written out above."""
    from bmoredash.demo import write_demo

    write_demo(root, start=DATA_START, end=DATA_END)
    set_coverage(root, COVERAGE)
    return root


@pytest.fixture(scope="module")
def late_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_late_store(tmp_path_factory.mktemp("late") / "data")


@pytest.fixture(scope="module")
def incidents(late_store: Path) -> pd.DataFrame:
    from bmoredash import store

    return store.load_incidents(late_store)


@pytest.fixture
def app(late_store: Path, incidents: pd.DataFrame):
    """The dashboard on the late store plus one stray row dated 1963."""
    from bmoredash import store
    from bmoredash.app import build_app
    from bmoredash.app.context import DashboardContext

    stray = incidents.iloc[[0]].copy()
    stray["occurred_at"] = pd.Timestamp("1963-06-01 12:00", tz="America/New_York")
    frame = pd.concat([stray, incidents], ignore_index=True)
    manifest = store.read_manifest(late_store)
    context = DashboardContext(
        frame=frame, manifest=manifest, data_dir=late_store, data_through=DATA_END
    )
    return build_app(context=context, query="")


def hand_count(frame: pd.DataFrame, first: date, last: date, offenses=None) -> int:
    day = frame["occurred_at"].dt.date
    keep = (day >= first) & (day <= last)
    if offenses is not None:
        keep &= frame["offense"].astype(str).isin(offenses)
    return int(keep.sum())


def test_years_offered_are_the_covered_ones(app) -> None:
    assert app.context.first_date == date(1963, 6, 1)  # the stray row is in the frame
    assert app.context.years == (2026, 2025)
    assert [v for _, v in app.filter_bar.year.options] == [2026, 2025]
    assert [v for _, v in app.filter_bar.calendar_year.options] == [0, 2026, 2025]
    # Date ranges: only days with data can be picked.
    for picker in (app.filter_bar.start, app.filter_bar.end):
        assert (picker.min, picker.max) == (DATA_START, DATA_END)


def test_overview_makes_no_comparison_before_the_data_start(app, incidents) -> None:
    page = app.pages["overview"]
    violent = ["HOMICIDE", "SHOOTING", "RAPE", "ROBBERY", "AGG. ASSAULT"]
    cards = {c.label: c for c in page.comparisons}
    assert cards["Part 1 violent"].current == hand_count(
        incidents, date(2026, 1, 1), DATA_END, violent
    )
    assert all(c.why_not == WHY for c in page.comparisons)
    assert page.cards.value.count(WHY) == 4
    assert not PERCENT.search(page.cards.value), "a percentage for an uncovered window"
    assert "in same days of 2025" not in page.cards.value  # no count from partial days
    assert not PERCENT.search(page.by_offense.value)
    assert "no data" in page.by_offense.value and WHY in page.by_offense.value
    assert "days without data" not in page.summary.value  # 2026 to date: all covered
    # 2025 against 2024: no data at all in 2024, and 2025 itself only from Mar 18.
    app.filter_bar.year.value = 2025
    assert all(c.why_not == WHY for c in page.comparisons)
    assert "This period has days without data: data start Mar 18, 2025." in page.summary.value
    # A window the data cover on both sides is compared as before (a date range: with
    # the 74 days just before it, periods.previous_window).
    app.state.start, app.state.end = date(2026, 4, 1), DATA_END
    assert not any(c.why_not for c in page.comparisons)
    assert PERCENT.search(page.cards.value)
    before = hand_count(incidents, date(2026, 1, 17), date(2026, 3, 31), violent)
    assert {c.label: c.previous for c in page.comparisons}["Part 1 violent"] == before


def test_trends_start_at_the_data_and_break_at_gaps(app, incidents) -> None:
    app.state.page = "trends"
    page = app.pages["trends"]
    x = pd.DatetimeIndex(page.series.line.x)
    y = np.asarray(page.series.line.y, dtype=float)
    # Weeks from the one holding Mar 18 (ending Mar 22) to the last complete week.
    assert x[0] == pd.Timestamp("2025-03-22") and x[-1] == pd.Timestamp(DATA_END)
    assert len(x) == 65
    blank = [f"{d:%Y-%m-%d}" for d in x[np.isnan(y)]]
    assert blank == ["2025-03-22", *GAP_WEEKS]
    assert (y[~np.isnan(y)] > 0).all(), "no zero week is drawn"
    # Every drawn week is the count of its 7 days.
    for day in (pd.Timestamp("2025-03-29"), pd.Timestamp("2026-06-13")):
        week = agg.week_window(day.date())
        expected = len(select_rows(incidents, window=week))
        assert y[x.get_loc(day)] == expected
    # Flags: never on a blank week, never without 8 covered weeks before.
    flagged = page.flags[page.flags != ""].index
    assert not set(flagged) & set(x[np.isnan(y)])
    assert all(page.counts[:week].iloc[-53:-1].notna().sum() >= 8 for week in flagged)
    assert len(page.series.higher.x) + len(page.series.lower.x) == len(flagged)
    assert "5 weeks with days the data do not cover are left blank" in page.series_panel.note.value
    assert "no data" in page.series_panel.table.value
    # Monthly: March 2025 (from the 18th) and the months with gap days are blank.
    page.interval.value = "monthly"
    months = pd.Series(np.asarray(page.series.line.y, float), pd.DatetimeIndex(page.series.line.x))
    assert months.index[0] == pd.Timestamp("2025-03-01")
    assert [f"{m:%Y-%m}" for m in months.index[months.isna()]] == [
        "2025-03",
        "2025-07",
        "2025-08",
        "2025-12",
    ]
    # Running totals: only 2026 has data from January 1.
    assert list(page.cumulative.columns) == [2026]
    assert "2021, 2022, 2023, 2024, 2025" in page.years_panel.note.value


def test_neighborhoods_show_no_change_before_the_data_start(app) -> None:
    app.state.page = "neighborhoods"
    page = app.pages["neighborhoods"]
    assert page.ranking["previous"].isna().all() and page.ranking["change"].isna().all()
    assert (page.ranking["count"] > 0).any()
    assert page.comparison.loc["Citywide", "change"] == WHY
    assert page.comparison["previous"].isna().all()
    assert WHY in page.compare_panel.note.value and WHY in page.ranking_panel.note.value
    assert not PERCENT.search(page.compare_panel.table.value)


# --------------------------------------------------------------------------------------
# The weekly report
# --------------------------------------------------------------------------------------


def test_report_text_makes_no_comparison_before_the_data_start(late_store, incidents) -> None:
    from bmoredash import report
    from bmoredash import report as text

    data = report.load_report_data(report.validate_params("CITYWIDE", DATA_END, late_store))
    assert data.gaps == {"last_ytd": WHY}
    line = text.headline(data.district, data.week_end, data.offense_table, data.gaps)
    assert "there is no comparison with the same days of 2025 (data start Mar 18, 2025)" in line
    assert not PERCENT.search(line)
    table = text.offense_table_html(data.offense_table, data.week_end, data.gaps)
    assert table.count('data-col="ytd_change" class="num">no comparison<') == 12
    assert table.count('data-col="last_ytd" class="num">no data<') == 12
    assert f"Same days 2025: {WHY}" in table
    ytd = hand_count(incidents, date(2026, 1, 1), DATA_END, ["ROBBERY"])
    assert data.offense_table.loc["ROBBERY", "ytd"] == ytd
    assert data.summary()["violent_last_ytd"] is None
    # The trend's weeks before the data start are blank, not zero, and never flagged.
    trend = data.trend
    assert trend.loc[: pd.Timestamp("2025-03-22"), "violent"].isna().all()
    assert trend.loc[GAP_WEEKS, "violent"].isna().all()
    assert (trend["violent"].dropna() > 0).all()
    assert (trend.loc[trend["violent"].isna(), "violent_flag"] == "").all()
    # Four weeks in: no average, no last year, no year to date, nothing marked notable.
    early = report.load_report_data(report.validate_params("CITYWIDE", "2025-04-12", late_store))
    assert early.offense_table["flag"].eq("").all()
    assert set(early.gaps) == {"four_week_avg", "same_week_last_year", "ytd", "last_ytd", "flag"}
    notes = text.methodology_html(
        early.params.manifest,
        week_end=early.week_end,
        hour_window=(early.hour_window.start, early.hour_window.end),
        untimed=early.untimed,
        gaps=early.gaps,
        generated_at="now",
    )
    assert "Days with data: Mar 18, 2025 – Jun 13, 2026" in notes
    assert "No count is marked notable: 2 of the 52 weeks" in notes
    early_line = text.headline(early.district, early.week_end, early.offense_table, early.gaps)
    assert "no comparison with a 4-week average: data start Mar 18, 2025" in early_line
    assert "Year-to-date counts are not shown (data start Mar 18, 2025)." in early_line


def test_trend_chart_draws_gaps_as_bands_not_bars() -> None:
    from bmoredash.report import figures as figs

    weeks = pd.date_range("2026-10-03", "2026-11-21", freq="W-SAT")
    weekly = pd.DataFrame(
        {"violent": 20.0, "property": 30.0, "violent_flag": "", "property_flag": ""},
        index=weeks,
    )
    weekly.loc[weeks[:3], ["violent", "property"]] = np.nan
    fig = figs.trend_chart(weekly, date(2026, 11, 21))
    for ax, value in zip(fig.axes, (20.0, 30.0), strict=True):
        (bars,) = ax.containers
        assert [b.get_height() for b in bars] == [value] * 5
        bands = [p for p in ax.patches if p not in bars.patches]
        assert len(bands) == 3  # one grey band per blank week, no bar of zero
    # Nothing drawn at all (every week blank) still makes a figure.
    weekly[["violent", "property"]] = np.nan
    figs.trend_chart(weekly, date(2026, 11, 21))


@pytest.mark.slow
def test_rendered_report_says_no_comparison(late_store: Path, tmp_path: Path) -> None:
    from bmoredash import report

    result = report.render_report(
        "CITYWIDE", DATA_END, data_dir=late_store, out_dir=tmp_path, formats=["html"]
    )
    html = result.html.read_text(encoding="utf-8")
    plain = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "no comparison with the same days of 2025 (data start Mar 18, 2025)" in plain
    changes = re.findall(r'data-col="ytd_change"[^>]*>([^<]*)<', html)
    assert changes and set(changes) == {"no comparison"}
    assert "Days with data: Mar 18, 2025 – Jun 13, 2026" in plain
    index = (result.html.parent / "index.html").read_text(encoding="utf-8")
    assert "(no comparison)" in index and not PERCENT.search(index)


# --------------------------------------------------------------------------------------
# In Chromium
# --------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.slow
def test_trends_page_in_chromium_starts_at_the_data(late_store: Path) -> None:
    from browser_support import Server, launch_chromium, require_chromium, screenshot
    from playwright.sync_api import sync_playwright

    require_chromium()
    with Server(late_store) as server, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            tab = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            tab.set_default_timeout(120_000)
            tab.goto(server.url + "/?page=trends")
            body = tab.locator(".bmd-page-trends")
            body.wait_for(state="visible")
            tab.wait_for_function(
                "() => [...document.querySelectorAll('.bmd-page-trends path.line')]"
                ".some(p => (p.getAttribute('d') || '').length > 100)"
            )
            tab.wait_for_timeout(800)
            path = screenshot(tab, "trends-no-data")
            # The weekly chart is the page's first figure. Its line: one stroke per run of
            # weeks with data. Blank: Mar 22 (first), Aug 2, Aug 16, Dec 6, Jan 3, so the
            # runs are Mar 29-Jul 26, Aug 9, Aug 23-Nov 29, Dec 13-27, Jan 10-Jun 13.
            drawn = tab.evaluate(
                """() => {
                  const fig = document.querySelector('.bmd-page-trends .bqplot');
                  const line = fig.querySelector('path.line').getAttribute('d') || '';
                  const dots = [...fig.querySelectorAll('path.dot')]
                    .map(p => p.parentNode.getAttribute('transform') || '');
                  const ticks = [...fig.querySelectorAll('.tick text')].map(t => t.textContent);
                  return {line, dots, ticks};
                }"""
            )
            assert drawn["line"].count("M") == 5 and "NaN" not in drawn["line"]
            # 60 weeks with data plus the flagged ones, each placed (none at NaN).
            flagged = len(drawn["dots"]) - 60
            assert 0 <= flagged < 60
            assert all(t.startswith("translate(") and "NaN" not in t for t in drawn["dots"])
            assert not [t for t in drawn["ticks"] if "2024" in t], drawn["ticks"]
            text = body.inner_text()
            assert "5 weeks with days the data do not cover are left blank" in text
            marked = re.search(r"Marked here: (\d+) higher, (\d+) lower", text)
            assert int(marked[1]) + int(marked[2]) == flagged
            assert path.exists()
            for marker in ("Traceback (most recent call last)", "went wrong drawing"):
                assert marker not in tab.content()
        finally:
            browser.close()


def test_neighborhood_changes_leave_out_a_gap_day_and_its_match() -> None:
    # Jan 2026 against Dec 2025 (31 days each); Jan 10 2026 has no data, so Jan 10 and its
    # match Dec 10 2025 (the 10th day of each window) leave both counts.
    cov = coverage("2025-01-01", "2026-06-13", gaps=("2026-01-10",))
    frame = rows(
        *[f"2026-01-{d:02d} 12:00" for d in (2, 3, 4, 11, 12)],  # 5 in January
        *[f"2025-12-{d:02d} 12:00" for d in (1, 2, 10, 10, 20, 21, 22, 23)],  # 8, 2 on the 10th
    )
    january = agg.Window(date(2026, 1, 1), date(2026, 1, 31))
    december = agg.Window(date(2025, 12, 1), date(2025, 12, 31))
    ranking = agg.neighborhood_ranking(frame, january, december, cov, ["ROBBERY"])
    assert ranking.loc["Canton", "count"] == 5
    assert ranking.loc["Canton", "previous"] == 6  # 8 less the two on Dec 10
    assert ranking.loc["Canton", "change"] == -1
    assert "Jan 10, 2026" in ranking.attrs["left_out"]
    assert "Dec 10, 2025" in ranking.attrs["left_out"]
    (robbery,) = agg.compare_counts(
        agg.in_window(frame, january),
        agg.in_window(frame, december),
        {"Robberies": ("ROBBERY",)},
        january,
        december,
        cov,
    )
    assert robbery.change == ranking.loc["Canton", "change"]  # one rule on both faces


def test_report_year_to_date_is_compared_on_matched_days() -> None:
    from bmoredash import report as report_text

    # Feb 10, 2026 has no data: it and its match, Feb 10, 2025, leave both counts.
    cov = coverage("2024-01-01", "2026-06-13", gaps=("2026-02-10",))
    frame = rows(
        *[f"2026-0{m}-0{d} 12:00" for m in (1, 3, 4, 5, 6) for d in (2, 3)],  # 10
        "2026-02-10 09:00",  # on the gap day: left out
        "2026-02-10 10:00",
        *[f"2025-0{m}-05 12:00" for m in (1, 2, 3, 4, 5, 6)],  # 6
        *[f"2025-0{m}-06 12:00" for m in (1, 3, 4)],  # 3
        "2025-02-10 12:00",  # the gap day's match: left out
    )
    table = agg.weekly_offense_table(frame, DATA_END, cov)
    robbery = table.loc["ROBBERY"]
    assert (robbery["ytd"], robbery["last_ytd"], robbery["ytd_change"]) == (10, 9, 1)
    assert "Feb 10, 2026" in table.attrs["ytd_left_out"]
    assert "Feb 10, 2025" in table.attrs["ytd_left_out"]
    assert "ytd" not in agg.report_gaps(DATA_END, cov)
    html = report_text.offense_table_html(table, DATA_END, agg.report_gaps(DATA_END, cov))
    assert "Year to date 2026 and Same days 2025: counted leaving out Feb 10, 2025" in html
