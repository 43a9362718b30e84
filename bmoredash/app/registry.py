"""The dashboard's pages by name, in navigation order, known without importing any page.

Why apart from ``pages``: the filter state reads page names from links, and must not load
widgets to do so (``app.state`` is imported by the CLI and tests without a kernel).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PageSpec:
    """Where a page lives, known before its module is imported (navigation order)."""

    slug: str
    title: str
    module: str
    class_name: str

    def load(self) -> type[Any]:
        """Import the page module and return its class (ImportError/AttributeError if absent)."""
        module = importlib.import_module(f"bmoredash.app.pages.{self.module}")
        return getattr(module, self.class_name)


#: Navigation order (the CVI page last).
PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", "Overview", "overview", "OverviewPage"),
    PageSpec("trends", "Trends", "trends", "TrendsPage"),
    PageSpec("map", "Map", "map", "MapPage"),
    PageSpec("when-where", "When and where", "when_where", "WhenWherePage"),
    PageSpec("victims", "Victims", "victims", "VictimsPage"),
    PageSpec("arrests", "Arrests", "arrests", "ArrestsPage"),
    PageSpec("neighborhoods", "Neighborhoods", "neighborhoods", "NeighborhoodsPage"),
    PageSpec("since-2012", "Since 2012", "since_2012", "Since2012Page"),
    PageSpec("peers", "Baltimore among US cities", "peers", "PeersPage"),
    PageSpec("methodology", "Methodology", "methodology", "MethodologyPage"),
    PageSpec("cvi", "Violence intervention (CVI)", "cvi", "CviPage"),
)
PAGE_SLUGS: tuple[str, ...] = tuple(p.slug for p in PAGES)
DEFAULT_PAGE = PAGES[0].slug


def page_spec(slug: str) -> PageSpec | None:
    """The registered page with this slug, or None."""
    return next((p for p in PAGES if p.slug == slug), None)
