"""``bmoredash fetch`` against servers that misbehave: every fault ends, in bounded time, in
one ``error: ...`` line with a documented exit status, and the store is left as it was
(or, when only the boundaries failed, the stored crime data is announced).

Exit statuses (``bmoredash fetch --help``): 0 done, 1 nothing stored, 2 bad usage, 3 crime
data stored but the boundaries failed. Deadlines here are 2 s, so each test takes seconds.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from arcgis_fake import FakeArcGIS, Fault, part1_records
from typer.testing import CliRunner

from bmoredash import fetch
from bmoredash.cli import app
from bmoredash.fetch import FetchError, RetryPolicy

LAYER = "Part1_Crime_Beta"
N_ROWS = 300
PAGE = 100
ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


@dataclass(frozen=True)
class _Fast(RetryPolicy):
    """The CLI's retry policy, made quick for tests (2 tries, 10 ms apart)."""

    tries: int = 2
    backoff: float = 0.01
    max_wait: float = 0.01


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch, "RetryPolicy", _Fast)


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return part1_records(N_ROWS)


@pytest.fixture
def server(rows: list[dict]):
    with FakeArcGIS() as fake:
        fake.add_layer(LAYER, rows, max_record_count=PAGE)
        yield fake


@pytest.fixture(scope="module")
def stocked_template(rows: list[dict], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store made by a good ``bmoredash fetch`` (no boundaries), built once."""
    folder = tmp_path_factory.mktemp("stocked") / "data"
    with FakeArcGIS() as fake:
        url = fake.add_layer(LAYER, rows, max_record_count=PAGE)
        result = runner.invoke(
            app, ["fetch", "--url", url, "--no-boundaries", "--data-dir", str(folder)]
        )
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def stocked(stocked_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(stocked_template, target)
    return target


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _run(args: list[str]) -> tuple[int, str, float]:
    """Invoke the CLI in-process; returns (exit status, stderr, seconds)."""
    started = time.monotonic()
    result = runner.invoke(app, args)
    elapsed = time.monotonic() - started
    # A traceback would be an exception other than the SystemExit of a clean exit.
    assert not isinstance(result.exception, Exception), repr(result.exception)
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr, elapsed


def _one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: "), stderr
    return lines[0]


def _fetch_args(server: FakeArcGIS, data: Path, *extra: str) -> list[str]:
    url = server.layer_url(LAYER)
    return ["fetch", "--url", url, "--no-boundaries", "--data-dir", str(data), *extra]


# --------------------------------------------------------------------------------------
# Slow drip: only the overall deadline ends it
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["meta", "ids", 100])
def test_a_slow_drip_ends_at_the_deadline(server: FakeArcGIS, stocked: Path, target) -> None:
    before = _snapshot(stocked)
    server.add_fault(LAYER, Fault("drip", target=target, times=-1, seconds=0.2))
    status, stderr, elapsed = _run(_fetch_args(server, stocked, "--timeout", "2"))
    line = _one_error_line(stderr)
    assert status == 1
    assert "deadline of 2 s" in line and "--timeout" in line
    assert elapsed < 6
    assert _snapshot(stocked) == before


def test_a_slow_drip_in_a_real_process(server: FakeArcGIS, tmp_path: Path) -> None:
    """The same, as a user runs it: a real process, real exit status, nothing on stdout."""
    server.add_fault(LAYER, Fault("drip", target=0, times=-1, seconds=0.2))
    data = tmp_path / "data"
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "bmoredash", *_fetch_args(server, data, "--timeout", "2")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 1, done.stderr
    line = _one_error_line(done.stderr)
    assert "deadline of 2 s" in line
    assert "Traceback" not in done.stderr + done.stdout
    assert elapsed < 15
    assert not (data / "manifest.json").exists()


def test_the_deadline_bounds_retries_too(server: FakeArcGIS) -> None:
    server.add_fault(LAYER, Fault("status", target=0, times=-1, code=503))
    started = time.monotonic()
    with pytest.raises(FetchError, match="deadline of 1 s.*last error: HTTP 503"):
        fetch.fetch_layer(
            server.layer_url(LAYER),
            deadline=1.0,
            retry=RetryPolicy(tries=100, backoff=0.3, max_wait=0.3),
            progress=False,
        )
    assert time.monotonic() - started < 3


# --------------------------------------------------------------------------------------
# Bounds on rows, pages and bodies
# --------------------------------------------------------------------------------------


def test_an_absurd_count_is_refused_before_downloading(
    rows: list[dict], stocked: Path, server: FakeArcGIS
) -> None:
    before = _snapshot(stocked)
    server.layers[LAYER].count = 10**9
    server.layers[LAYER].endless = True
    status, stderr, elapsed = _run(_fetch_args(server, stocked))
    line = _one_error_line(stderr)
    assert status == 1 and "1,000,000,000 records" in line and "2,000,000" in line
    assert [r.kind for r in server.requests] == ["meta", "count"]  # no id list, no page
    assert elapsed < 5
    assert _snapshot(stocked) == before


def test_a_real_sized_count_passes_the_limit() -> None:
    assert fetch.MAX_ROWS >= 3 * 600_000  # Part1_Crime_Beta holds ~600k rows


def test_endless_pages_stop_once_past_the_count(rows: list[dict], stocked: Path) -> None:
    """A server without returnIdsOnly whose pages never run out: bounded by its count."""
    before = _snapshot(stocked)
    with FakeArcGIS() as fake:
        fake.add_layer(LAYER, rows, max_record_count=PAGE, return_ids=False, endless=True)
        fake.layers[LAYER].count = 5000
        status, stderr, _ = _run(_fetch_args(fake, stocked))
        line = _one_error_line(stderr)
        assert status == 1 and "expected 5000 records" in line and "got more" in line
        # 5,000 rows in pages of 100: 50 pages, the 51st goes past the count.
        pages = fake.seen(LAYER, "page")
        assert len(pages) == 1 + 51  # the ignored returnIdsOnly, then 51 offset pages
    assert _snapshot(stocked) == before


def test_an_id_list_longer_than_the_count_is_refused(rows: list[dict], stocked: Path) -> None:
    before = _snapshot(stocked)
    with FakeArcGIS() as fake:
        fake.add_layer(LAYER, rows, max_record_count=PAGE, count_delta=-1)
        status, stderr, _ = _run(_fetch_args(fake, stocked))
        line = _one_error_line(stderr)
        assert status == 1 and "expected 299 records" in line and "got 300 object ids" in line
        assert fake.seen(LAYER, "page") == []
    assert _snapshot(stocked) == before


def test_rows_that_were_not_asked_for_are_refused(rows: list[dict]) -> None:
    """A server that ignores objectIds (answers a plain first page) is caught at once."""
    with FakeArcGIS() as fake:
        url = fake.add_layer(LAYER, rows, max_record_count=PAGE, ignore_object_ids=True)
        with pytest.raises(FetchError, match="not asked for"):
            fetch.fetch_layer(url, deadline=5, progress=False)
        assert len(fake.seen(LAYER, "page")) == 1


def test_rows_missing_from_a_batch_are_an_error(rows: list[dict]) -> None:
    """An id listed by returnIdsOnly that never comes back (deleted in between)."""
    with FakeArcGIS() as fake:
        url = fake.add_layer(LAYER, rows, max_record_count=PAGE)
        layer = fake.layers[LAYER]
        gone = next(r for r in rows if r["RowID"] == 150)
        original = fake._take_fault

        def delete_after_the_id_list(layer_, kind, params, index=None):
            if kind == "page" and gone in layer.records:
                layer.records.remove(gone)
            return original(layer_, kind, params, index)

        fake._take_fault = delete_after_the_id_list
        with pytest.raises(FetchError, match=r"1 of the 100 object ids asked did not come back"):
            fetch.fetch_layer(url, deadline=5, progress=False)


def test_a_body_larger_than_the_cap_is_refused(
    server: FakeArcGIS, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetch, "MAX_BODY_BYTES", 20_000)  # a page of 100 rows is ~50 KB
    with pytest.raises(FetchError, match="response larger than"):
        fetch.fetch_layer(server.layer_url(LAYER), deadline=5, progress=False)


# --------------------------------------------------------------------------------------
# Redirect loop, broken gzip: one line, exit 1
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (Fault("redirect", target="meta", times=-1), "too many redirects"),
        (Fault("redirect", target="ids", times=-1), "too many redirects"),
        (Fault("redirect", target=100, times=-1), "too many redirects"),
        (Fault("gzip", target="count", times=-1), "could not be decoded"),
        (Fault("gzip", target=200, times=-1), "could not be decoded"),
        (Fault("truncate", target="ids", times=-1), "invalid JSON"),
        (Fault("status", target="meta", times=-1, code=404), "HTTP 404"),
    ],
    ids=[
        "redirect-meta",
        "redirect-ids",
        "redirect-batch",
        "gzip-count",
        "gzip-page",
        "cut-ids",
        "404",
    ],
)
def test_http_and_decoding_failures_are_one_line(
    server: FakeArcGIS, stocked: Path, fault: Fault, expected: str
) -> None:
    before = _snapshot(stocked)
    server.add_fault(LAYER, fault)
    status, stderr, elapsed = _run(_fetch_args(server, stocked, "--timeout", "20"))
    line = _one_error_line(stderr)
    assert status == 1 and expected in line
    assert server.layer_url(LAYER) in line
    assert len(line) < 700
    assert elapsed < 10
    assert _snapshot(stocked) == before


def test_an_unreachable_server_is_one_line(tmp_path: Path) -> None:
    with FakeArcGIS() as fake:
        url = fake.layer_url(LAYER)  # nothing listens there once stopped
    status, stderr, _ = _run(
        ["fetch", "--url", url, "--no-boundaries", "--data-dir", str(tmp_path / "d")]
    )
    line = _one_error_line(stderr)
    assert status == 1 and "connection failed" in line


# --------------------------------------------------------------------------------------
# Boundaries failing after the crime data was stored: exit 3, and it says so
# --------------------------------------------------------------------------------------


def _boundary_layers(fake: FakeArcGIS, monkeypatch: pytest.MonkeyPatch) -> None:
    square = {
        "type": "Polygon",
        "coordinates": [
            [[-76.7, 39.2], [-76.5, 39.2], [-76.5, 39.4], [-76.7, 39.4], [-76.7, 39.2]]
        ],
    }
    for key in fetch.BOUNDARY_URLS:
        collection = {
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": {"name": key}, "geometry": square}],
        }
        monkeypatch.setitem(fetch.BOUNDARY_URLS, key, fake.add_geojson_layer(key, collection))


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (Fault("status", target="geojson", times=-1, code=404), "HTTP 404"),
        (Fault("drip", target="geojson", times=-1, seconds=0.3), "deadline of 3 s"),
    ],
    ids=["404", "drip"],
)
def test_boundaries_failing_after_the_crime_data_exit_3_and_say_what_was_stored(
    server: FakeArcGIS,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fault: Fault,
    expected: str,
) -> None:
    from bmoredash import store

    _boundary_layers(server, monkeypatch)
    server.add_fault("neighborhoods", fault)
    data = tmp_path / "data"
    url = server.layer_url(LAYER)
    started = time.monotonic()
    result = runner.invoke(app, ["fetch", "--url", url, "--data-dir", str(data), "--timeout", "3"])
    assert time.monotonic() - started < 10
    assert isinstance(result.exception, SystemExit)  # a clean exit, no traceback
    assert result.exit_code == 3, result.output
    line = _one_error_line(result.stderr)
    assert line.startswith("error: boundaries failed (") and expected in line
    assert f"crime data stored: {N_ROWS:,} rows in snapshot s000001" in line
    assert f"the store holds {N_ROWS:,} rows" in line
    assert f"store now holds {N_ROWS:,} rows" in result.stdout
    assert len(store.load_incidents(data, offenses="all")) == N_ROWS
    folder = data / "boundaries"
    assert list(folder.glob("*.geojson")) == [] == list(folder.glob(".*"))  # none half-written


def test_boundaries_that_arrive_exit_0(
    server: FakeArcGIS, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _boundary_layers(server, monkeypatch)
    data = tmp_path / "data"
    result = runner.invoke(
        app, ["fetch", "--url", server.layer_url(LAYER), "--data-dir", str(data)]
    )
    assert result.exit_code == 0, result.output
    assert "fetched 3 boundary files" in result.stdout
    assert result.stderr.strip() == ""


def test_a_redirected_batch_keeps_its_object_ids(server: FakeArcGIS) -> None:
    """One redirect of a POSTed batch (say http -> https) is followed with its body."""
    server.add_fault(LAYER, Fault("redirect", target=100, times=1))
    got = fetch.fetch_layer(server.layer_url(LAYER), deadline=5, progress=False)
    assert [r["RowID"] for r in got] == list(range(1, N_ROWS + 1))
    batches = [r for r in server.seen(LAYER, "page") if r.index == 100]
    assert [(b.status, b.method, len(b.object_ids)) for b in batches] == [
        (302, "POST", 100),
        (200, "POST", 100),
    ]
