"""The Arrests page: arrests by charge group and by place for the chosen place and period,
against the comparison period, the arrested people's age, sex and race with small cells
hidden, and what arrests do and do not measure (``bmoredash/text/arrests.md``).

Every number comes from ``bmoredash.arrests`` (an arrest is one arrest number; a row
without one is an arrest of its own); the place comes from the view's selection
(``Selection.apply``, the one filter rule) and the periods from the view
(``periods.chosen_windows``). The Offense filter does not apply: arrests are grouped by
their charges. A store without arrests, or a period they do not cover, shows why there is
nothing to count, never zeros.
"""

from __future__ import annotations

from dataclasses import replace

import ipywidgets as widgets
import pandas as pd

from bmoredash import arrests, text
from bmoredash.aggregate import CHANGE_MEANING, MIN_CELL, Comparison
from bmoredash.app import html as app_html
from bmoredash.app.charts import BarChart, ChartPanel, html_table
from bmoredash.app.context import FilteredView
from bmoredash.app.pages import BasePage
from bmoredash.i18n import N_, short_date
from bmoredash.i18n import gettext as _
from bmoredash.schema import CITYWIDE, UNKNOWN_DISTRICT
from bmoredash.vocabulary import (
    ARREST_RACE_LABELS,
    CHARGE_GROUP_LABELS,
    SUPPRESSED_CELL,
    UNKNOWN_DISTRICT_LABEL,
    district_name,
    people_word,
)

#: The people tables: ``arrests.people_breakdown`` column -> heading.
PEOPLE_HEADINGS: dict[str, str] = {
    "age_group": N_("Age group"),
    "sex": N_("Sex"),
    "race": N_("Race"),
}
#: The columns of the comparison table.
THIS_PERIOD, COMPARISON_PERIOD, CHANGE = N_("this period"), N_("comparison period"), N_("change")
#: Places drawn as bars (the table lists them all).
PLACE_BARS = 15


def place_arrests(view: FilteredView) -> pd.DataFrame:
    """The store's arrests in the view's place (every date): the view's selection without
    its window, applied by ``Selection.apply``."""
    return replace(view.selection, windows=None).apply(view.context.arrests)


def place_column(view: FilteredView) -> str:
    """Group arrests by neighborhood within a chosen district or area, by district
    (by the chosen lines) citywide."""
    citywide = view.district == CITYWIDE and not view.council and not view.legislative
    if citywide and not view.neighborhood:
        return view.selection.district_column
    return "neighborhood"


def place_label(column: str, value: str) -> str:
    """A place as a reader sees it: ``Western District``, ``District not recorded``, or
    the neighborhood's name (``Neighborhood not recorded`` for none)."""
    if column == "neighborhood":
        return _("Neighborhood not recorded") if value in ("Unknown", "") else value
    return _(UNKNOWN_DISTRICT_LABEL) if value == UNKNOWN_DISTRICT else district_name(value)


def comparison_table(comparisons: list[Comparison]) -> pd.DataFrame:
    """One row per measure (all arrests, then each charge group): this period, the
    comparison period and the change in words (``Comparison.describe``: up or down only
    beyond chance, no percentage on small numbers, or why there is no comparison)."""
    return pd.DataFrame(
        {
            _(THIS_PERIOD): [c.total for c in comparisons],
            _(COMPARISON_PERIOD): [None if c.why_not else c.previous for c in comparisons],
            _(CHANGE): [c.describe() for c in comparisons],
        },
        index=pd.Index([_(CHARGE_GROUP_LABELS[c.label]) for c in comparisons], name=_("Arrests")),
    )


def people_label(column: str, value: str) -> str:
    if column == "race":
        return _(ARREST_RACE_LABELS.get(value, value))
    return people_word(value)


class ArrestsPage(BasePage):
    title = N_("Arrests")
    slug = "arrests"

    def build(self) -> widgets.Widget:
        self.no_data = widgets.HTML("")
        self.summary = widgets.HTML("")
        self.changes = widgets.HTML("")
        self.change_note = widgets.HTML("")
        self.group_chart = BarChart(x_label=_("Arrests"), height="240px")
        self.group_panel = ChartPanel(_("Arrests by charge group"), self.group_chart.figure)
        self.place_chart = BarChart(x_label=_("Arrests"), height="360px")
        self.place_panel = ChartPanel(_("Arrests by place"), self.place_chart.figure)
        self.people_charts: dict[str, BarChart] = {}
        self.people_panels: dict[str, ChartPanel] = {}
        for column, heading in PEOPLE_HEADINGS.items():
            chart = BarChart(x_label=_("Arrests"), height="240px")
            title = _("Arrested people: %(breakdown)s") % {"breakdown": _(heading).lower()}
            panel = ChartPanel(title, chart.figure)
            panel.widget.layout.flex = "1 1 320px"
            panel.widget.layout.max_width = "560px"
            self.people_charts[column], self.people_panels[column] = chart, panel
        #: The last place's arrests (every date), by its place filters.
        self._place: tuple[tuple | None, pd.DataFrame] = (None, pd.DataFrame())
        #: What the page last drew, for tests and the table views.
        self.comparisons: list[Comparison] = []
        self.groups: pd.DataFrame | None = None
        self.places: pd.DataFrame | None = None
        self.people: dict[str, pd.Series] = {}
        people = widgets.HBox(
            [p.widget for p in self.people_panels.values()],
            layout=widgets.Layout(flex_flow="row wrap", width="100%"),
        )
        self.content = widgets.VBox(
            [
                self.summary,
                self.changes,
                self.change_note,
                self.group_panel.widget,
                self.place_panel.widget,
                people,
            ],
            layout=widgets.Layout(width="100%", min_width="0"),
        )
        note = widgets.HTML(text.arrests_html())
        return widgets.VBox(
            [self.no_data, self.content, note],
            layout=widgets.Layout(width="100%", min_width="0"),
        )

    def _nothing(self, period: str = "", first: str = "", last: str = "") -> None:
        """Say why there is nothing to count (no arrests in the store, or none in the
        period: the days the arrests cover), and show no numbers."""
        self.no_data.value = app_html.render(
            "arrests_no_data", period=period, first=first, last=last
        )
        self.content.layout.display = "none"
        self.summary.value = self.changes.value = self.change_note.value = ""
        self.comparisons, self.groups, self.places, self.people = [], None, None, {}

    def update(self, view: FilteredView) -> None:
        context = view.context
        if len(context.arrests) == 0:
            self._nothing()
            return
        coverage = context.arrest_coverage
        window, previous = view.window, view.previous
        if not coverage.mask(window.dates()).any():
            first, last = coverage.first_day(), coverage.last_day()
            self._nothing(
                view.period_label,
                short_date(first) if first else "",
                short_date(last) if last else "",
            )
            return
        self.no_data.value = ""
        self.content.layout.display = None

        place = tuple(view.selection.place_filters())
        if self._place[0] != place:  # a change of period alone keeps the place's rows
            self._place = (place, place_arrests(view))
        rows = self._place[1]
        now = arrests.arrests_in_window(rows, window)
        before = arrests.arrests_in_window(rows, previous)
        column = place_column(view)
        without_place = 0
        if column != "neighborhood":
            unplaced = now[now[column].astype(str) == UNKNOWN_DISTRICT]
            without_place = arrests.arrest_count(unplaced)
        self.summary.value = app_html.render(
            "arrests_summary",
            arrests=f"{arrests.arrest_count(now):,}",
            charges=f"{len(now):,}",
            place=view.place_label,
            period=view.period_label,
            partial=coverage.missing(window.start, window.end) or "",
            without_place=f"{without_place:,}" if without_place else "",
            unknown_label=_(UNKNOWN_DISTRICT_LABEL),
        )

        self.comparisons = arrests.compare_arrests(
            pd.concat([now, before]), window, previous, coverage
        )
        table = comparison_table(self.comparisons)
        self.changes.value = html_table(
            table,
            caption=_("Arrests, %(period)s vs %(previous)s")
            % {"period": view.period_label, "previous": view.previous_label},
            na=_("no data"),
            formatters={_(COMPARISON_PERIOD): _count},
        )
        left_out = next((c.left_out for c in self.comparisons if c.left_out), None)
        self.change_note.value = app_html.render(
            "arrests_change_note",
            period=view.period_label,
            previous=view.previous_label,
            left_out=left_out or "",
            change_meaning=_(CHANGE_MEANING),
        )

        self.groups = arrests.by_charge_group(now)
        labels = [_(CHARGE_GROUP_LABELS[g]) for g in self.groups.index]
        self.group_chart.update(labels, self.groups["arrests"].to_numpy(dtype=float))
        shown = self.groups.rename(index=lambda g: _(CHARGE_GROUP_LABELS.get(g, g)))
        shown = shown.rename(columns=_table_word)
        shown.index.name = _("Charge group")
        caption = _("Arrests and charges by charge group, %(period)s") % {
            "period": view.period_label
        }
        self.group_panel.set_table(html_table(shown, caption=caption))

        self.places = arrests.by_place(now, column)
        by_hood = column == "neighborhood"
        heading = _("neighborhood") if by_hood else _("district")
        self.place_panel.heading.value = app_html.render(
            "chart_heading",
            title=_("Arrests by neighborhood") if by_hood else _("Arrests by district"),
        )
        top = self.places.head(PLACE_BARS)
        self.place_chart.update(
            [place_label(column, str(p)) for p in top.index], top["arrests"].to_numpy(dtype=float)
        )
        listed = self.places.copy().rename(columns=_table_word)
        listed.index = pd.Index(
            [place_label(column, str(p)) for p in listed.index], name=heading.capitalize()
        )
        caption = (
            _("Arrests and charges by neighborhood, %(period)s")
            if by_hood
            else _("Arrests and charges by district, %(period)s")
        ) % {"period": view.period_label}
        self.place_panel.set_table(html_table(listed, caption=caption))
        self._draw_people(now)

    def _draw_people(self, rows: pd.DataFrame) -> None:
        """The age, sex and race tables, hidden cells as ``SUPPRESSED_CELL``."""
        suppressed = _(SUPPRESSED_CELL)
        for column, english in PEOPLE_HEADINGS.items():
            heading = _(english)
            counts = arrests.people_breakdown(rows, column)
            if column != "age_group":
                counts = counts[counts.fillna(1) > 0]
            self.people[column] = counts
            chart, panel = self.people_charts[column], self.people_panels[column]
            if len(counts) and counts.isna().all():
                chart.update([], [])
                panel.set_table("")
                panel.note.value = app_html.render("arrests_too_few", heading=heading.lower())
                continue
            labels = [
                f"{people_label(column, str(k))} ({suppressed})"
                if pd.isna(v)
                else people_label(column, str(k))
                for k, v in counts.items()
            ]
            chart.update(labels, counts.fillna(0).to_numpy(dtype=float))
            table = pd.DataFrame(
                {_("arrests"): counts.astype(object)},
                index=pd.Index([people_label(column, str(k)) for k in counts.index], name=heading),
            )
            panel.set_table(
                html_table(
                    table,
                    caption=_("Arrests by %(breakdown)s") % {"breakdown": heading.lower()},
                    na=suppressed,
                )
            )
            hidden = int(counts.isna().sum())
            panel.note.value = (
                app_html.render("arrests_hidden_note", hidden=hidden, min_cell=MIN_CELL)
                if hidden
                else ""
            )


def _count(value: object) -> str:
    return _("no data") if value is None or pd.isna(value) else f"{int(value):,d}"


#: The count columns of ``arrests.by_charge_group`` and ``by_place``, as a table heads them.
TABLE_WORDS: dict[str, str] = {"arrests": N_("arrests"), "charges": N_("charges")}


def _table_word(column: str) -> str:
    return _(TABLE_WORDS[column]) if column in TABLE_WORDS else column
