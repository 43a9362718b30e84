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
from datetime import date
from typing import TYPE_CHECKING, ClassVar, Protocol, runtime_checkable

import ipywidgets as widgets

from bmoredash import i18n
from bmoredash.app import html as app_html
from bmoredash.i18n import N_
from bmoredash.i18n import gettext as _
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


FRIENDLY_ERROR = N_(
    "Something went wrong drawing this page for the current filters. "
    "Try other filters or reload the page; the problem has been logged."
)

#: Dates with a month name in words, by language (CLDR patterns; English as Python writes
#: it, the words every test knew): a long date, a month and year, a short month and year.
_SPANISH_DATES = {"long": "d 'de' MMMM 'de' y", "month_year": "MMMM 'de' y", "mon_year": "MMM y"}
_ENGLISH_DATES = {"long": "%B %-d, %Y", "month_year": "%B %Y", "mon_year": "%b %Y"}


def date_words(day: date, form: str = "long") -> str:
    """``November 21, 2026`` / ``21 de noviembre de 2026`` (``long``), ``November 2026`` /
    ``noviembre de 2026`` (``month_year``), ``Nov 2026`` / ``nov 2026`` (``mon_year``)."""
    if i18n.current_language() == i18n.DEFAULT:
        return day.strftime(_ENGLISH_DATES[form])
    from babel.dates import format_date

    return format_date(day, _SPANISH_DATES[form], locale=i18n.BABEL_LOCALES["es"])


#: Where each level's residents come from (``population.SOURCE_NOTES``), as messages.
SOURCE_WORDS: dict[str, str] = {
    "district_2023": N_(
        "2020 Census blocks by neighborhood, summed over the Baltimore Banner's "
        "neighborhood-to-2023-district crosswalk"
    ),
    "district_pre2023": N_(
        "2020 Census tracts weighted by area inside each 1959-2022 district "
        "(Baltimore Banner), rounded to whole people"
    ),
    "neighborhood": N_("2020 Census blocks by neighborhood (mapbaltimore block crosswalk)"),
    "csa": N_("2020 Census tracts summed by BNIA's 2020 Community Statistical Areas"),
    "council_district": N_("2020 Census, as published with the current Council district lines"),
}


def source_text(level: str) -> str:
    """Where ``level``'s residents come from, in the reader's language."""
    from bmoredash.reference import population

    english = population.SOURCE_NOTES[level]
    words = SOURCE_WORDS.get(level)
    return _(words) if words == english else english


def data_note_html(context: DashboardContext) -> str:
    """ "Data through <date>, updated weekly", with a demo banner when the store is demo."""
    through = date_words(context.data_through) if context.data_through else _("unknown")
    note = app_html.render("data_note", through=through)
    if context.is_demo:
        note = app_html.render("demo_banner", banner=_(DEMO_BANNER)) + note
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
                widgets.HTML(app_html.render("page_heading", title=_(self.title))),
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
            self.message.value = app_html.alert(_(FRIENDLY_ERROR))
            self.body.layout.display = "none"
        else:
            self.message.value = ""
            self.body.layout.display = None
