"""The long run (``aggregate.long_run``): yearly totals per offense with partial years marked,
rolling 12-month totals only where 12 months are covered, and the series' known breaks.

Hand-checked counts on ``tests.factories`` rows, then recounted with plain pandas on the
demo store.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bmoredash import periods, store
from bmoredash.aggregate import long_run
from bmoredash.coverage import Coverage, Span, from_manifest
from bmoredash.series_breaks import BREAKS, BREAKS_BY_KEY
from tests.factories import canonical_rows

#: A homicide list from 2018 (homicides only), then every offense from March 1, 2019,
#: with one day the source lacks (June 15, 2020). Data through Sep 30, 2021.
COVERAGE = Coverage(
    spans=(
        Span(date(2018, 1, 1), date(2019, 2, 28), "homicides", frozenset({"HOMICIDE"})),
        Span(date(2019, 3, 1), date(2021, 9, 30), "part1"),
    ),
    gap_days=frozenset({date(2020, 6, 15)}),
)
THROUGH = date(2021, 9, 30)


def _rows(*items: tuple[str, str]) -> pd.DataFrame:
    return canonical_rows(
        {
            "record_id": [f"R{n}" for n in range(len(items))],
            "occurred_at": [when for when, _ in items],
            "offense": [offense for _, offense in items],
        }
    )


FRAME = _rows(
    ("2018-05-01 10:00", "HOMICIDE"),
    ("2018-07-04 22:00", "HOMICIDE"),
    ("2018-05-01 11:00", "ROBBERY"),  # robbery not covered in 2018: a stray row
    ("2019-01-10 09:00", "HOMICIDE"),  # covered by the homicide list
    ("2019-06-01 01:00", "HOMICIDE"),
    ("2019-06-01 01:00", "HOMICIDE"),  # identical: a second victim, counted
    ("2019-02-01 12:00", "ROBBERY"),  # before robbery's coverage: not counted
    ("2019-04-01 12:00", "ROBBERY"),
    ("2020-01-01 00:10", "HOMICIDE"),
    ("2020-03-10 15:00", "ROBBERY"),
    ("2020-06-15 15:00", "ROBBERY"),  # the gap day: no data, not counted
    ("2020-12-31 23:30", "ROBBERY"),  # Baltimore's Dec 31 (Jan 1 in UTC)
    ("2020-03-03 12:00", "LARCENY"),  # not asked for
    ("2021-09-30 23:59", "HOMICIDE"),
    ("2021-10-01 00:01", "ROBBERY"),  # after the data's last day
)


def _cell(table: pd.DataFrame, year: int, offense: str) -> pd.Series:
    (row,) = table[(table["year"] == year) & (table["offense"] == offense)].itertuples()
    return pd.Series(row._asdict())


def test_yearly_totals_mark_partial_years_with_their_covered_days() -> None:
    table = long_run.yearly_totals(FRAME, COVERAGE, ["HOMICIDE", "ROBBERY"], THROUGH)
    assert sorted(table["year"].unique()) == [2018, 2019, 2020, 2021]
    expected = {
        # (year, offense): (count, days, covered days, status)
        (2018, "HOMICIDE"): (2, 365, 365, "whole"),
        (2018, "ROBBERY"): (np.nan, 365, 0, "no data"),
        (2018, "TOTAL"): (np.nan, 365, 0, "no data"),
        (2019, "HOMICIDE"): (3, 365, 365, "whole"),
        # Mar 1 - Dec 31: 365 - 31 - 28 = 306 days.
        (2019, "ROBBERY"): (1, 365, 306, "partial"),
        # On the 306 days both are covered: the two June homicides and the April robbery.
        (2019, "TOTAL"): (3, 365, 306, "partial"),
        # 2020 is a leap year; June 15 has no data.
        (2020, "HOMICIDE"): (1, 366, 365, "partial"),
        (2020, "ROBBERY"): (2, 366, 365, "partial"),
        (2020, "TOTAL"): (3, 366, 365, "partial"),
        # Jan 1 - Sep 30: 31+28+31+30+31+30+31+31+30 = 273 days.
        (2021, "HOMICIDE"): (1, 365, 273, "partial"),
        (2021, "ROBBERY"): (0, 365, 273, "partial"),
        (2021, "TOTAL"): (1, 365, 273, "partial"),
    }
    for (year, offense), (count, days, covered, status) in expected.items():
        cell = _cell(table, year, offense)
        if np.isnan(count):
            assert np.isnan(cell["count"]), (year, offense)
        else:
            assert cell["count"] == count, (year, offense)
        assert (cell["days"], cell["covered_days"], cell["status"]) == (days, covered, status)


def test_no_data_at_all_gives_no_years() -> None:
    table = long_run.yearly_totals(FRAME, Coverage(), ["HOMICIDE"], THROUGH)
    assert table.empty
    assert list(table.columns) == list(long_run.YEARLY_COLUMNS)
    rolling = long_run.rolling_totals(FRAME, Coverage(), ["HOMICIDE"], THROUGH)
    assert rolling.empty


def test_last_complete_month_end() -> None:
    assert periods.last_complete_month_end(date(2021, 9, 30)) == date(2021, 9, 30)
    assert periods.last_complete_month_end(date(2026, 11, 21)) == date(2026, 10, 31)
    assert periods.last_complete_month_end(date(2026, 1, 15)) == date(2025, 12, 31)
    assert periods.last_complete_month_end(date(2024, 2, 29)) == date(2024, 2, 29)


def test_rolling_totals_only_where_twelve_months_are_covered() -> None:
    rolling = long_run.rolling_totals(FRAME, COVERAGE, ["ROBBERY"], THROUGH)
    # Monthly points from March 2019 (robbery's first month) to September 2021.
    assert rolling.index[0] == pd.Timestamp("2019-03-31")
    assert rolling.index[-1] == pd.Timestamp("2021-09-30")
    # The first value is the 12 months Mar 2019 - Feb 2020: the April 2019 robbery.
    assert rolling[:"2020-01-31"].isna().all()
    assert rolling["2020-02-29"] == 1
    assert rolling["2020-03-31"] == 2  # Apr 2019 - Mar 2020: April and March
    assert rolling["2020-04-30"] == 1  # May 2019 - Apr 2020: March 2020 only
    assert rolling["2020-05-31"] == 1
    # June 2020 holds the gap day: every 12 months holding it have no total.
    assert rolling["2020-06-30":"2021-05-31"].isna().all()
    assert len(rolling["2020-06-30":"2021-05-31"]) == 12
    assert rolling["2021-06-30"] == 1  # Jul 2020 - Jun 2021: Dec 31, 2020
    assert rolling["2021-09-30"] == 1


def test_a_rolling_total_ending_in_december_is_the_whole_year() -> None:
    rolling = long_run.rolling_totals(FRAME, COVERAGE, ["HOMICIDE"], THROUGH)
    yearly = long_run.yearly_totals(FRAME, COVERAGE, ["HOMICIDE"], THROUGH)
    assert rolling["2018-12-31"] == _cell(yearly, 2018, "HOMICIDE")["count"] == 2
    assert rolling["2019-12-31"] == _cell(yearly, 2019, "HOMICIDE")["count"] == 3
    # 2020 is partial (the gap day): neither a whole year nor a rolling total.
    assert np.isnan(rolling["2020-12-31"])


def test_the_breaks_are_those_the_methodology_names() -> None:
    assert [b.when for b in BREAKS] == [date(2021, 1, 1), date(2023, 7, 1), date(2025, 1, 1)]
    assert BREAKS_BY_KEY["redistricting"].label == "July 2023: new district lines"
    from bmoredash.text import methodology_html

    text = methodology_html()
    for item in BREAKS:
        assert f"<strong>{item.label}.</strong>" in text
    # The Methodology's Markdown names the table's facts, never the dates themselves.
    raw = (Path(methodology_html.__code__.co_filename).parent / "methodology.md").read_text()
    for key in BREAKS_BY_KEY:
        assert f"**{{{{ breaks.{key}.label }}}}.**" in raw
    assert "**2021: new records system.**" not in raw


# --------------------------------------------------------------------------------------
# Recounted on the demo store
# --------------------------------------------------------------------------------------


def test_yearly_and_rolling_totals_recounted_on_the_demo_store(demo_store: Path) -> None:
    frame = store.load_incidents(demo_store, offenses="all")
    manifest = store.read_manifest(demo_store)
    coverage = from_manifest(manifest)
    through = date.fromisoformat(manifest["data_through"])
    offenses = ["HOMICIDE", "ROBBERY", "LARCENY"]
    table = long_run.yearly_totals(frame, coverage, offenses, through)

    # Plain pandas: rows per Baltimore calendar year and offense, on the days the
    # manifest's spans hold and that are not gap days.
    local = frame["occurred_at"].dt.tz_localize(None).dt.normalize()
    cover = manifest["coverage"]
    covered = pd.Series(False, index=local.index)
    for span in cover["spans"]:
        covered |= (local >= span["start"]) & (local <= span["end"])
    covered &= ~local.isin(pd.to_datetime(cover.get("gap_days") or []))
    kept = frame[covered & (local <= pd.Timestamp(through))]
    by_year = kept.groupby([kept["occurred_at"].dt.year, kept["offense"].astype(str)]).size()

    assert sorted(table["year"].unique()) == [2024, 2025, 2026]
    for year in (2024, 2025, 2026):
        for offense in offenses:
            assert _cell(table, year, offense)["count"] == by_year.get((year, offense), 0)
    assert _cell(table, 2024, "TOTAL")["status"] == "whole"
    assert _cell(table, 2024, "TOTAL")["covered_days"] == 366
    # The demo source lacks Aug 15 and Dec 31, 2025 and May 12, 2026 (gap days), and ends
    # Nov 21, 2026 (day 325 of the year): 2025 and 2026 are partial.
    gaps = pd.to_datetime(cover["gap_days"])
    assert list(gaps) == list(pd.to_datetime(["2025-08-15", "2025-12-31", "2026-05-12"]))
    row = _cell(table, 2025, "TOTAL")
    assert (row["status"], row["covered_days"], row["days"]) == ("partial", 363, 365)
    row = _cell(table, 2026, "TOTAL")
    assert (row["status"], row["covered_days"], row["days"]) == ("partial", 324, 365)

    rolling = long_run.rolling_totals(frame, coverage, ["ROBBERY"], through)
    robbery = kept[kept["offense"].astype(str) == "ROBBERY"]
    local_robbery = robbery["occurred_at"].dt.tz_localize(None)
    aug24_jul25 = int(((local_robbery >= "2024-08-01") & (local_robbery < "2025-08-01")).sum())
    assert rolling.index[-1] == pd.Timestamp("2026-10-31")
    assert rolling[:"2024-11-30"].isna().all()
    assert rolling["2024-12-31"] == by_year[(2024, "ROBBERY")]
    assert rolling["2025-07-31"] == aug24_jul25
    # Every 12 months from Aug 2025 on hold a gap day: no total, never a smaller one.
    assert rolling["2025-08-31":].isna().all()


@pytest.mark.parametrize("through", [date(2024, 12, 31), date(2025, 1, 1)])
def test_a_year_is_whole_only_through_its_last_day(demo_store: Path, through: date) -> None:
    frame = store.load_incidents(demo_store, offenses="all")
    coverage = from_manifest(store.read_manifest(demo_store))
    table = long_run.yearly_totals(frame, coverage, ["ROBBERY"], through)
    assert _cell(table, 2024, "ROBBERY")["status"] == "whole"
    if through.year == 2025:
        assert _cell(table, 2025, "ROBBERY")["covered_days"] == 1


def test_the_since_2012_page_draws_whole_years_on_the_line_and_marks_nibrs(
    demo_store: Path,
) -> None:
    from bmoredash.app.context import DashboardContext, FilteredView
    from bmoredash.app.pages.since_2012 import Since2012Page, yearly_table
    from bmoredash.app.state import FilterState
    from bmoredash.schema import PART1_OFFENSES

    context = DashboardContext.from_store(demo_store)
    state = FilterState(district="WESTERN")
    page = Since2012Page(context, state)
    page.refresh(FilteredView(context, state))
    assert page.message.value == ""
    chart = page.yearly_chart
    # 2024 is whole: on the line at mid-year; 2025 and 2026 (gap days) are hollow points.
    assert list(pd.DatetimeIndex(chart.points.x)) == [pd.Timestamp("2024-07-01")]
    assert list(pd.DatetimeIndex(chart.hollow.x).year) == [2025, 2026]
    assert list(chart.hollow_labels.text) == ["363 of 365 days", "324 of 365 days"]
    # The data start Jan 1, 2024: of the three breaks only NIBRS (2025) falls inside.
    assert list(chart.rule_labels.text) == ["2025: NIBRS"]
    assert chart.rules.visible
    assert "2025: NIBRS" in page.yearly_panel.note.value
    # The figures drawn are the package's, for Western's rows.
    frame = store.load_incidents(demo_store, offenses="all")
    western = frame[frame["district"].astype(str) == "WESTERN"]
    expected = long_run.yearly_totals(
        western, context.coverage, list(PART1_OFFENSES), context.data_through
    )
    total = expected[(expected["offense"] == "TOTAL") & (expected["year"] == 2024)]
    assert list(chart.points.y) == list(total["count"])
    assert yearly_table(expected, list(PART1_OFFENSES)).equals(
        yearly_table(page.totals, list(PART1_OFFENSES))
    )
