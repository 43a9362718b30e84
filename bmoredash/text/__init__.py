"""Long texts a reader sees, kept as Markdown beside the code and rendered where needed.

Why: the Methodology page and the weekly report's footnote explain the same rules (what is
counted, small numbers, notable weeks, chance); written twice, they drifted. The words live
in ``methodology.md``; numbers that the code decides (thresholds, the flag rule's meaning)
are filled in by Jinja2 from the modules that decide them, so the text cannot disagree
with the rule.

Each text has a Spanish twin (``methodology.es.md``) for a reader who reads Spanish
(``i18n.current_language()``), with the same facts; the sentences the facts carry
(``flag_meaning``) are read from the catalog in that language. The weekly report quotes the
English items by their bold labels (``methodology_items``): it is published in English.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import jinja2
from markdown_it import MarkdownIt

from bmoredash import i18n
from bmoredash.aggregate import CHANGE_MEANING, FLAG_MEANING, MIN_CELL, MIN_READABLE_COUNT
from bmoredash.coverage import PRELIMINARY_MEANING, preliminary_meaning
from bmoredash.reference.population import MIN_RESIDENTS
from bmoredash.series_breaks import BREAKS_BY_KEY

#: Values the Markdown may name, each from the module whose rule it is.
FACTS: dict[str, object] = {
    "min_readable_count": MIN_READABLE_COUNT,
    "min_cell": MIN_CELL,
    "flag_meaning": FLAG_MEANING,
    "change_meaning": CHANGE_MEANING,
    "preliminary_meaning": PRELIMINARY_MEANING,
    "min_residents": f"{MIN_RESIDENTS:,}",
    # The breaks in the series (series_breaks), which the Since 2012 chart marks too.
    "breaks": BREAKS_BY_KEY,
}

# NOTE: html=False: a stray "<" in a fact is escaped, never markup.
_MARKDOWN = MarkdownIt("commonmark", {"html": False})
_BULLET_LABEL = re.compile(r"^- \*\*(?P<label>[^*]+?)\.?\*\*")


def _facts(lang: str) -> dict[str, object]:
    """``FACTS`` with their sentences in ``lang`` (numbers and dates are the same)."""
    if lang == i18n.DEFAULT:
        return FACTS
    with i18n.using(lang):
        return {
            **FACTS,
            "flag_meaning": i18n.gettext(FLAG_MEANING),
            "change_meaning": i18n.gettext(CHANGE_MEANING),
            "preliminary_meaning": preliminary_meaning(),
        }


def text_file(name: str, lang: str = i18n.DEFAULT) -> str:
    """The file name of ``name`` in ``lang``: ``methodology.md``, ``methodology.es.md``
    (English when there is no twin)."""
    twin = f"{name}.{lang}.md"
    if lang != i18n.DEFAULT and resources.files(__package__).joinpath(twin).is_file():
        return twin
    return f"{name}.md"


@cache
def _source(name: str, lang: str = i18n.DEFAULT) -> str:
    """``<name>.md`` (or its twin in ``lang``) with its facts filled in (StrictUndefined: a
    misspelt fact fails)."""
    raw = resources.files(__package__).joinpath(text_file(name, lang)).read_text(encoding="utf-8")
    template = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    return template.from_string(raw).render(**_facts(lang))


def methodology_html() -> str:
    """The whole methodology as HTML (its sections are ``<h3>`` under the page title), in
    the reader's language."""
    return _MARKDOWN.render(_source("methodology", i18n.current_language()))


def arrests_html() -> str:
    """What arrests measure and what they do not (``arrests.md``), for the Arrests page, in
    the reader's language."""
    return _MARKDOWN.render(_source("arrests", i18n.current_language()))


def arrests_items(*labels: str) -> dict[str, str]:
    """Bullet items of ``arrests.md`` by their bold label, as inline HTML (the weekly
    report's arrests section repeats some in the page's words)."""
    return _items("arrests", labels)


def methodology_items(*labels: str) -> dict[str, str]:
    """Bullet items of the methodology by their bold label (``"Notable weeks"``), as inline
    HTML, for a footnote that repeats some rules in the same words. An unknown label is a
    KeyError naming the labels there are."""
    return _items("methodology", labels)


def _items(name: str, labels: tuple[str, ...]) -> dict[str, str]:
    """Bullet items of ``<name>.md`` by their bold label, as inline HTML."""
    items: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in _source(name).splitlines():
        match = _BULLET_LABEL.match(line)
        if match:
            current = [line[2:]]
            items[match["label"]] = current
        elif current is not None and line.startswith("  "):
            current.append(line.strip())
        else:
            current = None
    missing = [label for label in labels if label not in items]
    if missing:
        raise KeyError(f"no {name} item {missing}; there are {sorted(items)}")
    return {label: _MARKDOWN.renderInline(" ".join(items[label])) for label in labels}
