"""``bmoredash fetch`` against a real Koop server (open-source GeoServices FeatureServer).

Koop (``@koopjs/koop-core`` with ``@koopjs/provider-file-geojson``) serves a GeoJSON file as
``…/file-geojson/rest/services/<file>/FeatureServer/0``. It pages stably by offset but hands
out hash-valued OBJECTIDs in file order, so a client that relies on ``orderByFields``
stops at the first page; bmoredash lists the ids (``returnIdsOnly``) and asks for them in
``objectIds`` batches, which must store every row exactly once.

Koop is installed once with npm into ``$BMOREDASH_KOOP_HOME`` (default
``~/.cache/bmoredash-koop``; ``.ci/run`` does it in CI). The test skips, saying why, when
node or npm is missing or the npm registry cannot be reached.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from arcgis_fake import part1_records
from typer.testing import CliRunner

from bmoredash.cli import app

N_ROWS = 2500  # Koop's maxRecordCount is 2000: two objectIds batches
PACKAGES = ("@koopjs/koop-core@^10", "@koopjs/provider-file-geojson@^2")

SERVER_JS = """\
const path = require('path');
const home = process.env.KOOP_HOME;
const Koop = require(path.join(home, 'node_modules/@koopjs/koop-core'));
const provider = require(path.join(home, 'node_modules/@koopjs/provider-file-geojson'));
const koop = new Koop({ logLevel: 'error' });
koop.register(provider, { dataDir: path.relative(process.cwd(), process.argv[2]) });
const server = koop.server.listen(0, '127.0.0.1', () => {
  console.log('PORT ' + server.address().port);
});
"""


def _skip(reason: str) -> None:
    print(f"SKIP: {reason}")
    pytest.skip(reason)


def koop_home() -> Path:
    return Path(os.environ.get("BMOREDASH_KOOP_HOME") or Path.home() / ".cache" / "bmoredash-koop")


def _installed(home: Path) -> bool:
    return all(
        (home / "node_modules" / "@koopjs" / name / "package.json").is_file()
        for name in ("koop-core", "provider-file-geojson")
    )


def ensure_koop() -> Path:
    """The folder holding Koop's node_modules, installing it with npm if needed; or skip."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        _skip("node or npm is not installed")
    home = koop_home()
    if _installed(home):
        return home
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "package.json").exists():
        (home / "package.json").write_text('{"name": "bmoredash-koop", "private": true}\n')
    try:
        done = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", *PACKAGES],
            cwd=home,
            capture_output=True,
            text=True,
            timeout=300,
        )
    except subprocess.TimeoutExpired:
        _skip("npm install of Koop timed out (registry unreachable?)")
    if done.returncode != 0 or not _installed(home):
        tail = " ".join((done.stderr or done.stdout).split())[-300:]
        _skip(f"npm install of Koop failed (registry unreachable?): {tail}")
    return home


def koop_version(home: Path) -> str:
    meta = home / "node_modules" / "@koopjs" / "koop-core" / "package.json"
    return json.loads(meta.read_text())["version"]


def _geojson(rows: list[dict]) -> dict:
    """The fixture rows as a FeatureCollection, in their stored (shuffled) order."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [r["Longitude"], r["Latitude"]]},
                "properties": r,
            }
            for r in rows
        ],
    }


@pytest.fixture(scope="module")
def koop(tmp_path_factory: pytest.TempPathFactory):
    """A running Koop serving ``crime.geojson``; yields (layer URL, rows served)."""
    home = ensure_koop()
    work = tmp_path_factory.mktemp("koop")
    (work / "data").mkdir()
    rows = part1_records(N_ROWS)
    (work / "data" / "crime.geojson").write_text(json.dumps(_geojson(rows)))
    (work / "server.js").write_text(SERVER_JS)
    env = {**os.environ, "KOOP_HOME": str(home), "SUPPRESS_NO_CONFIG_WARNING": "1"}
    process = subprocess.Popen(
        ["node", "server.js", str(work / "data")],
        cwd=work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        port = None
        deadline = time.monotonic() + 30
        assert process.stdout is not None
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            if line.startswith("PORT "):
                port = int(line.split()[1])
                break
        if port is None:
            _skip(f"Koop did not start (exit status {process.poll()})")
        print(f"Koop {koop_version(home)} on port {port}")
        url = f"http://127.0.0.1:{port}/file-geojson/rest/services/crime/FeatureServer/0"
        yield url, rows
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def test_koop_hands_out_object_ids_in_file_order(koop) -> None:
    """The premise: Koop's OBJECTIDs are hash values, not in the order it pages."""
    url, rows = koop
    meta = httpx.get(url, params={"f": "json"}, timeout=30).json()
    assert meta["objectIdField"] == "OBJECTID" and meta["maxRecordCount"] < N_ROWS
    ids = httpx.get(
        f"{url}/query",
        params={"where": "1=1", "returnIdsOnly": "true", "f": "json"},
        timeout=30,
    ).json()["objectIds"]
    assert len(ids) == len(set(ids)) == N_ROWS
    assert ids != sorted(ids)


def test_fetch_from_koop_stores_every_row_exactly_once(koop, tmp_path: Path) -> None:
    from bmoredash import store

    url, rows = koop
    data = tmp_path / "data"
    started = time.monotonic()
    result = CliRunner().invoke(
        app, ["fetch", "--url", url, "--no-boundaries", "--data-dir", str(data), "--timeout", "60"]
    )
    print(f"fetch from Koop: {time.monotonic() - started:.1f} s")
    assert result.exit_code == 0, result.output
    assert f"{N_ROWS:,} read, {N_ROWS:,} kept, 0 quarantined" in result.stdout
    incidents = store.load_incidents(data, offenses="all")
    assert len(incidents) == N_ROWS and store.read_quarantine(data).empty
    published = incidents["record_id"].str.split("/", n=1).str[1]
    assert published.is_unique
    assert set(published) == {f"arcgis_part1_crime_beta:{r['RowID']}" for r in rows}
