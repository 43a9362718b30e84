"""Page 5, Victims: who the homicide and shooting victims were (age, gender, race,
ethnicity), with small cells suppressed so that none can be worked out from the total
(``aggregate.suppress_small_cells``).

NOTE: BPD publishes one row per victim, so these are victim counts; one shooting with two
victims is two rows. The page says how many incidents the victims belong to.
"""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd

from bmoredash.aggregate import MIN_CELL, VICTIMS, incident_count, victim_breakdown
from bmoredash.app import html as app_html
from bmoredash.app.charts import BarChart, ChartPanel, html_table
from bmoredash.app.context import FilteredView
from bmoredash.app.pages import BasePage
from bmoredash.i18n import N_
from bmoredash.i18n import gettext as _
from bmoredash.vocabulary import SUPPRESSED_CELL, people_word

#: Which victims: link code (``state.CHOICES["victims"]``) -> (label, offenses).
VICTIM_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "homicides": (N_("Homicides"), ("HOMICIDE",)),
    "shootings": (N_("Non-fatal shootings"), ("SHOOTING",)),
    "both": (N_("Both"), ("HOMICIDE", "SHOOTING")),
}
#: Breakdowns: column for aggregate.victim_breakdown -> heading.
BREAKDOWNS: dict[str, str] = {
    "age_group": N_("Age group"),
    "victim_gender": N_("Gender"),
    "victim_race": N_("Race"),
    "victim_ethnicity": N_("Ethnicity"),
}


def shown_breakdown(rows: pd.DataFrame, column: str) -> pd.Series:
    """The table the page shows for one breakdown: victims per value, hidden cells <NA>
    (all of them when the table is withheld); every age group, other values only when
    they have victims. The cells add up to ``len(rows)``, the total the page states."""
    counts = victim_breakdown(rows, column)
    if column != "age_group":
        counts = counts[counts.fillna(1) > 0]
    return counts


def _pretty(value: str) -> str:
    text = value.replace("_", " ").capitalize() if value.isupper() else value
    return people_word(text)


class VictimsPage(BasePage):
    title = N_("Victims")
    slug = "victims"

    def build(self) -> widgets.Widget:
        self.group = widgets.ToggleButtons(
            options=[(_(label), code) for code, (label, _offenses) in VICTIM_GROUPS.items()],
            description=_("Victims of"),
            style={"button_width": "auto"},
        )
        self.keep_in_link(self.group, "victims")
        self.summary = widgets.HTML("")
        self.charts: dict[str, BarChart] = {}
        self.panels: dict[str, ChartPanel] = {}
        #: The breakdowns last drawn (suppressed cells are <NA>).
        self.breakdowns: dict[str, pd.Series] = {}
        for column, heading in BREAKDOWNS.items():
            chart = BarChart(x_label=_("Victims"), height="240px")
            panel = ChartPanel(_(heading), chart.figure)
            panel.widget.layout.flex = "1 1 320px"
            panel.widget.layout.max_width = "560px"
            self.charts[column], self.panels[column] = chart, panel
        explain = widgets.HTML(
            app_html.render("victims_explain", min_cell=MIN_CELL, suppressed=_(SUPPRESSED_CELL))
        )
        grid = widgets.HBox(
            [p.widget for p in self.panels.values()],
            layout=widgets.Layout(flex_flow="row wrap", width="100%"),
        )
        return widgets.VBox(
            [self.group, self.summary, grid, explain],
            layout=widgets.Layout(width="100%", min_width="0"),
        )

    def update(self, view: FilteredView) -> None:
        label, offenses = VICTIM_GROUPS[self.group.value]
        rows = view.rows(view.window.start, view.window.end, offenses=offenses, unit=VICTIMS)
        incidents, unkeyed = incident_count(view.context.text("incident_id", rows))
        if unkeyed == len(rows):
            among = " " + _(
                "(incident counts are not available: the source has no incident number)"
            )
        elif unkeyed:
            among = " " + _(
                "in %(incidents)s incidents, plus %(unkeyed)s victims whose incident the source "
                "does not identify"
            ) % {"incidents": f"{incidents:,}", "unkeyed": f"{unkeyed:,}"}
        else:
            among = " " + _("in %(incidents)s incidents") % {"incidents": f"{incidents:,}"}
        self.summary.value = app_html.render(
            "victims_summary",
            count=f"{len(rows):,}",
            among=among,
            group=_(label).lower(),
            place=view.place_label,
            period=view.period_label,
        )
        suppressed = _(SUPPRESSED_CELL)
        for column, english in BREAKDOWNS.items():
            heading = _(english)
            counts = shown_breakdown(rows, column)
            self.breakdowns[column] = counts
            if len(counts) and counts.isna().all():
                self.charts[column].update([], [])
                self.panels[column].set_table("")
                self.panels[column].note.value = app_html.render(
                    "victims_too_few", heading=heading.lower()
                )
                continue
            labels = [
                f"{_pretty(str(k))} ({suppressed})" if pd.isna(v) else _pretty(str(k))
                for k, v in counts.items()
            ]
            self.charts[column].update(labels, counts.fillna(0).to_numpy(dtype=float))
            table = pd.DataFrame(
                {_("victims"): counts.astype(object)},
                index=pd.Index([_pretty(str(k)) for k in counts.index], name=heading),
            )
            self.panels[column].set_table(
                html_table(
                    table,
                    caption=_("Victims by %(breakdown)s") % {"breakdown": heading.lower()},
                    na=suppressed,
                )
            )
            hidden = int(counts.isna().sum())
            self.panels[column].note.value = (
                app_html.render("victims_hidden_note", hidden=hidden, min_cell=MIN_CELL)
                if hidden
                else ""
            )
