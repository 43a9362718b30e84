"""Build the simplified boundaries shipped in ``bmoredash/reference/data/boundaries/``.

The dashboard and report maps need outlines on a fresh clone, without ``bmoredash fetch``;
the full-detail files are too big to ship, so this script simplifies the shared
samples (``../shared/data/baltimore/boundaries/``) to about 1/30 of their size and keeps only
the name, spelt as the store spells it. Run it again after a source file changes:

    .venv/bin/python scripts/build_reference_boundaries.py [--shared DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping, shape

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from bmoredash.reference.boundaries import SHIPPED_FILES  # noqa: E402
from bmoredash.schema import (  # noqa: E402
    UNKNOWN_DISTRICT,
    UNKNOWN_NEIGHBORHOOD,
    canonical_district,
    canonical_neighborhood,
)

DEFAULT_SHARED = PROJECT.parent / "shared" / "data" / "baltimore" / "boundaries"
DEFAULT_OUT = PROJECT / "bmoredash" / "reference" / "data" / "boundaries"
DECIMALS = 5  # about 1 m at Baltimore's latitude, far below the simplification tolerance

#: Coverage simplification tolerance in degrees (shapely.coverage_simplify,
#: Visvalingam-Whyatt: roughly the side of the smallest triangle kept). 0.0003 deg is about
#: 30 m: invisible at city zoom, still clear at neighborhood zoom, and the first five files
#: come to about 290 KB (0.0002: 350 KB; 0.0004: 250 KB but small neighborhoods lose their
#: shape); the Council and legislative districts add about 125 KB (410 KB in all).
TOLERANCE = 0.0003


def _city_name(props: dict[str, Any]) -> str:
    return "Baltimore"


def _csa_name(props: dict[str, Any]) -> str:
    return " ".join(str(props["name"]).split())


def _district_name(props: dict[str, Any]) -> str:
    name = canonical_district(props["name"])
    if name == UNKNOWN_DISTRICT:
        raise ValueError(f"district name {props['name']!r} has no canonical spelling")
    return name


def _neighborhood_name(props: dict[str, Any]) -> str:
    name = canonical_neighborhood(props["name"])
    if name == UNKNOWN_NEIGHBORHOOD:
        raise ValueError(f"neighborhood name {props['name']!r} has no canonical spelling")
    return name


def _council_name(props: dict[str, Any]) -> str:
    """``"1"``..``"14"``: the 2024 layer has ``AREA_NAME``, mapbaltimore's 2011 one ``id``."""
    raw = props.get("AREA_NAME", props.get("id"))
    name = str(raw).replace("District", "").strip()
    if not name.isdigit() or not 1 <= int(name) <= 14:
        raise ValueError(f"council district {raw!r} is not 1..14")
    return str(int(name))


def _legislative_name(props: dict[str, Any]) -> str:
    """``"40"``, ``"43A"``: the id as published, upper case, no spaces."""
    name = "".join(str(props["id"]).split()).upper()
    if not re.fullmatch(r"\d{2}[A-C]?", name):
        raise ValueError(f"legislative district {props['id']!r} is not like 40 or 43A")
    return name


# NOTE: two copies of the 1959-2022 district lines are shared. Police_Districts.geojson (the
# Trace/BuzzFeed shapefile, the first name install_from accepts) has two invalid polygons
# (self-intersecting rings); mapbaltimore's copy has the same lines, repaired, so it is used.
# NOTE: the CSA file is mapbaltimore's copy of BNIA's 2010 CSAs (55 + "Unassigned -- Jail",
# the city jail block, kept so the coverage has no hole); the city line is mapbaltimore's
# Census-based polygon, not the coarse cityline-baltimore.geojson (a few vertices).
#: shipped key -> (shared source file, name rule)
SOURCES: dict[str, tuple[str, Callable[[dict[str, Any]], str]]] = {
    "police_districts_pre2023": (
        "police_districts_1959_2022_mapbaltimore.geojson",
        _district_name,
    ),
    "police_districts_2023": ("police_districts_2023.geojson", _district_name),
    "neighborhoods": ("neighborhoods.geojson", _neighborhood_name),
    "csas": ("csas_mapbaltimore.geojson", _csa_name),
    "city": ("baltimore_city.geojson", _city_name),
    "council_districts_2024": ("council_districts_2024.geojson", _council_name),
    "council_districts_2011": ("council_districts_2011_mapbaltimore.geojson", _council_name),
    "legislative_districts_2022": (
        "legislative_districts_2022_mapbaltimore.geojson",
        _legislative_name,
    ),
    "legislative_districts_2012": (
        "legislative_districts_2012_mapbaltimore.geojson",
        _legislative_name,
    ),
}

#: Where each source came from, quoted from the shared folder's SOURCES.md (section 8).
ORIGINS: dict[str, str] = {
    "police_districts_pre2023": "elipousson/mapbaltimore, data/police_districts.rda, commit "
    "92fc8a3edc706a2b922a2c8d3cefabca6881fa25 (Open Baltimore police districts, 1959-2022 "
    "lines; Northeastern repaired with make_valid)",
    "police_districts_2023": "elipousson/mapbaltimore, data/police_districts_2023.rda, commit "
    "918f76315a0774cc3a1d90af863cec97f03db818 (the redrawn districts in use from 2023)",
    "neighborhoods": "elipousson/mapbaltimore, data/neighborhoods.rda, commit "
    "1d5fa9abd29088199ebc06775cc8c8aeb3b198a6 (the 278 Neighborhood Statistical Areas)",
    "csas": "elipousson/mapbaltimore, data/csas.rda, commit "
    "ecfd1bd5eb07b3ca0bb8b12b94e0bf08719c9f40 (BNIA Community Statistical Areas, 2010)",
    "city": "elipousson/mapbaltimore, data/baltimore_city.rda, commit "
    "43dab59e9fb581b30d88453c57cfd524dcf53f50 (Census Bureau county boundary)",
    "council_districts_2024": "mjpost/baltimore-map, "
    "data/Baltimore_City_Council_Districts.geojson, commit "
    "8bdaaf29f9ccd689104dd73272a6388808f5e6ad (City GIS layer, the Council lines redrawn "
    "after the 2020 Census, seated December 2024; land only; repository licence Apache-2.0)",
    "council_districts_2011": "elipousson/mapbaltimore, data/council_districts.rda, commit "
    "b3e739ad0de08db8a63e2a51ed9eda7ff279878a (the Council lines of 2011, used 2012-2024; "
    "outlines only)",
    "legislative_districts_2022": "elipousson/mapbaltimore, data/legislative_districts.rda, "
    "commit c318cc36620e22f89545226e767dfc26baf89a6f (Maryland legislative districts, 2022 "
    "plan, MD iMap MD_ElectionBoundaries_2022)",
    "legislative_districts_2012": "elipousson/mapbaltimore, "
    "data/legislative_districts_2012.rda, commit c318cc36620e22f89545226e767dfc26baf89a6f "
    "(the 2012-2022 plan, MD iMap MD_ElectionBoundaries; District 46 repaired with "
    "make_valid; outlines only)",
}


def _round(coords: Any) -> Any:
    if isinstance(coords, float | int):
        return round(float(coords), DECIMALS)
    return [_round(c) for c in coords]


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Only the polygon parts (make_valid may add stray lines or points)."""
    if isinstance(geom, shapely.Polygon | shapely.MultiPolygon):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if isinstance(g, shapely.Polygon)]
    parts += [
        p
        for g in getattr(geom, "geoms", [])
        if isinstance(g, shapely.MultiPolygon)
        for p in g.geoms
    ]
    return shapely.MultiPolygon(parts)


def build_layer(
    source: Path, name_of: Callable[[dict[str, Any]], str], tolerance: float = TOLERANCE
) -> list[dict[str, Any]]:
    """Simplified features with one ``name`` property, coordinates rounded."""
    data = json.loads(source.read_text("utf-8"))
    names = [name_of(f.get("properties") or {}) for f in data["features"]]
    geoms = [shapely.make_valid(shape(f["geometry"])) for f in data["features"]]
    # coverage_simplify simplifies each shared edge once, so neighbours keep a common border
    # (no slivers or gaps), which per-polygon simplify would not.
    simple = shapely.coverage_simplify(geoms, tolerance)
    features = []
    for name, geom in zip(names, simple, strict=True):
        rounded = shape(
            {"type": geom.geom_type, "coordinates": _round(mapping(geom)["coordinates"])}
        )
        if not rounded.is_valid:  # NOTE: rounding can pinch a thin part; repair, keep polygons
            rounded = _polygonal(shapely.make_valid(rounded))
        if rounded.is_empty:
            raise ValueError(f"{source.name}: {name} is empty after simplification")
        features.append(
            {
                "type": "Feature",
                "properties": {"name": name},
                "geometry": {
                    "type": rounded.geom_type,
                    "coordinates": _round(mapping(rounded)["coordinates"]),
                },
            }
        )
    return features


def write_layer(path: Path, features: list[dict[str, Any]]) -> None:
    """One feature per line: compact, and a rebuild's diff shows which polygons changed."""
    lines = [json.dumps(f, separators=(",", ":"), ensure_ascii=False) for f in features]
    path.write_text(
        '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n", "utf-8"
    )


def write_sources(out: Path, counts: dict[str, int], tolerance: float) -> None:
    """The provenance note shipped beside the files."""
    rows = "\n".join(
        f"| `{SHIPPED_FILES[key]}` | {counts[key]} | `{SOURCES[key][0]}` | {ORIGINS[key]} |"
        for key in SOURCES
    )
    text = f"""# Shipped boundaries: sources

Simplified copies of the shared Baltimore boundary samples (`shared/data/baltimore/boundaries/`,
described in that folder's `SOURCES.md`, section 8), so maps draw outlines without
`bmoredash fetch`. A data directory's own `boundaries/` files, when present, are used instead.

Built by `scripts/build_reference_boundaries.py` on {dt.date.today().isoformat()}:
`shapely.coverage_simplify` (shared borders simplified once, so neighbours keep a common edge)
with tolerance {tolerance} degrees (about {tolerance * 1e5:.0f} m), coordinates rounded to
{DECIMALS} decimals (WGS84 longitude/latitude), only a `name` property kept, spelt as the
store spells it (`schema.canonical_district` / `canonical_neighborhood`; CSA names as
published).

| file | features | shared source | origin |
| --- | --- | --- | --- |
{rows}

Council districts: `1`..`14`; legislative districts: the district id as published (`40`,
`43A`). The 2024 Council lines and the 2022 legislative plan are the ones rows are assigned
to (`reference.areas`); the 2011 Council lines and the 2012 plan are outlines for maps only.
The 2024 Council layer is land only (88.5% of the city polygon): a point on open water lies
in no Council district.

Licence: the `elipousson/mapbaltimore` package is MIT-licensed (Eli Pousson); the
`mjpost/baltimore-map` repository (2024 Council lines) is Apache-2.0. The geometry is public
data of Baltimore City (Open Baltimore / City GIS: police and Council districts), BNIA-JFI
(CSAs), the Maryland Department of Planning (MD iMap: legislative districts) and the US
Census Bureau (city line). Not for legal or survey use: simplification moves borders by up
to about {tolerance * 1e5:.0f} m.
"""
    (out / "SOURCES.md").write_text(text, "utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="boundaries folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--tolerance", type=float, default=TOLERANCE, help="degrees")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    counts, total = {}, 0
    for key, (filename, name_of) in SOURCES.items():
        source = args.shared / filename
        features = build_layer(source, name_of, args.tolerance)
        target = args.out / SHIPPED_FILES[key]
        write_layer(target, features)
        counts[key] = len(features)
        size = target.stat().st_size
        total += size
        print(f"{target.name:34} {len(features):4} features {size / 1024:7.1f} KB  <- {filename}")
    write_sources(args.out, counts, args.tolerance)
    print(f"{'total':34} {sum(counts.values()):4} features {total / 1024:7.1f} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
