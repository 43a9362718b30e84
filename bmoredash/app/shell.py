"""The app: title, filter bar, link and download, page navigation, and the refresh loop.

One ``FilterState`` drives everything. A filter change makes one ``FilteredView`` (one
mask) and refreshes only the page on screen; other pages are refreshed when shown, so a
change costs what the visible page draws. Pages are imported and built on first show,
and a page that fails to import or build costs its own tab only.
"""

from __future__ import annotations

import html
import json
import logging
import os
import time
from typing import Any

import ipywidgets as widgets
from IPython.display import Javascript, clear_output, display

from bmoredash import csv_out
from bmoredash.app.context import DashboardContext, FilteredView, load_context
from bmoredash.app.filters import FilterBar
from bmoredash.app.pages import FRIENDLY_ERROR, Page
from bmoredash.app.registry import PAGES, PageSpec, page_spec
from bmoredash.app.state import FilterState
from bmoredash.serving.hooks import current_query_string, is_preheated, settle

log = logging.getLogger(__name__)

#: The CSV download stops here: more would be slow to send through the kernel's socket.
MAX_DOWNLOAD_ROWS = 50_000
#: Columns the public download leaves out: row by row they would give each victim's age,
#: sex and race, which the Victims page only shows in protected counts. BPD publishes the
#: full rows on Open Baltimore; analysts read them with ``bmoredash.load_incidents``.
PRIVATE_COLUMNS: tuple[str, ...] = (
    "victim_age",
    "victim_gender",
    "victim_race",
    "victim_ethnicity",
)

_CSS = """
<style>
.bmd-app { max-width: 1140px; }
.bmd-app h1 { font-size: 1.5rem; margin: 4px 0; }
.bmd-app h2 { font-size: 1.25rem; margin: 8px 0 2px 0; }
.bmd-app h3 { font-size: 1.05rem; margin: 8px 0 2px 0; }
.bmd-app .widget-label { white-space: normal; }
.bmd-app table th, .bmd-app table td { padding: 2px 6px; border-bottom: 1px solid #e4e4e4; }
.bmd-app table caption { text-align: left; font-weight: 600; }
.bmd-app input.bmd-link { width: 100%; max-width: 340px; font-family: monospace; }
.bmd-nav .jupyter-button { margin: 2px; }
.bmd-wrap > * { margin: 2px 12px 2px 0; }
.bmd-card { flex: 1 1 160px; max-width: 340px; border: 1px solid #ccc; border-radius: 6px;
            padding: 8px; margin: 4px; }
</style>
"""


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
        #: Milliseconds the last refresh of the visible page took (view + page update).
        self.last_refresh_ms: float = 0.0

        self.filter_bar = FilterBar(context, self.state)
        self.messages = widgets.HTML("")
        self.link = widgets.HTML("")
        self.download = widgets.Button(
            description="Download rows (CSV)",
            icon="download",
            tooltip="The filtered rows of the selected period as a CSV file",
            layout=widgets.Layout(width="auto"),
        )
        self.download_note = widgets.HTML("")
        self._browser = widgets.Output(layout=widgets.Layout(height="0px", overflow="hidden"))
        self._address = widgets.Output(layout=widgets.Layout(height="0px", overflow="hidden"))
        self.download.on_click(self._on_download)
        self.nav_buttons: dict[str, widgets.Button] = {}
        for spec in self.specs:
            button = widgets.Button(
                description=spec.title,
                tooltip=f"Show the {spec.title} page",
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
        # The page title is the notebook's own markdown cell; this adds the app's styles.
        title = widgets.HTML(_CSS)
        tools = widgets.HBox(
            [
                self.link,
                widgets.VBox(
                    [self.download, self.download_note],
                    layout=widgets.Layout(align_items="flex-start"),
                ),
            ],
            layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"),
        )
        self.widget = widgets.VBox(
            [
                title,
                self.messages,
                self.filter_bar.widget,
                tools,
                self.nav,
                self.container,
                self._browser,
                self._address,
            ],
            layout=widgets.Layout(width="100%", min_width="0", padding="0 4px"),
        )
        self.widget.add_class("bmd-app")

        self.show_messages(self.state.messages)
        self.state.observe(self._on_filters, names=list(FilterState.FILTER_TRAITS))
        self.state.observe(self._on_page, names="page")
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
        items = "".join(f"<li>{html.escape(m)}</li>" for m in messages)
        self.messages.value = (
            '<div role="status" style="background:#eef5fb;border:1px solid #0072B2;'
            'padding:4px 8px;border-radius:4px">Parts of the link were not understood and '
            f"were left out:<ul style='margin:2px 0'>{items}</ul></div>"
        )

    def apply_link(self, query: str) -> None:
        """Show the view ``query`` asks for (the filters and the page), as one change."""
        linked = link_state(self.context, query)
        with self.state.hold_trait_notifications():
            for name in (*FilterState.FILTER_TRAITS, "page"):
                setattr(self.state, name, getattr(linked, name))
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
            self.placeholders[slug] = widgets.HTML(
                f'<div role="alert" style="color:#8a1c1c">{FRIENDLY_ERROR}</div>'
            )
            return None

    def show(self, slug: str) -> None:
        """Put page ``slug`` on screen and bring it up to date."""
        for name, button in self.nav_buttons.items():
            button.button_style = "primary" if name == slug else ""
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
        self.download_note.value = ""
        self._update_link()
        self.refresh_visible()

    def _on_page(self, change: dict) -> None:
        self._update_link()
        self.show(change["new"])

    # Link and download ------------------------------------------------------------------

    def _update_link(self) -> None:
        query = self.state.to_query()
        relative = f"?{query}" if query else "?"
        self._sync_address_bar(query)
        escaped = html.escape(relative, quote=True)
        script = (
            "var i=this.parentNode.querySelector('input');"
            "var u=location.origin+location.pathname+i.value;"
            "var b=this;var done=function(){b.textContent='Copied';"
            "setTimeout(function(){b.textContent='Copy link'},1500)};"
            "if(navigator.clipboard){navigator.clipboard.writeText(u).then(done,function(){"
            "i.select();document.execCommand('copy');done()})}"
            "else{i.select();document.execCommand('copy');done()}"
        )
        self.link.value = (
            '<div class="bmd-linkbox"><label style="display:block;font-size:13px">'
            "Link to this view"
            f'<input class="bmd-link" type="text" readonly value="{escaped}" '
            'aria-label="Link to this view" onfocus="this.select()"></label>'
            f'<button type="button" class="jupyter-button" onclick="{html.escape(script)}">'
            "Copy link</button> "
            f'<a href="{escaped}" style="font-size:13px">Open this view</a></div>'
        )

    def _sync_address_bar(self, query: str) -> None:
        """Put the view in the browser's address bar too, so a bookmark or a reload keeps it.

        ``replaceState`` changes the address without a new page load or history entry.
        Only inside a kernel (a script run prints nothing).
        """
        from IPython import get_ipython

        if get_ipython() is None:
            return
        search = json.dumps(f"?{query}" if query else "")
        code = (
            "try{history.replaceState(history.state,'',location.pathname+"
            f"{search}+location.hash)}}catch(e){{}}"
        )
        with self._address:
            clear_output()
            display(Javascript(code))

    def _export_rows(self, view: FilteredView):
        """The rows to download: every column from the store when there is one, less the
        ``PRIVATE_COLUMNS``."""
        if self.context.data_dir is not None:
            from bmoredash import store

            rows = store.load_incidents(self.context.data_dir, view.selection)
        else:
            rows = view.current
        return rows.drop(columns=[c for c in PRIVATE_COLUMNS if c in rows.columns])

    def _on_download(self, _button: widgets.Button) -> None:
        try:
            view = self.view()
            rows = self._export_rows(view)
            total = len(rows)
            if total > MAX_DOWNLOAD_ROWS:
                rows = rows.sort_values("occurred_at").iloc[-MAX_DOWNLOAD_ROWS:]
            csv_text = csv_out.to_csv(rows)
            name = _download_name(view)
            self.send_file(name, csv_text)
            note = f"{len(rows):,} rows saved as {name}."
            if total > MAX_DOWNLOAD_ROWS:
                note = (
                    f"The selection has {total:,} rows; the download holds the latest "
                    f"{MAX_DOWNLOAD_ROWS:,}. Narrow the filters, or use the bmoredash "
                    "command line for everything."
                )
            self.download_note.value = f'<span role="status">{html.escape(note)}</span>'
        except Exception:
            log.exception("download failed")
            self.download_note.value = (
                '<span role="alert" style="color:#8a1c1c">The download could not be made. '
                "Try again with narrower filters.</span>"
            )

    def send_file(self, name: str, text: str) -> None:
        """Have the browser save ``text`` as ``name`` (a Blob link clicked by script)."""
        template = (
            "(function(){var b=new Blob([TEXT],{type:'text/csv;charset=utf-8'});"
            "var a=document.createElement('a');a.href=URL.createObjectURL(b);a.download=NAME;"
            "document.body.appendChild(a);a.click();"
            "setTimeout(function(){URL.revokeObjectURL(a.href);a.remove()},2000)})();"
        )
        code = template.replace("NAME", json.dumps(name)).replace("TEXT", json.dumps(text))
        with self._browser:
            clear_output()
            display(Javascript(code))


def _download_name(view: FilteredView) -> str:
    place = view.neighborhood or view.district
    slug = "".join(c if c.isalnum() else "-" for c in place.lower()).strip("-")
    return f"bmoredash-{slug}-{view.window.start:%Y%m%d}-{view.window.end:%Y%m%d}.csv"


def _error_widget(message: str) -> widgets.HTML:
    return widgets.HTML(
        f'<div role="alert" style="border:1px solid #8a1c1c;padding:8px;border-radius:4px">'
        f"{html.escape(message)}</div>"
    )


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
                "The data could not be loaded. The problem has been logged; please try later."
            )
    if query is None and is_preheated():
        # NOTE: a preheated kernel runs this before its visitor arrives. Build the default
        # view now, while no one waits, then wait for the visitor's link and apply it: a
        # filter change (~20 ms) instead of building the app (~0.3-0.5 s) after arrival.
        app = DashboardApp(context, link_state(context, ""))
        app.apply_link(current_query_string())
        return app
    raw = current_query_string() if query is None else query
    return DashboardApp(context, link_state(context, raw))


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
