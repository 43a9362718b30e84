"""What a keyboard or screen reader needs that a widget cannot say by itself: the skip link
and the script that gives marked elements their roles and states (``static/a11y.js``).

Why a script: ipywidgets sets classes on its elements (``add_class``) but no role, aria-*
attribute or id. Pages mark elements with the classes the script reads (``bmd-main``,
``bmd-nav``, ``bmd-chart``, ``bmd-live``, ``bmd-swap``); the script runs once a page view
and follows the widgets as they redraw (a MutationObserver).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import ipywidgets as widgets
from IPython.display import Javascript, display

from bmoredash.app import html

#: Classes the script reads (set with ``add_class``).
MAIN = "bmd-main"
NAV = "bmd-nav"
CHART = "bmd-chart"
CHART_NAME = "bmd-chart-name"
LIVE = "bmd-live"
#: A toggle whose label names what it does next ("Show table" / "Show chart"): a pressed
#: state would contradict its label, so it gets none.
SWAP = "bmd-swap"


@cache
def script() -> str:
    """The accessibility script's source (``static/a11y.js``)."""
    return resources.files("bmoredash.app").joinpath("static/a11y.js").read_text()


def accessibility_widget() -> widgets.Widget:
    """The skip link (first in the tab order) and the script, for the top of the app."""
    from IPython import get_ipython

    output = widgets.Output(layout=widgets.Layout(height="0px", overflow="hidden"))
    if get_ipython() is not None:  # a script run has no browser to send it to
        with output:
            display(Javascript(script()))
    return widgets.VBox([widgets.HTML(html.render("skip_link")), output])
