"""The weekly report rendered on a small hand-written store: every number on the page is
checked against a count made here, by hand, in pandas (never with aggregate.py).

The store: a background of one Southern larceny every week from January 2025 (so the
52-week baseline exists), then hand-placed rows around the week ending Sat 2026-11-21,
the previous week, the same week of 2025, and the two year-to-date windows, including
edge cases (the last minute of the week, a row without a time, a row without
coordinates, common assault, a row in no district). Twelve Southern larcenies this week
make the one change a Poisson test must flag.
"""

from __future__ import annotations

import html as html_lib
import json
import re
import shutil
import subprocess
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pandas as pd
import pytest

from bmoredash import report, schema, store
from tests.factories import canonical_rows

WEEK_END = date(2026, 11, 21)
DATA_THROUGH = date(2026, 11, 23)  # a Monday: the week ending 11-21 is the last complete one
TEMPLATE = Path(report.TEMPLATE)

# (Eastern wall time, offense, district, neighborhood); lat/lon from the neighborhood.
HOODS = {
    "Sandtown-Winchester": (39.3025, -76.6430),
    "Harlem Park": (39.2960, -76.6420),
    "Penn North": (39.3110, -76.6440),
    "Cherry Hill": (39.2500, -76.6230),
    "Canton": (39.2790, -76.5760),
    "Mondawmin": (39.3150, -76.6540),
}
HAND_ROWS: list[tuple[str, str, str, str]] = [
    # --- this week, Sun 11-15 .. Sat 11-21 ---
    ("2026-11-15 00:30", "ROBBERY", "WESTERN", "Sandtown-Winchester"),
    ("2026-11-16 14:00", "ROBBERY", "WESTERN", "Harlem Park"),
    ("2026-11-17 22:10", "HOMICIDE", "WESTERN", "Sandtown-Winchester"),
    ("2026-11-18 01:05", "SHOOTING", "WESTERN", "Sandtown-Winchester"),
    ("2026-11-18 01:05", "SHOOTING", "WESTERN", "Sandtown-Winchester"),  # 2nd victim
    ("2026-11-19 09:00", "LARCENY", "WESTERN", "Penn North"),
    ("2026-11-20 18:45", "AUTO THEFT", "WESTERN", "Harlem Park"),
    ("2026-11-21 23:59", "BURGLARY", "WESTERN", "Sandtown-Winchester"),  # last minute
    ("2026-11-19 12:00", "COMMON ASSAULT", "WESTERN", "Penn North"),  # never Part 1
    ("2026-11-16 03:00", "AGG. ASSAULT", "EASTERN", "Canton"),
    ("2026-11-18 03:00", "LARCENY", "UNKNOWN", ""),  # citywide only
    *[
        (f"2026-11-{15 + i % 7} {10 + i}:00", "LARCENY", "SOUTHERN", "Cherry Hill")
        for i in range(12)
    ],
    # --- previous week, Sun 11-08 .. Sat 11-14 ---
    ("2026-11-08 00:00", "ROBBERY", "WESTERN", "Penn North"),
    ("2026-11-14 23:59", "AGG. ASSAULT", "WESTERN", "Harlem Park"),
    ("2026-11-10 11:00", "LARCENY", "WESTERN", "Penn North"),
    # --- two and three weeks back (4-week average) ---
    ("2026-11-01 01:30", "ROBBERY", "WESTERN", "Mondawmin"),  # the DST night
    ("2026-10-27 16:00", "BURGLARY", "WESTERN", "Mondawmin"),
    ("2026-10-25 08:00", "HOMICIDE", "EASTERN", "Canton"),
    # --- a day after the report's week (data through 11-23): must not count ---
    ("2026-11-22 00:01", "ROBBERY", "WESTERN", "Sandtown-Winchester"),
    # --- earlier this year ---
    ("2026-01-01 00:00", "ROBBERY", "WESTERN", "Penn North"),
    ("2026-03-14 20:00", "HOMICIDE", "WESTERN", "Harlem Park"),
    ("2026-06-30 13:00", "RAPE", "WESTERN", "Penn North"),
    ("2026-08-02 02:00", "ARSON", "WESTERN", "Mondawmin"),
    # --- the same week of 2025 (Sun 11-16 .. Sat 11-22, 52 weeks back) ---
    ("2025-11-16 12:00", "ROBBERY", "WESTERN", "Sandtown-Winchester"),
    ("2025-11-22 20:00", "LARCENY FROM AUTO", "WESTERN", "Penn North"),  # after 2025's YTD end
    # --- last year to date (2025-01-01 .. 2025-11-21) and after it ---
    ("2025-01-01 00:00", "ROBBERY", "WESTERN", "Harlem Park"),
    ("2025-05-05 05:00", "HOMICIDE", "WESTERN", "Penn North"),
    ("2025-11-21 23:59", "AGG. ASSAULT", "WESTERN", "Penn North"),
    ("2025-12-31 12:00", "ROBBERY", "WESTERN", "Penn North"),  # outside both YTD windows
]
NO_TIME = "2026-11-19 09:00"  # the Penn North larceny was published without a time
NO_COORDS = "2026-11-20 18:45"  # the auto theft has no coordinates


def fixture_rows() -> pd.DataFrame:
    """Canonical rows: the hand-placed ones plus one Southern larceny each Wednesday."""
    wednesdays = pd.date_range("2025-01-01 15:00", "2026-11-11 15:00", freq="7D")
    background = [(str(t)[:16], "LARCENY", "SOUTHERN", "Cherry Hill") for t in wednesdays]
    records: list[dict[str, Any]] = []
    for i, (stamp, offense, district, hood) in enumerate([*HAND_ROWS, *background]):
        lat, lon = HOODS.get(hood, (None, None))
        if stamp == NO_COORDS and offense == "AUTO THEFT":
            lat = lon = None
        records.append(
            {
                "record_id": f"R{i:05d}",
                "incident_id": f"I{i:05d}",
                "occurred_at": stamp,
                "time_known": not (stamp == NO_TIME and offense == "LARCENY"),
                "crime_code": None,
                "description": offense,
                "offense": offense,
                "offense_detail": offense,
                "offense_group": schema.OFFENSES[offense],
                "weapon": "Unknown",
                "inside_outside": "Unknown",
                "premise": "STREET",
                "post": None,
                "district": district,
                "old_district": None,
                "neighborhood": hood or None,
                "location": "100 TEST ST",
                "latitude": lat,
                "longitude": lon,
                "victim_age": 30,
                "victim_gender": "Unknown",
                "victim_race": "Unknown",
                "victim_ethnicity": "Unknown",
                "source": "hand-written",
                "snapshot": "hand-written",
            }
        )
    # NOTE: 2026-11-01 01:30 happens twice (clocks fall back); take the first, EDT.
    return canonical_rows(records, ambiguous=np.ones(len(records), dtype=bool))


def write_fixture_store(path: Path, *, demo: bool = False) -> pd.DataFrame:
    rows = fixture_rows()
    quality = {"rows_read": len(rows), "rows_kept": len(rows)}
    source = {
        "source": "hand-written",
        "layout": "test",
        "rows_read": len(rows),
        "rows_kept": len(rows),
    }
    store.write_store(path, rows, None, quality, [source], demo=demo, data_through=DATA_THROUGH)
    return rows


# --------------------------------------------------------------------------------------
# Independent counts (plain pandas on the fixture rows)
# --------------------------------------------------------------------------------------

VIOLENT = ["HOMICIDE", "SHOOTING", "RAPE", "ROBBERY", "AGG. ASSAULT"]
PROPERTY = ["BURGLARY", "LARCENY", "LARCENY FROM AUTO", "AUTO THEFT", "ARSON"]


def hand_count(
    rows: pd.DataFrame, district: str, offenses: list[str], first: date, last: date
) -> int:
    day = rows["occurred_at"].dt.date
    keep = (day >= first) & (day <= last) & rows["offense"].astype(str).isin(offenses)
    if district != "CITYWIDE":
        keep &= rows["district"].astype(str) == district
    return int(keep.sum())


def expected_table(rows: pd.DataFrame, district: str) -> dict[str, dict[str, float]]:
    """Offense -> column -> value, worked out with dates written out, not computed rules."""
    windows = {
        "this_week": (date(2026, 11, 15), date(2026, 11, 21)),
        "previous_week": (date(2026, 11, 8), date(2026, 11, 14)),
        "four_weeks": (date(2026, 10, 25), date(2026, 11, 21)),
        "same_week_last_year": (date(2025, 11, 16), date(2025, 11, 22)),
        "ytd": (date(2026, 1, 1), date(2026, 11, 21)),
        "last_ytd": (date(2025, 1, 1), date(2025, 11, 21)),
    }
    groups = {o: [o] for o in VIOLENT + PROPERTY}
    groups["Part 1 violent"], groups["Part 1 property"] = VIOLENT, PROPERTY
    out = {}
    for name, offenses in groups.items():
        cols = {k: hand_count(rows, district, offenses, *w) for k, w in windows.items()}
        cols["four_week_avg"] = cols.pop("four_weeks") / 4
        out[name] = cols
    return out


# --------------------------------------------------------------------------------------
# Reading what was rendered
# --------------------------------------------------------------------------------------


class _Cells(HTMLParser):
    """Collects <td data-col> text per <tr data-offense> / <tr data-neighborhood>."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[tuple[str, str], dict[str, str]] = {}
        self._row: tuple[str, str] | None = None
        self._col: str | None = None
        self._table = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self._table = a.get("data-table") or a.get("class") or ""
        if tag == "tr" and (a.get("data-offense") or a.get("data-neighborhood")):
            key = a.get("data-offense") or a.get("data-neighborhood") or ""
            self._row = (self._table, key)
            self.rows[self._row] = {}
        if tag == "td" and self._row and a.get("data-col"):
            self._col = a["data-col"]
            self.rows[self._row][self._col] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._col = None
        if tag == "tr":
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._row and self._col:
            self.rows[self._row][self._col] += data


def html_cells(html: str) -> dict[tuple[str, str], dict[str, str]]:
    parser = _Cells()
    parser.feed(html)
    return parser.rows


def pdf_text(path: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return out.stdout


def pdf_pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", out.stdout, re.M).group(1))


def number(text: str) -> float:
    return float(text.replace(",", "").replace("\u2212", "-"))


def assert_self_contained(html: str) -> None:
    """No script at all, no remote stylesheet, font or image, no code cell."""
    lowered = html.lower()
    assert "<script" not in lowered, "the report must not need JavaScript"
    assert not re.search(r"<link[^>]+href=[\"']?(https?:)?//", lowered)
    assert not re.search(r"@import|url\((['\"])?(https?:)?//", lowered)
    assert not re.search(r"src=[\"']?(https?:)?//", lowered)
    for marker in ("jp-CodeMirrorEditor", "cm-editor", "jp-InputPrompt", "In&nbsp;["):
        assert marker not in html, marker
    template = nbformat.read(TEMPLATE, as_version=4)
    for cell in template.cells:
        if cell.cell_type == "code":
            for line in cell.source.splitlines():
                line = line.strip()
                if len(line) > 12 and not line.startswith("#"):
                    assert line not in html, f"code leaked into the HTML: {line}"


# --------------------------------------------------------------------------------------
# Fast checks: the template and the parameters
# --------------------------------------------------------------------------------------


def test_template_has_one_parameters_cell_no_functions_and_no_outputs() -> None:
    nb = nbformat.read(TEMPLATE, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert re.search(r"^district = ", tagged[0].source, re.M)
    assert re.search(r"^week_ending = ", tagged[0].source, re.M)
    assert re.search(r"^data_dir = ", tagged[0].source, re.M)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not re.search(r"^\s*(async\s+)?(def|class)\s", cell.source, re.M), cell.source
            assert "lambda" not in cell.source
            assert cell.outputs == [] and cell.execution_count is None, "outputs not stripped"


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    path = tmp_path_factory.mktemp("report-store") / "data"
    rows = write_fixture_store(path)
    return path, rows


def test_bad_parameters_fail_with_clear_messages(fixture_store: tuple[Path, Any]) -> None:
    data_dir, _ = fixture_store
    # The selection's alias table: a report reads every spelling the dashboard reads.
    assert report.validate_params("North Western", "2026-11-21", data_dir).district == "NORTHWEST"
    with pytest.raises(report.ReportParameterError) as err:
        report.validate_params("NORTH WESTERLY", "2026-11-21", data_dir)
    assert "valid: CENTRAL, EASTERN, NORTHEAST" in str(err.value)
    assert "WESTERN, CITYWIDE" in str(err.value)
    with pytest.raises(
        report.ReportParameterError,
        match="after the data's 'data through' "
        "date 2026-11-23; the latest complete week ends 2026-11-21",
    ):
        report.validate_params("WESTERN", "2026-11-28", data_dir)
    with pytest.raises(report.ReportParameterError, match=r"before the data starts \(2025-01-01\)"):
        report.validate_params("WESTERN", "2025-01-04", data_dir)
    with pytest.raises(report.ReportParameterError, match="2026-11-14 or 2026-11-21"):
        report.validate_params("WESTERN", "2026-11-18", data_dir)
    with pytest.raises(report.ReportParameterError, match="not an ISO date"):
        report.validate_params("WESTERN", "21/11/2026", data_dir)
    # The first complete week after the data starts (Wed 2025-01-01) ends Sat 2025-01-11.
    assert report.validate_params("western", "2025-01-11", data_dir).week_end == date(2025, 1, 11)
    params = report.validate_params("citywide", "", data_dir)
    assert (params.district, params.week_end) == ("CITYWIDE", WEEK_END)


def test_a_template_must_declare_exactly_the_batch_parameters(
    fixture_store: tuple[Path, Any], tmp_path: Path
) -> None:
    """papermill.inspect_notebook checks the contract before any kernel starts."""
    data_dir, _ = fixture_store
    nb = nbformat.read(TEMPLATE, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = re.sub(r"^summary_path = .*$", 'extra = ""', cell.source, flags=re.M)
    bad = tmp_path / "bad.ipynb"
    nbformat.write(nb, bad)
    out = tmp_path / "out"
    with pytest.raises(report.ReportParameterError) as err:
        report.render_report("WESTERN", WEEK_END, data_dir=data_dir, out_dir=out, template=bad)
    message = str(err.value)
    assert "\n" not in message
    assert message.endswith("missing summary_path; not passed extra")
    assert not out.exists(), "nothing is written for a template that breaks the contract"
    with pytest.raises(report.ReportParameterError, match="missing summary_path"):
        report.render_batch(None, data_dir=data_dir, out_dir=out, template=bad, progress=False)


def test_render_report_rejects_bad_parameters_before_starting_a_kernel(
    fixture_store: tuple[Path, Any], tmp_path: Path
) -> None:
    data_dir, _ = fixture_store
    with pytest.raises(report.ReportParameterError, match="unknown district 'GOTHAM'"):
        report.render_report("GOTHAM", WEEK_END, data_dir=data_dir, out_dir=tmp_path)
    assert not any(tmp_path.iterdir()), "nothing is written for bad parameters"


def test_the_notebook_itself_validates_its_parameters(
    fixture_store: tuple[Path, Any], tmp_path: Path
) -> None:
    """Run directly with papermill (no render_report in front), it fails at the top."""
    import papermill

    data_dir, _ = fixture_store
    with pytest.raises(papermill.PapermillExecutionError) as err:
        papermill.execute_notebook(
            str(TEMPLATE),
            str(tmp_path / "out.ipynb"),
            parameters={
                "district": "WESTERN",
                "week_ending": "2027-01-02",
                "data_dir": str(data_dir),
            },
            kernel_name="python3",
            progress_bar=False,
        )
    assert err.value.ename == "ReportParameterError"
    assert "after the data's 'data through' date 2026-11-23" in err.value.evalue


# --------------------------------------------------------------------------------------
# Rendering one district and the city
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rendered(
    fixture_store: tuple[Path, pd.DataFrame], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, report.ReportResult]:
    data_dir, _ = fixture_store
    out = tmp_path_factory.mktemp("reports")
    return {
        d: report.render_report(d, "2026-11-21", data_dir=data_dir, out_dir=out)
        for d in ("WESTERN", "CITYWIDE")
    }


@pytest.mark.slow
@pytest.mark.parametrize("district", ["WESTERN", "CITYWIDE"])
def test_html_numbers_equal_hand_counts(
    district: str, rendered: dict[str, report.ReportResult], fixture_store: tuple[Path, Any]
) -> None:
    _, rows = fixture_store
    result = rendered[district]
    assert result.ok and result.html.name == f"{district}.html"
    html = result.html.read_text(encoding="utf-8")
    cells = html_cells(html)
    expected = expected_table(rows, district)
    for offense, cols in expected.items():
        shown = cells[("offenses", offense)]
        for col, value in cols.items():
            assert number(shown[col]) == pytest.approx(value, abs=0.05), (offense, col)
        change = cols["ytd"] - cols["last_ytd"]
        assert number(shown["ytd_change"].split(" ")[0]) == change, offense
    # Spot values worked out by hand, so the hand counter itself is checked too.
    if district == "WESTERN":
        assert expected["ROBBERY"]["this_week"] == 2
        assert expected["Part 1 violent"]["this_week"] == 5  # 2 robberies, homicide, 2 victims
        assert expected["Part 1 property"]["this_week"] == 3
        assert expected["ROBBERY"]["four_week_avg"] == 1.0  # 11-01 + 11-08 + 2 this week
        assert expected["AGG. ASSAULT"]["last_ytd"] == 1  # 2025-11-21 23:59 is inside
        assert expected["LARCENY FROM AUTO"]["same_week_last_year"] == 1
    else:
        assert expected["LARCENY"]["this_week"] == 1 + 1 + 12  # Western, no district, Southern


@pytest.mark.slow
def test_flags_only_where_the_change_is_notable(rendered: dict[str, report.ReportResult]) -> None:
    city = html_cells(rendered["CITYWIDE"].html.read_text(encoding="utf-8"))
    flagged = {o for (t, o), c in city.items() if t == "offenses" and c["flag"].strip()}
    # 14 larcenies against about one a week: notable. Everything else is tiny.
    assert flagged == {"LARCENY", "Part 1 property"}
    assert city[("offenses", "LARCENY")]["flag"] == "▲ higher"
    west = html_cells(rendered["WESTERN"].html.read_text(encoding="utf-8"))
    assert not [o for (t, o), c in west.items() if t == "offenses" and c["flag"].strip()]


@pytest.mark.slow
def test_headline_neighborhoods_and_methodology(
    rendered: dict[str, report.ReportResult],
) -> None:
    html = rendered["WESTERN"].html.read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", html)
    assert (
        "In the week ending Saturday, November 21, 2026, the Western District recorded "
        "5 Part 1 violent crimes, 3 more than its 4-week average of 2.0, and "
        "3 Part 1 property crimes, 1.75 more than its 4-week average of 1.25." in text
    )
    assert "The week counted 1 homicide and 2 non-fatal shootings." in text
    cells = html_cells(html)
    # This week: Sandtown 5 (robbery, homicide, 2 shooting victims, burglary), Harlem Park 2
    # (robbery, auto theft), Penn North 1 (larceny; its common assault is not Part 1).
    week = {k[1]: v for k, v in cells.items() if k[0] == "week"}
    assert list(week)[:3] == ["Sandtown-Winchester", "Harlem Park", "Penn North"]
    assert week["Sandtown-Winchester"]["count"] == "5"
    assert week["Penn North"]["previous"] == "2"  # robbery 11-08 00:00 and larceny 11-10
    assert "Data through 2026-11-23" in text
    assert "1 victim(s) published without a time" in text
    assert "1 of 8 have no coordinates" in text
    assert "Demo data" not in text  # real (hand-written) rows: no banner
    # The shipped CVI list (bmoredash/reference/data/cvi_programs.csv) serves Western.
    assert "Safe Streets Penn North" in text and "Program list unavailable" not in text


@pytest.mark.slow
def test_the_report_says_its_week_is_preliminary(
    rendered: dict[str, report.ReportResult],
) -> None:
    """Data through Nov 23: the week ending Nov 21 is preliminary (``coverage``'s rule)."""
    page = rendered["WESTERN"].html.read_text(encoding="utf-8")
    text = html_lib.unescape(re.sub(r"\s+", " ", page))
    headline = re.search(r'<p class="headline">(.*?)</p>', text).group(1)
    assert (
        "This week's counts are preliminary: crimes reported late are still being added, "
        "so they are likely to rise." in headline
    )
    footnote = text[text.index('<section class="methodology">') :]
    assert "This week's counts are preliminary." in footnote
    assert "19% more rapes and 3% more aggravated assaults" in footnote
    assert "Hatched bars are preliminary weeks" in text
    summary = rendered["CITYWIDE"].summary
    assert summary is not None and "counts are preliminary" in summary["headline"]


@pytest.mark.slow
@pytest.mark.parametrize("district", ["WESTERN", "CITYWIDE"])
def test_html_is_self_contained_and_shows_no_code(
    district: str, rendered: dict[str, report.ReportResult]
) -> None:
    html = rendered[district].html.read_text(encoding="utf-8")
    assert_self_contained(html)
    assert html.count("data:image/svg+xml;base64,") == 3  # trend, map, hour x weekday


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("district", ["WESTERN", "CITYWIDE"])
def test_pdf_text_holds_the_same_numbers(
    district: str, rendered: dict[str, report.ReportResult], fixture_store: tuple[Path, Any]
) -> None:
    _, rows = fixture_store
    pdf = rendered[district].pdf
    assert pdf_pages(pdf) >= 1
    text = pdf_text(pdf)
    place = "Western District" if district == "WESTERN" else "Baltimore City"
    assert place in text
    assert f"{place} · Weekly Part 1 crime report · week ending Nov 21, 2026" in text
    assert "Page 1 of" in text
    expected = expected_table(rows, district)
    labels = {
        "ROBBERY": "Robbery",
        "Part 1 violent": "Part 1 violent, total",
        "LARCENY": "Larceny",
        "Part 1 property": "Part 1 property, total",
    }
    for offense, label in labels.items():
        line = next(ln for ln in text.splitlines() if re.match(rf"\s*{re.escape(label)}\s+\d", ln))
        rest = line.split(label, 1)[1]
        numbers = [number(n) for n in re.findall(r"[+\u2212-]?\d[\d,]*(?:\.\d+)?", rest)]
        cols = expected[offense]
        want = [
            cols["this_week"],
            cols["previous_week"],
            cols["four_week_avg"],
            cols["same_week_last_year"],
            cols["ytd"],
            cols["last_ytd"],
        ]
        assert numbers[:6] == pytest.approx(want, abs=0.05), (offense, line)


@pytest.mark.slow
def test_outputs_sit_together_with_an_index(
    rendered: dict[str, report.ReportResult], fixture_store: tuple[Path, Any]
) -> None:
    week_dir = rendered["WESTERN"].html.parent
    assert week_dir.name == "2026-11-21"
    for d in ("WESTERN", "CITYWIDE"):
        assert [p.name for p in rendered[d].outputs] == [f"{d}.html", f"{d}.pdf", f"{d}.ipynb"]
        audit = week_dir.parent.with_name(f"{week_dir.parent.name}-audit") / week_dir.name
        assert rendered[d].notebook == audit / f"{d}.ipynb"
        executed = nbformat.read(audit / f"{d}.ipynb", as_version=4)
        assert any("injected-parameters" in c.metadata.get("tags", []) for c in executed.cells)
        # The index's numbers: written by the notebook beside it, not parsed from outputs.
        summary = json.loads((audit / f"{d}.summary.json").read_text(encoding="utf-8"))
        assert summary == rendered[d].summary and summary["district"] == d
        assert not [
            o
            for c in executed.cells
            for o in c.get("outputs", [])
            if "data" in o and any("bmoredash" in mime for mime in o["data"])
        ]
    index = (week_dir / "index.html").read_text(encoding="utf-8")
    assert_self_contained(index)
    for d in ("WESTERN", "CITYWIDE"):
        assert f'href="{d}.html"' in index and f'href="{d}.pdf"' in index
    rows = html_cells(index)
    assert not rows  # index rows carry data-district, not data-offense
    assert re.search(r'data-district="WESTERN".*?data-col="violent_week">5<', index, re.S)
    # Every number of each index row against the hand counts (the year to date: the
    # difference, as both counts are below aggregate.MIN_READABLE_COUNT here).
    _, rows = fixture_store
    for d in ("WESTERN", "CITYWIDE"):
        row = re.search(rf'<tr data-district="{d}">(.*?)</tr>', index, re.S).group(1)
        cells = [
            html_lib.unescape(c).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        hand = expected_table(rows, d)
        v, p = hand["Part 1 violent"], hand["Part 1 property"]
        ytd = v["ytd"] - v["last_ytd"]
        assert v["last_ytd"] < 10
        want = [
            "Western District" if d == "WESTERN" else "Baltimore City",
            str(v["this_week"]),
            str(v["four_week_avg"]),
            str(p["this_week"]),
            str(p["four_week_avg"]),
            str(hand["HOMICIDE"]["this_week"]),
            f"{v['ytd']} (+{ytd})",
            f'<a href="{d}.html">HTML</a> · <a href="{d}.pdf">PDF</a>',
        ]
        assert cells == want, d


# --------------------------------------------------------------------------------------
# The pieces, without a kernel
# --------------------------------------------------------------------------------------


def test_number_formatting() -> None:
    from bmoredash.report import text

    assert text.average(1.25) == "1.25" and text.average(2.0) == "2.0"
    assert text.average(0.5) == "0.5"
    assert text.signed(3) == "+3" and text.signed(-3) == "\u22123" and text.signed(0) == "0"
    assert text.percent(None) == "n/a" and text.percent(27.66) == "+27.7%"
    assert text.noun("ROBBERY", 1) == "1 robbery" and text.noun("ROBBERY", 1200) == (
        "1,200 robberies"
    )
    assert text.place_name("CITYWIDE") == "Baltimore City"
    assert text.place_name("NORTHEAST") == "Northeast District"


def test_headline_with_nothing_last_year_and_a_flag() -> None:
    from bmoredash.report import text

    index = list(text.TABLE_ORDER)
    table = pd.DataFrame(
        0.0,
        index=index,
        columns=[
            "this_week",
            "previous_week",
            "four_week_avg",
            "same_week_last_year",
            "ytd",
            "last_ytd",
        ],
    )
    table["flag"] = ""
    table.loc["Part 1 violent", ["this_week", "four_week_avg", "ytd"]] = [12, 12.0, 40]
    table.loc["Part 1 property", ["this_week", "four_week_avg"]] = [1, 1.75]
    table.loc["ROBBERY", "flag"] = "higher"
    line = text.headline("SOUTHEAST", date(2026, 11, 21), table)
    assert (
        "the Southeast District recorded 12 Part 1 violent crimes, the same as its "
        "4-week average of 12.0, and 1 Part 1 property crime, 0.75 fewer than" in line
    )
    assert "The week counted 0 homicides and 0 non-fatal shootings." in line
    assert "none were recorded over the same days of 2025" in line
    assert line.endswith("the last 52 weeks lead one to expect: robberies (higher).")


def test_programs_unavailable_and_listed() -> None:
    from bmoredash.report import render

    assert render.programs_html(None, "WESTERN") == '<p class="empty">Program list unavailable.</p>'
    assert render.programs_html(pd.DataFrame(), "WESTERN") == (
        '<p class="empty">No programs listed for Western District.</p>'
    )
    one = pd.DataFrame(
        [
            {
                "name": "Safe Streets <Test>",
                "type": "street_outreach",
                "districts": [],
                "area_served": "",
                "website": "https://x.test",
                "verified": True,
                "source_date": "2024-03-07",
            }
        ]
    )
    html = render.programs_html(one, "WESTERN")
    assert "Safe Streets &lt;Test&gt;" in html and "<td>Citywide</td>" in html
    assert "verified, 2024-03-07" in html


def test_map_draws_the_outline_and_context_and_simplifies_long_rings() -> None:
    from bmoredash.report import figures as figs
    from bmoredash.report import render

    square = [(-76.65, 39.29), (-76.63, 39.29), (-76.63, 39.31), (-76.65, 39.31)]
    other = [(-76.63, 39.29), (-76.61, 39.29), (-76.61, 39.31), (-76.63, 39.31)]
    points = pd.DataFrame(
        {
            "longitude": [-76.64, -76.645],
            "latitude": [39.30, 39.295],
            "offense_group": ["violent", "property"],
        }
    )
    fig = figs.incident_map(points, [square], context=[other])
    ax = fig.axes[0]
    assert len(ax.patches) == 2  # the district and one neighbour
    assert ax.get_xlim()[0] < -76.65 and ax.get_xlim()[1] < -76.625  # framed on the place
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Part 1 property (1)", "Part 1 violent (1)"]
    bare = figs.incident_map(points, [])
    assert not bare.axes[0].patches
    wiggly = [(-76.6 + i * 1e-6, 39.3 + (i % 2) * 1e-6) for i in range(5000)]
    assert len(figs.simplify_ring([*wiggly, (-76.6, 39.31)])) < 50
    html = render.figure_html(fig, alt='map "x"', caption="c")
    # Jinja2's autoescape writes a double quote as &#34; (html.escape wrote &quot;).
    assert html.startswith('<figure class="chart"><img alt="map &#34;x&#34;" ')
    assert "data:image/svg+xml;base64," in html and "<figcaption>c</figcaption>" in html


def test_trend_chart_marks_flagged_weeks_only() -> None:
    from bmoredash.report import figures as figs

    weeks = pd.date_range("2026-10-03", "2026-11-21", freq="W-SAT")
    weekly = pd.DataFrame(
        {"violent": range(len(weeks)), "property": 1, "violent_flag": "", "property_flag": ""},
        index=weeks,
    )
    weekly.loc[weeks[-1], "violent_flag"] = "higher"
    weekly.loc[weeks[2], "property_flag"] = "lower"
    fig = figs.trend_chart(weekly, date(2026, 11, 21))
    marks = [[t.get_text() for t in ax.texts] for ax in fig.axes]
    assert marks == [["▲"], ["▼"]]


def test_cli_report_with_a_bad_district_says_what_is_valid(
    fixture_store: tuple[Path, Any], tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from bmoredash.cli import app

    data_dir, _ = fixture_store
    args = ["report", "--district", "gotham", "--week-ending", "2026-11-21"]
    result = CliRunner().invoke(app, [*args, "--data-dir", str(data_dir), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "unknown district 'gotham'; valid: CENTRAL" in result.output
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------------------
# The arrests section: only when the store has arrest data for the week
# --------------------------------------------------------------------------------------

ARREST_HEADER = (
    "Arrest,Age,Sex,Race,ArrestDate,ArrestTime,ArrestLocation,IncidentOffense,"
    "IncidentLocation,Charge,ChargeDescription,District,Post,Neighborhood,Longitude,"
    "Latitude,Location 1"
)
#: Charge codes of the shipped table (reference/data/charge_groups.csv) and their groups.
ARREST_CODES = {
    "1 1415": "violent",
    "1 5203": "weapons",
    "1 0018": "drugs",
    "1 1166": "property",
    "1 0087": "warrants",
}
#: (arrest number, "" for none; arrest date; charge code) in the Western District.
WESTERN_ARRESTS: list[tuple[str, str, str]] = [
    ("26000001", "2026-11-16", "1 1415"),  # this week: one arrest, two charges
    ("26000001", "2026-11-16", "1 5203"),
    ("26000002", "2026-11-21", "1 0018"),  # the week's last day
    ("", "2026-11-19", "1 0087"),  # no arrest number: an arrest of its own
    ("26000003", "2026-11-10", "1 1166"),  # the week before
    ("26000004", "2026-03-01", "1 1415"),  # earlier this year
    ("25000001", "2025-02-01", "1 1415"),  # last year to date
    ("25000002", "2025-11-21", "1 0018"),  # its last day
    ("25000003", "2025-11-22", "1 0018"),  # after it
]


def arrest_csv(path: Path) -> pd.DataFrame:
    """A legacy-layout arrest file: the Western arrests above and eight Southern drug
    arrests every day from 2025-01-01 to the data's last day (so the arrests cover every
    day: a file with fewer on a typical day is a sample, ``coverage.find_gap_days``).
    Returns the rows as (arrest, date, code, district) for counting by hand."""
    rows = [(a, d, c, "Western") for a, d, c in WESTERN_ARRESTS]
    days = pd.date_range("2025-01-01", DATA_THROUGH.isoformat(), freq="D")
    rows += [
        (f"S{i:05d}-{k}", f"{d:%Y-%m-%d}", "1 0018", "Southern")
        for i, d in enumerate(days)
        for k in range(8)
    ]
    lines = [ARREST_HEADER]
    for arrest, day, code, district in rows:
        when = date.fromisoformat(day)
        lines.append(f"{arrest},30,M,B,{when:%m/%d/%Y},12:00,,,,{code},CHARGE,{district},,,,,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return pd.DataFrame(rows, columns=["arrest", "day", "code", "district"])


def hand_arrests(rows: pd.DataFrame, district: str, first: str, last: str) -> int:
    """Arrests by hand: distinct numbers plus each row without one."""
    keep = (rows["day"] >= first) & (rows["day"] <= last)
    if district != "CITYWIDE":
        keep &= rows["district"] == district.title()
    chosen = rows[keep]
    return int(
        chosen.loc[chosen["arrest"] != "", "arrest"].nunique() + (chosen["arrest"] == "").sum()
    )


@pytest.fixture(scope="module")
def arrests_report(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[report.ReportResult, pd.DataFrame]:
    from bmoredash import ingest

    data_dir = tmp_path_factory.mktemp("with-arrests") / "data"
    write_fixture_store(data_dir)
    rows = arrest_csv(data_dir.parent / "arrests.csv")
    ingest.ingest_paths([data_dir.parent / "arrests.csv"], data_dir)
    out = tmp_path_factory.mktemp("arrest-reports")
    return report.render_report("WESTERN", "2026-11-21", data_dir=data_dir, out_dir=out), rows


@pytest.mark.slow
def test_arrests_section_only_with_arrest_data(
    rendered: dict[str, report.ReportResult],
    arrests_report: tuple[report.ReportResult, pd.DataFrame],
) -> None:
    assert 'data-table="arrests"' not in rendered["WESTERN"].html.read_text(encoding="utf-8")
    result, rows = arrests_report
    html = result.html.read_text(encoding="utf-8")
    cells = {
        measure: dict(re.findall(r'<td[^>]* data-col="(\w+)"[^>]*>([^<]*)</td>', body))
        for measure, body in re.findall(
            r'<tr[^>]* data-measure="(\w+)"[^>]*>(.*?)</tr>', html, re.S
        )
    }
    want = {
        "this_week": hand_arrests(rows, "WESTERN", "2026-11-15", "2026-11-21"),
        "previous_week": hand_arrests(rows, "WESTERN", "2026-11-08", "2026-11-14"),
        "ytd": hand_arrests(rows, "WESTERN", "2026-01-01", "2026-11-21"),
        "last_ytd": hand_arrests(rows, "WESTERN", "2025-01-01", "2025-11-21"),
    }
    assert want == {"this_week": 3, "previous_week": 1, "ytd": 5, "last_ytd": 2}  # by hand
    assert {k: number(cells["all"][k]) for k in want} == want
    # By charge group: arrest 26000001 counts under violent and under weapons.
    assert number(cells["violent"]["this_week"]) == 1
    assert number(cells["weapons"]["this_week"]) == 1
    assert number(cells["warrants"]["this_week"]) == 1
    assert number(cells["property"]["previous_week"]) == 1
    assert cells["all"]["ytd_change"] == "+3 too few to judge"
    text = html_lib.unescape(re.sub(r"\s+", " ", html))
    assert (
        "In the week ending Saturday, November 21, 2026, police made 3 arrests in the "
        "Western District (1 the week before)." in text
    )
    assert "An arrest is one arrest number." in text


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_arrests_section_numbers_in_the_pdf(
    arrests_report: tuple[report.ReportResult, pd.DataFrame],
) -> None:
    result, rows = arrests_report
    text = pdf_text(result.pdf)
    line = next(ln for ln in text.splitlines() if re.match(r"\s*All arrests\s+\d", ln))
    numbers = [number(n) for n in re.findall(r"[+\u2212-]?\d[\d,]*", line.split("All arrests")[1])]
    assert numbers[:4] == [
        hand_arrests(rows, "WESTERN", "2026-11-15", "2026-11-21"),
        hand_arrests(rows, "WESTERN", "2026-11-08", "2026-11-14"),
        hand_arrests(rows, "WESTERN", "2026-01-01", "2026-11-21"),
        hand_arrests(rows, "WESTERN", "2025-01-01", "2025-11-21"),
    ]
