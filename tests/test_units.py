"""Victims or incidents: the Count switch (``aggregate.incident_rows`` and the dashboard's
fast path), checked by hand and against an independent recount on the demo store."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from bmoredash import aggregate as agg
from bmoredash import store
from bmoredash.schema import DISTRICTS, OFFENSES


def _rows(*rows: tuple[str | None, str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "incident_id": pd.array([r[0] for r in rows], dtype="string"),
            "offense": pd.Categorical([r[1] for r in rows], categories=list(OFFENSES)),
            "occurred_at": pd.to_datetime([r[2] for r in rows]).tz_localize("America/New_York"),
        }
    )


def test_one_row_per_incident_under_its_most_serious_offense() -> None:
    frame = _rows(
        ("26A1", "SHOOTING", "2026-05-01 22:10"),  # two victims shot, one died
        ("26A1", "HOMICIDE", "2026-05-01 22:10"),
        ("26B2", "ROBBERY", "2026-05-02 13:00"),  # two identical victim rows
        ("26B2", "ROBBERY", "2026-05-02 13:00"),
        (None, "LARCENY", "2026-05-03 09:00"),  # no case number: cannot be grouped
        ("26C3", "AUTO THEFT", "2026-05-04 08:00"),
    )
    incidents = agg.incident_rows(frame)
    assert incidents["incident_id"].tolist() == ["26A1", "26B2", "26C3"]
    assert incidents["offense"].astype(str).tolist() == ["HOMICIDE", "ROBBERY", "AUTO THEFT"]
    assert agg.rows_without_incident(frame) == 1
    assert len(agg.counted_rows(frame, "victims")) == 6
    with pytest.raises(ValueError, match="victims, incidents"):
        agg.counted_rows(frame, "households")
    note = agg.unit_note("incidents", left_out=1)
    assert "counts once" in note and "1 victim rows without a case number" in note


def test_the_link_keeps_the_count_and_drops_a_bad_one() -> None:
    from bmoredash.app.state import FilterState

    state = FilterState.from_query("district=WESTERN&count=Incidents")
    assert state.count == "incidents" and not state.messages
    assert "count=incidents" in state.to_query()
    assert "count" not in FilterState().to_query()
    bad = FilterState.from_query("count=households")
    assert bad.count == "victims" and "households" in bad.messages[0]


@pytest.fixture(scope="module")
def everything(demo_store: Path) -> pd.DataFrame:
    return store.load_incidents(demo_store, offenses="all")


@pytest.fixture(scope="module")
def context(demo_store: Path):
    from bmoredash.app.context import DashboardContext

    return DashboardContext.from_store(demo_store)


def _pairs(ids: pd.Series, offenses: pd.Series) -> list[tuple[str, str]]:
    return sorted(zip(ids.astype(str), offenses.astype(str), strict=True))


def test_the_dashboard_counts_incidents_as_the_reference_does(context, everything) -> None:
    from bmoredash.app.context import FilteredView
    from bmoredash.app.state import FilterState

    rng = random.Random(8)
    fewer = 0
    for _ in range(12):
        first = rng.randint(date(2024, 1, 1).toordinal(), date(2026, 10, 1).toordinal())
        start = date.fromordinal(first)
        end = date.fromordinal(first + rng.randint(7, 400))
        state = FilterState(
            district=rng.choice(["CITYWIDE", *DISTRICTS]),
            offenses=rng.choice([(), ("violent",), ("HOMICIDE", "SHOOTING"), ("ROBBERY",)]),
            start=start,
            end=end,
            count="incidents",
        )
        view = FilteredView(context, state)
        got = view.current
        # Independent recount: distinct case numbers among the selected victim rows, each
        # under its most serious offense (display order), in plain pandas.
        victims = view.selection.apply(everything)
        keyed = victims[victims["incident_id"].notna()].copy()
        keyed["rank"] = keyed["offense"].astype(str).map(list(OFFENSES).index)
        want = keyed.sort_values(["incident_id", "rank"], kind="stable").drop_duplicates(
            "incident_id"
        )
        assert len(got) == victims["incident_id"].nunique(), state.to_query()
        assert _pairs(context.text("incident_id", got), got["offense"]) == _pairs(
            want["incident_id"], want["offense"]
        )
        fewer += len(got) < len(victims)
    assert fewer >= 6  # the demo's multi-victim incidents make the two counts differ


def test_overview_says_what_it_counts(context) -> None:
    from bmoredash.app import build_app

    app = build_app(context=context, query="district=WESTERN&year=2025")
    page = app.pages["overview"]
    victims = {c.label: c.total for c in page.comparisons}
    assert ">victims<" in page.cards.value and "Counts are victims" in page.note.value
    app.filter_bar.count.value = "incidents"
    assert app.state.count == "incidents" and "count=incidents" in app.state.to_query()
    incidents = {c.label: c.total for c in page.comparisons}
    assert ">incidents<" in page.cards.value and "Counts are incidents" in page.note.value
    assert incidents["Non-fatal shootings"] < victims["Non-fatal shootings"]
    assert all(incidents[k] <= victims[k] for k in victims)


@pytest.mark.slow
def test_the_report_counts_incidents_when_asked(tmp_path: Path) -> None:
    from bmoredash import report
    from tests.test_report import fixture_rows, html_cells, number

    rows = fixture_rows()
    ids = rows["incident_id"].astype(object)
    shot = (rows["offense"] == "SHOOTING") & (rows["occurred_at"].dt.day == 18)
    assert shot.sum() == 2  # the fixture's two victims of one shooting
    ids[shot.to_numpy()] = "I-SHOT"
    no_number = (rows["offense"] == "LARCENY") & (rows["district"] == "WESTERN")
    no_number &= rows["occurred_at"].dt.strftime("%Y-%m-%d") == "2026-11-19"
    assert no_number.sum() == 1
    ids[no_number.to_numpy()] = None
    rows["incident_id"] = pd.array(ids, dtype="string")
    data_dir = tmp_path / "data"
    quality = {"rows_read": len(rows), "rows_kept": len(rows)}
    source = {"source": "t", "layout": "test", "rows_read": len(rows), "rows_kept": len(rows)}
    store.write_store(
        data_dir, rows, None, quality, [source], demo=False, data_through=date(2026, 11, 23)
    )

    result = report.render_report(
        "Western",
        "2026-11-21",
        data_dir=data_dir,
        out_dir=tmp_path / "out",
        formats=["html"],
        count="incidents",
    )
    assert result.html.name == "WESTERN-incidents.html"
    page = result.html.read_text(encoding="utf-8")
    cells = html_cells(page)
    # By hand: this week Western had 2 robberies, 1 homicide and 1 shooting incident with
    # two victims (violent: 5 victims, 4 incidents); the larceny without a case number is
    # not counted (property: 3 victims, 2 incidents).
    assert number(cells[("offenses", "SHOOTING")]["this_week"]) == 1
    assert number(cells[("offenses", "Part 1 violent")]["this_week"]) == 4
    assert number(cells[("offenses", "LARCENY")]["this_week"]) == 0
    assert number(cells[("offenses", "Part 1 property")]["this_week"]) == 2
    assert "counting incidents" in page
    assert "Counts are incidents" in page and "1 victim rows without a case number" in page
    with pytest.raises(report.ReportParameterError, match="households"):
        report.validate_params("WESTERN", "2026-11-21", data_dir, count="households")
