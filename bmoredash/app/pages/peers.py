"""Baltimore among US cities: murder and violent-crime rates per 100,000 residents, 2024 and
2025, and the year-to-date change, beside the 20 largest cities and the national sample of
the Real-Time Crime Index (``reference.peers``; cited, with its data date).

Trends and rates, not a league table: the chart draws each city's line from one year to the
next (Baltimore highlighted, the national sample dashed) and the table lists cities by
population, never by rate; cities count and report differently, which a rank would hide.
A city that does not report a category has no rate, said so (never a 0). A percent change
follows the small-numbers rule (``aggregate.readable_percent``). The filters do not apply:
the index counts whole cities.
"""

from __future__ import annotations

import re
from datetime import date

import bqplot as bq
import ipywidgets as widgets
import numpy as np
import pandas as pd

from bmoredash.aggregate import readable_percent
from bmoredash.app import html as app_html
from bmoredash.app.charts import ChartPanel, figure_layout, html_table
from bmoredash.app.context import FilteredView
from bmoredash.app.pages import BasePage, date_words
from bmoredash.i18n import N_, format_date
from bmoredash.i18n import gettext as _
from bmoredash.reference import peers
from bmoredash.style import CONTEXT, CURRENT, MAIN
from bmoredash.vocabulary import NATIONAL_SAMPLE_LABEL, PEER_MEASURE_LABELS

#: The lines drawn apart from the cities'.
AROUND = (peers.BALTIMORE, peers.NATIONAL)
_MARGIN = {"top": 20, "bottom": 36, "left": 56, "right": 150}


def city_name(agency: str, agencies: int = 1) -> str:
    """The agency as a reader knows it; the national sample with its number of agencies."""
    if agency == peers.NATIONAL:
        return _("%(sample)s (%(count)s agencies)") % {
            "sample": _(NATIONAL_SAMPLE_LABEL),
            "count": f"{agencies:,d}",
        }
    return agency


#: The notes ``reference.peers`` gives an agency's measure, in the reader's language.
NOTE_WORDS: dict[str, str] = {
    "not in the scorecard": N_("not in the scorecard"),
    "not reported": N_("not reported"),
    "violent-crime total published as 0: not reported": N_(
        "violent-crime total published as 0: not reported"
    ),
    "reports murders only: no violent-crime total": N_(
        "reports murders only: no violent-crime total"
    ),
}
#: The crime types a note may name (``leaves out rape and robbery (not reported)``).
PART_WORDS: dict[str, str] = {
    "rape": N_("rape"),
    "robbery": N_("robbery"),
    "aggravated assault": N_("aggravated assault"),
    "murder": N_("murder"),
}
_LEAVES_OUT = re.compile(r"^leaves out (?P<parts>.+) \(not reported\)$")
_MONTHS = {f"{date(2000, m, 1):%b}": date(2000, m, 1) for m in range(1, 13)}


def note_text(note: str) -> str:
    """An agency's note in the reader's language."""
    if note in NOTE_WORDS:
        return _(NOTE_WORDS[note])
    found = _LEAVES_OUT.match(note)
    if not found:
        return note
    parts = [_(PART_WORDS.get(p, p)) for p in found["parts"].split(" and ")]
    return _("leaves out %(parts)s (not reported)") % {"parts": _(" and ").join(parts)}


def months_text(window: str) -> str:
    """``Jan–Oct`` with the months in the reader's language (``ene–oct``)."""
    return "–".join(
        format_date(_MONTHS[m], "month") if m in _MONTHS else m for m in str(window).split("–")
    )


def rate_text(value: float) -> str:
    return _("no rate") if pd.isna(value) else f"{value:,.1f}"


def count_text(value: float) -> str:
    return "–" if pd.isna(value) else f"{int(value):,d}"


#: A percent change on counts below ``MIN_READABLE_COUNT`` (a code the summary reads too).
TOO_FEW = "too few"


def change_texts(before: float, now: float) -> tuple[str, str]:
    """(the change in counts, the change in percent or why none): no percentage on counts
    below ``aggregate.MIN_READABLE_COUNT``."""
    if pd.isna(before) or pd.isna(now):
        return "–", "–"
    percent = readable_percent(now, before)
    change = f"{int(now - before):+,d}"
    return change, (TOO_FEW if percent is None else f"{percent:+.1f}%")


def figures_table(figures: pd.DataFrame, measure: str) -> pd.DataFrame:
    """The table view for one measure: a row per city in the scorecard's order (Baltimore,
    the cities by population, the national sample), never sorted by rate."""
    chosen = figures[figures["measure"] == measure]
    if chosen.empty:
        return pd.DataFrame()
    first = chosen.iloc[0]
    before, last = int(first["year_before"]), int(first["year_last"])
    ytd = int(first["ytd_year"])
    rows = []
    for _i, row in chosen.iterrows():
        change, percent = change_texts(row["ytd_before"], row["ytd_now"])
        rows.append(
            {
                _("state"): row["state"],
                _("population"): f"{row['population']:,d}",
                _("rate %(year)s") % {"year": before}: rate_text(row["rate_before"]),
                _("rate %(year)s") % {"year": last}: rate_text(row["rate_last"]),
                _("count %(year)s") % {"year": before}: count_text(row["count_before"]),
                _("count %(year)s") % {"year": last}: count_text(row["count_last"]),
                _("year to date, months"): months_text(row["ytd_window"]),
                _("%(year)s to date") % {"year": ytd - 1}: count_text(row["ytd_before"]),
                _("%(year)s to date") % {"year": ytd}: count_text(row["ytd_now"]),
                _("change"): change,
                _("change %"): _("too few") if percent == TOO_FEW else percent,
                _("note"): note_text(row["note"]),
            }
        )
    names = [city_name(a, n) for a, n in zip(chosen["agency"], chosen["agencies"], strict=True)]
    return pd.DataFrame(rows, index=pd.Index(names, name=_("city")))


class SlopeChart:
    """One line per city from one year's rate to the next: cities grey, Baltimore in the
    highlight colour and thick, the national sample dashed; names at the right end of
    Baltimore's and the nation's lines."""

    def __init__(self) -> None:
        self.x_scale = bq.OrdinalScale()
        self.y_scale = bq.LinearScale(min=0)
        scales = {"x": self.x_scale, "y": self.y_scale}
        tooltip = bq.Tooltip(
            fields=["name", "x", "y"], formats=["", "", ",.1f"], labels=["", _("Year"), _("Rate")]
        )
        self.cities = bq.Lines(
            x=["", " "], y=np.zeros((1, 2)), scales=scales, colors=[CONTEXT], stroke_width=1.5,
            opacities=[0.8], marker="circle", marker_size=16, labels=[""], tooltip=tooltip,
        )  # fmt: skip
        self.nation = bq.Lines(
            x=["", " "], y=np.zeros(2), scales=scales, colors=[MAIN], stroke_width=2,
            line_style="dashed", marker="circle", marker_size=20, labels=[""], tooltip=tooltip,
        )  # fmt: skip
        self.baltimore = bq.Lines(
            x=["", " "], y=np.zeros(2), scales=scales, colors=[CURRENT], stroke_width=4,
            marker="circle", marker_size=36, labels=[""], tooltip=tooltip,
        )  # fmt: skip
        # Not clipped to the plot: the names sit in the right margin (a phone's plot is narrow).
        self.names = bq.Label(
            x=[], y=[], scales=scales, text=[], colors=[CURRENT, MAIN], default_size=12,
            font_weight="bold", align="start", x_offset=8, apply_clip=False,
        )  # fmt: skip
        self.y_axis = bq.Axis(
            scale=self.y_scale, side="left", label=_("Per 100,000"), tick_format=",d"
        )
        self.figure = bq.Figure(
            marks=[self.cities, self.nation, self.baltimore, self.names],
            axes=[bq.Axis(scale=self.x_scale), self.y_axis],
            fig_margin=_MARGIN,
            animation_duration=0,
            layout=figure_layout("420px"),
        )

    def update(self, figures: pd.DataFrame) -> None:
        """``figures``: one measure's rows of ``reference.peers.city_figures``."""
        first = figures.iloc[0]
        years = [str(int(first["year_before"])), str(int(first["year_last"]))]
        rates = figures[["rate_before", "rate_last"]].to_numpy(dtype=float)
        is_city = ~figures["agency"].isin([peers.BALTIMORE, peers.NATIONAL]).to_numpy()
        drawn = is_city & np.isfinite(rates).all(axis=1)
        own = rates[(figures["agency"] == peers.BALTIMORE).to_numpy()][0]
        nation = rates[(figures["agency"] == peers.NATIONAL).to_numpy()][0]
        top = np.nanmax(rates) if np.isfinite(rates).any() else 1.0
        with self.figure.hold_sync():
            # The years in their order (an ordinal scale keeps the order it first saw).
            self.x_scale.domain = years
            self.y_scale.max = float(top) * 1.1
            with self.cities.hold_sync():
                self.cities.x = years
                self.cities.y = rates[drawn]
                self.cities.labels = list(figures["agency"][drawn])
            with self.nation.hold_sync():
                self.nation.x, self.nation.y = years, nation
                self.nation.labels = [_(NATIONAL_SAMPLE_LABEL)]
            with self.baltimore.hold_sync():
                self.baltimore.x, self.baltimore.y = years, own
                self.baltimore.labels = [peers.BALTIMORE]
            with self.names.hold_sync():
                self.names.x = [years[1], years[1]]
                self.names.y = [float(own[1]), float(nation[1])]
                self.names.text = [peers.BALTIMORE, _(NATIONAL_SAMPLE_LABEL)]


class PeersPage(BasePage):
    title = N_("Baltimore among US cities")
    slug = "peers"

    def build(self) -> widgets.Widget:
        self.intro = widgets.HTML("")
        self.measure = widgets.ToggleButtons(
            options=[(_(PEER_MEASURE_LABELS[m]), m) for m in peers.MEASURES],
            value=peers.MURDER,
            description=_("Crime"),
            style={"button_width": "auto"},
        )
        self.measure.observe(self.redraw, "value")
        self.summary = widgets.HTML("")
        self.chart = SlopeChart()
        self.panel = ChartPanel(_("Rates per 100,000 residents"), self.chart.figure)
        #: What the page last drew: the scorecard in use and its figures.
        self.scorecard: peers.Scorecard | None = None
        self.figures = pd.DataFrame()
        self.table = pd.DataFrame()
        return widgets.VBox(
            [self.intro, self.measure, self.summary, self.panel.widget],
            layout=widgets.Layout(width="100%", min_width="0"),
        )

    def update(self, view: FilteredView) -> None:
        if self.scorecard is None:
            self.scorecard = peers.load(view.context.data_dir)
            self.figures = peers.city_figures(self.scorecard)
        scorecard, measure = self.scorecard, self.measure.value
        # The page's data are the index's, not the store's: its own date, and no demo banner.
        updated = date_words(scorecard.last_updated)
        self.header.value = app_html.render(
            "peers_header",
            updated=updated,
            citation=peers.CITATION,
            demo=view.context.is_demo,
        )
        label = _(PEER_MEASURE_LABELS[measure])
        chosen = self.figures[self.figures["measure"] == measure]
        self.intro.value = app_html.render(
            "peers_intro",
            citation=peers.CITATION,
            url=peers.SOURCE_URL,
            updated=updated,
            shipped=scorecard.shipped,
            cities=len(peers.PEER_CITIES),
        )
        own = chosen[chosen["agency"] == peers.BALTIMORE].iloc[0]
        change, percent = change_texts(own["ytd_before"], own["ytd_now"])
        self.summary.value = app_html.render(
            "peers_summary",
            measure=label.lower(),
            year_before=int(own["year_before"]),
            year_last=int(own["year_last"]),
            rate_before=rate_text(own["rate_before"]),
            rate_last=rate_text(own["rate_last"]),
            count_before=count_text(own["count_before"]),
            count_last=count_text(own["count_last"]),
            population=f"{own['population']:,d}",
            window=months_text(own["ytd_window"]),
            ytd_year=int(own["ytd_year"]),
            ytd_before=count_text(own["ytd_before"]),
            ytd_now=count_text(own["ytd_now"]),
            change=change,
            percent=percent,
        )
        self.chart.update(chosen)
        self.panel.heading.value = app_html.render(
            "chart_heading",
            title=_("%(measure)s per 100,000 residents, %(before)s and %(last)s")
            % {
                "measure": label,
                "before": int(own["year_before"]),
                "last": int(own["year_last"]),
            },
        )
        unrated = chosen[~chosen["reported"]]
        caveats = chosen[chosen["reported"] & (chosen["note"] != "")]
        windows = chosen[chosen["ytd_window"] != own["ytd_window"]]
        self.panel.note.value = app_html.render(
            "peers_chart_note",
            cities=int((chosen["reported"] & ~chosen["agency"].isin(AROUND)).sum()),
            not_shown=[
                f"{a} ({note_text(n)})"
                for a, n in zip(unrated["agency"], unrated["note"], strict=True)
            ],
            caveats=[
                f"{a}: {note_text(n)}"
                for a, n in zip(caveats["agency"], caveats["note"], strict=True)
            ],
            windows=[
                _("%(city)s (%(months)s only)") % {"city": a, "months": months_text(w)}
                for a, w in zip(windows["agency"], windows["ytd_window"], strict=True)
            ],
            citation=peers.CITATION,
            updated=updated,
        )
        self.table = figures_table(self.figures, measure)
        self.panel.set_table(
            html_table(
                self.table,
                caption=_(
                    "%(measure)s: rates per 100,000 residents and year-to-date counts "
                    "(%(citation)s, data of %(day)s); cities by population, not ranked"
                )
                % {"measure": label, "citation": peers.CITATION, "day": updated},
                highlight=peers.BALTIMORE,
            )
        )
