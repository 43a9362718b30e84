"""HTML from the templates in ``bmoredash/publish/templates``, and the trend chart as SVG.

Why plain templates and inline CSS: a static page must read whole from any web server with
JavaScript off and nothing fetched from elsewhere, so each page carries its stylesheet
(``style.css_root()`` then ``templates/site.css``) and links only to files of the site.
Python hands the templates words and numbers; Jinja2 escapes every value.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
import pandas as pd
from markupsafe import Markup

from bmoredash import aggregate as agg
from bmoredash import config, periods, style
from bmoredash.publish import charts
from bmoredash.publish.data import (
    CITY,
    COUNCIL,
    DISTRICT,
    NEIGHBORHOOD,
    PageData,
    SiteData,
)
from bmoredash.publish.maps import SiteMaps
from bmoredash.report.text import count, short_date
from bmoredash.vocabulary import CITY_NAME, DEMO_BANNER, TOTAL_LABELS

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: How each kind of page names itself above its title.
KIND_LABELS: dict[str, str] = {
    DISTRICT: "Police district",
    COUNCIL: "City Council district",
    NEIGHBORHOOD: "Neighborhood",
}
#: The Atom feed's name where a page links it.
FEED_LINK_TITLE = "Weekly Part 1 crime reports (Atom)"
#: The front page's lists of places, in order (the neighborhoods, 278 links, have a page of
#: their own: on the front page they doubled its weight and slowed its first number).
GROUP_TITLES: dict[str, str] = {
    DISTRICT: "Police districts",
    COUNCIL: "City Council districts",
}
#: The list of every neighborhood's page.
NEIGHBORHOODS_PAGE = "neighborhood/index.html"


@functools.cache
def environment() -> jinja2.Environment:
    """The site's templates, every value escaped (``.html.j2``; ``.atom.j2`` for XML: the
    same five characters)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2", "atom.j2")),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@functools.cache
def site_css() -> str:
    """``templates/site.css``, inlined in every page (one file less to fetch)."""
    return (TEMPLATES / "site.css").read_text(encoding="utf-8")


def root_of(path: str) -> str:
    """The relative way back to the site's root from a page (``../`` from ``district/x``)."""
    return "../" * (len(PurePosixPath(path).parts) - 1)


def csv_path(path: str) -> str:
    """The CSV beside a page: ``district/western.html`` -> ``district/western.csv``."""
    return str(PurePosixPath(path).with_suffix(".csv"))


@dataclass(frozen=True)
class Addresses:
    """Where the site points outside itself: the explorer (the Voila dashboard) and, when
    known, the site's own public address (the embed code news sites copy needs it)."""

    explorer_url: str
    site_url: str | None = None

    def explore(self, query: str) -> str:
        """The dashboard with a page's selection (``FilterState.to_query``) in its URL."""
        return f"{self.explorer_url}?{query}" if query else self.explorer_url


#: Embeddable cards for news sites: kind -> (title, iframe width, iframe height in px).
EMBEDS: dict[str, tuple[str, int, int]] = {
    "numbers": ("Headline numbers", 640, 500),
    "trend": ("Weekly trend", 640, 460),
}


#: The folder of the embeddable cards.
EMBED_FOLDER = "embed"


def embed_path(kind: str, page_path: str) -> str:
    """An embed's file: ``embed/numbers/district/western.html``."""
    return f"{EMBED_FOLDER}/{kind}/{page_path}"


def embed_links(page_path: str, name: str, addresses: Addresses) -> list[dict[str, Any]]:
    """The page's embeds as its template lists them: link, size, and the iframe code when
    the site's address is known (a relative address is of no use on another site)."""
    links = []
    for kind, (title, width, height) in EMBEDS.items():
        path = embed_path(kind, page_path)
        src = f"{addresses.site_url.rstrip('/')}/{path}" if addresses.site_url else None
        links.append(
            {
                "title": title,
                "href": root_of(page_path) + path,
                "src": src,
                "width": width,
                "height": height,
                "frame_title": f"{title}: {name}, Part 1 crime",
            }
        )
    return links


@dataclass(frozen=True)
class TableView:
    """The offense table as the template lays it out: headings, then rows of cell texts."""

    headings: list[str]
    rows: list[dict[str, Any]]


def table_view(table: pd.DataFrame) -> TableView:
    """Cell texts of an offense table (``data.offense_table``): counts with thousands
    separators, ``no data`` for a count not made."""
    rows = []
    for record in table.itertuples(index=False):
        label, *numbers, change = record
        rows.append(
            {
                "label": label,
                "total": label in TOTAL_LABELS.values(),
                "cells": [count(n) for n in numbers] + [change],
            }
        )
    return TableView([str(c) for c in table.columns], rows)


def card(comparison: agg.Comparison, previous_label: str, total: int | None) -> dict[str, Any]:
    """One headline card: the year's count, the same days of last year, the change in the
    words of ``Comparison.describe`` (as the dashboard's Overview card says them)."""
    before = ""
    if not comparison.why_not:
        before = f"{comparison.previous:,} in the {previous_label}"
        if comparison.whole is not None:
            before += f", against {comparison.current:,} this year on the days both have data"
    return {
        "label": comparison.label,
        "total": count(total),
        "total_value": "" if total is None else str(total),
        "previous_value": "" if comparison.why_not else str(comparison.previous),
        "before": before,
        "change": comparison.describe(),
    }


def page_values(
    page: PageData, data: SiteData, addresses: Addresses, maps: SiteMaps
) -> dict[str, Any]:
    """What ``index.html.j2`` and ``place.html.j2`` show of one page."""
    place = page.place
    previous_label = periods.same_days_label(data.same_days)
    return {
        "name": place.name,
        "kind": KIND_LABELS.get(place.kind, ""),
        "period": periods.ytd_label(data.ytd),
        "previous_label": previous_label,
        "cards": [
            card(c, previous_label, page.totals[label]) for label, c in page.headline.items()
        ],
        "left_out": page.left_out,
        "table": table_view(page.table),
        "csv": PurePosixPath(csv_path(place.path)).name,
        "explore": addresses.explore(place.query),
        "embeds": embed_links(place.path, place.name, addresses),
        "trend": charts.trend_chart(page.trend, data.week_end, place.name),
        "trend_caption": trend_caption(data.week_end),
        "map": maps.for_page(page, data, root_of(place.path)),
        "map_label": f"Map: {place.name}",
    }


def _render(
    name: str,
    path: str,
    data: SiteData,
    title: str,
    feed: dict[str, str] | None = None,
    **values: Any,
) -> str:
    """A page from ``base.html.j2``; ``feed``: its ``<link rel="alternate">`` to the Atom
    feed (title, href relative to the page)."""
    return (
        environment()
        .get_template(name)
        .render(
            title=title,
            css_root=Markup(style.css_root()),
            site_css=Markup(site_css()),
            banner=DEMO_BANNER if data.demo else None,
            root=root_of(path),
            city=CITY_NAME,
            through=short_date(data.through),
            generated=datetime.now(config.CITY_TZ).strftime("%Y-%m-%d %H:%M %Z"),
            feed=feed,
            **values,
        )
    )


def trend_caption(week_end: date) -> str:
    return (
        f"Part 1 violent and property crimes per week, weeks ending Saturday, through the "
        f"week ending {short_date(week_end)}. Grey bands: weeks without complete data (no "
        f"data is not zero); hatched bars: recent weeks whose counts may still rise; ▲ ▼: "
        f"weeks notably higher or lower than the same weeks of earlier years."
    )


def index_html(
    data: SiteData, addresses: Addresses, maps: SiteMaps, reports: dict[str, str] | None = None
) -> str:
    """The front page; ``reports`` (``archive.front_links``): its links to the weekly
    reports archive and feed, None when the site has no reports."""
    city = next(p for p in data.pages if p.place.kind == CITY)
    groups = [
        {
            "title": title,
            "links": [{"name": p.place.name, "href": p.place.path} for p in data.by_kind(kind)],
        }
        for kind, title in GROUP_TITLES.items()
    ]
    return _render(
        "index.html.j2",
        city.place.path,
        data,
        f"{CITY_NAME}: Part 1 crime, year to date",
        feed=None if reports is None else {"title": FEED_LINK_TITLE, "href": reports["feed"]},
        page=page_values(city, data, addresses, maps),
        groups=groups,
        neighborhoods={"href": NEIGHBORHOODS_PAGE, "count": len(data.by_kind(NEIGHBORHOOD))},
        reports=reports,
    )


def neighborhoods_html(data: SiteData) -> str:
    """Every neighborhood's page, by name (``NEIGHBORHOODS_PAGE``)."""
    root = root_of(NEIGHBORHOODS_PAGE)
    return _render(
        "neighborhoods.html.j2",
        NEIGHBORHOODS_PAGE,
        data,
        f"{CITY_NAME}: Part 1 crime by neighborhood",
        links=[
            {"name": p.place.name, "href": root + p.place.path} for p in data.by_kind(NEIGHBORHOOD)
        ],
    )


def place_html(page: PageData, data: SiteData, addresses: Addresses, maps: SiteMaps) -> str:
    """The page of one district, Council district or neighborhood."""
    return _render(
        "place.html.j2",
        page.place.path,
        data,
        f"{page.place.name}: Part 1 crime, year to date",
        page=page_values(page, data, addresses, maps),
    )


def archive_html(data: SiteData, archive: dict[str, Any]) -> str:
    """The weekly reports archive (``archive.page_values``), at ``reports/index.html``."""
    return _render(
        "archive.html.j2",
        "reports/index.html",
        data,
        f"{CITY_NAME}: weekly Part 1 crime reports",
        feed={"title": FEED_LINK_TITLE, "href": archive["feed"]},
        archive=archive,
    )


def page_html(
    page: PageData,
    data: SiteData,
    addresses: Addresses,
    maps: SiteMaps,
    reports: dict[str, str] | None = None,
) -> str:
    """A page's HTML: the front page for the city (with ``reports``), else a place page."""
    if page.place.kind == CITY:
        return index_html(data, addresses, maps, reports)
    return place_html(page, data, addresses, maps)


def embed_html(kind: str, page: PageData, data: SiteData) -> str:
    """An embeddable card (``EMBEDS``) of one page: its numbers or its trend, the data
    date, and a link back to the page (opened outside the news site's frame)."""
    place = page.place
    path = embed_path(kind, place.path)
    previous_label = periods.same_days_label(data.same_days)
    cards, trend = [], None  # each card draws only what it shows
    if kind == "numbers":
        cards = [card(c, previous_label, page.totals[lbl]) for lbl, c in page.headline.items()]
    else:
        trend = charts.trend_chart(page.trend, data.week_end, place.name)
    return _render(
        "embed.html.j2",
        path,
        data,
        f"{place.name}: Part 1 crime, {EMBEDS[kind][0].lower()}",
        kind=kind,
        place=place.name,
        period=periods.ytd_label(data.ytd),
        previous_label=previous_label,
        cards=cards,
        trend=trend,
        back=root_of(path) + place.path,
    )
