"""Page 4, When and where: hour by weekday, inside or outside, premise and weapon."""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd

from bmoredash.aggregate import MIN_READABLE_COUNT, WEEKDAYS, hour_by_weekday, share_table
from bmoredash.app import html as app_html
from bmoredash.app.charts import BarChart, ChartPanel, HeatmapChart, html_table
from bmoredash.app.context import FilteredView
from bmoredash.app.pages import BasePage

HOURS: tuple[str, ...] = tuple(f"{h:02d}:00" for h in range(24))
TOP_PREMISES = 10
TOP_WEAPONS = 8


#: Shares follow the small-numbers rule (``aggregate.share_table``).
SHARE_NOTE = (
    f"A share in percent is given only for a count of at least {MIN_READABLE_COUNT} out of "
    f"at least {MIN_READABLE_COUNT} (else –)."
)


def _share_html(table: pd.DataFrame, caption: str, first_column: str) -> str:
    shown = table.rename(columns={"count": "count", "percent": "% of rows"})
    shown.index.name = first_column
    return html_table(shown, caption=caption)


class WhenWherePage(BasePage):
    title = "When and where"
    slug = "when-where"

    def build(self) -> widgets.Widget:
        self.summary = widgets.HTML("")
        self.heatmap = HeatmapChart(HOURS, WEEKDAYS)
        self.heat_panel = ChartPanel("Hour of day by day of week", self.heatmap.figure)
        self.inside = BarChart()
        self.inside_panel = ChartPanel("Inside or outside", self.inside.figure)
        self.premise = BarChart(height="340px")
        self.premise_panel = ChartPanel("Premise", self.premise.figure)
        self.weapon = BarChart(height="300px")
        self.weapon_panel = ChartPanel("Weapon", self.weapon.figure)
        #: What was last drawn, by chart.
        self.hour_table = pd.DataFrame()
        self.shares: dict[str, pd.DataFrame] = {}
        bars = widgets.HBox(
            [self.inside_panel.widget, self.premise_panel.widget, self.weapon_panel.widget],
            layout=widgets.Layout(flex_flow="row wrap", width="100%"),
        )
        for panel in (self.inside_panel, self.premise_panel, self.weapon_panel):
            panel.widget.layout.flex = "1 1 320px"
            panel.widget.layout.max_width = "560px"
        return widgets.VBox(
            [self.summary, self.heat_panel.widget, bars],
            layout=widgets.Layout(width="100%", min_width="0"),
        )

    def update(self, view: FilteredView) -> None:
        rows = view.current
        untimed = int((~rows["time_known"].to_numpy(dtype=bool)).sum())
        self.summary.value = app_html.render(
            "when_where_summary",
            count=f"{len(rows):,}",
            unit=view.unit,
            offense=view.offense_label,
            place=view.place_label,
            period=view.period_label,
        )
        table = hour_by_weekday(rows)
        self.hour_table = table
        self.heatmap.update(table.to_numpy())
        self.heat_panel.note.value = app_html.render(
            "when_where_heat_note", unit=view.unit, untimed=f"{untimed:,}"
        )
        shown = table.copy()
        shown.index = pd.Index(HOURS, name="hour")
        self.heat_panel.set_table(
            html_table(shown, caption=f"{view.unit.capitalize()} by hour and weekday")
        )

        for key, chart, panel, column, top, label in (
            ("inside_outside", self.inside, self.inside_panel, "inside_outside", None, "Where"),
            ("premise", self.premise, self.premise_panel, "premise", TOP_PREMISES, "Premise"),
            ("weapon", self.weapon, self.weapon_panel, "weapon", TOP_WEAPONS, "Weapon"),
        ):
            shares = share_table(rows, column, top=top)
            self.shares[key] = shares
            chart.update([str(i).title() for i in shares.index], shares["count"].to_numpy())
            panel.set_table(_share_html(shares, f"{label}, counts and share", label))
            panel.note.value = app_html.render(
                "when_where_share_note",
                top=top if top is not None and len(shares) > top else None,
                share_note=SHARE_NOTE,
            )
