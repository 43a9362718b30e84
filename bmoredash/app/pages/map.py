"""Map page: incidents by police district, neighborhood or Council district, in clusters.

Every level's outlines are always drawn; the chosen level is filled on the sequential
scale and answers clicks: a click selects the area (the District, Neighborhood or Council
filter) and a second click clears it. The incident clusters and the other levels'
outlines are not interactive, so a click always reaches the area under it. The map zooms
to the selection (the city when none), and the clusters are counted again at every zoom.
The area colours count the selected period and offenses in every area, whatever place is
selected, so areas can be compared; the clusters follow every filter. With the rate
switch (``state.measure``) the colours are rates per 1,000 residents
(``aggregate.per_1000``); areas without a rate are grey with a dashed outline, and a note
says why. Police districts are drawn and counted by the view's district lines
(``rates.district_level``). Council district colours compare all 14 districts in the city
(the place filters are set aside for them, as for the other levels' colours).

Keyboard path: the search box lists every area (pick one to select it) and finds block
addresses in the data; "Whole city" clears the selection; "Show table" gives the areas
and the numbers that colour them.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import numpy as np
import pandas as pd
from ipyleaflet import LayerGroup

from bmoredash import style
from bmoredash.aggregate import share_table
from bmoredash.aggregate.rates import (
    district_level,
    district_rates,
    note_text,
    per_1000,
    without_rates,
)
from bmoredash.app import html as app_html
from bmoredash.app import maps
from bmoredash.app.charts import html_table
from bmoredash.app.filters import MeasureToggle
from bmoredash.app.pages import BasePage, source_text
from bmoredash.app.state import CHOICES, RATES
from bmoredash.i18n import gettext as _
from bmoredash.reference import boundaries
from bmoredash.schema import CITYWIDE
from bmoredash.selection import district_column
from bmoredash.vocabulary import (
    MAP_AREA_HEADER,
    MAP_AREAS_LABEL,
    MAP_FIND,
    MAP_LEVEL_LABELS,
    MAP_RATE_HEADER,
    MAP_RESIDENTS_HEADER,
    MAP_SEARCH_LABEL,
    MAP_SEARCH_PLACEHOLDER,
    MAP_SHOW_MAP,
    MAP_SHOW_TABLE,
    MAP_WHOLE_CITY,
    RATE_UNIT,
    council_name,
    district_name,
)

if TYPE_CHECKING:
    from bmoredash.app.context import FilteredView

log = logging.getLogger(__name__)

DISTRICT, NEIGHBORHOOD, COUNCIL = "district", "neighborhood", "council"
LEVELS = (DISTRICT, NEIGHBORHOOD, COUNCIL)
#: The level toggle's values are the link's ``areas`` codes (``state.CHOICES``), so the
#: toggle can follow ``state.areas``: code -> level.
LEVEL_OF: dict[str, str] = dict(zip(CHOICES["areas"], LEVELS, strict=True))
CHOICE_OF: dict[str, str] = {level: code for code, level in LEVEL_OF.items()}
DISTRICTS_LABEL = MAP_LEVEL_LABELS[DISTRICT]
NEIGHBORHOODS_LABEL = MAP_LEVEL_LABELS[NEIGHBORHOOD]
COUNCIL_LABEL = MAP_LEVEL_LABELS[COUNCIL]
#: How each level's outline reads when it is not the chosen one (colour, width, dashes).
OUTLINE_LOOK: dict[str, tuple[str, float, str]] = {
    DISTRICT: (style.DISTRICT_EDGE, 2.5, ""),
    NEIGHBORHOOD: (style.NEIGHBORHOOD_EDGE, 0.6, ""),
    COUNCIL: (style.COUNCIL_EDGE, 2, "6 4"),
}
#: The Council lines the map draws (the store's ``council_district`` column's).
COUNCIL_LINES = "2024"
#: The zoom a single block address is shown at.
BLOCK_ZOOM = 16.5

#: Names a rate note lists before "and N more".
NAMES_SHOWN = 12


def district_vintage(lines: str, start: date, end: date) -> str:
    """The district outlines for the view's lines and period (``rates.district_level``;
    the 2023 outlines when a published period spans both sets of lines)."""
    level = district_level(lines, start, end)
    return "2023" if level is None else level.removeprefix("district_")


def area_label(key: str, name: str) -> str:
    """How an area reads in the table and the search list."""
    if key == DISTRICT:
        return district_name(name)
    if key == COUNCIL:
        return council_name(name)
    return name


class MapPage(BasePage):
    title = "Map"
    slug = "map"

    def build(self) -> widgets.Widget:
        tiles = maps.tiles_setting()
        self.map = maps.base_map(tiles, layout=widgets.Layout(height="560px", width="100%"))
        self.map.add_class("bmd-map")
        self.measure = MeasureToggle(self.state)
        #: Simplified district outlines per vintage (the 1959-2022 ones read when needed).
        self._district_areas: dict[str, dict | None] = {"2023": self._simplified(DISTRICT)}
        self.areas: dict[str, dict | None] = {
            DISTRICT: self._district_areas["2023"],
            NEIGHBORHOOD: self._simplified(NEIGHBORHOOD),
            COUNCIL: self._simplified(COUNCIL),
        }
        self.area_layers: dict[str, Any] = {}
        self.outline_layers: dict[str, maps.OutlineLayer] = {}
        for key in LEVELS:
            data = self.areas[key]
            if data is None:
                continue
            layer = maps.area_layer(data, MAP_LEVEL_LABELS[key])
            maps.on_area_click(layer, key, self._area_clicked(key))
            layer.on_hover(self._area_hovered)
            self.area_layers[key] = layer
            color, weight, dash = OUTLINE_LOOK[key]
            self.outline_layers[key] = maps.outline_layer(
                data, MAP_LEVEL_LABELS[key], color, weight, dash
            )
        #: The whole city's outline: the frame of the map (filled white without tiles).
        self.city = boundaries.load_city()
        if tiles is None:
            self.map.add(maps.city_layer(self.city))
        # NOTE: jupyter-leaflet draws a GeoJSON layer created with visible=False anyway, so
        # only the chosen level is in the map: one group whose single layer is swapped.
        options = [key for key in LEVELS if key in self.area_layers]
        first = options[0] if options else None
        self.area_group = LayerGroup(
            layers=(self.area_layers[first],) if first else (), name="Areas"
        )
        self.outline_group = LayerGroup(
            layers=tuple(self.outline_layers[k] for k in options if k != first), name="Outlines"
        )
        #: The selected place's outline, thick, whatever level is filled.
        self.selection = maps.outline_layer(
            {"type": "FeatureCollection", "features": []}, "Selection", style.OUTLINE_SELECTED, 4
        )
        self.clusters = maps.cluster_layer()
        self.labels = maps.label_layer()
        #: A ring where the last block address searched for is.
        self.found = maps.found_ring()
        layers = (self.area_group, self.outline_group, self.selection, self.clusters, self.labels)
        for layer in layers:
            self.map.add(layer)

        self.level = widgets.ToggleButtons(
            options=[(_(MAP_LEVEL_LABELS[k]), CHOICE_OF[k]) for k in options] or [("", "")],
            description=_(MAP_AREAS_LABEL),
            disabled=not options,
            style={"button_width": "140px"},
        )
        self.level.observe(self._level_changed, "value")

        self.search = widgets.Combobox(
            placeholder=_(MAP_SEARCH_PLACEHOLDER),
            description=_(MAP_SEARCH_LABEL),
            ensure_option=False,
            continuous_update=False,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="420px", max_width="100%"),
        )
        self._search_targets = self._area_targets()
        self.search.options = tuple(self._search_targets)
        # NOTE: without continuous updates the value arrives on Enter (or on leaving the
        # box), not at every key: typing an address does not search at every letter.
        self.search.observe(self._search_changed, "value")
        self.find_button = widgets.Button(description=_(MAP_FIND), icon="search")
        self.find_button.on_click(lambda _button: self.find())
        self.clear_button = widgets.Button(description=_(MAP_WHOLE_CITY), icon="globe")
        self.clear_button.on_click(lambda _button: self.clear_selection())
        self.search_message = widgets.HTML("")
        #: The area under the pointer and its number (the map's tooltip, in the kernel).
        self.hover = widgets.HTML(app_html.render("map_hover", text=""))

        self.legend = widgets.HTML("")
        self.key = widgets.HTML("")
        #: What the colours are (counts, or rates and the areas without one).
        self.rate_note = widgets.HTML(app_html.render("map_no_rate_note"))
        #: The area table last coloured (rates: ``per_1000``'s columns; counts: ``count``).
        self.area_table = pd.DataFrame()
        self.table = widgets.HTML("", layout=widgets.Layout(display="none", max_width="100%"))
        self.table_toggle = widgets.ToggleButton(
            value=False, description=_(MAP_SHOW_TABLE), icon="table"
        )
        self.table_toggle.observe(self._table_toggled, "value")
        #: The located rows' coordinates (clustered again at each zoom) and the clusters.
        self._lat = np.array([], dtype=float)
        self._lon = np.array([], dtype=float)
        self.cluster_table = maps.clusters(pd.DataFrame({"latitude": [], "longitude": []}), 11)
        self._cluster_cell: tuple[float, float] | None = None
        self.map.observe(self._zoom_changed, "zoom")
        #: The map's size in pixels once the browser has reported it.
        self._size: tuple[float, float] | None = None
        self._fit_again: tuple | None = None
        self.map.observe(self._bounds_changed, "pixel_bounds")
        #: The place the map last zoomed to, and the bounds it fitted.
        self._fitted_place: tuple | None = None
        self.fitted: list[list[float]] = []
        self.status = widgets.HTML("")
        self.boundary_note = widgets.HTML(self._boundary_note())
        self._dirty_levels: set[str] = set()
        row = widgets.Layout(flex_flow="row wrap", align_items="center")
        if options:  # the level is in the link (``state.areas``) both ways
            if self.state.areas not in {code for _, code in self.level.options}:
                self.state.areas = self.level.options[0][1]  # a level without outlines
            widgets.link((self.state, "areas"), (self.level, "value"))
        return widgets.VBox(
            [
                widgets.HTML(maps.background_html() + app_html.render("map_intro")),
                self.boundary_note,
                widgets.HBox([self.level, self.measure.widget], layout=row),
                widgets.HBox([self.search, self.find_button, self.clear_button], layout=row),
                self.search_message,
                self.map,
                self.hover,
                self.table,
                self.legend,
                self.key,
                self.table_toggle,
                self.rate_note,
                self.status,
            ]
        )

    # Boundaries ---------------------------------------------------------------------

    def _simplified(self, key: str, vintage: str = "2023") -> dict | None:
        try:
            if key == DISTRICT:
                data = self.context.districts_geojson(vintage)
            elif key == NEIGHBORHOOD:
                data = self.context.neighborhoods_geojson()
            else:
                data = boundaries.load_council_districts(COUNCIL_LINES)
                for feature in data["features"]:
                    feature["properties"][COUNCIL] = feature["properties"].get("name")
        except Exception:  # a broken boundary file must not take the map down
            log.exception("could not read %s boundaries", key)
            return None
        return maps.simplify_areas(data, key) if data else None

    def _districts(self, vintage: str) -> dict | None:
        """District outlines of ``vintage``, simplified once."""
        if vintage not in self._district_areas:
            self._district_areas[vintage] = self._simplified(DISTRICT, vintage)
        return self._district_areas[vintage]

    def _boundary_note(self) -> str:
        """Says when an outline could not be read (the package ships simplified ones, so
        only a broken file in the data directory leaves the map without them)."""
        missing = [_(MAP_LEVEL_LABELS[k]).lower() for k, data in self.areas.items() if not data]
        if not missing:
            return ""
        return app_html.render("map_boundary_note", missing=" and ".join(missing))

    def _area_targets(self) -> dict[str, tuple[str, str]]:
        """Search list entry -> (level, area name): every neighborhood, district and
        Council district with an outline."""
        targets: dict[str, tuple[str, str]] = {}
        for key in (NEIGHBORHOOD, DISTRICT, COUNCIL):
            data = self.areas.get(key) or {"features": []}
            names = [f["properties"][key] for f in data["features"]]
            for name in maps.area_options(names):
                targets.setdefault(area_label(key, name), (key, name))
        return targets

    # Interaction ----------------------------------------------------------------------

    def _area_clicked(self, key: str):
        def clicked(name: str) -> None:
            if self._selected(key) == name:
                self.clear_selection()
            else:
                self.select(key, name)

        return clicked

    def _selected(self, key: str) -> str:
        state = self.state
        if key == DISTRICT:
            return state.district
        return state.neighborhood if key == NEIGHBORHOOD else state.council

    def select(self, key: str, name: str) -> None:
        """Set the filter of ``key`` to ``name``, keeping the district and the
        neighborhood consistent (as the filters do)."""
        state = self.state
        with state.hold_trait_notifications():
            if key == DISTRICT:
                state.district = name
                hoods = self.context.neighborhoods_by_district.get(name, ())
                if state.neighborhood and state.neighborhood not in hoods:
                    state.neighborhood = ""
            elif key == NEIGHBORHOOD:
                state.neighborhood = name
                hoods = self.context.neighborhoods_by_district.get(state.district, ())
                if state.district != CITYWIDE and name not in hoods:
                    state.district = CITYWIDE
            else:
                state.council = name

    def clear_selection(self) -> None:
        """Back to the whole city: no district, neighborhood or Council district."""
        state = self.state
        with state.hold_trait_notifications():
            state.district = CITYWIDE
            state.neighborhood = ""
            state.council = ""

    def _search_changed(self, change: dict) -> None:
        """Enter in the box, or an entry picked from its list: find it."""
        if change["new"].strip():
            self.find()

    def find(self) -> None:
        """Select the area named in the search box, or centre the map on the data's rows
        at a matching block address; say so, or that nothing matched."""
        query = self.search.value.strip()
        if not query:
            self.search_message.value = app_html.render("map_search", kind="empty")
            return
        target = self._search_targets.get(query) or next(
            (
                t
                for label, t in self._search_targets.items()
                if label.casefold() == query.casefold()
            ),
            None,
        )
        if target is not None:
            self.select(*target)
            self.search_message.value = app_html.render(
                "map_search", kind="area", name=area_label(*target)
            )
            return
        frame = self.context.frame
        bounds, count, blocks = maps.find_block(
            self.context.text("location", frame),
            frame["latitude"].to_numpy(dtype=float),
            frame["longitude"].to_numpy(dtype=float),
            query,
        )
        if not count:
            if self.found in self.map.layers:
                self.map.remove(self.found)
            self.search_message.value = app_html.render("map_search", kind="none", query=query)
            return
        (south, west), (north, east) = bounds
        centre = ((south + north) / 2, (west + east) / 2)
        # A block outside the selected place would show no clusters: back to the city.
        left = ""
        view = self.view
        if view is not None and (view.district != CITYWIDE or view.neighborhood or view.council):
            (ps, pw), (pn, pe) = self._place_bounds(view)
            if not (ps <= centre[0] <= pn and pw <= centre[1] <= pe):
                left = view.place_label
                self.clear_selection()
                # NOTE: the refresh the cleared filters bring must not fit the city over
                # the block: the new place counts as fitted already.
                self._fitted_place = (CITYWIDE, "", "")
        self._zoom_to(bounds, max_zoom=BLOCK_ZOOM)
        self.found.location = centre
        if self.found not in self.map.layers:
            self.map.add(self.found)
        self.search_message.value = app_html.render(
            "map_search",
            kind="block",
            query=query,
            count=f"{count:,}",
            blocks=blocks,
            more=len(blocks) >= 5,
            left=left,
        )

    def _area_hovered(self, **event: Any) -> None:
        props = event.get("properties") or {}
        text = props.get("tooltip")
        if isinstance(text, str):
            self.hover.value = app_html.render("map_hover", text=text)

    def _table_toggled(self, change: dict) -> None:
        show = bool(change["new"])
        self.table.layout.display = None if show else "none"
        self.map.layout.display = "none" if show else None
        self.key.layout.display = "none" if show else None
        self.hover.layout.display = "none" if show else None
        self.table_toggle.description = _(MAP_SHOW_MAP) if show else _(MAP_SHOW_TABLE)

    @property
    def chosen_level(self) -> str:
        """The level the toggle shows (``district``, ``neighborhood`` or ``council``)."""
        return LEVEL_OF.get(self.level.value, "")

    def _level_changed(self, _change) -> None:
        key = self.chosen_level
        layer = self.area_layers.get(key)
        self.area_group.layers = (layer,) if layer is not None else ()
        self.outline_group.layers = tuple(
            outline for k, outline in self.outline_layers.items() if k != key
        )
        self.key.value = self._key_html()
        if self.view is not None and key in self._dirty_levels:
            self._update_areas(self.view, key)

    def _bounds_changed(self, _change: dict) -> None:
        """The browser said where the map is: keep its size; the first time, fit the
        selection again to it (a phone's map is narrower than the size guessed)."""
        size = maps.view_size(self.map)
        if size is None:
            return
        self._size = size
        if self._fit_again is not None:
            self._zoom_to(*self._fit_again)

    def _zoom_changed(self, _change: dict) -> None:
        if self.view is not None:
            self._draw_clusters()

    # Refresh ---------------------------------------------------------------------------

    def _column(self, view: FilteredView, key: str) -> str:
        if key == DISTRICT:
            return district_column(view.lines)
        return "council_district" if key == COUNCIL else NEIGHBORHOOD

    def _update_areas(self, view: FilteredView, key: str) -> None:
        layer = self.area_layers.get(key)
        if layer is None:
            self.legend.value = ""
            return
        start, end = view.window.start, view.window.end
        if key == DISTRICT:
            self.areas[key] = self._districts(district_vintage(view.lines, start, end))
        selected = self._selected(key) or None
        if selected == CITYWIDE:
            selected = None
        areas = self.areas[key]
        if not areas:
            self.legend.value = ""
            return
        column = self._column(view, key)
        # Districts and neighborhoods compare inside the chosen Council or legislative
        # district; the Council districts compare the whole city.
        scope = "city" if key == COUNCIL else "areas"
        if column in view.context.frame.columns:
            counts = share_table(view.column(column, scope=scope).to_frame(), column)["count"]
        else:  # a frame without the column (a store written before it) counts nothing
            counts = pd.Series(dtype="int64")
        label = _(MAP_LEVEL_LABELS[key]).lower()
        noun = f"{view.unit_label}, {view.period_label}"
        names = [f["properties"][key] for f in areas["features"]]
        # NOTE: every outline gets a count: an area without rows in the period had none.
        counts = counts.reindex(names, fill_value=0).astype(int)
        if self.state.measure == RATES:
            if key == DISTRICT:
                rated = district_rates(counts, view.lines, start, end)
                level = district_level(view.lines, start, end)
            else:
                level = "council_district" if key == COUNCIL else NEIGHBORHOOD
                rated = per_1000(counts, level)
            if key != COUNCIL and (view.council or view.legislative):
                # an area's residents are not those of its part inside the chosen district
                rated = without_rates(rated)
            self.area_table = rated
            low, top = maps.update_rate_layer(
                layer, areas, key, rated, selected, view.unit_label, self._names(key)
            )
            no_rate = rated[rated["rate"].isna()].sort_values("count", ascending=False)
            title = f"{label} — {view.unit_label} {_(RATE_UNIT)}, {view.period_label}"
            self.legend.value = maps.rate_legend_html(low, top, title, len(no_rate))
            self.rate_note.value = self._rate_note(view, label, level, no_rate)
        else:
            self.area_table = counts.to_frame("count")
            top, low = maps.update_area_layer(
                layer, areas, key, counts.to_dict(), selected, noun, self._names(key)
            )
            self.legend.value = maps.legend_html(top, f"{label} — {noun}", low)
            self.rate_note.value = app_html.render("map_no_rate_note")
        self.table.value = self._table_html(view, key, selected)
        self._dirty_levels.discard(key)

    def _names(self, key: str) -> dict[str, str]:
        """Area name -> how it reads (``Western District``, ``Council District 9``)."""
        data = self.areas.get(key) or {"features": []}
        return {
            f["properties"][key]: area_label(key, f["properties"][key]) for f in data["features"]
        }

    def _table_html(self, view: FilteredView, key: str, selected: str | None) -> str:
        """The areas with the numbers that colour them, busiest first (the map as a table)."""
        table = self.area_table
        unit = view.unit_label[:1].upper() + view.unit_label[1:]
        shown = pd.DataFrame({unit: table["count"].fillna(0).astype(int)}, index=table.index)
        formatters = {unit: lambda n: f"{int(n):,}"}
        if "rate" in table:
            shown[_(MAP_RESIDENTS_HEADER)] = table["residents"]
            shown[_(MAP_RATE_HEADER)] = table["rate"]
            formatters[_(MAP_RESIDENTS_HEADER)] = lambda n: "–" if pd.isna(n) else f"{int(n):,}"
            formatters[_(MAP_RATE_HEADER)] = lambda r: "–" if pd.isna(r) else f"{r:,.1f}"
            shown = shown.sort_values([_(MAP_RATE_HEADER), unit], ascending=False)
        else:
            shown = shown.sort_values(unit, ascending=False, kind="stable")
        shown.index = [area_label(key, str(name)) for name in shown.index]
        shown.index.name = _(MAP_AREA_HEADER)
        caption = f"{_(MAP_LEVEL_LABELS[key])} — {view.unit_label}, {view.period_label}"
        highlight = area_label(key, selected) if selected else None
        return html_table(shown, caption=caption, highlight=highlight, formatters=formatters)

    def _rate_note(self, view: FilteredView, label: str, level: str | None, no_rate) -> str:
        """What the rate colours divide by, and which areas have no rate and why."""
        groups = [
            {
                "names": list(names.index[:NAMES_SHOWN]),
                "more": max(0, len(names) - NAMES_SHOWN),
                "reason": note_text(reason),
            }
            for reason, names in no_rate.groupby("note", sort=False)
        ]
        return app_html.render(
            "rates_map_note",
            unit=view.unit_label,
            areas=label,
            source=source_text(level) if level else "",
            groups=groups,
        )

    def _place(self, view: FilteredView) -> list[dict]:
        """The selection's outline: the neighborhood, else the district, else the Council
        district; none for the city."""
        for key, name in (
            (NEIGHBORHOOD, view.neighborhood),
            (DISTRICT, view.district if view.district != CITYWIDE else ""),
            (COUNCIL, view.council),
        ):
            areas = self.areas.get(key)
            if name and areas:
                found = [f for f in areas["features"] if f["properties"][key] == name]
                if found:
                    return found
        return []

    def _place_bounds(self, view: FilteredView) -> list[list[float]]:
        """The bounds of the selection's outline, or of the city."""
        place = self._place(view)
        return maps.bounds_of({"features": place} if place else self.city)

    def _zoom_to(self, bounds: list[list[float]], max_zoom: float = 16) -> None:
        size = self._size or maps.DEFAULT_VIEW
        center, zoom = maps.fit_view(bounds, size, max_zoom=max_zoom)
        self.fitted = bounds
        #: Fitted to a guessed size: fitted again when the browser tells the real one.
        self._fit_again = None if self._size else (bounds, max_zoom)
        with self.map.hold_sync():
            self.map.center = center
            self.map.zoom = zoom

    def _draw_clusters(self) -> None:
        cell = maps.cluster_cell(self.map.zoom)
        if cell == self._cluster_cell:
            return
        frame = pd.DataFrame({"latitude": self._lat, "longitude": self._lon})
        self.cluster_table = maps.clusters(frame, self.map.zoom)
        self.clusters.data = maps.clusters_geojson(self.cluster_table)
        maps.update_label_layer(self.labels, self.cluster_table, self.map.zoom)
        self._cluster_cell = cell
        if self.view is not None:
            self._status(self.view)

    def _status(self, view: FilteredView) -> None:
        total = len(view.current)
        placed = len(self._lat)
        self.status.value = app_html.render(
            "map_status",
            total=f"{total:,}",
            unit=view.unit_label,
            describe=view.describe(),
            placed=f"{placed:,}" if placed else "",
            clusters=f"{len(self.cluster_table):,}",
            unplaced=f"{total - placed:,}" if total > placed else "",
        )

    def update(self, view: FilteredView) -> None:
        self._dirty_levels = set(self.area_layers)
        if self.chosen_level in self.area_layers:
            self._update_areas(view, self.chosen_level)
        else:
            self.legend.value = ""
        self.key.value = self._key_html()
        self.selection.data = {"type": "FeatureCollection", "features": self._place(view)}

        rows = view.current
        mask = maps.located_mask(rows)
        self._lat = rows["latitude"].to_numpy(dtype=float)[mask]
        self._lon = rows["longitude"].to_numpy(dtype=float)[mask]
        self._cluster_cell = None
        place = (view.district, view.neighborhood, view.council)
        with self.map.hold_sync():
            if place != self._fitted_place:
                self._fitted_place = place
                self._zoom_to(self._place_bounds(view))
            self._draw_clusters()
        self._status(view)

    def _key_html(self) -> str:
        """What the outlines of the levels not chosen are, and the circles."""
        lines = [
            {
                "color": OUTLINE_LOOK[k][0],
                "width": max(1, round(OUTLINE_LOOK[k][1])),
                "dash": "dashed" if OUTLINE_LOOK[k][2] else "solid",
                "label": _(MAP_LEVEL_LABELS[k]),
            }
            for k in self.outline_layers
            if k != self.chosen_level
        ]
        return app_html.render(
            "map_key",
            lines=lines,
            cluster_fill=style.CLUSTER_FILL,
            cluster_edge=style.CLUSTER_EDGE,
        )
