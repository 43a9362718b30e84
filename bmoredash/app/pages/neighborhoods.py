"""Page 6, Neighborhoods: the ranking for the current filters, and the chosen neighborhood
against its district and the city.

The ranking is by count, or (the rate switch, ``state.measure``) by rate per 1,000
residents (``aggregate.per_1000`` at the neighborhood level); neighborhoods without a rate
(fewer than ``MIN_RESIDENTS`` residents: parks, industrial areas) are listed apart with
the reason. The comparison of the chosen neighborhood with its district and the city uses
the average per week and the change from the comparison period, which mean the same at
every scale. When the comparison period holds days without data there is no change to
show, only why.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd
from markupsafe import Markup

from bmoredash import csv_out, vocabulary
from bmoredash.aggregate import MIN_READABLE_COUNT, compare_counts, neighborhood_ranking
from bmoredash.aggregate.rates import note_text, per_1000, without_rates
from bmoredash.app import html as app_html
from bmoredash.app import sharing
from bmoredash.app.charts import BarChart, ChartPanel, html_table
from bmoredash.app.context import FilteredView
from bmoredash.app.filters import MeasureToggle
from bmoredash.app.pages import BasePage, source_text
from bmoredash.app.state import RATES
from bmoredash.i18n import N_
from bmoredash.i18n import gettext as _
from bmoredash.reference import population
from bmoredash.schema import CITYWIDE

TOP_BARS = 15
#: The population level of a neighborhood rate.
LEVEL = "neighborhood"
#: Column names of the rate tables (the table view and the CSV).
RATE, RESIDENTS, WHY = "rate per 1,000", "residents", "why no rate"


def rate_ranking(ranking: pd.DataFrame, partial: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(ranked, apart) from a count ranking (``neighborhood_ranking``): ``ranked`` holds the
    neighborhoods with a rate per 1,000 residents, highest first, with ``rank``, ``rate per
    1,000``, ``count``, ``residents``, ``previous`` and ``change``; ``apart`` the ones
    without a rate (``per_1000``'s rule), busiest first, with ``count``, ``residents`` and
    ``why no rate``. ``partial``: the counts are of the parts of the neighborhoods inside a
    Council or legislative district, whose residents are not known, so none gets a rate."""
    rated = per_1000(ranking["count"], LEVEL)
    if partial:
        rated = without_rates(rated)
    table = ranking.drop(columns=["rank"], errors="ignore").copy()
    table.insert(0, RATE, rated["rate"])
    table.insert(2, RESIDENTS, rated["residents"])
    has_rate = rated["rate"].notna().to_numpy()
    ranked = table[has_rate].sort_values([RATE, "count"], ascending=False, kind="stable")
    ranked.insert(0, "rank", np.arange(1, len(ranked) + 1))
    ranked.attrs = dict(ranking.attrs)
    apart = table.loc[~has_rate, ["count", RESIDENTS]].copy()
    apart[WHY] = rated.loc[~has_rate, "note"]
    return ranked, apart


def ranking_csv(ranked: pd.DataFrame, apart: pd.DataFrame) -> pd.DataFrame:
    """One CSV table of a rate ranking: every neighborhood with ``count``, ``residents``,
    ``rate per 1,000`` (empty without one) and the reason where there is none."""
    both = pd.concat([ranked, apart], sort=False)
    both[WHY] = both[WHY].fillna("") if WHY in both else ""
    columns = ["rank", "count", RESIDENTS, RATE, "previous", "change", WHY]
    return both.reset_index()[["neighborhood", *[c for c in columns if c in both]]]


def _rate(value: object) -> str:
    return "–" if value is None or pd.isna(value) else f"{float(value):,.1f}"


def _residents(value: object) -> str:
    return _("no figure") if value is None or pd.isna(value) else f"{int(value):,d}"


#: The ranking's columns (English: the CSV's and the code's names), as a table heads them.
COLUMN_WORDS: dict[str, str] = {
    "rank": N_("rank"),
    "count": N_("count"),
    "previous": N_("previous"),
    "change": N_("change"),
    RATE: N_("rate per 1,000"),
    RESIDENTS: N_("residents"),
    WHY: N_("why no rate"),
    "per week": N_("per week"),
    "previous per week": N_("previous per week"),
    "neighborhood": N_("neighborhood"),
}


def shown_columns(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with its columns in the reader's words (the drawn tables keep English)."""
    shown = table.rename(columns=lambda c: _(COLUMN_WORDS[c]) if c in COLUMN_WORDS else c)
    if WHY in table.columns:
        shown[_(WHY)] = [note_text(str(n)) if n else n for n in table[WHY]]
    if shown.index.name in COLUMN_WORDS:
        shown = shown.rename_axis(_(COLUMN_WORDS[shown.index.name]))
    return shown


class RankingDownload(sharing.Download):
    """The ranking on screen as a CSV (count, residents, rate and the reason for no rate)."""

    def __init__(self, page: NeighborhoodsPage) -> None:
        super().__init__(page.context, lambda: page.view)
        self.page = page
        self.button.description = _("Download ranking (CSV)")
        self.button.tooltip = _("The neighborhoods ranked, as a CSV file")

    def _on_click(self, _button: widgets.Button) -> None:
        table = self.page.ranking_table()
        view = self.page.view
        name = sharing.file_name(view).replace("bmoredash-", "bmoredash-neighborhoods-", 1)
        self.send_file(name, csv_out.to_csv(table))
        self.note.value = app_html.status(
            _("%(count)s neighborhoods saved as %(name)s.")
            % {"count": f"{len(table):,}", "name": name}
        )


class NeighborhoodsPage(BasePage):
    title = N_("Neighborhoods")
    slug = "neighborhoods"

    def build(self) -> widgets.Widget:
        self.summary = widgets.HTML("")
        self.measure = MeasureToggle(self.state)
        self.ranking_chart = BarChart(height="420px")
        self.ranking_panel = ChartPanel(_("Neighborhoods ranked"), self.ranking_chart.figure)
        #: Neighborhoods without a rate (rates only), with the reason.
        self.apart = widgets.HTML("")
        self.download = RankingDownload(self)
        self.compare_chart = BarChart(
            x_label=_("Change from comparison period (%)"), height="200px"
        )
        self.compare_panel = ChartPanel(
            _("Compared with its district and the city"), self.compare_chart.figure
        )
        #: What was last drawn: the ranking table and the place comparison table.
        self.ranking = pd.DataFrame()
        self.comparison = pd.DataFrame()
        #: With rates: the neighborhoods without a rate (else empty).
        self.unrated = pd.DataFrame()
        return widgets.VBox(
            [
                self.summary,
                self.measure.widget,
                self.compare_panel.widget,
                self.ranking_panel.widget,
                self.apart,
                self.download.widget,
            ],
            layout=widgets.Layout(width="100%", min_width="0"),
        )

    def ranking_table(self) -> pd.DataFrame:
        """The ranking last drawn as the CSV holds it (with rates: count, residents, rate
        and the reason for no rate, every neighborhood)."""
        if self.state.measure == RATES:
            return ranking_csv(self.ranking, self.unrated)
        return self.ranking.reset_index()

    def update(self, view: FilteredView) -> None:
        scope_rows = view.rows(view.previous.start, view.window.end, scope="district")
        coverage = view.context.coverage
        ranking = neighborhood_ranking(
            scope_rows, view.window, view.previous, coverage, view.offenses
        )
        rates = self.state.measure == RATES
        if rates:
            ranking, self.unrated = rate_ranking(ranking, bool(view.council or view.legislative))
        else:
            ranking.insert(0, "rank", np.arange(1, len(ranking) + 1))
            self.unrated = pd.DataFrame()
        self.ranking = ranking
        where = (
            _("citywide")
            if view.district == CITYWIDE
            else _("in the %(district)s") % {"district": vocabulary.district_name(view.district)}
        )
        inside = [
            vocabulary.council_name(view.council) if view.council else "",
            vocabulary.legislative_name(view.legislative) if view.legislative else "",
        ]
        if any(inside):
            where += _(", inside %(areas)s") % {"areas": _(" and ").join(a for a in inside if a)}
        rate_unit = f"{view.unit_label} {_(vocabulary.RATE_UNIT)}"
        unit = rate_unit if rates else view.unit_label
        self.ranking_panel.heading.value = app_html.render(
            "neighborhoods_heading", where=where, unit=unit
        )
        if ranking["previous"].isna().all() and len(ranking):
            compared = (
                _(" (%(why)s): no change is shown") % {"why": view.why_not} if view.why_not else ""
            )
        elif ranking.attrs.get("left_out"):
            compared = _("; the change is counted %(left_out)s") % {
                "left_out": ranking.attrs["left_out"]
            }
        else:
            compared = ""
        top = ranking.head(TOP_BARS)
        value = RATE if rates else "count"
        self.ranking_chart.update(list(top.index), top[value].to_numpy(dtype=float))
        self.ranking_chart.value_axis.label = rate_unit if rates else _("Count")
        self.ranking_chart.bars.tooltip.formats = ["", ",.1f" if rates else ",.0f"]
        self.ranking_chart.bars.tooltip.labels = ["", _(RATE) if rates else _("Count")]
        self.ranking_panel.note.value = app_html.render(
            "neighborhoods_ranking_note",
            shown=min(TOP_BARS, len(ranking)),
            total=len(ranking),
            offense=view.offense_label,
            period=view.period_label,
            previous=view.previous_label,
            compared=compared,
        ) + (
            app_html.render(
                "rates_ranking_note",
                unit=view.unit_label,
                source=source_text(LEVEL),
                apart=len(self.unrated),
                minimum=f"{population.MIN_RESIDENTS:,}",
            )
            if rates
            else ""
        )
        formatters = {_("change"): lambda v: "–" if pd.isna(v) else f"{int(v):+,d}"}
        if rates:
            formatters.update({_(RATE): _rate, _(RESIDENTS): _residents})
        self.ranking_panel.set_table(
            html_table(
                shown_columns(ranking),
                caption=_("Neighborhoods %(where)s") % {"where": where},
                highlight=view.neighborhood or None,
                formatters=formatters,
            )
        )
        self.apart.value = (
            app_html.render(
                "rates_apart",
                count=len(self.unrated),
                table=Markup(
                    html_table(
                        shown_columns(self.unrated),
                        caption=_("Neighborhoods %(where)s without a rate") % {"where": where},
                        highlight=view.neighborhood or None,
                        formatters={_(RESIDENTS): _residents},
                    )
                ),
            )
            if rates and len(self.unrated)
            else ""
        )
        self._compare(view)

    def _compare(self, view: FilteredView) -> None:
        coverage = view.context.coverage
        scopes: list[tuple[str, str]] = []
        if view.neighborhood:
            scopes.append((view.neighborhood, "place"))
        if view.district != CITYWIDE:
            scopes.append((vocabulary.district_name(view.district), "district"))
        scopes.append((_(vocabulary.CITYWIDE_LABEL), "city"))
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
                shown_columns(table.drop(columns="percent")).rename_axis(_("place")),
                caption=_("%(offenses)s, %(period)s vs %(previous)s")
                % {
                    "offenses": view.offense_label,
                    "period": view.period_label,
                    "previous": view.previous_label,
                },
                na=_("no data"),
            )
        )
        hint = (
            ""
            if view.neighborhood
            else " " + _("Pick a Neighborhood above to add it to this comparison.")
        )
        left_out = [p for p in table.index if p not in shown]
        few = (
            " "
            + _(
                "Too few events (under %(n)s in either period) for a change in percent: %(places)s."
            )
            % {"n": MIN_READABLE_COUNT, "places": ", ".join(left_out)}
            if left_out
            else ""
        )
        if whys and all(c is not None for c in whys) and table["previous"].isna().all():
            few = " " + _("No change is shown (%(why)s).") % {"why": whys[0]}
        elif whys[0]:
            few += " " + _("The change is counted %(left_out)s.") % {"left_out": whys[0]}
        self.compare_panel.note.value = app_html.render(
            "neighborhoods_compare_note", rest=few + hint
        )
        self.summary.value = app_html.render(
            "neighborhoods_summary",
            offense=view.offense_label[:1].upper() + view.offense_label[1:],
            period=view.period_label,
        )
