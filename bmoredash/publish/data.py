"""What each page of the static site shows, counted once per publish.

Why a module of its own: the static pages must show the numbers the explorer shows for the
same selection, so every number comes through the package's rules: rows through
``selection.Selection`` (the store is read once, each place cut from it with
``Selection.apply``), windows through ``periods``, counts and changes through
``aggregate`` (``compare_counts``: the days both periods have data, the chance verdict),
the weekly trend through the weekly report's own table. Nothing here decides what a count
is; it only chooses which counts a page lays out (``load_site_data``).

The counts are made once, whatever the languages of the site: ``localized`` says a page's
words again in the current language (``i18n``) from the same comparisons.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from bmoredash import aggregate as agg
from bmoredash import config, i18n, periods, store
from bmoredash.app.state import FilterState
from bmoredash.coverage import Coverage, from_manifest, match_periods
from bmoredash.i18n import N_, pgettext
from bmoredash.i18n import gettext as _
from bmoredash.report.data import TREND_MONTHS, weekly_with_flags
from bmoredash.report.text import TABLE_ORDER
from bmoredash.schema import COUNCIL_DISTRICTS, DISTRICTS, UNKNOWN_NEIGHBORHOOD
from bmoredash.selection import Selection
from bmoredash.vocabulary import (
    CITY_NAME,
    OFFENSE_LABELS,
    TOTAL_LABELS,
    council_name,
    district_name,
)

#: The columns the site reads (the store's other columns are never copied).
COLUMNS = ["occurred_at", "offense", "district", "neighborhood", "council_district"]
#: Page kinds, in the order the front page lists them.
CITY, DISTRICT, COUNCIL, NEIGHBORHOOD = "city", "district", "council", "neighborhood"
#: The offense table's rows: each Part 1 offense and the two totals (the weekly report's
#: rows and order), label -> offenses counted.
TABLE_MEASURES: dict[str, tuple[str, ...]] = {row: agg.REPORT_ROWS[row] for row in TABLE_ORDER}
#: Every comparison a page makes: the headline measures and the table's rows (the two
#: share the Part 1 totals, which count the same offenses in both).
PAGE_MEASURES: dict[str, tuple[str, ...]] = {**agg.HEADLINE_MEASURES, **TABLE_MEASURES}
ROW_LABELS: dict[str, str] = {**OFFENSE_LABELS, **TOTAL_LABELS}


def slug(name: str) -> str:
    """A file name for a place: ``Harlem Park`` -> ``harlem-park``."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@dataclass(frozen=True)
class Place:
    """One page's place: its selection, its file, and the explorer's query for it."""

    kind: str
    name: str
    #: The page's path inside the site (``district/western.html``).
    path: str
    selection: Selection
    #: The dashboard's query string for the same selection (``FilterState.to_query``).
    query: str
    #: The place's code in the store and in the outlines (``WESTERN``, ``9``, a
    #: neighborhood's name); "" for the city.
    key: str = ""


def place_label(place: Place) -> str:
    """The place's name in the current language (``place.name`` is the English one, a
    neighborhood's name is its own in every language)."""
    if place.kind == CITY:
        return _(CITY_NAME)
    if place.kind == DISTRICT:
        return district_name(place.key)
    if place.kind == COUNCIL:
        return council_name(place.key)
    return place.name


def place_in_sentence(place: Place) -> str:
    """The place's name inside a sentence (``in %(place)s``): the same words in English,
    with the article Spanish puts before a district or the city (``el Distrito Oeste``)."""
    name = {"name": place_label(place)}
    if place.kind == CITY:
        return pgettext("the city in a sentence", "%(name)s") % name
    if place.kind == DISTRICT:
        return pgettext("a police district in a sentence", "%(name)s") % name
    if place.kind == COUNCIL:
        return pgettext("a Council district in a sentence", "%(name)s") % name
    return name["name"]


def city_place() -> Place:
    return Place(CITY, CITY_NAME, "index.html", Selection(), FilterState().to_query())


def district_place(district: str) -> Place:
    return Place(
        DISTRICT,
        district_name(district),
        f"district/{slug(district)}.html",
        Selection.parse(districts=district),
        FilterState(district=district).to_query(),
        district,
    )


def council_place(council: str) -> Place:
    return Place(
        COUNCIL,
        council_name(council),
        f"council/{council}.html",
        Selection.parse(councils=council),
        FilterState(council=council).to_query(),
        council,
    )


def neighborhood_place(name: str, file_name: str) -> Place:
    return Place(
        NEIGHBORHOOD,
        name,
        f"neighborhood/{file_name}.html",
        Selection.parse(neighborhoods=name),
        FilterState(neighborhood=name).to_query(),
        name,
    )


def neighborhood_places(names: list[str]) -> list[Place]:
    """A page per neighborhood; two names with one slug are told apart by a number (a
    page must never overwrite another's)."""
    taken: dict[str, int] = {}
    out = []
    for name in sorted(names):
        base = slug(name) or "neighborhood"
        taken[base] = taken.get(base, 0) + 1
        out.append(neighborhood_place(name, base if taken[base] == 1 else f"{base}-{taken[base]}"))
    return out


@dataclass(frozen=True)
class PageData:
    """What one page shows: the headline comparisons and the Part 1 offense table."""

    place: Place
    #: ``aggregate.HEADLINE_MEASURES`` label -> its year-to-date comparison.
    headline: dict[str, agg.Comparison]
    #: The offense table as shown and as written to the page's CSV (``offense_table``).
    table: pd.DataFrame
    #: Which days a comparison leaves out for lack of data (``Comparison.left_out``), or "".
    left_out: str
    #: Headline label -> the year's count a reader sees (``shown_total``; None: no data).
    totals: dict[str, int | None]
    #: The place's weekly trend (``report.data.weekly_with_flags``), 13 months.
    trend: pd.DataFrame
    #: Every comparison of the page (``PAGE_MEASURES`` label -> comparison), for
    #: ``localized``.
    compared: dict[str, agg.Comparison] = field(default_factory=dict)
    #: The language of the page's words (``table``, ``left_out``, the comparisons' reasons).
    language: str = i18n.DEFAULT


@dataclass(frozen=True)
class SiteWindows:
    """The days every page counts: this year to date and the same days a year earlier
    (``periods.ytd_windows``), the trend's 13 months of weeks, the store's last day."""

    through: date
    ytd: periods.Window
    same_days: periods.Window
    trend: periods.Window

    @classmethod
    def ending(cls, through: date) -> SiteWindows:
        ytd, same_days = periods.ytd_windows(through)
        week_end = agg.last_complete_week_end(through)
        return cls(through, ytd, same_days, periods.weeks_covering_months(week_end, TREND_MONTHS))

    def rows_needed(self) -> Selection:
        """Every day a page reads: the year before's same days, and the trend's weeks with
        the flag rule's history before them."""
        history = periods.with_weeks_before(self.trend, agg.FLAG_HISTORY_WEEKS + 1)
        return Selection.parse(start=min(history.start, self.same_days.start), end=self.through)


@dataclass
class SiteData:
    """Everything the site shows: one ``PageData`` per page, counted over ``windows``."""

    #: The store's folder (its boundaries folder draws the maps).
    root: Path
    manifest: dict[str, Any]
    coverage: Coverage
    windows: SiteWindows
    pages: list[PageData]

    @property
    def demo(self) -> bool:
        return bool(self.manifest.get("demo"))

    @property
    def through(self) -> date:
        return self.windows.through

    @property
    def ytd(self) -> periods.Window:
        return self.windows.ytd

    @property
    def same_days(self) -> periods.Window:
        return self.windows.same_days

    @property
    def week_end(self) -> date:
        """The last complete week's Saturday: the trend's last week."""
        return self.windows.trend.end

    def by_kind(self, kind: str) -> list[PageData]:
        return [page for page in self.pages if page.place.kind == kind]


def year_columns(ytd: periods.Window, same_days: periods.Window) -> tuple[str, str]:
    """The offense table's two count columns: ``2026 year to date``, ``Same days of 2025``."""
    return (
        _("%(year)s year to date") % {"year": ytd.end.year},
        periods.same_days_label(same_days).capitalize(),
    )


#: The offense table's columns besides the two years'.
OFFENSE_COLUMN = N_("Offense")
SAME_DAYS_COLUMN = N_("This year, days both have data")
CHANGE_COLUMN = N_("Change")


def shown_total(c: agg.Comparison, window: periods.Window, coverage: Coverage) -> int | None:
    """The period's count a reader sees (``Comparison.total``), or None when the period
    holds a day without data and no comparison was made: no data is not zero."""
    if c.why_not and agg.why_not_compared(coverage, [window], PAGE_MEASURES[c.label]):
        return None
    return c.total


def offense_table(
    comparisons: Mapping[str, agg.Comparison],
    ytd: periods.Window,
    same_days: periods.Window,
    coverage: Coverage,
) -> pd.DataFrame:
    """One row per Part 1 offense and total: this year to date, the same days of last year,
    the change in the words of ``Comparison.describe``. When days without data are left
    out of both periods, this year's count on the remaining days (what the change is made
    of) stands beside its whole count, as on the dashboard's Overview."""
    rows = [comparisons[label] for label in TABLE_MEASURES]
    now, before = year_columns(ytd, same_days)
    columns: dict[str, Any] = {
        _(OFFENSE_COLUMN): [_(ROW_LABELS[c.label]) for c in rows],
        now: [shown_total(c, ytd, coverage) for c in rows],
    }
    if any(c.whole is not None for c in rows):
        columns[_(SAME_DAYS_COLUMN)] = [None if c.why_not else c.current for c in rows]
    columns[before] = [None if c.why_not else c.previous for c in rows]
    columns[_(CHANGE_COLUMN)] = [c.describe() for c in rows]
    table = pd.DataFrame(columns)
    for name in table.columns[1:-1]:
        table[name] = table[name].astype("Int64")
    return table


def page_data(
    place: Place,
    rows: pd.DataFrame,
    windows: SiteWindows,
    coverage: Coverage,
) -> PageData:
    """One page's numbers from the rows of the whole city (``load_site_data``)."""
    chosen = place.selection.apply(rows) if place.kind != CITY else rows
    ytd, same_days = windows.ytd, windows.same_days
    now, before = agg.in_window(chosen, ytd), agg.in_window(chosen, same_days)
    compared = agg.compare_counts(now, before, PAGE_MEASURES, ytd, same_days, coverage)
    by_label = {c.label: c for c in compared}
    headline = {label: by_label[label] for label in agg.HEADLINE_MEASURES}
    return PageData(
        place=place,
        headline=headline,
        table=offense_table(by_label, ytd, same_days, coverage),
        left_out=next((c.left_out for c in compared if c.left_out), None) or "",
        totals={label: shown_total(c, ytd, coverage) for label, c in headline.items()},
        trend=weekly_with_flags(chosen, windows.trend, coverage, windows.through),
        compared=by_label,
        language=i18n.current_language(),
    )


@functools.lru_cache(maxsize=256)
def _words(
    coverage: Coverage,
    ytd: periods.Window,
    same_days: periods.Window,
    offenses: frozenset[str],
    language: str,
) -> tuple[str | None, str | None]:
    """Why a measure has no comparison and which days it leaves out, in ``language`` (the
    same for every place: coverage is the city's), by the rules that said them first."""
    why_not = agg.why_not_compared(coverage, (same_days, ytd), offenses)
    matched = match_periods(
        coverage, (ytd.start, ytd.end), (same_days.start, same_days.end), offenses
    )
    return why_not, None if matched is None else matched.note()


def _retold(c: agg.Comparison, data: SiteData) -> agg.Comparison:
    """``c`` with its words said in the current language; its counts unchanged."""
    why_not, left_out = _words(
        data.coverage,
        data.ytd,
        data.same_days,
        frozenset(PAGE_MEASURES[c.label]),
        i18n.current_language(),
    )
    return dataclasses.replace(
        c, why_not=why_not if c.why_not else None, left_out=left_out if c.left_out else None
    )


def localized(page: PageData, data: SiteData) -> PageData:
    """``page`` with its words in the current language: the offense table, the note of
    the days left out, the comparisons' reasons; the counts are the same objects."""
    code = i18n.current_language()
    if page.language == code or not page.compared:
        return page
    compared = {label: _retold(c, data) for label, c in page.compared.items()}
    return dataclasses.replace(
        page,
        headline={label: compared[label] for label in page.headline},
        table=offense_table(compared, data.ytd, data.same_days, data.coverage),
        left_out=next((c.left_out for c in compared.values() if c.left_out), None) or "",
        compared=compared,
        language=code,
    )


def places(rows: pd.DataFrame) -> list[Place]:
    """Every page's place: the city, the nine police districts, the 14 Council districts,
    and each neighborhood the rows name."""
    names = sorted({str(n) for n in rows["neighborhood"].dropna().unique()})
    return [
        city_place(),
        *(district_place(d) for d in DISTRICTS),
        *(council_place(c) for c in COUNCIL_DISTRICTS),
        *neighborhood_places([n for n in names if n != UNKNOWN_NEIGHBORHOOD]),
    ]


def load_site_data(data_dir: str | os.PathLike[str] | None = None) -> SiteData:
    """Read the store once and count every page (``SiteData``)."""
    root = Path(config.data_dir(data_dir))
    manifest = store.read_manifest(root)
    if not manifest.get("data_through"):
        raise ValueError(f"the store in {root} holds no data yet: ingest or run `bmoredash demo`")
    windows = SiteWindows.ending(date.fromisoformat(manifest["data_through"]))
    coverage = from_manifest(manifest)
    rows = store.load_incidents(root, windows.rows_needed(), columns=COLUMNS)
    pages = [page_data(p, rows, windows, coverage) for p in places(rows)]
    return SiteData(root, manifest, coverage, windows, pages)
