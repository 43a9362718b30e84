"""Page 6, Neighborhoods: the ranking for the current filters, and the chosen neighborhood
against its district and the city.

NOTE: without population figures a neighborhood's count cannot be set against the city's
as a rate per resident; the comparison uses the average per week and the change from
the comparison period, which mean the same at every scale. When the comparison period holds
days without data there is no change to show, only why.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd

from bmoredash import vocabulary
from bmoredash.aggregate import MIN_READABLE_COUNT, compare_counts, neighborhood_ranking
from bmoredash.app import html as app_html
from bmoredash.app.charts import BarChart, ChartPanel, html_table
from bmoredash.app.context import FilteredView
from bmoredash.app.pages import BasePage
from bmoredash.schema import CITYWIDE

TOP_BARS = 15


class NeighborhoodsPage(BasePage):
    title = "Neighborhoods"
    slug = "neighborhoods"

    def build(self) -> widgets.Widget:
        self.summary = widgets.HTML("")
        self.ranking_chart = BarChart(height="420px")
        self.ranking_panel = ChartPanel("Neighborhoods ranked", self.ranking_chart.figure)
        self.compare_chart = BarChart(x_label="Change from comparison period (%)", height="200px")
        self.compare_panel = ChartPanel(
            "Compared with its district and the city", self.compare_chart.figure
        )
        #: What was last drawn: the ranking table and the place comparison table.
        self.ranking = pd.DataFrame()
        self.comparison = pd.DataFrame()
        return widgets.VBox(
            [self.summary, self.compare_panel.widget, self.ranking_panel.widget],
            layout=widgets.Layout(width="100%", min_width="0"),
        )

    def update(self, view: FilteredView) -> None:
        scope_rows = view.rows(view.previous.start, view.window.end, scope="district")
        coverage = view.context.coverage
        ranking = neighborhood_ranking(
            scope_rows, view.window, view.previous, coverage, view.offenses
        )
        ranking.insert(0, "rank", np.arange(1, len(ranking) + 1))
        self.ranking = ranking
        where = (
            "citywide" if view.district == CITYWIDE else f"in the {view.district.title()} District"
        )
        self.ranking_panel.heading.value = app_html.render(
            "neighborhoods_heading", where=where, unit=view.unit
        )
        if ranking["previous"].isna().all() and len(ranking):
            compared = f" ({view.why_not}): no change is shown" if view.why_not else ""
        elif ranking.attrs.get("left_out"):
            compared = f"; the change is counted {ranking.attrs['left_out']}"
        else:
            compared = ""
        top = ranking.head(TOP_BARS)
        self.ranking_chart.update(list(top.index), top["count"].to_numpy())
        self.ranking_panel.note.value = app_html.render(
            "neighborhoods_ranking_note",
            shown=min(TOP_BARS, len(ranking)),
            total=len(ranking),
            offense=view.offense_label,
            period=view.period_label,
            previous=view.previous_label,
            compared=compared,
        )
        self.ranking_panel.set_table(
            html_table(
                ranking,
                caption=f"Neighborhoods {where}",
                highlight=view.neighborhood or None,
                formatters={"change": lambda v: "–" if pd.isna(v) else f"{int(v):+,d}"},
            )
        )
        self._compare(view)

    def _compare(self, view: FilteredView) -> None:
        coverage = view.context.coverage
        scopes: list[tuple[str, str]] = []
        if view.neighborhood:
            scopes.append((view.neighborhood, "place"))
        if view.district != CITYWIDE:
            scopes.append((vocabulary.district_name(view.district), "district"))
        scopes.append((vocabulary.CITYWIDE_LABEL, "city"))
        weeks_now, weeks_before = view.window.days / 7.0, view.previous.days / 7.0
        records, whys = [], []
        for label, scope in scopes:
            now = view.rows(view.window.start, view.window.end, scope=scope)
            before = view.rows(view.previous.start, view.previous.end, scope=scope)
            (comparison,) = compare_counts(
                now, before, {label: view.offenses}, view.window, view.previous, coverage
            )
            previous = None if comparison.why_not else comparison.previous
            whys.append(comparison.why_not or comparison.left_out)
            records.append(
                {
                    "place": label,
                    "count": comparison.current,
                    "per week": comparison.current / weeks_now,
                    "previous": previous,
                    "previous per week": None if previous is None else previous / weeks_before,
                    "change": comparison.describe(),
                    "percent": comparison.percent,  # None below MIN_READABLE_COUNT
                }
            )
        table = pd.DataFrame.from_records(records).set_index("place")
        self.comparison = table
        shown = [p for p in table.index if pd.notna(table.loc[p, "percent"])]
        self.compare_chart.update(shown, table.loc[shown, "percent"].astype(float).to_numpy())
        self.compare_panel.set_table(
            html_table(
                table.drop(columns="percent"),
                caption=f"{view.offense_label}, {view.period_label} vs {view.previous_label}",
                na="no data",
            )
        )
        hint = (
            "" if view.neighborhood else " Pick a Neighborhood above to add it to this comparison."
        )
        left_out = [p for p in table.index if p not in shown]
        few = (
            f" Too few events (under {MIN_READABLE_COUNT} in either period) for a change in "
            f"percent: {', '.join(left_out)}."
            if left_out
            else ""
        )
        if whys and all(c is not None for c in whys) and table["previous"].isna().all():
            few = f" No change is shown ({whys[0]})."
        elif whys[0]:
            few += f" The change is counted {whys[0]}."
        self.compare_panel.note.value = app_html.render(
            "neighborhoods_compare_note", rest=few + hint
        )
        self.summary.value = app_html.render(
            "neighborhoods_summary",
            offense=view.offense_label[:1].upper() + view.offense_label[1:],
            period=view.period_label,
        )
