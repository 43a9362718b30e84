"""Our yearly homicides and non-fatal shootings beside the official tallies
(``bmoredash.official``): the shipped figures, the rule on hand-made rows, the real Sun
extract (2025 only in part, so no difference), the Methodology page and its table."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from bmoredash import official, store
from bmoredash.coverage import Coverage, Span
from tests.factories import canonical_rows

#: The figures the project gave for the official tallies.
HOMICIDES = {
    2015: 344, 2016: 318, 2017: 342, 2018: 309, 2019: 348, 2020: 335,
    2021: 337, 2022: 333, 2023: 263, 2024: 201, 2025: 133,
}  # fmt: skip
SHOOTINGS = {2019: 770, 2020: 725, 2021: 728, 2023: 635, 2024: 414, 2025: 311}
UNVERIFIED = "figure given by the project brief, source not verified here"


# --------------------------------------------------------------------------------------
# The shipped table
# --------------------------------------------------------------------------------------


def test_shipped_figures_are_the_official_ones():
    tallies = official.load_tallies()
    got = {(r.measure, r.year): r.official for r in tallies.itertuples()}
    want = {("homicides", y): n for y, n in HOMICIDES.items()}
    want |= {("nonfatal_shootings", y): n for y, n in SHOOTINGS.items()}
    assert got == want


def test_every_figure_names_its_source_and_reasons():
    tallies = official.load_tallies()
    reasons = official.load_reasons()
    for row in tallies.itertuples():
        sourced = row.source_url.startswith("https://") or row.source_url.startswith("http://")
        # every figure has a public source now; none rests on the brief alone
        assert sourced, (row.year, row.measure)
        assert UNVERIFIED not in row.note, (row.year, row.measure)
        keys = [k for k in row.reasons.split(";") if k]
        assert keys and set(keys) <= set(reasons.index), (row.year, row.measure)
    # The reasons the issue names are all documented, each with a label and explanation.
    documented = {
        "late_deaths",
        "historical_homicides",
        "rms_2021",
        "excluded_homicides",
        "coverage",
    }
    assert documented <= set(reasons.index)
    assert (reasons["label"].str.len() > 0).all() and (reasons["explanation"].str.len() > 20).all()


def test_a_malformed_table_is_refused(tmp_path: Path):
    text = official.TALLIES_FILE.read_text(encoding="utf-8")
    bad = tmp_path / "tallies.csv"
    bad.write_text(text.replace("late_deaths;revised", "late_deaths;made_up", 1), encoding="utf-8")
    with pytest.raises(ValueError, match="unknown reasons"):
        official.load_tallies(bad)
    bad.write_text(text.replace(",homicides,", ",murders,", 1), encoding="utf-8")
    with pytest.raises(ValueError, match="unknown measure"):
        official.load_tallies(bad)


def test_second_tally_is_the_sun_homicide_database():
    """The Sun's database, counted per year of its ``date``, is the second tally for 2015-2020."""
    from conftest import require_shared

    path = require_shared("shootings_homicides", "baltimore-homicide-victims_redacted.csv")
    with path.open(newline="", encoding="utf-8") as handle:
        per_year = Counter(int(r["date"][:4]) for r in csv.DictReader(handle))
    tallies = official.load_tallies()
    homicides = tallies[tallies["measure"] == "homicides"].set_index("year")["second_tally"]
    for year in range(2015, 2021):
        assert homicides[year] == per_year[year], year
    assert homicides.loc[2021:].isna().all()


# --------------------------------------------------------------------------------------
# The rule, on a small hand-made store
# --------------------------------------------------------------------------------------


def _rows(events: list[tuple[str, str]]) -> pd.DataFrame:
    """Canonical rows from (Baltimore wall time, offense)."""
    n = len(events)
    return canonical_rows(
        {
            "record_id": [f"R{i:04d}" for i in range(n)],
            "incident_id": [f"I{i:04d}" for i in range(n)],
            "occurred_at": [t for t, _ in events],
            "crime_code": "X",
            "description": [o for _, o in events],
            "offense": [o for _, o in events],
            "offense_detail": [o for _, o in events],
            "post": "711",
            "old_district": "WESTERN",
            "neighborhood": "Harlem Park",
            "location": "100 N EXAMPLE ST",
            "latitude": 39.3,
            "longitude": -76.6,
            "victim_race": "Unknown",
            "source": "hand.csv",
            "snapshot": "hand",
        }
    )


#: 2019 and 2020 whole, 2021 to March 31: homicides 3 / 2 / 1, shootings 2 / 1 / 1.
EVENTS = [
    ("2019-01-01 00:10", "ROBBERY"),
    ("2019-03-04 12:00", "HOMICIDE"),
    ("2019-07-04 22:00", "HOMICIDE"),
    ("2019-12-31 23:30", "HOMICIDE"),  # 04:30 UTC on Jan 1: still 2019 in Baltimore
    ("2019-05-05 10:00", "SHOOTING"),
    ("2019-05-05 10:00", "SHOOTING"),  # a second victim of the same shooting
    ("2020-01-01 00:30", "HOMICIDE"),
    ("2020-06-01 18:00", "HOMICIDE"),
    ("2020-08-08 20:00", "SHOOTING"),
    ("2020-09-09 09:00", "AGG. ASSAULT"),
    ("2021-02-02 02:00", "HOMICIDE"),
    ("2021-03-03 03:00", "SHOOTING"),
    ("2021-03-31 21:00", "ROBBERY"),
]

TALLIES = """year,measure,official,source,source_url,reasons,second_tally,second_source,note
2018,homicides,5,test,https://example.org/a,late_deaths,,,
2019,homicides,3,test,https://example.org/a,late_deaths,,,
2020,homicides,4,test,https://example.org/a,late_deaths;excluded_homicides,,,
2021,homicides,9,test,https://example.org/a,late_deaths,,,
2019,nonfatal_shootings,1,test,https://example.org/b,late_deaths;rms_2021,,,
2020,nonfatal_shootings,1,test,https://example.org/b,late_deaths,,,
"""


@pytest.fixture(scope="module")
def hand_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("official") / "data"
    incidents = _rows(EVENTS)
    quality = {"rows_read": len(incidents), "rows_kept": len(incidents)}
    sources = [{"source": "hand.csv", "layout": "test", "rows_read": 13, "rows_kept": 13}]
    store.write_store(data_dir, incidents, None, quality, sources, demo=False)
    return data_dir


@pytest.fixture(scope="module")
def tallies(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    path = tmp_path_factory.mktemp("tallies") / "tallies.csv"
    path.write_text(TALLIES, encoding="utf-8")
    return official.load_tallies(path)


def test_counts_differences_and_coverage_on_a_hand_made_store(hand_store, tallies):
    frame = store.load_incidents(hand_store)
    cover = store.read_coverage(hand_store)
    result = official.compare_with_official(frame, cover, tallies=tallies)
    assert list(result.columns) == list(official.COLUMNS)
    by = result.set_index(["measure", "year"])

    agree = by.loc[("homicides", 2019)]
    assert (agree["ours"], agree["difference"], agree["coverage"]) == (3, 0, official.FULL)
    assert agree["reason"] == "agrees"

    fewer = by.loc[("homicides", 2020)]
    assert (fewer["ours"], fewer["official"], fewer["difference"]) == (2, 4, -2)
    assert fewer["reason"] == "Late deaths reclassified; Justified and in-custody deaths left out"

    more = by.loc[("nonfatal_shootings", 2019)]
    assert (more["ours"], more["difference"]) == (2, 1)
    assert more["reason"] == "Late deaths reclassified; 2021 records-system change"
    assert by.loc[("nonfatal_shootings", 2020), "reason"] == "agrees"

    before = by.loc[("homicides", 2018)]
    assert before["coverage"] == official.NOT_COVERED
    assert pd.isna(before["ours"]) and pd.isna(before["difference"])
    assert before["reason"].startswith("not covered")

    partial = by.loc[("homicides", 2021)]
    assert partial["coverage"] == official.PARTIAL
    assert partial["ours"] == 1 and pd.isna(partial["difference"])
    assert partial["reason"] == "partial year, no comparison: data end Mar 31, 2021"


def test_a_gap_day_makes_a_year_partial_and_counts_only_covered_days(tallies):
    frame = _rows(EVENTS)
    cover = Coverage(
        spans=(Span(date(2019, 1, 1), date(2020, 12, 31)),),
        gap_days=frozenset({date(2019, 3, 4)}),
    )
    result = official.compare_with_official(frame, cover, tallies=tallies)
    row = result.set_index(["measure", "year"]).loc[("homicides", 2019)]
    assert row["coverage"] == official.PARTIAL and pd.isna(row["difference"])
    assert row["ours"] == 2  # the homicide on the gap day is not counted as data
    assert "no data Mar 4, 2019" in row["reason"]


def test_coverage_of_another_offense_does_not_count(tallies):
    """A homicide-only file covers homicides, not shootings."""
    frame = _rows(EVENTS)
    cover = Coverage(
        spans=(Span(date(2019, 1, 1), date(2020, 12, 31), "homicides", frozenset({"HOMICIDE"})),)
    )
    by = official.compare_with_official(frame, cover, tallies=tallies).set_index(
        ["measure", "year"]
    )
    assert by.loc[("homicides", 2019), "coverage"] == official.FULL
    assert by.loc[("nonfatal_shootings", 2019), "coverage"] == official.NOT_COVERED


# --------------------------------------------------------------------------------------
# The real Sun extract: data start Mar 18, 2025
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sun_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import require_shared

    from bmoredash.ingest import ingest_paths

    folder = require_shared("crime", "baltimore_sun")
    paths = sorted(folder.glob("*.csv"))
    if not paths:
        reason = f"no Baltimore Sun extract in {folder}"
        print(f"SKIP: {reason}")
        pytest.skip(reason)
    data_dir = tmp_path_factory.mktemp("sun") / "data"
    ingest_paths(paths, data_dir)
    return data_dir


def test_real_sun_extract_claims_no_difference_for_2025(sun_store):
    frame = store.load_incidents(sun_store, columns=["occurred_at", "offense"])
    result = official.compare_with_official(frame, store.read_coverage(sun_store))
    assert result["difference"].isna().all()
    this_year = result[result["year"] == 2025]
    assert len(this_year) == 2
    assert (this_year["coverage"] == official.PARTIAL).all()
    assert this_year["reason"].str.contains("data start Mar 18, 2025").all()
    assert (this_year["ours"] > 0).all() and (this_year["ours"] < this_year["official"]).all()
    earlier = result[result["year"] < 2025]
    assert (earlier["coverage"] == official.NOT_COVERED).all() and earlier["ours"].isna().all()


# --------------------------------------------------------------------------------------
# The Methodology page
# --------------------------------------------------------------------------------------


def _html_of(widget) -> str:
    parts = [getattr(widget, "value", "") if hasattr(widget, "value") else ""]
    for child in getattr(widget, "children", ()):
        parts.append(_html_of(child))
    return "".join(p for p in parts if isinstance(p, str))


def test_methodology_page_shows_the_comparison(hand_store):
    from bmoredash.app import build_app
    from bmoredash.app.context import DashboardContext

    app = build_app(context=DashboardContext.from_store(hand_store), query="")
    app.state.page = "methodology"
    page = app.pages.get("methodology")
    assert page is not None and page.message.value == ""
    text = _html_of(page.widget)
    assert "Our count next to the official one" in text
    # Every official figure is in the table, year by year, with its source linked below.
    for year, figure in HOMICIDES.items():
        assert f'<th scope="row">{year}</th>' in text
        assert f">{figure:,d}<" in text
    assert "not covered: this store holds no homicides data for 2015" in text
    assert "https://www.wmar2news.com/news/region/baltimore-city/" in text
    assert "Historical homicides" in text


def test_comparison_table_reads_as_a_table(hand_store):
    frame = store.load_incidents(hand_store)
    result = official.compare_with_official(frame, store.read_coverage(hand_store))
    table = official.comparison_table(result)
    assert table.index.name == "year" and len(table) == len(official.load_tallies())
    assert list(table.columns)[:4] == ["measure", "our count", "official", "difference"]
    # Differences only for whole years; 2021 (to Mar 31) has a count but no difference.
    assert set(table[table["difference"].notna()].index) == {2019, 2020}
    assert set(table[table["our count"].notna()].index) == {2019, 2020, 2021}
