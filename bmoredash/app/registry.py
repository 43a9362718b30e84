"""The dashboard's pages by name, in navigation order, known without importing any page.

Why apart from ``pages``: the filter state reads page names from links, and must not load
widgets to do so (``app.state`` is imported by the CLI and tests without a kernel).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from bmoredash.i18n import N_
from bmoredash.i18n import gettext as _


@dataclass(frozen=True)
class PageSpec:
    """Where a page lives, known before its module is imported (navigation order)."""

    slug: str
    #: The English title (a message id: ``title`` reads it in the current language).
    name: str
    module: str
    class_name: str

    @property
    def title(self) -> str:
        """The page's title in the reader's language (navigation, the tab's title)."""
        return _(self.name)

    def load(self) -> type[Any]:
        """Import the page module and return its class (ImportError/AttributeError if absent)."""
        module = importlib.import_module(f"bmoredash.app.pages.{self.module}")
        return getattr(module, self.class_name)


#: Navigation order (the CVI page last).
PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", N_("Overview"), "overview", "OverviewPage"),
    PageSpec("trends", N_("Trends"), "trends", "TrendsPage"),
    PageSpec("map", N_("Map"), "map", "MapPage"),
    PageSpec("when-where", N_("When and where"), "when_where", "WhenWherePage"),
    PageSpec("victims", N_("Victims"), "victims", "VictimsPage"),
    PageSpec("arrests", N_("Arrests"), "arrests", "ArrestsPage"),
    PageSpec("neighborhoods", N_("Neighborhoods"), "neighborhoods", "NeighborhoodsPage"),
    PageSpec("since-2012", N_("Since 2012"), "since_2012", "Since2012Page"),
    PageSpec("peers", N_("Baltimore among US cities"), "peers", "PeersPage"),
    PageSpec("methodology", N_("Methodology"), "methodology", "MethodologyPage"),
    PageSpec("cvi", N_("Violence intervention (CVI)"), "cvi", "CviPage"),
)
PAGE_SLUGS: tuple[str, ...] = tuple(p.slug for p in PAGES)
DEFAULT_PAGE = PAGES[0].slug


def page_spec(slug: str) -> PageSpec | None:
    """The registered page with this slug, or None."""
    return next((p for p in PAGES if p.slug == slug), None)
