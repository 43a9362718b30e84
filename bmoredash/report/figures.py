"""Static charts for the printed and emailed reports: matplotlib, no tiles, no JavaScript.

The interactive dashboard draws with bqplot and ipyleaflet; neither survives an HTML export
without a CDN, and neither prints. Reports therefore draw with matplotlib's object API
(``Figure`` directly, never pyplot: no global state, no GUI backend, safe in any kernel)
and embed each figure as an SVG data URI (``svg_data_uri``; the ``<figure>`` around it is
``templates/figure.html.j2``), so one HTML file holds everything. Every colour comes from
``bmoredash.style``.

NOTE: we never call ``matplotlib.use``: a ``Figure`` made without pyplot renders through
the non-interactive canvas for the format asked (SVG here, Agg for PNG) whatever backend
the kernel has selected, and importing this module leaves a user's backend alone.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np
import pandas as pd
from matplotlib import colors as mcolors
from matplotlib import dates as mdates
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bmoredash import style
from bmoredash.vocabulary import PROPERTY_TOTAL, VIOLENT_TOTAL

WIDTH_IN = 7.2  # a Letter page less the margins
#: Preliminary weeks (late reports still coming in): white hatching over the bar.
PRELIMINARY_HATCH = "////"
#: Half a bar's week either side of its Saturday, for the grey band of a week without data
#: (a drawing width, not a comparison window).
HALF_WEEK = np.timedelta64(84, "h")

Ring = Sequence[tuple[float, float]]


def _new_figure(height: float) -> Figure:
    # NOTE: fixed margins, not layout="constrained": the solver costs a second layout
    # pass per figure (~0.15 s), and these charts have fixed shapes anyway.
    return Figure(figsize=(WIDTH_IN, height))


def svg_bytes(fig: Figure) -> bytes:
    """The figure as SVG (text drawn as paths, so it looks the same in every browser)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def svg_data_uri(fig: Figure) -> str:
    """The figure as a ``data:`` URI an ``<img>`` can show with nothing fetched."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg_bytes(fig)).decode("ascii")


# --------------------------------------------------------------------------------------
# Weekly trend
# --------------------------------------------------------------------------------------


def trend_chart(weekly: pd.DataFrame, week_end: date) -> Figure:
    """Weekly Part 1 violent and property counts (two panels), this week in full colour,
    weeks flagged as notable marked with ▲ / ▼, weeks without complete data (NaN) as grey
    bands with no bar: no data is not zero; preliminary weeks hatched (their counts may
    still rise: ``coverage.preliminary_weeks``).

    ``weekly``: index = week-ending Saturdays; columns ``violent``, ``property``,
    ``violent_flag``, ``property_flag`` (from ``aggregate.weekly_counts`` and ``flag_weeks``)
    and, optionally, ``preliminary`` (True for a preliminary week).
    """
    fig = _new_figure(4.2)
    axes = fig.subplots(2, 1, sharex=True)
    fig.subplots_adjust(left=0.075, right=0.99, top=0.94, bottom=0.1, hspace=0.32)
    x = pd.to_datetime(weekly.index)
    current = x == pd.Timestamp(week_end)
    late = (
        weekly["preliminary"].to_numpy(dtype=bool)
        if "preliminary" in weekly
        else np.zeros(len(x), bool)
    )
    for ax, key, label, color in (
        (axes[0], "violent", VIOLENT_TOTAL, style.VIOLENT_COLOR),
        (axes[1], "property", PROPERTY_TOTAL, style.PROPERTY_COLOR),
    ):
        values = weekly[key].to_numpy(dtype=float)
        blank = np.isnan(values)
        colors = np.array([mcolors.to_rgba(color, 1.0 if c else 0.35) for c in current])
        bars = ax.bar(x[~blank], values[~blank], width=5.5, color=colors[~blank])
        for bar in np.asarray(bars.patches, dtype=object)[late[~blank]]:
            bar.set_hatch(PRELIMINARY_HATCH)
            bar.set_edgecolor(style.BACKGROUND)
            bar.set_linewidth(0)
        for day in x[blank]:
            ax.axvspan(
                day - HALF_WEEK,
                day + HALF_WEEK,
                color=style.NO_DATA,
                linewidth=0,
            )
        top = max(int(np.nanmax(values)) if (~blank).any() else 0, 1)
        for day, value, flag in zip(x, values, weekly[f"{key}_flag"], strict=True):
            if flag:
                ax.annotate(
                    "▲" if flag == "higher" else "▼",
                    (day, value),
                    xytext=(0, 2),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=7,
                    color=style.INK,
                )
        ax.set_ylim(0, top * 1.18)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        ax.set_ylabel("per week", fontsize=8)
        ax.set_title(label, loc="left", fontsize=9, fontweight="bold")
        ax.tick_params(labelsize=7)
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="y", color=style.GRID, linewidth=0.6)
        ax.set_axisbelow(True)
    locator = mdates.MonthLocator()
    axes[1].xaxis.set_major_locator(locator)
    axes[1].xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))
    return fig


# --------------------------------------------------------------------------------------
# Map
# --------------------------------------------------------------------------------------


def simplify_ring(ring: Ring, tolerance: float = 0.0002) -> np.ndarray:
    """A ring with fewer vertices (tolerance in degrees, ~20 m) for a page-sized map.

    NOTE: the 2023 Southern and Southeastern districts follow the harbour shoreline
    with tens of thousands of vertices; drawn as is they bloat the SVG for nothing.
    """
    from shapely.geometry import Polygon

    coords = np.asarray(ring, dtype=float)
    if len(coords) < 50:
        return coords
    simple = Polygon(coords).simplify(tolerance, preserve_topology=True)
    if simple.is_empty or simple.geom_type != "Polygon":
        return coords
    return np.asarray(simple.exterior.coords)


def incident_map(
    points: pd.DataFrame,
    outline: Sequence[Ring],
    *,
    context: Sequence[Ring] = (),
    labels: Mapping[str, tuple[float, float]] | None = None,
) -> Figure:
    """The week's incidents as dots on the district outline; no tiles, nothing fetched.

    ``points``: ``longitude``, ``latitude``, ``offense_group`` (violent / property).
    ``outline``: rings of the place (drawn dark); ``context``: rings of the other districts
    (drawn light, for orientation). Without any outline the dots are drawn alone.
    """
    fig = _new_figure(5.0)
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.98))
    for rings, face, edge, width in (
        (context, style.CONTEXT_FILL, style.CONTEXT_EDGE, 0.6),
        (outline, style.FOCUS_FILL, style.FOCUS_EDGE, 1.1),
    ):
        for ring in rings:
            xy = simplify_ring(ring)
            ax.fill(xy[:, 0], xy[:, 1], facecolor=face, edgecolor=edge, linewidth=width)
    for name, (lon, lat) in (labels or {}).items():
        ax.text(lon, lat, name.title(), fontsize=7, color=style.MUTED, ha="center", va="center")
    for group, color, label in (
        ("property", style.PROPERTY_COLOR, PROPERTY_TOTAL),
        ("violent", style.VIOLENT_COLOR, VIOLENT_TOTAL),
    ):
        subset = points[points["offense_group"].astype(str) == group]
        ax.scatter(
            subset["longitude"].astype(float),
            subset["latitude"].astype(float),
            s=14 if group == "violent" else 9,
            color=color,
            alpha=0.8,
            linewidths=0.3,
            edgecolors=style.BACKGROUND,
            label=f"{label} ({len(subset):,})",
            zorder=3,
        )
    # Frame: the place's outline with a margin; else the dots; else the city box.
    if outline:
        every = np.concatenate([np.asarray(r, dtype=float) for r in outline])
    elif len(points):
        every = points[["longitude", "latitude"]].to_numpy(dtype=float)
    else:
        every = np.array([[-76.72, 39.19], [-76.52, 39.38]])
    (x0, y0), (x1, y1) = every.min(axis=0), every.max(axis=0)
    pad_x, pad_y = max((x1 - x0) * 0.06, 0.003), max((y1 - y0) * 0.06, 0.003)
    ax.set_xlim(x0 - pad_x, x1 + pad_x)
    ax.set_ylim(y0 - pad_y, y1 + pad_y)
    # Equirectangular: a degree of longitude is cos(latitude) of a degree of latitude.
    ax.set_aspect(1 / math.cos(math.radians((y0 + y1) / 2)))
    ax.set_axis_off()
    ax.legend(loc="lower left", fontsize=7, frameon=True, framealpha=0.9)
    return fig


# --------------------------------------------------------------------------------------
# Hour by weekday
# --------------------------------------------------------------------------------------


def hour_weekday_chart(table: pd.DataFrame) -> Figure:
    """A heat map of counts, weekdays down, hours across, each cell labelled with its count.

    ``table``: ``aggregate.hour_by_weekday`` (rows hours 0-23, columns Mon..Sun).
    """
    grid = table.T.to_numpy()  # 7 x 24
    fig = _new_figure(2.6)
    ax = fig.add_axes((0.055, 0.1, 0.87, 0.88))
    bar_ax = fig.add_axes((0.94, 0.2, 0.012, 0.68))
    peak = max(int(grid.max()), 1)
    heat = mcolors.LinearSegmentedColormap.from_list("bmoredash-heat", list(style.HEAT))
    image = ax.imshow(grid, cmap=heat, vmin=0, vmax=peak, aspect="auto")
    for row in range(grid.shape[0]):
        for col in range(grid.shape[1]):
            value = int(grid[row, col])
            if value:
                ax.text(
                    col,
                    row,
                    str(value),
                    ha="center",
                    va="center",
                    fontsize=5.5,
                    color=style.BACKGROUND if value > peak * 0.6 else style.INK,
                )
    ax.set_yticks(range(len(table.columns)), list(table.columns), fontsize=7)
    hours = list(range(0, 24, 3))
    ax.set_xticks(hours, [f"{h:02d}:00" for h in hours], fontsize=7)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    bar = fig.colorbar(image, cax=bar_ax)
    bar.ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    bar.ax.tick_params(labelsize=6)
    return fig
