"""Since 2012: yearly totals per offense for every year the data cover, and rolling
12-month totals, with the breaks in how crimes were recorded marked on the charts.

The place, offense and count filters apply; the period filter does not (every year the
data cover is shown, through the data's last day). Counting rules live in
``aggregate.long_run``: a year the data cover in part is partial, counted over its covered
days and drawn as a hollow point apart from the line of whole years, with its days given;
a year without data has no count, and a rolling total is drawn only where all twelve months
have data every day. The breaks come from ``bmoredash.series_breaks``, the table the
Methodology reads too.
"""

from __future__ import annotations

from datetime import date

import bqplot as bq
import ipywidgets as widgets
import numpy as np
import pandas as pd

from bmoredash.aggregate.long_run import (
    NO_DATA,
    PARTIAL,
    ROLLING_MONTHS,
    TOTAL,
    WHOLE,
    rolling_totals,
    yearly_totals,
)
from bmoredash.app import html as app_html
from bmoredash.app.charts import ChartPanel, figure_layout, html_table, nice_ticks, tick_format
from bmoredash.app.context import FilteredView
from bmoredash.app.pages import BasePage, date_words
from bmoredash.i18n import N_
from bmoredash.i18n import gettext as _
from bmoredash.series_breaks import BREAKS, SeriesBreak
from bmoredash.style import BACKGROUND, MAIN, MUTED
from bmoredash.vocabulary import OFFENSE_LABELS

#: The total column of the yearly table.
TOTAL_LABEL = N_("All chosen offenses")
#: The days column of the yearly table.
DAYS_LABEL = N_("days with data")
_MARGIN = {"top": 36, "bottom": 36, "left": 56, "right": 28}


def count_text(value: float) -> str:
    """A count, or "no data" (never 0) when there is none."""
    return _("no data") if pd.isna(value) else f"{int(value):,d}"


def days_text(covered: int, days: int) -> str:
    """``all 365`` for a whole year, ``324 of 365 (partial)``, ``none``."""
    if covered == days:
        return _("all %(days)s") % {"days": days}
    if not covered:
        return _("none")
    return _("%(covered)s of %(days)s (partial)") % {"covered": covered, "days": days}


def yearly_table(totals: pd.DataFrame, offenses: list[str]) -> pd.DataFrame:
    """The table view of ``aggregate.long_run.yearly_totals``: one row per year (newest
    first), a column per offense and the total (text: a count or "no data"), and the days
    with data of the total."""
    table = {}
    for key in [*offenses, TOTAL]:
        part = totals[totals["offense"] == key].set_index("year")
        label = _(TOTAL_LABEL) if key == TOTAL else _(OFFENSE_LABELS.get(key, key))
        table[label] = part["count"].map(count_text)
    total = totals[totals["offense"] == TOTAL].set_index("year")
    table[_(DAYS_LABEL)] = [
        days_text(c, d) for c, d in zip(total["covered_days"], total["days"], strict=True)
    ]
    frame = pd.DataFrame(table)
    frame.index = pd.Index([str(y) for y in frame.index], name=_("year"))
    return frame.iloc[::-1]


def rolling_table(rolling: pd.Series) -> pd.DataFrame:
    """The table view of the rolling totals: one row per month (newest first)."""
    return pd.DataFrame(
        {
            _("total of the %(months)s months") % {"months": ROLLING_MONTHS}: [
                count_text(v) for v in rolling.to_numpy()
            ]
        },
        index=pd.Index(
            [date_words(d, "mon_year") for d in rolling.index],
            name=_("%(months)s months ending") % {"months": ROLLING_MONTHS},
        ),
    ).iloc[::-1]


#: Each break's label (``SeriesBreak.label``) as a message, by key, for the reader's language.
BREAK_LABELS: dict[str, str] = {
    "records_system": N_("2021: new records system"),
    "redistricting": N_("July 2023: new district lines"),
    "nibrs": N_("2025: NIBRS"),
}


def break_label(found: SeriesBreak) -> str:
    """``2021: new records system`` in the reader's language (a break without a message
    reads as ``series_breaks`` writes it)."""
    english = BREAK_LABELS.get(found.key)
    return _(english) if english == found.label else found.label


def breaks_within(first: date, last: date) -> list[SeriesBreak]:
    """The breaks inside the drawn span (a break before the data has nothing to mark)."""
    return [b for b in BREAKS if first < b.when <= last]


class LongRunChart:
    """Counts on a date axis: a line through the points that count (gaps where there is
    none), hollow points apart from it, and dashed rules at the series' breaks."""

    def __init__(self, y_label: str, tick_month: int = 1) -> None:
        #: Year ticks fall on the 1st of this month (7: mid-year, under yearly points).
        self.tick_month = tick_month
        self.x_scale = bq.DateScale()
        self.y_scale = bq.LinearScale(min=0)
        scales = {"x": self.x_scale, "y": self.y_scale}
        empty_x, empty_y = np.array([], dtype="datetime64[ns]"), np.array([], dtype=float)
        tooltip = bq.Tooltip(fields=["x", "y"], formats=["%b %Y", ",.0f"], labels=["", y_label])
        self.line = bq.Lines(
            x=empty_x, y=empty_y, scales=scales, colors=[MAIN], stroke_width=2, tooltip=tooltip
        )
        self.points = bq.Scatter(
            x=empty_x, y=empty_y, scales=scales, colors=[MAIN], default_size=24, tooltip=tooltip
        )
        self.hollow = bq.Scatter(
            x=empty_x,
            y=empty_y,
            scales=scales,
            colors=[BACKGROUND],
            stroke=MAIN,
            stroke_width=2,
            default_size=48,
            tooltip=tooltip,
        )
        self.hollow_labels = bq.Label(
            x=empty_x, y=empty_y, scales=scales, text=[], colors=[MUTED], default_size=11,
            align="middle", y_offset=-12,
        )  # fmt: skip
        self.rules = bq.Lines(
            x=np.array([[np.datetime64(BREAKS[0].when, "ns")] * 2], dtype="datetime64[ns]"),
            y=np.zeros((1, 2)),
            scales=scales,
            colors=[MUTED],
            line_style="dashed",
            stroke_width=1,
            visible=False,
        )
        self.rule_labels = bq.Label(
            x=empty_x, y=empty_y, scales=scales, text=[], colors=[MUTED], default_size=11,
            align="start", x_offset=4,
        )  # fmt: skip
        self.y_axis = bq.Axis(scale=self.y_scale, side="left", label=y_label, tick_format=",d")
        self.x_axis = bq.Axis(scale=self.x_scale, tick_format="%Y")
        axes = [self.x_axis, self.y_axis]
        marks = [self.rules, self.rule_labels, self.line, self.points, self.hollow]
        self.figure = bq.Figure(
            marks=[*marks, self.hollow_labels],
            axes=axes,
            fig_margin=_MARGIN,
            animation_duration=0,
            layout=figure_layout("320px"),
        )

    def update(
        self,
        counts: pd.Series,
        hollow: pd.Series | None = None,
        hollow_text: list[str] | None = None,
        breaks: list[SeriesBreak] | None = None,
    ) -> None:
        """``counts`` (datetime index; NaN: a gap) on the line; ``hollow`` as points apart,
        labelled ``hollow_text``; a dashed rule at each of ``breaks``."""
        hollow = pd.Series(dtype=float) if hollow is None else hollow
        x = counts.index.to_numpy(dtype="datetime64[ns]")
        y = counts.to_numpy(dtype=float)
        finite = np.isfinite(y)
        with self.line.hold_sync():
            self.line.x, self.line.y = x, y
        with self.points.hold_sync():
            self.points.x, self.points.y = x[finite], y[finite]
        hx = hollow.index.to_numpy(dtype="datetime64[ns]")
        hy = hollow.to_numpy(dtype=float)
        with self.hollow.hold_sync():
            self.hollow.x, self.hollow.y = hx, hy
        values = np.concatenate([y[finite], hy[np.isfinite(hy)]])
        ticks = nice_ticks(0.0, float(values.max()) * 1.15 if len(values) else 0.0)
        top = float(ticks[-1])
        with self.y_axis.hold_sync():
            self.y_scale.min, self.y_scale.max = 0.0, top
            self.y_axis.tick_values = ticks
            self.y_axis.tick_format = tick_format(ticks)
        # The drawn span, with room either side for the points' labels (the scale would
        # otherwise reach back to 1970 for an empty mark).
        dates = np.concatenate([x, hx])
        if len(dates):
            pad = np.timedelta64(330, "D")  # room for a label centred on the last point
            self.x_scale.min = pd.Timestamp(dates.min() - pad).to_pydatetime()
            self.x_scale.max = pd.Timestamp(dates.max() + pad).to_pydatetime()
            first, last = pd.Timestamp(self.x_scale.min), pd.Timestamp(self.x_scale.max)
            ticks = [pd.Timestamp(y, self.tick_month, 1) for y in range(first.year, last.year + 1)]
            shown = [t for t in ticks if first <= t <= last]
            step = max(1, len(shown) // 8)  # at most about 8 labels
            self.x_axis.tick_values = np.array(shown[::step], dtype="datetime64[ns]")
        with self.hollow_labels.hold_sync():
            # Neighbouring partial years (the last two, often) alternate above and below
            # their points, so their labels do not run into each other.
            below = np.arange(len(hy)) % 2 == 1
            self.hollow_labels.x = hx
            self.hollow_labels.y = np.where(below, hy - top * 0.12, hy)
            self.hollow_labels.text = list(hollow_text or [])
        breaks = breaks or []
        when = np.array([np.datetime64(b.when, "ns") for b in breaks], dtype="datetime64[ns]")
        with self.rules.hold_sync():
            if breaks:
                self.rules.x = np.stack([when, when], axis=1)
                self.rules.y = np.tile([0.0, top], (len(breaks), 1))
            self.rules.visible = bool(breaks)
        with self.rule_labels.hold_sync():
            # Staggered on three levels, so labels of nearby breaks do not overlap.
            self.rule_labels.x = when
            self.rule_labels.y = np.array([top * (0.97 - 0.07 * (i % 3)) for i in range(len(when))])
            self.rule_labels.text = [break_label(b) for b in breaks]


class Since2012Page(BasePage):
    title = N_("Since 2012")
    slug = "since-2012"

    def build(self) -> widgets.Widget:
        self.summary = widgets.HTML("")
        self.yearly_chart = LongRunChart(_("Total"), tick_month=7)
        self.yearly_panel = ChartPanel(_("Yearly totals"), self.yearly_chart.figure)
        months = {"months": ROLLING_MONTHS}
        self.rolling_chart = LongRunChart(_("%(months)s-month total") % months)
        self.rolling_panel = ChartPanel(
            _("Rolling %(months)s-month total") % months, self.rolling_chart.figure
        )
        #: What the page last drew (``aggregate.long_run``'s results).
        self.totals = pd.DataFrame()
        self.rolling = pd.Series(dtype=float)
        return widgets.VBox(
            [self.summary, self.yearly_panel.widget, self.rolling_panel.widget],
            layout=widgets.Layout(width="100%", min_width="0"),
        )

    def update(self, view: FilteredView) -> None:
        context = view.context
        through = context.data_through
        offenses = list(view.offenses)
        firsts = [d for o in offenses if (d := context.coverage.first_day([o])) is not None]
        first = min(firsts, default=context.first_date)
        rows = view.rows(first, through)
        self.totals = yearly_totals(rows, context.coverage, offenses, through)
        self.rolling = rolling_totals(rows, context.coverage, offenses, through)
        total = self.totals[self.totals["offense"] == TOTAL]
        partial = total[total["status"] == PARTIAL]
        no_data = total[total["status"] == NO_DATA]
        years = [int(y) for y in total["year"]]
        self.summary.value = app_html.render(
            "since_2012_summary",
            place=view.place_label,
            offense=view.offense_label,
            unit=view.unit_label,
            span=f"{years[0]}–{years[-1]}" if years else "",
            through=date_words(through),
            unit_note=view.unit_note,
        )
        self._draw_years(view, total, offenses, partial, no_data)
        self._draw_rolling(view)

    def _draw_years(
        self,
        view: FilteredView,
        total: pd.DataFrame,
        offenses: list[str],
        partial: pd.DataFrame,
        no_data: pd.DataFrame,
    ) -> None:
        def middle(years: pd.Series) -> pd.DatetimeIndex:
            return pd.DatetimeIndex([pd.Timestamp(int(y), 7, 1) for y in years])

        whole = total["count"].where(total["status"] == WHOLE)
        counts = pd.Series(whole.to_numpy(dtype=float), index=middle(total["year"]))
        hollow = pd.Series(partial["count"].to_numpy(dtype=float), index=middle(partial["year"]))
        days = list(zip(partial["year"], partial["covered_days"], partial["days"], strict=True))
        labels = [
            _("%(covered)s of %(days)s days") % {"covered": c, "days": d} for _y, c, d in days
        ]
        first = date(int(total["year"].min()), 1, 1) if len(total) else view.through
        drawn = breaks_within(first, view.context.data_through)
        self.yearly_chart.update(counts, hollow, labels, drawn)
        self.yearly_panel.heading.value = app_html.render(
            "chart_heading",
            title=_("Yearly totals: %(unit)s, %(offenses)s")
            % {"unit": view.unit_label, "offenses": view.offense_label},
        )
        self.yearly_panel.note.value = app_html.render(
            "since_2012_years_note",
            partial=[
                _("%(year)s (%(covered)s of %(days)s days)") % {"year": y, "covered": c, "days": d}
                for y, c, d in days
            ],
            no_data=[str(y) for y in no_data["year"]],
            breaks=[break_label(b) for b in drawn],
        )
        self.yearly_panel.set_table(
            html_table(
                yearly_table(self.totals, offenses),
                caption=_("Yearly totals (%(unit)s) by offense, newest first")
                % {"unit": view.unit_label},
            )
        )

    def _draw_rolling(self, view: FilteredView) -> None:
        rolling = self.rolling
        drawn: list[SeriesBreak] = []
        if len(rolling):
            drawn = breaks_within(rolling.index[0].date(), rolling.index[-1].date())
        self.rolling_chart.update(rolling, breaks=drawn)
        self.rolling_panel.heading.value = app_html.render(
            "chart_heading",
            title=_("Rolling %(months)s-month total: %(unit)s, %(offenses)s")
            % {"months": ROLLING_MONTHS, "unit": view.unit_label, "offenses": view.offense_label},
        )
        self.rolling_panel.note.value = app_html.render(
            "since_2012_rolling_note",
            months=ROLLING_MONTHS,
            shown=int(rolling.notna().sum()),
            blank=int(rolling.isna().sum()),
            last=date_words(rolling.index[-1], "month_year") if len(rolling) else "",
            breaks=[break_label(b) for b in drawn],
        )
        self.rolling_panel.set_table(
            html_table(
                rolling_table(rolling),
                caption=_("Rolling %(months)s-month totals (%(unit)s), newest first")
                % {"months": ROLLING_MONTHS, "unit": view.unit_label},
            )
        )
