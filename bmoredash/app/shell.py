"""The app: layout and routing (filter bar, link and download, navigation, the page on
screen) and the refresh loop.

One ``FilterState`` drives everything. A filter change makes one ``FilteredView`` (one
mask) and refreshes only the page on screen; other pages are refreshed when shown, so a
change costs what the visible page draws. Pages are imported and built on first show,
and a page that fails to import or build costs its own tab only.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

import ipywidgets as widgets

from bmoredash import i18n
from bmoredash.app import a11y, html
from bmoredash.app.context import DashboardContext, FilteredView, load_context
from bmoredash.app.filters import FilterBar, FilterSummary, page_menu, share_disclosure
from bmoredash.app.pages import FRIENDLY_ERROR, Page
from bmoredash.app.registry import PAGES, PageSpec, page_spec
from bmoredash.app.sharing import Download, LinkBox
from bmoredash.app.state import FilterState
from bmoredash.i18n import gettext as _
from bmoredash.serving.hooks import current_query_string, is_preheated, settle
from bmoredash.vocabulary import page_title

log = logging.getLogger(__name__)


class DashboardApp:
    """The whole dashboard as one widget tree (``widget``), displayable in a notebook."""

    def __init__(self, context: DashboardContext, state: FilterState | None = None) -> None:
        self.context = context
        self.state = state or FilterState()
        self.specs: tuple[PageSpec, ...] = PAGES
        self.pages: dict[str, Page] = {}
        self.placeholders: dict[str, widgets.Widget] = {}
        self._view: FilteredView | None = None
        self._view_key: tuple | None = None
        self._refreshed: dict[str, tuple] = {}
        #: True while a link (or a Back step) is applied: no new history entry then.
        self._applying_link = False
        #: Milliseconds the last refresh of the visible page took (view + page update).
        self.last_refresh_ms: float = 0.0

        self.filter_bar = FilterBar(context, self.state)
        self.filter_summary = FilterSummary(self.filter_bar)
        self.messages = widgets.HTML("")
        self.link = LinkBox()
        self.download = Download(context, self.view)
        self.nav_buttons: dict[str, widgets.Button] = {}
        for spec in self.specs:
            button = widgets.Button(
                description=spec.title,
                tooltip=_("Show the %(page)s page") % {"page": spec.title},
                layout=widgets.Layout(width="auto"),
            )
            button.on_click(lambda _, slug=spec.slug: setattr(self.state, "page", slug))
            self.nav_buttons[spec.slug] = button
        self.nav = widgets.HBox(
            list(self.nav_buttons.values()),
            layout=widgets.Layout(flex_flow="row wrap", margin="4px 0"),
        )
        self.nav.add_class("bmd-nav")
        self.container = widgets.Box(layout=widgets.Layout(width="100%", min_width="0"))
        self.container.add_class(a11y.MAIN)  # role="main", the skip link's target (a11y.js)
        # The app's styles, its title and what it is (in the reader's language, so the
        # notebook holds no words of its own).
        title = widgets.HTML(html.styles() + html.render("app_header"))
        tools = widgets.HBox(
            [self.link.widget, self.download.widget],
            layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"),
        )
        tools.add_class("bmd-tools")
        # On a phone (app.css) the filters and the link collapse behind two buttons, and a
        # menu that shows the page on screen replaces the row of page buttons.
        self.share = share_disclosure(tools)
        self.page_menu = page_menu(self.state, [(spec.title, spec.slug) for spec in self.specs])
        phone_bar = widgets.HBox([self.filter_summary.widget, self.page_menu, self.share.widget])
        phone_bar.add_class("bmd-phone-bar")
        self.widget = widgets.VBox(
            [
                a11y.accessibility_widget(),  # the skip link first, and the a11y script
                title,
                self.messages,
                phone_bar,
                self.filter_bar.widget,
                tools,
                self.nav,
                self.container,
            ],
            layout=widgets.Layout(width="100%", min_width="0", padding="0 4px"),
        )
        self.widget.add_class("bmd-app")

        self.show_messages(self.state.messages)
        self.state.observe(self._on_filters, names=list(FilterState.FILTER_TRAITS))
        self.state.observe(self._on_page, names="page")
        self.state.observe(self._on_choice, names=list(FilterState.CHOICE_TRAITS))
        self.link.on_history(self.apply_link)
        self._update_link()
        self.show(self.state.page)

    # Display ------------------------------------------------------------------------------

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def show_messages(self, messages: list[str]) -> None:
        """What a link got wrong, in plain words (nothing when all was understood)."""
        if not messages:
            self.messages.value = ""
            return
        self.messages.value = html.render("link_messages", messages=messages)

    def apply_link(self, query: str) -> None:
        """Show the view ``query`` asks for (the filters, the page and its choices), as one
        change. It adds no step to the browser's history: the link is the step."""
        linked = link_state(self.context, query)
        self._applying_link = True
        try:
            with self.state.hold_trait_notifications():
                for name in (*FilterState.FILTER_TRAITS, "page", *FilterState.CHOICE_TRAITS):
                    setattr(self.state, name, getattr(linked, name))
        finally:
            self._applying_link = False
        self.show_messages(linked.messages)

    # Views and pages --------------------------------------------------------------------

    def view(self) -> FilteredView:
        """The view for the current filters (made once per filter change)."""
        key = self.state.filter_key()
        if self._view is None or key != self._view_key:
            self._view = FilteredView(self.context, self.state)
            self._view_key = key
        return self._view

    def page(self, slug: str) -> Page | None:
        """The page object for ``slug``, built on first use; None when it failed."""
        if slug in self.pages:
            return self.pages[slug]
        if slug in self.placeholders:
            return None
        spec = page_spec(slug)
        try:
            page_class = spec.load()
            self.pages[slug] = page_class(self.context, self.state)
            settle()
            return self.pages[slug]
        except Exception:
            log.exception("could not build the %s page", slug)
            self.placeholders[slug] = widgets.HTML(html.alert(_(FRIENDLY_ERROR)))
            return None

    def show(self, slug: str) -> None:
        """Put page ``slug`` on screen and bring it up to date."""
        for name, button in self.nav_buttons.items():
            button.button_style = "primary" if name == slug else ""
        self.page_menu.value = slug
        page = self.page(slug)
        self.container.children = [page.widget if page else self.placeholders[slug]]
        self.refresh_visible()

    def refresh_visible(self) -> float:
        """Refresh the page on screen if the filters changed since it last drew; ms taken."""
        slug = self.state.page
        page = self.pages.get(slug)
        key = self.state.filter_key()
        if page is None or self._refreshed.get(slug) == key:
            return 0.0
        started = time.perf_counter()
        page.refresh(self.view())
        self._refreshed[slug] = key
        self.last_refresh_ms = (time.perf_counter() - started) * 1000
        log.debug("refreshed %s in %.1f ms", slug, self.last_refresh_ms)
        return self.last_refresh_ms

    def _on_filters(self, change: dict) -> None:
        self.download.note.value = ""
        self._update_link()
        self.refresh_visible()

    def _on_page(self, change: dict) -> None:
        self._update_link(new_entry=not self._applying_link)
        self.show(change["new"])

    def _on_choice(self, change: dict) -> None:
        self._update_link()

    # Link and download ------------------------------------------------------------------

    def _update_link(self, new_entry: bool = False) -> None:
        """The link box, the address bar and the tab's title for the view; a page change
        is a ``new_entry`` in the browser's history, so Back returns to the page before."""
        title = page_title(page_spec(self.state.page).title, self.view().place_label)
        others = {
            code: self.state.to_query(lang=code)
            for code in i18n.LANGUAGES
            if code != self.state.lang
        }
        self.link.update(self.state.to_query(), title, new_entry=new_entry, languages=others)


def _error_widget(message: str) -> widgets.HTML:
    return widgets.HTML(html.styles() + html.alert(message, box=True))


def build_app(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    context: DashboardContext | None = None,
    query: str | None = None,
) -> DashboardApp | widgets.Widget:
    """The dashboard for the store in ``data_dir`` (default: the configured directory).

    The filters start from ``query`` (default: the visitor's URL). Without a store, the
    result is a widget explaining how to create one, never a traceback.
    """
    if context is None:
        try:
            context = load_context(data_dir)
        except FileNotFoundError as exc:
            log.warning("no store: %s", exc)
            return _error_widget(str(exc))
        except Exception:
            log.exception("could not load the store")
            return _error_widget(
                _("The data could not be loaded. The problem has been logged; please try later.")
            )
    if query is None and is_preheated():
        # NOTE: a preheated kernel runs this before its visitor arrives. Build the default
        # view now, while no one waits, then wait for the visitor's link and apply it: a
        # filter change (~20 ms) instead of building the app (~0.3-0.5 s) after arrival.
        app = DashboardApp(context, link_state(context, ""))
        visitor = current_query_string()
        linked = link_state(context, visitor)
        if linked.lang == i18n.current_language():
            app.apply_link(visitor)
            return app
        # Another language: every word is read anew, so that visitor gets an app of their own.
        i18n.set_language(linked.lang)
        return DashboardApp(context, linked)
    raw = current_query_string() if query is None else query
    state = link_state(context, raw)
    i18n.set_language(state.lang)
    return DashboardApp(context, state)


def link_state(context: DashboardContext, query: str) -> FilterState:
    """The filter state a link asks for, checked against the data's years and names."""
    return FilterState.from_query(
        query,
        neighborhoods_by_district=context.neighborhoods_by_district,
        years=context.years,
    )


def preload(data_dir: str | os.PathLike[str] | None = None) -> None:
    """Load the data into this kernel now (``build_app`` then finds it loaded).

    With preheated kernels Voila runs the notebook before the visitor arrives; loading
    here, before ``build_app`` waits for the visitor's link, moves the load out of the
    visitor's wait. A missing store is left for ``build_app`` to explain.
    """
    try:
        context = load_context(data_dir)
    except Exception as exc:  # build_app shows the message
        log.warning("preload: %s", exc)
        return
    try:
        # What build_app needs before the first page draws, done while no one waits:
        # the filter choices and the first page's module (bqplot, charts, aggregate).
        context.neighborhoods_by_district  # noqa: B018 (cached)
        context.years  # noqa: B018 (cached)
        page_spec(PAGES[0].slug).load()
    except Exception:  # build_app shows its own message for a broken page
        log.exception("preload: could not prepare the first page")
    settle()
