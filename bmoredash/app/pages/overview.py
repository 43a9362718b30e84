"""Page 1, Overview: the four headline counts against the same days a year earlier.

The cards count every Part 1 offense in the chosen place and period, whatever the Offense
filter says (a "Your selection" card follows the filter), so that the four headline
numbers always mean the same thing.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from bmoredash.aggregate import (
    Comparison,
    count_by_offense,
    headline_counts,
    percent_change,
    ytd_comparison,
    ytd_windows,
)
from bmoredash.app.charts import html_table
from bmoredash.app.context import FilteredView
from bmoredash.app.pages import BasePage
from bmoredash.app.state import OFFENSE_LABELS
from bmoredash.schema import PART1_OFFENSES


def card_html(comparison: Comparison, previous_label: str) -> str:
    """One card: the count, the count a year earlier, and the change (or why not)."""
    change = comparison.describe()
    return (
        f'<div class="bmd-card" role="group" aria-label="{html.escape(comparison.label)}">'
        f'<div style="font-size:13px;color:#333">{html.escape(comparison.label)}</div>'
        f'<div class="bmd-count" style="font-size:28px;font-weight:700">'
        f"{comparison.current:,}</div>"
        f'<div style="font-size:13px">{comparison.previous:,} in {html.escape(previous_label)}'
        f"</div>"
        f'<div class="bmd-change" style="font-size:14px;font-weight:600">{html.escape(change)}'
        "</div></div>"
    )


class OverviewPage(BasePage):
    title = "Overview"
    slug = "overview"

    def build(self) -> widgets.Widget:
        self.summary = widgets.HTML("")
        self.cards = widgets.HTML("")
        self.selection_card = widgets.HTML("")
        self.by_offense = widgets.HTML("")
        #: The headline comparisons last drawn (homicides, shootings, violent, property).
        self.comparisons: list[Comparison] = []
        note = widgets.HTML(
            '<p style="font-size:13px">Counts are victims (one row per victim, as BPD '
            "publishes them). A change is only described when either period has at least "
            "10 events; smaller counts swing by chance. See Methodology.</p>"
        )
        return widgets.VBox(
            [self.summary, self.cards, self.selection_card, note, self.by_offense],
            layout=widgets.Layout(width="100%", min_width="0"),
        )

    def headline(self, view: FilteredView) -> list[Comparison]:
        """The four headline comparisons for the view's place and period."""
        now_window, before_window = ytd_windows(view.through)
        rows = view.place_rows(view.previous.start, view.window.end)
        if (now_window, before_window) == (view.window, view.previous):
            return ytd_comparison(rows, view.through)
        now = headline_counts(view.place_rows(view.window.start, view.window.end))
        before = headline_counts(view.place_rows(view.previous.start, view.previous.end))
        return [Comparison(label, int(now[label]), int(before[label])) for label in now.index]

    def update(self, view: FilteredView) -> None:
        self.comparisons = self.headline(view)
        self.summary.value = (
            f"<p><strong>{html.escape(view.place_label)}</strong>, "
            f"{html.escape(view.period_label)}, compared with "
            f"{html.escape(view.previous_label)}.</p>"
        )
        cards = "".join(card_html(c, view.previous_label) for c in self.comparisons)
        self.cards.value = f'<div style="display:flex;flex-wrap:wrap">{cards}</div>'

        if view.is_default_offenses:
            self.selection_card.value = ""
        else:
            mine = Comparison(
                f"Your selection: {view.offense_label}", len(view.current), len(view.previous_rows)
            )
            self.selection_card.value = (
                f'<div style="display:flex;flex-wrap:wrap">'
                f"{card_html(mine, view.previous_label)}</div>"
            )

        now = count_by_offense(view.place_rows(view.window.start, view.window.end), PART1_OFFENSES)
        before = count_by_offense(
            view.place_rows(view.previous.start, view.previous.end), PART1_OFFENSES
        )
        table = pd.DataFrame({"this period": now, "comparison period": before})
        table["change"] = table["this period"] - table["comparison period"]
        table["change %"] = [percent_change(a, b) for a, b in zip(now, before, strict=True)]
        table.index = [OFFENSE_LABELS[o] for o in table.index]
        table.index.name = "Offense"
        self.by_offense.value = html_table(
            table,
            caption=f"Part 1 offenses, {view.period_label} vs {view.previous_label}",
            formatters={
                "change": lambda v: f"{int(v):+,d}",
                "change %": lambda v: "n/a" if v is None or pd.isna(v) else f"{v:+.1f}%",
            },
        )
