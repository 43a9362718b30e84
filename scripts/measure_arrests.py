"""Measure the real arrest samples and print the demo's arrest calibration tables.

    .venv/bin/python scripts/measure_arrests.py [--shared DIR]

``--shared``: the real samples (default ``../shared/data/baltimore``, or
``$BMOREDASH_SHARED_DATA``). Reads ``arrests/BPD_Arrests.csv`` (the legacy Open Baltimore
file, 27,195 rows, 2017-01-01 to 2018-02-17) and, for the yearly trend and as a cross-check,
``arrests/more_arrests_usf_rows_000001-030000.csv`` (ArcGIS generation; its 30,000 rows are
16 October to 31 December of each year 2014-2020, so November + December are whole months).

Prints every ``ARREST_*`` table of ``bmoredash/demo/calibration.py`` as a Python literal;
``measure`` returns them, and tests/test_demo_arrests.py checks that the committed tables
are what this script measures. Plain pandas on the raw text; charge groups from the
project's shipped charge table (``bmoredash.arrests.charge_groups``).
"""

from __future__ import annotations

import argparse
import os
import pprint
from pathlib import Path

import pandas as pd

from bmoredash.arrests import charge_groups
from bmoredash.schema import CITY_BBOX

PROJECT_DIR = Path(__file__).resolve().parent.parent
SHARED = Path(
    os.environ.get("BMOREDASH_SHARED_DATA", PROJECT_DIR.parent / "shared" / "data" / "baltimore")
)
LEGACY = ("arrests", "BPD_Arrests.csv")
ARCGIS = ("arrests", "more_arrests_usf_rows_000001-030000.csv")

#: Codes kept per charge group, and description spellings kept per code (commonest first):
#: the rest of a group's rows are spread over its kept codes (the group share is exact).
TOP_CODES = 10
TOP_SPELLINGS = 4
#: Incident offense values kept per charge group (commonest first).
TOP_INCIDENTS = 6
#: The placeholder coordinates of a failed geocode (``Location 1`` = ``(39, -77)``).
DEFAULT_POINT = ("39", "-77")


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _blank(values: pd.Series) -> pd.Series:
    return values.str.strip() == ""


def _place_kinds(d: pd.DataFrame) -> pd.Series:
    """Each row's place: placed (district, coordinates in the city box), default_point
    (district, coordinates 39 / -77: a failed geocode), county (no district, coordinates
    outside the city: 1200 NORTH AVE at 39.253776 / -76.696666, Woodlawn, is in the box but
    not in the city), unplaced (no district, no coordinates); anything else ``other``
    (none in the legacy file)."""
    lat = pd.to_numeric(d["Latitude"], errors="coerce")
    lon = pd.to_numeric(d["Longitude"], errors="coerce")
    inside = lat.between(CITY_BBOX["lat_min"], CITY_BBOX["lat_max"]) & lon.between(
        CITY_BBOX["lon_min"], CITY_BBOX["lon_max"]
    )
    district = ~_blank(d["District"])
    coords = lat.notna() & lon.notna()
    default = (d["Latitude"] == DEFAULT_POINT[0]) & (d["Longitude"] == DEFAULT_POINT[1])
    kind = pd.Series("other", index=d.index)
    kind[district & coords & inside] = "placed"
    kind[district & default] = "default_point"
    kind[~district & coords] = "county"
    kind[~district & ~coords] = "unplaced"
    return kind


def measure(shared: Path = SHARED) -> dict[str, object]:
    """Every arrest calibration table, measured on the two samples."""
    d = _read(shared.joinpath(*LEGACY))
    a = _read(shared.joinpath(*ARCGIS))
    out: dict[str, object] = {"ARREST_ROWS": len(d)}

    date = pd.to_datetime(d["ArrestDate"], format="%m/%d/%Y")
    in_2017 = date.dt.year == 2017
    out["ARREST_ROWS_2017"] = int(in_2017.sum())
    adate = pd.to_datetime(a["ArrestDateTime"], format="%Y-%m-%d")
    nov_dec = adate.dt.month >= 11
    out["ARREST_NOV_DEC"] = {
        int(y): int(n) for y, n in adate[nov_dec].dt.year.value_counts().sort_index().items()
    }
    out["ARREST_NOV_DEC_LEGACY_2017"] = int((in_2017 & (date.dt.month >= 11)).sum())
    per_month = date[in_2017].dt.month.value_counts().sort_index()
    days = pd.Series([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], index=range(1, 13))
    per_day = per_month / days
    out["ARREST_MONTHS"] = tuple(round(float(v), 3) for v in per_day / per_day.mean())
    weekday = date.dt.day_of_week.value_counts().sort_index()
    out["ARREST_WEEKDAYS"] = tuple(round(float(v), 3) for v in weekday / weekday.mean())

    hour = d["ArrestTime"].str.split(":").str[0].astype(int)
    minute = d["ArrestTime"].str.split(":").str[1]
    out["ARREST_HOURS"] = tuple(int(hour.eq(h).sum()) for h in range(24))
    out["ARREST_MINUTES"] = {
        "00": int(minute.eq("00").sum()),
        "30": int(minute.eq("30").sum()),
        "rows": len(d),
    }
    short = d["ArrestTime"].str.len() == 4
    out["ARREST_SHORT_TIME"] = {"short": int(short.sum()), "before_10": int((hour < 10).sum())}

    age = d["Age"].str.strip()
    ages = pd.to_numeric(age[age != ""]).astype(int).value_counts().sort_index()
    out["ARREST_AGES"] = {int(k): int(v) for k, v in ages.items()}
    out["ARREST_AGE_BLANK"] = int((age == "").sum())
    out["ARREST_SEX"] = {k: int(v) for k, v in d["Sex"].value_counts().items()}
    out["ARREST_RACE"] = {k: int(v) for k, v in d["Race"].value_counts().items()}

    district = d.loc[~_blank(d["District"]), "District"].str.upper().value_counts().sort_index()
    out["ARREST_DISTRICTS"] = {k: int(v) for k, v in district.items()}

    numbered = ~_blank(d["Arrest"])
    blank_charge = _blank(d["Charge"])
    kind = _place_kinds(d)
    out["ARREST_PLACES"] = {
        "numbered": {k: int(v) for k, v in kind[numbered].value_counts().items()},
        "unnumbered": {k: int(v) for k, v in kind[~numbered].value_counts().items()},
    }
    out["ARREST_UNNUMBERED"] = {
        "rows": int((~numbered).sum()),
        "blank_charge": int((~numbered & blank_charge).sum()),
    }
    per_arrest = d.loc[numbered, "Arrest"].value_counts()
    out["ARREST_ROWS_PER_ARREST"] = {int(k): int(v) for k, v in per_arrest.value_counts().items()}
    copies = d.duplicated(keep=False)
    groups = d[copies].groupby(list(d.columns)).size()
    group_numbered = d[copies].groupby(list(d.columns))["Arrest"].first().str.strip() != ""
    out["ARREST_COPY_GROUPS"] = {
        "unnumbered": {
            int(k): int(v) for k, v in groups[~group_numbered].value_counts().sort_index().items()
        },
        "numbered": {
            int(k): int(v) for k, v in groups[group_numbered].value_counts().sort_index().items()
        },
    }
    out["ARREST_DUPLICATES"] = int(d.duplicated().sum())

    code = d["Charge"].str.strip()
    group = charge_groups(code.where(code != ""))
    group[blank_charge] = "blank"
    out["ARREST_GROUP_ROWS"] = {
        g: int(n) for g, n in group[numbered].value_counts().sort_index().items()
    }
    table: dict[str, dict[str, tuple[int, dict[str, int]]]] = {}
    for g in sorted(set(group) - {"blank"}):
        rows = d[group == g]
        top = rows["Charge"].value_counts().head(TOP_CODES)
        table[g] = {
            c: (
                int(n),
                {
                    s: int(k)
                    for s, k in rows.loc[rows["Charge"] == c, "ChargeDescription"]
                    .value_counts()
                    .head(TOP_SPELLINGS)
                    .items()
                },
            )
            for c, n in top.items()
        }
    out["ARREST_CODES"] = table
    blank_text = d.loc[numbered & blank_charge, "ChargeDescription"].value_counts()
    out["ARREST_BLANK_CHARGE_TEXT"] = {s: int(k) for s, k in blank_text.head(TOP_SPELLINGS).items()}
    out["ARREST_SPELLINGS"] = {
        "codes": int(code[code != ""].nunique()),
        "descriptions": int(d.loc[code != "", "ChargeDescription"].nunique()),
        "max_per_code": int(d[code != ""].groupby("Charge")["ChargeDescription"].nunique().max()),
    }
    out["ARREST_INCIDENTS"] = {
        g: {
            s: int(k)
            for s, k in d.loc[numbered & (group == g), "IncidentOffense"]
            .value_counts()
            .head(TOP_INCIDENTS)
            .items()
        }
        for g in sorted(set(group))
    }

    # Cross-check on the ArcGIS sample (not used by the generator).
    a_numbered = ~_blank(a["ArrestNumber"])
    out["ARREST_ARCGIS_CHECK"] = {
        "rows": len(a),
        "no_district": int(_blank(a["District"]).sum()),
        "no_arrest_number": int((~a_numbered).sum()),
        "blank_charge": int(_blank(a["Charge"]).sum()),
        "duplicates_but_rowid": int(a.drop(columns=["RowID"]).duplicated().sum()),
        "arrests_with_several_rows": int(
            (a.loc[a_numbered, "ArrestNumber"].value_counts() > 1).sum()
        ),
        "male": int((a["Gender"] == "M").sum()),
        "black": int((a["Race"] == "B").sum()),
    }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    args = parser.parse_args()
    for name, value in measure(args.shared).items():
        print(f"{name} = {pprint.pformat(value, width=96, sort_dicts=False)}\n")


if __name__ == "__main__":
    main()
