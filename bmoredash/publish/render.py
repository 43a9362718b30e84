"""HTML from the templates in ``bmoredash/publish/templates``, and the trend chart as SVG.

Why plain templates and inline CSS: a static page must read whole from any web server with
JavaScript off and nothing fetched from elsewhere, so each page carries its stylesheet
(``style.css_root()`` then ``templates/site.css``) and links only to files of the site.
Python hands the templates words and numbers; Jinja2 escapes every value.

Every word is a message of the catalog (``i18n``): a page is rendered in the current
language, the English site at the root and each other language under its code (``es/``),
same paths; each page links its twins (``twins``). The numbers are counted once
(``data.PageData``) and only the words are rendered again (``localized``).
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
from bmoredash import config, i18n, periods, style
from bmoredash.i18n import N_
from bmoredash.i18n import gettext as _
from bmoredash.publish import charts
from bmoredash.publish.data import (
    CITY,
    COUNCIL,
    DISTRICT,
    NEIGHBORHOOD,
    PageData,
    SiteData,
    localized,
    place_in_sentence,
    place_label,
)
from bmoredash.publish.maps import SiteMaps
from bmoredash.report.text import NO_DATA, count
from bmoredash.vocabulary import CITY_NAME, DEMO_BANNER, TOTAL_LABELS

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: How each kind of page names itself above its title.
KIND_LABELS: dict[str, str] = {
    DISTRICT: N_("Police district"),
    COUNCIL: N_("City Council district"),
    NEIGHBORHOOD: N_("Neighborhood"),
}
#: The Atom feed's name where a page links it (the feed is in English only).
FEED_LINK_TITLE = N_("Weekly Part 1 crime reports (Atom)")
#: The front page's lists of places, in order (the neighborhoods, 278 links, have a page of
#: their own: on the front page they doubled its weight and slowed its first number).
GROUP_TITLES: dict[str, str] = {
    DISTRICT: N_("Police districts"),
    COUNCIL: N_("City Council districts"),
}
#: A count not made, as a cell reads it (``report.text.NO_DATA``).
NO_DATA_WORDS = N_("no data")
#: The list of every neighborhood's page.
NEIGHBORHOODS_PAGE = "neighborhood/index.html"


@functools.cache
def environment() -> jinja2.Environment:
    """The site's templates, every value escaped (``.html.j2``; ``.atom.j2`` for XML: the
    same five characters)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2", "atom.j2")),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return i18n.install(env)


def language_folder(code: str | None = None) -> str:
    """Where a language's pages are inside the site: ``""`` for English, ``es/``."""
    code = code or i18n.current_language()
    return "" if code == i18n.DEFAULT else f"{code}/"


def twins(path: str) -> list[dict[str, str]]:
    """The page ``path`` in every other language (its ``hreflang`` links and the language
    switch), relative to the page in the current language."""
    up = root_of(path) + ("../" * language_folder().count("/"))
    return [
        {"code": code, "name": i18n.LANGUAGE_NAMES[code], "href": up + language_folder(code) + path}
        for code in i18n.LANGUAGES
        if code != i18n.current_language()
    ]


def shown_count(n: Any) -> str:
    """A count with US thousands separators (every language), or ``no data``."""
    text = count(n)
    return _(NO_DATA_WORDS) if text == NO_DATA else text


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
        """The dashboard with a page's selection (``FilterState.to_query``) in its URL,
        and the page's language when it is not the default (``lang=es``)."""
        if i18n.current_language() != i18n.DEFAULT:
            query = "&".join(q for q in (query, f"lang={i18n.current_language()}") if q)
        return f"{self.explorer_url}?{query}" if query else self.explorer_url


#: Embeddable cards for news sites: kind -> (title, iframe width, iframe height in px).
EMBEDS: dict[str, tuple[str, int, int]] = {
    "numbers": (N_("Headline numbers"), 640, 500),
    "trend": (N_("Weekly trend"), 640, 460),
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
    for kind, (english, width, height) in EMBEDS.items():
        path = embed_path(kind, page_path)
        title = _(english)
        site = addresses.site_url.rstrip("/") if addresses.site_url else None
        src = f"{site}/{language_folder()}{path}" if site else None
        links.append(
            {
                "title": title,
                "href": root_of(page_path) + path,
                "src": src,
                "width": width,
                "height": height,
                "frame_title": _("%(title)s: %(place)s, Part 1 crime")
                % {"title": title, "place": name},
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
    totals = {_(label) for label in TOTAL_LABELS.values()}
    rows = []
    for record in table.itertuples(index=False):
        label, *numbers, change = record
        rows.append(
            {
                "label": label,
                "total": label in totals,
                "cells": [shown_count(n) for n in numbers] + [change],
            }
        )
    return TableView([str(c) for c in table.columns], rows)


def card(comparison: agg.Comparison, previous_label: str, total: int | None) -> dict[str, Any]:
    """One headline card: the year's count, the same days of last year, the change in the
    words of ``Comparison.describe`` (as the dashboard's Overview card says them)."""
    before = ""
    if not comparison.why_not:
        before = _("%(count)s in the %(period)s") % {
            "count": f"{comparison.previous:,}",
            "period": previous_label,
        }
        if comparison.whole is not None:
            before += _(", against %(count)s this year on the days both have data") % {
                "count": f"{comparison.current:,}"
            }
    return {
        "measure": comparison.label,
        "label": _(comparison.label),
        "total": shown_count(total),
        "total_value": "" if total is None else str(total),
        "previous_value": "" if comparison.why_not else str(comparison.previous),
        "before": before,
        "change": comparison.describe(),
    }


def page_values(
    page: PageData,
    data: SiteData,
    addresses: Addresses,
    maps: SiteMaps,
    trend: charts.TrendChart | None = None,
) -> dict[str, Any]:
    """What ``index.html.j2`` and ``place.html.j2`` show of one page, in the current
    language (``trend``: the page's chart when already drawn for its embed)."""
    page = localized(page, data)
    place = page.place
    name = place_label(place)
    previous_label = periods.same_days_label(data.same_days)
    return {
        "name": name,
        "kind": _(KIND_LABELS[place.kind]) if place.kind in KIND_LABELS else "",
        "period": periods.ytd_label(data.ytd),
        "previous_label": previous_label,
        "cards": [
            card(c, previous_label, page.totals[label]) for label, c in page.headline.items()
        ],
        "left_out": page.left_out,
        "table": table_view(page.table),
        "csv": PurePosixPath(csv_path(place.path)).name,
        "explore": addresses.explore(place.query),
        "embeds": embed_links(place.path, name, addresses),
        "trend": trend or page_trend(page, data),
        "trend_caption": trend_caption(data.week_end),
        "map": maps.for_page(page, data, root_of(place.path)),
        "map_label": _("Map: %(place)s") % {"place": name},
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
            banner=_(DEMO_BANNER) if data.demo else None,
            root=root_of(path),
            city=_(CITY_NAME),
            through=i18n.short_date(data.through),
            generated=datetime.now(config.CITY_TZ).strftime("%Y-%m-%d %H:%M %Z"),
            feed=feed,
            twins=twins(path),
            **values,
        )
    )


def trend_caption(week_end: date) -> str:
    return _(
        "Part 1 violent and property crimes per week, weeks ending Saturday, through the "
        "week ending %(day)s. Grey bands: weeks without complete data (no data is not "
        "zero); hatched bars: recent weeks whose counts may still rise; ▲ ▼: weeks notably "
        "higher or lower than the same weeks of earlier years."
    ) % {"day": i18n.short_date(week_end)}


def index_html(
    data: SiteData,
    addresses: Addresses,
    maps: SiteMaps,
    reports: dict[str, str] | None = None,
    trend: charts.TrendChart | None = None,
) -> str:
    """The front page; ``reports`` (``archive.front_links``): its links to the weekly
    reports archive and feed, None when the site has no reports."""
    city = next(p for p in data.pages if p.place.kind == CITY)
    groups = [
        {
            "title": _(title),
            "links": [
                {"name": place_label(p.place), "href": p.place.path} for p in data.by_kind(kind)
            ],
        }
        for kind, title in GROUP_TITLES.items()
    ]
    return _render(
        "index.html.j2",
        city.place.path,
        data,
        _("%(city)s: Part 1 crime, year to date") % {"city": _(CITY_NAME)},
        feed=None if reports is None else {"title": _(FEED_LINK_TITLE), "href": reports["feed"]},
        page=page_values(city, data, addresses, maps, trend),
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
        _("%(city)s: Part 1 crime by neighborhood") % {"city": _(CITY_NAME)},
        links=[
            {"name": place_label(p.place), "href": root + p.place.path}
            for p in data.by_kind(NEIGHBORHOOD)
        ],
    )


def place_html(
    page: PageData,
    data: SiteData,
    addresses: Addresses,
    maps: SiteMaps,
    trend: charts.TrendChart | None = None,
) -> str:
    """The page of one district, Council district or neighborhood."""
    return _render(
        "place.html.j2",
        page.place.path,
        data,
        _("%(place)s: Part 1 crime, year to date") % {"place": place_label(page.place)},
        page=page_values(page, data, addresses, maps, trend),
    )


def archive_html(data: SiteData, archive: dict[str, Any], path: str = "reports/index.html") -> str:
    """The weekly reports archive (``archive.page_values``), at ``reports/index.html``."""
    return _render(
        "archive.html.j2",
        path,
        data,
        _("%(city)s: weekly Part 1 crime reports") % {"city": _(CITY_NAME)},
        feed={"title": _(FEED_LINK_TITLE), "href": archive["feed"]},
        archive=archive,
    )


def page_html(
    page: PageData,
    data: SiteData,
    addresses: Addresses,
    maps: SiteMaps,
    reports: dict[str, str] | None = None,
    trend: charts.TrendChart | None = None,
) -> str:
    """A page's HTML: the front page for the city (with ``reports``), else a place page.
    ``trend``: the page's chart (``page_trend``), drawn once for the page and its embed."""
    if page.place.kind == CITY:
        return index_html(data, addresses, maps, reports, trend)
    return place_html(page, data, addresses, maps, trend)


def page_trend(page: PageData, data: SiteData) -> charts.TrendChart:
    """The page's weekly trend in the current language."""
    return charts.trend_chart(page.trend, data.week_end, place_in_sentence(page.place))


def embed_html(
    kind: str, page: PageData, data: SiteData, trend: charts.TrendChart | None = None
) -> str:
    """An embeddable card (``EMBEDS``) of one page: its numbers or its trend, the data
    date, and a link back to the page (opened outside the news site's frame)."""
    page = localized(page, data)
    place = page.place
    name = place_label(place)
    path = embed_path(kind, place.path)
    previous_label = periods.same_days_label(data.same_days)
    cards = []  # each card draws only what it shows
    if kind == "numbers":
        cards = [card(c, previous_label, page.totals[lbl]) for lbl, c in page.headline.items()]
        trend = None
    elif trend is None:
        trend = page_trend(page, data)
    return _render(
        "embed.html.j2",
        path,
        data,
        _("%(place)s: Part 1 crime, %(card)s")
        % {"place": name, "card": _(EMBEDS[kind][0]).lower()},
        kind=kind,
        place=name,
        period=periods.ytd_label(data.ytd),
        previous_label=previous_label,
        cards=cards,
        trend=trend,
        back=root_of(path) + place.path,
        place_in_sentence=place_in_sentence(place),
    )
