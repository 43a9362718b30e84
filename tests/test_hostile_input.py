"""One bad row never blocks a file, and nothing is stored corrupted (issue 9, items 3-4).

Each test ingests a small file of a real layout through the command line with one hostile
row: that row is quarantined with its reason, every other row is stored with its exact
text, read = stored + quarantined, and the command succeeds printing the counts.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bmoredash import load_incidents
from bmoredash.cli import MAX_ERROR_CHARS, app
from bmoredash.store import read_quarantine
from tests.test_cli import BETA_CSV, LEGACY_CSV

runner = CliRunner()

BETA_HEADER, BETA_HOMICIDE, BETA_LARCENY = BETA_CSV.rstrip("\n").split("\n")
LEGACY_HEADER, LEGACY_ASSAULT, _ = LEGACY_CSV.rstrip("\n").split("\n")
#: A third Beta row (another victim's row id and address), so two good rows surround a bad one.
BETA_ROBBERY = (
    BETA_LARCENY.replace("2,24A0002", "3,24A0003")
    .replace("6D,LARCENY FROM AUTO", "3B,ROBBERY - STREET")
    .replace("400 N CHARLES ST", "500 N CHARLES ST")
)


def ingest(tmp_path: Path, name: str, content: bytes) -> tuple[Path, str]:
    """Ingest ``content`` as file ``name`` through the CLI; (data dir, its output)."""
    source = tmp_path / name
    source.write_bytes(content)
    data = tmp_path / "data"
    result = runner.invoke(app, ["ingest", str(source), "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return data, result.output


def stored_locations(data: Path) -> list[str]:
    return sorted(load_incidents(data, offenses="all")["location"].astype(str))


def held(data: Path) -> list[tuple[int, str, dict]]:
    quarantine = read_quarantine(data)
    return [
        (int(r.row_number), str(r.reason), json.loads(r.raw))
        for r in quarantine.itertuples(index=False)
    ]


def lines(*rows: str) -> bytes:
    return ("\n".join(rows) + "\n").encode("utf-8")


# --------------------------------------------------------------------------------------
# 1. dates outside pandas' range
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "reason"),
    [("9999-12-31", "future_date"), ("1066-10-14", "date_before_1960")],
)
def test_a_date_pandas_cannot_hold_is_one_quarantined_row(
    tmp_path: Path, written: str, reason: str
) -> None:
    bad = BETA_LARCENY.replace("2024/07/05 16:00:00+00", written)
    data, output = ingest(
        tmp_path, "beta.csv", lines(BETA_HEADER, BETA_HOMICIDE, bad, BETA_ROBBERY)
    )
    assert "3 read, 2 kept, 1 quarantined" in output
    assert stored_locations(data) == ["1600 W NORTH AVE", "500 N CHARLES ST"]
    [(row, why, raw)] = held(data)
    assert (row, why, raw["CrimeDateTime"]) == (2, reason, written)


def test_a_legacy_date_of_year_9999_is_one_quarantined_row(tmp_path: Path) -> None:
    bad = LEGACY_ASSAULT.replace("07/04/2024", "12/31/9999").replace("1600 W", "1700 W")
    data, output = ingest(tmp_path, "legacy.csv", lines(LEGACY_HEADER, bad, LEGACY_ASSAULT))
    assert "2 read, 1 kept, 1 quarantined" in output
    assert stored_locations(data) == ["1600 W NORTH AVE"]
    assert [(r, why, raw["CrimeDate"]) for r, why, raw in held(data)] == [
        (1, "future_date", "12/31/9999")
    ]


def test_epoch_ms_of_year_9999_in_json_is_one_quarantined_row(tmp_path: Path) -> None:
    records = list(csv.DictReader(io.StringIO(BETA_CSV)))
    records[0]["CrimeDateTime"] = 253402214400000  # 9999-12-31 UTC
    records[1]["CrimeDateTime"] = 1720195200000  # 2024-07-05 16:00 UTC
    data, output = ingest(tmp_path, "beta.json", json.dumps(records).encode())
    assert "2 read, 1 kept, 1 quarantined" in output
    assert stored_locations(data) == ["400 N CHARLES ST"]
    assert [(r, why) for r, why, _ in held(data)] == [(1, "future_date")]


# --------------------------------------------------------------------------------------
# 2. a row with the wrong number of fields
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        BETA_LARCENY + ",EXTRA",  # one field too many stopped the whole file
        "2,24A0002,2024/07/05 16:00:00+00,1A,HOMICIDE",  # was stored as a homicide nowhere
    ],
    ids=["extra-field", "truncated"],
)
def test_a_row_with_the_wrong_field_count_is_quarantined_with_its_text(
    tmp_path: Path, bad: str
) -> None:
    data, output = ingest(
        tmp_path, "beta.csv", lines(BETA_HEADER, BETA_HOMICIDE, bad, BETA_ROBBERY)
    )
    assert "3 read, 2 kept, 1 quarantined" in output
    assert stored_locations(data) == ["1600 W NORTH AVE", "500 N CHARLES ST"]
    assert held(data) == [(2, "wrong_field_count", {"raw_text": bad})]


# --------------------------------------------------------------------------------------
# 3. bytes that are not text
# --------------------------------------------------------------------------------------


def test_one_undecodable_byte_quarantines_its_row_and_keeps_utf8_text_exact(
    tmp_path: Path,
) -> None:
    cafe = BETA_HOMICIDE.replace("1600 W NORTH AVE", "CAFÉ ST")
    bad = BETA_LARCENY.encode().replace(b"400 N CHARLES", b"400 N CH\x81RLES")
    content = lines(BETA_HEADER, cafe) + bad + b"\n" + lines(BETA_ROBBERY)
    data, output = ingest(tmp_path, "beta.csv", content)
    assert "3 read, 2 kept, 1 quarantined" in output
    assert stored_locations(data) == ["500 N CHARLES ST", "CAFÉ ST"]  # not CAFÃ‰ ST
    [(row, why, raw)] = held(data)
    assert (row, why) == (2, "undecodable_bytes")
    assert raw["raw_text"] == BETA_LARCENY.replace("400 N CHARLES", "400 N CH\\x81RLES")


def test_a_windows_1252_file_is_read_as_windows_1252(tmp_path: Path) -> None:
    cafe = BETA_HOMICIDE.replace("1600 W NORTH AVE", "CAFÉ ST")
    content = ("\n".join([BETA_HEADER, cafe, BETA_LARCENY]) + "\n").encode("cp1252")
    data, output = ingest(tmp_path, "beta.csv", content)
    assert "2 read, 2 kept, 0 quarantined" in output
    assert stored_locations(data) == ["400 N CHARLES ST", "CAFÉ ST"]


# --------------------------------------------------------------------------------------
# 4. NUL bytes
# --------------------------------------------------------------------------------------


def test_a_row_with_nul_bytes_is_quarantined_not_stored_raw(tmp_path: Path) -> None:
    bad = BETA_LARCENY.replace("400 N CHARLES", "400 N\x00\x00\x00CHARLES")
    data, output = ingest(
        tmp_path, "beta.csv", lines(BETA_HEADER, BETA_HOMICIDE, bad, BETA_ROBBERY)
    )
    assert "3 read, 2 kept, 1 quarantined" in output
    assert stored_locations(data) == ["1600 W NORTH AVE", "500 N CHARLES ST"]
    assert held(data) == [(2, "nul_bytes", {"raw_text": bad})]


def test_a_nul_in_a_json_value_is_quarantined(tmp_path: Path) -> None:
    records = list(csv.DictReader(io.StringIO(BETA_CSV)))
    records[1]["Location"] = "400 N\x00CHARLES ST"
    data, output = ingest(tmp_path, "beta.json", json.dumps(records).encode())
    assert "2 read, 1 kept, 1 quarantined" in output
    assert stored_locations(data) == ["1600 W NORTH AVE"]
    assert [(r, why) for r, why, _ in held(data)] == [(2, "nul_bytes")]


# --------------------------------------------------------------------------------------
# 5. a file of no known layout
# --------------------------------------------------------------------------------------


def test_an_unknown_binary_header_is_one_short_printable_line(tmp_path: Path) -> None:
    source = tmp_path / "image.csv"
    source.write_bytes(b"\x1b[2J\x1b]0;owned\x07" + bytes(range(14, 256)) * 600 + b"\n1,2\n")
    result = runner.invoke(app, ["ingest", str(source), "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 1
    message = result.output.strip()
    assert "\n" not in message and len(message) <= MAX_ERROR_CHARS
    assert "\x1b" not in message and "\\x1b" in message and message.isprintable()
    assert "no known layout" in message and "CrimeDate" in message
    assert not (tmp_path / "data" / "manifest.json").exists()
