"""Long texts a reader sees, kept as Markdown beside the code and rendered where needed.

Why: the Methodology page and the weekly report's footnote explain the same rules (what is
counted, small numbers, notable weeks, chance); written twice, they drifted. The words live
in ``methodology.md``; numbers that the code decides (thresholds, the flag rule's meaning)
are filled in by Jinja2 from the modules that decide them, so the text cannot disagree
with the rule.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import jinja2
from markdown_it import MarkdownIt

from bmoredash.aggregate import CHANGE_MEANING, FLAG_MEANING, MIN_CELL, MIN_READABLE_COUNT
from bmoredash.coverage import PRELIMINARY_MEANING
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


@cache
def _source(name: str) -> str:
    """``<name>.md`` with its facts filled in (StrictUndefined: a misspelt fact fails)."""
    raw = resources.files(__package__).joinpath(f"{name}.md").read_text(encoding="utf-8")
    template = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    return template.from_string(raw).render(**FACTS)


def methodology_html() -> str:
    """The whole methodology as HTML (its sections are ``<h3>`` under the page title)."""
    return _MARKDOWN.render(_source("methodology"))


def arrests_html() -> str:
    """What arrests measure and what they do not (``arrests.md``), for the Arrests page."""
    return _MARKDOWN.render(_source("arrests"))


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
