"""The store: round trip, filters, idempotent merges, and crashes that must not hurt it."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from bmoredash import config, schema, store
from bmoredash.snapshots import Snapshot
from tests.factories import canonical_rows


def make_incidents(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Canonical incidents from short dicts (``tests.factories.canonical_rows``): record_id
    and occurred_at (Eastern wall time) are required; everything else has a default."""
    return canonical_rows(rows)


def make_quarantine(rows: list[tuple[str, int, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source": [r[0] for r in rows],
            "row_number": [r[1] for r in rows],
            "reason": [r[2] for r in rows],
            "raw": [json.dumps({"row": r[1]}) for r in rows],
        }
    )


def quality(rows_read: int, rows_kept: int, **extra: Any) -> dict[str, Any]:
    report = {
        "rows_read": rows_read,
        "rows_kept": rows_kept,
        "identical_rows_kept": 0,
        "ungeocoded": 0,
        "coordinates_repaired": 0,
        "unknown_district": 0,
        "ages_cleared": 0,
        "genders_unknown": 0,
        "time_unknown": 0,
        "quarantined": {},
        "unmapped_descriptions": {},
    }
    report.update(extra)
    return report


def source(name: str, rows_read: int, rows_kept: int) -> dict[str, Any]:
    return {"source": name, "layout": "test", "rows_read": rows_read, "rows_kept": rows_kept}


SAMPLE = [
    {"record_id": "A1-1", "occurred_at": "2022-03-01 10:00"},
    {"record_id": "A1-2", "occurred_at": "2022-03-01 10:00", "victim_gender": "Female"},
    {
        "record_id": "A2",
        "occurred_at": "2023-07-04 22:15",
        "district": "NORTHEAST",
        "offense": "HOMICIDE",
        "offense_detail": "HOMICIDE",
        "crime_code": "1A",
        "neighborhood": "Frankford",
    },
    {
        "record_id": "A3",
        "occurred_at": "2023-12-31 23:30",  # 2024-01-01 04:30 UTC: still 2023 in Baltimore
        "district": "SOUTHERN",
        "offense": "BURGLARY",
        "offense_detail": "BURGLARY",
        "crime_code": "5A",
        "neighborhood": "Federal Hill",
    },
    {
        "record_id": "A4",
        "occurred_at": "2024-01-01 00:30",
        "district": "UNKNOWN",
        "offense": "AUTO THEFT",
        "offense_detail": "AUTO THEFT",
        "crime_code": "7A",
        "neighborhood": None,
        "latitude": None,
        "longitude": None,
        "victim_age": None,
    },
    {
        "record_id": "A5",
        "occurred_at": "2024-02-10 12:00",
        "district": "CENTRAL",
        "offense": "COMMON ASSAULT",
        "offense_detail": "COMMON ASSAULT",
        "crime_code": "4E",
        "neighborhood": "Downtown",
    },
]


def write_sample(data_dir: Path, rows: list[dict[str, Any]] = SAMPLE, **kw: Any) -> dict:
    frame = make_incidents(rows)
    return store.write_store(
        data_dir,
        frame,
        make_quarantine([("test.csv", 7, "missing_date")]),
        quality(len(rows) + 1, len(rows), quarantined={"missing_date": 1}),
        [source("test.csv", len(rows) + 1, len(rows))],
        demo=kw.pop("demo", False),
        **kw,
    )


def ids(frame: pd.DataFrame) -> list[str]:
    return sorted(frame["record_id"].tolist())


# --------------------------------------------------------------------------------------
# Round trip, manifest, missing store
# --------------------------------------------------------------------------------------


def test_round_trip_keeps_rows_and_schema_dtypes(data_dir: Path) -> None:
    expected = make_incidents(SAMPLE)
    write_sample(data_dir)
    loaded = store.load_incidents(offenses="all")  # $BMOREDASH_DATA_DIR, set by the fixture
    assert list(loaded.columns) == list(schema.COLUMN_NAMES)
    for name, kind in schema.DTYPES.items():
        dtype = loaded[name].dtype
        if kind == "category":
            assert isinstance(dtype, pd.CategoricalDtype), name
        elif kind == "string":
            assert dtype == pd.StringDtype("pyarrow"), name
        elif kind == "datetime":
            assert str(dtype) == "datetime64[ns, America/New_York]"
        else:
            assert str(dtype) == kind, name
    pd.testing.assert_frame_equal(
        loaded.sort_values("record_id").reset_index(drop=True),
        store.conform_incidents(expected).sort_values("record_id").reset_index(drop=True),
        check_categorical=False,
    )
    assert loaded["occurred_at"].is_monotonic_increasing
    assert pd.isna(loaded.set_index("record_id").loc["A4", "victim_age"])


def test_manifest_keys_and_dates(data_dir: Path) -> None:
    manifest = write_sample(data_dir)
    assert manifest == store.read_manifest(data_dir)
    for key in (
        "schema_version",
        "demo",
        "created_at",
        "sources",
        "rows",
        "first_date",
        "last_date",
        "data_through",
        "bmoredash_version",
    ):
        assert key in manifest, key
    assert manifest["rows"] == len(SAMPLE)
    assert manifest["first_date"] == "2022-03-01"
    assert manifest["last_date"] == "2024-02-10"
    assert manifest["data_through"] == "2024-02-10"  # no caller value: the last date
    assert manifest["demo"] is False
    assert manifest["sources"] == [source("test.csv", 7, 6)]


def test_data_through_from_caller_and_demo_flag(data_dir: Path) -> None:
    manifest = write_sample(data_dir, demo=True, data_through=dt.date(2024, 2, 17))
    assert manifest["data_through"] == "2024-02-17"
    assert store.read_manifest()["demo"] is True


def test_missing_store_says_how_to_make_one(data_dir: Path) -> None:
    with pytest.raises(store.StoreNotFoundError) as err:
        store.load_incidents(offenses="all")
    assert isinstance(err.value, FileNotFoundError)
    assert "bmoredash demo" in str(err.value) and "bmoredash ingest" in str(err.value)
    for reader in (store.read_manifest, store.read_quality, store.read_quarantine):
        with pytest.raises(store.StoreNotFoundError):
            reader(data_dir)


def test_quality_and_quarantine_are_readable(data_dir: Path) -> None:
    write_sample(data_dir)
    assert store.read_quality()["rows_read"] == 7
    assert store.read_quality()["quarantined"] == {"missing_date": 1}
    assert set(store.read_quality(by_source=True)) == {"test.csv"}
    q = store.read_quarantine()
    assert list(q.columns) == ["source", "row_number", "reason", "raw"]
    assert q.iloc[0].to_dict()["reason"] == "missing_date"
    assert json.loads(q.iloc[0]["raw"]) == {"row": 7}


def test_other_schema_version_is_refused(data_dir: Path) -> None:
    write_sample(data_dir)
    pointer = data_dir / config.MANIFEST_FILE
    doc = json.loads(pointer.read_text())
    doc["schema_version"] = schema.SCHEMA_VERSION + 1
    pointer.write_text(json.dumps(doc))
    with pytest.raises(store.StoreSchemaError, match="re-create"):
        store.load_incidents(data_dir, offenses="all")


def test_conform_rejects_naive_times_and_wrong_columns() -> None:
    frame = make_incidents(SAMPLE[:1])
    with pytest.raises(ValueError, match="missing \\['source'\\]"):
        store.conform_incidents(frame.drop(columns="source"))
    naive = frame.assign(occurred_at=frame["occurred_at"].dt.tz_localize(None))
    with pytest.raises(ValueError, match="timezone-aware"):
        store.conform_incidents(naive)


def test_duplicate_record_ids_are_refused_by_write_store(data_dir: Path) -> None:
    with pytest.raises(ValueError, match="unique"):
        write_sample(data_dir, rows=[SAMPLE[0], SAMPLE[0]])


# --------------------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------------------


@pytest.fixture
def sample_store(data_dir: Path) -> Path:
    write_sample(data_dir)
    return data_dir


def test_years_use_baltimore_calendar(sample_store: Path) -> None:
    assert ids(store.load_incidents(years=[2023])) == ["A2", "A3"]
    assert ids(store.load_incidents(years=2024, offenses="all")) == ["A4", "A5"]
    assert ids(store.load_incidents(years=[2022, 2024])) == ["A1-1", "A1-2", "A4"]
    assert store.load_incidents(years=[2019]).empty


def test_start_and_end_are_inclusive_eastern_dates(sample_store: Path) -> None:
    assert ids(store.load_incidents(end=dt.date(2023, 12, 31))) == ["A1-1", "A1-2", "A2", "A3"]
    assert ids(store.load_incidents(start="2024-01-01", offenses="all")) == ["A4", "A5"]
    assert ids(store.load_incidents(start="2023-07-04", end="2023-07-04")) == ["A2"]
    assert ids(store.load_incidents(years=[2023, 2024], end="2024-01-01")) == ["A2", "A3", "A4"]
    with pytest.raises(ValueError, match="after end"):
        store.load_incidents(start="2024-03-01", end="2024-01-01")
    with pytest.raises(ValueError, match="ISO date"):
        store.load_incidents(start="last week")


def test_districts_accept_aliases_and_reject_unknown_names(sample_store: Path) -> None:
    assert ids(store.load_incidents(districts=["Northeastern", "southern"])) == ["A2", "A3"]
    assert ids(store.load_incidents(districts="UNKNOWN")) == ["A4"]
    assert len(store.load_incidents(districts=["CITYWIDE"], offenses="all")) == len(SAMPLE)
    with pytest.raises(ValueError) as err:
        store.load_incidents(districts=["WESTERN", "Gotham"])
    assert "Gotham" in str(err.value) and "SOUTHWEST" in str(err.value)


def test_offenses_default_to_part_1_and_accept_groups(sample_store: Path) -> None:
    assert ids(store.load_incidents()) == ["A1-1", "A1-2", "A2", "A3", "A4"]
    assert ids(store.load_incidents(offenses="all"))[-1] == "A5"  # common assault
    assert ids(store.load_incidents(offenses=["violent"])) == ["A1-1", "A1-2", "A2"]
    assert ids(store.load_incidents(offenses=["property"])) == ["A3", "A4"]
    assert ids(store.load_incidents(offenses=["homicide", "Auto Theft"])) == ["A2", "A4"]
    with pytest.raises(ValueError) as err:
        store.load_incidents(offenses=["JAYWALKING"])
    assert "JAYWALKING" in str(err.value) and "LARCENY FROM AUTO" in str(err.value)
    assert "violent" in str(err.value)


def test_empty_filter_lists_are_refused_and_numpy_years_work(sample_store: Path) -> None:
    with pytest.raises(ValueError, match="selects nothing"):
        store.load_incidents(districts=[])
    with pytest.raises(ValueError, match="selects nothing"):
        store.load_incidents(offenses=[], columns=["record_id"])
    assert ids(store.load_incidents(years=np.array([2023]))) == ["A2", "A3"]
    assert ids(store.load_incidents(years=np.int64(2023))) == ["A2", "A3"]


def test_neighborhoods_columns_and_combined_filters(sample_store: Path) -> None:
    found = store.load_incidents(neighborhoods=["federal hill", "DOWNTOWN"], offenses="all")
    assert ids(found) == ["A3", "A5"]
    assert store.load_incidents(neighborhoods=["Atlantis"]).empty
    picked = store.load_incidents(columns=["record_id", "district"], districts=["WESTERN"])
    assert list(picked.columns) == ["record_id", "district"]
    assert ids(picked) == ["A1-1", "A1-2"]
    both = store.load_incidents(years=[2023, 2024], offenses=["property"], districts=["SOUTHERN"])
    assert ids(both) == ["A3"]
    with pytest.raises(ValueError, match="unknown column"):
        store.load_incidents(columns=["record_id", "shoe_size"])


# --------------------------------------------------------------------------------------
# Merging
# --------------------------------------------------------------------------------------


def snap(
    name: str = "test.csv",
    start: str | None = None,
    end: str | None = None,
    *,
    dataset: str = "part1_crime_beta",
    as_of: str | None = None,
    offenses: set[str] | None = None,
    sha256: str | None = None,
    rows: list[dict[str, Any]] = (),
) -> Snapshot:
    """A snapshot over ``start``..``end`` (default: its rows' first to last date)."""
    days = sorted(r["occurred_at"][:10] for r in rows)
    first = dt.date.fromisoformat(start or days[0])
    last = dt.date.fromisoformat(end or days[-1])
    return Snapshot(
        id=f"new-{name}",
        dataset=dataset,
        layout="test",
        source=name,
        as_of=as_of or last.isoformat(),
        sequence=0,
        start=first,
        end=last,
        offenses=frozenset(offenses) if offenses else None,
        sha256=sha256,
        rows_read=len(rows) + 1,
        rows_kept=len(rows),
    )


def merge_sample(
    data_dir: Path,
    rows: list[dict[str, Any]],
    name: str = "test.csv",
    *,
    snapshot: Snapshot | None = None,
    **kw: Any,
) -> store.MergeOutcome:
    snapshot = snapshot or snap(name, rows=rows, sha256=kw.pop("sha256", None))
    frame = make_incidents([{**r, "source": name} for r in rows])
    frame["snapshot"] = pd.Categorical([snapshot.id] * len(frame))
    return store.merge_and_write(
        data_dir,
        frame,
        kw.pop("quarantine", make_quarantine([(name, 9, "future_date")])),
        {name: quality(len(rows) + 1, len(rows), quarantined={"future_date": 1})},
        [snapshot],
        demo=kw.pop("demo", False),
        **kw,
    )


def stored(frame: pd.DataFrame) -> list[str]:
    """Published record ids (the store prefixes them with their snapshot)."""
    return sorted(r.split("/", 1)[1] for r in frame["record_id"])


def test_identical_rows_are_separate_victims(data_dir: Path) -> None:
    twin = {"record_id": "legacy:sha1:ab:0", "occurred_at": "2022-03-01 10:00"}
    again = {**twin, "record_id": "legacy:sha1:ab:1"}
    merge_sample(data_dir, [twin, again])
    assert len(store.load_incidents(offenses="all")) == 2


def test_the_same_content_twice_changes_nothing(data_dir: Path) -> None:
    first = merge_sample(data_dir, SAMPLE, sha256="abc")
    frame_1 = store.load_incidents(offenses="all")
    quarantine_1 = store.read_quarantine()
    quality_1 = store.read_quality()
    second = merge_sample(data_dir, SAMPLE, sha256="abc")
    assert second.unchanged == ["s000001"] and second.superseded == 0
    pd.testing.assert_frame_equal(store.load_incidents(offenses="all"), frame_1)
    pd.testing.assert_frame_equal(store.read_quarantine(), quarantine_1)
    assert store.read_quality() == quality_1
    assert _without_times(second.manifest) == _without_times(first.manifest)
    assert second.manifest["store_dir"] != first.manifest["store_dir"]


def _without_times(manifest: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in manifest.items() if k not in ("created_at", "store_dir")}


def test_a_newer_snapshot_serves_its_dates_revisions_and_deletions_flow_through(
    data_dir: Path,
) -> None:
    merge_sample(data_dir, SAMPLE)  # 2022-03-01 .. 2024-02-10
    # A refresh of 2023-07-01 .. 2024-01-31: A2 became a shooting, A3 was deleted, A4 kept.
    changed = [
        {**SAMPLE[2], "offense": "SHOOTING", "offense_detail": "SHOOTING"},
        SAMPLE[4],
    ]
    refresh = snap("update.csv", "2023-07-01", "2024-01-31", as_of="2024-02-15", rows=changed)
    outcome = merge_sample(data_dir, changed, "update.csv", snapshot=refresh)
    loaded = store.load_incidents(offenses="all")
    assert stored(loaded) == ["A1-1", "A1-2", "A2", "A4", "A5"]
    assert outcome.superseded == 3  # A2, A3 and A4 of the first snapshot
    assert loaded.set_index(loaded["record_id"].str.split("/").str[1]).loc["A2", "offense"] == (
        "SHOOTING"
    )
    snaps = {s["id"]: s["rows_served"] for s in outcome.manifest["snapshots"]}
    assert snaps == {"s000001": 3, "s000002": 2}
    assert store.read_quality()["quarantined"] == {"future_date": 2}


def test_an_older_snapshot_never_overrides_a_newer_one(data_dir: Path) -> None:
    newer = snap("new.csv", "2022-01-01", "2024-12-31", as_of="2025-01-05", rows=SAMPLE[:2])
    merge_sample(data_dir, SAMPLE[:2], "new.csv", snapshot=newer)
    older = snap("old.csv", as_of="2024-03-01", rows=SAMPLE)
    outcome = merge_sample(data_dir, SAMPLE, "old.csv", snapshot=older)
    assert stored(store.load_incidents(offenses="all")) == ["A1-1", "A1-2"]
    assert {s["source"]: s["rows_served"] for s in outcome.manifest["snapshots"]} == {
        "new.csv": 2,
        "old.csv": 0,
    }


def test_a_filtered_extract_replaces_only_its_offense(data_dir: Path) -> None:
    merge_sample(data_dir, SAMPLE)
    homicide = {**SAMPLE[2], "record_id": "H1"}
    extract = snap(
        "homicides.csv", "2022-01-01", "2024-12-31", offenses={"HOMICIDE"}, rows=[homicide]
    )
    merge_sample(data_dir, [homicide], "homicides.csv", snapshot=extract)
    assert stored(store.load_incidents(offenses="all")) == ["A1-1", "A1-2", "A3", "A4", "A5", "H1"]


def test_two_datasets_over_the_same_dates_are_refused_until_one_is_preferred(
    data_dir: Path,
) -> None:
    merge_sample(data_dir, SAMPLE)
    legacy_rows = [{**SAMPLE[0], "record_id": "L1"}, {**SAMPLE[2], "record_id": "L2"}]
    legacy = snap("legacy.csv", "2022-01-01", "2023-12-31", dataset="legacy_victim_based")
    with pytest.raises(store.StoreOverlapError) as refused:
        merge_sample(data_dir, legacy_rows, "legacy.csv", snapshot=legacy)
    message = str(refused.value)
    assert "2022-03-01 to 2023-12-31" in message
    assert "4 and 2 rows" in message
    assert "--prefer legacy_victim_based or --prefer part1_crime_beta" in message
    assert stored(store.load_incidents(offenses="all")) == stored(
        make_incidents(SAMPLE).assign(record_id=lambda f: "x/" + f["record_id"].astype(str))
    )
    outcome = merge_sample(
        data_dir, legacy_rows, "legacy.csv", snapshot=legacy, prefer=["legacy_victim_based"]
    )
    assert stored(store.load_incidents(offenses="all")) == ["A4", "A5", "L1", "L2"]
    assert outcome.manifest["prefer"] == ["legacy_victim_based"]


def test_rows_outside_every_window_are_served_once(data_dir: Path) -> None:
    old_crime = {**SAMPLE[0], "record_id": "OLD", "occurred_at": "1963-10-30 00:00"}
    first = snap("a.csv", "2022-01-01", "2022-12-31", rows=[SAMPLE[0]])
    merge_sample(data_dir, [SAMPLE[0], old_crime], "a.csv", snapshot=first)
    second = snap("b.csv", "2022-01-01", "2022-12-31", as_of="2023-01-02", rows=[SAMPLE[0]])
    merge_sample(data_dir, [SAMPLE[0], old_crime], "b.csv", snapshot=second)
    loaded = store.load_incidents(offenses="all")
    assert stored(loaded) == ["A1-1", "OLD"]
    assert set(loaded["snapshot"].astype(str)) == {"s000002"}
    assert store.read_coverage().years() == [2022]


def test_manifest_records_coverage_rows_per_day_and_gap_days(data_dir: Path) -> None:
    rows = []
    day = dt.date(2024, 1, 1)
    for i in range(120):  # 20 rows a day, except 2024-02-14 with one
        n = 1 if day + dt.timedelta(days=i) == dt.date(2024, 2, 14) else 20
        rows += [
            {"record_id": f"R{i}-{k}", "occurred_at": f"{day + dt.timedelta(days=i)} 12:00"}
            for k in range(n)
        ]
    manifest = merge_sample(data_dir, rows).manifest
    assert manifest["coverage"]["spans"] == [
        {
            "start": "2024-01-01",
            "end": "2024-04-29",
            "dataset": "part1_crime_beta",
            "offenses": None,
        }
    ]
    assert manifest["coverage"]["gap_days"] == ["2024-02-14"]
    per_day = manifest["datasets"]["part1_crime_beta"]["spans"][0]["rows_per_day"]
    assert len(per_day) == 120 and per_day[44] == 1 and sum(per_day) == len(rows)
    assert store.read_quality()["gap_days"] == ["2024-02-14"]
    cover = store.read_coverage()
    assert not cover.covers("2024-02-10", "2024-02-16")
    assert cover.why_not("2023-12-25", "2024-01-05") == "no comparison: data start Jan 1, 2024"


def test_merge_unions_categories_and_adds_rows(data_dir: Path) -> None:
    merge_sample(data_dir, SAMPLE)
    novel = {
        "record_id": "B1",
        "occurred_at": "2024-03-01 08:00",
        "weapon": "KNIFE",  # a category value the store has not seen
        "neighborhood": "Hampden",
        "district": "NORTHERN",
    }
    merge_sample(data_dir, [novel], name="new.csv")
    loaded = store.load_incidents(offenses="all")
    assert len(loaded) == len(SAMPLE) + 1
    assert isinstance(loaded["weapon"].dtype, pd.CategoricalDtype)
    assert {"KNIFE", "FIREARM"} <= set(loaded["weapon"].cat.categories)
    assert stored(store.load_incidents(districts="NORTHERN")) == ["B1"]


def test_quarantine_merge_is_keyed_on_source_row_and_reason(data_dir: Path) -> None:
    rows = [("a.csv", 3, "missing_date"), ("a.csv", 4, "future_date")]
    merge_sample(data_dir, SAMPLE[:1], quarantine=make_quarantine(rows))
    merge_sample(data_dir, SAMPLE[:1], quarantine=make_quarantine(rows + [("a.csv", 3, "x")]))
    q = store.read_quarantine()
    assert sorted(zip(q["source"], q["row_number"], q["reason"], strict=True)) == [
        ("a.csv", 3, "missing_date"),
        ("a.csv", 3, "x"),
        ("a.csv", 4, "future_date"),
    ]
    assert store.read_manifest()["quarantined"] == 3


def test_demo_and_real_data_are_not_mixed(data_dir: Path) -> None:
    merge_sample(data_dir, SAMPLE, demo=True)
    with pytest.raises(store.StoreConflictError, match="demo"):
        merge_sample(data_dir, SAMPLE[:2], demo=False)
    assert store.read_manifest()["demo"] is True
    outcome = merge_sample(data_dir, SAMPLE[:2], demo=False, replace=True)
    assert outcome.manifest["demo"] is False
    assert stored(store.load_incidents(offenses="all")) == ["A1-1", "A1-2"]


# --------------------------------------------------------------------------------------
# Versions, crashes and kills
# --------------------------------------------------------------------------------------


def _entries(data_dir: Path) -> list[str]:
    return sorted(p.name for p in data_dir.iterdir())


def test_old_versions_are_pruned_but_one_is_kept(data_dir: Path) -> None:
    for _ in range(4):
        write_sample(data_dir)
    assert _entries(data_dir) == [".lock", "manifest.json", "store-000003", "store-000004"]


def test_a_frame_loaded_earlier_survives_its_version_being_pruned(data_dir: Path) -> None:
    write_sample(data_dir)
    before = store.load_incidents(offenses="all")
    expected = before.copy(deep=True)
    for _ in range(3):
        write_sample(data_dir, rows=SAMPLE[:2])
    assert not (data_dir / "store-000001").exists()
    pd.testing.assert_frame_equal(before, expected)


@pytest.mark.parametrize("step", ["_write_arrow", "_write_quarantine", "_write_json"])
def test_a_failed_write_leaves_the_previous_store(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    write_sample(data_dir)
    before = store.load_incidents(offenses="all")
    manifest = store.read_manifest()

    def boom(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(store.commit, step, boom)
    with pytest.raises(OSError, match="simulated"):
        write_sample(data_dir, rows=SAMPLE[:2])
    monkeypatch.undo()
    pd.testing.assert_frame_equal(store.load_incidents(data_dir, offenses="all"), before)
    assert store.read_manifest(data_dir) == manifest
    assert _entries(data_dir) == [".lock", "manifest.json", "store-000001"]


def test_a_failed_switch_leaves_the_previous_store(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_sample(data_dir)
    before = store.load_incidents(offenses="all")

    def boom(path: Path, doc: Any) -> None:
        raise OSError("power cut before the switch (simulated)")

    monkeypatch.setattr(store.commit, "_replace_json", boom)
    with pytest.raises(OSError, match="simulated"):
        write_sample(data_dir, rows=SAMPLE[:2])
    monkeypatch.undo()
    pd.testing.assert_frame_equal(store.load_incidents(data_dir, offenses="all"), before)
    # The orphaned version is cleaned up by the next successful write.
    write_sample(data_dir, rows=SAMPLE[:3])
    assert ids(store.load_incidents(data_dir, offenses="all")) == ["A1-1", "A1-2", "A2"]
    assert _entries(data_dir) == [".lock", "manifest.json", "store-000001", "store-000003"]


_CHILD = textwrap.dedent(
    """
    import sys, time, pandas as pd
    from bmoredash import store
    from bmoredash.store import commit as internals
    data_dir, frame_path, hook = sys.argv[1], sys.argv[2], sys.argv[3]
    frame = pd.read_pickle(frame_path)

    def stall(real):
        def wrapper(*args, **kwargs):
            result = real(*args, **kwargs)
            print("READY", flush=True)
            time.sleep(60)
            return result
        return wrapper

    if hook != "none":
        setattr(internals, hook, stall(getattr(internals, hook)))
    src = [{"source": "kill.csv", "layout": "test", "rows_read": len(frame),
            "rows_kept": len(frame)}]
    while True:
        store.write_store(data_dir, frame, None, {"rows_read": len(frame)}, src, demo=False)
        print("WROTE", flush=True)
    """
)


def _spawn(data_dir: Path, frame: pd.DataFrame, tmp_path: Path, hook: str) -> subprocess.Popen:
    frame_path = tmp_path / "frame.pkl"
    frame.to_pickle(frame_path)
    return subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(data_dir), str(frame_path), hook],
        stdout=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("hook", ["_write_arrow", "_write_quarantine", "fsync_path"])
def test_sigkill_mid_write_leaves_the_previous_store(
    data_dir: Path, tmp_path: Path, hook: str
) -> None:
    write_sample(data_dir)
    before = store.load_incidents(offenses="all")
    child = _spawn(data_dir, make_incidents(SAMPLE[:2]), tmp_path, hook)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "READY"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    pd.testing.assert_frame_equal(store.load_incidents(data_dir, offenses="all"), before)
    assert store.read_manifest(data_dir)["rows"] == len(SAMPLE)
    # The next write clears what the killed writer left behind.
    write_sample(data_dir, rows=SAMPLE[:3])
    assert not [e for e in _entries(data_dir) if e.startswith(".tmp-")]


@pytest.mark.slow
def test_sigkill_at_random_moments_never_breaks_the_store(data_dir: Path, tmp_path: Path) -> None:
    """A writer alternating two versions is killed at random times; the store always loads
    whole, as one of the two versions."""
    rows_a = [{"record_id": f"R{i}", "occurred_at": "2023-05-01 12:00"} for i in range(20_000)]
    frame_a = make_incidents(rows_a)
    write_sample(data_dir)
    valid = {len(SAMPLE): ids(store.load_incidents(offenses="all")), len(frame_a): ids(frame_a)}
    rng = random.Random(7)
    for _ in range(6):
        child = _spawn(data_dir, frame_a, tmp_path, "none")
        time.sleep(rng.uniform(0.3, 1.5))
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        loaded = store.load_incidents(data_dir, offenses="all")
        assert ids(loaded) == valid[len(loaded)]
        assert store.read_manifest(data_dir)["rows"] == len(loaded)
        write_sample(data_dir)  # back to the small version for the next round


def test_why_not_names_the_runs_of_days_without_data() -> None:
    from bmoredash.coverage import Coverage, Span

    cover = Coverage(
        spans=(Span(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),),
        gap_days=frozenset({dt.date(2024, 7, 30), dt.date(2024, 8, 15), dt.date(2024, 8, 16)}),
    )
    assert cover.why_not("2024-07-01", "2024-07-29") is None
    assert cover.why_not("2024-07-01", "2024-08-31") == (
        "no comparison: no data Jul 30, 2024, Aug 15, 2024 to Aug 16, 2024"
    )
    assert cover.why_not("2023-12-01", "2024-01-05") == "no comparison: data start Jan 1, 2024"
    assert cover.why_not("2024-12-01", "2025-01-05") == "no comparison: data end Dec 31, 2024"


def test_periods_are_matched_on_the_days_both_have_data() -> None:
    from bmoredash.coverage import Coverage, Span, match_periods

    cover = Coverage(
        spans=(Span(dt.date(2025, 3, 18), dt.date(2026, 6, 15)),),
        gap_days=frozenset({dt.date(2025, 8, 15), dt.date(2026, 5, 12)}),
    )
    # Jul 1 - Aug 31 of both years: Aug 15, 2025 has no data, so Aug 15, 2026 goes too.
    matched = match_periods(cover, ("2025-07-01", "2025-08-31"), ("2025-05-01", "2025-07-01"))
    assert matched is not None
    assert matched.left_out == (dt.date(2025, 8, 15),)
    assert matched.left_out_before == (dt.date(2025, 6, 15),)
    assert matched.note() == ("leaving out Jun 15, 2025, Aug 15, 2025 from both periods (no data)")
    whole = match_periods(cover, ("2025-04-01", "2025-04-30"), ("2025-05-01", "2025-05-30"))
    assert whole == type(matched)((), ()) and whole.note() is None
    # before the data start: far more than a tenth is missing, no comparison
    assert match_periods(cover, ("2026-01-01", "2026-06-13"), ("2025-01-01", "2025-06-13")) is None


def test_a_killed_writes_temporary_files_are_swept_without_waiting_for_a_write(
    data_dir: Path,
) -> None:
    import fcntl
    import os
    import time

    write_sample(data_dir)
    old = time.time() - store.STALE_AFTER_S - 60
    (data_dir / "raw").mkdir(exist_ok=True)
    leftovers = [
        data_dir / ".tmp-store-000009.4242",  # a half-written version (a folder)
        data_dir / "raw" / ".tmp-demo_part1_crime.csv",  # a partial demo CSV
        data_dir / "snapshots" / ".tmp-abc.gz",
    ]
    leftovers[0].mkdir()
    (leftovers[0] / "incidents.arrow").write_bytes(b"half")
    for path in leftovers[1:]:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"partial")
    fresh = data_dir / "raw" / ".tmp-being-written.csv"
    fresh.write_bytes(b"a live write")
    keep = data_dir / "raw" / "part1.csv"
    keep.write_bytes(b"not temporary")
    for path in leftovers:
        os.utime(path, (old, old))
    # While a writer holds the lock nothing is touched.
    with open(data_dir / ".lock", "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        assert store.sweep_stale(data_dir) == []
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    assert sorted(store.sweep_stale(data_dir)) == sorted(leftovers)
    assert not any(p.exists() for p in leftovers)
    assert fresh.exists() and keep.exists()  # too recent, or not ours
    assert len(store.load_incidents(data_dir, offenses="all")) == len(SAMPLE)
