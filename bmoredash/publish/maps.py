"""The small maps of the static site as geometry for ``templates/figures.html.j2``.

Why drawn by hand and not with the dashboard's ipyleaflet: a static page has no script
and fetches nothing, so a map is an inline SVG of the shipped outlines (the data
directory's own boundaries win, as everywhere), each area a link to its page with a title
that says its count: readable, clickable and keyboard-reachable with JavaScript off. Areas
are filled on the dashboard map's scale (``style.fill_color``) by this year's Part 1
violent crimes; an area whose count is no data is grey, never the colour of zero.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bmoredash import style
from bmoredash.i18n import gettext as _
from bmoredash.publish.data import (
    CITY,
    COUNCIL,
    DISTRICT,
    NEIGHBORHOOD,
    PageData,
    SiteData,
    place_label,
)
from bmoredash.reference import boundaries
from bmoredash.report.figures import simplify_ring

#: The map's width in drawing units (the SVG scales to the column's width).
WIDTH = 320
#: Vertices closer than this (degrees, ~40 m) are merged: a 320-unit city needs no more.
TOLERANCE = 0.0004
#: The count that fills the areas: the headline measure (``aggregate.HEADLINE_MEASURES``).
MEASURE = "Part 1 violent"


@dataclass(frozen=True)
class Projection:
    """Longitude/latitude -> drawing units: equirectangular at the city's latitude (a city
    is small enough that this is true to the eye), north up."""

    west: float
    north: float
    #: Drawing units per degree of latitude; a degree of longitude is ``stretch`` of it.
    scale: float
    stretch: float
    height: int

    @classmethod
    def fitting(cls, rings: Iterable[list[tuple[float, float]]]) -> Projection:
        xs, ys = zip(*(point for ring in rings for point in ring), strict=True)
        west, east, south, north = min(xs), max(xs), min(ys), max(ys)
        stretch = math.cos(math.radians((north + south) / 2))
        scale = WIDTH / ((east - west) * stretch)
        return cls(west, north, scale, stretch, math.ceil((north - south) * scale))

    def path(self, rings: Iterable[list[tuple[float, float]]]) -> str:
        """SVG path data of the rings (one sub-path each) in whole drawing units, each
        point relative to the one before (half the bytes of absolute points)."""
        parts = []
        for ring in rings:
            points = simplify_ring(ring, TOLERANCE)[:-1]
            xs = np.rint((points[:, 0] - self.west) * self.stretch * self.scale).astype(int)
            ys = np.rint((self.north - points[:, 1]) * self.scale).astype(int)
            steps = [(x, y) for x, y in zip(np.diff(xs), np.diff(ys), strict=True) if x or y]
            moves = " ".join(f"{x},{y}" for x, y in steps)
            parts.append(f"M{xs[0]},{ys[0]}l{moves}z")
        return "".join(parts)


@dataclass(frozen=True)
class Area:
    """One drawn area: its path, fill, whether it is the page's place, its link and title."""

    path: str
    fill: str
    selected: bool
    href: str | None
    title: str
    #: The area's code (``WESTERN``, ``9``) and count ("" when no data), as data attributes.
    key: str
    count: str


@dataclass(frozen=True)
class SiteMap:
    width: int
    height: int
    areas: list[Area]
    #: Where the page's own area is when it is not one of ``areas`` (a neighborhood).
    focus: str | None
    #: The legend's classes: (colour, count range); empty when nothing is filled.
    legend: list[tuple[str, str]]
    caption: str


def _rings(feature: Mapping[str, Any]) -> list[list[tuple[float, float]]]:
    return boundaries.outer_rings(feature["geometry"])


class SiteMaps:
    """The outlines of one publish, projected once: police districts (2023 lines, which
    the published ``district`` column follows), Council districts (2024), neighborhoods."""

    def __init__(self, data_dir: Path | None) -> None:
        districts = boundaries.load_districts(data_dir)["features"]
        self.projection = Projection.fitting(r for f in districts for r in _rings(f))
        self.paths: dict[str, dict[str, str]] = {
            DISTRICT: self._paths(districts, "district"),
            COUNCIL: self._paths(boundaries.load_council_districts()["features"], "name"),
        }
        self._neighborhoods = {
            str(f["properties"]["neighborhood"]): f
            for f in boundaries.load_neighborhoods(data_dir)["features"]
        }

    def _paths(self, features: list[dict[str, Any]], key: str) -> dict[str, str]:
        return {str(f["properties"][key]): self.projection.path(_rings(f)) for f in features}

    def for_page(self, page: PageData, data: SiteData, root: str) -> SiteMap | None:
        """The map of ``page``: the city's and a district's page show the police districts,
        a Council district's the Council districts, a neighborhood's where it lies among
        the police districts. None when the place has no outline."""
        kind = page.place.kind
        level = COUNCIL if kind == COUNCIL else DISTRICT
        pages = {p.place.key: p for p in data.by_kind(level)}
        counts = {key: _count(p) for key, p in pages.items()}
        drawn = [c for c in counts.values() if c]
        top, low = max(drawn, default=0), min(drawn, default=1)
        focus = None
        if kind == NEIGHBORHOOD:
            feature = self._neighborhoods.get(page.place.key)
            if feature is None:
                return None
            focus = self.projection.path(_rings(feature))
        areas = []
        for key, path in self.paths[level].items():
            area_page = pages.get(key)
            count = counts.get(key)
            name = place_label(area_page.place) if area_page else key
            fill = style.NO_DATA if count is None else style.fill_color(count, top, low)
            if kind == NEIGHBORHOOD:
                fill = style.CONTEXT_FILL
            title = (
                _("%(place)s: no data") % {"place": name}
                if count is None
                else _("%(place)s: %(count)s Part 1 violent crimes this year")
                % {"place": name, "count": f"{count:,}"}
            )
            areas.append(
                Area(
                    path,
                    fill,
                    kind != CITY and key == page.place.key and kind == level,
                    None if area_page is None else root + area_page.place.path,
                    title,
                    key,
                    "" if count is None else str(count),
                )
            )
        legend = [] if kind == NEIGHBORHOOD else style.legend_classes(top, low)
        return SiteMap(WIDTH, self.projection.height, areas, focus, legend, _caption(page, level))


def _count(page: PageData) -> int | None:
    """The area's count of the map's measure; None when it is no data."""
    return page.totals[MEASURE]


def _caption(page: PageData, level: str) -> str:
    if page.place.kind == NEIGHBORHOOD:
        return _("%(place)s (dark outline) among the nine police districts.") % {
            "place": place_label(page.place)
        }
    if level == COUNCIL:
        return _(
            "Part 1 violent crimes this year in the City Council districts, year to date. "
            "Select an area for its page."
        )
    return _(
        "Part 1 violent crimes this year in the police districts, year to date. Select an "
        "area for its page."
    )
