"""Community Violence Intervention Ecosystem page: who works to prevent violence, and where.

A map and a list of programs (Safe Streets sites, group violence reduction, hospital- and
school-based programs, youth programs, victim services), filterable by type; with a
neighborhood selected, the programs nearest to it come first. Every entry shows its public
source and that source's date; an entry without a public source is marked "unverified".
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import ipywidgets as widgets
import pandas as pd
from ipyleaflet import CircleMarker, GeoJSON
from markupsafe import Markup

from bmoredash import style
from bmoredash.app import html as app_html
from bmoredash.app import maps
from bmoredash.app.pages import BasePage
from bmoredash.reference import cvi, neighborhoods
from bmoredash.schema import CITYWIDE
from bmoredash.style import PROGRAM_OTHER, PROGRAM_TYPE_COLORS

if TYPE_CHECKING:
    from bmoredash.app.context import FilteredView

log = logging.getLogger(__name__)

ALL_TYPES = "All types"
NEAREST_COUNT = 5

INTRO = app_html.render("cvi_intro")


def program_card(row: pd.Series, distance_km: float | None = None) -> str:
    """One program as an HTML block: name, type, area, description, source and date."""
    color = PROGRAM_TYPE_COLORS.get(row["type"], PROGRAM_OTHER)
    return app_html.render("program_card", row=row, distance_km=distance_km, color=color)


def _cards(programs: pd.DataFrame, distances: bool = False) -> list[Markup]:
    """The program cards of ``programs`` (rendered, for a template to place)."""
    return [
        Markup(program_card(row, row["distance_km"] if distances else None))
        for _, row in programs.iterrows()
    ]


def programs_geojson(programs: pd.DataFrame) -> dict:
    """Programs with a map location as one FeatureCollection of points."""
    features = []
    for _, row in programs.iterrows():
        if pd.isna(row["map_latitude"]) or pd.isna(row["map_longitude"]):
            continue
        color = PROGRAM_TYPE_COLORS.get(row["type"], PROGRAM_OTHER)
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [float(row["map_longitude"]), float(row["map_latitude"])],
                },
                "properties": {
                    "name": row["name"],
                    "type_label": row["type_label"],
                    "area_served": row["area_served"],
                    "location_basis": row["location_basis"],
                    "verified": bool(row["verified"]),
                    "style": {"color": style.FOCUS_EDGE, "fillColor": color},
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


class CviPage(BasePage):
    title = "Community Violence Intervention Ecosystem"
    slug = "cvi"

    def build(self) -> widgets.Widget:
        self.programs = cvi.load_programs()
        present = set(self.programs["type"])
        options = [(ALL_TYPES, "all")] + [
            (label, key) for key, label in cvi.PROGRAM_TYPES.items() if key in present
        ]
        if self.state.programs not in {code for _, code in options}:
            self.state.programs = "all"  # a link's type with no programme listed
        self.type_filter = widgets.Dropdown(options=options, description="Type:")
        self.type_filter.layout.width = "460px"
        self.keep_in_link(self.type_filter, "programs")

        self.map = maps.base_map(
            maps.tiles_setting(), zoom=11.25, layout=widgets.Layout(height="460px")
        )
        self.map.add_class("bmd-cvi-map")
        self.layer = GeoJSON(
            data={"type": "FeatureCollection", "features": []},
            name="Programs",
            point_style={"radius": 8, "weight": 1, "fillOpacity": 0.9},
            hover_style={"radius": 11},
        )
        self.popup = widgets.HTML("")
        self.layer.popup = self.popup
        self.layer.on_click(self._program_clicked)
        self.here = CircleMarker(
            location=maps.CITY_CENTER,
            radius=12,
            color=style.OUTLINE_HOVER,
            weight=2,
            fill_opacity=0.0,
        )
        districts = self._district_outlines()
        if districts is not None:
            self.map.add(districts)
        self.map.add(self.layer)

        self.key = widgets.HTML(self._key_html())
        self.nearest = widgets.HTML("")
        self.listing = widgets.HTML("")
        return widgets.VBox(
            [
                widgets.HTML(INTRO),
                self.type_filter,
                self.map,
                self.key,
                self.nearest,
                self.listing,
            ]
        )

    def _district_outlines(self) -> GeoJSON | None:
        """Police district outlines for orientation (the map may have no tiles)."""
        try:
            data = self.context.districts_geojson("2023")
        except Exception:  # outlines are a nicety; never fail the page for them
            log.exception("could not read district boundaries")
            return None
        if not data:
            return None
        return GeoJSON(
            data=maps.simplify_areas(data, "district"),
            name="Police districts",
            style={
                "color": style.CONTEXT_EDGE,
                "weight": 1,
                "fillColor": style.CONTEXT_FILL,
                "fillOpacity": 0.08,
            },
        )

    def _key_html(self) -> str:
        present = set(self.programs["type"])
        items = [
            {"color": PROGRAM_TYPE_COLORS[key], "label": label}
            for key, label in cvi.PROGRAM_TYPES.items()
            if key in present
        ]
        return app_html.render("cvi_key", items=items)

    def _program_clicked(self, **event) -> None:
        props = event.get("properties") or (event.get("feature") or {}).get("properties") or {}
        self.popup.value = app_html.render(
            "cvi_popup",
            name=str(props.get("name", "")),
            type_label=str(props.get("type_label", "")),
            area_served=str(props.get("area_served", "")),
            approximate=str(props.get("location_basis", "")).startswith("neighborhood"),
            unverified=props.get("verified") is False,
        )

    # Selection -------------------------------------------------------------------------

    def selected_programs(self) -> pd.DataFrame:
        """Programs of the chosen type (all types by default)."""
        if self.type_filter.value == "all":
            return self.programs
        return self.programs[self.programs["type"] == self.type_filter.value]

    def update(self, view: FilteredView) -> None:
        chosen = self.selected_programs()
        self.layer.data = programs_geojson(chosen)

        centre = neighborhoods.centres().get(view.neighborhood) if view.neighborhood else None
        if centre is not None:
            self.here.location = centre
            if self.here not in self.map.layers:
                self.map.add(self.here)
            near = cvi.nearest_programs(centre[0], centre[1], n=NEAREST_COUNT, programs=chosen)
            self.nearest.value = app_html.render(
                "cvi_nearest", neighborhood=view.neighborhood, cards=_cards(near, distances=True)
            )
        else:
            if self.here in self.map.layers:
                self.map.remove(self.here)
            self.nearest.value = app_html.render("cvi_nearest_hint")

        if view.district != CITYWIDE:
            local = cvi.programs_for_district(
                view.district, include_citywide=False, programs=chosen
            )
            everywhere = cvi.citywide_programs(chosen)
            title = f"Programs in the {view.district.title()} District"
            cards, citywide = _cards(local), _cards(everywhere)
            count = len(local) + len(everywhere)
        else:
            title = "All programs"
            cards, citywide = _cards(chosen), []
            count = len(chosen)
        unverified = int((~chosen["verified"]).sum())
        self.listing.value = app_html.render(
            "cvi_listing",
            title=title,
            count=count,
            unverified=unverified,
            cards=cards,
            citywide=citywide,
            district=view.district != CITYWIDE,
        )
