"""The weekly batch on demo data: reports run in parallel, one failing report does not stop
the others, and the summary, the exit status and the index say which failed and why.

To make one report fail on purpose, the batch runs a copy of the real template with one
extra cell that raises for EASTERN; everything else is the real template.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from conftest import DEMO_END
from nbformat.v4 import new_code_cell
from test_report import assert_self_contained, html_cells, pdf_text

from bmoredash import report, store

PLACES = ["EASTERN", "WESTERN", "CITYWIDE"]


def failing_template(tmp: Path) -> Path:
    nb = nbformat.read(report.TEMPLATE, as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(
        at + 1,
        new_code_cell(
            'if district == "EASTERN":\n'
            '    raise RuntimeError("deliberate failure for the batch test")'
        ),
    )
    path = tmp / "district_report_failing.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def batch(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> report.BatchResult:
    tmp = tmp_path_factory.mktemp("batch")
    return report.render_batch(
        None,  # the last complete week of the data
        data_dir=demo_store,
        out_dir=tmp / "reports",
        workers=2,
        progress=False,
        districts=PLACES,
        template=failing_template(tmp),
    )


@pytest.mark.slow
def test_one_failure_does_not_stop_the_others(batch: report.BatchResult) -> None:
    assert batch.week_ending.isoformat() == DEMO_END
    assert [r.district for r in batch.results] == PLACES
    assert not batch.ok
    assert [r.district for r in batch.failed] == ["EASTERN"]
    assert batch.failed[0].error == "RuntimeError: deliberate failure for the batch test"
    assert all(r.ok for r in batch.results if r.district != "EASTERN")
    summary = batch.summary()
    assert f"3 report(s) for the week ending {DEMO_END}" in summary
    assert "2 ok, 1 failed" in summary
    assert "FAILED EASTERN: RuntimeError: deliberate failure for the batch test" in summary
    week_dir = batch.week_dir
    audit = week_dir.parent.with_name(f"{week_dir.parent.name}-audit") / week_dir.name
    assert (audit / "EASTERN.ipynb").exists(), "the failed notebook is kept for audit"
    assert not (week_dir / "EASTERN.html").exists() and not (week_dir / "EASTERN.pdf").exists()
    for place in ("WESTERN", "CITYWIDE"):
        for ext in ("html", "pdf"):
            assert (week_dir / f"{place}.{ext}").stat().st_size > 0
        assert (audit / f"{place}.ipynb").stat().st_size > 0
    assert not list(week_dir.glob("*.ipynb")), "nothing unpublishable in the week's folder"


@pytest.mark.slow
def test_index_links_reports_and_names_the_failure(batch: report.BatchResult) -> None:
    index = batch.index.read_text(encoding="utf-8")
    assert_self_contained(index)
    assert "Demo data" in index
    assert 'href="WESTERN.html"' in index and 'href="CITYWIDE.pdf"' in index
    assert 'href="EASTERN.html"' not in index
    assert re.search(r'data-district="EASTERN".*?Failed: RuntimeError: deliberate', index, re.S)
    assert 'data-district="NORTHERN"' not in index  # not rendered in this batch
    assert ".ipynb" not in index and "-audit" not in index  # no link to unpublishable files


@pytest.mark.slow
def test_demo_reports_say_demo_data_and_match_a_hand_count(
    batch: report.BatchResult, demo_store: Path
) -> None:
    week_dir = batch.week_dir
    html = (week_dir / "WESTERN.html").read_text(encoding="utf-8")
    assert_self_contained(html)
    assert 'class="demo-banner"' in html and "Demo data" in html
    text = pdf_text(week_dir / "WESTERN.pdf")
    assert "Demo data" in text and "DEMO DATA" in text  # banner and page header
    # Western's Part 1 violent victims this week, counted by hand from the store.
    rows = store.load_incidents(demo_store, start="2026-11-15", end=DEMO_END)
    violent = {"HOMICIDE", "SHOOTING", "RAPE", "ROBBERY", "AGG. ASSAULT"}
    mine = rows[
        (rows["district"].astype(str) == "WESTERN") & rows["offense"].astype(str).isin(violent)
    ]
    shown = html_cells(html)[("offenses", "Part 1 violent")]["this_week"]
    assert int(shown.replace(",", "")) == len(mine) > 0
    assert re.search(rf"Part 1 violent, total\s+{len(mine)}\s", text)


def test_bad_week_fails_before_any_report(demo_store: Path, tmp_path: Path) -> None:
    with pytest.raises(report.ReportParameterError, match="after the data's 'data through'"):
        report.render_batch("2026-11-28", data_dir=demo_store, out_dir=tmp_path, progress=False)
    with pytest.raises(report.ReportParameterError, match="unknown district 'NOWHERE'"):
        report.render_batch(None, data_dir=demo_store, out_dir=tmp_path, districts=["NOWHERE"])
    assert not any(tmp_path.iterdir())


@pytest.mark.slow
def test_pdf_only_leaves_no_html_behind(demo_store: Path, tmp_path: Path) -> None:
    result = report.render_report(
        "SOUTHERN", DEMO_END, data_dir=demo_store, out_dir=tmp_path, formats=("pdf",)
    )
    assert [p.name for p in result.outputs] == ["SOUTHERN.pdf", "SOUTHERN.ipynb"]
    week_dir = tmp_path / DEMO_END
    assert sorted(p.name for p in week_dir.iterdir()) == ["SOUTHERN.pdf", "index.html"]
    assert "Southern District" in pdf_text(result.pdf)
    assert result.summary["district"] == "SOUTHERN"
    assert result.summary["week_ending"] == DEMO_END
