"""The command line as a user meets it: exit codes, messages, and what lands in the store."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bmoredash import load_incidents, read_manifest
from bmoredash.cli import app

runner = CliRunner()

BETA_CSV = (
    "RowID,CCNumber,CrimeDateTime,CrimeCode,Description,Inside_Outside,Weapon,Shooting,Post,"
    "Gender,Age,Race,Ethnicity,Location,Old_District,New_District,Neighborhood,Latitude,"
    "Longitude,GeoLocation,PremiseType,Total_Incidents\n"
    "1,24A0001,2024/07/04 03:15:00+00,1A,HOMICIDE,Outside,FIREARM,Y,731,Male,24,"
    "BLACK_OR_AFRICAN_AMERICAN,NOT_HISPANIC,1600 W NORTH AVE,WESTERN,WESTERN,PENN NORTH,"
    '39.3101,-76.6434,"(39.3101,-76.6434)",STREET,1\n'
    "2,24A0002,2024/07/05 16:00:00+00,6D,LARCENY FROM AUTO,Outside,,N,111,Female,41,WHITE,"
    "NOT_HISPANIC,400 N CHARLES ST,CENTRAL,CENTRAL,DOWNTOWN,39.2943,-76.6154,"
    '"(39.2943,-76.6154)",STREET,1\n'
)


def test_info_without_store_says_what_to_do(tmp_path: Path) -> None:
    result = runner.invoke(app, ["info", "--data-dir", str(tmp_path / "empty")])
    assert result.exit_code == 1
    assert "bmoredash demo" in result.output and "Traceback" not in result.output


def test_ingest_then_info(tmp_path: Path) -> None:
    source = tmp_path / "part1.csv"
    source.write_text(BETA_CSV)
    data = tmp_path / "data"
    result = runner.invoke(app, ["ingest", str(source), "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert "2 read, 2 kept, 0 quarantined" in result.output
    frame = load_incidents(data, offenses="all")
    assert sorted(frame["offense"].astype(str)) == ["HOMICIDE", "LARCENY FROM AUTO"]
    # 03:15 UTC on July 4 is 23:15 on July 3 in Baltimore.
    homicide = frame[frame["offense"] == "HOMICIDE"].iloc[0]
    assert str(homicide["occurred_at"]) == "2024-07-03 23:15:00-04:00"
    result = runner.invoke(app, ["info", "--json", "--data-dir", str(data)])
    doc = json.loads(result.output)
    assert doc["manifest"]["rows"] == 2 and doc["manifest"]["demo"] is False
    assert doc["quality"]["rows_read"] == 2


def test_ingest_twice_is_idempotent(tmp_path: Path) -> None:
    source = tmp_path / "part1.csv"
    source.write_text(BETA_CSV)
    data = tmp_path / "data"
    for _ in range(2):
        assert runner.invoke(app, ["ingest", str(source), "--data-dir", str(data)]).exit_code == 0
    assert read_manifest(data)["rows"] == 2


def test_ingest_unknown_layout_fails_clearly(tmp_path: Path) -> None:
    source = tmp_path / "odd.csv"
    source.write_text("foo,bar\n1,2\n")
    result = runner.invoke(app, ["ingest", str(source), "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 1
    assert "foo" in result.output and "CrimeDate" in result.output
    assert not (tmp_path / "data" / "manifest.json").exists()


def test_demo_command_writes_a_demo_store(tmp_path: Path) -> None:
    data = tmp_path / "data"
    args = ["demo", "--data-dir", str(data), "--start", "2026-10-01", "--end", "2026-11-21"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    manifest = read_manifest(data)
    assert manifest["demo"] is True and manifest["data_through"] == "2026-11-21"
    assert runner.invoke(app, ["info", "--data-dir", str(data)]).output.count("DEMO DATA") == 1


def test_bad_date_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["fetch", "--since", "last week", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_real_data_does_not_mix_into_demo_data_unless_replaced(tmp_path: Path) -> None:
    data = tmp_path / "data"
    args = ["demo", "--data-dir", str(data), "--start", "2026-11-01", "--end", "2026-11-21"]
    assert runner.invoke(app, args).exit_code == 0
    source = tmp_path / "part1.csv"
    source.write_text(BETA_CSV)
    mixed = runner.invoke(app, ["ingest", str(source), "--data-dir", str(data)])
    assert mixed.exit_code == 1 and "demo" in mixed.output.lower()
    assert read_manifest(data)["demo"] is True
    replaced = runner.invoke(app, ["ingest", str(source), "--replace", "--data-dir", str(data)])
    assert replaced.exit_code == 0, replaced.output
    assert read_manifest(data)["demo"] is False and read_manifest(data)["rows"] == 2


LEGACY_CSV = (
    "CrimeDate,CrimeTime,CrimeCode,Location,Description,Inside/Outside,Weapon,Post,District,"
    "Neighborhood,Longitude,Latitude,Location 1,Premise,Total Incidents\n"
    "07/04/2024,22:15:00,4C,1600 W NORTH AVE,AGG. ASSAULT,O,KNIFE,713,WESTERN,Penn North,"
    '-76.644,39.3096,"(39.3096,-76.644)",STREET,1\n'
    "07/04/2024,22:15:00,4C,1600 W NORTH AVE,AGG. ASSAULT,O,KNIFE,713,WESTERN,Penn North,"
    '-76.644,39.3096,"(39.3096,-76.644)",STREET,1\n'
)


def test_overlapping_datasets_need_a_preference_then_info_and_rebuild(tmp_path: Path) -> None:
    beta, legacy = tmp_path / "part1.csv", tmp_path / "legacy.csv"
    beta.write_text(BETA_CSV)
    legacy.write_text(LEGACY_CSV)
    data = tmp_path / "data"
    base = ["--data-dir", str(data)]
    assert runner.invoke(app, ["ingest", str(beta), *base]).exit_code == 0
    refused = runner.invoke(app, ["ingest", str(legacy), *base])
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert "both cover 2024-07-04 to 2024-07-04" in refused.output
    assert "--prefer legacy_victim_based or --prefer part1_crime_beta" in refused.output
    chosen = runner.invoke(app, ["ingest", str(legacy), "--prefer", "legacy_victim_based", *base])
    assert chosen.exit_code == 0, chosen.output
    # The two identical legacy rows are two victims; Jul 4 now comes from the legacy file.
    assert "2 read, 2 kept, 0 quarantined, 2 served" in chosen.output
    # Beta keeps Jul 3 (the homicide) and Jul 5 (the larceny); Jul 4 is the legacy file's.
    assert read_manifest(data)["rows"] == 4
    shown = runner.invoke(app, ["info", *base]).output
    assert "s000001 part1_crime_beta 2024-07-03 to 2024-07-05" in shown
    assert "s000002 legacy_victim_based 2024-07-04 to 2024-07-04" in shown
    assert "datasets preferred where they overlap: legacy_victim_based" in shown
    before = sorted(load_incidents(data, offenses="all")["record_id"])
    beta.unlink()
    legacy.unlink()
    rebuilt = runner.invoke(app, ["rebuild", *base])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert sorted(load_incidents(data, offenses="all")["record_id"]) == before


def test_error_messages_are_printable_and_short() -> None:
    from bmoredash.cli import MAX_ERROR_CHARS, printable

    hostile = "bad header \x1b[31mRED\x1b[0m \x07 and\nmore" + "x" * 5_000
    shown = printable(hostile)
    assert "\x1b" not in shown and "\x07" not in shown and "\\x1b[31mRED" in shown
    assert "\nmore" in shown  # a line break stays a line break
    assert len(shown) <= MAX_ERROR_CHARS + len("… (cut)") and shown.endswith("… (cut)")
    assert printable("plain") == "plain"


def test_serve_passes_the_kernel_cap(tmp_path: Path, monkeypatch) -> None:
    import bmoredash.serving.launch

    seen: dict = {}
    monkeypatch.setattr(bmoredash.serving.launch, "serve", lambda *a, **k: seen.update(k) or 0)
    data = tmp_path / "data"
    source = tmp_path / "part1.csv"
    source.write_text(BETA_CSV)
    assert runner.invoke(app, ["ingest", str(source), "--data-dir", str(data)]).exit_code == 0
    result = runner.invoke(app, ["serve", "--data-dir", str(data), "--max-kernels", "7"])
    assert result.exit_code == 0, result.output
    assert seen["max_kernels"] == 7
