"""The selection rule (``bmoredash.selection``): one parser, one meaning for "not given" and
"empty", one spelling per value, and every implementation equal to ``Selection.apply``.

The property test draws random selections on the suite's demo store and holds four paths
equal: the reference ``apply`` in plain pandas, the store's Arrow predicates, the dashboard's
fast path (``FilteredView``) and the CSV download.
"""

from __future__ import annotations

import random
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from bmoredash import store
from bmoredash.periods import Window
from bmoredash.schema import (
    AREA_COLUMNS,
    COUNCIL_DISTRICTS,
    DISTRICT_LINES,
    DISTRICTS,
    LEGISLATIVE_DISTRICTS,
    OFFENSES,
    PART1_OFFENSES,
    VIOLENT_OFFENSES,
)
from bmoredash.selection import (
    GROUPS,
    Selection,
    SelectionError,
    council_of,
    district_of,
    expand_offenses,
    legislative_of,
    lines_of,
    neighborhood_of,
    offense_choice,
)

# --------------------------------------------------------------------------------------
# The parser
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("Northeastern", "NORTHEAST"),
        ("northeast", "NORTHEAST"),
        ("NED", "NORTHEAST"),
        ("Western District", "WESTERN"),
        (" southwestern ", "SOUTHWEST"),
        ("citywide", "CITYWIDE"),
        ("Unknown", "UNKNOWN"),
    ],
)
def test_every_face_reads_a_district_the_same_way(typed: str, canonical: str) -> None:
    from bmoredash.app.state import FilterState
    from bmoredash.report import check_district

    assert district_of(typed) == canonical
    if canonical != "UNKNOWN":  # rows without a district: a store query, not a view
        assert FilterState.from_query(f"district={typed}").district == canonical
        assert check_district(typed) == canonical
    expected = None if canonical == "CITYWIDE" else (canonical,)
    assert Selection.parse(districts=typed).districts == expected


def test_an_unknown_district_is_refused_with_the_valid_names() -> None:
    from bmoredash.app.state import FilterState
    from bmoredash.report import ReportParameterError, check_district

    with pytest.raises(SelectionError, match="Gotham.*WESTERN"):
        Selection.parse(districts=["WESTERN", "Gotham"])
    with pytest.raises(ReportParameterError, match="Gotham"):
        check_district("Gotham")
    with pytest.raises(ReportParameterError, match="UNKNOWN"):
        check_district("UNKNOWN")  # a report is for a district or the city
    state = FilterState.from_query("district=Gotham")
    assert state.district == "CITYWIDE" and "Gotham" in state.messages[0]


@pytest.mark.parametrize(
    ("typed", "offenses"),
    [
        ("homicide", ("HOMICIDE",)),
        ("Agg Assault", ("AGG. ASSAULT",)),
        ("aggravated assault", ("AGG. ASSAULT",)),
        ("Non-fatal shooting", ("SHOOTING",)),
        ("Violent", VIOLENT_OFFENSES),
        ("part1", PART1_OFFENSES),
        ("all", tuple(OFFENSES)),
        ("other", ("COMMON ASSAULT",)),
    ],
)
def test_offense_spellings_and_groups(typed: str, offenses: tuple[str, ...]) -> None:
    from bmoredash.app.state import FilterState

    assert Selection.parse(offenses=typed).offenses == offenses
    state = FilterState.from_query(f"offense={typed}")
    assert not state.messages
    assert expand_offenses(state.offenses) == offenses


def test_not_given_means_the_default_and_empty_is_refused() -> None:
    default = Selection.parse()
    assert default == Selection()
    assert default.districts is None and default.neighborhoods is None
    assert default.windows is None
    assert default.offenses == PART1_OFFENSES  # common assault only when named
    assert expand_offenses(None) == expand_offenses(()) == PART1_OFFENSES
    for name in ("districts", "neighborhoods", "offenses", "years"):
        with pytest.raises(SelectionError, match=f"{name}=\\[\\] selects nothing"):
            Selection.parse(**{name: []})
    with pytest.raises(SelectionError, match="JAYWALKING.*violent"):
        offense_choice("JAYWALKING")
    with pytest.raises(SelectionError, match="after end"):
        Selection.parse(start="2024-03-01", end="2024-01-01")


def test_neighborhoods_match_in_their_canonical_spelling() -> None:
    assert neighborhood_of("  harlem   PARK ") == "Harlem Park"
    assert Selection.parse(neighborhoods="butcher's hill").neighborhoods == ("Butcher's Hill",)
    with pytest.raises(SelectionError, match="Atlantis"):
        neighborhood_of("Atlantis", known=["Harlem Park"])


def test_years_and_dates_give_windows_cut_to_each_other() -> None:
    chosen = Selection.parse(years=[2024, 2023], end="2024-01-01")
    assert chosen.windows == (
        Window(date(2023, 1, 1), date(2023, 12, 31)),
        Window(date(2024, 1, 1), date(2024, 1, 1)),
    )
    assert Selection.parse(start="2024-02-29").windows[0].start == date(2024, 2, 29)


# --------------------------------------------------------------------------------------
# Every implementation equals the reference
# --------------------------------------------------------------------------------------

N_SELECTIONS = 40
SEED = 20261201


@pytest.mark.parametrize(
    ("parse_one", "typed", "canonical"),
    [
        (council_of, "3", "3"),
        (council_of, 14, "14"),
        (council_of, "Council District 7", "7"),
        (council_of, "district 03", "3"),
        (council_of, "unknown", "UNKNOWN"),
        (legislative_of, "43a", "43A"),
        (legislative_of, "Legislative District 40", "40"),
        (lines_of, "1959", "pre2023"),
        (lines_of, "2023", "2023"),
        (lines_of, " Published ", "published"),
    ],
)
def test_area_spellings(parse_one, typed: object, canonical: str) -> None:
    assert parse_one(typed) == canonical


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        ({"councils": "15"}, "unknown council district '15'; valid: 1, 2,"),
        ({"legislative": "43"}, "unknown legislative district '43'; valid: 40, 41, 43A"),
        ({"lines": "2011"}, "unknown district lines '2011'; valid: published, 2023, pre2023"),
        ({"councils": []}, "councils=[] selects nothing"),
    ],
)
def test_bad_areas_are_refused_with_the_valid_values(keywords: dict, message: str) -> None:
    with pytest.raises(SelectionError, match=re.escape(message)):
        Selection.parse(**keywords)


def test_district_lines_choose_the_column_the_district_filter_reads() -> None:
    frame = pd.DataFrame(
        {
            "offense": ["HOMICIDE"] * 3,
            "district": ["WESTERN", "WESTERN", "CENTRAL"],
            "district_2023": ["WESTERN", "CENTRAL", "CENTRAL"],
            "district_pre2023": ["SOUTHERN", "WESTERN", "UNKNOWN"],
            "neighborhood": ["A", "B", "C"],
            "council_district": ["9", "11", "UNKNOWN"],
            "legislative_district": ["40", "40", "UNKNOWN"],
        }
    )
    picked = {
        lines: Selection.parse(districts="WESTERN", lines=lines).apply(frame).index.tolist()
        for lines in DISTRICT_LINES
    }
    assert picked == {"published": [0, 1], "2023": [0], "pre2023": [1]}
    assert Selection.parse(councils=["11", "UNKNOWN"]).apply(frame).index.tolist() == [1, 2]
    assert Selection.parse(legislative="40", councils="9").apply(frame).index.tolist() == [0]


def test_an_arrest_frame_is_selected_by_place_and_arrest_date() -> None:
    arrests = pd.DataFrame(
        {
            "arrest_date": pd.to_datetime(["2024-12-31", "2025-01-01", "2025-03-01"]),
            "district": ["WESTERN", "WESTERN", "EASTERN"],
            "council_district": ["9", "9", "12"],
        }
    )
    assert Selection.parse(years=2025).apply(arrests).index.tolist() == [1, 2]
    assert Selection.parse(districts="Western", years=2025).apply(arrests).index.tolist() == [1]
    assert Selection.parse(councils="12").apply(arrests).index.tolist() == [2]


def _random_offenses(rng: random.Random) -> tuple[str, ...] | None:
    if rng.random() < 0.3:
        return None
    names = [*OFFENSES, *GROUPS]
    return tuple(rng.sample(names, rng.randint(1, 3)))


def _random_window(rng: random.Random) -> tuple[date, date]:
    first = date(2023, 12, 25).toordinal()
    last = date(2026, 11, 25).toordinal()
    a, b = sorted(rng.randint(first, last) for _ in range(2))
    return date.fromordinal(a), date.fromordinal(b)


@pytest.fixture(scope="module")
def everything(demo_store: Path) -> pd.DataFrame:
    return store.load_incidents(demo_store, offenses="all")


@pytest.fixture(scope="module")
def dashboard(demo_store: Path):
    from bmoredash.app import build_app
    from bmoredash.app.context import DashboardContext

    return build_app(context=DashboardContext.from_store(demo_store), query="")


def _ids(frame: pd.DataFrame) -> list[str]:
    return sorted(frame["record_id"].astype(str))


def test_the_store_equals_the_reference_on_random_selections(
    demo_store: Path, everything: pd.DataFrame
) -> None:
    rng = random.Random(SEED)
    hoods = sorted(everything["neighborhood"].dropna().astype(str).unique())
    nonempty = 0
    for _ in range(N_SELECTIONS):
        keywords: dict = {}
        if rng.random() < 0.6:
            keywords["districts"] = rng.sample([*DISTRICTS, "UNKNOWN"], rng.randint(1, 3))
        if rng.random() < 0.3:
            keywords["neighborhoods"] = [n.upper() for n in rng.sample(hoods, rng.randint(1, 4))]
        if (offenses := _random_offenses(rng)) is not None:
            keywords["offenses"] = list(offenses)
        if rng.random() < 0.3:
            keywords["councils"] = rng.sample([*COUNCIL_DISTRICTS, "UNKNOWN"], rng.randint(1, 3))
        if rng.random() < 0.2:
            keywords["legislative"] = rng.sample(LEGISLATIVE_DISTRICTS, rng.randint(1, 2))
        if rng.random() < 0.5:
            keywords["lines"] = rng.choice(DISTRICT_LINES)
        if rng.random() < 0.5:
            keywords["years"] = rng.sample([2023, 2024, 2025, 2026], rng.randint(1, 2))
        if rng.random() < 0.7:
            keywords["start"], keywords["end"] = _random_window(rng)
        chosen = Selection.parse(**keywords)
        want = _ids(chosen.apply(everything))
        assert _ids(store.load_incidents(demo_store, **keywords)) == want, keywords
        assert _ids(store.load_incidents(demo_store, chosen)) == want, keywords
        nonempty += bool(want)
    assert nonempty >= N_SELECTIONS // 2  # the draws exercise real rows


def test_the_dashboard_and_the_download_equal_the_reference(
    dashboard, demo_store: Path, everything: pd.DataFrame
) -> None:
    from bmoredash.app.context import FilteredView
    from bmoredash.app.state import FilterState

    context = dashboard.context
    rng = random.Random(SEED + 1)
    nonempty = 0
    for _ in range(N_SELECTIONS):
        district = rng.choice(["CITYWIDE", *DISTRICTS])
        offered = context.neighborhoods_by_district.get(district) or sorted(
            {n for ns in context.neighborhoods_by_district.values() for n in ns}
        )
        neighborhood = rng.choice(offered) if rng.random() < 0.3 else ""
        start, end = _random_window(rng)
        state = FilterState(
            district=district,
            neighborhood=neighborhood,
            council=rng.choice(COUNCIL_DISTRICTS) if rng.random() < 0.3 else "",
            legislative=rng.choice(LEGISLATIVE_DISTRICTS) if rng.random() < 0.2 else "",
            lines=rng.choice(DISTRICT_LINES),
            offenses=_random_offenses(rng) or (),
            start=start,
            end=end,
        )
        # The link round trip keeps the selection.
        again = FilterState.from_query(
            state.to_query(), neighborhoods_by_district=context.neighborhoods_by_district
        )
        assert again.filter_key() == state.filter_key() and not again.messages

        view = FilteredView(context, state)
        reference = view.selection.apply(context.frame)
        assert view.current.index.tolist() == reference.index.tolist(), state.to_query()
        want = _ids(view.selection.apply(everything))
        assert len(want) == len(reference)
        assert _ids(dashboard.download.export_rows(view)) == want, state.to_query()
        nonempty += bool(want)
    assert nonempty >= N_SELECTIONS // 2


def test_the_command_line_exports_the_same_selection(demo_store: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from bmoredash.cli import app

    out = tmp_path / "western.csv"
    args = ["export", "--out", str(out), "--data-dir", str(demo_store)]
    args += ["--district", "Western District", "--offense", "agg assault", "--offense", "HOMICIDE"]
    args += ["--start", "2025-01-01", "--end", "2025-06-30"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out, dtype=str)
    want = store.load_incidents(
        demo_store,
        districts="WESTERN",
        offenses=["AGG. ASSAULT", "HOMICIDE"],
        start="2025-01-01",
        end="2025-06-30",
    )
    assert len(want) > 50
    assert sorted(written["record_id"]) == _ids(want)
    assert f"wrote {len(want):,} rows" in result.output

    bad = CliRunner().invoke(app, [*args[:5], "--district", "Gotham"])
    assert bad.exit_code == 1
    assert "unknown district 'Gotham'" in bad.output and "Traceback" not in bad.output
    empty = CliRunner().invoke(app, [*args[:5], "--start", "2025-02-01", "--end", "2025-01-01"])
    assert empty.exit_code == 1 and "after end" in empty.output


#: Where rows may be filtered by place or offense, with the reason.
FILTER_HOMES = {
    "selection.py": "the rule and its reference implementation",
    "store/query.py": "the rule as Arrow predicates (load_incidents)",
    "app/context.py": "the rule as category-code masks (the dashboard's fast path)",
    "clean/chain.py": "conforms published values and counts quality; selects no rows for a view",
    "clean/text.py": "finds missing-value markers in text; selects no rows",
    "reference/boundaries.py": "picks a district's outline polygon, not rows",
    "arrests/read.py": "counts quality (arrest rows without a district); selects no rows",
    "app/pages/since_2012.py": "picks one offense's line out of the yearly totals table, not rows",
}
FILTER_CODE = re.compile(
    r"""\[["'](?:{places})["']\][^\n]*\.isin\(|pc\.is_in\(|"""
    r"""\[["'](?:{places})["']\]\s*==""".replace(
        "{places}", "|".join(["district", "neighborhood", "offense", *AREA_COLUMNS])
    ),
)


def test_no_filter_logic_outside_the_selection_and_its_fast_paths() -> None:
    package = Path(__file__).resolve().parents[1] / "bmoredash"
    found = []
    for path in sorted(package.rglob("*.py")):
        name = path.relative_to(package).as_posix()
        if name in FILTER_HOMES:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if FILTER_CODE.search(line):
                found.append(f"{name}:{number}: {line.strip()}")
    assert not found, "filter by place or offense outside bmoredash.selection:\n" + "\n".join(found)
    for name in FILTER_HOMES:
        assert (package / name).exists(), f"{name} is listed as a filter home but is gone"
