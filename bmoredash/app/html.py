"""The dashboard's HTML pieces, rendered from Jinja2 templates in ``app/templates``.

Why: markup written in Python strings had to escape every value by hand and carried its
own colours; templates escape by default (autoescape) and take colours from the one
stylesheet (``static/app.css``, variables from ``bmoredash.style``).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import jinja2
import markupsafe

from bmoredash import i18n, style


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("bmoredash.app", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
    )
    return i18n.install(environment)


def render(template: str, **values: Any) -> str:
    """``templates/<template>.html.j2`` with ``values`` (escaped unless marked safe)."""
    return _environment().get_template(f"{template}.html.j2").render(**values).strip()


@cache
def styles() -> str:
    """The ``<style>`` element every dashboard carries: the shared colour variables, then
    the dashboard's stylesheet."""
    stylesheet = resources.files("bmoredash.app").joinpath("static/app.css").read_text()
    return render("styles", css_root=style.css_root(), stylesheet=markupsafe.Markup(stylesheet))


def alert(message: str, *, box: bool = False, inline: bool = False) -> str:
    """A message that something failed (``role="alert"``)."""
    css_class = "bmd-error-box" if box else "bmd-error"
    return render("alert", tag="span" if inline else "div", css_class=css_class, message=message)


def status(message: str, *, caution: bool = False) -> str:
    """A short status line (``role="status"``); ``caution`` for a value left out."""
    return render("status", css_class="bmd-caution" if caution else "", message=message)
