"""The demo generator: deterministic, Baltimore-shaped, and readable by the real pipeline."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bmoredash import demo, schema
from tests.conftest import require_shared

#: Two whole years, enough for yearly totals and shapes, generated once (~100k rows).
SAMPLE_START, SAMPLE_END = date(2015, 1, 1), date(2016, 12, 31)


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return demo.generate_demo(start=SAMPLE_START, end=SAMPLE_END)


@pytest.fixture(scope="module")
def local_times(sample: pd.DataFrame) -> pd.Series:
    """CrimeDateTime (UTC text) as Baltimore time; missing dates are NaT."""
    text = sample["CrimeDateTime"].replace("", None)
    utc = pd.to_datetime(text, format="%Y/%m/%d %H:%M:%S+00", utc=True)
    return utc.dt.tz_convert("America/New_York")


def _geocoded(frame: pd.DataFrame) -> pd.DataFrame:
    zero = set(frame.attrs["dirty"]["zero_coordinates"])
    return frame[~frame["RowID"].isin(zero)]


# --------------------------------------------------------------------------------------
# Determinism and dates
# --------------------------------------------------------------------------------------


def test_same_seed_same_rows_and_same_bytes(tmp_path: Path) -> None:
    kwargs = {"start": date(2023, 6, 25), "end": date(2023, 7, 8)}
    first = demo.generate_demo(**kwargs)
    second = demo.generate_demo(**kwargs)
    pd.testing.assert_frame_equal(first, second)
    first.to_csv(tmp_path / "a.csv", index=False)
    second.to_csv(tmp_path / "b.csv", index=False)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    other = demo.generate_demo(**kwargs, seed=7)
    assert not other["CrimeDateTime"].equals(first["CrimeDateTime"])


def test_a_year_does_not_depend_on_where_the_range_ends() -> None:
    short = demo.generate_demo(start=date(2021, 1, 1), end=date(2021, 3, 31))
    longer = demo.generate_demo(start=date(2020, 12, 1), end=date(2021, 3, 31))

    def clean_2021(frame: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
        # the few dirty rows are drawn over the whole range, so drop either run's dirty rows
        spoiled = [rid for ids in frame.attrs["dirty"].values() for rid in ids]
        other_spoiled = [rid for ids in other.attrs["dirty"].values() for rid in ids]
        bad_cc = set(frame.set_index("RowID").loc[spoiled, "CCNumber"])
        bad_cc |= set(other.set_index("RowID").loc[other_spoiled, "CCNumber"])
        keep = frame["CCNumber"].str.startswith("21") & ~frame["CCNumber"].isin(bad_cc)
        columns = ["CCNumber", "CrimeDateTime", "CrimeCode", "Location", "Latitude", "Age"]
        return frame.loc[keep, columns].reset_index(drop=True)

    pd.testing.assert_frame_equal(clean_2021(short, longer), clean_2021(longer, short))


@pytest.mark.parametrize(
    ("today", "saturday"),
    [
        (date(2026, 11, 25), date(2026, 11, 21)),  # Wednesday
        (date(2026, 11, 21), date(2026, 11, 14)),  # a Saturday: the week before
        (date(2026, 11, 22), date(2026, 11, 21)),  # Sunday
    ],
)
def test_last_saturday_before_today(today: date, saturday: date) -> None:
    assert demo.last_saturday(today) == saturday


def test_rows_stay_inside_the_requested_range(local_times: pd.Series) -> None:
    dates = local_times.dropna().dt.date
    assert dates.min() == SAMPLE_START and dates.max() == SAMPLE_END


def test_scale_multiplies_rows() -> None:
    kwargs = {"start": date(2019, 3, 3), "end": date(2019, 3, 9)}
    one = len(demo.generate_demo(**kwargs))
    ten = len(demo.generate_demo(**kwargs, scale=10))
    assert 9.9 * one <= ten <= 10.1 * one


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="before start"):
        demo.generate_demo(start=date(2020, 1, 2), end=date(2020, 1, 1))
    with pytest.raises(ValueError, match="scale"):
        demo.generate_demo(end=date(2020, 1, 1), scale=0)


# --------------------------------------------------------------------------------------
# Volumes and offense mix
# --------------------------------------------------------------------------------------


def test_yearly_totals_in_the_legacy_band(sample: pd.DataFrame, local_times: pd.Series) -> None:
    per_year = local_times.dt.year.value_counts()
    for year in (2015, 2016):
        assert 45_000 <= per_year[year] <= 52_000, (year, per_year[year])
    # whole years are exact: the published legacy totals (rows with no date are the dirty ones)
    undated = len(sample.attrs["dirty"]["missing_date"])
    assert (
        per_year[2015] + per_year[2016] + undated == demo.YEAR_TOTALS[2015] + demo.YEAR_TOTALS[2016]
    )
    for year in range(2012, 2027):
        assert 45_000 <= sum(demo.year_targets(year).values()) <= 52_500, year


def test_homicides_follow_the_published_trend(sample: pd.DataFrame, local_times: pd.Series) -> None:
    homicide_years = local_times[sample["Description"] == "HOMICIDE"].dt.year.value_counts()
    assert homicide_years[2015] == 344 and homicide_years[2016] == 318
    for year in range(2012, 2025):
        assert 200 <= demo.year_targets(year)["homicide"] <= 350, year
    assert demo.year_targets(2024)["homicide"] < demo.year_targets(2019)["homicide"]


def test_shootings_about_twice_homicides(sample: pd.DataFrame) -> None:
    counts = sample["Description"].value_counts()
    assert 1.8 <= counts["SHOOTING"] / counts["HOMICIDE"] <= 2.8
    # 1.70 (2012, Trace records: 369 non-fatal victims, 217 homicides) to 2.41 (2023)
    for year in range(2012, 2027):
        targets = demo.year_targets(year)
        assert 1.6 <= targets["shooting"] / targets["homicide"] <= 2.5


def test_offense_mix_close_to_the_2019_sample() -> None:
    targets = demo.year_targets(2019)
    total = sum(targets.values())
    share = {k: v / total for k, v in targets.items()}
    # 2019 legacy CSV: common assault 19.0%, larceny from auto 11.5%, agg. assault 12.4%
    assert share["common_assault"] == pytest.approx(0.190, abs=0.01)
    assert share["larceny_from_auto"] == pytest.approx(0.115, abs=0.01)
    assert share["agg_assault"] == pytest.approx(0.124, abs=0.01)


def test_every_emitted_code_classifies_to_its_intended_offense(sample: pd.DataFrame) -> None:
    for code, description, family in demo.CODE_TABLE:
        assert schema.classify_offense(code, description) == demo.INTENDED_OFFENSE[family], code
    emitted = set(sample[["CrimeCode", "Description"]].itertuples(index=False, name=None))
    assert emitted <= {(c, d) for c, d, _ in demo.CODE_TABLE}
    offenses = {schema.classify_offense(c, d)[0] for c, d in emitted}
    assert offenses == set(schema.OFFENSES)


def test_weapons_follow_the_offense(sample: pd.DataFrame) -> None:
    weapon = sample["Weapon"]
    desc = sample["Description"]
    assert (weapon[desc == "SHOOTING"] == "FIREARM").all()
    assert (weapon[desc == "HOMICIDE"] == "FIREARM").mean() >= 0.85
    assert (weapon[desc.isin(["BURGLARY", "LARCENY", "AUTO THEFT"])] == "").all()
    assert (weapon[desc == "ARSON"] == "FIRE").all()
    assert (sample.loc[sample["Shooting"] == "Y", "Description"] == "SHOOTING").all()


# --------------------------------------------------------------------------------------
# Shapes
# --------------------------------------------------------------------------------------


def test_summer_peak_and_night_violence(sample: pd.DataFrame, local_times: pd.Series) -> None:
    month = local_times.dt.month
    summer = month.isin([6, 7, 8]).sum() / 92
    winter = month.isin([1, 2]).sum() / 59.5
    assert 1.15 <= summer / winter <= 1.40
    gun = sample["Description"].isin(["HOMICIDE", "SHOOTING"])
    hour = local_times[gun].dt.hour
    night = hour.isin([20, 21, 22, 23, 0, 1]).mean()
    morning = hour.isin([6, 7, 8, 9, 10, 11]).mean()
    assert night > 3 * morning
    shoplifting_hour = local_times[sample["CrimeCode"] == "6C"].dt.hour
    assert shoplifting_hour.between(10, 19).mean() > 0.6


def test_victims_are_plausible(sample: pd.DataFrame) -> None:
    desc = sample["Description"]
    gender = sample["Gender"]
    assert (gender[desc == "SHOOTING"] == "Male").mean() > 0.8
    assert (gender[desc == "RAPE"] == "Female").mean() > 0.85
    commercial = sample[desc == "ROBBERY - COMMERCIAL"]
    assert (commercial[["Gender", "Age", "Race"]] == "").all().all()
    age = pd.to_numeric(sample["Age"], errors="coerce")
    assert 25 <= age[desc == "SHOOTING"].median() <= 32
    assert set(gender) <= {"Male", "Female", "Unknown", ""}


def test_victims_of_one_incident_share_its_ccnumber(sample: pd.DataFrame) -> None:
    shootings = sample[sample["Description"] == "SHOOTING"]
    repeated = shootings["CCNumber"].duplicated(keep=False)
    # further victims: 18.7% of the shooting rows of the 2019 legacy CSV (70 of 374)
    assert 0.14 <= shootings["CCNumber"].duplicated().mean() <= 0.23
    incident = ["CCNumber", "CrimeDateTime", "Location", "Latitude", "Longitude", "CrimeCode"]
    assert (
        len(shootings[repeated][incident].drop_duplicates())
        == shootings[repeated]["CCNumber"].nunique()
    )
    # property crime rarely has two victims before 2020 (burglary: 1.8% of 2019's rows)
    burglary = sample.loc[sample["Description"] == "BURGLARY", "CCNumber"]
    assert 0.005 <= burglary.duplicated().mean() <= 0.03
    assert sample["CCNumber"].str.fullmatch(r"\d\d[A-L]\d{5}").all()
    assert sample["RowID"].is_unique


# --------------------------------------------------------------------------------------
# Real quirks, recounted from the written CSV with plain pandas
# --------------------------------------------------------------------------------------

#: Almost eight years through a fixed Saturday (~370k rows): the tallied shooting years,
#: the gap days of 2025 and 2026, and both ends of the victims-per-incident calibration.
RECENT_START, RECENT_END = date(2019, 1, 1), date(2026, 11, 28)

#: Non-fatal shooting victims, official tallies (2022: between 2021 and 2023).
SHOOTING_TALLIES = {2019: 770, 2020: 725, 2021: 728, 2023: 635, 2024: 414, 2025: 311}

#: % of incidents with 2+ victims, measured with plain pandas: the 2019 legacy CSV (rows
#: identical on every column) and the 2025-2026 Sun extract (rows equal but for gender,
#: age, race, ethnicity). ``scripts/build_neighborhood_table.py --calibration`` prints them.
MEASURED_MULTI = {
    2019: {"shooting": 14.80, "homicide": 3.12, "agg_assault": 7.10, "common_assault": 6.96,
           "robbery_street": 5.65, "burglary": 1.56, "larceny_from_auto": 1.55},
    2025: {"shooting": 13.75, "homicide": 3.38, "agg_assault": 11.24, "robbery_street": 9.35,
           "carjacking": 10.14, "burglary": 10.34, "larceny_from_auto": 3.52, "auto_theft": 1.38},
}  # fmt: skip

#: The columns of the incident, which all its victims share.
INCIDENT_COLUMNS = [
    "CCNumber", "CrimeDateTime", "CrimeCode", "Description", "Inside_Outside", "Weapon",
    "Shooting", "Post", "Location", "Old_District", "New_District", "Neighborhood",
    "Latitude", "Longitude", "GeoLocation", "PremiseType",
]  # fmt: skip
VICTIM_COLUMNS = ["Gender", "Age", "Race", "Ethnicity"]
FAMILY_OF_CODE = {code: family for code, _, family in demo.CODE_TABLE}


@pytest.fixture(scope="module")
def recent(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """The demo CSV as written, read back with plain pandas, plus ``local`` (Baltimore
    time from the UTC text), ``family`` (from the code) and ``dirty`` (a spoiled row)."""
    frame = demo.generate_demo(start=RECENT_START, end=RECENT_END)
    path = tmp_path_factory.mktemp("demo") / "demo.csv"
    demo.write_csv(frame, path)
    csv = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert csv["CrimeDateTime"].replace("", "+00").str.endswith("+00").all()
    utc = pd.to_datetime(
        csv["CrimeDateTime"].replace("", None), format="%Y/%m/%d %H:%M:%S+00", utc=True
    )
    spoiled = {rid for ids in frame.attrs["dirty"].values() for rid in ids}
    return csv.assign(
        local=utc.dt.tz_convert("America/New_York"),
        family=csv["CrimeCode"].map(FAMILY_OF_CODE),
        dirty=csv["RowID"].isin(spoiled),
    )


def test_shootings_per_year_near_the_official_tallies(recent: pd.DataFrame) -> None:
    shootings = recent[recent["Description"] == "SHOOTING"]
    assert (shootings["Shooting"] == "Y").all()
    assert (recent.loc[recent["Shooting"] == "Y", "Description"] == "SHOOTING").all()
    per_year = shootings["local"].dt.year.value_counts()
    for year, tally in SHOOTING_TALLIES.items():
        assert abs(per_year[year] - tally) <= 0.05 * tally, (year, per_year[year], tally)
    assert SHOOTING_TALLIES[2023] < per_year[2022] < SHOOTING_TALLIES[2021]
    assert demo.year_targets(2026)["shooting"] == demo.year_targets(2025)["shooting"]
    # before 2019: BPD's records as obtained by The Trace (2012-2016), interpolated for 2018
    assert [demo.year_targets(y)["shooting"] for y in range(2012, 2017)] == [
        369, 401, 369, 636, 668,
    ]  # fmt: skip
    assert 693 <= demo.year_targets(2018)["shooting"] <= 770


def test_each_offense_keeps_its_yearly_victim_rows(recent: pd.DataFrame) -> None:
    # whole years, counted by the CCNumber's year (also for the rows whose date was spoiled)
    for year in (2019, 2025):
        rows = recent[recent["CCNumber"].str[:2] == str(year)[2:]]
        assert rows["family"].value_counts().to_dict() == {
            k: v for k, v in demo.year_targets(year).items() if v
        }


def test_multi_victim_incidents_at_the_measured_rates(recent: pd.DataFrame) -> None:
    victims = recent.groupby("CCNumber").agg(
        family=("family", "first"), year=("CCNumber", "first"), k=("RowID", "size")
    )
    victims["year"] = 2000 + victims["year"].str[:2].astype(int)
    for year in (2019, 2025):
        incidents = victims[victims["year"] == year]
        for family, part in incidents.groupby("family"):
            expected = demo.multi_victim_share(family, year)
            if family in MEASURED_MULTI[year]:
                assert expected == pytest.approx(MEASURED_MULTI[year][family] / 100)
            share = (part["k"] >= 2).mean()
            margin = 4 * np.sqrt(expected * (1 - expected) / len(part)) + 0.005
            assert abs(share - expected) <= margin, (year, family, share, expected)
    # shootings and homicides with 2-4 victims are common; a few have more
    gun = victims[victims["family"].isin(["shooting", "homicide"])]
    assert (gun["k"] >= 2).sum() > 500 and gun["k"].between(3, 4).sum() > 100
    assert victims["k"].max() <= 6


def test_every_incidents_victims_share_its_columns(recent: pd.DataFrame) -> None:
    clean = recent[~recent["dirty"]]
    per_incident = clean.groupby("CCNumber")[INCIDENT_COLUMNS[1:]].nunique()
    assert (per_incident == 1).all().all()
    # and no two incidents share a CCNumber
    assert len(clean[INCIDENT_COLUMNS].drop_duplicates()) == clean["CCNumber"].nunique()
    # the victims are their own: their columns differ, or the rows are identical but RowID
    further = clean["CCNumber"].duplicated()
    copies = clean.drop(columns=["RowID"]).duplicated()
    differ = further & ~copies
    assert differ.sum() > 5 * copies.sum() > 0
    # Sun extract: 190 exact copies among 2,113 further victims (9%)
    assert 0.05 <= copies.sum() / further.sum() <= 0.13


def test_gap_days_hold_at_most_two_rows(recent: pd.DataFrame) -> None:
    day = recent["local"].dt.date
    per_day = day.value_counts()
    utc_day = recent["CrimeDateTime"].str[:10]
    for gap in demo.GAP_DAYS:
        assert RECENT_START < gap < RECENT_END - timedelta(weeks=8)
        assert 1 <= per_day.get(gap, 0) <= 2, gap
        assert per_day[gap - timedelta(days=1)] > 50 and per_day[gap + timedelta(days=1)] > 50
        # the clock: the evening before, in Baltimore, is written with the gap day's UTC date
        assert (utc_day == gap.strftime("%Y/%m/%d")).sum() > 10
    assert per_day.drop(list(demo.GAP_DAYS)).min() > 30


def test_crime_date_time_is_written_in_utc(recent: pd.DataFrame) -> None:
    # one Baltimore day in winter (EST, UTC-5) and one in summer (EDT, UTC-4)
    for day, hours in ((date(2025, 1, 5), 5), (date(2025, 7, 5), 4)):
        frame = demo.generate_demo(start=day, end=day)
        text = frame.loc[frame["CrimeDateTime"] != "", "CrimeDateTime"]
        assert text.str.endswith("+00").all()
        utc = pd.to_datetime(text, format="%Y/%m/%d %H:%M:%S+00")
        assert ((utc - pd.Timedelta(hours=hours)).dt.date == day).all()
        # the Baltimore evening is written with the next day's date
        assert (utc.dt.date == day + timedelta(days=1)).sum() > 10
        if day.month == 1:
            # 10 p.m. on 5 January
            assert "2025/01/06 03:00:00+00" in set(text)
    # gun violence peaks from 9 p.m. to 1 a.m. in Baltimore (41% of the 2019 shootings); were
    # the text wall time, read as UTC it would move to 4-8 p.m. and leave 9% there
    gun = recent.loc[recent["family"].isin(["shooting", "homicide"]), "local"].dt.hour
    assert gun.isin([21, 22, 23, 0, 1]).mean() > 0.3


# --------------------------------------------------------------------------------------
# Places
# --------------------------------------------------------------------------------------


def test_neighborhood_table_facts() -> None:
    table = demo.load_neighborhoods()
    assert len(table) == 278 and table["name"].is_unique
    assert set(table["district"]) == set(schema.DISTRICTS)
    assert set(table["old_district"]) == set(schema.DISTRICTS)
    assert all(schema.canonical_district(d) == d for d in table["district"])
    digits = {"CENTRAL": "1", "SOUTHEAST": "2", "EASTERN": "3", "NORTHEAST": "4"}
    digits |= {"NORTHERN": "5", "NORTHWEST": "6", "WESTERN": "7", "SOUTHWEST": "8"}
    digits |= {"SOUTHERN": "9"}
    assert (table["post"].str[0] == table["district"].map(digits)).all()
    assert table["post"].str.fullmatch(r"\d{3}").all()
    for column in ("weight", "gun_weight"):
        assert (table[column] > 0).all() and table[column].sum() == pytest.approx(1, abs=1e-3)
    assert (table["radius_deg"] > 0).all() and (table["radius_deg"] < 0.02).all()
    assert (table["blocks"] != "").all()


def test_coordinates_inside_the_city_box(sample: pd.DataFrame) -> None:
    rows = _geocoded(sample)
    lat, lon = rows["Latitude"].astype(float), rows["Longitude"].astype(float)
    box = schema.CITY_BBOX
    assert lat.between(box["lat_min"], box["lat_max"]).all()
    assert lon.between(box["lon_min"], box["lon_max"]).all()
    assert (rows["GeoLocation"] == "(" + rows["Latitude"] + "," + rows["Longitude"] + ")").all()
    assert (rows["Post"].str[0] != "").all()


def _inside_share(rows: pd.DataFrame, column: str, geojson: Path, name_field: str) -> float:
    import shapely
    from shapely.geometry import shape

    features = json.loads(geojson.read_text())["features"]
    polygons = {
        schema.canonical_district(f["properties"][name_field]): shapely.make_valid(
            shape(f["geometry"])
        )
        for f in features
    }
    lat = rows["Latitude"].astype(float).to_numpy()
    lon = rows["Longitude"].astype(float).to_numpy()
    inside = np.zeros(len(rows), dtype=bool)
    for district, polygon in polygons.items():
        mine = (rows[column] == district).to_numpy()
        inside[mine] = shapely.contains_xy(polygon, lon[mine], lat[mine])
    return float(inside.mean())


def test_points_fall_inside_their_districts(sample: pd.DataFrame) -> None:
    new_lines = require_shared("boundaries", "police_districts_2023.geojson")
    old_lines = require_shared("boundaries", "Police_Districts.geojson")
    rows = _geocoded(sample)
    assert _inside_share(rows, "New_District", new_lines, "name") >= 0.97
    assert _inside_share(rows, "Old_District", old_lines, "Dist_Name") >= 0.97


def test_table_names_are_the_boundary_names() -> None:
    path = require_shared("boundaries", "neighborhoods.geojson")
    names = {f["properties"]["name"] for f in json.loads(path.read_text())["features"]}
    assert set(demo.load_neighborhoods()["name"]) == names


def test_committed_table_is_what_the_script_derives(tmp_path: Path) -> None:
    import importlib.util

    shared = require_shared("boundaries", "neighborhoods.geojson").parent.parent
    script = Path(__file__).resolve().parent.parent / "scripts" / "build_neighborhood_table.py"
    spec = importlib.util.spec_from_file_location("build_neighborhood_table", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    table, stats = module.build(shared)
    out = tmp_path / "neighborhoods.csv"
    table.to_csv(out, index=False, lineterminator="\n")
    committed = Path(demo.__file__).parents[1] / "reference" / "data" / "neighborhoods.csv"
    assert out.read_bytes() == committed.read_bytes()
    assert stats["all_located"] / stats["all_rows"] > 0.9


# --------------------------------------------------------------------------------------
# Dirty rows and the real pipeline
# --------------------------------------------------------------------------------------


def test_dirty_rows_are_few_and_as_documented(sample: pd.DataFrame) -> None:
    dirty = sample.attrs["dirty"]
    by_id = sample.set_index("RowID")
    assert 1 <= len(dirty["missing_date"]) <= len(sample) / 20_000
    assert (by_id.loc[dirty["missing_date"], "CrimeDateTime"] == "").all()
    assert (by_id.loc[dirty["zero_coordinates"], ["Latitude", "Longitude"]] == "0").all().all()
    assert (by_id.loc[dirty["zero_coordinates"], "New_District"] == "").all()
    ages = pd.to_numeric(by_id.loc[dirty["impossible_age"], "Age"])
    assert (~ages.between(schema.MIN_AGE, schema.MAX_AGE)).all()
    assert (sample["CrimeDateTime"] == "").sum() == len(dirty["missing_date"])
    assert (sample["Description"][sample["CrimeDateTime"] == ""] != "HOMICIDE").all()


def test_header_is_the_part1_crime_beta_layout(tmp_path: Path) -> None:
    from bmoredash import sources

    frame = demo.generate_demo(start=date(2022, 1, 2), end=date(2022, 1, 8))
    assert tuple(frame.columns) == demo.RAW_COLUMNS
    path = tmp_path / "demo.csv"
    frame.to_csv(path, index=False)
    assert sources.read_source(path).layout == "arcgis_part1_crime_beta"


def test_write_demo_ingests_through_the_real_path(data_dir: Path) -> None:
    from bmoredash import store

    end = date(2026, 11, 21)
    csv_path = demo.write_demo(data_dir, start=date(2026, 11, 1), end=end)
    assert csv_path == data_dir / "raw" / "demo_part1_crime.csv"
    frame = demo.generate_demo(start=date(2026, 11, 1), end=end)
    assert len(pd.read_csv(csv_path, dtype=str)) == len(frame)

    manifest = store.read_manifest(data_dir)
    assert manifest["demo"] is True
    assert manifest["data_through"] == end.isoformat()
    incidents = store.load_incidents(data_dir, offenses="all")
    assert len(incidents) == len(frame) - len(frame.attrs["dirty"]["missing_date"])
    assert incidents["offense"].notna().all()
    assert set(incidents["district"].dropna()) <= set(schema.DISTRICTS) | {"UNKNOWN"}
    homicides = (incidents["offense"] == "HOMICIDE").sum()
    assert homicides == (frame["Description"] == "HOMICIDE").sum()
    quality = store.read_quality(data_dir)
    text = json.dumps(quality)
    assert "missing_date" in text

    # run again with another end: the demo store is replaced, not merged
    demo.write_demo(data_dir, start=date(2026, 11, 8), end=end)
    assert len(store.load_incidents(data_dir, offenses="all")) < len(incidents)


def test_the_store_finds_the_gap_day(data_dir: Path) -> None:
    from bmoredash import coverage, store

    demo.write_demo(data_dir, start=date(2025, 7, 6), end=date(2025, 9, 27))
    found = coverage.from_manifest(store.read_manifest(data_dir)).gap_days
    assert found == {date(2025, 8, 15)}


def test_write_demo_never_overwrites_real_data(data_dir: Path) -> None:
    from bmoredash import ingest, sources, store

    frame = demo.generate_demo(start=date(2026, 11, 15), end=date(2026, 11, 21))
    path = data_dir / "real.csv"
    frame.to_csv(path, index=False)
    ingest.ingest_frames([sources.read_source(path)], data_dir, demo=False)
    with pytest.raises(store.StoreConflictError, match="real data"):
        demo.write_demo(data_dir, start=date(2026, 11, 15), end=date(2026, 11, 21))
    assert store.read_manifest(data_dir)["demo"] is False


def test_write_csv_writes_what_pandas_writes(tmp_path: Path) -> None:
    frame = demo.generate_demo(start=date(2024, 2, 25), end=date(2024, 3, 2))
    assert frame.attrs["dirty"]["missing_date"]  # the dirty rows are part of the check
    odd = pd.DataFrame(
        {
            "a": pd.Categorical(['say "hi"', "x,y", ""]),
            "b": pd.Series(["line\nbreak", "plain", ""], dtype="str"),
        }
    )
    for name, data in (("sample", frame), ("odd", odd)):
        mine, theirs = tmp_path / f"{name}-mine.csv", tmp_path / f"{name}-pandas.csv"
        demo.write_csv(data, mine, chunk=500)
        data.to_csv(theirs, index=False, lineterminator="\n")
        assert mine.read_bytes() == theirs.read_bytes(), name


def test_write_demo_replaces_an_old_schema_demo_store(data_dir: Path) -> None:
    from bmoredash import config, store

    window = {"start": date(2026, 11, 15), "end": date(2026, 11, 21)}
    demo.write_demo(data_dir, **window)
    pointer = data_dir / config.MANIFEST_FILE
    manifest = json.loads(pointer.read_text())
    manifest["schema_version"] = -1
    pointer.write_text(json.dumps(manifest))
    with pytest.raises(store.StoreSchemaError):
        store.read_manifest(data_dir)
    demo.write_demo(data_dir, **window)
    assert store.read_manifest(data_dir)["demo"] is True
