"""Ingest: hand-written files through sources and clean into the store, all or nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from bmoredash import ingest, sources, store
from tests.conftest import require_shared

TODAY = dt.date(2025, 1, 15)

BETA_HEADER = (
    "RowID,CCNumber,CrimeDateTime,CrimeCode,Description,Inside_Outside,Weapon,Post,Gender,Age,"
    "Race,Ethnicity,Location,Old_District,New_District,Neighborhood,Latitude,Longitude,Premise"
)
# Two victims of one robbery, a burglary at 23:30 on New Year's Eve (Eastern), a row
# without a date and a row whose offense maps to nothing.
BETA_ROWS = [
    "101,23G01234,2023/07/04 22:15:00+00,3AF,ROBBERY - STREET,O,FIREARM,713,M,34,BLACK,,"
    "1600 W NORTH AVE,WESTERN,WESTERN,SANDTOWN-WINCHESTER,39.3096,-76.6440,STREET",
    "102,23G01234,2023/07/04 22:15:00+00,3AF,ROBBERY - STREET,O,FIREARM,713,F,29,BLACK,,"
    "1600 W NORTH AVE,WESTERN,WESTERN,SANDTOWN-WINCHESTER,39.3096,-76.6440,STREET",
    "103,23L05555,2024/01/01 04:30:00+00,5A,BURGLARY,I,,942,M,51,WHITE,,"
    "100 E CROSS ST,SOUTHERN,SOUTHERN,FEDERAL HILL,39.2780,-76.6120,ROW/TOWNHOUSE-OCC",
    "104,24A00001,,6D,LARCENY FROM AUTO,O,,111,,,,,"
    "300 N CHARLES ST,CENTRAL,CENTRAL,DOWNTOWN,39.2930,-76.6150,STREET",
    "105,24A00002,2024/01/02 10:00:00+00,99Z,MYSTERY,O,,111,,,,,"
    "300 N CHARLES ST,CENTRAL,CENTRAL,DOWNTOWN,39.2930,-76.6150,STREET",
]

LEGACY_HEADER = (
    "CrimeDate,CrimeTime,CrimeCode,Location,Description,Inside/Outside,Weapon,Post,District,"
    "Neighborhood,Longitude,Latitude,Location 1,Premise,Total Incidents"
)
LEGACY_ROWS = [
    "07/04/2019,22:15:00,4C,1600 W NORTH AVE,AGG. ASSAULT,O,KNIFE,713,WESTERN,Sandtown-Winchester,"
    '-76.644,39.3096,"(39.3096,-76.644)",STREET,1',
    "03/02/2019,0930,7A,2900 GREENMOUNT AVE,AUTO THEFT,O,NA,513,NORTHERN,Waverly,"
    '-76.609,39.3248,"(39.3248,-76.609)",STREET,1',
    "03/02/2019,0930,7A,2900 GREENMOUNT AVE,AUTO THEFT,O,NA,513,NORTHERN,Waverly,"
    '-76.609,39.3248,"(39.3248,-76.609)",STREET,1',
]


def write_csv(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "files"
    folder.mkdir()
    return {
        "beta": write_csv(folder / "beta.csv", BETA_HEADER, BETA_ROWS),
        "legacy": write_csv(folder / "legacy.csv", LEGACY_HEADER, LEGACY_ROWS),
    }


def _without_times(manifest: dict) -> dict:
    return {k: v for k, v in manifest.items() if k not in ("created_at", "store_dir")}


def test_ingest_paths_counts_every_row_and_fills_the_store(
    files: dict[str, Path], data_dir: Path
) -> None:
    summary = ingest.ingest_paths([files["beta"], files["legacy"]], data_dir, today=TODAY)
    by_source = {s["source"]: s for s in summary["sources"]}
    assert by_source["beta.csv"]["layout"] == "arcgis_part1_crime_beta"
    assert by_source["legacy.csv"]["layout"] == "socrata_legacy"
    assert [by_source["beta.csv"][k] for k in ("rows_read", "rows_kept", "rows_quarantined")] == [
        5,
        3,
        2,
    ]
    # the two identical auto-theft rows are two victims: both kept
    assert [by_source["legacy.csv"][k] for k in ("rows_read", "rows_kept")] == [3, 3]
    assert by_source["legacy.csv"]["dataset"] == "legacy_victim_based"
    assert by_source["legacy.csv"]["window"] == ["2019-03-02", "2019-07-04"]
    assert by_source["beta.csv"]["window"] == ["2023-07-04", "2023-12-31"]
    assert summary["totals"] == {
        "rows_read": 8,
        "rows_kept": 6,
        "rows_quarantined": 2,
        "rows_served": 6,
    }
    assert summary["rows"] == 6 and summary["superseded"] == 0

    incidents = store.load_incidents(data_dir, offenses="all")
    assert len(incidents) == 6
    assert set(incidents["source"].astype(str)) == {"beta.csv", "legacy.csv"}
    # The burglary at 04:30 UTC on Jan 1 happened on New Year's Eve in Baltimore.
    assert store.load_incidents(data_dir, years=[2023], offenses=["BURGLARY"]).shape[0] == 1
    assert store.load_incidents(data_dir, districts=["WESTERN"], offenses=["violent"]).shape[0] == 3

    quarantine = store.read_quarantine(data_dir)
    reasons = sorted(zip(quarantine["source"], quarantine["reason"], strict=True))
    assert reasons == [("beta.csv", "missing_date"), ("beta.csv", "unmapped_offense")]
    quality = store.read_quality(data_dir)
    assert quality["rows_read"] == 8 and quality["rows_kept"] == 6
    assert quality["identical_rows_kept"] == 1
    assert quality["quarantined"] == {"missing_date": 1, "unmapped_offense": 1}
    manifest = store.read_manifest(data_dir)
    assert manifest["rows"] == 6 and manifest["demo"] is False
    assert manifest["first_date"] == "2019-03-02" and manifest["data_through"] == "2023-12-31"
    assert {s["source"]: s["rows_kept"] for s in manifest["sources"]} == {
        "beta.csv": 3,
        "legacy.csv": 3,
    }
    # incidents: CCNumber where the layout has one, else not available
    by_source_ids = incidents.groupby(incidents["source"].astype(str))["incident_id"]
    assert by_source_ids.nunique().to_dict() == {"beta.csv": 2, "legacy.csv": 0}
    assert incidents.loc[incidents["source"] == "legacy.csv", "incident_id"].isna().all()
    # every raw file is kept, gzipped, for a rebuild
    kept = {s["source"]: s["raw"] for s in manifest["snapshots"]}
    assert all((data_dir / path).is_file() for path in kept.values())


def test_ingesting_the_same_files_twice_changes_nothing(
    files: dict[str, Path], data_dir: Path
) -> None:
    paths = [files["beta"], files["legacy"]]
    first = ingest.ingest_paths(paths, data_dir, today=TODAY)
    frame = store.load_incidents(data_dir, offenses="all")
    quarantine = store.read_quarantine(data_dir)
    quality = store.read_quality(data_dir)
    second = ingest.ingest_paths(paths, data_dir, today=TODAY)
    assert second["unchanged"] == ["s000001", "s000002"] and second["superseded"] == 0
    pd.testing.assert_frame_equal(store.load_incidents(data_dir, offenses="all"), frame)
    pd.testing.assert_frame_equal(store.read_quarantine(data_dir), quarantine)
    assert store.read_quality(data_dir) == quality
    assert _without_times(second["manifest"]) == _without_times(first["manifest"])


def test_a_republished_row_replaces_the_old_version(
    files: dict[str, Path], data_dir: Path, tmp_path: Path
) -> None:
    ingest.ingest_paths([files["beta"]], data_dir, today=TODAY)
    # A newer download of Dec 31 2023: RowID 103 republished as a robbery.
    changed = BETA_ROWS[2].replace("5A,BURGLARY", "3JF,ROBBERY - RESIDENCE")
    update = write_csv(tmp_path / "beta_update.csv", BETA_HEADER, [changed])
    summary = ingest.ingest_paths([update], data_dir, today=TODAY)
    assert summary["superseded"] == 1 and summary["sources"][0]["rows_served"] == 1
    incidents = store.load_incidents(data_dir, offenses="all").set_index("record_id")
    assert len(incidents) == 3
    row = incidents.loc["s000002/arcgis_part1_crime_beta:103"]
    assert (row["offense"], row["offense_detail"]) == ("ROBBERY", "ROBBERY - RESIDENCE")


def test_two_datasets_over_the_same_dates_stop_the_ingest_until_one_is_preferred(
    files: dict[str, Path], data_dir: Path, tmp_path: Path
) -> None:
    ingest.ingest_paths([files["beta"]], data_dir, today=TODAY)
    before = store.read_manifest(data_dir)
    same_days = write_csv(
        tmp_path / "legacy_2023.csv",
        LEGACY_HEADER,
        [
            LEGACY_ROWS[0].replace("07/04/2019", "07/05/2023"),
            LEGACY_ROWS[1].replace("2019", "2023"),
        ],
    )
    with pytest.raises(ingest.IngestError) as refused:
        ingest.ingest_paths([same_days], data_dir, today=TODAY)
    message = str(refused.value)
    assert "part1_crime_beta (beta.csv) and legacy_victim_based (legacy_2023.csv)" in message
    assert "2023-07-04 to 2023-07-05" in message and "nothing was written" in message
    assert "--prefer legacy_victim_based or --prefer part1_crime_beta" in message
    assert store.read_manifest(data_dir) == before
    # the refused file's raw copy is not left behind either
    kept = sorted(p.name for p in (data_dir / ingest.SNAPSHOTS_DIR).iterdir())
    assert kept == [Path(s["raw"]).name for s in before["snapshots"]]
    summary = ingest.ingest_paths([same_days], data_dir, today=TODAY, prefer=["part1_crime_beta"])
    # Beta serves its window (Jul 4 to Dec 31 2023); the legacy file keeps Mar 2.
    assert summary["sources"][0]["rows_served"] == 1
    assert store.read_manifest(data_dir)["prefer"] == ["part1_crime_beta"]
    with pytest.raises(ingest.IngestError, match="unknown dataset"):
        ingest.ingest_paths([same_days], data_dir, today=TODAY, prefer=["nope"])


def test_rebuild_recreates_the_store_from_its_raw_snapshots(
    files: dict[str, Path], data_dir: Path, tmp_path: Path
) -> None:
    ingest.ingest_paths([files["beta"], files["legacy"]], data_dir, today=TODAY)
    changed = BETA_ROWS[2].replace("5A,BURGLARY", "3JF,ROBBERY - RESIDENCE")
    ingest.ingest_paths(
        [write_csv(tmp_path / "beta_update.csv", BETA_HEADER, [changed])], data_dir, today=TODAY
    )
    before = store.load_incidents(data_dir, offenses="all")
    for path in files.values():
        path.unlink()  # the originals are gone: only the kept copies remain
    summary = ingest.rebuild(data_dir, today=TODAY)
    assert summary["rows"] == len(before) == 6
    pd.testing.assert_frame_equal(store.load_incidents(data_dir, offenses="all"), before)
    snapshots = store.read_snapshots(data_dir)
    assert [s.source for s in snapshots] == ["beta.csv", "legacy.csv", "beta_update.csv"]
    (data_dir / snapshots[0].raw).unlink()
    with pytest.raises(ingest.IngestError, match="s000001 .beta.csv.: its raw copy"):
        ingest.rebuild(data_dir, today=TODAY)


def test_one_bad_file_writes_nothing_and_names_the_file(
    files: dict[str, Path], data_dir: Path, tmp_path: Path
) -> None:
    bad = write_csv(tmp_path / "mystery_layout.csv", "when,what,where", ["today,stuff,here"])
    with pytest.raises(ingest.IngestError, match="mystery_layout.csv"):
        ingest.ingest_paths([files["beta"], bad], data_dir, today=TODAY)
    with pytest.raises(store.StoreNotFoundError):
        store.read_manifest(data_dir)

    ingest.ingest_paths([files["legacy"]], data_dir, today=TODAY)
    before = store.read_manifest(data_dir)
    missing = tmp_path / "not_there.csv"
    with pytest.raises(ingest.IngestError, match="not_there.csv"):
        ingest.ingest_paths([files["beta"], missing], data_dir, today=TODAY)
    assert store.read_manifest(data_dir) == before
    assert len(store.load_incidents(data_dir, offenses="all")) == 3


def test_ingest_frames_records_demo_and_data_through(
    files: dict[str, Path], data_dir: Path
) -> None:
    frame = sources.read_source(files["beta"])
    summary = ingest.ingest_frames(
        [frame], data_dir, demo=True, data_through=dt.date(2024, 1, 6), today=TODAY
    )
    assert summary["demo"] is True and summary["data_through"] == "2024-01-06"
    manifest = store.read_manifest(data_dir)
    assert manifest["demo"] is True and manifest["data_through"] == "2024-01-06"
    with pytest.raises(store.StoreConflictError):
        ingest.ingest_paths([files["legacy"]], data_dir, today=TODAY)
    replaced = ingest.ingest_paths([files["legacy"]], data_dir, today=TODAY, replace=True)
    assert replaced["demo"] is False and replaced["rows"] == 3


def test_real_legacy_sample_is_accounted_for_row_by_row(data_dir: Path) -> None:
    path = require_shared("crime", "legacy", "Baltimore_2019_Crime_Only.csv")
    summary = ingest.ingest_paths([path], data_dir, today=TODAY)
    totals = summary["totals"]
    assert totals["rows_read"] == 22_281  # SOURCES.md: the whole file
    assert totals["rows_read"] == totals["rows_kept"] + totals["rows_quarantined"]
    # SOURCES.md: 933 rows identical to another, separate victims of one crime
    assert store.read_quality(data_dir)["identical_rows_kept"] == 933
    assert totals["rows_quarantined"] == 0
    incidents = store.load_incidents(data_dir, offenses="all")
    assert len(incidents) == totals["rows_kept"] == store.read_manifest(data_dir)["rows"]
    assert len(store.read_quarantine(data_dir)) == totals["rows_quarantined"]
    assert incidents["occurred_at"].dt.year.eq(2019).all()
    assert incidents["record_id"].is_unique
