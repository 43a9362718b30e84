"""Reports for a City Council district and by one set of police district lines, on the hand-
written store of tests/test_report.py: every number is recounted here with a plain shapely
loop over the shipped outlines (not ``reference.areas``, whose vectorised assignment the
store used), then compared with the rendered page.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from shapely.geometry import Point, shape

from bmoredash import report
from bmoredash.reference.boundaries import SHIPPED_DIR
from tests.test_report import VIOLENT, html_cells, number, write_fixture_store

WEEK = (date(2026, 11, 15), date(2026, 11, 21))
YTD = (date(2026, 1, 1), date(2026, 11, 21))


def _area_of(rows: pd.DataFrame, outlines: str) -> pd.Series:
    """Each row's area by a loop over the shipped outlines (None without coordinates)."""
    features = json.loads((SHIPPED_DIR / outlines).read_text(encoding="utf-8"))["features"]
    shapes = [(f["properties"]["name"], shape(f["geometry"])) for f in features]
    names = []
    for lat, lon in zip(rows["latitude"], rows["longitude"], strict=True):
        if pd.isna(lat) or pd.isna(lon):
            names.append(None)
            continue
        point = Point(float(lon), float(lat))
        names.append(next((name for name, s in shapes if s.contains(point)), None))
    return pd.Series(names, index=rows.index, dtype=object)


def _count(rows: pd.DataFrame, area: pd.Series, name: str, offenses: list[str], span) -> int:
    day = rows["occurred_at"].dt.date
    keep = (day >= span[0]) & (day <= span[1]) & rows["offense"].astype(str).isin(offenses)
    return int((keep & (area == name)).sum())


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    path = tmp_path_factory.mktemp("area-reports")
    return path, write_fixture_store(path)


def test_a_report_place_may_be_a_council_district() -> None:
    for typed in ("COUNCIL-9", "council 9", "Council District 9", "city council district 09"):
        assert report.check_district(typed) == "COUNCIL-9"
    with pytest.raises(report.ReportParameterError, match="COUNCIL-1 .. COUNCIL-14"):
        report.check_district("Council District 15")


def test_bad_lines_are_refused_before_a_kernel_starts(
    fixture_store: tuple[Path, Any], tmp_path: Path
) -> None:
    data_dir, _ = fixture_store
    with pytest.raises(report.ReportParameterError, match="unknown district lines '1990'"):
        report.render_report(
            "WESTERN", "2026-11-21", data_dir=data_dir, out_dir=tmp_path, lines="1990"
        )
    assert not any(tmp_path.rglob("*.html"))


@pytest.mark.slow
def test_council_reports_count_the_rows_inside_their_lines(
    fixture_store: tuple[Path, pd.DataFrame], tmp_path: Path
) -> None:
    data_dir, rows = fixture_store
    result = report.render_batch(
        "2026-11-21",
        data_dir=data_dir,
        out_dir=tmp_path,
        formats=("html",),
        progress=False,
        by="council",
        districts=["COUNCIL-9", "COUNCIL-7"],
    )
    assert result.ok, result.summary()
    council = _area_of(rows, "council_districts_2024.geojson")
    # Hand-checked from the fixture: Sandtown-Winchester and Harlem Park lie in District 9.
    assert _count(rows, council, "9", VIOLENT, WEEK) == 5  # 2 robberies, homicide, 2 victims
    week_dir = tmp_path / "2026-11-21"
    for name in ("9", "7"):
        html = (week_dir / f"COUNCIL-{name}.html").read_text(encoding="utf-8")
        assert f"Council District {name}" in html
        cells = html_cells(html)
        for offense in ("ROBBERY", "LARCENY", "Part 1 violent"):
            offenses = VIOLENT if offense == "Part 1 violent" else [offense]
            shown = cells[("offenses", offense)]
            assert number(shown["this_week"]) == _count(rows, council, name, offenses, WEEK)
            assert number(shown["ytd"]) == _count(rows, council, name, offenses, YTD)
    index = (week_dir / "index.html").read_text(encoding="utf-8")
    assert "COUNCIL-9.html" in index and "COUNCIL-7.html" in index


@pytest.mark.slow
def test_a_report_by_the_1959_2022_lines_places_rows_by_their_coordinates(
    fixture_store: tuple[Path, pd.DataFrame], tmp_path: Path
) -> None:
    data_dir, rows = fixture_store
    result = report.render_report(
        "WESTERN",
        "2026-11-21",
        data_dir=data_dir,
        out_dir=tmp_path,
        formats=("html",),
        lines="pre2023",
    )
    assert result.ok and result.html.name == "WESTERN-pre2023.html"
    html = result.html.read_text(encoding="utf-8")
    assert "Districts by the 1959-2022 lines for every year" in html
    old_lines = _area_of(rows, "police_districts_pre2023.geojson")
    cells = html_cells(html)
    # The Western auto theft published without coordinates is in no district by these lines.
    assert _count(rows, old_lines, "WESTERN", ["AUTO THEFT"], WEEK) == 0
    assert number(cells[("offenses", "AUTO THEFT")]["this_week"]) == 0
    for offense in ("ROBBERY", "BURGLARY", "LARCENY"):
        shown = cells[("offenses", offense)]
        assert number(shown["this_week"]) == _count(rows, old_lines, "WESTERN", [offense], WEEK)
        assert number(shown["ytd"]) == _count(rows, old_lines, "WESTERN", [offense], YTD)
