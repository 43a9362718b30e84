"""The weekly trend as geometry for ``templates/figures.html.j2``: bars, gaps, marks, ticks.

Why not the weekly report's matplotlib chart: a page of every place (301 of them) needs its
own trend, and matplotlib's SVG (text drawn as paths) weighs ~60 KB and ~0.2 s a chart. Here
Python only places the bars of ``report.data.weekly_with_flags`` (the same table, the same
rules: a week without complete data is a grey band with no bar, never a zero; preliminary
weeks are hatched; ▲ ▼ mark weeks the flag rule found notable) and the template writes a few
KB of inline SVG, readable with JavaScript off and by a screen reader (title and desc).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from bmoredash import style
from bmoredash.i18n import N_, format_date, short_date
from bmoredash.i18n import gettext as _
from bmoredash.vocabulary import PROPERTY_TOTAL, VIOLENT_TOTAL

#: The chart's drawing units (the SVG scales to the column's width).
WIDTH = 640
PANEL_HEIGHT = 96
LEFT, RIGHT, TOP, GAP, BOTTOM = 34, 6, 24, 36, 30
#: The two panels: table column, title, colour.
PANELS: tuple[tuple[str, str, str], ...] = (
    ("violent", VIOLENT_TOTAL, style.VIOLENT_COLOR),
    ("property", PROPERTY_TOTAL, style.PROPERTY_COLOR),
)
#: A panel's measure inside the screen reader's sentence.
IN_SENTENCE: dict[str, str] = {
    VIOLENT_TOTAL: N_("part 1 violent"),
    PROPERTY_TOTAL: N_("part 1 property"),
}


def nice_step(top: float, ticks: int = 3) -> int:
    """A round tick step (1, 2, 5 x 10^k) giving about ``ticks`` ticks up to ``top``."""
    raw = max(top / ticks, 1.0)
    power = 10 ** math.floor(math.log10(raw))
    return int(next(m * power for m in (1, 2, 5, 10) if m * power >= raw))


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    height: float
    #: "this week" (full colour), "week", or "late" (preliminary: hatched).
    kind: str
    title: str
    #: The week's Saturday (ISO) and count, as data attributes for readers' tools.
    week: str
    count: int


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    color: str
    top: float
    bars: list[Bar]
    #: (x, Saturday ISO) of each week without complete data (a grey band, no bar).
    gaps: list[tuple[float, str]]
    #: (x, y, "▲" or "▼") above a flagged week's bar.
    marks: list[tuple[float, float, str]]
    #: (y, label) of each horizontal grid line.
    ticks: list[tuple[float, str]]


@dataclass(frozen=True)
class TrendChart:
    """What the template draws: the panels, the month labels, the texts for readers."""

    width: int
    height: int
    #: Where the panels' bars start (the tick labels are left of it), and a panel's height.
    left: int
    panel_height: int
    bar_width: float
    panels: list[Panel]
    months: list[tuple[float, str]]
    #: One sentence for a screen reader: the last complete week of each panel.
    summary: str


def _week_title(day: pd.Timestamp, value: float, kind: str) -> str:
    text = _("Week ending %(day)s: ") % {"day": short_date(day.date())}
    if math.isnan(value):
        return text + _("no complete data")
    late = _(" (preliminary, may still rise)") if kind == "late" else ""
    return text + f"{int(value):,}" + late


def trend_chart(weekly: pd.DataFrame, week_end: date, place: str) -> TrendChart:
    """The geometry of the weekly trend of ``place`` (``report.data.weekly_with_flags``)."""
    days = pd.to_datetime(weekly.index)
    step = (WIDTH - LEFT - RIGHT) / max(len(days), 1)
    bar_width = round(step * 0.78, 2)
    xs = [round(LEFT + step * i + (step - bar_width) / 2, 2) for i in range(len(days))]
    late = weekly["preliminary"].to_numpy(bool) if "preliminary" in weekly else [False] * len(xs)
    panels, said = [], []
    for number, (key, english, color) in enumerate(PANELS):
        title = _(english)
        base = TOP + number * (PANEL_HEIGHT + GAP) + PANEL_HEIGHT
        values = weekly[key].to_numpy(float)
        highest = float(np.nanmax(values)) if (~np.isnan(values)).any() else 0.0
        tick = nice_step(highest)
        top = max(tick * math.ceil(highest * 1.12 / tick), tick)
        scale = PANEL_HEIGHT / top
        bars, gaps, marks = [], [], []
        for x, day, value, flag, is_late in zip(
            xs, days, values, weekly[f"{key}_flag"], late, strict=True
        ):
            if math.isnan(value):
                gaps.append((x, day.date().isoformat()))
                continue
            kind = "late" if is_late else "this" if day.date() == week_end else "week"
            height = round(value * scale, 2)
            tip = _week_title(day, value, kind)
            week = day.date().isoformat()
            bars.append(Bar(x, round(base - height, 2), height, kind, tip, week, int(value)))
            if flag:
                mark = "▲" if flag == "higher" else "▼"
                marks.append((round(x + bar_width / 2, 2), round(base - height - 2, 2), mark))
        ticks = [(round(base - t * scale, 2), f"{t:,}") for t in range(0, int(top) + 1, tick)]
        panels.append(Panel(key, title, color, base - PANEL_HEIGHT, bars, gaps, marks, ticks))
        last = weekly[key].get(pd.Timestamp(week_end), float("nan"))
        said.append(
            _("%(measure)s: no complete data") % {"measure": title}
            if math.isnan(last)
            else f"{_(IN_SENTENCE[english])} {int(last):,}"
        )
    months = [
        (x, format_date(day, "month") + (f" {day.year}" if day.month == 1 or i == 0 else ""))
        for i, (x, day) in enumerate(
            (x, day)
            for x, day, before in zip(xs, days, [None, *days[:-1]], strict=True)
            if before is None or before.month != day.month
        )
    ]
    summary = _(
        "Weekly Part 1 crimes in %(place)s, the last %(weeks)s weeks. Week ending %(day)s: "
        "%(counts)s."
    ) % {"place": place, "weeks": len(days), "day": short_date(week_end), "counts": "; ".join(said)}
    height = TOP + 2 * PANEL_HEIGHT + GAP + BOTTOM
    return TrendChart(WIDTH, height, LEFT, PANEL_HEIGHT, bar_width, panels, months, summary)
