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

from bmoredash import style, vocabulary
from bmoredash.app import html as app_html
from bmoredash.app import maps
from bmoredash.app.pages import BasePage
from bmoredash.i18n import N_
from bmoredash.i18n import gettext as _
from bmoredash.reference import cvi, neighborhoods
from bmoredash.schema import CITYWIDE
from bmoredash.style import PROGRAM_OTHER, PROGRAM_TYPE_COLORS

if TYPE_CHECKING:
    from bmoredash.app.context import FilteredView

log = logging.getLogger(__name__)

ALL_TYPES = N_("All types")
NEAREST_COUNT = 5
#: The program types (``reference.cvi.PROGRAM_TYPES``, by code) in the reader's language.
TYPE_WORDS: dict[str, str] = {
    "street_outreach": N_("Street outreach & violence interruption (Safe Streets)"),
    "group_violence": N_("Group violence reduction (GVRS)"),
    "hospital": N_("Hospital-based violence intervention"),
    "school": N_("School-based violence intervention"),
    "youth": N_("Youth programs & jobs"),
    "victim_services": N_("Victim services"),
    "mediation": N_("Community mediation"),
}


def type_label(code: str) -> str:
    """A program type in the reader's words (an unknown code reads as the data's label)."""
    return _(TYPE_WORDS[code]) if code in TYPE_WORDS else cvi.PROGRAM_TYPES.get(code, code)


def _worded(programs: pd.DataFrame) -> pd.DataFrame:
    """``programs`` with their type labels in the reader's language."""
    worded = programs.copy()
    worded["type_label"] = [type_label(t) for t in worded["type"]]
    return worded


def program_card(row: pd.Series, distance_km: float | None = None) -> str:
    """One program as an HTML block: name, type, area, description, source and date."""
    color = PROGRAM_TYPE_COLORS.get(row["type"], PROGRAM_OTHER)
    return app_html.render("program_card", row=row, distance_km=distance_km, color=color)


def _cards(programs: pd.DataFrame, distances: bool = False) -> list[Markup]:
    """The program cards of ``programs`` (rendered, for a template to place)."""
    return [
        Markup(program_card(row, row["distance_km"] if distances else None))
        for _i, row in _worded(programs).iterrows()
    ]


def programs_geojson(programs: pd.DataFrame) -> dict:
    """Programs with a map location as one FeatureCollection of points."""
    features = []
    for _i, row in _worded(programs).iterrows():
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
    title = N_("Community Violence Intervention Ecosystem")
    slug = "cvi"

    def build(self) -> widgets.Widget:
        self.programs = cvi.load_programs()
        present = set(self.programs["type"])
        options = [(_(ALL_TYPES), "all")] + [
            (type_label(key), key) for key in cvi.PROGRAM_TYPES if key in present
        ]
        if self.state.programs not in {code for _label, code in options}:
            self.state.programs = "all"  # a link's type with no programme listed
        self.type_filter = widgets.Dropdown(options=options, description=_("Type:"))
        self.type_filter.layout.width = "460px"
        self.keep_in_link(self.type_filter, "programs")

        self.map = maps.base_map(
            maps.tiles_setting(), zoom=11.25, layout=widgets.Layout(height="460px")
        )
        self.map.add_class("bmd-cvi-map")
        self.layer = GeoJSON(
            data={"type": "FeatureCollection", "features": []},
            name=_("Programs"),
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
                widgets.HTML(app_html.render("cvi_intro")),
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
            name=_("Police districts"),
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
            {"color": PROGRAM_TYPE_COLORS[key], "label": type_label(key)}
            for key in cvi.PROGRAM_TYPES
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
            title = _("Programs in the %(district)s") % {
                "district": vocabulary.district_name(view.district)
            }
            cards, citywide = _cards(local), _cards(everywhere)
            count = len(local) + len(everywhere)
        else:
            title = _("All programs")
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
