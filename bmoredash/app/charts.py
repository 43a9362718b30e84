"""Figures built once and updated in place, and chart-or-table panels.

Why in place: rebuilding a bqplot figure re-creates its widgets in the browser (hundreds of
milliseconds and a flicker); changing a mark's data inside ``hold_sync()`` sends one
message. Every chart sits in a ``ChartPanel`` whose toggle shows an HTML table with the
same numbers, for screen readers, small screens and people who want the figures.

Colours come from ``bmoredash.style`` (the Okabe-Ito palette, which stays distinguishable
for the common forms of colour blindness); marks that must be told apart also differ in
shape or line weight.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import bqplot as bq
import ipywidgets as widgets
import numpy as np
import pandas as pd

from bmoredash import i18n
from bmoredash.app import html as app_html
from bmoredash.app.a11y import CHART, SWAP
from bmoredash.i18n import gettext as _
from bmoredash.style import (
    BACKGROUND,
    CONTEXT,
    CURRENT,
    HEAT,
    HIGHER,
    LOWER,
    MAIN,
    PREVIOUS,
)

_MARGIN = {"top": 16, "bottom": 36, "left": 48, "right": 28}
#: The mark traits a chart's key figure is read from (its name is redrawn when they change).
_NAMED_BY = ("y", "color", "colors", "labels", "visible")


def figure_layout(height: str = "300px") -> widgets.Layout:
    """Fills its container up to a comfortable width, shrinks to a phone's."""
    return widgets.Layout(width="100%", max_width="860px", min_width="0", height=height)


# --------------------------------------------------------------------------------------
# HTML tables
# --------------------------------------------------------------------------------------


def _cell(value: Any, na: str) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return na
    if isinstance(value, float | np.floating):
        return f"{value:,.1f}"
    if isinstance(value, int | np.integer):
        return f"{value:,d}"
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}"
    return str(value)


def html_table(
    frame: pd.DataFrame,
    *,
    caption: str = "",
    na: str = "–",
    index: bool = True,
    highlight: str | None = None,
    formatters: Mapping[str, Callable[[Any], str]] | None = None,
) -> str:
    """An accessible HTML table (caption, header cells with scope) of ``frame``.

    ``highlight`` bolds the row whose index equals it (the chosen neighborhood).
    """
    formatters = formatters or {}
    head = [str(frame.index.name or "")] if index else []
    head += [str(c) for c in frame.columns]
    rows = []
    columns = list(frame.columns)
    # Column by column, so an int column stays int beside a float one (iterrows would not).
    values_by_row = zip(*(frame[c].tolist() for c in columns), strict=True) if columns else []
    for key, values in zip(frame.index, values_by_row, strict=False):
        cells = [
            formatters[column](value) if column in formatters else _cell(value, na)
            for column, value in zip(columns, values, strict=True)
        ]
        rows.append({"key": _cell(key, na), "cells": cells, "highlight": key == highlight})
    return app_html.render("table", caption=caption, head=head, rows=rows, index=index)


# --------------------------------------------------------------------------------------
# A chart with its table
# --------------------------------------------------------------------------------------


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _date_label(x: np.ndarray, at: int) -> str:
    """The date of point ``at`` as its series' step reads: a year, a month or a day."""
    day = pd.Timestamp(x[at])
    steps = np.diff(x.astype("datetime64[D]").astype(np.int64))
    step = float(np.median(steps)) if len(steps) else 0.0
    if step >= 360:
        return f"{day:%Y}"
    if step >= 28:
        if i18n.current_language() == i18n.DEFAULT:
            return f"{day:%B %Y}"
        from babel.dates import format_date

        return format_date(day.date(), "MMMM 'de' y", locale=i18n.BABEL_LOCALES["es"])
    return f"{day:%Y-%m-%d}"


def _data_marks(figure: widgets.Widget) -> list:
    return [
        m
        for m in getattr(figure, "marks", [])
        if m.visible and isinstance(m, bq.Lines | bq.Scatter | bq.Bars | bq.GridHeatMap)
    ]


def _finite_points(mark: bq.Mark) -> int:
    try:
        return int(np.isfinite(np.asarray(mark.y, dtype=float)).sum())
    except (TypeError, ValueError):
        return 0


def key_figure(figure: widgets.Widget) -> dict | None:
    """The one figure a chart is about, for its accessible name: the latest point of a
    line (the one drawn in ``CURRENT`` when there is one, else the longest mark), the
    highest bar or cell; None for an empty chart. {kind: latest|most, label, value}."""
    marks = _data_marks(figure)
    if not marks:
        return None
    if any(isinstance(m, bq.GridHeatMap) for m in marks):
        heat = next(m for m in marks if isinstance(m, bq.GridHeatMap))
        color = np.asarray(heat.color, dtype=float)
        if not color.size or not np.isfinite(color).any():
            return None
        row, column = np.unravel_index(np.nanargmax(color), color.shape)
        label = f"{heat.column[column]} {heat.row[row]}"
        return {"kind": "most", "label": label, "value": _number(color[row, column])}
    if any(isinstance(m, bq.Bars) for m in marks):
        bars = next(m for m in marks if isinstance(m, bq.Bars))
        values = np.asarray(bars.y, dtype=float)
        if not values.size or not np.isfinite(values).any():
            return None
        at = int(np.nanargmax(values))
        return {"kind": "most", "label": str(bars.x[at]).strip(), "value": _number(values[at])}
    highlighted = [
        m
        for m in marks
        if isinstance(m, bq.Lines)
        and CURRENT in list(m.colors or [])
        and np.isfinite(np.asarray(m.y, dtype=float)).any()
    ]
    mark = highlighted[0] if highlighted else max(marks, key=_finite_points)
    y = np.asarray(mark.y, dtype=float)
    x = np.asarray(mark.x)
    label = ""
    if y.ndim == 2:  # one line a row: the highlighted row, else the last
        colors = list(mark.colors or [])
        row = colors.index(CURRENT) if CURRENT in colors[: len(y)] else len(y) - 1
        labels = list(getattr(mark, "labels", None) or [])
        label = str(labels[row]) if row < len(labels) else ""
        y = y[row]
        x = x[row] if x.ndim == 2 else x
    finite = np.flatnonzero(np.isfinite(y))
    if not finite.size:
        return None
    at = int(finite[-1])
    if not label and at < len(x):
        label = _date_label(x, at) if np.issubdtype(x.dtype, np.datetime64) else str(x[at])
    return {"kind": "latest", "label": label.strip(), "value": _number(y[at])}


class ChartPanel:
    """A heading, a figure, a note, and a toggle that swaps the figure for a table.

    For a screen reader the figure is an image named by its heading (as the page last
    set it) and its key figure (``key_figure``, kept up to date as the marks change);
    ``a11y.js`` sets the role and joins the two."""

    def __init__(self, title: str, figure: widgets.Widget, note: str = "") -> None:
        self.title = title
        self.figure = figure
        self.heading = widgets.HTML(app_html.render("chart_heading", title=title))
        self.name = widgets.HTML("", layout=widgets.Layout(display="none"))
        self._name_chart()
        for mark in getattr(figure, "marks", []):
            mark.observe(self._name_chart, [n for n in _NAMED_BY if mark.has_trait(n)])
        self.note = widgets.HTML(note)
        self.table = widgets.HTML("", layout=widgets.Layout(display="none", max_width="100%"))
        self.toggle = widgets.ToggleButton(
            value=False,
            description=_("Show table"),
            tooltip=_("Show the numbers of '%(title)s' as a table") % {"title": title},
            icon="table",
            layout=widgets.Layout(width="auto", align_self="flex-start"),
        )
        self.toggle.observe(self._on_toggle, "value")
        self.toggle.add_class(SWAP)
        self.widget = widgets.VBox(
            [self.heading, self.name, self.figure, self.table, self.note, self.toggle],
            layout=widgets.Layout(width="100%", min_width="0", margin="0 0 12px 0"),
        )
        self.widget.add_class(CHART)

    def _name_chart(self, _change: dict | None = None) -> None:
        try:
            key = key_figure(self.figure)
        except (ValueError, TypeError, IndexError):  # marks caught halfway through an update
            key = None
        self.name.value = app_html.render("chart_name", key=key)

    def _on_toggle(self, change: dict) -> None:
        show_table = bool(change["new"])
        self.table.layout.display = None if show_table else "none"
        self.figure.layout.display = "none" if show_table else None
        self.toggle.description = _("Show chart") if show_table else _("Show table")

    def set_table(self, table_html: str) -> None:
        self.table.value = table_html


# --------------------------------------------------------------------------------------
# Figures (each returns the figure and the marks to update)
# --------------------------------------------------------------------------------------


def _figure(marks: list, axes: list, height: str = "300px", **kwargs: Any) -> bq.Figure:
    return bq.Figure(
        marks=marks,
        axes=axes,
        fig_margin=dict(_MARGIN, **kwargs.pop("margin", {})),
        animation_duration=0,
        layout=figure_layout(height),
        **kwargs,
    )


def _flag_mark(scales: dict, color: str, marker: str, label: str, x_format: str) -> bq.Scatter:
    """An empty scatter of notable weeks (triangles), filled in place on each update."""
    return bq.Scatter(
        x=np.array([], dtype="datetime64[ns]"),
        y=np.array([], dtype=float),
        scales=scales,
        colors=[color],
        marker=marker,
        default_size=90,
        tooltip=bq.Tooltip(
            fields=["x", "y"], formats=[x_format, ".0f"], labels=[label, _("Count")]
        ),
    )


class TimeSeriesChart:
    """Counts over time (one line) with notable points marked higher / lower.

    A NaN count (a period without complete data) breaks the line there: bqplot leaves a
    gap where y is not finite. Its points are a separate mark holding the finite ones only,
    since a Lines marker at NaN would be drawn in the corner of the plot.

    Preliminary periods (``coverage.preliminary_weeks``) are drawn dashed from the last
    settled point, with hollow markers: ``line`` still holds every count, and a
    background-coloured stroke hides its solid part there.
    """

    def __init__(self, y_label: str | None = None, x_format: str = "%Y-%m-%d") -> None:
        y_label = _("Count") if y_label is None else y_label
        self.x_scale = bq.DateScale()
        self.y_scale = bq.LinearScale(min=0)
        scales = {"x": self.x_scale, "y": self.y_scale}
        tooltip = bq.Tooltip(
            fields=["x", "y"], formats=[x_format, ".0f"], labels=[_("Date"), y_label]
        )
        self.line = bq.Lines(
            x=np.array([], dtype="datetime64[ns]"),
            y=np.array([], dtype=float),
            scales=scales,
            colors=[MAIN],
            stroke_width=2,
            tooltip=tooltip,
        )
        self.points = bq.Scatter(
            x=np.array([], dtype="datetime64[ns]"),
            y=np.array([], dtype=float),
            scales=scales,
            colors=[MAIN],
            marker="circle",
            default_size=12,
            tooltip=tooltip,
        )
        # The preliminary stretch: a background stroke over the solid line, then dashes.
        self.preliminary_mask = bq.Lines(
            x=np.array([], dtype="datetime64[ns]"),
            y=np.array([], dtype=float),
            scales=scales,
            colors=[BACKGROUND],
            stroke_width=4,
        )
        self.preliminary_line = bq.Lines(
            x=np.array([], dtype="datetime64[ns]"),
            y=np.array([], dtype=float),
            scales=scales,
            colors=[MAIN],
            stroke_width=2,
            line_style="dashed",
            tooltip=tooltip,
        )
        self.preliminary = bq.Scatter(
            x=np.array([], dtype="datetime64[ns]"),
            y=np.array([], dtype=float),
            scales=scales,
            colors=[MAIN],
            marker="circle",
            fill=False,
            stroke=MAIN,
            stroke_width=2,
            default_size=40,
            tooltip=bq.Tooltip(
                fields=["x", "y"], formats=[x_format, ".0f"], labels=[_("Preliminary"), y_label]
            ),
        )
        self.higher = _flag_mark(scales, HIGHER, "triangle-up", _("Higher than usual"), x_format)
        self.lower = _flag_mark(scales, LOWER, "triangle-down", _("Lower than usual"), x_format)
        axes = [
            bq.Axis(scale=self.x_scale, num_ticks=6),
            bq.Axis(scale=self.y_scale, side="left", label=y_label, tick_format=",d"),
        ]
        marks = [self.line, self.preliminary_mask, self.preliminary_line, self.points]
        self.figure = _figure([*marks, self.preliminary, self.higher, self.lower], axes)

    def update(
        self,
        counts: pd.Series,
        flags: pd.Series | None = None,
        preliminary: np.ndarray | None = None,
    ) -> None:
        """Draw ``counts`` (datetime index; NaN: no data, a gap); mark the ``higher`` /
        ``lower`` flags; draw the periods ``preliminary`` marks True dashed, hollow."""
        x = counts.index.to_numpy(dtype="datetime64[ns]")
        y = counts.to_numpy(dtype=float)
        late = np.zeros(len(y), bool) if preliminary is None else np.asarray(preliminary, bool)
        with self.line.hold_sync():
            self.line.x, self.line.y = x, y
        finite = np.isfinite(y)
        with self.points.hold_sync():
            self.points.x, self.points.y = x[finite & ~late], y[finite & ~late]
        with self.preliminary.hold_sync():
            self.preliminary.x, self.preliminary.y = x[finite & late], y[finite & late]
        # The dashed stretch starts at the last settled point, so it joins the solid line.
        first = int(np.argmax(late)) if late.any() else len(y)
        stretch = slice(max(first - 1, 0), len(y)) if late.any() else slice(0, 0)
        for mark in (self.preliminary_mask, self.preliminary_line):
            with mark.hold_sync():
                mark.x, mark.y = x[stretch], y[stretch]
        for mark, kind in ((self.higher, "higher"), (self.lower, "lower")):
            chosen = (flags == kind).to_numpy() if flags is not None else np.zeros(len(y), bool)
            with mark.hold_sync():
                mark.x, mark.y = x[chosen], y[chosen]


class YearLinesChart:
    """Cumulative counts by day of year: the selected year over the years before it."""

    def __init__(self, n_years: int) -> None:
        self.x_scale = bq.LinearScale(min=1, max=366)
        self.y_scale = bq.LinearScale(min=0)
        scales = {"x": self.x_scale, "y": self.y_scale}
        self.lines = bq.Lines(
            x=np.arange(1, 2, dtype=float),
            y=np.zeros((n_years, 1)),
            scales=scales,
            colors=[CONTEXT] * n_years,
            stroke_width=2,
            display_legend=True,
            labels=[""] * n_years,
            tooltip=bq.Tooltip(
                fields=["x", "y"], formats=[".0f", ".0f"], labels=[_("Day"), _("Total")]
            ),
        )
        month_starts = [1, 32, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335]
        axes = [
            bq.Axis(
                scale=self.x_scale,
                tick_values=month_starts,
                tick_format="d",
                label=_("Day of year (1 = Jan 1; 182 = Jul 1)"),
                num_ticks=6,
            ),
            # Totals run to five digits ("22,000"): the label stands clear of them.
            bq.Axis(
                scale=self.y_scale,
                side="left",
                label=_("Total"),
                tick_format=",d",
                label_offset="52px",
            ),
        ]
        self.figure = _figure([self.lines], axes, legend_location="top-left", margin={"left": 68})

    def update(self, cumulative: pd.DataFrame) -> None:
        """``cumulative``: rows = day of year, one column per year, oldest first."""
        years = list(cumulative.columns)
        colors = [CONTEXT] * len(years)
        opacities = [0.55] * len(years)
        if years:
            colors[-1], opacities[-1] = CURRENT, 1.0
        if len(years) > 1:
            colors[-2], opacities[-2] = PREVIOUS, 0.9
        with self.lines.hold_sync():
            self.lines.x = cumulative.index.to_numpy(dtype=float)
            self.lines.y = cumulative.to_numpy(dtype=float).T
            self.lines.labels = [str(y) for y in years]
            self.lines.colors = colors
            self.lines.opacities = opacities


def nice_ticks(low: float, high: float, most: int = 4) -> np.ndarray:
    """Round tick values covering [low, high] (zero included) in at most about ``most``
    steps of 1, 2 or 5 times a power of ten: an axis that reads 0, 5,000, 10,000 ..."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high - low <= 0:
        return np.array([0.0, 1.0])
    raw_step = (high - low) / most
    power = 10 ** np.floor(np.log10(raw_step))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw_step)
    first, last = np.floor(low / step) * step, np.ceil(high / step) * step
    return np.round(np.arange(first, last + step / 2, step), 10) + 0.0  # no -0


def tick_format(ticks: np.ndarray) -> str:
    """Whole numbers with thousands separators, or just enough decimals for the step."""
    step = float(ticks[1] - ticks[0])
    return ",d" if step >= 1 else f",.{int(-np.floor(np.log10(step)))}f"


def short_label(text: str, width: int = 22) -> str:
    """Long category names cut for an axis (the table keeps them whole)."""
    return text if len(text) <= width else text[: width - 1] + "…"


class BarChart:
    """Horizontal bars, one per category (long names read well on a phone)."""

    def __init__(
        self, x_label: str | None = None, color: str = MAIN, height: str = "260px"
    ) -> None:
        x_label = _("Count") if x_label is None else x_label
        self.cat_scale = bq.OrdinalScale(reverse=True)
        self.value_scale = bq.LinearScale(min=0)
        self.bars = bq.Bars(
            x=[],
            y=[],
            scales={"x": self.cat_scale, "y": self.value_scale},
            orientation="horizontal",
            colors=[color],
            padding=0.2,
            tooltip=bq.Tooltip(fields=["x", "y"], formats=["", ",.0f"], labels=["", x_label]),
        )
        self.value_axis = bq.Axis(scale=self.value_scale, side="bottom", label=x_label)
        axes = [
            bq.Axis(scale=self.cat_scale, side="left"),
            self.value_axis,
        ]
        self.figure = _figure([self.bars], axes, height=height, margin={"left": 150})

    def update(self, labels: Sequence[str], values: Sequence[float]) -> None:
        shown: list[str] = []
        for label in labels:
            text = short_label(str(label))
            while text in shown:  # ordinal scales need unique names
                text += " "
            shown.append(text)
        data = np.asarray(values, dtype=float)
        low = min(0.0, float(data.min())) if len(data) else 0.0
        high = max(0.0, float(data.max())) if len(data) else 1.0
        with self.bars.hold_sync():
            # Zero always in view, so negative changes draw left of it.
            ticks = nice_ticks(low, high)
            self.value_scale.min, self.value_scale.max = float(ticks[0]), float(ticks[-1])
            self.value_axis.tick_values = ticks
            self.value_axis.tick_format = tick_format(ticks)
            self.bars.x = shown
            self.bars.y = data


class HeatmapChart:
    """Hour of day (rows) by weekday (columns)."""

    def __init__(self, rows: Sequence[str], columns: Sequence[str]) -> None:
        self.row_scale = bq.OrdinalScale(reverse=True)  # midnight at the top
        self.column_scale = bq.OrdinalScale()
        self.color_scale = bq.ColorScale(colors=list(HEAT), min=0)
        self.heat = bq.GridHeatMap(
            row=list(rows),
            column=list(columns),
            color=np.zeros((len(rows), len(columns))),
            scales={"row": self.row_scale, "column": self.column_scale, "color": self.color_scale},
            stroke="white",
            tooltip=bq.Tooltip(
                fields=["row", "column", "color"],
                formats=["", "", ",.0f"],
                labels=[_("Hour"), _("Day"), _("Count")],
            ),
        )
        axes = [
            bq.Axis(scale=self.column_scale, side="top"),
            bq.Axis(scale=self.row_scale, side="left"),
            # Few ticks: on a phone the colour bar is narrow and five labels overlapped.
            bq.ColorAxis(scale=self.color_scale, side="bottom", label=_("Count"), num_ticks=3),
        ]
        self.figure = _figure(
            [self.heat], axes, height="520px", margin={"top": 36, "bottom": 56, "left": 56}
        )

    def update(self, matrix: np.ndarray) -> None:
        with self.heat.hold_sync():
            self.heat.color = np.asarray(matrix, dtype=float)
