"""ipyleaflet layers for the dashboard map, built once and updated in place.

Pure builders: they take frames and GeoJSON and return (or change) layers. The page decides
when to call them. Drawing rules, from the house style:

- one GeoJSON layer for all incident points (capped at ``POINT_CAP``), never one widget
  per point; a heat layer from counts on a small grid, so its size does not grow with rows;
- polygons are simplified once (a few metres) so a filter change re-sends little;
- no tiles are needed: every data layer draws on a blank map (``tiles=None``).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from typing import Any

import ipyleaflet
import numpy as np
import pandas as pd
from shapely.geometry import mapping, shape

from bmoredash import style
from bmoredash.app import html as app_html
from bmoredash.schema import OFFENSES
from bmoredash.style import fill_color
from bmoredash.vocabulary import RATE_UNIT

#: Environment variable choosing the map tiles: ``none``, ``openstreetmap`` or a URL template
#: such as ``https://tiles.example.org/{z}/{x}/{y}.png``.
TILES_ENV = "BMOREDASH_MAP_TILES"
DEFAULT_TILES = "openstreetmap"
OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = app_html.render("osm_attribution")

CITY_CENTER = (39.2845, -76.6200)
#: Fits the whole city in a map about 550 px tall (fractional zooms need zoom_snap).
CITY_ZOOM = 11.5
#: At most this many incident points are drawn (the most recent ones).
POINT_CAP = 2000
#: Heat-map cell size in degrees (~250 m north-south in Baltimore).
HEAT_CELL_DEG = 0.0025
#: Polygon simplification tolerance in degrees (~10 m); invisible at city zoom.
SIMPLIFY_DEG = 0.0001

#: Incident points get a pane above the heat canvas (leaflet.heat draws into the overlay
#: pane, on top of every vector layer sharing that pane).
POINTS_PANE = "bmdPoints"
PANES = {POINTS_PANE: {"zIndex": 450}}


# --------------------------------------------------------------------------------------
# The map
# --------------------------------------------------------------------------------------


def tiles_setting() -> str | None:
    """The tile choice from ``$BMOREDASH_MAP_TILES`` (``none`` -> None), default OpenStreetMap."""
    value = os.environ.get(TILES_ENV, DEFAULT_TILES).strip()
    return None if value.lower() in {"", "none", "off", "false"} else value


def tile_layer(tiles: str | None) -> ipyleaflet.TileLayer | None:
    """A base tile layer for ``tiles`` (``openstreetmap`` or a URL template), or None."""
    if tiles is None:
        return None
    if tiles.lower() in {"openstreetmap", "osm"}:
        url, attribution = OSM_URL, OSM_ATTRIBUTION
    elif "{z}" in tiles and "{x}" in tiles and "{y}" in tiles:
        url, attribution = tiles, ""
    else:
        raise ValueError(f"unknown tiles {tiles!r}: use 'none', 'openstreetmap' or a URL template")
    layer = ipyleaflet.TileLayer(url=url, attribution=attribution, max_zoom=19, name="Streets")
    layer.base = True
    return layer


def base_map(tiles: str | None = DEFAULT_TILES, **kwargs: Any) -> ipyleaflet.Map:
    """A map centred on Baltimore with ``tiles`` as background (None: a blank background)."""
    background = tile_layer(tiles)
    options = {
        "center": CITY_CENTER,
        "zoom": CITY_ZOOM,
        "zoom_snap": 0.25,
        "zoom_delta": 0.5,
        "min_zoom": 10,
        "max_zoom": 18,
        "scroll_wheel_zoom": False,  # page scrolling must not zoom the map by accident
        "layers": (background,) if background is not None else (),
        "panes": PANES,
        **kwargs,
    }
    return ipyleaflet.Map(**options)


# --------------------------------------------------------------------------------------
# Areas (districts, neighborhoods)
# --------------------------------------------------------------------------------------


def _round_coords(value: Any, digits: int = 5) -> Any:
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], (int, float)):
            return [round(float(v), digits) for v in value[:2]]
        return [_round_coords(v, digits) for v in value]
    return value


def simplify_areas(data: Mapping[str, Any], key: str, tolerance: float = SIMPLIFY_DEG) -> dict:
    """A light copy of a boundary FeatureCollection: simplified shapes, only ``key`` kept.

    Features without a usable name under ``key`` are dropped.
    """
    features = []
    for feature in data.get("features", []):
        name = (feature.get("properties") or {}).get(key)
        if not name or not feature.get("geometry"):
            continue
        geometry = shape(feature["geometry"])
        simple = geometry.simplify(tolerance, preserve_topology=True)
        geojson = mapping(simple if not simple.is_empty else geometry)
        features.append(
            {
                "type": "Feature",
                "properties": {key: name, "name": name},
                "geometry": {
                    "type": geojson["type"],
                    "coordinates": _round_coords(geojson["coordinates"]),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def area_style(count: int, top: int, selected: bool, low: int = 1) -> dict[str, Any]:
    """Leaflet path style of one area."""
    return path_style(fill_color(count, top, low), selected)


def path_style(fill: str, selected: bool, dashed: bool = False) -> dict[str, Any]:
    """Leaflet path style of an area filled with ``fill`` (``dashed``: an area without a
    rate, so the grey reads as "no rate" beside the scale's colours)."""
    result = {
        "fillColor": fill,
        "fillOpacity": 0.6,
        "color": style.OUTLINE_SELECTED if selected else style.OUTLINE,
        "weight": 3.5 if selected else 1,
        "opacity": 1,
    }
    if dashed:
        result["dashArray"] = "4 3"
    return result


def area_layer(areas: Mapping[str, Any], name: str) -> ipyleaflet.GeoJSON:
    """A clickable GeoJSON layer of areas (counts are filled in by ``update_area_layer``)."""
    return ipyleaflet.GeoJSON(
        data=dict(areas),
        name=name,
        hover_style={"weight": 3, "color": style.OUTLINE_HOVER, "fillOpacity": 0.8},
    )


def update_area_layer(
    layer: ipyleaflet.GeoJSON,
    areas: Mapping[str, Any],
    key: str,
    counts: Mapping[str, int],
    selected: str | None = None,
    label: str = "incidents",
) -> tuple[int, int]:
    """Colour ``layer``'s areas by ``counts`` (name -> count) in place.

    Returns (highest, lowest non-zero) count among the drawn areas: the colour scale.

    Each feature also carries ``count`` and a ``tooltip`` text for the popup.
    """
    top = max((int(v) for v in counts.values()), default=0)
    names = {f["properties"][key] for f in areas["features"]}
    drawn = [int(v) for name, v in counts.items() if name in names and int(v) > 0]
    low = min(drawn, default=1)
    features = []
    for feature in areas["features"]:
        name = feature["properties"][key]
        count = int(counts.get(name, 0))
        props = {
            key: name,
            "name": name,
            "count": count,
            "tooltip": f"{name}: {count:,} {label}",
            "style": area_style(count, top, selected is not None and name == selected, low),
        }
        features.append({"type": "Feature", "properties": props, "geometry": feature["geometry"]})
    layer.data = {"type": "FeatureCollection", "features": features}
    return top, low


def legend_html(top: int, label: str, low: int = 1) -> str:
    """A small HTML legend for the area colours (count range per class)."""
    if top <= 0:
        return app_html.render("map_legend", cells=[], label=label)
    cells = [{"color": color, "span": span} for color, span in style.legend_classes(top, low)]
    return _legend_html(cells, label)


# --------------------------------------------------------------------------------------
# Areas by rate per 1,000 residents
# --------------------------------------------------------------------------------------


def rate_bounds(low: float, top: float) -> list[tuple[float, float]]:
    """Equal-interval classes (one decimal) from the lowest to the highest non-zero rate."""
    if top <= 0:
        return []
    low = min(max(low, 0.0), top)
    steps = len(style.FILL_COLORS)
    width = (top - low) / steps
    return [(round(low + width * i, 1), round(low + width * (i + 1), 1)) for i in range(steps)]


def rate_fill(rate: float, top: float, low: float = 0.0) -> str:
    """The fill for ``rate`` on equal intervals from ``low`` to ``top``: zero is white,
    no rate (NaN) is ``style.NO_RATE_FILL``."""
    if rate is None or math.isnan(rate):
        return style.NO_RATE_FILL
    if rate <= 0 or top <= 0:
        return style.ZERO_FILL
    steps = len(style.FILL_COLORS)
    if top <= low:
        return style.FILL_COLORS[-1]
    step = int((rate - low) / (top - low) * steps)
    return style.FILL_COLORS[min(max(step, 0), steps - 1)]


def update_rate_layer(
    layer: ipyleaflet.GeoJSON,
    areas: Mapping[str, Any],
    key: str,
    rated: pd.DataFrame,
    selected: str | None = None,
    label: str = "incidents",
) -> tuple[float, float]:
    """Colour ``layer``'s areas by rate per 1,000 residents in place.

    ``rated`` is ``aggregate.per_1000``'s table (``count``, ``residents``, ``rate``,
    ``note``) indexed by area name; an area it lacks or gives no rate is drawn grey with a
    dashed outline, and its tooltip says why. Each feature carries ``count``, ``rate``
    (None without one), ``note`` and ``tooltip``. Returns (lowest, highest) non-zero rate
    among the drawn areas: the colour scale.
    """
    names = [f["properties"][key] for f in areas["features"]]
    drawn = rated.reindex(names)
    positive = drawn["rate"][drawn["rate"] > 0]
    low = float(positive.min()) if len(positive) else 0.0
    top = float(positive.max()) if len(positive) else 0.0
    features = []
    for feature in areas["features"]:
        name = feature["properties"][key]
        row = drawn.loc[name]
        count = 0 if pd.isna(row["count"]) else int(row["count"])
        rate = None if pd.isna(row["rate"]) else float(row["rate"])
        note = "" if pd.isna(row["note"]) else str(row["note"])
        props = {
            key: name,
            "name": name,
            "count": count,
            "rate": rate,
            "note": note,
            "tooltip": (
                f"{name}: {count:,} {label}, {rate:,.1f} {RATE_UNIT}"
                if rate is not None
                else f"{name}: {count:,} {label}; no rate: {note}"
            ),
            "style": path_style(
                rate_fill(math.nan if rate is None else rate, top, low),
                selected is not None and name == selected,
                dashed=rate is None,
            ),
        }
        features.append({"type": "Feature", "properties": props, "geometry": feature["geometry"]})
    layer.data = {"type": "FeatureCollection", "features": features}
    return low, top


def rate_legend_html(low: float, top: float, label: str, no_rate: int = 0) -> str:
    """The legend of a rate map: a rate span per class, zero, and the grey "no rate"
    swatch when ``no_rate`` areas have none."""
    cells = []
    if top > 0:
        cells.append({"color": style.ZERO_FILL, "span": "0"})
        for color, (first, last) in zip(style.FILL_COLORS, rate_bounds(low, top), strict=True):
            cells.append({"color": color, "span": f"{first:,.1f}–{last:,.1f}"})
    if no_rate:
        cells.append({"color": style.NO_RATE_FILL, "span": f"no rate ({no_rate:,})"})
    return _legend_html(cells, label)


def on_area_click(layer: ipyleaflet.GeoJSON, key: str, callback: Callable[[str], None]) -> None:
    """Call ``callback(name)`` when a visitor clicks an area of ``layer``."""

    def handle(**event: Any) -> None:
        props = event.get("properties") or (event.get("feature") or {}).get("properties") or {}
        name = props.get(key)
        if isinstance(name, str) and name:
            callback(name)

    layer.on_click(handle)


# --------------------------------------------------------------------------------------
# Incidents (points and heat)
# --------------------------------------------------------------------------------------


def located_mask(frame: pd.DataFrame) -> np.ndarray:
    """True where a row has both coordinates (no copy of the rows)."""
    return frame["latitude"].notna().to_numpy() & frame["longitude"].notna().to_numpy()


def located(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows with both coordinates."""
    return frame[located_mask(frame)]


def point_color(offense: str) -> str:
    return style.GROUP_COLORS.get(OFFENSES.get(offense, ""), style.OTHER_COLOR)


def _latest_located(frame: pd.DataFrame, cap: int, mask: np.ndarray | None) -> np.ndarray:
    """Positions (ascending) of the ``cap`` most recent located rows of ``frame``."""
    positions = np.flatnonzero(located_mask(frame) if mask is None else mask)
    if len(positions) <= cap:
        return positions
    # NOTE: the UTC nanoseconds order rows like the timestamps do; the dashboard's rows
    # are already in time order, so the sort is skipped for them.
    stamps = frame["occurred_at"].array.asi8[positions]
    if len(stamps) and bool(np.all(stamps[1:] >= stamps[:-1])):
        return positions[-cap:]
    order = np.argsort(stamps, kind="stable")[::-1][:cap]
    return positions[np.sort(order)]


def points_geojson(
    frame: pd.DataFrame,
    cap: int = POINT_CAP,
    blocks: Callable[[pd.DataFrame], pd.Series] | None = None,
    mask: np.ndarray | None = None,
) -> dict[str, Any]:
    """The ``cap`` most recent located rows as one FeatureCollection of points.

    Properties: offense, date, time (when known), block, and a style coloured by group.
    ``blocks`` gives the block address of the drawn rows when ``frame`` has no
    ``location`` column (the dashboard looks it up for these few rows only). ``mask``
    (from ``located_mask``) saves computing it again.
    """
    rows = frame.iloc[_latest_located(frame, cap, mask)]
    lons = np.round(rows["longitude"].to_numpy(dtype=float), 5).tolist()
    lats = np.round(rows["latitude"].to_numpy(dtype=float), 5).tolist()
    offenses = rows["offense"].astype(str).tolist()
    stamps = rows["occurred_at"]
    dates = stamps.dt.strftime("%Y-%m-%d").tolist()
    times = stamps.dt.strftime("%H:%M").tolist()
    if "time_known" in rows:
        known = rows["time_known"].to_numpy(dtype=bool).tolist()
        times = [t if k else "" for t, k in zip(times, known, strict=True)]
    if "location" in rows:
        where = rows["location"]
    elif blocks is not None:
        where = blocks(rows)
    else:
        where = pd.Series("", index=rows.index)
    block_names = [str(b) for b in where.astype("string").fillna("").tolist()]
    colors = {name: point_color(name) for name in set(offenses)}
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "offense": offense,
                "date": day,
                "time": clock,
                "block": block,
                "style": {"color": colors[offense], "fillColor": colors[offense]},
            },
        }
        for lon, lat, offense, day, clock, block in zip(
            lons, lats, offenses, dates, times, block_names, strict=True
        )
    ]
    return {"type": "FeatureCollection", "features": features}


def points_layer(name: str = "Incidents (most recent)") -> ipyleaflet.GeoJSON:
    """The single incident point layer (small circles), empty until updated."""
    return ipyleaflet.GeoJSON(
        data={"type": "FeatureCollection", "features": []},
        name=name,
        # NOTE: jupyter-leaflet builds each point from point_style alone, so the pane goes there.
        point_style={
            "radius": 3,
            "weight": 0.5,
            "opacity": 0.9,
            "fillOpacity": 0.75,
            "pane": POINTS_PANE,
        },
        hover_style={"radius": 6, "fillOpacity": 1},
    )


def popup_html(properties: Mapping[str, Any]) -> str:
    """Popup text for one incident: offense, date (and time), block."""
    when = str(properties.get("date", ""))
    if properties.get("time"):
        when += f" {properties['time']}"
    return app_html.render(
        "map_popup",
        offense=str(properties.get("offense", "")).title(),
        when=when,
        block=str(properties.get("block") or "block not published"),
    )


def heat_locations(
    frame: pd.DataFrame, cell: float = HEAT_CELL_DEG, mask: np.ndarray | None = None
) -> list[list[float]]:
    """[lat, lon, count] per grid cell holding located rows (cell centres), largest first.

    ``mask`` (from ``located_mask``) saves computing it again.
    """
    keep = located_mask(frame) if mask is None else mask
    if not keep.any():
        return []
    lat_idx = np.floor(frame["latitude"].to_numpy(dtype=float)[keep] / cell).astype(np.int64)
    lon_idx = np.floor(frame["longitude"].to_numpy(dtype=float)[keep] / cell).astype(np.int64)
    cells = pd.DataFrame({"lat": lat_idx, "lon": lon_idx}).value_counts()
    return [
        [round((la + 0.5) * cell, 5), round((lo + 0.5) * cell, 5), int(n)]
        for (la, lo), n in cells.items()
    ]


def heat_layer(name: str = "Heat (all incidents)") -> ipyleaflet.Heatmap:
    """The incident heat layer, empty until updated."""
    return ipyleaflet.Heatmap(
        locations=[], radius=10, blur=12, max_zoom=14, min_opacity=0.05, opacity=0.5, name=name
    )


def update_heat_layer(layer: ipyleaflet.Heatmap, locations: list[list[float]]) -> None:
    """Replace the heat data in place; the intensity scale follows the busiest cells."""
    weights = [loc[2] for loc in locations]
    # NOTE: leaflet.heat adds up neighbouring cells; topping the scale at the 95th
    # percentile cell shows where incidents concentrate without painting the whole city.
    layer.max = float(np.percentile(weights, 95)) if weights else 1.0
    layer.locations = locations


def _legend_html(cells: list[dict[str, str]], label: str) -> str:
    """The legend's swatches (colour, span) under its label (counts and rates alike)."""
    return app_html.render(
        "map_legend",
        cells=cells,
        title=label[:1].upper() + label[1:],
        outline=style.OUTLINE,
        label=label,
    )
