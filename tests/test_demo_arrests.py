"""Demo arrests: deterministic, in the legacy layout with its quirks, read by the real
arrest reader with the counts recounted here with plain pandas, and calibrated on the
real file (``scripts/measure_arrests.py``)."""

from __future__ import annotations

import importlib.util
import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bmoredash import demo, schema
from bmoredash.arrests import ArrestFrame, detect_arrest_layout, read_arrests
from bmoredash.demo import calibration
from bmoredash.schema import CITY_BBOX
from tests.conftest import require_shared

#: Three whole years across the old district lines (~64k rows), generated once.
SAMPLE_START, SAMPLE_END = date(2016, 1, 1), date(2018, 12, 31)

#: The legacy BPD_Arrests.csv header, as published (SOURCES.md section 4).
LEGACY_HEADER = (
    "Arrest", "Age", "Sex", "Race", "ArrestDate", "ArrestTime", "ArrestLocation",
    "IncidentOffense", "IncidentLocation", "Charge", "ChargeDescription", "District", "Post",
    "Neighborhood", "Longitude", "Latitude", "Location 1",
)  # fmt: skip

#: Tolerance (percentage points) of a charge group's share against the real file's.
GROUP_TOLERANCE = 1.0


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame, ArrestFrame]:
    """The demo arrest CSV as written, read back with plain pandas and by the reader."""
    frame = demo.generate_arrests(start=SAMPLE_START, end=SAMPLE_END)
    path = tmp_path_factory.mktemp("arrests") / "demo_arrests.csv"
    demo.write_csv(frame, path)
    csv = pd.read_csv(path, dtype=str, keep_default_na=False)
    return path, csv, read_arrests(path)


def _group_of_code() -> dict[str, str]:
    """The shipped charge table read with plain pandas: base code -> group."""
    table = Path(demo.__file__).parents[1] / "reference" / "data" / "charge_groups.csv"
    frame = pd.read_csv(table, dtype=str, keep_default_na=False)
    return dict(zip(frame["code"], frame["group"], strict=True))


def _base(code: pd.Series) -> pd.Series:
    """``2A3550`` -> ``2 3550`` (a modifier letter dropped), other codes as they are."""
    return code.str.replace(r"^(\d)[A-Z](\d{4})$", r"\1 \2", regex=True)


def _coded_group_shares(csv: pd.DataFrame) -> pd.Series:
    """% of the rows with a charge code per charge group, recounted with plain pandas."""
    code = csv["Charge"].str.strip()
    groups = _base(code[code != ""]).map(_group_of_code())
    assert groups.notna().all(), "every demo charge code is in the shipped table"
    return groups.value_counts(normalize=True) * 100


# --------------------------------------------------------------------------------------
# Layout and determinism
# --------------------------------------------------------------------------------------


def test_header_is_the_legacy_layout(written) -> None:
    path, csv, frame = written
    assert demo.ARREST_RAW_COLUMNS == LEGACY_HEADER
    assert tuple(csv.columns) == LEGACY_HEADER
    assert frame.layout == "arrests_legacy"
    assert detect_arrest_layout(csv.columns).name == "arrests_legacy"
    real = require_shared("arrests", "BPD_Arrests.csv")
    first_line = real.read_text(encoding="utf-8").split("\n", 1)[0]
    assert path.read_text(encoding="utf-8").split("\n", 1)[0] == first_line


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    window = {"start": date(2023, 6, 25), "end": date(2023, 7, 8)}
    for name in ("a", "b"):
        demo.write_csv(demo.generate_arrests(**window), tmp_path / f"{name}.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    other = demo.generate_arrests(**window, seed=7)
    assert len(other) > 300
    assert not other["ArrestTime"].equals(demo.generate_arrests(**window)["ArrestTime"])


def test_rows_stay_inside_the_range_and_bad_ranges_are_refused(written) -> None:
    _, csv, _ = written
    dates = pd.to_datetime(csv["ArrestDate"], format="%m/%d/%Y")
    assert dates.min() == pd.Timestamp(SAMPLE_START) and dates.max() == pd.Timestamp(SAMPLE_END)
    with pytest.raises(ValueError, match="before start"):
        demo.generate_arrests(start=date(2020, 1, 2), end=date(2020, 1, 1))


# --------------------------------------------------------------------------------------
# Volume: the real file's weekly rate
# --------------------------------------------------------------------------------------


def test_volume_is_the_real_files(written) -> None:
    _, csv, _ = written
    per_year = pd.to_datetime(csv["ArrestDate"], format="%m/%d/%Y").dt.year.value_counts()
    for year in (2016, 2017, 2018):
        assert per_year[year] == demo.year_rows(year), year
    # 2017: the legacy file's 24,089 rows, 462 a week
    assert demo.year_rows(2017) == 24_089
    assert per_year[2017] / (365 / 7) == pytest.approx(462, abs=0.5)
    # the ArcGIS sample's Nov-Dec trend: 2014 4,444 ... 2020 2,050 against 2017's 3,557
    assert demo.year_rows(2014) == round(24_089 * 4_444 / 3_557) == 30_096
    assert demo.year_rows(2020) == round(24_089 * 2_050 / 3_557) == 13_883
    assert demo.year_rows(2012) == demo.year_rows(2014)
    assert demo.year_rows(2026) == demo.year_rows(2020)


def test_real_file_rows_in_2017() -> None:
    path = require_shared("arrests", "BPD_Arrests.csv")
    real = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert (real["ArrestDate"].str[-4:] == "2017").sum() == calibration.ARREST_ROWS_2017


# --------------------------------------------------------------------------------------
# The reader's counts, recounted with plain pandas from the CSV
# --------------------------------------------------------------------------------------


def test_reader_counts_recounted_from_the_csv(written) -> None:
    _, csv, frame = written
    q = frame.quality
    lat = pd.to_numeric(csv["Latitude"], errors="coerce")
    lon = pd.to_numeric(csv["Longitude"], errors="coerce")
    no_place = lat.isna() | lon.isna() | (lat == 0) | (lon == 0)
    inside = lat.between(CITY_BBOX["lat_min"], CITY_BBOX["lat_max"]) & lon.between(
        CITY_BBOX["lon_min"], CITY_BBOX["lon_max"]
    )
    numbers = csv.loc[csv["Arrest"] != "", "Arrest"].value_counts()
    expected = {
        "rows_read": len(csv),
        "rows_kept": len(csv),
        "rows_quarantined": 0,
        "without_arrest_number": int((csv["Arrest"] == "").sum()),
        "arrests": len(numbers),
        "arrests_with_several_rows": int((numbers > 1).sum()),
        "without_district": int((csv["District"] == "").sum()),
        "without_coordinates": int(no_place.sum()),
        "outside_city": int((~no_place & ~inside).sum()),
        "without_charge_code": int((csv["Charge"] == "").sum()),
        "unmapped_charge_codes": 0,
        "rows_with_unmapped_charge": 0,
    }
    assert {k: q[k] for k in expected} == expected
    assert frame.quarantine.empty and len(frame.rows) == len(csv)
    # identical rows are separate records: every copy is kept
    duplicates = int(csv.duplicated().sum())
    assert duplicates > 0 and len(frame.rows) == len(csv)
    # charge groups: the reader's, against the table read with plain pandas
    code = csv["Charge"].str.strip()
    plain = _base(code).map(_group_of_code()).where(code != "", "other")
    got = frame.rows["charge_group"].value_counts().sort_index()
    assert got.to_dict() == plain.value_counts().sort_index().to_dict()


def test_quirks_at_the_measured_rates(written) -> None:
    _, csv, frame = written
    n = len(csv)
    share = {
        # legacy file: 13,642 / 27,195 without district, 1,147 without arrest number,
        # 149 rows identical to an earlier one
        "no_district": ((csv["District"] == "").sum() / n, 13_642 / 27_195, 0.015),
        "no_number": ((csv["Arrest"] == "").sum() / n, 1_147 / 27_195, 0.004),
        "copies": (csv.duplicated().sum() / n, 149 / 27_195, 0.0015),
    }
    for name, (got, real, tolerance) in share.items():
        assert abs(got - real) <= tolerance, (name, got, real)
    # the half without a district has no coordinates, post, neighborhood or location either
    unplaced = csv["District"] == ""
    no_coordinates = csv["Latitude"] == ""
    assert (no_coordinates <= unplaced).all()
    for column in ("Post", "Neighborhood", "ArrestLocation", "IncidentLocation", "Location 1"):
        assert (csv.loc[no_coordinates, column] == "").all(), column
    # the failed-geocode point (legacy: 291 rows with a district at 39 / -77)
    default = (csv["Latitude"] == "39") & (csv["Longitude"] == "-77")
    assert 0.005 <= default.mean() <= 0.017 and (csv.loc[default, "District"] != "").all()
    assert (csv.loc[default, "Location 1"] == "(39, -77)").all()
    # rows without an arrest number say Unknown Charge / Unknown Offense, with no code
    unnumbered = csv[csv["Arrest"] == ""]
    assert (unnumbered["ChargeDescription"] == "Unknown Charge").all()
    assert (unnumbered["IncidentOffense"] == "Unknown Offense").all()
    assert (unnumbered["Charge"] == "").all()
    # most copies are unnumbered; a few numbered arrests have two identical rows
    copies = csv[csv.duplicated()]
    assert (copies["Arrest"] == "").mean() > 0.8
    assert frame.quality["arrests_with_several_rows"] >= 1
    several = csv[(csv["Arrest"] != "") & csv["Arrest"].duplicated(keep=False)]
    assert len(several.drop_duplicates()) == several["Arrest"].nunique()
    # ArrestTime sometimes without its leading zero (legacy: 127 rows, 9:07)
    assert csv["ArrestTime"].str.fullmatch(r"\d{1,2}:\d\d").all()
    assert 1 <= (csv["ArrestTime"].str.len() == 4).sum() <= 0.01 * n
    # trailing spaces of IncidentOffense kept as published
    assert "4ECOMMON ASSAULT      " in set(csv["IncidentOffense"])
    assert csv.loc[csv["Arrest"] != "", "Arrest"].str.fullmatch(r"1[678]\d{6}").all()


def test_several_spellings_per_charge_code(written) -> None:
    _, csv, _ = written
    coded = csv[csv["Charge"] != ""]
    spellings = coded.groupby("Charge")["ChargeDescription"].nunique()
    assert spellings["1 1415"] == 4  # ASSAULT-SEC DEGREE, COMMON ASSAULT, ASSAULT, 2ND ...
    assert set(coded.loc[coded["Charge"] == "1 1415", "ChargeDescription"]) == set(
        calibration.ARREST_CODES["violent"]["1 1415"][1]
    )
    assert (spellings >= 2).sum() >= 40
    # the code, never the description, decides the group: CDS is drugs under 4 3550,
    # HGV weapons under 1 5212, though other codes carry those words too
    assert (coded["ChargeDescription"] == "HGV").sum() > 0


def test_charge_group_mix_within_tolerance_of_the_real_file(written) -> None:
    _, csv, _ = written
    got = _coded_group_shares(csv)
    measured = {k: v for k, v in calibration.ARREST_GROUP_ROWS.items() if k != "blank"}
    total = sum(measured.values())
    for group, rows in measured.items():
        assert abs(got[group] - 100 * rows / total) <= GROUP_TOLERANCE, group
    # and against the real file itself, recounted here
    path = require_shared("arrests", "BPD_Arrests.csv")
    real = pd.read_csv(path, dtype=str, keep_default_na=False)
    real_shares = _coded_group_shares(real[real["Arrest"].str.strip() != ""])
    for group in measured:
        assert abs(got[group] - real_shares[group]) <= GROUP_TOLERANCE, group
    blank = (csv.loc[csv["Arrest"] != "", "Charge"] == "").mean()
    assert abs(blank - 1_542 / 26_048) <= 0.005  # numbered rows with no charge code


def test_people_and_times_as_published(written) -> None:
    _, csv, _ = written
    assert set(csv["Sex"]) == {"M", "F"}
    assert (csv["Sex"] == "M").mean() == pytest.approx(22_000 / 27_195, abs=0.01)
    assert set(csv["Race"]) == {"B", "W", "U", "I", "A"}
    assert (csv["Race"] == "B").mean() == pytest.approx(22_696 / 27_195, abs=0.01)
    age = pd.to_numeric(csv["Age"], errors="coerce")
    assert age.min() >= 14 and age.max() <= 84 and 28 <= age.median() <= 32
    hour = csv["ArrestTime"].str.split(":").str[0].astype(int)
    # few arrests at 5-7 a.m., many late morning and early evening
    assert hour.isin([11, 18]).mean() > 3 * hour.isin([5, 6]).mean()
    weekday = pd.to_datetime(csv["ArrestDate"], format="%m/%d/%Y").dt.day_of_week
    assert (weekday == 2).sum() > 1.5 * (weekday == 6).sum()  # Wednesday vs Sunday


# --------------------------------------------------------------------------------------
# Places: the store's names, points inside their neighborhood
# --------------------------------------------------------------------------------------


def test_every_district_and_neighborhood_is_a_store_name(written) -> None:
    _, csv, frame = written
    table = demo.load_neighborhoods()
    store_names = {schema.canonical_neighborhood(n) for n in table["name"]}
    named = csv[csv["Neighborhood"] != ""]
    assert {schema.canonical_neighborhood(n) for n in named["Neighborhood"]} <= store_names
    assert set(frame.rows["district"]) == set(schema.DISTRICTS) | {schema.UNKNOWN_DISTRICT}
    assert set(frame.rows["neighborhood"]) <= store_names | {schema.UNKNOWN_NEIGHBORHOOD}
    # the district as published: the neighborhood's 1959-2022 district before 2023
    by_name = {
        schema.canonical_neighborhood(n): d
        for n, d in zip(table["name"], table["old_district"], strict=True)
    }
    expected = named["Neighborhood"].map(schema.canonical_neighborhood).map(by_name)
    assert (named["District"].str.upper() == expected).all()


def test_2023_rows_use_the_2023_lines() -> None:
    frame = demo.generate_arrests(start=date(2023, 3, 5), end=date(2023, 3, 18))
    table = demo.load_neighborhoods()
    by_name = {
        schema.canonical_neighborhood(n): d
        for n, d in zip(table["name"], table["district"], strict=True)
    }
    named = frame[frame["Neighborhood"] != ""]
    expected = named["Neighborhood"].astype(str).map(schema.canonical_neighborhood).map(by_name)
    assert (named["District"].astype(str).str.upper() == expected).all()


def test_points_fall_inside_their_neighborhood(written) -> None:
    import shapely
    from shapely.geometry import shape

    geojson = require_shared("boundaries", "neighborhoods.geojson")
    features = json.loads(geojson.read_text())["features"]
    polygons = {
        schema.canonical_neighborhood(f["properties"]["name"]): shapely.make_valid(
            shape(f["geometry"])
        )
        for f in features
    }
    _, csv, _ = written
    rows = csv[(csv["Neighborhood"] != "") & (csv["Latitude"] != "39")]
    lat = rows["Latitude"].astype(float).to_numpy()
    lon = rows["Longitude"].astype(float).to_numpy()
    hood = rows["Neighborhood"].map(schema.canonical_neighborhood).to_numpy()
    inside = np.zeros(len(rows), dtype=bool)
    for name in np.unique(hood):
        mine = hood == name
        inside[mine] = shapely.contains_xy(polygons[name], lon[mine], lat[mine])
    assert inside.mean() >= 0.97
    # Location 1 is the point with twelve decimals, as the legacy file writes it
    assert (
        rows["Location 1"] == "(" + rows["Latitude"] + "000000, " + rows["Longitude"] + "000000)"
    ).all()


# --------------------------------------------------------------------------------------
# The calibration is what the script measures
# --------------------------------------------------------------------------------------


def test_calibration_is_what_the_script_measures() -> None:
    shared = require_shared("arrests", "BPD_Arrests.csv").parent.parent
    script = Path(__file__).resolve().parent.parent / "scripts" / "measure_arrests.py"
    spec = importlib.util.spec_from_file_location("measure_arrests", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    measured = module.measure(shared)
    assert sorted(measured) == sorted(k for k in vars(calibration) if k.startswith("ARREST_"))
    for name, value in measured.items():
        assert getattr(calibration, name) == value, name
    # VALIDATION: SOURCES.md section 4
    assert measured["ARREST_ROWS"] == 27_195 and measured["ARREST_DUPLICATES"] == 149


# --------------------------------------------------------------------------------------
# Wired into the demo: `bmoredash demo` stores the arrests
# --------------------------------------------------------------------------------------


def test_bmoredash_demo_stores_the_arrests(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from bmoredash import store
    from bmoredash.cli import app

    data = tmp_path / "data"
    args = ["demo", "--data-dir", str(data), "--start", "2026-10-04", "--end", "2026-11-21"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output

    csv_path = data / "raw" / "demo_arrests.csv"
    assert data / demo.DEMO_ARRESTS_CSV == csv_path
    csv = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    no_date = pd.to_datetime(csv["ArrestDate"], format="%m/%d/%Y", errors="coerce").isna()
    stored = store.load_arrests(data)
    assert len(stored) == len(csv) - int(no_date.sum())
    assert len(store.read_arrest_quarantine(data)) == int(no_date.sum())
    # seven weeks at 2026's volume (2020's: 13,883 a year)
    assert len(csv) == pytest.approx(13_883 * 49 / 365, rel=0.1)
    # labelled demo: the manifest, and the arrests' source is the demo file
    assert store.read_manifest(data)["demo"] is True
    assert set(stored["source"]) == {"demo_arrests.csv"}
    # the same quirks as the file: recounted from the CSV
    quality = store.read_arrest_quality(data)
    assert quality["without_district"] == int((csv["District"] == "").sum())
    assert quality["without_arrest_number"] == int((csv["Arrest"] == "").sum())
    assert (stored["district"].astype(str) == "UNKNOWN").sum() == (csv["District"] == "").sum()
    covered = store.read_arrest_coverage(data)
    assert covered.first_day() == date(2026, 10, 4) and covered.last_day() == date(2026, 11, 21)
    assert covered.covers(date(2026, 10, 4), date(2026, 11, 21))
    # the crime rows are still there beside them (2026: 45,200 victim rows, 13,883 arrests)
    assert len(store.load_incidents(data, offenses="all")) > 3 * len(stored)
