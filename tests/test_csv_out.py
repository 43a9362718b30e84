"""Downloads that a spreadsheet opens as data, never as formulas (``bmoredash.csv_out``)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from bmoredash import csv_out
from bmoredash.cli import app
from tests.test_cli import BETA_CSV

FORMULA = '=HYPERLINK("http://example.com/x","click")'


def test_text_cells_that_start_like_formulas_are_neutralised() -> None:
    frame = pd.DataFrame(
        {
            "location": [FORMULA, "+1 555", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "400 N CHARLES"],
            "longitude": [-76.61] * 7,
            "age": pd.array([-1, 2, 3, 4, 5, 6, None], dtype="Int64"),
        }
    )
    rows = list(csv.DictReader(io.StringIO(csv_out.to_csv(frame), newline="")))
    assert [r["location"][:2] for r in rows[:6]] == ["'=", "'+", "'-", "'@", "'\t", "'\r"]
    assert rows[6]["location"] == "400 N CHARLES"
    assert {r["longitude"] for r in rows} == {"-76.61"}  # numbers stay numbers
    assert rows[0]["age"] == "-1"
    assert csv_out.neutralised(frame)["location"].iloc[0] == "'" + FORMULA


def test_the_export_command_writes_no_live_formula(tmp_path: Path) -> None:
    source = tmp_path / "part1.csv"
    source.write_text(BETA_CSV.replace("1600 W NORTH AVE", '"=HYPERLINK(""http://x"",""y"")"'))
    data = tmp_path / "data"
    assert CliRunner().invoke(app, ["ingest", str(source), "--data-dir", str(data)]).exit_code == 0
    out = tmp_path / "rows.csv"
    args = ["export", "--out", str(out), "--data-dir", str(data), "--offense", "all"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    locations = sorted(r["location"] for r in csv.DictReader(out.open(newline="")))
    assert locations == ['\'=HYPERLINK("http://x","y")', "400 N CHARLES ST"]
    assert not list(tmp_path.glob("**/.tmp-*"))  # no partial file left behind
