"""Sharing a view: the link box, the browser's address bar, and the CSV download.

Why apart from the shell: these talk to the visitor's browser (a script that copies the
link, ``history.replaceState``, a Blob the browser saves) and decide what leaves the
dashboard (no victim details, a row cap); the shell only places them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from importlib import resources

import ipywidgets as widgets
import pandas as pd
from IPython.display import Javascript, clear_output, display

from bmoredash import csv_out, i18n
from bmoredash.app import html
from bmoredash.app.context import DashboardContext, FilteredView
from bmoredash.i18n import gettext as _

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

# Copies the absolute link (clipboard API, else the old select-and-copy), then says so.
_COPY_SCRIPT = (
    "var i=this.parentNode.querySelector('input');"
    "var u=location.origin+location.pathname+i.value;"
    "var b=this;var done=function(){b.textContent='Copied';"
    "setTimeout(function(){b.textContent='Copy link'},1500)};"
    "if(navigator.clipboard){navigator.clipboard.writeText(u).then(done,function(){"
    "i.select();document.execCommand('copy');done()})}"
    "else{i.select();document.execCommand('copy');done()}"
)
_SAVE_SCRIPT = (
    "(function(){var b=new Blob([TEXT],{type:'text/csv;charset=utf-8'});"
    "var a=document.createElement('a');a.href=URL.createObjectURL(b);a.download=NAME;"
    "document.body.appendChild(a);a.click();"
    "setTimeout(function(){URL.revokeObjectURL(a.href);a.remove()},2000)})();"
)


def _hidden_output() -> widgets.Output:
    return widgets.Output(layout=widgets.Layout(height="0px", overflow="hidden"))


class LinkBox:
    """The view's link, to copy or open, kept in the address bar too; the browser's Back
    and Forward buttons move between the views it recorded."""

    def __init__(self) -> None:
        self.html = widgets.HTML("")
        self._address = _hidden_output()
        self._script = _hidden_output()
        #: Where the browser writes the query of a history entry gone back to (history.js).
        self._history = widgets.Text("", layout=widgets.Layout(display="none"))
        self._history.add_class("bmd-history")
        self._history.observe(self._on_history, "value")
        self._on_return: Callable[[str], None] | None = None
        self.widget = widgets.VBox([self.html, self._address, self._script, self._history])
        if _in_kernel():
            with self._script:
                display(Javascript(_static_text("history.js")))

    def on_history(self, callback: Callable[[str], None]) -> None:
        """Call ``callback(query)`` when the visitor goes back or forward to a view."""
        self._on_return = callback

    def _on_history(self, change: dict) -> None:
        if self._on_return is None:
            return
        self._on_return(change["new"].split("#", 1)[0])

    def update(
        self,
        query: str,
        title: str = "",
        *,
        new_entry: bool = False,
        languages: Mapping[str, str] | None = None,
    ) -> None:
        """Show the link for ``query`` (a query string without ``?``); ``title``: the
        browser tab's title for the view ("" leaves it); ``new_entry``: a new step in the
        browser's history (a page change), not a change of the current one; ``languages``:
        the same view in the other languages (code -> query string)."""
        relative = f"?{query}" if query else "?"
        self._sync_address_bar(query, title, new_entry=new_entry)
        others = [
            {"code": code, "name": i18n.LANGUAGE_NAMES[code], "href": f"?{other}"}
            for code, other in (languages or {}).items()
        ]
        self.html.value = html.render(
            "link_box", relative=relative, copy_script=_COPY_SCRIPT, languages=others
        )

    def _sync_address_bar(self, query: str, title: str = "", *, new_entry: bool = False) -> None:
        """Put the view in the browser's address bar too, so a bookmark or a reload keeps it,
        and its title on the tab.

        ``replaceState`` changes the address without a new page load or history entry;
        ``pushState`` adds an entry that Back returns to. Only inside a kernel (a script run
        prints nothing).
        """
        if not _in_kernel():
            return
        search = json.dumps(f"?{query}" if query else "")
        method = "pushState" if new_entry else "replaceState"
        code = (
            f"try{{history.{method}(history.state,'',location.pathname+"
            f"{search}+location.hash)}}catch(e){{}}"
        )
        if title:
            code += f"document.title={json.dumps(title)};"
        code += f"document.documentElement.lang={json.dumps(i18n.current_language())};"
        with self._address:
            clear_output()
            display(Javascript(code))


def _in_kernel() -> bool:
    from IPython import get_ipython

    return get_ipython() is not None


def _static_text(name: str) -> str:
    return resources.files("bmoredash.app").joinpath(f"static/{name}").read_text()


class Download:
    """The "Download rows (CSV)" button for the current view, and its note."""

    def __init__(self, context: DashboardContext, view: Callable[[], FilteredView]) -> None:
        self.context = context
        self.view = view
        self.button = widgets.Button(
            description=_("Download rows (CSV)"),
            icon="download",
            tooltip=_("The filtered rows of the selected period as a CSV file"),
            layout=widgets.Layout(width="auto"),
        )
        self.note = widgets.HTML("")
        self._browser = _hidden_output()
        self.button.on_click(self._on_click)
        self.widget = widgets.VBox(
            [self.button, self.note, self._browser],
            layout=widgets.Layout(align_items="flex-start"),
        )

    def export_rows(self, view: FilteredView) -> pd.DataFrame:
        """The rows to download: every column from the store when there is one, less the
        ``PRIVATE_COLUMNS``."""
        if self.context.data_dir is not None:
            from bmoredash import store

            rows = store.load_incidents(self.context.data_dir, view.selection)
        else:
            rows = view.current
        return rows.drop(columns=[c for c in PRIVATE_COLUMNS if c in rows.columns])

    def _on_click(self, _button: widgets.Button) -> None:
        try:
            view = self.view()
            rows = self.export_rows(view)
            total = len(rows)
            if total > MAX_DOWNLOAD_ROWS:
                rows = rows.sort_values("occurred_at").iloc[-MAX_DOWNLOAD_ROWS:]
            name = file_name(view)
            self.send_file(name, csv_out.to_csv(rows))
            note = _("%(count)s rows saved as %(name)s.") % {
                "count": f"{len(rows):,}",
                "name": name,
            }
            if total > MAX_DOWNLOAD_ROWS:
                note = _(
                    "The selection has %(total)s rows; the download holds the latest %(kept)s. "
                    "Narrow the filters, or use the bmoredash command line for everything."
                ) % {"total": f"{total:,}", "kept": f"{MAX_DOWNLOAD_ROWS:,}"}
            self.note.value = html.status(note)
        except Exception:
            log.exception("download failed")
            self.note.value = html.alert(
                _("The download could not be made. Try again with narrower filters."), inline=True
            )

    def send_file(self, name: str, text: str) -> None:
        """Have the browser save ``text`` as ``name`` (a Blob link clicked by script)."""
        code = _SAVE_SCRIPT.replace("NAME", json.dumps(name)).replace("TEXT", json.dumps(text))
        with self._browser:
            clear_output()
            display(Javascript(code))


def file_name(view: FilteredView) -> str:
    """``bmoredash-western-20260101-20261121.csv``: the place and the dates it holds."""
    place = view.neighborhood or view.district
    slug = "".join(c if c.isalnum() else "-" for c in place.lower()).strip("-")
    return f"bmoredash-{slug}-{view.window.start:%Y%m%d}-{view.window.end:%Y%m%d}.csv"
