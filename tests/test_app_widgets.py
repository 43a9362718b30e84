"""The dashboard's widgets on a small synthetic store, checked against aggregate's rules
computed independently from the store (no browser: the browser tests drive Voila)."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bmoredash import aggregate as agg
from bmoredash.schema import DISTRICTS, OFFENSES
from bmoredash.selection import select_rows
from tests.factories import canonical_rows

THROUGH = date(2025, 6, 14)  # a Saturday
FIRST = date(2018, 1, 1)
#: A neighborhood whose only rows are years before anything the pages draw.
EMPTY_HOOD = "Old Quarry"
#: Homicide victims of this race in the Western District this year: two (suppressed).
RARE_RACE = "ASIAN"


def synthetic_incidents(n: int = 24_000, seed: int = 11) -> pd.DataFrame:
    """Canonical rows: every district, three neighborhoods each, 2018 to THROUGH."""
    rng = np.random.default_rng(seed)
    days = rng.integers(0, (THROUGH - FIRST).days + 1, n)
    seconds = rng.integers(0, 86_400, n)
    wall = pd.Timestamp(FIRST) + pd.to_timedelta(days, "D") + pd.to_timedelta(seconds, "s")
    names = list(OFFENSES)
    weights = np.array([2, 4, 2, 8, 10, 8, 22, 10, 8, 1, 12], dtype=float)
    offense = np.array(names)[rng.choice(len(names), n, p=weights / weights.sum())]
    district = np.array(DISTRICTS)[rng.integers(0, len(DISTRICTS), n)]
    hood = np.array([f"{d.title()} Hood {rng.integers(1, 4)}" for d in district], dtype=object)
    hood[rng.random(n) < 0.02] = None
    frame = pd.DataFrame(
        {
            "record_id": [f"R{i:06d}" for i in range(n)],
            "incident_id": [f"I{i // 2:06d}" for i in range(n)],
            "occurred_at": pd.DatetimeIndex(wall).tz_localize(
                "America/New_York", ambiguous="NaT", nonexistent="shift_forward"
            ),
            "time_known": rng.random(n) < 0.9,
            "crime_code": "X",
            "description": offense,
            "offense": offense,
            "offense_detail": offense,
            "offense_group": [OFFENSES[o] for o in offense],
            "weapon": np.array(["FIREARM", "KNIFE", "HANDS", "OTHER", "Unknown"])[
                rng.integers(0, 5, n)
            ],
            "inside_outside": np.array(["Inside", "Outside", "Unknown"])[rng.integers(0, 3, n)],
            "premise": np.array(["STREET", "ROW/TOWNHOUSE-OCC", "PARKING LOT", "BAR"])[
                rng.integers(0, 4, n)
            ],
            "post": "711",
            "district": district,
            "old_district": district,
            "neighborhood": hood,
            "location": "100 N EXAMPLE ST",
            "latitude": rng.uniform(39.21, 39.36, n).astype("float32"),
            "longitude": rng.uniform(-76.70, -76.53, n).astype("float32"),
            "victim_age": pd.array(rng.integers(1, 90, n), dtype="Int16"),
            "victim_gender": np.array(["Male", "Female", "Unknown"])[rng.integers(0, 3, n)],
            "victim_race": np.array(["BLACK_OR_AFRICAN_AMERICAN", "WHITE", "Unknown"])[
                rng.integers(0, 3, n)
            ],
            "victim_ethnicity": np.array(["NOT_HISPANIC_OR_LATINO", "Unknown"])[
                rng.integers(0, 2, n)
            ],
            "source": "synthetic",
            "snapshot": "synthetic",
        }
    )
    frame = frame[frame["occurred_at"].notna()].reset_index(drop=True)
    frame.loc[frame.index[:50], "victim_age"] = pd.NA
    # Two homicide victims of a rare race in the Western District this year.
    rare = frame.index[-2:]
    frame.loc[rare, ["offense", "offense_group", "district", "victim_race"]] = [
        "HOMICIDE",
        "violent",
        "WESTERN",
        RARE_RACE,
    ]
    frame.loc[rare, "occurred_at"] = pd.Timestamp("2025-03-03 21:00", tz="America/New_York")
    # A neighborhood with rows only in 2012: listed for Western, empty in every chart.
    old = frame.index[100:104]
    frame.loc[old, "district"] = "WESTERN"
    frame.loc[old, "neighborhood"] = EMPTY_HOOD
    frame.loc[old, "occurred_at"] = pd.Timestamp("2012-05-05 12:00", tz="America/New_York")
    return canonical_rows(frame)  # the store's dtypes, its column order


def _write(data_dir: Path, *, demo: bool) -> Path:
    from bmoredash import store

    incidents = synthetic_incidents()
    quality = {
        "rows_read": len(incidents) + 3,
        "rows_kept": len(incidents),
        "duplicates_dropped": 2,
        "time_unknown": 7,
        "quarantined": {"missing_date": 1},
        "unmapped_descriptions": {"LOST PROPERTY": 4},
    }
    sources = [
        {
            "source": "synthetic.csv",
            "layout": "test",
            "rows_read": len(incidents) + 3,
            "rows_kept": len(incidents),
        }
    ]
    store.write_store(data_dir, incidents, None, quality, sources, demo=demo, data_through=THROUGH)
    return data_dir


@pytest.fixture(scope="module")
def real_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(tmp_path_factory.mktemp("real"), demo=False)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(tmp_path_factory.mktemp("demo"), demo=True)


@pytest.fixture
def app(real_dir: Path):
    from bmoredash.app import build_app
    from bmoredash.app.context import DashboardContext

    return build_app(context=DashboardContext.from_store(real_dir), query="")


@pytest.fixture(scope="module")
def incidents(real_dir: Path) -> pd.DataFrame:
    """The store's rows, read independently of the app."""
    from bmoredash import store

    return store.load_incidents(real_dir, offenses="all")


def _western(incidents: pd.DataFrame, **kwargs) -> pd.DataFrame:
    return select_rows(incidents, districts=["WESTERN"], **kwargs)


# --------------------------------------------------------------------------------------


def test_view_rows_are_the_rows_the_selection_keeps(app, incidents):
    from bmoredash.app.context import FilteredView
    from bmoredash.app.state import FilterState

    window = agg.Window(date(2024, 2, 1), date(2025, 5, 31))
    for state, kwargs in (
        (FilterState(), {}),
        (
            FilterState(district="WESTERN", offenses=("violent",)),
            {"districts": ["WESTERN"], "offenses": ["violent"]},
        ),
        (
            FilterState(neighborhood="Southern Hood 2", offenses=("ARSON", "HOMICIDE")),
            {"neighborhoods": ["Southern Hood 2"], "offenses": ["ARSON", "HOMICIDE"]},
        ),
    ):
        view = FilteredView(app.context, state)
        got = view.rows(window.start, window.end)
        want = select_rows(incidents, window=window, **kwargs)
        assert len(want) > 0
        got_ids = app.context.text("incident_id", got).astype(str)
        assert sorted(got_ids) == sorted(want["incident_id"].astype(str))
        assert (got["occurred_at"].to_numpy() == want["occurred_at"].to_numpy()).all()


def test_overview_cards_for_western_equal_ytd_comparison(app, incidents):
    app.filter_bar.district.value = "WESTERN"
    page = app.pages["overview"]
    expected = agg.ytd_comparison(_western(incidents), THROUGH)
    got = [(c.label, c.current, c.previous) for c in page.comparisons]
    assert got == [(c.label, c.current, c.previous) for c in expected]
    assert any(c.current >= 10 for c in expected)
    for comparison in expected:
        assert f"{comparison.current:,}" in page.cards.value
        assert comparison.describe() in page.cards.value
    assert "Western District" in page.summary.value


def test_overview_says_too_few_events_for_small_counts(app):
    app.filter_bar.neighborhood.value = "Western Hood 1"
    app.filter_bar.district.value = "WESTERN"
    page = app.pages["overview"]
    homicides = page.comparisons[0]
    assert homicides.label == "Homicides" and not homicides.readable
    assert "too few events to read a change" in page.cards.value


def test_selection_card_follows_the_offense_filter(app, incidents):
    app.filter_bar.offense.value = ("ARSON",)
    page = app.pages["overview"]
    this_year, _ = agg.ytd_windows(THROUGH)
    arson = select_rows(incidents, offenses=["ARSON"], window=this_year)
    assert "Your selection: Arson" in page.selection_card.value
    assert f">{len(arson):,}<" in page.selection_card.value


def test_trends_line_is_weekly_counts(app, incidents):
    from bmoredash.app.pages.trends import BASELINE_WEEKS, WEEKS_SHOWN

    app.state.page = "trends"
    app.filter_bar.district.value = "WESTERN"
    page = app.pages["trends"]
    week_end = agg.last_complete_week_end(THROUGH)
    window = agg.Window(week_end - timedelta(weeks=WEEKS_SHOWN + BASELINE_WEEKS, days=-1), week_end)
    weekly = agg.weekly_counts(_western(incidents), window)
    expected = weekly.iloc[-WEEKS_SHOWN:]
    assert list(page.series.line.y) == list(expected.to_numpy(dtype=float))
    assert (page.series.line.x == expected.index.to_numpy()).all()
    flags = agg.flag_weeks(weekly, BASELINE_WEEKS).iloc[-WEEKS_SHOWN:]
    assert len(page.series.higher.x) == int((flags == "higher").sum())
    # The cumulative chart: one line per year, the last is this year to date.
    years = list(range(THROUGH.year - 5, THROUGH.year + 1))
    cumulative = agg.cumulative_by_day_of_year(_western(incidents), years, THROUGH)
    cutoff = THROUGH.timetuple().tm_yday
    assert np.array_equal(page.years.lines.y, cumulative.loc[:cutoff].to_numpy().T)
    assert list(page.years.lines.labels) == [str(y) for y in years]


def test_trends_never_marks_a_preliminary_week_lower_and_names_them(app, incidents):
    from bmoredash.app.pages.trends import BASELINE_WEEKS, WEEKS_SHOWN

    app.state.page = "trends"
    page = app.pages["trends"]
    # THROUGH is a Saturday: the weeks ending on it and the week before are preliminary.
    late = [pd.Timestamp(THROUGH - timedelta(weeks=1)), pd.Timestamp(THROUGH)]
    assert list(page.counts.index[page.preliminary.to_numpy()]) == late
    assert not page.preliminary.iloc[:-2].any()
    # Flagged as before on every other week; a preliminary week never "lower".
    week_end = agg.last_complete_week_end(THROUGH)
    window = agg.Window(week_end - timedelta(weeks=WEEKS_SHOWN + BASELINE_WEEKS, days=-1), week_end)
    flags = agg.flag_weeks(agg.weekly_counts(incidents, window), BASELINE_WEEKS)
    assert list(page.flags.iloc[:-2]) == list(flags.iloc[-WEEKS_SHOWN:-2])
    raw = list(flags.iloc[-2:])
    assert list(page.flags.iloc[-2:]) == ["" if f == "lower" else f for f in raw]
    assert not set(page.series.lower.x) & {np.datetime64(d) for d in late}
    # Drawn apart: hollow points and a dashed stretch from the last settled week.
    assert list(page.series.preliminary.x) == [np.datetime64(d) for d in late]
    assert len(page.series.points.x) == WEEKS_SHOWN - 2
    assert len(page.series.preliminary_line.x) == 3
    assert page.series.preliminary_line.line_style == "dashed"
    note = page.series_panel.note.value
    assert "Preliminary (dashed line, hollow points)" in note
    assert "never marked lower" in note
    assert "the weeks ending Jun 7 and Jun 14." in note
    assert "19% more rapes and 3% more aggravated assaults" in note
    page.series_panel.toggle.value = True
    assert "preliminary" in page.series_panel.table.value


def test_overview_says_the_latest_weeks_are_preliminary(app):
    page = app.pages["overview"]
    assert "The latest 2 weeks (from Jun 1) are preliminary" in page.summary.value
    assert "may rise" in page.summary.value
    app.filter_bar.year.value = THROUGH.year - 1  # a past year ends long before
    assert "preliminary" not in page.summary.value


def test_trends_monthly_and_table_toggle(app, incidents):
    app.state.page = "trends"
    page = app.pages["trends"]
    page.interval.value = "monthly"
    window = agg.Window(date(THROUGH.year - 5, 1, 1), THROUGH)
    expected = agg.monthly_counts(select_rows(incidents), window)
    assert list(page.series.line.y) == list(expected.to_numpy(dtype=float))
    panel = page.series_panel
    assert panel.table.layout.display == "none"
    panel.toggle.value = True
    assert panel.table.layout.display is None and panel.figure.layout.display == "none"
    assert f"{int(expected.iloc[-1]):,}" in panel.table.value
    assert "<table" in panel.table.value and "<caption>" in panel.table.value


def test_heatmap_is_hour_by_weekday(app, incidents):
    app.state.page = "when-where"
    app.filter_bar.district.value = "WESTERN"
    page = app.pages["when-where"]
    this_year, _ = agg.ytd_windows(THROUGH)
    expected = agg.hour_by_weekday(_western(incidents, window=this_year))
    assert np.array_equal(page.heatmap.heat.color, expected.to_numpy(dtype=float))
    assert expected.to_numpy().sum() > 0
    premises = agg.share_table(_western(incidents, window=this_year), "premise", top=10)
    assert list(page.premise.bars.y) == list(premises["count"].to_numpy(dtype=float))


def test_victims_suppress_cells_under_three(app, incidents):
    app.state.page = "victims"
    app.filter_bar.district.value = "WESTERN"
    page = app.pages["victims"]
    page.group.value = "homicides"
    race = page.breakdowns["victim_race"]
    assert pd.isna(race[RARE_RACE])
    this_year, _ = agg.ytd_windows(THROUGH)
    rows = _western(incidents, offenses=["HOMICIDE"], window=this_year)
    assert (rows["victim_race"] == RARE_RACE).sum() == 2  # the fixture's two victims
    for column, shown in page.breakdowns.items():
        assert not shown.dropna().between(1, agg.MIN_CELL - 1).any(), column
        expected = agg.victim_breakdown(rows, column)
        assert shown.dropna().to_dict() == expected.dropna().to_dict()
    # 7 victims of 3 races (3, 2, 2): hiding the two 2s leaves them derivable, so the
    # whole race table is withheld, race by race.
    assert race.isna().all()
    assert RARE_RACE.title() not in page.panels["victim_race"].table.value
    assert "Too few victims to show by race" in page.panels["victim_race"].note.value
    # Ages 1, 2, 1 and 3 in four groups: the three small ones are hidden, the 3 shown.
    ages = page.breakdowns["age_group"]
    assert ages.isna().sum() == 3 and ages["65+"] == 3
    assert "not shown" in page.panels["age_group"].table.value
    assert any("not shown" in label for label in page.charts["age_group"].bars.x)
    assert f"{len(rows):,} victims" in page.summary.value
    assert f"{rows['incident_id'].nunique():,} incidents" in page.summary.value


def test_neighborhood_ranking_and_comparison(app, incidents):
    app.state.page = "neighborhoods"
    app.filter_bar.district.value = "WESTERN"
    app.filter_bar.neighborhood.value = "Western Hood 2"
    page = app.pages["neighborhoods"]
    this_year, last_year = agg.ytd_windows(THROUGH)
    expected = agg.neighborhood_ranking(_western(incidents), this_year, last_year)
    assert list(page.ranking.index) == list(expected.index)
    assert list(page.ranking["count"]) == list(expected["count"])
    assert list(page.comparison.index) == ["Western Hood 2", "Western District", "Citywide"]
    assert "font-weight:700" in page.ranking_panel.table.value  # the chosen one stands out


def test_demo_banner_only_for_demo(real_dir, demo_dir):
    from bmoredash.app import build_app
    from bmoredash.app.context import DashboardContext

    for data_dir, demo in ((real_dir, False), (demo_dir, True)):
        app = build_app(context=DashboardContext.from_store(data_dir), query="")
        for spec in app.specs:
            app.state.page = spec.slug
            page = app.pages.get(spec.slug)
            assert page is not None, spec.slug
            if spec.slug == "peers":
                # Its figures are the Real-Time Crime Index's, real in both stores: its own
                # date, and on the demo it says the other pages are demo data.
                assert "Data of April 24, 2026" in page.header.value
                assert ("not the demo data of the other pages" in page.header.value) is demo
                continue
            assert ("Demo data" in page.header.value) is demo, (spec.slug, demo)
            assert "Data through June 14, 2025, updated weekly" in page.header.value


@pytest.mark.parametrize(
    "query",
    ["", f"district=WESTERN&neighborhood={EMPTY_HOOD.replace(' ', '%20')}"],
    ids=["citywide", "empty-neighborhood"],
)
def test_every_page_renders_without_error(real_dir, query, caplog):
    from bmoredash.app import build_app
    from bmoredash.app.context import DashboardContext
    from bmoredash.app.registry import PAGES

    app = build_app(context=DashboardContext.from_store(real_dir), query=query)
    assert app.state.messages == []
    if query:
        assert app.state.neighborhood == EMPTY_HOOD
        assert len(app.view().current) == 0
    assert app.specs == PAGES
    with caplog.at_level(logging.ERROR):
        for spec in app.specs:
            app.state.page = spec.slug
            page = app.pages.get(spec.slug)
            assert page is not None, f"{spec.slug} failed to build"
            assert page.message.value == "", f"{spec.slug} showed an error"
            assert page.widget in app.container.children
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [s.slug for s in PAGES].index("map") == 2 and PAGES[-1].slug == "cvi"


def test_a_failing_page_shows_a_friendly_message(app, caplog):
    page = app.pages["overview"]

    def broken(view):
        raise RuntimeError("boom")

    page.update = broken
    with caplog.at_level(logging.ERROR):
        app.filter_bar.district.value = "SOUTHERN"
    assert "Something went wrong" in page.message.value
    assert "boom" not in page.message.value and "Traceback" not in page.message.value
    assert page.body.layout.display == "none"
    assert any("overview" in r.getMessage() for r in caplog.records)


def test_link_shows_the_state_and_a_link_opens_that_view(real_dir):
    from bmoredash.app import build_app
    from bmoredash.app.context import DashboardContext

    context = DashboardContext.from_store(real_dir)
    app = build_app(
        context=context,
        query="district=SOUTHERN&neighborhood=Southern%20Hood%203&year=2023"
        "&offense=violent&page=victims&offense=BOGUS",
    )
    assert app.filter_bar.district.value == "SOUTHERN"
    assert app.filter_bar.neighborhood.value == "Southern Hood 3"
    assert app.filter_bar.year.value == 2023
    assert app.filter_bar.offense.value == ("violent",)
    assert app.container.children == (app.pages["victims"].widget,)
    assert "BOGUS" in app.messages.value
    assert app.nav_buttons["victims"].button_style == "primary"
    view = app.view()
    assert (view.window.start, view.window.end) == (date(2023, 1, 1), date(2023, 12, 31))
    assert 'value="?district=SOUTHERN&amp;neighborhood=Southern%20Hood%203&amp;year=2023' in (
        app.link.html.value
    )
    app.filter_bar.district.value = "EASTERN"
    assert "district=EASTERN" in app.link.html.value and "neighborhood" not in app.link.html.value


@pytest.mark.parametrize(
    ("page", "query", "control", "value"),
    [
        ("trends", "interval=monthly", "interval", "monthly"),
        ("victims", "victims=shootings", "group", "shootings"),
        ("cvi", "programs=hospital", "type_filter", "hospital"),
        ("map", "areas=council", "level", "council"),
    ],
)
def test_every_in_page_choice_is_in_the_link_both_ways(real_dir, page, query, control, value):
    from bmoredash.app import build_app
    from bmoredash.app.context import DashboardContext

    context = DashboardContext.from_store(real_dir)
    app = build_app(context=context, query=f"page={page}&{query}")
    widget = getattr(app.pages[page], control)
    assert widget.value == value, "the link set the page's own control"
    assert f"page={page}&amp;{query}" in app.link.html.value

    default = build_app(context=context, query=f"page={page}")
    key = query.split("=")[0]
    assert f"&amp;{key}=" not in default.link.html.value, "a default choice stays out of it"
    getattr(default.pages[page], control).value = value
    assert f"&amp;{query}" in default.link.html.value, "a choice made in the page enters it"


def test_a_spanish_link_builds_the_app_in_spanish_with_a_way_back_to_english(real_dir):
    from bmoredash import i18n
    from bmoredash.app import build_app
    from bmoredash.app.context import DashboardContext

    context = DashboardContext.from_store(real_dir)
    try:
        app = build_app(context=context, query="district=WESTERN&page=trends&lang=es")
        assert i18n.current_language() == "es"
        box = app.link.html.value
        assert 'value="?district=WESTERN&amp;page=trends&amp;lang=es"' in box
        assert 'href="?district=WESTERN&amp;page=trends" hreflang="en" lang="en">English</a>' in box
        assert "Enlace a esta vista" in box
    finally:
        i18n.set_language(i18n.DEFAULT)
    english = build_app(context=context, query="district=WESTERN")
    assert 'hreflang="es" lang="es">Español</a>' in english.link.html.value
    assert "Link to this view" in english.link.html.value


def test_going_back_applies_the_entry_and_adds_no_step(real_dir):
    from bmoredash.app import build_app
    from bmoredash.app.context import DashboardContext

    app = build_app(context=DashboardContext.from_store(real_dir), query="")
    pushes: list[bool] = []
    real_sync = app.link._sync_address_bar

    def record(query: str, title: str = "", *, new_entry: bool = False) -> None:
        pushes.append(new_entry)
        real_sync(query, title, new_entry=new_entry)

    app.link._sync_address_bar = record
    app.nav_buttons["trends"].click()
    assert pushes[-1] is True, "a page change is a new step in the browser's history"
    app.filter_bar.district.value = "EASTERN"
    assert pushes[-1] is False, "a filter change replaces the current step"

    app.link._history.value = "?district=WESTERN&page=victims&victims=homicides#1"
    assert app.state.page == "victims"
    assert app.state.district == "WESTERN"
    assert app.pages["victims"].group.value == "homicides"
    assert app.container.children == (app.pages["victims"].widget,)
    assert pushes[-1] is False, "going back adds no step of its own"


def test_a_preheated_kernel_builds_first_then_applies_the_visitors_link(real_dir, monkeypatch):
    from bmoredash.app import build_app, shell
    from bmoredash.app.context import DashboardContext

    link = "district=SOUTHERN&neighborhood=Southern%20Hood%203&year=2023&offense=violent"

    def visitor_arrives() -> str:  # what Voila's get_query_string returns once they do
        return link + "&page=victims&offense=BOGUS"

    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setattr(shell, "current_query_string", visitor_arrives)
    context = DashboardContext.from_store(real_dir)
    app = build_app(context=context)
    assert "overview" in app.pages, "the default view was built before the link came"

    direct = build_app(context=context, query=link + "&page=victims")
    assert app.state.filter_key() == direct.state.filter_key()
    assert app.filter_bar.district.value == "SOUTHERN"
    assert app.filter_bar.neighborhood.value == "Southern Hood 3"
    assert app.filter_bar.year.value == 2023
    assert app.container.children == (app.pages["victims"].widget,)
    assert app.nav_buttons["victims"].button_style == "primary"
    assert "BOGUS" in app.messages.value
    assert app.link.html.value == direct.link.html.value
    assert app.pages["victims"].summary.value == direct.pages["victims"].summary.value
    assert "Southern" in app.pages["victims"].summary.value


def test_download_builds_the_filtered_rows(app, incidents):
    sent = {}
    app.download.send_file = lambda name, text: sent.update(name=name, text=text)
    app.filter_bar.district.value = "WESTERN"
    app.download.button.click()
    this_year, _ = agg.ytd_windows(THROUGH)
    expected = _western(incidents, window=this_year)
    lines = sent["text"].strip().splitlines()
    assert lines[0].split(",")[:3] == ["record_id", "incident_id", "occurred_at"]
    assert len(lines) - 1 == len(expected)
    assert sent["name"] == "bmoredash-western-20250101-20250614.csv"
    assert f"{len(expected):,} rows" in app.download.note.value


def test_missing_store_gives_a_message_not_a_traceback(tmp_path):
    from bmoredash.app import build_app

    widget = build_app(tmp_path / "nothing-here")
    assert "bmoredash demo" in widget.value


def test_value_axes_end_on_round_numbers():
    from bmoredash.app.charts import nice_ticks, tick_format

    assert nice_ticks(0, 19450).tolist() == [0, 5000, 10000, 15000, 20000]
    assert nice_ticks(0, 2400).tolist() == [0, 1000, 2000, 3000]
    assert nice_ticks(0, 7).tolist() == [0, 2, 4, 6, 8]
    assert nice_ticks(-0.8, 0).tolist() == [-0.8, -0.6, -0.4, -0.2, 0]
    assert nice_ticks(-12, 30).tolist() == [-20, 0, 20, 40]
    assert nice_ticks(0, 0).tolist() == [0, 1]
    assert tick_format(nice_ticks(0, 19450)) == ",d"
    assert tick_format(nice_ticks(-0.8, 0)) == ",.1f"


def test_a_card_with_days_left_out_shows_the_counts_its_change_is_made_of() -> None:
    from bmoredash.aggregate import Comparison
    from bmoredash.app.pages.overview import card_values

    # 1,111 victims over every day with data, 1,110 on the days 2025 has too: the change
    # (-56) is 1,110 against 1,166, and the card says both numbers.
    matched = Comparison("Part 1 violent", 1110, 1166, left_out="leaving out May 12", whole=1111)
    card = card_values(matched, "same days of 2025")
    assert card["total"] == "1,111"
    assert card["before"] == (
        "1,166 in same days of 2025, against 1,110 this period on the days both have data"
    )
    assert card["change"].startswith("-56")
    plain = Comparison("Part 1 violent", 1110, 1166)
    assert card_values(plain, "same days of 2025")["before"] == "1,166 in same days of 2025"


def test_the_offense_table_shows_the_counts_its_changes_are_made_of() -> None:
    from bmoredash.aggregate import Comparison
    from bmoredash.app.pages.overview import SAME_DAYS, offense_table

    robbery = Comparison("ROBBERY", 385, 425, left_out="leaving out May 12", whole=386)
    larceny = Comparison("LARCENY", 1230, 1228, left_out="leaving out May 12", whole=1232)
    table = offense_table([robbery, larceny])
    assert list(table.columns) == [
        "this period",
        SAME_DAYS,
        "comparison period",
        "change",
        "change %",
    ]
    assert table.loc["Robbery"].tolist() == [386, 385, 425, -40, "-9.4%"]
    assert table.loc["Larceny"].tolist() == [1232, 1230, 1228, 2, "+0.2%"]
    whole = offense_table([Comparison("ROBBERY", 386, 425)])
    assert list(whole.columns) == ["this period", "comparison period", "change", "change %"]
