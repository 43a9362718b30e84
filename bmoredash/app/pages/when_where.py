"""Page 4, When and where: hour by weekday, inside or outside, premise and weapon."""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd

from bmoredash.aggregate import MIN_READABLE_COUNT, WEEKDAYS, hour_by_weekday, share_table
from bmoredash.app import html as app_html
from bmoredash.app.charts import BarChart, ChartPanel, HeatmapChart, html_table
from bmoredash.app.context import FilteredView
from bmoredash.app.pages import BasePage
from bmoredash.i18n import N_
from bmoredash.i18n import gettext as _

HOURS: tuple[str, ...] = tuple(f"{h:02d}:00" for h in range(24))
TOP_PREMISES = 10
TOP_WEAPONS = 8


#: Shares follow the small-numbers rule (``aggregate.share_table``).
def share_note() -> str:
    """The small-numbers rule of a share, in the reader's language."""
    return _(
        "A share in percent is given only for a count of at least %(n)s out of at least "
        "%(n)s (else –)."
    ) % {"n": MIN_READABLE_COUNT}


#: The weekday names of the heat map (``aggregate.WEEKDAYS``'s order).
WEEKDAY_WORDS: dict[str, str] = {
    "Mon": N_("Mon"),
    "Tue": N_("Tue"),
    "Wed": N_("Wed"),
    "Thu": N_("Thu"),
    "Fri": N_("Fri"),
    "Sat": N_("Sat"),
    "Sun": N_("Sun"),
}
#: The inside/outside values as published (``I``/``O`` expanded by the pipeline).
PLACE_WORDS: dict[str, str] = {
    "Inside": N_("Inside"),
    "Outside": N_("Outside"),
    "Unknown": N_("Unknown"),
}


def _share_html(table: pd.DataFrame, caption: str, first_column: str) -> str:
    shown = table.rename(columns={"count": _("count"), "percent": _("% of rows")})
    shown.index.name = first_column
    return html_table(shown, caption=caption)


class WhenWherePage(BasePage):
    title = N_("When and where")
    slug = "when-where"

    def build(self) -> widgets.Widget:
        self.summary = widgets.HTML("")
        days = tuple(_(WEEKDAY_WORDS.get(d, d)) for d in WEEKDAYS)
        self.heatmap = HeatmapChart(HOURS, days)
        self.heat_panel = ChartPanel(_("Hour of day by day of week"), self.heatmap.figure)
        self.inside = BarChart()
        self.inside_panel = ChartPanel(_("Inside or outside"), self.inside.figure)
        self.premise = BarChart(height="340px")
        self.premise_panel = ChartPanel(_("Premise"), self.premise.figure)
        self.weapon = BarChart(height="300px")
        self.weapon_panel = ChartPanel(_("Weapon"), self.weapon.figure)
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
            unit=view.unit_label,
            offense=view.offense_label,
            place=view.place_label,
            period=view.period_label,
        )
        table = hour_by_weekday(rows)
        self.hour_table = table
        self.heatmap.update(table.to_numpy())
        self.heat_panel.note.value = app_html.render(
            "when_where_heat_note", unit=view.unit_label, untimed=f"{untimed:,}"
        )
        shown = table.copy()
        shown.index = pd.Index(HOURS, name=_("hour"))
        shown.columns = [_(WEEKDAY_WORDS.get(str(c), str(c))) for c in shown.columns]
        self.heat_panel.set_table(
            html_table(
                shown,
                caption=_("%(unit)s by hour and weekday") % {"unit": view.unit_label.capitalize()},
            )
        )

        for key, chart, panel, column, top, label in (
            ("inside_outside", self.inside, self.inside_panel, "inside_outside", None, _("Where")),
            ("premise", self.premise, self.premise_panel, "premise", TOP_PREMISES, _("Premise")),
            ("weapon", self.weapon, self.weapon_panel, "weapon", TOP_WEAPONS, _("Weapon")),
        ):
            shares = share_table(rows, column, top=top)
            self.shares[key] = shares
            chart.update([_value_word(i) for i in shares.index], shares["count"].to_numpy())
            words = shares.rename(index=_value_word)
            caption = _("%(label)s, counts and share") % {"label": label}
            panel.set_table(_share_html(words, caption, label))
            panel.note.value = app_html.render(
                "when_where_share_note",
                top=top if top is not None and len(shares) > top else None,
                share_note=share_note(),
            )


def _value_word(value: object) -> str:
    """A published value as a bar reads it: title case, the few fixed words translated
    (premises and weapons are BPD's own English descriptions)."""
    text = str(value).title()
    if text == "All Other":
        return _("All other")
    return _(PLACE_WORDS[text]) if text in PLACE_WORDS else text
