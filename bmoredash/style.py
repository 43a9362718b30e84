"""Every colour, and the CSS variables the dashboard and the reports share.

Why one home: colour carries meaning here (violent vs property, higher vs lower, a demo
banner, a week with no data) and a reader must see the same meaning on every face. Charts,
maps, report figures and stylesheets take their colours from these names; no other module
writes a colour.
"""

from __future__ import annotations

import math

from bmoredash.schema import PROPERTY, VIOLENT

#: Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

# Text and page -----------------------------------------------------------------------
INK = "#1b1b1b"
MUTED = "#555555"
RULE = "#dedede"
BACKGROUND = "#ffffff"
#: Table total rows and highlighted rows.
TOTAL_ROW = "#f3f3f3"
HIGHLIGHT_ROW = "#fff6d6"
#: Messages: a friendly error, a caution (a value dropped from a link), an information box.
ALERT = "#8a1c1c"
CAUTION = "#8a4b00"
INFO_BACKGROUND = "#eef5fb"
INFO_BORDER = OKABE_ITO["blue"]
#: The demo banner (every view of demo data carries it).
DEMO_INK = "#4d3400"
DEMO_BACKGROUND = "#fff4d6"
DEMO_BORDER = "#9a6700"

# Meaning in charts -------------------------------------------------------------------
#: The selection's own line or bar.
MAIN = OKABE_ITO["blue"]
#: The year being looked at, drawn over the years before it.
CURRENT = OKABE_ITO["vermillion"]
#: The year before it.
PREVIOUS = OKABE_ITO["blue"]
#: Older years, context only.
CONTEXT = "#9a9a9a"
#: Notable weeks: higher (triangle up) / lower (triangle down).
HIGHER = OKABE_ITO["vermillion"]
LOWER = OKABE_ITO["bluish_green"]
#: Sequential heat map scale (one hue, light to dark: readable in grey too).
HEAT: tuple[str, ...] = ("#f2f7fb", "#7fb2d9", "#0b3c6b")
#: Offense groups (report bars, map points, report flags).
VIOLENT_COLOR = "#b2182b"
PROPERTY_COLOR = "#2166ac"
OTHER_COLOR = MUTED
GROUP_COLORS: dict[str, str] = {VIOLENT: VIOLENT_COLOR, PROPERTY: PROPERTY_COLOR}
#: Weeks without complete data: a band, never a bar of zero.
NO_DATA = "#e4e4e4"
GRID = "#e6e6e6"

# Maps ----------------------------------------------------------------------------------
#: Sequential fill colours (light = few, dark = many); ColorBrewer Purples, 7 classes, so
#: that the red (violent) and blue (property) points stay readable on top.
FILL_COLORS: tuple[str, ...] = (
    "#f2f0f7",
    "#dadaeb",
    "#bcbddc",
    "#9e9ac8",
    "#807dba",
    "#6a51a3",
    "#4a1486",
)
ZERO_FILL = BACKGROUND
#: Areas without a rate per resident (too few residents, no figure): a neutral grey that
#: is no class of the scale (drawn with a dashed outline).
NO_RATE_FILL = CONTEXT
OUTLINE = MUTED
OUTLINE_SELECTED = "#111111"
OUTLINE_HOVER = OKABE_ITO["black"]
#: The dashboard map's ground where no tiles are drawn (outside the city), the city inside,
#: and the outlines of the area levels not chosen (districts, neighborhoods, Council).
MAP_BACKGROUND = "#e9ecef"
MAP_CITY = BACKGROUND
DISTRICT_EDGE = "#333333"
NEIGHBORHOOD_EDGE = "#9a9a9a"
COUNCIL_EDGE = OKABE_ITO["blue"]
#: Incident clusters on the map (circles sized by count, drawn over the purple fills).
CLUSTER_FILL = OKABE_ITO["orange"]
CLUSTER_EDGE = "#1b1b1b"
#: Areas drawn for context only (the report map's other districts, the CVI map's outlines).
CONTEXT_FILL = "#f4f4f4"
CONTEXT_EDGE = "#c8c8c8"
FOCUS_FILL = "#fbfbf7"
FOCUS_EDGE = "#333333"
#: Community violence intervention program types (ColorBrewer Dark2).
PROGRAM_TYPE_COLORS: dict[str, str] = {
    "street_outreach": "#d95f02",
    "group_violence": "#7570b3",
    "hospital": "#e7298a",
    "school": "#66a61e",
    "youth": "#1b9e77",
    "victim_services": "#e6ab02",
    "mediation": "#a6761d",
}
PROGRAM_OTHER = "#666666"

#: CSS custom properties shared by the dashboard's and the reports' stylesheets.
CSS_VARIABLES: dict[str, str] = {
    "ink": INK,
    "muted": MUTED,
    "rule": RULE,
    "background": BACKGROUND,
    "total-row": TOTAL_ROW,
    "highlight-row": HIGHLIGHT_ROW,
    "alert": ALERT,
    "caution": CAUTION,
    "info-background": INFO_BACKGROUND,
    "info-border": INFO_BORDER,
    "demo-ink": DEMO_INK,
    "demo-background": DEMO_BACKGROUND,
    "demo-border": DEMO_BORDER,
    "no-data": NO_DATA,
    "violent": VIOLENT_COLOR,
    "property": PROPERTY_COLOR,
    "higher": HIGHER,
    "lower": LOWER,
}


def css_root() -> str:
    """The ``:root { --name: colour; ... }`` rule every stylesheet starts from."""
    body = " ".join(f"--{name}: {value};" for name, value in CSS_VARIABLES.items())
    return f":root {{ {body} }}"


# The map's fill scale (the dashboard's map and the published site's) -------------------


def class_bounds(low: int, top: int) -> list[tuple[int, int]]:
    """Equal-interval classes from the lowest to the highest non-zero count (inclusive)."""
    if top <= 0:
        return []
    low = max(1, min(low, top))
    steps = len(FILL_COLORS)
    edges = [low + (top - low + 1) * i / steps for i in range(steps + 1)]
    bounds = []
    for i in range(steps):
        first, last = math.ceil(edges[i]), math.ceil(edges[i + 1]) - 1
        bounds.append((first, max(first, last) if i == steps - 1 else last))
    bounds[-1] = (bounds[-1][0], top)
    return bounds


def fill_color(count: int, top: int, low: int = 1) -> str:
    """The fill for ``count`` on equal intervals from ``low`` to ``top`` (zero is white)."""
    if count <= 0 or top <= 0:
        return ZERO_FILL
    for color, (first, last) in zip(FILL_COLORS, class_bounds(low, top), strict=True):
        if first <= count <= last:
            return color
    return FILL_COLORS[0] if count < top else FILL_COLORS[-1]


def legend_classes(top: int, low: int = 1) -> list[tuple[str, str]]:
    """The legend of ``fill_color``'s scale: (colour, count range) from zero up, classes
    left empty by rounding skipped; nothing when nothing is filled."""
    if top <= 0:
        return []
    legend = [(ZERO_FILL, "0")]
    for color, (first, last) in zip(FILL_COLORS, class_bounds(low, top), strict=True):
        if last >= first:
            legend.append((color, f"{first:,}" if first == last else f"{first:,}–{last:,}"))
    return legend
