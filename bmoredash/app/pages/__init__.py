"""The page protocol every dashboard page follows and the base class they share.

A page is built once per kernel and refreshed with a ``FilteredView`` whenever the filters
change while it is visible (hidden pages are refreshed when they are shown). The shell
imports page modules lazily by name from ``app.registry.PAGES``, so a page whose module
is broken costs only its own tab (a missing module is an error, never a vanished tab).

Contract (shared with the Map and CVI pages):

- ``title``: the label in the navigation; ``slug``: its url-safe name (``?page=<slug>``).
- ``__init__(context, state)``: build the widgets; no counting yet.
- ``widget``: the page's top widget (the shell places it).
- ``refresh(view)``: update marks and tables in place from ``view`` (never rebuild figures).

``BasePage`` supplies the "Data through ..." line, the demo banner, and a ``refresh`` that
turns any exception raised by ``update`` into a friendly message (logged, no traceback).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, ClassVar, Protocol, runtime_checkable

import ipywidgets as widgets

from bmoredash.app import html as app_html
from bmoredash.vocabulary import DEMO_BANNER

if TYPE_CHECKING:
    from bmoredash.app.context import DashboardContext, FilteredView
    from bmoredash.app.state import FilterState

log = logging.getLogger(__name__)


@runtime_checkable
class Page(Protocol):
    """What the shell needs from a page."""

    title: str
    slug: str
    widget: widgets.Widget

    def __init__(self, context: DashboardContext, state: FilterState) -> None: ...

    def refresh(self, view: FilteredView) -> None: ...


FRIENDLY_ERROR = (
    "Something went wrong drawing this page for the current filters. "
    "Try other filters or reload the page; the problem has been logged."
)


def data_note_html(context: DashboardContext) -> str:
    """ "Data through <date>, updated weekly", with a demo banner when the store is demo."""
    through = f"{context.data_through:%B %-d, %Y}" if context.data_through else "unknown"
    note = app_html.render("data_note", through=through)
    if context.is_demo:
        note = app_html.render("demo_banner", banner=DEMO_BANNER) + note
    return note


class BasePage:
    """Common frame of a page: header, friendly-error area, body from ``build``.

    Subclasses set ``title`` and ``slug``, implement ``build()`` (return the body widget)
    and ``update(view)`` (change widgets in place). A control inside the page (an interval,
    a group) observes with ``redraw``: the page draws its last view again.
    """

    title: ClassVar[str] = ""
    slug: ClassVar[str] = ""

    def __init__(self, context: DashboardContext, state: FilterState) -> None:
        self.context = context
        self.state = state
        #: The view the page last drew (None until the first refresh).
        self.view: FilteredView | None = None
        self.header = widgets.HTML(data_note_html(context))
        self.message = widgets.HTML("")
        self.body = self.build()
        self.widget = widgets.VBox(
            [
                widgets.HTML(app_html.render("page_heading", title=self.title)),
                self.header,
                self.message,
                self.body,
            ],
            layout=widgets.Layout(width="100%", max_width="1100px"),
        )
        self.widget.add_class(f"bmd-page-{self.slug}")

    def build(self) -> widgets.Widget:
        """The page body; called once."""
        raise NotImplementedError

    def update(self, view: FilteredView) -> None:
        """Change the body's widgets in place for ``view``."""
        raise NotImplementedError

    def keep_in_link(self, control: widgets.ValueWidget, choice: str) -> None:
        """Tie ``control`` (its values: the codes of ``state.CHOICES[choice]``) to the
        state both ways, so the choice is in the link and a link sets it; redraw on change."""
        widgets.link((self.state, choice), (control, "value"))
        control.observe(self.redraw, "value")

    def redraw(self, _change: dict | None = None) -> None:
        """Draw the last view again (after a control inside the page changed)."""
        if self.view is not None:
            self.refresh(self.view)

    def refresh(self, view: FilteredView) -> None:
        """``update`` guarded: a failure shows a message in this page and is logged."""
        self.view = view
        try:
            self.update(view)
        except Exception:
            log.exception("page %s failed to refresh for %s", self.slug, view.describe())
            self.message.value = app_html.alert(FRIENDLY_ERROR)
            self.body.layout.display = "none"
        else:
            self.message.value = ""
            self.body.layout.display = None
