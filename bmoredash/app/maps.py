"""ipyleaflet layers for the dashboard map, built once and updated in place.

Pure builders: they take frames and GeoJSON and return (or change) layers. The page decides
when to call them. Drawing rules, from the house style:

- no tiles by default: a light ground (``style.MAP_BACKGROUND``) and the city in white,
  so the map draws offline and sends no request to a tile server unless
  ``$BMOREDASH_MAP_TILES`` asks for tiles;
- outlines of every area level (police districts, neighborhoods, Council districts) are
  always drawn; the chosen level is filled on the sequential scale (``style.fill_color``,
  the static site's too) and answers clicks, the others are outlines that never do;
- incidents are counted in clusters on a grid of about ``CLUSTER_PX`` pixels at the map's
  zoom, drawn as one GeoJSON layer of circles (never one widget per incident): every
  located row is in a cluster, and the layer's size follows the number of cells, not rows;
- clusters and outlines are not interactive, so a click on them reaches the area below;
- polygons are simplified once (a few metres) so a filter change re-sends little.
"""

from __future__ import annotations

import base64
import math
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipyleaflet
import numpy as np
import pandas as pd
import traitlets
from shapely.geometry import mapping, shape

from bmoredash import style
from bmoredash.aggregate.rates import note_text
from bmoredash.app import html as app_html
from bmoredash.i18n import gettext as _
from bmoredash.style import fill_color
from bmoredash.vocabulary import RATE_UNIT

#: Environment variable choosing the map tiles: ``none`` (the default), ``openstreetmap``
#: or a URL template such as ``https://tiles.example.org/{z}/{x}/{y}.png``.
TILES_ENV = "BMOREDASH_MAP_TILES"
DEFAULT_TILES = "none"
OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = app_html.render("osm_attribution")

CITY_CENTER = (39.2845, -76.6200)
#: Fits the whole city in a map about 550 px tall (fractional zooms need zoom_snap).
CITY_ZOOM = 11.5
MIN_ZOOM = 10
MAX_ZOOM = 18
ZOOM_SNAP = 0.25
#: Polygon simplification tolerance in degrees (~10 m); invisible at city zoom.
SIMPLIFY_DEG = 0.0001

#: A cluster gathers the incidents of a grid cell about this many pixels wide.
CLUSTER_PX = 56
#: Beyond this zoom the cells stop shrinking (a block's incidents stay one cluster, and
#: the layer stays small when the visitor zooms into the whole city).
CLUSTER_MAX_ZOOM = 14
#: Radii of the smallest and the busiest cluster (pixels).
CLUSTER_MIN_RADIUS = 3
CLUSTER_MAX_RADIUS = 22
#: The map's size when the browser has not said yet (pixels): the page's map height.
DEFAULT_VIEW = (900, 560)
#: Pixels kept free around fitted bounds.
FIT_PADDING = 16

#: Panes: outlines of the other levels over the fills, clusters over both. Leaflet's
#: overlay pane (the filled areas) is at z-index 400. Neither pane takes the pointer: each
#: holds an SVG as large as the map, which would otherwise catch every click before the
#: areas below (a click on a district opened a point's popup).
OUTLINES_PANE = "bmdOutlines"
CLUSTERS_PANE = "bmdClusters"
LABELS_PANE = "bmdLabels"
PANES = {
    OUTLINES_PANE: {"zIndex": 410, "pointerEvents": "none"},
    CLUSTERS_PANE: {"zIndex": 450, "pointerEvents": "none"},
    LABELS_PANE: {"zIndex": 460, "pointerEvents": "none"},
}
#: Cluster counts: font size, and the width of a digit and of a comma in it (pixels).
LABEL_FONT_PX = 11
LABEL_DIGIT_PX = 6.5
LABEL_COMMA_PX = 3


# --------------------------------------------------------------------------------------
# The map
# --------------------------------------------------------------------------------------


def tiles_setting() -> str | None:
    """The tile choice from ``$BMOREDASH_MAP_TILES``: None (no tiles) unless it names some."""
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


def base_map(tiles: str | None = None, **kwargs: Any) -> ipyleaflet.Map:
    """A map centred on Baltimore with ``tiles`` as background (None: no tile layer, and
    no default one either: ipyleaflet adds OpenStreetMap unless told otherwise)."""
    background = tile_layer(tiles)
    options = {
        "center": CITY_CENTER,
        "zoom": CITY_ZOOM,
        "zoom_snap": ZOOM_SNAP,
        "zoom_delta": 0.5,
        "min_zoom": MIN_ZOOM,
        "max_zoom": MAX_ZOOM,
        "scroll_wheel_zoom": False,  # page scrolling must not zoom the map by accident
        "layers": (background,) if background is not None else (),
        "panes": PANES,
        **kwargs,
    }
    return ipyleaflet.Map(**options)


def background_html() -> str:
    """The ``<style>`` giving the dashboard map its light ground (``style.MAP_BACKGROUND``)."""
    return app_html.render("map_background", background=style.MAP_BACKGROUND)


# --------------------------------------------------------------------------------------
# Areas (districts, neighborhoods, Council districts)
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


class OutlineLayer(ipyleaflet.GeoJSON):
    """A GeoJSON layer Leaflet draws without listening to the mouse (``interactive``
    false): a click on it reaches the layer below (the chosen areas)."""

    interactive = traitlets.Bool(False).tag(sync=True, o=True)
    # NOTE: jupyter-leaflet gives a layer its pane after building the features it was
    # created with, so they would stay in the overlay pane; as an option the pane reaches
    # them at creation.
    pane = traitlets.Unicode("overlayPane").tag(sync=True, o=True)


def outline_layer(
    areas: Mapping[str, Any], name: str, color: str, weight: float, dash: str = ""
) -> OutlineLayer:
    """Outlines only (no fill) of ``areas``, above the filled level, never clickable."""
    line = {"color": color, "weight": weight, "opacity": 0.9, "fill": False}
    if dash:
        line["dashArray"] = dash
    return OutlineLayer(data=dict(areas), name=name, style=line, pane=OUTLINES_PANE)


def city_layer(city: Mapping[str, Any]) -> OutlineLayer:
    """The city in white over the map's light ground (the frame a map without tiles needs)."""
    return OutlineLayer(
        data=dict(city),
        name="City",
        style={
            "color": style.MUTED,
            "weight": 1.5,
            "fillColor": style.MAP_CITY,
            "fillOpacity": 1,
        },
    )


def area_style(count: int, top: int, selected: bool, low: int = 1) -> dict[str, Any]:
    """Leaflet path style of one area."""
    return path_style(fill_color(count, top, low), selected)


def path_style(fill: str, selected: bool, dashed: bool = False) -> dict[str, Any]:
    """Leaflet path style of an area filled with ``fill`` (``dashed``: an area without a
    rate, so the grey reads as "no rate" beside the scale's colours)."""
    result = {
        "fillColor": fill,
        "fillOpacity": 0.7,
        "color": style.OUTLINE_SELECTED if selected else style.OUTLINE,
        "weight": 4 if selected else 1.25,
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
        hover_style={"weight": 3, "color": style.OUTLINE_HOVER, "fillOpacity": 0.85},
    )


def update_area_layer(
    layer: ipyleaflet.GeoJSON,
    areas: Mapping[str, Any],
    key: str,
    counts: Mapping[str, int],
    selected: str | None = None,
    label: str = "incidents",
    names: Mapping[str, str] | None = None,
) -> tuple[int, int]:
    """Colour ``layer``'s areas by ``counts`` (name -> count) in place.

    Returns (highest, lowest non-zero) count among the drawn areas: the colour scale.
    Each feature also carries its ``count`` and a ``tooltip`` (``names`` says how an area
    reads: ``Western District``), which the page shows when the pointer is over it.
    """
    names = names or {}
    outlined = {f["properties"][key] for f in areas["features"]}
    drawn = [int(v) for name, v in counts.items() if name in outlined and int(v) > 0]
    top = max(drawn, default=0)
    low = min(drawn, default=1)
    features = []
    for feature in areas["features"]:
        name = feature["properties"][key]
        count = int(counts.get(name, 0))
        props = {
            key: name,
            "name": name,
            "count": count,
            "tooltip": f"{names.get(name, name)}: {count:,} {label}",
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
    names: Mapping[str, str] | None = None,
) -> tuple[float, float]:
    """Colour ``layer``'s areas by rate per 1,000 residents in place.

    ``rated`` is ``aggregate.per_1000``'s table (``count``, ``residents``, ``rate``,
    ``note``) indexed by area name; an area it lacks or gives no rate is drawn grey with a
    dashed outline. Each feature carries ``count``, ``rate`` (None without one), ``note``
    and ``tooltip``. Returns (lowest, highest) non-zero rate among the drawn areas.
    """
    names = names or {}
    drawn = rated.reindex([f["properties"][key] for f in areas["features"]])
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
                f"{names.get(name, name)}: {count:,} {label}, {rate:,.1f} {_(RATE_UNIT)}"
                if rate is not None
                else _("%(area)s: %(count)s %(unit)s; no rate: %(why)s")
                % {
                    "area": names.get(name, name),
                    "count": f"{count:,}",
                    "unit": label,
                    "why": note_text(note),
                }
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
        span = _("no rate (%(count)s)") % {"count": f"{no_rate:,}"}
        cells.append({"color": style.NO_RATE_FILL, "span": span})
    return _legend_html(cells, label)


def on_area_click(layer: ipyleaflet.GeoJSON, key: str, callback: Callable[[str], None]) -> None:
    """Call ``callback(name)`` when a visitor clicks an area of ``layer``."""

    def handle(**event: Any) -> None:
        props = event.get("properties") or (event.get("feature") or {}).get("properties") or {}
        name = props.get(key)
        if isinstance(name, str) and name:
            callback(name)

    layer.on_click(handle)


def _legend_html(cells: list[dict[str, str]], label: str) -> str:
    """The legend's swatches (colour, span) under its label (counts and rates alike)."""
    return app_html.render(
        "map_legend",
        cells=cells,
        title=label[:1].upper() + label[1:],
        outline=style.OUTLINE,
        label=label,
    )


# --------------------------------------------------------------------------------------
# Zooming to a place
# --------------------------------------------------------------------------------------

Bounds = list[list[float]]  # [[south, west], [north, east]]


def _coordinates(geometry: Mapping[str, Any]) -> np.ndarray:
    """Every (lon, lat) of a Polygon or MultiPolygon, as an n x 2 array."""
    coords = geometry["coordinates"]
    rings = [coords] if geometry["type"] == "Polygon" else coords
    points = [point[:2] for polygon in rings for ring in polygon for point in ring]
    return np.asarray(points, dtype=float).reshape(-1, 2)


def bounds_of(areas: Mapping[str, Any], key: str | None = None, name: str | None = None) -> Bounds:
    """[[south, west], [north, east]] of the features of ``areas`` (only those whose
    ``key`` is ``name`` when given); empty when none matches."""
    chosen = [
        f
        for f in areas.get("features", [])
        if f.get("geometry") and (key is None or (f.get("properties") or {}).get(key) == name)
    ]
    if not chosen:
        return []
    points = np.vstack([_coordinates(f["geometry"]) for f in chosen])
    west, south = points.min(axis=0)
    east, north = points.max(axis=0)
    return [[float(south), float(west)], [float(north), float(east)]]


def _mercator(lat: float, lon: float) -> tuple[float, float]:
    """Web Mercator position in world units (0..1 across), as Leaflet draws tiles."""
    phi = math.radians(max(min(lat, 85.0), -85.0))
    return (lon + 180) / 360, (1 - math.log(math.tan(phi) + 1 / math.cos(phi)) / math.pi) / 2


def view_size(map_: ipyleaflet.Map) -> tuple[float, float] | None:
    """The map's size in pixels as the browser last reported it (its pixel bounds), or
    None before it has, or while the map is hidden (a phone's map is narrower than a
    desktop's)."""
    if not map_.pixel_bounds:
        return None
    (left, top), (right, bottom) = map_.pixel_bounds
    width, height = right - left, bottom - top
    if width < 50 or height < 50:
        return None
    return float(width), float(height)


def fit_view(
    bounds: Bounds,
    size: tuple[float, float] = DEFAULT_VIEW,
    *,
    padding: float = FIT_PADDING,
    max_zoom: float = 16,
) -> tuple[tuple[float, float], float]:
    """(centre, zoom) showing ``bounds`` whole in a map of ``size`` pixels: what Leaflet's
    fitBounds does, computed here so one change of centre and zoom reaches the browser
    (ipyleaflet's ``fit_bounds`` steps one zoom level per round trip)."""
    (south, west), (north, east) = bounds
    x0, y0 = _mercator(north, west)
    x1, y1 = _mercator(south, east)
    width = max(size[0] - 2 * padding, 50)
    height = max(size[1] - 2 * padding, 50)
    spans = [
        math.log2(room / (span * 256))
        for room, span in ((width, x1 - x0), (height, y1 - y0))
        if span
    ]
    zoom = min(spans, default=max_zoom)
    zoom = math.floor(zoom / ZOOM_SNAP) * ZOOM_SNAP
    zoom = min(max(zoom, MIN_ZOOM), max_zoom)
    return ((south + north) / 2, (west + east) / 2), zoom


# --------------------------------------------------------------------------------------
# Incidents, in clusters
# --------------------------------------------------------------------------------------


def located_mask(frame: pd.DataFrame) -> np.ndarray:
    """True where a row has both coordinates (no copy of the rows)."""
    return frame["latitude"].notna().to_numpy() & frame["longitude"].notna().to_numpy()


def located(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows with both coordinates."""
    return frame[located_mask(frame)]


def cluster_cell(zoom: float, px: int = CLUSTER_PX) -> tuple[float, float]:
    """(latitude, longitude) size in degrees of a cluster cell at ``zoom``: ``px`` pixels
    wide, square on the map at Baltimore's latitude."""
    zoom = min(zoom, CLUSTER_MAX_ZOOM)
    lon = px / (256 * 2**zoom) * 360
    return lon * math.cos(math.radians(CITY_CENTER[0])), lon


def clusters(
    frame: pd.DataFrame, zoom: float, mask: np.ndarray | None = None, px: int = CLUSTER_PX
) -> pd.DataFrame:
    """The located rows of ``frame`` counted per grid cell at ``zoom``: one row per cell
    holding any, with ``latitude`` and ``longitude`` (the mean of its rows: a cluster sits
    where its incidents are) and ``count``, largest first. Every located row is in one.
    """
    keep = located_mask(frame) if mask is None else mask
    lat = frame["latitude"].to_numpy(dtype=float)[keep]
    lon = frame["longitude"].to_numpy(dtype=float)[keep]
    if not len(lat):
        return pd.DataFrame({"latitude": [], "longitude": [], "count": []}).astype(
            {"count": "int64"}
        )
    dlat, dlon = cluster_cell(zoom, px)
    rows = np.floor(lat / dlat).astype(np.int64)
    cols = np.floor(lon / dlon).astype(np.int64)
    _, cell, counts = np.unique(
        np.stack([rows, cols], axis=1), axis=0, return_inverse=True, return_counts=True
    )
    cell = cell.reshape(-1)
    table = pd.DataFrame(
        {
            "latitude": np.bincount(cell, weights=lat) / counts,
            "longitude": np.bincount(cell, weights=lon) / counts,
            "count": counts.astype(np.int64),
        }
    )
    return table.sort_values("count", ascending=False, kind="stable").reset_index(drop=True)


def cluster_radius(count: int, top: int) -> float:
    """A cluster's radius in pixels: its area grows with its count, up to
    ``CLUSTER_MAX_RADIUS`` for the busiest cluster in view (``top``); a lone incident is
    still a visible dot."""
    share = max(int(count), 0) / max(int(top), 1)
    return round(CLUSTER_MIN_RADIUS + (CLUSTER_MAX_RADIUS - CLUSTER_MIN_RADIUS) * share**0.5, 1)


def clusters_geojson(table: pd.DataFrame) -> dict[str, Any]:
    """``clusters``' table as one FeatureCollection of points sized by their count."""
    lons = np.round(table["longitude"].to_numpy(dtype=float), 5).tolist()
    lats = np.round(table["latitude"].to_numpy(dtype=float), 5).tolist()
    counts = table["count"].astype(int).tolist()
    top = max(counts, default=1)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"count": n, "style": {"radius": cluster_radius(n, top)}},
        }
        for lon, lat, n in zip(lons, lats, counts, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


def cluster_layer(name: str = "Incidents") -> OutlineLayer:
    """The single cluster layer (circles), empty until updated: drawn in its own pane over
    the areas, and not interactive, so a click on a circle selects the area under it."""
    return OutlineLayer(
        data={"type": "FeatureCollection", "features": []},
        name=name,
        # NOTE: jupyter-leaflet builds each circle from point_style alone, so the pane and
        # the interactivity go there.
        point_style={
            "radius": 4,
            "color": style.CLUSTER_EDGE,
            "weight": 1,
            "opacity": 0.9,
            "fillColor": style.CLUSTER_FILL,
            "fillOpacity": 0.75,
            "pane": CLUSTERS_PANE,
            "interactive": False,
        },
    )


class LabelOverlay(ipyleaflet.ImageOverlay):
    """An image over the map whose pane is given at creation (see ``OutlineLayer``)."""

    pane = traitlets.Unicode(LABELS_PANE).tag(sync=True, o=True)


def label_layer() -> LabelOverlay:
    """The clusters' counts: one image (an SVG) laid over the map, redrawn at each zoom.
    An image over the map takes no click (Leaflet), so the areas below still do."""
    return LabelOverlay(url=_svg_url(""), bounds=((0, 0), (0, 0)), name="Counts", visible=False)


def _svg_url(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _from_world(x: float, y: float) -> tuple[float, float]:
    """(lat, lon) of a Web Mercator position in world units (``_mercator``'s inverse)."""
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y))))
    return lat, x * 360 - 180


def label_width(text: str) -> float:
    """About how wide a count is drawn (pixels): digits and commas."""
    commas = text.count(",")
    return LABEL_DIGIT_PX * (len(text) - commas) + LABEL_COMMA_PX * commas


def cluster_labels(table: pd.DataFrame, zoom: float) -> tuple[str, Bounds] | None:
    """The counts of the clusters large enough to hold them, as (an SVG image's data URL,
    its bounds): one image for all, placed by Leaflet like a tile. None when no cluster
    has room for its count."""
    counts = table["count"].astype(int).to_numpy()
    if not len(counts):
        return None
    top = int(counts.max())
    scale = 256 * 2**zoom
    labels = []
    for lat, lon, n in zip(table["latitude"], table["longitude"], counts, strict=True):
        text = f"{int(n):,}"
        if 2 * cluster_radius(int(n), top) < label_width(text) + 2:
            continue
        x, y = _mercator(float(lat), float(lon))
        labels.append({"x": x * scale, "y": y * scale, "text": text})
    if not labels:
        return None
    pad = CLUSTER_MAX_RADIUS * 2
    left = min(label["x"] for label in labels) - pad
    top_px = min(label["y"] for label in labels) - pad
    right = max(label["x"] for label in labels) + pad
    bottom = max(label["y"] for label in labels) + pad
    for label in labels:
        label["x"] = round(label["x"] - left, 1)
        label["y"] = round(label["y"] - top_px, 1)
    svg = app_html.render(
        "map_cluster_labels",
        width=round(right - left),
        height=round(bottom - top_px),
        size=LABEL_FONT_PX,
        ink=style.INK,
        labels=labels,
    )
    north, west = _from_world(left / scale, top_px / scale)
    south, east = _from_world(right / scale, bottom / scale)
    return _svg_url(svg), [[south, west], [north, east]]


def update_label_layer(layer: LabelOverlay, table: pd.DataFrame, zoom: float) -> None:
    """Draw ``table``'s counts at ``zoom`` (hidden when none fits in its circle)."""
    drawn = cluster_labels(table, zoom)
    if drawn is None:
        layer.visible = False
        return
    url, ((south, west), (north, east)) = drawn
    layer.bounds = ((south, west), (north, east))
    layer.url = url
    layer.visible = True


# --------------------------------------------------------------------------------------
# Finding a block address in the data
# --------------------------------------------------------------------------------------


def normalise_address(text: str) -> str:
    """Upper case, single spaces: the store's block addresses are ``2300 BOSTON ST``."""
    return " ".join(str(text).upper().split())


def find_block(
    locations: pd.Series, lat: np.ndarray, lon: np.ndarray, query: str
) -> tuple[Bounds, int, list[str]]:
    """The rows whose block address contains ``query`` (case and spacing ignored) and have
    coordinates: (their bounds, their number, up to five of their addresses, most rows
    first). Bounds span the middle 90% of them, so a stray geocode does not stretch them.
    """
    wanted = normalise_address(query)
    if not wanted:
        return [], 0, []
    text = locations.astype("string").str.upper()
    hit = text.str.contains(wanted, regex=False, na=False).to_numpy(dtype=bool)
    hit &= ~np.isnan(lat) & ~np.isnan(lon)
    if not hit.any():
        return [], 0, []
    lats, lons = lat[hit], lon[hit]
    south, north = np.quantile(lats, [0.05, 0.95])
    west, east = np.quantile(lons, [0.05, 0.95])
    names = text[hit].value_counts().index[:5].tolist()
    return [[float(south), float(west)], [float(north), float(east)]], int(hit.sum()), names


class Ring(ipyleaflet.CircleMarker):
    """A circle that does not take clicks (``interactive`` false): where a search found."""

    interactive = traitlets.Bool(False).tag(sync=True, o=True)


def found_ring() -> Ring:
    """The ring drawn where the last block address searched for is (added when found)."""
    return Ring(
        location=CITY_CENTER, radius=18, color=style.OUTLINE_HOVER, weight=3, fill_opacity=0.0
    )


def area_options(names: Sequence[str]) -> list[str]:
    """Area names sorted for a list (case ignored), without blanks or duplicates."""
    return sorted({n for n in names if n}, key=str.casefold)
