"""Derive ``bmoredash/reference/data/neighborhoods.csv`` from the shared Baltimore samples.

The demo generator must run without ``../shared`` and without a network, so the few
facts it needs about each of the 278 Neighborhood Statistical Areas are distilled here
once and committed as a small table:

- ``name``: the NSA name as spelled in ``boundaries/neighborhoods.geojson`` (title case).
- ``district`` / ``old_district``: the 2023 and the 1959-2022 police district that contains
  the neighborhood's representative point (canonical upper-case names).
- ``post``: a three-digit post whose first digit is the 2023 district's number. Real post
  polygons are not in the samples (SOURCES.md), so posts are assigned here: the district's
  neighborhoods are split into four sectors by bearing from the district centroid and
  numbered outward within a sector. Illustrative, not BPD's post map.
- ``type``, ``acres``: as published with the polygons.
- ``centroid_lat`` / ``centroid_lon``: the polygon centroid (6 decimals).
- ``center_lat`` / ``center_lon`` / ``radius_deg``: where the generator scatters points. The
  center is the pole of inaccessibility of (neighborhood ∩ its 2023 district ∩ its old
  district), so it is inside all three; the radius (degrees of latitude; longitude offsets
  are divided by cos(latitude)) starts at the equal-area radius and shrinks until at least
  98% of a fixed disc sample falls inside that intersection.
- ``weight``: share of all crime rows (legacy 2016/2018/2019 samples and the 2025-2026
  Baltimore Sun extract) located in the neighborhood, smoothed with a floor.
- ``gun_weight``: the same for homicide and shooting rows (plus the 2017-2022 homicide
  export), which are far more concentrated than property crime.
- ``blocks``: up to eight block addresses seen in the samples for the neighborhood, most
  frequent first, joined with ``|``.

Population is not in the shared samples (the NSA and CSA files carry no population), so
the table has no population column.

Run: ``.venv/bin/python scripts/build_neighborhood_table.py [--shared DIR] [--out CSV]``.
``--calibration`` also prints the offense mix, hour/weekday/month profiles and victim
distributions that ``bmoredash/demo/calibration.py`` embeds as constants.
"""

from __future__ import annotations

import argparse
import json
import math
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape
from shapely.ops import polylabel

from bmoredash.schema import CITY_BBOX, canonical_district

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = PROJECT.parent / "shared" / "data" / "baltimore"
DEFAULT_OUT = PROJECT / "bmoredash" / "reference" / "data" / "neighborhoods.csv"

DISTRICT_DIGIT = {
    "CENTRAL": 1,
    "SOUTHEAST": 2,
    "EASTERN": 3,
    "NORTHEAST": 4,
    "NORTHERN": 5,
    "NORTHWEST": 6,
    "WESTERN": 7,
    "SOUTHWEST": 8,
    "SOUTHERN": 9,
}

# NOTE: crime rows use names the NSA polygons do not: renamed NSAs (the Sun's own script
# maps PARKVIEW/WOODBROOK -> AUCHENTOROLY-PARKWOOD etc. around Oct 2024, so the polygons
# carry the old names) and spelling variants. Keys are normalised (see ``_key``).
NAME_ALIASES = {
    "AUCHENTOROLYPARKWOOD": "PARKVIEWWOODBROOK",
    "MOUNTCLARE": "NEWSOUTHWESTMOUNTCLARE",
    "HAMILTON": "GLENHAMBELHAR",
    "GLENHAMBELFORD": "GLENHAMBELHAR",
    "WASHINGTONVILLAGE": "WASHINGTONVILLAGEPIGTOWN",
    "PENROSEFAYETTESTOUTREACH": "PENROSEFAYETTESTREETOUTREACH",
    "PENFALLSWAY": "PENNFALLSWAY",
    "FEDERALHILLMONTGOM": "FEDERALHILL",
    "COPPINHEIGHTSASHBU": "COPPINHEIGHTSASHCOEAST",
    "PLEASENTVIEWGARDENS": "PLEASANTVIEWGARDENS",
    "MIDDLEBRANCHREEBIRDPARKS": "MIDDLEBRANCHREEDBIRDPARKS",
}

SAMPLE_POINTS = 400
INSIDE_TARGET = 0.98
FLOOR_SHARE = 0.15  # floor added to every count, as a share of the median count


def _key(name: object) -> str:
    if not isinstance(name, str):
        return ""
    return re.sub(r"[^A-Z0-9]", "", name.upper())


def _load_polygons(path: Path, name_field: str) -> tuple[list[str], list]:
    data = json.loads(path.read_text())
    names, geoms = [], []
    for feat in data["features"]:
        geom = shapely.make_valid(shape(feat["geometry"]))
        names.append(feat["properties"][name_field])
        geoms.append(geom)
    return names, geoms


def _locate(geoms: list, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Index of the polygon containing each point, -1 where none does."""
    out = np.full(len(lon), -1, dtype=np.int64)
    for i, geom in enumerate(geoms):
        shapely.prepare(geom)
        inside = shapely.contains_xy(geom, lon, lat) & (out < 0)
        out[inside] = i
    return out


def _disc(n: int) -> tuple[np.ndarray, np.ndarray]:
    """A fixed, evenly spread unit-disc sample (sunflower pattern, no randomness)."""
    k = np.arange(n) + 0.5
    r = np.sqrt(k / n)
    theta = k * math.pi * (3 - math.sqrt(5))
    return r * np.cos(theta), r * np.sin(theta)


def _scatter_circle(region) -> tuple[float, float, float]:
    """Center and radius (degrees of latitude) whose disc stays inside ``region``."""
    pieces = list(getattr(region, "geoms", [region]))
    polys = [p for p in pieces if p.geom_type == "Polygon" and p.area > 0]
    piece = max(polys, key=lambda p: p.area)
    center = polylabel(piece, tolerance=1e-6)
    cx, cy = center.x, center.y
    coslat = math.cos(math.radians(cy))
    radius = math.sqrt(piece.area * coslat / math.pi)
    dx, dy = _disc(SAMPLE_POINTS)
    shapely.prepare(region)
    while radius > 1e-5:
        xs = cx + radius * dx / coslat
        ys = cy + radius * dy
        if shapely.contains_xy(region, xs, ys).mean() >= INSIDE_TARGET:
            break
        radius *= 0.93
    return cy, cx, radius


def _assign_posts(table: pd.DataFrame) -> pd.Series:
    posts = pd.Series("", index=table.index)
    for district, group in table.groupby("district"):
        digit = DISTRICT_DIGIT[district]
        clat, clon = group["centroid_lat"].mean(), group["centroid_lon"].mean()
        bearing = np.degrees(
            np.arctan2(group["centroid_lat"] - clat, (group["centroid_lon"] - clon) * 0.774)
        )
        sector = (((bearing + 360) % 360) // 90).astype(int) + 1
        dist = np.hypot(group["centroid_lat"] - clat, (group["centroid_lon"] - clon) * 0.774)
        for s in sorted(set(sector)):
            members = group.index[sector == s]
            order = dist.loc[members].sort_values(kind="stable").index
            # up to five posts per sector; neighborhoods share posts when there are more
            n_posts = min(5, len(order))
            for j, idx in enumerate(order):
                posts.loc[idx] = f"{digit}{s}{j * n_posts // len(order) + 1}"
    return posts


# --------------------------------------------------------------------------------------
# Crime samples: (neighborhood name, lat, lon, location, offense kind) per row
# --------------------------------------------------------------------------------------


def _frame(name, lat, lon, location, gun) -> pd.DataFrame:
    n = len(name)

    def column(values, numeric: bool) -> np.ndarray:
        if values is None or np.isscalar(values):
            values = [values] * n
        series = pd.Series(list(values) if not isinstance(values, pd.Series) else values)
        if numeric:
            return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
        return series.astype(object).to_numpy()

    return pd.DataFrame(
        {
            "name": column(name, False),
            "lat": column(lat, True),
            "lon": column(lon, True),
            "location": column(location, False),
            "gun": np.broadcast_to(np.asarray(gun, dtype=bool), (n,)).copy(),
        }
    )


def _crime_samples(shared: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(all-crime rows, homicide/shooting rows) from the legacy and Sun samples."""
    crime = shared / "crime"
    frames = []

    d = pd.read_csv(crime / "legacy" / "Baltimore_2019_Crime_Only.csv", dtype=str)
    gun = d["Description"].isin(["HOMICIDE", "SHOOTING"])
    frames.append(_frame(d["Neighborhood"], np.nan, np.nan, d["Location"], gun))

    for fname in ("crimes_socrata_2019.json", "4ih5-d5d5.json"):
        d = pd.DataFrame(json.loads((crime / "legacy" / fname).read_text()))
        gun = d["crimecode"].fillna("").str.match(r"^(1[AKO]|9S)$")
        frames.append(
            _frame(d["neighborhood"], d.get("latitude"), d.get("longitude"), d["location"], gun)
        )

    d = pd.read_csv(crime / "legacy" / "INSERT_JUNE_1_TO_18_2016_v2.csv", dtype=str)
    gun = d["crimeCode"].fillna("").str.match(r"^(1[AKO]|9S)$")
    frames.append(_frame(d["neighborhood"], d["lat"], d["lon"], d["location"], gun))

    sun_path = next((crime / "baltimore_sun").glob("*.csv"))
    d = pd.read_csv(sun_path, dtype=str, keep_default_na=False)
    gun = d["description"].isin(["Homicide", "Shooting"])
    frames.append(_frame(d["neighborhood"], d["latitude"], d["longitude"], d["location"], gun))
    all_rows = pd.concat(frames, ignore_index=True)

    # Homicide-only files count toward gun_weight only.
    extra = []
    d = pd.read_csv(crime / "legacy" / "crimedata_final_homicides_2020.csv", dtype=str)
    extra.append(_frame(d["Neighborhood"], d["Latitude"], d["Longitude"], d["Location"], True))
    export = next((crime / "current").glob("Part1_Crime_data_homicides_export_*.csv"))
    d = pd.read_csv(export, dtype=str, encoding="utf-8-sig")
    extra.append(_frame(d["Neighborhood"], d["Latitude"], d["Longitude"], d["Location"], True))
    gun_rows = pd.concat([all_rows[all_rows["gun"]], *extra], ignore_index=True)
    return all_rows, gun_rows


def _assign_neighborhoods(rows: pd.DataFrame, names: list[str], geoms: list) -> np.ndarray:
    """Neighborhood index per row: point-in-polygon when geocoded, else by name."""
    b = CITY_BBOX
    lat, lon = rows["lat"].to_numpy(), rows["lon"].to_numpy()
    ok = (lat > b["lat_min"]) & (lat < b["lat_max"]) & (lon > b["lon_min"]) & (lon < b["lon_max"])
    idx = np.full(len(rows), -1, dtype=np.int64)
    idx[ok] = _locate(geoms, lon[ok], lat[ok])

    by_key = {_key(n): i for i, n in enumerate(names)}
    for alias, target in NAME_ALIASES.items():
        by_key[alias] = by_key[target]
    lookup: dict[str, int] = {}
    for raw in rows.loc[idx < 0, "name"].dropna().unique():
        key = _key(raw)
        if key in by_key:
            lookup[raw] = by_key[key]
        elif len(key) >= 18:
            # NOTE: the Socrata 4ih5-d5d5 rows truncate names at 25 characters.
            hits = [i for k, i in by_key.items() if k.startswith(key)]
            if len(hits) == 1:
                lookup[raw] = hits[0]
    by_name = rows["name"].map(lookup).fillna(-1).astype(np.int64).to_numpy()
    return np.where(idx >= 0, idx, by_name)


def _smoothed(counts: np.ndarray) -> np.ndarray:
    floor = max(1.0, FLOOR_SHARE * float(np.median(counts)))
    w = counts + floor
    return w / w.sum()


def _top_blocks(rows: pd.DataFrame, nbhd: np.ndarray, n: int) -> list[str]:
    loc = rows["location"].fillna("").str.strip().str.upper().str.replace(r"\s+", " ", regex=True)
    keep = (nbhd >= 0) & loc.str.match(r"^\d+ [A-Z0-9]").to_numpy()
    counter: dict[int, Counter] = {}
    for i, block in zip(nbhd[keep], loc[keep], strict=True):
        counter.setdefault(int(i), Counter())[block] += 1
    out = []
    for i in range(n):
        c = counter.get(i, Counter())
        top = sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:8]
        out.append("|".join(block for block, _ in top))
    return out


def build(shared: Path) -> tuple[pd.DataFrame, dict]:
    bounds = shared / "boundaries"
    names, geoms = _load_polygons(bounds / "neighborhoods.geojson", "name")
    props = [
        f["properties"]
        for f in json.loads((bounds / "neighborhoods.geojson").read_text())["features"]
    ]
    new_names, new_geoms = _load_polygons(bounds / "police_districts_2023.geojson", "name")
    old_names, old_geoms = _load_polygons(bounds / "Police_Districts.geojson", "Dist_Name")

    reps = [g.representative_point() for g in geoms]
    rx = np.array([p.x for p in reps])
    ry = np.array([p.y for p in reps])
    new_idx = _locate(new_geoms, rx, ry)
    old_idx = _locate(old_geoms, rx, ry)
    assert (new_idx >= 0).all() and (old_idx >= 0).all(), "representative point outside districts"

    records = []
    for i, (name, geom) in enumerate(zip(names, geoms, strict=True)):
        region = shapely.make_valid(
            geom.intersection(new_geoms[new_idx[i]]).intersection(old_geoms[old_idx[i]])
        )
        center_lat, center_lon, radius = _scatter_circle(region)
        centroid = geom.centroid
        records.append(
            {
                "name": name,
                "district": canonical_district(new_names[new_idx[i]]),
                "old_district": canonical_district(old_names[old_idx[i]]),
                "type": props[i].get("type") or "",
                "acres": round(float(props[i].get("acres") or 0.0), 1),
                "centroid_lat": round(centroid.y, 6),
                "centroid_lon": round(centroid.x, 6),
                "center_lat": round(center_lat, 6),
                "center_lon": round(center_lon, 6),
                "radius_deg": round(radius, 6),
            }
        )
    table = pd.DataFrame.from_records(records)
    table.insert(3, "post", _assign_posts(table))

    all_rows, gun_rows = _crime_samples(shared)
    all_idx = _assign_neighborhoods(all_rows, names, geoms)
    gun_idx = _assign_neighborhoods(gun_rows, names, geoms)
    all_counts = np.bincount(all_idx[all_idx >= 0], minlength=len(names)).astype(float)
    gun_counts = np.bincount(gun_idx[gun_idx >= 0], minlength=len(names)).astype(float)
    table["weight"] = np.round(_smoothed(all_counts), 6)
    table["gun_weight"] = np.round(_smoothed(gun_counts), 6)
    table["blocks"] = _top_blocks(all_rows, all_idx, len(names))

    unlocated = all_rows.loc[all_idx < 0, "name"]
    stats = {
        "all_rows": len(all_rows),
        "all_located": int((all_idx >= 0).sum()),
        "gun_rows": len(gun_rows),
        "gun_located": int((gun_idx >= 0).sum()),
        "zero_count_neighborhoods": int((all_counts == 0).sum()),
        "zero_gun_neighborhoods": int((gun_counts == 0).sum()),
        "without_blocks": int((table["blocks"] == "").sum()),
        "unlocated_names": Counter(unlocated.fillna("<blank>")).most_common(40),
    }
    return table.sort_values("name", kind="stable").reset_index(drop=True), stats


# --------------------------------------------------------------------------------------
# Calibration figures embedded in bmoredash/demo/calibration.py
# --------------------------------------------------------------------------------------

LEGACY_FAMILY = {
    "HOMICIDE": "homicide",
    "SHOOTING": "shooting",
    "RAPE": "rape",
    "ROBBERY - STREET": "robbery_street",
    "ROBBERY - CARJACKING": "carjacking",
    "ROBBERY - COMMERCIAL": "robbery_commercial",
    "ROBBERY - RESIDENCE": "robbery_residence",
    "AGG. ASSAULT": "agg_assault",
    "COMMON ASSAULT": "common_assault",
    "BURGLARY": "burglary",
    "LARCENY FROM AUTO": "larceny_from_auto",
    "AUTO THEFT": "auto_theft",
    "ARSON": "arson",
}
SUN_FAMILY = {
    "Homicide": "homicide",
    "Shooting": "shooting",
    "Rape": "rape",
    "Robbery": "robbery_street",
    "Robbery - carjacking": "carjacking",
    "Robbery - commercial": "robbery_commercial",
    "Aggravated assault": "agg_assault",
    "Burglary": "burglary",
    "Larceny": "larceny",
    "Shoplifting": "shoplifting",
    "Larceny of motor vehicle parts or accessories": "auto_parts",
    "Larceny from auto": "larceny_from_auto",
    "Auto theft": "auto_theft",
    "Arson": "arson",
}


def calibration(shared: Path) -> None:
    crime = shared / "crime"
    leg = pd.read_csv(crime / "legacy" / "Baltimore_2019_Crime_Only.csv", dtype=str)
    fam = leg["Description"].map(LEGACY_FAMILY)
    fam = fam.where(leg["CrimeCode"] != "6C", "shoplifting")
    fam = fam.where(leg["CrimeCode"] != "6E", "auto_parts")
    fam = fam.fillna("larceny")
    print(
        "legacy 2019 H1 family shares:", (fam.value_counts(normalize=True) * 100).round(2).to_dict()
    )
    print("legacy 2019 H1 code counts:", leg.groupby(fam)["CrimeCode"].value_counts().to_dict())
    hour = pd.to_numeric(leg["CrimeTime"].str[:2], errors="coerce")
    print("hour % by family:")
    print((pd.crosstab(hour, fam, normalize="columns") * 100).round(1).T.to_string())
    dow = pd.to_datetime(leg["CrimeDate"], format="%m/%d/%Y").dt.day_of_week
    print((pd.crosstab(dow, fam, normalize="columns") * 7).round(2).T.to_string())
    minute = leg["CrimeTime"].str[3:5]
    print("minute :00", round((minute == "00").mean(), 3), ":30", round((minute == "30").mean(), 3))

    sun_path = next((crime / "baltimore_sun").glob("*.csv"))
    sun = pd.read_csv(sun_path, dtype=str, keep_default_na=False)
    sfam = sun["description"].map(SUN_FAMILY)
    print("sun family shares:", (sfam.value_counts(normalize=True) * 100).round(2).to_dict())
    missing = {"NA", "None reported", "None Reported", ""}
    for col in ("gender", "race", "ethnicity", "premise_type"):
        val = sun[col].where(~sun[col].isin(missing), "<missing>")
        print(f"{col} % by family:")
        print((pd.crosstab(sfam, val, normalize="index") * 100).round(1).to_string())
    age = pd.to_numeric(sun["age"], errors="coerce")
    q = [0.01, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.99]
    print("age quantiles:", age.groupby(sfam).quantile(q).unstack().round(0).to_string())
    print("age missing:", age.isna().groupby(sfam).mean().round(3).to_dict())

    daily = pd.read_csv(
        shared / "aggregates" / "baltimore_crime_daily_totals.csv", parse_dates=["date"]
    )
    daily = daily[daily["date"].dt.year.between(2012, 2019)]
    print("yearly totals:", daily.groupby(daily["date"].dt.year)["total_incidents"].sum().to_dict())
    month = daily.groupby(daily["date"].dt.month)["total_incidents"].mean()
    print("month factor (all):", (month / month.mean()).round(3).to_dict())
    hv = pd.read_csv(
        shared / "shootings_homicides" / "baltimore-homicide-victims_redacted.csv", dtype=str
    )
    hmon = pd.to_datetime(hv["date"], errors="coerce").dt.month.value_counts().sort_index()
    days = np.array([31, 28.25, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    per_day = hmon.to_numpy() / days
    print(
        "month factor (homicide):",
        dict(zip(range(1, 13), np.round(per_day / per_day.mean(), 3), strict=True)),
    )
    victims_per_incident(leg, fam, sun, sfam)
    nonfatal_shootings(shared)


def _incident_sizes(frame: pd.DataFrame, family: pd.Series, columns: list[str]) -> pd.DataFrame:
    """One row per incident (rows equal on ``columns`` and family): family and victims ``k``."""
    keyed = frame[columns].assign(family=family.to_numpy())
    return keyed.groupby([*columns, "family"], dropna=False).size().rename("k").reset_index()


def _print_sizes(label: str, sizes: pd.DataFrame) -> None:
    print(f"victims per incident, {label}:")
    print("  family: incidents, % with 2+ victims, {victims: incidents}")
    for family, part in sizes.groupby("family"):
        multi = (part["k"] >= 2).mean() * 100
        counts = part["k"].value_counts().sort_index().to_dict()
        print(f"  {family}: {len(part)}, {multi:.2f}%, {counts}")
    gun = sizes["family"].isin(["homicide", "shooting"])
    for name, part in (("gun", sizes[gun]), ("other", sizes[~gun])):
        tail = part.loc[part["k"] >= 2, "k"].clip(upper=6).value_counts(normalize=True)
        print(f"  {name}: victims given 2+ (6 = 6 or more):", (tail.sort_index() * 100).round(1))


def victims_per_incident(
    leg: pd.DataFrame, fam: pd.Series, sun: pd.DataFrame, sfam: pd.Series
) -> None:
    """Several victims per incident (the demo's ``Family.multi``).

    The legacy rows have no victim columns, so the victims of one incident are identical
    rows: an incident is a group of rows equal on every column. The Sun rows carry gender,
    age, race and ethnicity per victim: an incident is a group equal on every other column.
    NOTE: two separate incidents at the same block, minute and offense are merged too, in
    both samples (rare outside property crime reported on the hour).
    """
    _print_sizes("legacy 2019 H1 (identical rows)", _incident_sizes(leg, fam, list(leg.columns)))
    victim = ["gender", "age", "race", "ethnicity"]
    incident = [c for c in sun.columns if c not in victim]
    _print_sizes(
        "Sun 2025-2026 (equal but for the victim columns)", _incident_sizes(sun, sfam, incident)
    )
    copies = sun.duplicated()
    extra = sun.duplicated(incident)
    print(
        f"  Sun exact copies: {int(copies.sum())} of {len(sun)} rows; "
        f"{int(extra.sum())} rows are a further victim of an incident"
    )


def nonfatal_shootings(shared: Path) -> None:
    """Non-fatal shooting victims per year, 2012 to July 2017 (The Trace / BuzzFeed BPD
    records), and how many victims their cases have (the demo's ``SHOOTINGS``)."""
    persons = pd.read_csv(
        shared / "shootings_homicides" / "baltimore-shootings-persons.csv", dtype=str
    )
    victims = persons[persons["DESCRIPTION"] == "VICTIM"].drop_duplicates()
    nonfatal = victims[victims["vict_type_generic"] == "NON FATAL SHOOTING"]
    day = pd.to_datetime(nonfatal["CASE_DATE"])
    print("non-fatal shooting victims per year:", day.dt.year.value_counts().sort_index().to_dict())
    print("  last date:", day.max().date())
    k = nonfatal.groupby("CASE_NUMBER").size()
    print(
        f"  cases {len(k)}, {(k >= 2).mean() * 100:.2f}% with 2+ non-fatal victims,",
        k.value_counts().sort_index().to_dict(),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--calibration", action="store_true")
    args = parser.parse_args()
    table, stats = build(args.shared)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out, index=False, lineterminator="\n")
    print(f"wrote {len(table)} neighborhoods to {args.out}")
    for k, v in stats.items():
        print(f"  {k}: {v}")
    print(table.groupby("district").size().to_dict())
    if args.calibration:
        calibration(args.shared)


if __name__ == "__main__":
    main()
