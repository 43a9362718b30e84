"""fetch.py against a real HTTP server on 127.0.0.1 that speaks the ArcGIS query protocol.

The fake (tests/arcgis_fake.py) serves 2,500 Part1_Crime_Beta-shaped rows with
maxRecordCount 1,000, stored shuffled, so a correct client makes exactly: 1 metadata
request, 1 count, 1 id list (returnIdsOnly, ids in stored order), then 3 objectIds batches
of ids 1-1000, 1001-2000, 2001-2500 ("offsets" 0, 1000, 2000 below). A server without
returnIdsOnly is paged at resultOffset 0, 1000, 2000 ordered by RowID instead.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
import types
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from arcgis_fake import FakeArcGIS, Fault, part1_records
from conftest import require_shared

from bmoredash import fetch, schema
from bmoredash.fetch import FetchError, RetryPolicy
from bmoredash.reference import boundaries

LAYER = "Part1_Crime_Beta"
N_ROWS = 2500
PAGE = 1000
FAST = RetryPolicy(tries=4, backoff=0.01, factor=2.0, max_wait=0.05)


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return part1_records(N_ROWS)


@pytest.fixture
def server(rows: list[dict]):
    with FakeArcGIS() as fake:
        fake.add_layer(LAYER, rows, max_record_count=PAGE)
        yield fake


def _fetch(server: FakeArcGIS, **kwargs) -> list[dict]:
    kwargs.setdefault("retry", FAST)
    kwargs.setdefault("timeout", 5.0)
    kwargs.setdefault("progress", False)
    return fetch.fetch_layer(server.layer_url(LAYER), **kwargs)


def _offsets(server: FakeArcGIS, layer: str = LAYER) -> list[int | None]:
    return [r.offset for r in server.seen(layer, "page")]


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with a hash of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# --------------------------------------------------------------------------------------
# The fixture itself
# --------------------------------------------------------------------------------------


def test_fixture_rows_look_like_part1_crime_beta(rows: list[dict]) -> None:
    assert len(rows) == N_ROWS
    assert sorted(r["RowID"] for r in rows) == list(range(1, N_ROWS + 1))
    assert [r["RowID"] for r in rows[:5]] != [1, 2, 3, 4, 5]  # stored shuffled
    # Every row is a Part 1 offense (or common assault) by the schema's own rules.
    assert all(schema.classify_offense(r["CrimeCode"], r["Description"]) for r in rows)
    # Some incidents have two victim rows: same CCNumber, different RowID.
    cc = [r["CCNumber"] for r in rows]
    assert len(set(cc)) < len(cc)


# --------------------------------------------------------------------------------------
# Paging
# --------------------------------------------------------------------------------------


def test_full_fetch_gets_every_record_once_in_object_id_order(
    server: FakeArcGIS, rows: list[dict]
) -> None:
    got = _fetch(server)
    assert [r["RowID"] for r in got] == list(range(1, N_ROWS + 1))
    by_id = {r["RowID"]: r for r in rows}
    assert all(r == by_id[r["RowID"]] for r in got)  # attributes untouched
    # 1 metadata + 1 count + 1 id list + 3 batches, nothing else.
    kinds = [r.kind for r in server.requests]
    assert kinds == ["meta", "count", "ids", "page", "page", "page"]
    batches = server.seen(LAYER, "page")
    assert [b.object_ids for b in batches] == [
        [str(i) for i in range(k, min(k + PAGE, N_ROWS + 1))] for k in (1, 1001, 2001)
    ]
    for page in batches:
        assert page.method == "POST" and "resultOffset" not in page.params
        assert page.params["outFields"] == "*"
        assert page.params["returnGeometry"] == "false"
        assert page.params["f"] == "json"
    assert server.seen(LAYER, "count")[0].params["returnCountOnly"] == "true"
    assert server.seen(LAYER, "ids")[0].params == {
        "where": "1=1",
        "returnIdsOnly": "true",
        "f": "json",
    }


def test_a_server_without_return_ids_only_is_paged_by_offset(rows: list[dict]) -> None:
    with FakeArcGIS() as fake:
        url = fake.add_layer("Old", rows, max_record_count=PAGE, return_ids=False)
        got = fetch.fetch_layer(url, retry=FAST, progress=False)
        assert [r["RowID"] for r in got] == list(range(1, N_ROWS + 1))
        assert [r.kind for r in fake.requests] == ["meta", "count", "page"] + ["page"] * 3
        pages = fake.seen("Old", "page")[1:]  # the first is the ignored returnIdsOnly
        assert [p.offset for p in pages] == [0, 1000, 2000]
        for page in pages:
            assert page.params["orderByFields"] == "RowID ASC"
            assert page.params["resultRecordCount"] == str(PAGE)
            assert page.params["where"] == "1=1"


def test_a_server_refusing_return_ids_only_is_paged_by_offset(server: FakeArcGIS) -> None:
    server.add_fault(LAYER, Fault("error", target="ids", times=-1, code=400, message="no"))
    got = _fetch(server)
    assert [r["RowID"] for r in got] == list(range(1, N_ROWS + 1))
    assert [r.kind for r in server.requests][2:] == ["ids", "page", "page", "page"]
    assert [p.params.get("resultOffset") for p in server.seen(LAYER, "page")] == [
        "0",
        "1000",
        "2000",
    ]


def test_paging_does_not_depend_on_server_order(rows: list[dict]) -> None:
    # Hash-like object ids in file order, as Koop serves them: no orderByFields needed.
    hashed = [{**r, "OBJECTID": (r["RowID"] * 2654435761) % 2**31} for r in rows]
    with FakeArcGIS() as fake:
        url = fake.add_layer("Hashed", hashed, max_record_count=PAGE, object_id_field="OBJECTID")
        got = fetch.fetch_layer(url, retry=FAST, progress=False)
    assert sorted(r["RowID"] for r in got) == list(range(1, N_ROWS + 1))
    assert [r["OBJECTID"] for r in got] == sorted(r["OBJECTID"] for r in hashed)


def test_paging_steps_by_max_record_count(server: FakeArcGIS) -> None:
    _fetch(server)
    assert _offsets(server) == [0, 1000, 2000]


@pytest.mark.parametrize("flag", ["when_true", "always", "never"])
def test_a_full_page_is_always_followed_up(flag: str) -> None:
    # 3,000 rows = exactly 3 full pages. Whatever the server says about
    # exceededTransferLimit (only when true / true-or-false / never, as old servers do),
    # a full page may not be the last, so the client asks once more and gets 0 rows.
    with FakeArcGIS() as fake:
        fake.add_layer(
            "Even", part1_records(3000), max_record_count=PAGE, transfer_flag=flag, return_ids=False
        )
        got = fetch.fetch_layer(fake.layer_url("Even"), retry=FAST, progress=False)
        assert [r["RowID"] for r in got] == list(range(1, 3001))
        assert _offsets(fake, "Even")[1:] == [0, 1000, 2000, 3000]


def test_exceeded_transfer_limit_is_followed_even_on_a_short_page(rows: list[dict]) -> None:
    # A server may cap pages below the size asked (here 700 < 1000) while saying there
    # is more; the client must follow the flag and step by what it received.
    with FakeArcGIS() as fake:
        url = fake.add_layer("Capped", rows, max_record_count=PAGE)
        fake.layers["Capped"].max_record_count = 700  # metadata said 1000, pages hold 700
        got = fetch.fetch_layer(url, retry=FAST, progress=False)
        assert [r["RowID"] for r in got] == list(range(1, N_ROWS + 1))
        assert _offsets(fake, "Capped") == [0, 700, 1400, 2100]


def test_smaller_page_size_is_honoured(server: FakeArcGIS) -> None:
    got = _fetch(server, page_size=600)
    assert len(got) == N_ROWS
    assert _offsets(server) == [0, 600, 1200, 1800, 2400]


def test_object_id_field_comes_from_the_metadata(rows: list[dict]) -> None:
    renamed = [{"OBJECTID": r["RowID"] * 10, **r} for r in rows]
    with FakeArcGIS() as fake:
        fake.add_layer("Oid", renamed, max_record_count=PAGE, object_id_field="OBJECTID")
        got = fetch.fetch_layer(fake.layer_url("Oid"), retry=FAST, progress=False)
        assert [r["OBJECTID"] for r in got] == [10 * i for i in range(1, N_ROWS + 1)]
        assert fake.seen("Oid", "page")[0].object_ids[:2] == ["10", "20"]


def test_a_server_that_ignores_result_offset_is_caught(rows: list[dict]) -> None:
    with FakeArcGIS() as fake:
        url = fake.add_layer(
            "Stuck", rows, max_record_count=PAGE, ignore_offset=True, return_ids=False
        )
        with pytest.raises(FetchError, match="repeats RowID"):
            fetch.fetch_layer(url, retry=FAST, progress=False)
        assert _offsets(fake, "Stuck")[1:] == [0, 1000]  # caught on the first repeated page


def test_progress_bar_counts_rows_when_asked(server: FakeArcGIS, capsys) -> None:
    _fetch(server, progress=True)
    assert "2500/2500" in capsys.readouterr().err


# --------------------------------------------------------------------------------------
# Retries
# --------------------------------------------------------------------------------------


def test_retries_recover_from_500s(server: FakeArcGIS) -> None:
    server.add_fault(LAYER, Fault("status", target=1000, times=2, code=500))
    server.add_fault(LAYER, Fault("status", target="meta", times=1, code=502))
    got = _fetch(server)
    assert len(got) == N_ROWS
    assert len(server.seen(LAYER, "meta")) == 2  # one 502, then the answer
    assert _offsets(server) == [0, 1000, 1000, 1000, 2000]  # two 500s, then the page
    assert len(server.requests) == 2 + 1 + 1 + 5


def test_retry_recovers_from_a_timeout(server: FakeArcGIS) -> None:
    server.add_fault(LAYER, Fault("sleep", target=2000, times=1, seconds=3.0))
    got = _fetch(server, timeout=1.0)  # generous: CI machines are busy
    assert [r["RowID"] for r in got] == list(range(1, N_ROWS + 1))
    assert _offsets(server) == [0, 1000, 2000, 2000]  # the slow one, then the retry
    assert [r.fault for r in server.seen(LAYER, "page")][2:] == ["sleep", None]


def test_gives_up_after_n_tries_naming_url_and_reason(server: FakeArcGIS) -> None:
    server.add_fault(LAYER, Fault("status", target=1000, times=-1, code=503))
    with pytest.raises(FetchError) as err:
        _fetch(server, retry=RetryPolicy(tries=3, backoff=0.01))
    message = str(err.value)
    assert server.layer_url(LAYER) in message
    assert "objectIds batch of 1000 from 1001" in message
    assert "HTTP 503" in message and "3 tries" in message
    assert "\n" not in message and len(message) < 400
    assert _offsets(server) == [0, 1000, 1000, 1000]  # exactly 3 tries, then stop


def test_4xx_is_not_retried(server: FakeArcGIS) -> None:
    server.add_fault(LAYER, Fault("status", target="count", times=-1, code=403))
    with pytest.raises(FetchError, match="HTTP 403"):
        _fetch(server)
    assert len(server.seen(LAYER, "count")) == 1
    assert _offsets(server) == []


def test_arcgis_error_payload_fails_with_its_message(server: FakeArcGIS) -> None:
    server.add_fault(
        LAYER, Fault("error", target=0, times=-1, code=400, message="Invalid query parameters")
    )
    with pytest.raises(FetchError, match="ArcGIS error 400: Invalid query parameters"):
        _fetch(server)
    assert _offsets(server) == [0]  # a 400 inside HTTP 200 is not retried either


def test_arcgis_server_error_payload_is_retried(server: FakeArcGIS) -> None:
    server.add_fault(LAYER, Fault("error", target=1000, times=1, code=500))
    assert len(_fetch(server)) == N_ROWS
    assert _offsets(server) == [0, 1000, 1000, 2000]


def test_unsupported_where_is_reported_not_retried(server: FakeArcGIS) -> None:
    with pytest.raises(FetchError, match="Unable to perform query"):
        _fetch(server, where="District = 'CENTRAL'")
    assert len(server.seen(LAYER, "count")) == 1


def test_truncated_page_once_is_retried(server: FakeArcGIS) -> None:
    server.add_fault(LAYER, Fault("truncate", target=1000, times=1))
    assert len(_fetch(server)) == N_ROWS
    assert _offsets(server) == [0, 1000, 1000, 2000]


def test_truncated_page_every_time_is_an_error(server: FakeArcGIS) -> None:
    server.add_fault(LAYER, Fault("truncate", target=2000, times=-1))
    with pytest.raises(FetchError, match="invalid JSON"):
        _fetch(server)
    assert _offsets(server).count(2000) == FAST.tries


def test_count_that_does_not_reconcile_is_an_error(rows: list[dict]) -> None:
    with FakeArcGIS() as fake:
        fake.add_layer(LAYER, rows, max_record_count=PAGE, count_delta=1)
        with pytest.raises(FetchError) as err:
            fetch.fetch_layer(fake.layer_url(LAYER), retry=FAST, progress=False)
    assert "expected 2501" in str(err.value) and "got 2500" in str(err.value)


# --------------------------------------------------------------------------------------
# since
# --------------------------------------------------------------------------------------


def test_since_where_clause_starts_at_baltimore_midnight() -> None:
    assert fetch.since_where(None) == "1=1"
    # Feb 15 begins at 05:00 UTC in Baltimore (standard time), Jul 1 at 04:00 (daylight).
    assert fetch.since_where(date(2025, 3, 1)) == (
        "CrimeDateTime >= TIMESTAMP '2025-02-15 05:00:00'"
    )
    assert fetch.since_where(date(2025, 7, 1), overlap_days=0) == (
        "CrimeDateTime >= TIMESTAMP '2025-07-01 04:00:00'"
    )


def test_since_reads_only_rows_on_or_after_since_minus_overlap(
    server: FakeArcGIS, rows: list[dict]
) -> None:
    got = _fetch(server, since=date(2025, 3, 1))  # overlap 14 days -> 2025-02-15, Baltimore
    cutoff_ms = int(datetime(2025, 2, 15, 5, tzinfo=UTC).timestamp() * 1000)
    expected = sorted(r["RowID"] for r in rows if r["CrimeDateTime"] >= cutoff_ms)
    assert 0 < len(expected) < N_ROWS
    assert [r["RowID"] for r in got] == expected
    assert min(r["CrimeDateTime"] for r in got) >= cutoff_ms
    wheres = {r.params["where"] for r in server.requests if r.kind in ("count", "ids")}
    assert wheres == {"CrimeDateTime >= TIMESTAMP '2025-02-15 05:00:00'"}


def test_since_on_a_layer_without_the_date_field_fails_early(rows: list[dict]) -> None:
    plain = [{k: v for k, v in r.items() if k != "CrimeDateTime"} for r in rows[:10]]
    with FakeArcGIS() as fake:
        fake.add_layer("NoDate", plain, max_record_count=PAGE, date_field=None)
        with pytest.raises(FetchError, match="no field 'CrimeDateTime'"):
            fetch.fetch_layer(fake.layer_url("NoDate"), since=date(2025, 3, 1), progress=False)
        assert [r.kind for r in fake.requests] == ["meta"]


def test_layer_url_is_checked() -> None:
    assert fetch.layer_url(fetch.PART1_URL + "/query") == fetch.PART1_URL
    assert fetch.layer_url(fetch.NIBRS_URL + "/") == fetch.NIBRS_URL
    with pytest.raises(ValueError, match="not an ArcGIS layer URL"):
        fetch.layer_url("https://example.org/data.csv")


def test_retry_policy_backs_off_exponentially_up_to_a_cap() -> None:
    policy = RetryPolicy(tries=6, backoff=0.5, factor=2.0, max_wait=3.0)
    assert [policy.wait(k) for k in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]


# --------------------------------------------------------------------------------------
# fetch_to_store: all or nothing
# --------------------------------------------------------------------------------------


@pytest.fixture
def ingest_spy(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Stand-ins for sources.read_records and ingest.ingest_frames that record their calls."""
    import bmoredash

    calls: list[tuple] = []
    sources = types.ModuleType("bmoredash.sources")
    ingest = types.ModuleType("bmoredash.ingest")
    sources.read_records = lambda records, source: types.SimpleNamespace(
        source=source, rows=len(records)
    )
    ingest.keep_records = lambda data_dir, records, name: data_dir / f"{name}.gz"
    ingest.removing_new_snapshots_on_error = lambda data_dir: contextlib.nullcontext()
    ingest.ingest_frames = lambda frames, data_dir, **kw: (
        calls.append(([(f.source, f.rows, f.origin.name) for f in frames], data_dir))
        or {"sources": ["stand-in"], "rows": 1}
    )
    for name, module in (("sources", sources), ("ingest", ingest)):
        monkeypatch.setitem(sys.modules, f"bmoredash.{name}", module)
        monkeypatch.setattr(bmoredash, name, module, raising=False)
    return calls


@pytest.fixture
def stocked_dir(data_dir: Path) -> Path:
    """A data directory that already holds a store (stand-in bytes) to be left alone."""
    (data_dir / "manifest.json").write_text('{"rows": 7}')
    (data_dir / "incidents.arrow").write_bytes(b"ARROW1 stand-in store")
    return data_dir


def test_fetch_to_store_hands_all_rows_to_ingest_once(
    server: FakeArcGIS, data_dir: Path, ingest_spy: list[tuple]
) -> None:
    url = server.layer_url(LAYER)
    summary = fetch.fetch_to_store(data_dir, urls=[url], retry=FAST, progress=False)
    assert summary["layers"] == {url: N_ROWS}
    assert summary["where"] == "1=1"
    assert summary["sources"] == ["stand-in"] and summary["rows"] == 1  # ingest's own summary
    [(frames, folder)] = ingest_spy
    assert folder == data_dir.resolve()
    assert [(source, n) for source, n, _ in frames] == [(url, N_ROWS)]
    assert frames[0][2].startswith("Part1_Crime_Beta-") and frames[0][2].endswith(".json.gz")


def test_an_empty_since_window_ingests_nothing(
    server: FakeArcGIS, data_dir: Path, ingest_spy: list[tuple]
) -> None:
    url = server.layer_url(LAYER)
    summary = fetch.fetch_to_store(
        data_dir, urls=[url], since=date(2030, 1, 1), retry=FAST, progress=False
    )
    assert summary == {
        "sources": [],
        "layers": {url: 0},
        "where": "CrimeDateTime >= TIMESTAMP '2029-12-18 05:00:00'",
    }
    assert ingest_spy == []
    assert [r.kind for r in server.requests] == ["meta", "count", "ids"]  # no id, no batch


@pytest.mark.parametrize(
    "fault",
    [
        Fault("truncate", target=2000, times=-1),
        Fault("status", target=1000, times=-1, code=500),
        Fault("error", target=0, times=-1, code=400, message="bad"),
    ],
    ids=["truncated", "500s", "arcgis-error"],
)
def test_failed_fetch_leaves_the_store_untouched(
    server: FakeArcGIS, stocked_dir: Path, ingest_spy: list[tuple], fault: Fault
) -> None:
    before = _snapshot(stocked_dir)
    server.add_fault(LAYER, fault)
    with pytest.raises(FetchError):
        fetch.fetch_to_store(
            stocked_dir, urls=[server.layer_url(LAYER)], retry=FAST, progress=False
        )
    assert ingest_spy == []
    assert _snapshot(stocked_dir) == before


def test_count_mismatch_leaves_the_store_untouched(
    rows: list[dict], stocked_dir: Path, ingest_spy: list[tuple]
) -> None:
    before = _snapshot(stocked_dir)
    with FakeArcGIS() as fake:
        good = fake.add_layer("Good", rows, max_record_count=PAGE)
        short = fake.add_layer(LAYER, rows, max_record_count=PAGE, count_delta=1)
        with pytest.raises(FetchError, match="expected 2501"):
            fetch.fetch_to_store(stocked_dir, urls=[good, short], retry=FAST, progress=False)
        assert len(fake.seen("Good", "page")) == 3  # the first layer did arrive whole
    assert ingest_spy == []
    assert _snapshot(stocked_dir) == before


def test_end_to_end_fetch_to_store_then_load_incidents(server: FakeArcGIS, data_dir: Path) -> None:
    from bmoredash import store

    url = server.layer_url(LAYER)
    summary = fetch.fetch_to_store(data_dir, urls=[url], retry=FAST, progress=False)
    assert summary["layers"] == {url: N_ROWS} and summary["rows"] == N_ROWS
    incidents = store.load_incidents(data_dir, offenses="all")
    quarantine = store.read_quarantine(data_dir)
    assert len(incidents) + len(quarantine) == N_ROWS
    assert len(incidents) == N_ROWS  # the fixture rows are all clean Part 1 rows
    assert set(incidents["source"].astype(str)) == {url}
    # A weekly increment re-reads the overlap: its dates come from the new snapshot only.
    weekly = fetch.fetch_to_store(
        data_dir, urls=[url], since=date(2025, 3, 15), retry=FAST, progress=False
    )
    assert 0 < weekly["layers"][url] < N_ROWS
    assert weekly["rows"] == N_ROWS
    assert len(store.load_incidents(data_dir, offenses="all")) == N_ROWS
    assert weekly["sources"][0]["window"][0] == "2025-03-01"
    assert weekly["superseded"] == weekly["layers"][url]
    # A failed later fetch leaves that store as it was.
    before = _snapshot(data_dir)
    server.add_fault(LAYER, Fault("truncate", target=1000, times=-1))
    with pytest.raises(FetchError):
        fetch.fetch_to_store(data_dir, urls=[url], retry=FAST, progress=False)
    assert _snapshot(data_dir) == before
    assert len(store.load_incidents(data_dir, offenses="all")) == N_ROWS


def test_a_refresh_shows_a_reclassification_and_a_deletion_and_no_duplicate(
    rows: list[dict], data_dir: Path
) -> None:
    """BPD revises rows: a refetch of recent weeks must carry both changes through."""
    from bmoredash import ingest, store

    with FakeArcGIS() as fake:
        url = fake.add_layer(LAYER, rows, max_record_count=PAGE)
        fetch.fetch_to_store(data_dir, urls=[url], retry=FAST, progress=False)
        before = store.load_incidents(data_dir, offenses="all")
        assert len(before) == N_ROWS
        late = date(2025, 3, 20)
        cutoff = int(datetime(2025, 3, 20, 4, tzinfo=UTC).timestamp() * 1000)
        recent = sorted((r for r in rows if r["CrimeDateTime"] >= cutoff), key=lambda r: r["RowID"])
        assault = next(r for r in recent if r["CrimeCode"] == "4A" and r["Shooting"] == "N")
        deleted = next(r for r in recent if r["RowID"] != assault["RowID"])
        revised = [
            {**r, "CrimeCode": "1A", "Description": "HOMICIDE"} if r is assault else r
            for r in rows
            if r is not deleted
        ]
        fake.layers[LAYER].records = revised
        summary = fetch.fetch_to_store(
            data_dir, urls=[url], since=late, overlap_days=0, retry=FAST, progress=False
        )
    after = store.load_incidents(data_dir, offenses="all")
    published = after["record_id"].str.split("/", n=1).str[1]
    assert len(after) == N_ROWS - 1 and published.is_unique
    assert f"arcgis_part1_crime_beta:{deleted['RowID']}" not in set(published)
    changed = after[published == f"arcgis_part1_crime_beta:{assault['RowID']}"]
    assert changed["offense"].tolist() == ["HOMICIDE"]
    homicides = (after["offense"] == "HOMICIDE").sum()
    assert homicides == (before["offense"] == "HOMICIDE").sum() + 1
    assert summary["superseded"] == summary["layers"][url] + 1  # every old row of the window
    # Two raw snapshots kept; a rebuild from them alone gives the same store.
    snapshots = store.read_snapshots(data_dir)
    assert len(snapshots) == 2 and all((data_dir / s.raw).is_file() for s in snapshots)
    assert snapshots[1].start == late and snapshots[1].as_of >= snapshots[0].as_of
    assert snapshots[1].sequence > snapshots[0].sequence
    ingest.rebuild(data_dir)
    pd_after = store.load_incidents(data_dir, offenses="all")
    assert sorted(pd_after["record_id"]) == sorted(after["record_id"])


# --------------------------------------------------------------------------------------
# Boundaries
# --------------------------------------------------------------------------------------

_SHARED_BOUNDARIES = {
    "police_districts_pre2023": "Police_Districts.geojson",
    "police_districts_2023": "police_districts_2023.geojson",
    "neighborhoods": "neighborhoods.geojson",
}


@pytest.fixture
def boundary_server():
    collections = {
        key: json.loads(require_shared("boundaries", name).read_text(encoding="utf-8"))
        for key, name in _SHARED_BOUNDARIES.items()
    }
    with FakeArcGIS() as fake:
        urls = {key: fake.add_geojson_layer(key, fc) for key, fc in collections.items()}
        yield fake, urls, collections


def test_fetch_boundaries_writes_the_three_standard_files(boundary_server, data_dir: Path) -> None:
    fake, urls, collections = boundary_server
    written = fetch.fetch_boundaries(data_dir, urls=urls, retry=FAST)
    folder = data_dir / "boundaries"
    assert written == {key: folder / name for key, name in fetch.BOUNDARY_FILES.items()}
    assert sorted(p.name for p in folder.iterdir()) == sorted(fetch.BOUNDARY_FILES.values())
    for key, path in written.items():
        got = json.loads(path.read_text(encoding="utf-8"))
        assert got["type"] == "FeatureCollection"
        assert len(got["features"]) == len(collections[key]["features"])
        assert got["features"][0]["geometry"] == collections[key]["features"][0]["geometry"]
    assert len(written) == 3
    assert [len(collections[k]["features"]) for k in _SHARED_BOUNDARIES] == [9, 9, 278]
    for request in fake.seen(kind="geojson"):
        assert request.params["outSR"] == "4326" and request.params["where"] == "1=1"


def test_fetch_boundaries_writes_nothing_when_one_layer_fails(
    boundary_server, data_dir: Path
) -> None:
    fake, urls, _ = boundary_server
    fake.add_fault("neighborhoods", Fault("truncate", target="geojson", times=-1))
    with pytest.raises(FetchError, match="invalid JSON"):
        fetch.fetch_boundaries(data_dir, urls=urls, retry=FAST)
    assert not (data_dir / "boundaries").exists() or not any((data_dir / "boundaries").iterdir())


def test_fetch_boundaries_rejects_unknown_keys(data_dir: Path) -> None:
    with pytest.raises(ValueError, match="unknown boundary keys"):
        fetch.fetch_boundaries(data_dir, urls={"wards": "https://x/FeatureServer/0"})


def test_install_boundaries_from_the_shared_folder(data_dir: Path) -> None:
    shared = require_shared("boundaries")
    installed = boundaries.install_from(shared, data_dir)
    assert set(installed) == set(fetch.BOUNDARY_FILES)
    for key, name in _SHARED_BOUNDARIES.items():
        assert installed[key].name == fetch.BOUNDARY_FILES[key]
        assert installed[key].read_bytes() == (shared / name).read_bytes()
    assert not list((data_dir / "boundaries").glob("*.tmp"))


def test_install_boundaries_from_files_and_mapping(data_dir: Path) -> None:
    shared = require_shared("boundaries")
    one = boundaries.install_from([shared / "police_districts_2023.geojson"], data_dir)
    assert list(one) == ["police_districts_2023"]
    two = boundaries.install_from({"neighborhoods": shared / "neighborhoods.geojson"}, data_dir)
    assert two["neighborhoods"].read_bytes() == (shared / "neighborhoods.geojson").read_bytes()
    with pytest.raises(ValueError, match="not a known boundary file name"):
        boundaries.install_from([shared / "baltimore_city.geojson"], data_dir)


def test_install_boundaries_rejects_a_file_that_is_not_geojson(
    tmp_path: Path, data_dir: Path
) -> None:
    bad = tmp_path / "neighborhoods.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(ValueError, match="FeatureCollection with features"):
        boundaries.install_from([bad], data_dir)
    assert not (data_dir / "boundaries" / "neighborhoods.geojson").exists()
