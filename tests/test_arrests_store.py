"""Arrests in the store: both real samples ingested and recounted with plain pandas from the
raw CSV, the selection on the arrests table, re-ingest, crime and arrests keeping each
other, broken files, rebuild, and ``fetch --dataset arrests`` against the local ArcGIS
server (tests/arcgis_fake.py) serving rows of the real ArcGIS sample."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from arcgis_fake import ARREST_HOUR, FakeArcGIS, arrest_records
from conftest import require_shared
from typer.testing import CliRunner

from bmoredash import arrests, config, fetch, ingest, sources, store
from bmoredash.cli import app
from bmoredash.fetch import RetryPolicy
from bmoredash.schema import AREA_COLUMNS, UNKNOWN_DISTRICT
from bmoredash.selection import Selection

LEGACY = "BPD_Arrests.csv"
ARCGIS = "more_arrests_usf_rows_000001-030000.csv"
#: sample -> (arrest number column, date column, date format, dataset)
SAMPLES = {
    LEGACY: ("Arrest", "ArrestDate", "%m/%d/%Y", "arrests_legacy"),
    ARCGIS: ("ArrestNumber", "ArrestDateTime", "%Y-%m-%d", "arrests_arcgis"),
}
#: A small crime file (20 rows) for the crime-and-arrests tests.
CRIME = ("crime", "legacy", "test_baltimore.csv")
FAST = RetryPolicy(tries=3, backoff=0.01, factor=2.0, max_wait=0.05)
runner = CliRunner()


def _raw(name: str) -> pd.DataFrame:
    """The sample as published: every value text, blanks as ''."""
    path = require_shared("arrests", name)
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _raw_dates(name: str, raw: pd.DataFrame) -> pd.Series:
    _, column, form, _ = SAMPLES[name]
    return pd.to_datetime(raw[column], format=form)


def _raw_districts(raw: pd.DataFrame) -> pd.Series:
    """Published district names upper-cased (the samples write the canonical names in title
    case: Northeast, Western ...), blank -> UNKNOWN."""
    district = raw["District"].str.strip().str.upper()
    return district.where(district != "", UNKNOWN_DISTRICT)


def _raw_groups(raw: pd.DataFrame) -> pd.Series:
    """Charge groups recounted from the shipped table read with plain pandas: the code
    trimmed, its modifier letter replaced by a space; unknown or blank -> other."""
    table = pd.read_csv(
        Path(config.PACKAGE_DIR) / "reference" / "data" / "charge_groups.csv", dtype=str
    )
    group_of = dict(zip(table["code"], table["group"], strict=True))
    code = raw["Charge"].str.strip().str.upper()
    base = code.map(lambda c: re.sub(r"^(\d)[A-Z](\d{4})$", r"\1 \2", c))
    return base.map(group_of).fillna("other")


def _files(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


@pytest.fixture(scope="module", params=[LEGACY, ARCGIS])
def stored(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """(sample name, raw frame, data dir) with the sample ingested alone."""
    name = request.param
    path = require_shared("arrests", name)
    data = tmp_path_factory.mktemp("arrests") / "data"
    summary = ingest.ingest_paths([path], data)
    assert [s["table"] for s in summary["sources"]] == [sources.ARRESTS]
    return name, _raw(name), data


# --------------------------------------------------------------------------------------
# Real samples, recounted
# --------------------------------------------------------------------------------------


def test_every_row_is_stored_or_quarantined(stored) -> None:
    name, raw, data = stored
    rows = store.load_arrests(data)
    quarantined = store.read_arrest_quarantine(data)
    assert len(rows) + len(quarantined) == len(raw)
    manifest = store.read_manifest(data)
    (snap,) = manifest["arrests"]["snapshots"]
    assert snap["dataset"] == SAMPLES[name][3]
    assert snap["rows_read"] == len(raw) == snap["rows_kept"] + snap["rows_quarantined"]
    assert manifest["arrests"]["rows"] == len(rows) == snap["rows_served"]
    # the crime table is there and empty; no arrest is counted as crime
    assert manifest["rows"] == 0
    assert len(store.load_incidents(data, offenses="all")) == 0
    print(f"{name}: {len(raw):,} rows read, {len(rows):,} stored, {len(quarantined)} quarantined")


def test_counts_per_year_district_and_charge_group(stored) -> None:
    name, raw, data = stored
    rows = store.load_arrests(data)
    expected_years = _raw_dates(name, raw).dt.year.value_counts().sort_index()
    got_years = rows["arrest_date"].dt.year.value_counts().sort_index()
    assert got_years.to_dict() == expected_years.to_dict()
    expected = _raw_districts(raw).value_counts().to_dict()
    got = rows["district"].astype(str).value_counts().to_dict()
    assert got == expected
    assert _raw_groups(raw).value_counts().to_dict() == (
        rows["charge_group"].astype(str).value_counts().to_dict()
    )
    arrest_ids = raw[SAMPLES[name][0]].str.strip()
    assert rows["arrest_id"].nunique() == arrest_ids[arrest_ids != ""].nunique()
    print(f"{name}: by district {dict(sorted(expected.items()))}")


def test_quality_counts_in_the_report(stored) -> None:
    name, raw, data = stored
    quality = store.read_arrest_quality(data)
    lat = pd.to_numeric(raw["Latitude"].str.strip(), errors="coerce")
    lon = pd.to_numeric(raw["Longitude"].str.strip(), errors="coerce")
    no_place = lat.isna() | lon.isna() | (lat == 0) | (lon == 0)
    assert quality["rows_read"] == len(raw)
    assert quality["without_district"] == int((raw["District"].str.strip() == "").sum())
    assert quality["without_coordinates"] == int(no_place.sum())
    assert quality["without_arrest_number"] == int((raw[SAMPLES[name][0]].str.strip() == "").sum())
    assert quality["unmapped_charge_codes"] == 0
    by_source = store.read_arrest_quality(data, by_source=True)
    assert list(by_source) == [name]
    # the crime quality report does not count arrests
    assert store.read_quality(data).get("rows_read", 0) == 0


def test_coverage_is_the_files_dates(stored) -> None:
    name, raw, data = stored
    cover = store.read_arrest_coverage(data)
    dates = _raw_dates(name, raw)
    assert cover.first_day() == dates.min().date()
    assert cover.last_day() == dates.max().date()
    assert all(span.dataset == SAMPLES[name][3] for span in cover.spans)
    # no crime coverage comes from arrests
    assert store.read_coverage(data).spans == ()


def test_selection_equals_the_filter_by_hand(stored) -> None:
    name, raw, data = stored
    dates = _raw_dates(name, raw)
    start, end = date(2017, 6, 1), date(2017, 12, 31)
    chosen = Selection.parse(districts=["Western District"], start=start, end=end)
    got = store.load_arrests(data, chosen)
    by_hand = raw[
        (_raw_districts(raw) == "WESTERN")
        & (dates >= pd.Timestamp(start))
        & (dates <= pd.Timestamp(end))
    ]
    assert len(got) == len(by_hand) > 0
    id_column = SAMPLES[name][0]
    assert sorted(got["arrest_id"].fillna("").astype(str)) == sorted(by_hand[id_column].str.strip())
    # the same rows as the selection's reference implementation on the whole table
    every = store.load_arrests(data)
    assert len(chosen.apply(every)) == len(got)
    assert set(got.columns) == set(store.ARREST_COLUMN_NAMES)
    print(f"{name}: {len(got)} Western rows from {start} to {end}")


#: Measured: the published district agrees with the 1959-2022 lines placed by coordinates
#: for 98.9% (legacy) and 97.9% (ArcGIS) of the rows that have both (simplified outlines,
#: points near a border).
MIN_PRE2023_AGREEMENT = 0.97


def test_area_columns_by_coordinates(stored) -> None:
    name, raw, data = stored
    rows = store.load_arrests(data)
    lat = pd.to_numeric(raw["Latitude"].str.strip(), errors="coerce")
    lon = pd.to_numeric(raw["Longitude"].str.strip(), errors="coerce")
    no_place = lat.isna() | lon.isna() | (lat == 0) | (lon == 0)
    unplaced = rows["latitude"].isna()
    assert unplaced.sum() >= no_place.sum()
    for column in AREA_COLUMNS:
        assert (rows.loc[unplaced, column] == UNKNOWN_DISTRICT).all()
    both = ~unplaced & (rows["district"] != UNKNOWN_DISTRICT)
    agree = (
        rows.loc[both, "district"].astype(str) == rows.loc[both, "district_pre2023"].astype(str)
    ).mean()
    assert agree >= MIN_PRE2023_AGREEMENT
    # a council selection equals the same filter by hand on the stored column
    council = store.load_arrests(data, councils=["7"])
    assert len(council) == int((rows["council_district"] == "7").sum()) > 0
    print(f"{name}: published district = 1959-2022 lines for {agree:.1%} of {both.sum():,} rows")


def test_neighborhood_and_year_selection(stored) -> None:
    name, raw, data = stored
    dates = _raw_dates(name, raw)
    got = store.load_arrests(data, neighborhoods=["Sandtown-Winchester"], years=[2017])
    by_hand = raw[
        (raw["Neighborhood"].str.strip().str.lower() == "sandtown-winchester")
        & (dates.dt.year == 2017)
    ]
    assert len(got) == len(by_hand) > 0


# --------------------------------------------------------------------------------------
# The store's rules on arrests
# --------------------------------------------------------------------------------------


def test_columns_match_the_reader() -> None:
    assert (
        *arrests.ARREST_COLUMNS,
        *AREA_COLUMNS,
        "source",
        "snapshot",
    ) == store.ARREST_COLUMN_NAMES


def test_reingest_changes_nothing(data_dir: Path) -> None:
    path = require_shared("arrests", LEGACY)
    ingest.ingest_paths([path], data_dir)
    before = store.load_arrests(data_dir)
    first = store.read_manifest(data_dir)
    summary = ingest.ingest_paths([path], data_dir)
    after = store.load_arrests(data_dir)
    second = store.read_manifest(data_dir)
    assert summary["unchanged"] == ["s000001"]
    assert summary["arrests_superseded"] == 0
    pd.testing.assert_frame_equal(before, after)
    assert second["arrests"]["snapshots"] == first["arrests"]["snapshots"]
    assert second["arrests"]["coverage"] == first["arrests"]["coverage"]
    assert len(list((data_dir / "snapshots").iterdir())) == 1


def test_crime_and_arrests_keep_each_other(tmp_path: Path) -> None:
    crime = require_shared(*CRIME)
    arrest = require_shared("arrests", LEGACY)
    # arrests first, then crime: the arrests stay
    one = tmp_path / "one"
    ingest.ingest_paths([arrest], one)
    arrests_before = store.load_arrests(one)
    ingest.ingest_paths([crime], one)
    pd.testing.assert_frame_equal(store.load_arrests(one), arrests_before)
    assert store.read_arrest_quality(one)["rows_read"] == len(arrests_before)
    crime_rows = store.load_incidents(one, offenses="all")
    assert len(crime_rows) == 20
    # crime first, then arrests: the crime rows stay
    two = tmp_path / "two"
    ingest.ingest_paths([crime], two)
    crime_before = store.load_incidents(two, offenses="all")
    quality_before = store.read_quality(two)
    # a store without arrests: an empty table, no coverage, no quality counts
    assert len(store.load_arrests(two)) == 0
    assert list(store.load_arrests(two).columns) == list(store.ARREST_COLUMN_NAMES)
    assert store.read_arrest_coverage(two).spans == ()
    assert store.read_arrest_quality(two) == {}
    ingest.ingest_paths([arrest], two)
    pd.testing.assert_frame_equal(store.load_incidents(two, offenses="all"), crime_before)
    assert store.read_quality(two)["rows_read"] == quality_before["rows_read"]
    assert len(store.load_arrests(two)) == len(arrests_before)
    # both in one call: the same two tables
    three = tmp_path / "three"
    summary = ingest.ingest_paths([arrest, crime], three)
    assert [s["table"] for s in summary["sources"]] == ["incidents", "arrests"]
    assert summary["rows"] == 20
    assert summary["arrest_rows"] == len(arrests_before)
    # every snapshot of both tables has its own number
    manifest = store.read_manifest(three)
    ids = [s["id"] for s in manifest["snapshots"] + manifest["arrests"]["snapshots"]]
    assert sorted(ids) == ["s000001", "s000002"]


def test_a_newer_snapshot_serves_its_dates(data_dir: Path, tmp_path: Path) -> None:
    """A later download of the same dataset replaces the rows of the dates it covers."""
    raw = _raw(LEGACY)
    dates = _raw_dates(LEGACY, raw)
    january = raw[(dates >= "2018-01-01") & (dates <= "2018-01-31")]
    days = _raw_dates(LEGACY, january)
    older = tmp_path / "older.csv"
    january.to_csv(older, index=False)
    # BPD deleted 100 rows spread over the month (not on its first or last date; a day
    # emptied of most of its rows would be a gap day of the newer file, served by the older)
    inside = january[(days > days.min()) & (days < days.max())]
    newer = tmp_path / "newer.csv"
    january.drop(inside.index[::15][:100]).to_csv(newer, index=False)
    ingest.ingest_paths([older], data_dir, as_of="2018-02-01")
    summary = ingest.ingest_paths([newer], data_dir, as_of="2018-02-08")
    assert summary["arrest_rows"] == len(january) - 100
    assert summary["arrests_superseded"] == len(january)
    # the older file again (an older download) changes nothing: the newer one serves
    again = ingest.ingest_paths([older], data_dir, as_of="2018-02-01")
    assert again["unchanged"] == ["s000001"]
    assert again["arrest_rows"] == len(january) - 100


def test_two_arrest_datasets_over_the_same_dates(data_dir: Path) -> None:
    """The legacy CSV (2017-01-01 to 2018-02-17) and the ArcGIS sample (2014-2020) are two
    datasets of the same arrests: never both counted, until --prefer ranks them."""
    legacy, arcgis = require_shared("arrests", LEGACY), require_shared("arrests", ARCGIS)
    ingest.ingest_paths([legacy], data_dir)
    before = _files(data_dir)
    with pytest.raises(ingest.IngestError, match="arrests_legacy .* and arrests_arcgis"):
        ingest.ingest_paths([arcgis], data_dir)
    assert _files(data_dir) == before
    summary = ingest.ingest_paths([arcgis], data_dir, prefer=["arrests_legacy"])
    rows = store.load_arrests(data_dir)
    legacy_dates = _raw_dates(LEGACY, _raw(LEGACY))
    arcgis_dates = _raw_dates(ARCGIS, _raw(ARCGIS))
    legacy_days = set(store.read_manifest(data_dir)["arrests"]["snapshots"][0]["gaps"])
    first, last = legacy_dates.min(), legacy_dates.max()
    # the ArcGIS rows on the legacy file's covered dates are left out, the rest served; on
    # the legacy file's gap days (2017-11-23) the ArcGIS file serves
    on_legacy = (arcgis_dates >= first) & (arcgis_dates <= last)
    on_legacy &= ~arcgis_dates.dt.strftime("%Y-%m-%d").isin(legacy_days)
    legacy_served = ~legacy_dates.dt.strftime("%Y-%m-%d").isin(legacy_days)
    expected = int(legacy_served.sum()) + int((~on_legacy).sum())
    assert summary["arrest_rows"] == len(rows) == expected
    print(f"legacy gap days {sorted(legacy_days)}; {expected:,} rows served")
    assert store.read_manifest(data_dir)["prefer"] == ["arrests_legacy"]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the file is empty"),
        (
            b"Arrest,Age,Sex,Race,ArrestDate,ArrestTime,IncidentOffense,Charge\n",
            "header but no data rows",
        ),
        (b"this,is,not\n1,2,3\n", "nor an arrest layout"),
    ],
    ids=["empty", "header-only", "unknown-header"],
)
def test_a_broken_arrest_file_leaves_the_store_whole(
    data_dir: Path, tmp_path: Path, content: bytes, message: str
) -> None:
    ingest.ingest_paths([require_shared("arrests", LEGACY)], data_dir)
    before = _files(data_dir)
    bad = tmp_path / "broken_arrests.csv"
    bad.write_bytes(content)
    result = runner.invoke(app, ["ingest", str(bad), "--data-dir", str(data_dir)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert message in lines[0]
    assert "broken_arrests.csv" in lines[0]
    assert _files(data_dir) == before


def test_rebuild_recreates_the_arrests(data_dir: Path) -> None:
    ingest.ingest_paths(
        [require_shared("arrests", LEGACY), require_shared(*CRIME)], data_dir, as_of="2018-03-01"
    )
    arrests_before = store.load_arrests(data_dir)
    crime_before = store.load_incidents(data_dir, offenses="all")
    ingest.rebuild(data_dir)
    pd.testing.assert_frame_equal(store.load_arrests(data_dir), arrests_before)
    pd.testing.assert_frame_equal(store.load_incidents(data_dir, offenses="all"), crime_before)


def test_cli_ingest_and_info(data_dir: Path) -> None:
    path = require_shared("arrests", ARCGIS)
    result = runner.invoke(app, ["ingest", str(path), "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    assert "30,000 read, 30,000 kept, 0 quarantined, 30,000 served (arrests)" in result.output
    result = runner.invoke(app, ["info", "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    assert "arrests: 30,000 rows (one per charge) from 2014-10-16 to 2020-12-31" in result.output
    assert "without_district: 14,893" in result.output
    result = runner.invoke(app, ["info", "--json", "--data-dir", str(data_dir)])
    doc = json.loads(result.output)
    assert doc["arrest_quality"]["rows_read"] == 30_000
    assert doc["manifest"]["arrests"]["rows"] == 30_000


def test_an_older_store_without_arrests_reads_as_none(data_dir: Path) -> None:
    ingest.ingest_paths([require_shared(*CRIME)], data_dir)
    version = data_dir / store.read_manifest(data_dir)["store_dir"]
    (version / config.ARRESTS_FILE).unlink()
    assert len(store.load_arrests(data_dir)) == 0
    assert store.read_arrest_coverage(data_dir).spans == ()
    # the next arrest ingest works on it
    ingest.ingest_paths([require_shared("arrests", LEGACY)], data_dir)
    assert len(store.load_arrests(data_dir)) == 27_195


# --------------------------------------------------------------------------------------
# fetch --dataset arrests against the local ArcGIS server
# --------------------------------------------------------------------------------------

N_FETCHED = 2_500
LAYER = "Arrest"


@pytest.fixture
def arrest_server():
    records = arrest_records(require_shared("arrests", ARCGIS), N_FETCHED)
    with FakeArcGIS() as fake:
        fake.add_layer(LAYER, records, max_record_count=1000, date_field="ArrestDateTime")
        yield fake


def test_fetch_arrests_from_the_layer(arrest_server: FakeArcGIS, data_dir: Path) -> None:
    url = arrest_server.layer_url(LAYER)
    summary = fetch.fetch_to_store(
        data_dir, urls=[url], dataset="arrests", retry=FAST, progress=False
    )
    assert summary["layers"] == {url: N_FETCHED}
    raw = _raw(ARCGIS).iloc[:N_FETCHED]
    rows = store.load_arrests(data_dir)
    assert len(rows) + len(store.read_arrest_quarantine(data_dir)) == N_FETCHED
    assert rows["district"].astype(str).value_counts().to_dict() == (
        _raw_districts(raw).value_counts().to_dict()
    )
    # epoch milliseconds read as UTC instants: noon in Baltimore on the sample's date
    expected_days = _raw_dates(ARCGIS, raw).dt.date.value_counts().to_dict()
    assert rows["arrest_date"].dt.date.value_counts().to_dict() == expected_days
    assert (rows["arrested_at"].dt.hour == ARREST_HOUR).all()
    manifest = store.read_manifest(data_dir)
    (snap,) = manifest["arrests"]["snapshots"]
    assert snap["dataset"] == "arrests_arcgis"
    assert snap["rows_read"] == N_FETCHED
    assert (data_dir / snap["raw"]).is_file()
    assert manifest["rows"] == 0  # nothing went to the crime table
    # the raw copy rebuilds the same rows
    ingest.rebuild(data_dir)
    pd.testing.assert_frame_equal(store.load_arrests(data_dir), rows)


def test_fetch_since_filters_on_the_arrest_date(arrest_server: FakeArcGIS, data_dir: Path) -> None:
    url = arrest_server.layer_url(LAYER)
    since = date(2020, 12, 20)
    summary = fetch.fetch_to_store(
        data_dir, urls=[url], dataset="arrests", since=since, retry=FAST, progress=False
    )
    assert "ArrestDateTime >= TIMESTAMP" in summary["where"]
    raw = _raw(ARCGIS).iloc[:N_FETCHED]
    first = pd.Timestamp(fetch.window_start(since))
    expected = int((_raw_dates(ARCGIS, raw) >= first).sum())
    assert len(store.load_arrests(data_dir)) == expected > 0


def test_cli_fetch_dataset_arrests(arrest_server: FakeArcGIS, data_dir: Path) -> None:
    url = arrest_server.layer_url(LAYER)
    result = runner.invoke(
        app,
        ["fetch", "--dataset", "arrests", "--url", url, "--no-boundaries"],
        env={"BMOREDASH_DATA_DIR": str(data_dir)},
    )
    assert result.exit_code == 0, result.output
    assert f"store now holds {N_FETCHED:,} arrest rows" in result.output
    assert len(store.load_arrests(data_dir)) == N_FETCHED
    bad = runner.invoke(app, ["fetch", "--dataset", "parking", "--url", url, "--no-boundaries"])
    assert bad.exit_code == 1
    assert "unknown dataset 'parking'" in bad.output


def test_default_arrests_layer_is_the_egis_one() -> None:
    chosen = fetch.FETCH_DATASETS["arrests"]
    assert chosen.urls == (fetch.ARRESTS_URL,)
    assert chosen.date_field == "ArrestDateTime"
    assert fetch.layer_url(fetch.ARRESTS_URL) == fetch.ARRESTS_URL
    assert fetch.FETCH_DATASETS["crime"].urls == fetch.DEFAULT_URLS
