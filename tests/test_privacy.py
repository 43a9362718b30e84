"""Privacy that holds: no hidden cell of a Victims table can be worked out from the total
the page states and the cells it shows, and the public CSV download holds no victim
columns.

``derivable_cells`` plays the reader who wants a hidden number back. It knows the total,
the shown cells (a 0 shown is 0, so a hidden cell is at least 1; a withheld table shows
no row at all) and the published method, and tries every way of filling the hidden cells that
adds up to the total and that the method would have hidden in exactly the same way. A
hidden cell that is the same in every such filling is derivable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from math import comb
from pathlib import Path

import pandas as pd
import pytest

from bmoredash import aggregate as agg
from bmoredash.selection import select_rows

Method = Callable[[list[int]], "set[int] | None"]


def primary_only(values: list[int]) -> set[int]:
    """The method before complementary suppression: hide 1 to MIN_CELL - 1, nothing else."""
    return {i for i, c in enumerate(values) if 0 < c < agg.MIN_CELL}


def _fillings(rest: int, k: int, low: int, high: int) -> Iterator[tuple[int, ...]]:
    """Every k-tuple of integers in [low, high] summing to ``rest``."""
    if k == 0:
        if rest == 0:
            yield ()
        return
    for v in range(low, min(high, rest - low * (k - 1)) + 1):
        if rest - v <= high * (k - 1):
            for tail in _fillings(rest - v, k - 1, low, high):
                yield (v, *tail)


def derivable_cells(
    shown: pd.Series, total: int, method: Method | None = agg.hidden_cells
) -> list[str]:
    """Labels of hidden (<NA>) cells of ``shown`` whose value follows from ``total``.

    ``method=None``: the reader knows only the sums (every hidden cell at least 1). Else the
    reader also knows the method and keeps only the fillings it would hide the same way.
    """
    hidden = [i for i, v in enumerate(shown) if pd.isna(v)]
    if not hidden:
        return []
    withheld = len(hidden) == len(shown)
    if withheld:
        return []  # the page shows no row of a withheld table: only the total is known
    low = 1
    rest = total - sum(int(v) for v in shown if pd.notna(v))
    labels = list(shown.index)
    if method is None:
        # One sum: a cell is pinned when the others can only take their minimum.
        if len(hidden) == 1 or rest == low * len(hidden):
            return [str(labels[i]) for i in hidden]
        return []
    positive = [int(v) for v in shown if pd.notna(v) and v > 0]
    # A hidden cell is at most the smallest shown one (complements are the smallest
    # cells); with the old method at most MIN_CELL - 1. This only bounds the search: every
    # filling is still checked against the method.
    high = max(min(positive), agg.MIN_CELL - 1) if positive else rest
    if method is primary_only:
        high = agg.MIN_CELL - 1
    assert comb(rest + len(hidden), len(hidden)) < 5_000_000, "search too large"
    seen: list[set[int]] = [set() for _ in hidden]
    base = [0 if pd.isna(v) else int(v) for v in shown]
    expected = set(hidden)
    for filling in _fillings(rest, len(hidden), low, high):
        values = list(base)
        for i, v in zip(hidden, filling, strict=True):
            values[i] = v
        if method(values) == expected:
            for found, v in zip(seen, filling, strict=True):
                found.add(v)
    return [str(labels[i]) for i, found in zip(hidden, seen, strict=True) if len(found) == 1]


# --------------------------------------------------------------------------------------
# The reader on small tables
# --------------------------------------------------------------------------------------


def table(*values: int | None) -> pd.Series:
    return pd.Series(values, index=[f"c{i}" for i in range(len(values))], dtype="Int64")


def test_the_reader_finds_a_lone_hidden_cell() -> None:
    shown = table(10, None, 14, 0)  # the case: one hidden cell beside a total
    assert derivable_cells(shown, 25, None) == ["c1"]
    assert derivable_cells(shown, 25, primary_only) == ["c1"]


def test_the_reader_uses_the_bounds_of_the_old_method() -> None:
    # Two hidden cells summing to 4, each 1 or 2 under the old method: both are 2.
    assert derivable_cells(table(None, None, 9), 13, primary_only) == ["c0", "c1"]
    # Summing to 2: both are 1, even for a reader who knows nothing of the method.
    assert derivable_cells(table(None, None, 9), 11, None) == ["c0", "c1"]
    assert derivable_cells(table(None, None, 9), 12, primary_only) == []


@pytest.mark.parametrize(
    "values",
    [
        [5, 1, 0, 7, 9],
        [1, 1, 10, 20],
        [2, 2, 10],
        [1, 3, 5, 9],
        [2, 5, 5, 9],
        [2, 3, 3, 3, 8],
        [1, 2, 0, 0, 40],
        [2, 1],
        [1, 1],
        [2],
        [0, 1, 0, 0, 0, 0, 0, 0],
        [3, 0, 4],
    ],
)
def test_complementary_suppression_leaves_nothing_derivable(values: list[int]) -> None:
    counts = pd.Series(values, index=[f"c{i}" for i in range(len(values))])
    shown = agg.suppress_small_cells(counts)
    total = sum(values)
    assert derivable_cells(shown, total, None) == []
    assert derivable_cells(shown, total) == []
    visible = shown.dropna()
    assert visible[visible != 0].ge(agg.MIN_CELL).all()  # no small non-zero cell shown
    assert not shown.dropna().between(1, agg.MIN_CELL - 1).any()


def test_suppression_hides_the_next_smallest_cell_and_withholds_what_cannot_be_hidden() -> None:
    shown = agg.suppress_small_cells(pd.Series([10, 1, 14, 0, 3, 7]))
    assert shown.isna().tolist() == [False, True, False, False, True, False]
    assert shown[3] == 0  # zeros stay zeros
    assert agg.suppress_small_cells(pd.Series([2, 0, 0])).isna().all()  # two victims, one group
    assert not agg.suppress_small_cells(pd.Series([3, 0, 5])).isna().any()


# --------------------------------------------------------------------------------------
# Every Victims table of a demo store
# --------------------------------------------------------------------------------------

DEMO_START, DEMO_END = date(2022, 1, 1), date(2025, 6, 14)


@pytest.fixture(scope="module")
def demo_rows(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    from bmoredash import demo, store

    data_dir = tmp_path_factory.mktemp("privacy-demo")
    demo.write_demo(data_dir, start=DEMO_START, end=DEMO_END)
    return store.load_incidents(data_dir, offenses=["HOMICIDE", "SHOOTING"])


def victims_tables(rows: pd.DataFrame) -> Iterator[tuple[str, pd.Series, int]]:
    """(name, shown table, stated total) for every table the Victims page offers by year
    and district (the page's own groups and breakdowns, built by its own function)."""
    from bmoredash.app.filters import DISTRICT_OPTIONS
    from bmoredash.app.pages.victims import BREAKDOWNS, VICTIM_GROUPS, shown_breakdown

    for year in range(DEMO_START.year, DEMO_END.year + 1):
        window = agg.Window(date(year, 1, 1), min(date(year, 12, 31), DEMO_END))
        for _, district in DISTRICT_OPTIONS:
            for group, (_, offenses) in VICTIM_GROUPS.items():
                cut = select_rows(rows, districts=[district], offenses=offenses, window=window)
                for column in BREAKDOWNS:
                    shown = shown_breakdown(cut, column)
                    yield f"{district} {year} {group} {column}", shown, len(cut)


def test_no_hidden_cell_of_a_demo_victims_table_is_derivable(demo_rows: pd.DataFrame) -> None:
    tables = derivable = hidden = 0
    found: list[str] = []
    for name, shown, total in victims_tables(demo_rows):
        tables += 1
        known = shown.dropna()
        assert not known.between(1, agg.MIN_CELL - 1).any(), name
        if not shown.isna().all():  # a withheld table states no cells
            assert int(shown.fillna(0).sum()) <= total, name
        hidden += int(shown.isna().sum())
        cells = derivable_cells(shown, total) + derivable_cells(shown, total, None)
        derivable += len(cells)
        found += [f"{name}: {c}" for c in cells]
    assert tables == (DEMO_END.year - DEMO_START.year + 1) * 10 * 3 * 4
    assert hidden > 0, "the demo store should hide some cells"
    assert derivable == 0, found[:10]


def test_every_breakdown_adds_up_to_the_stated_total(
    demo_rows: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each table holds on its own with the total the page states: its cells (hidden ones
    included) are every victim, a missing value counted as Unknown."""
    monkeypatch.setattr(agg.breakdowns, "suppress_small_cells", lambda c: c)  # see them all
    cut = demo_rows[demo_rows["district"] == "WESTERN"].copy()
    cut.loc[cut.index[:5], ["victim_gender", "victim_race", "victim_ethnicity"]] = pd.NA
    for column in ("age_group", "victim_gender", "victim_race", "victim_ethnicity"):
        assert int(agg.victim_breakdown(cut, column).sum()) == len(cut), column
    assert agg.victim_breakdown(cut, "victim_gender")["Unknown"] >= 5


# --------------------------------------------------------------------------------------
# The CSV download
# --------------------------------------------------------------------------------------

VICTIM_COLUMNS = ("victim_age", "victim_gender", "victim_race", "victim_ethnicity")


def test_the_download_holds_no_victim_columns(tmp_path: Path) -> None:
    from bmoredash.app import build_app
    from bmoredash.app.context import DashboardContext
    from tests.test_app_widgets import THROUGH, _write

    data_dir = _write(tmp_path, demo=False)
    app = build_app(context=DashboardContext.from_store(data_dir), query="")
    sent: dict[str, str] = {}
    app.download.send_file = lambda name, text: sent.update(name=name, text=text)
    app.filter_bar.district.value = "WESTERN"
    app.filter_bar.offense.value = ("HOMICIDE",)
    app.download.button.click()
    header = sent["text"].splitlines()[0].split(",")
    assert header[:3] == ["record_id", "incident_id", "occurred_at"]
    assert not set(VICTIM_COLUMNS) & set(header)
    assert len(sent["text"].strip().splitlines()) > 1
    assert THROUGH.year == 2025
    # Analysts keep the full rows through the package.
    import bmoredash

    full = bmoredash.load_incidents(data_dir, districts=["WESTERN"], offenses=["HOMICIDE"])
    assert set(VICTIM_COLUMNS) <= set(full.columns)
