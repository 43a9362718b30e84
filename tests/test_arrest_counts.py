"""What an arrest count is (``bmoredash.arrests.counts``): small frames checked by hand,
and the two real samples recounted here with plain pandas (never with the package's
counting functions)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import require_shared

from bmoredash import aggregate, arrests
from bmoredash.arrests import ARREST_COLUMNS, CHARGE_GROUPS, read_arrests
from bmoredash.periods import Window

#: A value for every arrest column a test row does not give (a Western District arrest of
#: a 30-year-old man on one assault charge).
ARREST_DEFAULTS: dict[str, Any] = {
    "arrested_at": pd.NaT,
    "age": 30,
    "sex": "Male",
    "race": "B",
    "incident_offense_code": None,
    "incident_offense_text": None,
    "charge_code": "1 1415",
    "charge_description": "ASSAULT-SEC DEGREE",
    "charge_group": "violent",
    "district": "WESTERN",
    "post": None,
    "neighborhood": "Sandtown-Winchester",
    "latitude": None,
    "longitude": None,
}


def arrest_rows(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Arrest rows in ``ARREST_COLUMNS`` order and ``read_arrests``' dtypes: each dict
    gives ``arrest_id`` (None: a row without a number) and ``arrest_date``; the other
    columns default to ``ARREST_DEFAULTS``."""
    frame = pd.DataFrame([{**ARREST_DEFAULTS, **row} for row in rows])
    frame["arrest_id"] = frame["arrest_id"].astype(object)
    frame["arrest_date"] = pd.to_datetime(frame["arrest_date"]).astype("datetime64[ns]")
    frame["arrested_at"] = pd.to_datetime(frame["arrested_at"]).dt.tz_localize("America/New_York")
    frame["age"] = frame["age"].astype("Int64")
    return frame[list(ARREST_COLUMNS)]


# Two arrests with several charges, one with one, and two rows without a number.
SMALL = [
    {"arrest_id": "A1", "arrest_date": "2026-03-02", "charge_group": "violent"},
    {"arrest_id": "A1", "arrest_date": "2026-03-02", "charge_group": "violent"},
    {"arrest_id": "A1", "arrest_date": "2026-03-02", "charge_group": "weapons"},
    {"arrest_id": "A2", "arrest_date": "2026-03-03", "charge_group": "drugs", "sex": "Female"},
    {"arrest_id": "A2", "arrest_date": "2026-03-03", "charge_group": "drugs", "sex": "Female"},
    {"arrest_id": "A3", "arrest_date": "2026-03-04", "charge_group": "warrants", "age": 17},
    {
        "arrest_id": None,
        "arrest_date": "2026-03-05",
        "charge_group": "drugs",
        "district": "UNKNOWN",
        "neighborhood": "Unknown",
    },
    {
        "arrest_id": None,
        "arrest_date": "2026-03-05",
        "charge_group": "drugs",
        "district": "UNKNOWN",
        "neighborhood": "Unknown",
    },
]


def test_an_arrest_is_one_arrest_number_and_a_row_without_one_is_its_own() -> None:
    frame = arrest_rows(SMALL)
    # A1, A2, A3, and each of the two rows without a number (identical rows stay two).
    assert arrests.arrest_count(frame) == 5
    assert len(arrests.one_per_arrest(frame)) == 5
    keys = arrests.arrest_keys(frame)
    assert keys.iloc[6] != keys.iloc[7]


def test_by_charge_group_counts_arrests_once_per_group_and_charges_as_rows() -> None:
    table = arrests.by_charge_group(arrest_rows(SMALL))
    assert list(table.index) == list(CHARGE_GROUPS)  # every group, zero-filled
    assert table.loc["violent"].to_dict() == {"arrests": 1, "charges": 2}  # A1
    assert table.loc["weapons"].to_dict() == {"arrests": 1, "charges": 1}  # A1 again
    assert table.loc["drugs"].to_dict() == {"arrests": 3, "charges": 4}  # A2, two unnumbered
    assert table.loc["warrants"].to_dict() == {"arrests": 1, "charges": 1}
    assert table.loc["property"].to_dict() == {"arrests": 0, "charges": 0}


def test_by_place_keeps_the_arrests_without_a_place() -> None:
    frame = arrest_rows(SMALL)
    district = arrests.by_place(frame, "district")
    assert district.loc["WESTERN"].to_dict() == {"arrests": 3, "charges": 6}
    assert district.loc["UNKNOWN"].to_dict() == {"arrests": 2, "charges": 2}
    hood = arrests.by_place(frame, "neighborhood")
    assert list(hood.index) == ["Sandtown-Winchester", "Unknown"]


def test_arrests_in_window_reads_the_arrest_date() -> None:
    frame = arrest_rows(SMALL)
    rows = arrests.arrests_in_window(frame, Window(date(2026, 3, 3), date(2026, 3, 4)))
    assert sorted(set(rows["arrest_id"])) == ["A2", "A3"]
    assert len(rows) == 3


def test_year_to_date_against_the_same_days_last_year() -> None:
    through = date(2026, 3, 15)
    rows = [
        *SMALL,  # this year: 5 arrests
        {"arrest_id": "B1", "arrest_date": "2025-01-01", "charge_group": "drugs"},
        {"arrest_id": "B2", "arrest_date": "2025-03-15", "charge_group": "drugs"},  # inside
        {"arrest_id": "B3", "arrest_date": "2025-03-16", "charge_group": "drugs"},  # after
        {"arrest_id": "B4", "arrest_date": "2024-12-31", "charge_group": "violent"},  # before
        {"arrest_id": "C1", "arrest_date": "2026-03-16", "charge_group": "violent"},  # after
    ]
    comparisons = {c.label: c for c in arrests.ytd_comparison(arrest_rows(rows), through)}
    assert list(comparisons) == list(arrests.MEASURES)
    assert (comparisons["all"].current, comparisons["all"].previous) == (5, 2)
    assert (comparisons["drugs"].current, comparisons["drugs"].previous) == (3, 2)
    assert (comparisons["violent"].current, comparisons["violent"].previous) == (1, 0)
    # Small numbers: no percentage and no verdict (the crime counts' rule).
    assert comparisons["all"].percent is None
    assert aggregate.chance_verdict(comparisons["all"]) == "too few"


def test_a_change_beyond_chance_is_called_down() -> None:
    """Ten weeks of 10 arrests a week against 40 a week a year earlier, evenly spread:
    the paired weeks never differ by chance (phi 1), and
    z = (sqrt(100.375) - sqrt(400.375)) / sqrt(1/2) = -14.1, far beyond p < 0.01."""
    rows = []
    for week in range(10):
        start = pd.Timestamp("2026-01-01") + pd.Timedelta(weeks=week)
        before = pd.Timestamp("2025-01-01") + pd.Timedelta(weeks=week)
        rows += [{"arrest_id": f"N{week}-{i}", "arrest_date": start} for i in range(10)]
        rows += [{"arrest_id": f"P{week}-{i}", "arrest_date": before} for i in range(40)]
    through = date(2026, 3, 11)  # 70 days: the ten whole weeks
    (everything,) = [
        c for c in arrests.ytd_comparison(arrest_rows(rows), through) if c.label == "all"
    ]
    assert (everything.current, everything.previous) == (100, 400)
    assert everything.dispersion == 1.0
    assert everything.direction == "down"
    assert everything.percent == pytest.approx(-75.0)


def test_people_counted_once_per_arrest_with_the_victims_hidden_cells() -> None:
    # 20 arrests of Black people, 8 of white people, one of an Asian person on 3 charges.
    rows = [{"arrest_id": f"B{i}", "arrest_date": "2026-03-02", "race": "B"} for i in range(20)]
    rows += [{"arrest_id": f"W{i}", "arrest_date": "2026-03-02", "race": "W"} for i in range(8)]
    rows += [{"arrest_id": "A", "arrest_date": "2026-03-02", "race": "A"}] * 3
    race = arrests.people_breakdown(arrest_rows(rows), "race")
    # One Asian arrest is under 3: hidden; the white cell is hidden too, or 29 - 20 - 8
    # would give it away. The 20 stays shown.
    assert list(race.index) == ["B", "W", "A"]
    assert race["B"] == 20
    assert race.isna().tolist() == [False, True, True]


def test_people_tables_follow_the_victims_rule_exactly() -> None:
    """The same ages as arrests and as victims give the same hidden cells: one rule."""
    ages = [17, 17, 19, 22, 23, 24, 24, 30, 31, 33, 40, 41, 52, 70, None]
    rows = [
        {"arrest_id": f"X{i}", "arrest_date": "2026-03-02", "age": age}
        for i, age in enumerate(ages)
    ]
    shown = arrests.people_breakdown(arrest_rows(rows), "age_group")
    victims = pd.DataFrame({"victim_age": pd.array(ages, dtype="Int64")})
    assert shown.equals(aggregate.victim_breakdown(victims, "age_group"))
    # By hand: 2 under 18, 5 aged 18-24, 3 aged 25-34, 2 aged 35-44, 1 aged 45-54, none
    # 55-64, 1 aged 65+, 1 unknown. The five cells under 3 are hidden; together they hold
    # 7, which many fillings give, so no shown cell needs hiding. A zero stays shown.
    assert shown.dropna().to_dict() == {"18-24": 5, "25-34": 3, "55-64": 0}
    assert list(shown[shown.isna()].index) == ["Under 18", "35-44", "45-54", "65+", "Unknown"]


def test_an_unknown_people_column_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="no people breakdown by 'gender'"):
        arrests.people_breakdown(arrest_rows(SMALL), "gender")


# --------------------------------------------------------------------------------------
# The real samples, recounted with plain pandas
# --------------------------------------------------------------------------------------

SAMPLES = {
    "BPD_Arrests.csv": date(2018, 2, 17),
    "more_arrests_usf_rows_000001-030000.csv": date(2020, 12, 31),
}


@pytest.fixture(scope="module", params=sorted(SAMPLES))
def sample(request: pytest.FixtureRequest) -> tuple[pd.DataFrame, date]:
    path = require_shared("arrests", request.param)
    return read_arrests(path).rows, SAMPLES[request.param]


def _plain_arrests(rows: pd.DataFrame) -> int:
    return int(rows["arrest_id"].nunique() + rows["arrest_id"].isna().sum())


def test_real_sample_arrests_and_charges_recounted(sample: tuple[pd.DataFrame, date]) -> None:
    rows, _ = sample
    assert arrests.arrest_count(rows) == _plain_arrests(rows)
    table = arrests.by_charge_group(rows)
    assert int(table["charges"].sum()) == len(rows)
    for group in CHARGE_GROUPS:
        in_group = rows[rows["charge_group"] == group]
        assert table.loc[group, "arrests"] == _plain_arrests(in_group), group
        assert table.loc[group, "charges"] == len(in_group), group
    district = arrests.by_place(rows, "district")
    for name in ("WESTERN", "UNKNOWN"):
        here = rows[rows["district"] == name]
        assert district.loc[name, "arrests"] == _plain_arrests(here), name
    # Half the published arrests have no district: they are counted, not dropped.
    assert district.loc["UNKNOWN", "arrests"] > 0.4 * arrests.arrest_count(rows)


def test_real_sample_year_to_date_recounted(sample: tuple[pd.DataFrame, date]) -> None:
    rows, through = sample
    day = rows["arrest_date"].dt.date
    now = rows[(day >= date(through.year, 1, 1)) & (day <= through)]
    last_end = date(through.year - 1, through.month, through.day)
    before = rows[(day >= date(through.year - 1, 1, 1)) & (day <= last_end)]
    comparisons = {c.label: c for c in arrests.ytd_comparison(rows, through)}
    assert comparisons["all"].current == _plain_arrests(now)
    assert comparisons["all"].previous == _plain_arrests(before)
    drugs = comparisons["drugs"]
    assert drugs.current == _plain_arrests(now[now["charge_group"] == "drugs"])
    assert drugs.previous == _plain_arrests(before[before["charge_group"] == "drugs"])
    assert comparisons["all"].current > 0 and comparisons["all"].previous > 0


def test_real_sample_people_recounted(sample: tuple[pd.DataFrame, date]) -> None:
    rows, _ = sample
    first = rows[rows["arrest_id"].isna() | ~rows["arrest_id"].duplicated()]
    sex = arrests.people_breakdown(rows, "sex")
    assert sex["Male"] == int((first["sex"] == "Male").sum())
    assert sex["Female"] == int((first["sex"] == "Female").sum())
    race = arrests.people_breakdown(rows, "race")
    plain = first["race"].fillna("U").value_counts()
    assert race["B"] == plain["B"]  # the largest cell is never hidden
    for code, n in plain.items():
        if n < aggregate.MIN_CELL:
            assert pd.isna(race[code]), code
        elif not pd.isna(race[code]):
            assert race[code] == n, code
    assert int(race.fillna(0).sum()) <= _plain_arrests(rows)


def test_people_tables_do_not_depend_on_row_order_or_dtype() -> None:
    """Complementary suppression breaks ties by position: the order is fixed by count,
    then name, so categorical (store) and plain (reader) columns hide the same cells."""
    rows = [{"arrest_id": f"B{i}", "arrest_date": "2026-03-02", "race": "B"} for i in range(9)]
    rows += [{"arrest_id": f"I{i}", "arrest_date": "2026-03-02", "race": "I"} for i in range(4)]
    rows += [{"arrest_id": f"A{i}", "arrest_date": "2026-03-02", "race": "A"} for i in range(4)]
    rows += [{"arrest_id": "U", "arrest_date": "2026-03-02", "race": "U"}]
    frame = arrest_rows(rows)
    plain = arrests.people_breakdown(frame, "race")
    flipped = frame.iloc[::-1].assign(race=lambda f: f["race"].astype("category"))
    assert list(plain.index) == ["B", "A", "I", "U"]
    assert plain.equals(arrests.people_breakdown(flipped, "race"))
    # U (1) is hidden; A and I tie at 4 and the first by name, A, is hidden with it.
    assert plain.isna().tolist() == [False, True, False, True]


# --------------------------------------------------------------------------------------
# From the store (its dtypes) and on the Arrests page (no data is not zero)
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def legacy_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding only the legacy arrest sample (2017-01-01 to 2018-02-17)."""
    from bmoredash import ingest

    path = require_shared("arrests", "BPD_Arrests.csv")
    data_dir = tmp_path_factory.mktemp("arrest-store") / "data"
    ingest.ingest_paths([path], data_dir)
    return data_dir


def test_stored_arrests_count_as_read(legacy_store: Path) -> None:
    """The store's dtypes (string ids, categories, Int16 ages) count as the reader's do."""
    from bmoredash import store

    stored = store.load_arrests(legacy_store)
    read = read_arrests(require_shared("arrests", "BPD_Arrests.csv")).rows
    assert arrests.arrest_count(stored) == arrests.arrest_count(read) == 27_188
    assert arrests.by_charge_group(stored).equals(arrests.by_charge_group(read))
    assert arrests.by_place(stored, "neighborhood").equals(arrests.by_place(read, "neighborhood"))
    for column in arrests.PEOPLE_COLUMNS:
        assert arrests.people_breakdown(stored, column).equals(
            arrests.people_breakdown(read, column)
        ), column
    through = date(2018, 2, 17)
    pairs = zip(
        arrests.ytd_comparison(stored, through), arrests.ytd_comparison(read, through), strict=True
    )
    for a, b in pairs:
        assert (a.label, a.current, a.previous) == (b.label, b.current, b.previous)


def _page(data_dir: Path, **filters: Any) -> Any:
    from bmoredash.app.context import DashboardContext, FilteredView
    from bmoredash.app.pages.arrests import ArrestsPage
    from bmoredash.app.state import FilterState

    context = DashboardContext.from_store(data_dir)
    page = ArrestsPage(context, FilterState())
    page.refresh(FilteredView(context, FilterState(**filters)))
    assert page.message.value == "", "the page drew without its error message"
    return page


def test_page_says_no_arrest_data_for_a_period_the_arrests_do_not_cover(
    legacy_store: Path,
) -> None:
    page = _page(legacy_store)  # this year to date: the sample ends in 2018
    assert "No arrest data for" in page.no_data.value
    assert "cover Jan 1, 2017 to Feb 17, 2018" in page.no_data.value
    assert page.content.layout.display == "none"
    assert page.summary.value == "" and page.comparisons == []

    page = _page(legacy_store, year=2017, district="WESTERN")
    read = read_arrests(require_shared("arrests", "BPD_Arrests.csv")).rows
    day = read["arrest_date"].dt.year
    western = read[(day == 2017) & (read["district"] == "WESTERN")]
    plain = int(western["arrest_id"].nunique() + western["arrest_id"].isna().sum())
    assert page.no_data.value == ""
    assert f'<span class="bmd-arrests-count">{plain:,}</span>' in page.summary.value
    # 2016 holds no arrest data: a comparison with it is "no data", never zero arrests.
    assert page.comparisons[0].why_not == "no comparison: data start Jan 1, 2017"
    assert "no data Nov 23, 2017" in page.summary.value  # the sample's one gap day


def test_page_says_no_arrest_data_for_a_store_without_arrests(tmp_path: Path) -> None:
    from bmoredash import store
    from tests.factories import canonical_rows

    rows = canonical_rows(
        [{"record_id": f"R{i}", "occurred_at": f"2026-03-0{i + 1} 12:00"} for i in range(3)]
    )
    source = {"source": "hand", "layout": "test", "rows_read": 3, "rows_kept": 3}
    store.write_store(tmp_path, rows, None, {}, [source], demo=False)
    page = _page(tmp_path)
    assert "No arrest data." in page.no_data.value
    assert "This store holds no arrests" in page.no_data.value
    assert page.content.layout.display == "none"
    assert page.groups is None and page.places is None
