"""Map page: incidents by district or neighborhood, a heat layer and the latest points.

Clicking an area sets the District or Neighborhood filter (click it again to clear). The
area colours count the selected period and offenses in every area, whatever place is
selected, so areas can be compared; the points and the heat follow every filter. With the
rate switch (``state.measure``) the colours are rates per 1,000 residents
(``aggregate.per_1000``); areas without a rate are grey with a dashed outline, and a note
says why. Police districts are drawn and counted by the view's district lines
(``rates.district_level``: the 2023 outlines for the 2023 lines, the 1959-2022 ones for the
old lines, as published by the period).
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING

import ipywidgets as widgets
import pandas as pd
from ipyleaflet import LayerGroup, LayersControl

from bmoredash.aggregate import share_table
from bmoredash.aggregate.rates import district_level, district_rates, per_1000, without_rates
from bmoredash.app import html as app_html
from bmoredash.app import maps
from bmoredash.app.filters import MeasureToggle
from bmoredash.app.pages import BasePage
from bmoredash.app.state import RATES
from bmoredash.reference import population
from bmoredash.schema import CITYWIDE
from bmoredash.selection import district_column
from bmoredash.vocabulary import RATE_UNIT

if TYPE_CHECKING:
    from bmoredash.app.context import FilteredView

log = logging.getLogger(__name__)

DISTRICTS_LABEL = "Police districts"
NEIGHBORHOODS_LABEL = "Neighborhoods"

#: Names a rate note lists before "and N more".
NAMES_SHOWN = 12


def district_vintage(lines: str, start: date, end: date) -> str:
    """The district outlines for the view's lines and period (``rates.district_level``;
    the 2023 outlines when a published period spans both sets of lines)."""
    level = district_level(lines, start, end)
    return "2023" if level is None else level.removeprefix("district_")


class MapPage(BasePage):
    title = "Map"
    slug = "map"

    def build(self) -> widgets.Widget:
        self.map = maps.base_map(maps.tiles_setting(), layout=widgets.Layout(height="560px"))
        self.map.add_class("bmd-map")
        self.measure = MeasureToggle(self.state)
        #: Simplified district outlines per vintage (the 1959-2022 ones read when needed).
        self._district_areas: dict[str, dict | None] = {"2023": self._simplified("district")}
        self.areas: dict[str, dict | None] = {
            DISTRICTS_LABEL: self._district_areas["2023"],
            NEIGHBORHOODS_LABEL: self._simplified("neighborhood"),
        }
        self.area_layers = {}
        for label, key in ((DISTRICTS_LABEL, "district"), (NEIGHBORHOODS_LABEL, "neighborhood")):
            data = self.areas[label]
            if data is None:
                continue
            layer = maps.area_layer(data, label)
            maps.on_area_click(layer, key, self._area_clicked(key))
            self.area_layers[label] = layer
        # NOTE: jupyter-leaflet draws a GeoJSON layer created with visible=False anyway, so
        # only the chosen level is in the map: one group whose single layer is swapped.
        first = next(iter(self.area_layers.values()), None)
        self.area_group = LayerGroup(layers=(first,) if first else (), name="Areas")
        self.map.add(self.area_group)

        self.heat = maps.heat_layer()
        self.points = maps.points_layer()
        self.point_popup = widgets.HTML("")
        self.points.popup = self.point_popup
        self.points.on_click(self._point_clicked)
        self.map.add(self.heat)
        self.map.add(self.points)
        self.map.add(LayersControl(position="topright"))

        options = [label for label in (DISTRICTS_LABEL, NEIGHBORHOODS_LABEL) if self.areas[label]]
        self.level = widgets.ToggleButtons(
            options=options or ["No boundaries"],
            description="Areas:",
            disabled=not options,
            style={"button_width": "140px"},
        )
        self.level.observe(self._level_changed, "value")
        self.legend = widgets.HTML("")
        #: What the colours are (counts, or rates and the areas without one).
        self.rate_note = widgets.HTML(app_html.render("map_no_rate_note"))
        #: The area table last coloured (rates: ``per_1000``'s columns; counts: ``count``).
        self.area_table = pd.DataFrame()
        self.status = widgets.HTML("")
        self.boundary_note = widgets.HTML(self._boundary_note())
        self._dirty_levels: set[str] = set()
        return widgets.VBox(
            [
                widgets.HTML(app_html.render("map_intro")),
                self.boundary_note,
                widgets.HBox(
                    [self.level, self.measure.widget],
                    layout=widgets.Layout(flex_flow="row wrap", align_items="center"),
                ),
                self.map,
                self.legend,
                self.rate_note,
                self.status,
            ]
        )

    # Boundaries ---------------------------------------------------------------------

    def _simplified(self, key: str, vintage: str = "2023") -> dict | None:
        try:
            if key == "district":
                data = self.context.districts_geojson(vintage)
            else:
                data = self.context.neighborhoods_geojson()
        except Exception:  # a broken boundary file must not take the map down
            log.exception("could not read %s boundaries", key)
            return None
        return maps.simplify_areas(data, key) if data else None

    def _districts(self, vintage: str) -> dict | None:
        """District outlines of ``vintage``, simplified once."""
        if vintage not in self._district_areas:
            self._district_areas[vintage] = self._simplified("district", vintage)
        return self._district_areas[vintage]

    def _boundary_note(self) -> str:
        """Says when an outline could not be read (the package ships simplified ones, so
        only a broken file in the data directory leaves the map without them)."""
        missing = [label.lower() for label, data in self.areas.items() if not data]
        if not missing:
            return ""
        return app_html.render("map_boundary_note", missing=" and ".join(missing))

    # Interaction ----------------------------------------------------------------------

    def _area_clicked(self, key: str):
        def clicked(name: str) -> None:
            state = self.state
            with state.hold_trait_notifications():
                if key == "district":
                    if state.district == name:
                        state.district = CITYWIDE
                    else:
                        state.district = name
                        hoods = self.context.neighborhoods_by_district.get(name, ())
                        if state.neighborhood and state.neighborhood not in hoods:
                            state.neighborhood = ""
                elif state.neighborhood == name:
                    state.neighborhood = ""
                else:
                    state.neighborhood = name
                    hoods = self.context.neighborhoods_by_district.get(state.district, ())
                    if state.district != CITYWIDE and name not in hoods:
                        state.district = CITYWIDE

        return clicked

    def _point_clicked(self, **event) -> None:
        props = event.get("properties") or (event.get("feature") or {}).get("properties") or {}
        self.point_popup.value = maps.popup_html(props)

    def _level_changed(self, change) -> None:
        layer = self.area_layers.get(change["new"])
        self.area_group.layers = (layer,) if layer is not None else ()
        if self.view is not None and change["new"] in self._dirty_levels:
            self._update_areas(self.view, change["new"])

    # Refresh ---------------------------------------------------------------------------

    def _all_places(self, view: FilteredView, key: str) -> pd.DataFrame:
        """Column ``key`` of the period's rows of the chosen offenses in every district or
        neighborhood (area colours compare), inside the chosen Council or legislative
        district; only that column is cut, the counts need no other."""
        return view.column(key, scope="areas").to_frame()

    def _update_areas(self, view: FilteredView, label: str) -> None:
        layer = self.area_layers.get(label)
        if layer is None:
            self.legend.value = ""
            return
        key = "district" if label == DISTRICTS_LABEL else "neighborhood"
        start, end = view.window.start, view.window.end
        if key == "district":
            self.areas[label] = self._districts(district_vintage(view.lines, start, end))
            selected = view.district if view.district != CITYWIDE else None
            column = district_column(view.lines)
        else:
            selected = view.neighborhood or None
            column = key
        areas = self.areas[label]
        if not areas:
            self.legend.value = ""
            return
        counts = share_table(self._all_places(view, column), column)["count"]
        noun = f"{view.unit}, {view.period_label}"
        if self.state.measure == RATES:
            names = [f["properties"][key] for f in areas["features"]]
            # NOTE: every outline gets a count: an area without rows in the period had none.
            counts = counts.reindex(names, fill_value=0)
            if key == "district":
                rated = district_rates(counts, view.lines, start, end)
                level = district_level(view.lines, start, end)
            else:
                rated, level = per_1000(counts, "neighborhood"), "neighborhood"
            if view.council or view.legislative:
                # an area's residents are not those of its part inside the chosen district
                rated = without_rates(rated)
            self.area_table = rated
            low, top = maps.update_rate_layer(layer, areas, key, rated, selected, view.unit)
            no_rate = rated[rated["rate"].isna()].sort_values("count", ascending=False)
            title = f"{label.lower()} — {view.unit} {RATE_UNIT}, {view.period_label}"
            self.legend.value = maps.rate_legend_html(low, top, title, len(no_rate))
            self.rate_note.value = self._rate_note(view, label, level, no_rate)
        else:
            self.area_table = counts.to_frame("count")
            top, low = maps.update_area_layer(layer, areas, key, counts.to_dict(), selected, noun)
            self.legend.value = maps.legend_html(top, f"{label.lower()} — {noun}", low)
            self.rate_note.value = app_html.render("map_no_rate_note")
        self._dirty_levels.discard(label)

    def _rate_note(
        self, view: FilteredView, label: str, level: str | None, no_rate: pd.DataFrame
    ) -> str:
        """What the rate colours divide by, and which areas have no rate and why."""
        groups = [
            {
                "names": list(names.index[:NAMES_SHOWN]),
                "more": max(0, len(names) - NAMES_SHOWN),
                "reason": reason,
            }
            for reason, names in no_rate.groupby("note", sort=False)
        ]
        return app_html.render(
            "rates_map_note",
            unit=view.unit,
            areas=label.lower(),
            source=population.SOURCE_NOTES[level] if level else "",
            groups=groups,
        )

    def update(self, view: FilteredView) -> None:
        self._dirty_levels = set(self.area_layers)
        if self.level.value in self.area_layers:
            self._update_areas(view, self.level.value)
        else:
            self.legend.value = ""

        rows = view.current
        mask = maps.located_mask(rows)
        with self.map.hold_sync():
            self.points.data = maps.points_geojson(
                rows,
                maps.POINT_CAP,
                blocks=lambda shown: view.context.text("location", shown),
                mask=mask,
            )
            maps.update_heat_layer(self.heat, maps.heat_locations(rows, mask=mask))
        total = len(rows)
        placed = int(mask.sum())
        shown = min(placed, maps.POINT_CAP)
        self.status.value = app_html.render(
            "map_status",
            total=f"{total:,}",
            unit=view.unit,
            describe=view.describe(),
            placed=f"{placed:,}" if placed else "",
            shown=f"{shown:,}",
            all_shown=shown >= placed,
            unplaced=f"{total - placed:,}" if total > placed else "",
        )
