"""Page 2, Trends: counts by week or month, notable weeks, and year-to-date totals by year.

Weeks end on Saturday (BPD CompStat weeks) and the weekly line stops at the last complete
week, so a half-counted week never looks like a drop. For the same reason a week, month or
running total holding a day without data is NaN (``aggregate``): the line breaks there and
nothing is flagged, instead of drawing a fall to zero. The latest two weeks are preliminary
(``coverage.preliminary_weeks``: late reports still raise them): drawn dashed with hollow
points, named in the note, and never flagged.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd

from bmoredash.aggregate import (
    FLAG_HISTORY_WEEKS,
    FLAG_MEANING,
    Window,
    cumulative_by_day_of_year,
    flag_weeks,
    last_complete_week_end,
    monthly_counts,
    weekly_counts,
)
from bmoredash.app import html as app_html
from bmoredash.app.charts import ChartPanel, TimeSeriesChart, YearLinesChart, html_table
from bmoredash.app.context import HISTORY_YEARS, FilteredView
from bmoredash.app.pages import BasePage, date_words
from bmoredash.coverage import (
    PRELIMINARY_FLAG_RULE,
    preliminary_flags,
    preliminary_meaning,
    preliminary_weeks,
)
from bmoredash.i18n import N_, format_date, ngettext, short_date
from bmoredash.i18n import gettext as _
from bmoredash.periods import (
    date_of_day_of_year,
    month_end_days_of_year,
    same_days_in_year,
    weeks_window,
)

#: Weeks drawn, and the weeks before them that give the first drawn week its baseline
#: (the last 52 weeks, and the same weeks of up to 3 earlier years: ``flag_weeks``).
WEEKS_SHOWN = 104
BASELINE_WEEKS = 52
HISTORY_WEEKS = FLAG_HISTORY_WEEKS

FLAG_MARKS = N_("Triangles mark notable weeks, pointing up = higher, down = lower than expected.")
FLAG_LIMITS = N_(
    "Weeks where neither the count nor its expectation reaches 10 are never marked, nor "
    "weeks with fewer than 8 weeks of data among the 52 before them."
)


def flag_note() -> str:
    """What the triangles mean, in the reader's language."""
    return f"{_(FLAG_MARKS)} {_(FLAG_MEANING)} {_(FLAG_LIMITS)}"


#: How the table names a notable week (``flag_weeks``'s codes).
FLAG_WORDS: dict[str, str] = {"higher": N_("higher"), "lower": N_("lower")}


def _count(value: float) -> str:
    return _("no data") if pd.isna(value) else f"{int(value):,d}"


def _gaps_note(counts: pd.Series, unit: str) -> str:
    """A sentence on the periods (``week`` or ``month``) left blank for lack of data."""
    blank = int(counts.isna().sum())
    if not blank:
        return ""
    if unit == "week":
        text = ngettext(
            "%(n)s week with days the data do not cover is left blank (no data is not zero).",
            "%(n)s weeks with days the data do not cover are left blank (no data is not zero).",
            blank,
        )
    else:
        text = ngettext(
            "%(n)s month with days the data do not cover is left blank (no data is not zero).",
            "%(n)s months with days the data do not cover are left blank (no data is not zero).",
            blank,
        )
    return " " + text % {"n": blank}


def _and(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c`` (``y`` in Spanish)."""
    if len(items) < 2:
        return "".join(items)
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def _preliminary_note(preliminary: pd.Series) -> str:
    """Names the preliminary weeks drawn (dashed, hollow points) and says why."""
    weeks = [format_date(d, "month_day") for d in preliminary.index[preliminary.to_numpy()]]
    if not weeks:
        return ""
    named = _("Preliminary (dashed line, hollow points): the weeks ending %(weeks)s.") % {
        "weeks": _and(weeks)
    }
    return f"{named} {preliminary_meaning()} {_(PRELIMINARY_FLAG_RULE)}"


class TrendsPage(BasePage):
    title = N_("Trends")
    slug = "trends"

    def build(self) -> widgets.Widget:
        self.interval = widgets.ToggleButtons(
            options=[(_("Weekly"), "weekly"), (_("Monthly"), "monthly")],
            description=_("Interval"),
            tooltips=[
                _("Counts per BPD week (Sunday to Saturday)"),
                _("Counts per calendar month"),
            ],
            style={"button_width": "auto"},
        )
        self.keep_in_link(self.interval, "interval")
        self.series = TimeSeriesChart()
        self.series_panel = ChartPanel(_("Counts over time"), self.series.figure)
        self.years = YearLinesChart(HISTORY_YEARS + 1)
        self.years_panel = ChartPanel(_("Running total by day of year"), self.years.figure)
        #: What the series chart last drew (week or month index -> count), its flags and
        #: which of its weeks are preliminary (``coverage.preliminary_weeks``).
        self.counts = pd.Series(dtype=int)
        self.flags = pd.Series(dtype=str)
        self.preliminary = pd.Series(dtype=bool)
        self.cumulative = pd.DataFrame()
        return widgets.VBox(
            [self.interval, self.series_panel.widget, self.years_panel.widget],
            layout=widgets.Layout(width="100%", min_width="0"),
        )

    def update(self, view: FilteredView) -> None:
        if self.interval.value == "weekly":
            self._weekly(view)
        else:
            self._monthly(view, view.frame)
        self._cumulative(view)

    def _weekly(self, view: FilteredView) -> None:
        week_end = last_complete_week_end(view.through)
        first = weeks_window(week_end, WEEKS_SHOWN + HISTORY_WEEKS).start
        # The baseline reads back before the drawn history, as far as the data go.
        data_start = view.context.coverage.first_day(view.offenses) or view.context.first_date
        window = Window(max(first, min(data_start, view.history_start)), week_end)
        rows = view.rows(window.start, window.end)
        counts = weekly_counts(rows, window, view.context.coverage, view.offenses)
        flags = flag_weeks(counts, BASELINE_WEEKS)
        self.counts, self.flags = counts.iloc[-WEEKS_SHOWN:], flags.iloc[-WEEKS_SHOWN:].copy()
        # Preliminary weeks (late reports still coming in) are drawn apart, never flagged.
        self.preliminary = pd.Series(
            preliminary_weeks(self.counts.index, view.context.data_through),
            index=self.counts.index,
            name="preliminary",
        )
        self.flags = preliminary_flags(self.flags, self.preliminary.to_numpy())
        self.series.update(self.counts, self.flags, self.preliminary.to_numpy())
        self.series_panel.heading.value = app_html.render(
            "trends_heading",
            unit=view.unit_label.capitalize(),
            step="week",
            offense=view.offense_label,
            place=view.place_label,
        )
        higher, lower = int((self.flags == "higher").sum()), int((self.flags == "lower").sum())
        self.series_panel.note.value = app_html.render(
            "trends_weekly_note",
            weeks=len(self.counts),
            week_end=short_date(week_end),
            gaps=_gaps_note(self.counts, "week"),
            preliminary=_preliminary_note(self.preliminary),
            flag_note=flag_note(),
            higher=higher,
            lower=lower,
        )
        table = pd.DataFrame(
            {
                _("count"): self.counts.to_numpy(),
                _("notable"): [_(FLAG_WORDS.get(f, f)) for f in self.flags.to_numpy()],
                _("preliminary"): np.where(self.preliminary.to_numpy(), _("preliminary"), ""),
            },
            index=pd.Index([f"{d:%Y-%m-%d}" for d in self.counts.index], name=_("week ending")),
        )
        self.series_panel.set_table(
            html_table(
                table.iloc[::-1],
                caption=_("Counts by week (newest first)"),
                formatters={_("count"): _count},
            )
        )

    def _monthly(self, view: FilteredView, rows: pd.DataFrame) -> None:
        window = Window(view.history_start.replace(day=1), view.through)
        counts = monthly_counts(rows, window, view.context.coverage, view.offenses)
        self.counts, self.flags = counts, pd.Series("", index=counts.index)
        self.preliminary = pd.Series(False, index=counts.index, name="preliminary")
        self.series.update(counts, None)
        self.series_panel.heading.value = app_html.render(
            "trends_heading",
            unit=view.unit_label.capitalize(),
            step="month",
            offense=view.offense_label,
            place=view.place_label,
        )
        self.series_panel.note.value = app_html.render(
            "trends_monthly_note",
            start=date_words(window.start, "month_year"),
            end=format_date(view.through, "month_day"),
            gaps=_gaps_note(counts, "month"),
        )
        table = pd.DataFrame(
            {_("count"): counts.to_numpy()},
            index=pd.Index([f"{d:%Y-%m}" for d in counts.index], name=_("month")),
        )
        self.series_panel.set_table(
            html_table(
                table.iloc[::-1],
                caption=_("Counts by month (newest first)"),
                formatters={_("count"): _count},
            )
        )

    def _cumulative(self, view: FilteredView) -> None:
        last = view.through.year
        cutoff = view.through.timetuple().tm_yday
        # Each year is counted only to the cutoff day, so only those rows are needed
        # (about half of them by mid-year): one cut per year, counted year by year.
        columns = []
        for year in range(last - HISTORY_YEARS, last + 1):
            # The days of ``year`` its running total counts on view.through (month and
            # day aligned, Feb 29 -> Feb 28: the year-to-date rule of periods).
            span = same_days_in_year(view.through, year)
            part = view.rows(span.start, span.end)
            counted = cumulative_by_day_of_year(
                part, [year], view.through, view.context.coverage, view.offenses
            )
            columns.append(counted[year])
        cumulative = pd.concat(columns, axis=1).loc[:cutoff]
        # A year without data from January 1 has no running total: no line, no column
        # (the selected year always keeps its own).
        drawn = cumulative.notna().any()
        drawn.iloc[-1] = True
        left_out = [str(y) for y in cumulative.columns[~drawn.to_numpy()]]
        cumulative = cumulative.loc[:, drawn]
        years = list(cumulative.columns)
        self.cumulative = cumulative
        self.years.update(cumulative)
        span = f"{years[0]}–{last}" if len(years) > 1 else str(last)
        self.years_panel.heading.value = app_html.render(
            "trends_years_heading", span=span, through=format_date(view.through, "month_day")
        )
        self.years_panel.note.value = app_html.render("trends_years_note", left_out=left_out)
        # The table: the total at the end of each month, up to the cutoff.
        days = [d for d in month_end_days_of_year(last) if d < cutoff] + [cutoff]
        table = cumulative.loc[days].astype("Int64")
        table.index = pd.Index(
            [format_date(date_of_day_of_year(last, d), "month_day") for d in days],
            name=_("through"),
        )
        table.columns = [str(c) for c in table.columns]
        self.years_panel.set_table(
            html_table(table, caption=_("Running total on each date, by year"), na=_("no data"))
        )
