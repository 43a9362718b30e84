"""The dashboard's filter state, and its round trip through the URL query string.

One ``FilterState`` per app: the filter bar writes it, the shell observes it, and a link
such as ``?district=WESTERN&neighborhood=Harlem%20Park&year=2024&offense=HOMICIDE&page=trends``
rebuilds it. Values a link gets wrong are dropped with a message, never an exception: links
are typed by hand and shared in chats.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from urllib.parse import parse_qsl, quote, urlencode

import traitlets

from bmoredash import i18n, schema, selection
from bmoredash.aggregate import UNITS, VICTIMS
from bmoredash.app.registry import DEFAULT_PAGE, PAGE_SLUGS
from bmoredash.i18n import gettext as _
from bmoredash.reference import cvi
from bmoredash.schema import CITYWIDE
from bmoredash.selection import PUBLISHED_LINES
from bmoredash.vocabulary import district_name

#: What the Overview, the Map and the Neighborhoods ranking show: counts, or rates per
#: 1,000 residents (``aggregate.per_1000``).
COUNTS, RATES = "counts", "rates"
MEASURES = (COUNTS, RATES)

#: Choices made inside a page that a link keeps too (link key -> codes, the default first):
#: the Trends interval, the Victims group, the Map's areas and the CVI programme type. They
#: change what a page draws, not the view's rows, so they are not filters.
CHOICES: dict[str, tuple[str, ...]] = {
    "interval": ("weekly", "monthly"),
    "victims": ("both", "homicides", "shootings"),
    "areas": ("districts", "neighborhoods", "council"),
    "programs": ("all", *cvi.PROGRAM_TYPES),
}
#: The page each choice belongs to: a link names a choice only on its own page.
CHOICE_PAGES: dict[str, str] = {
    "interval": "trends",
    "victims": "victims",
    "areas": "map",
    "programs": "cvi",
}

#: Plausible years in a link when the data's own years are not known.
YEAR_RANGE = range(1960, 2101)


#: The most of a typed value a message repeats.
SHOWN_CHARS = 40


def shown(raw: str) -> str:
    """A value from a link as a message repeats it: quoted, escaped, at most
    ``SHOWN_CHARS`` characters (links are typed by anyone, and messages stay one line)."""
    text = repr(raw[:SHOWN_CHARS])
    return text[:-1] + "…" + text[-1] if len(raw) > SHOWN_CHARS else text


def _ignored(key: str, raw: str, why: str) -> str:
    """``Ignored count 'x': use victims or incidents.`` (the link's key stays as typed)."""
    return _("Ignored %(key)s %(value)s: %(why)s.") % {"key": key, "value": shown(raw), "why": why}


def range_problem(start: date, end: date, years: Iterable[int] | None = None) -> str | None:
    """Why a date range cannot be shown (for a message), or None: start after end, a date
    outside ``YEAR_RANGE``, or a start after the last year with data (``years``)."""
    if start > end:
        return _("start is after end")
    if start.year not in YEAR_RANGE or end.year not in YEAR_RANGE:
        return _("dates between %(first)s and %(last)s only") % {
            "first": YEAR_RANGE.start,
            "last": YEAR_RANGE.stop - 1,
        }
    latest = max(years, default=None) if years is not None else None
    if latest is not None and start.year > latest:
        return _("there is no data after %(year)s") % {"year": latest}
    return None


def neighborhood_options(
    neighborhoods_by_district: Mapping[str, Sequence[str]], district: str
) -> tuple[str, ...]:
    """Neighborhoods offered for ``district`` (every neighborhood for ``CITYWIDE``), sorted."""
    if district == CITYWIDE or district not in neighborhoods_by_district:
        names: Iterable[str] = (n for ns in neighborhoods_by_district.values() for n in ns)
    else:
        names = neighborhoods_by_district[district]
    return tuple(sorted(set(names)))


class FilterState(traitlets.HasTraits):
    """What the visitor has chosen. Defaults mean "the latest year, citywide, all Part 1".

    ``year`` and the ``start``/``end`` range are exclusive: a full range switches the app
    to date-range mode and ``year`` is ignored. ``offenses`` holds canonical offense and
    group names as chosen (``selection.offense_choice``); empty means every Part 1 offense.
    Values are read by the selection's parsers (``bmoredash.selection``), so a link
    accepts exactly the spellings the package and the command line accept.
    ``count`` is what the counts count, ``victims`` or ``incidents`` (``aggregate.UNITS``);
    ``measure`` whether places are compared by counts or by rates per 1,000 residents.
    ``messages`` collects what a link got wrong (not part of the query).
    """

    year = traitlets.Int(None, allow_none=True)
    start = traitlets.Instance(date, allow_none=True)
    end = traitlets.Instance(date, allow_none=True)
    district = traitlets.Unicode(CITYWIDE)
    neighborhood = traitlets.Unicode("")
    council = traitlets.Unicode("")
    legislative = traitlets.Unicode("")
    lines = traitlets.Unicode(PUBLISHED_LINES)
    offenses = traitlets.Tuple()
    count = traitlets.Unicode(VICTIMS)
    measure = traitlets.Unicode(COUNTS)
    page = traitlets.Unicode(DEFAULT_PAGE)
    interval = traitlets.Unicode(CHOICES["interval"][0])
    victims = traitlets.Unicode(CHOICES["victims"][0])
    areas = traitlets.Unicode(CHOICES["areas"][0])
    programs = traitlets.Unicode(CHOICES["programs"][0])
    #: The language the visitor reads (``i18n.LANGUAGES``); a change is a new page load.
    lang = traitlets.Unicode(i18n.DEFAULT)
    messages = traitlets.List(traitlets.Unicode())

    #: The traits that define the view (``page`` only chooses what is shown).
    FILTER_TRAITS = (
        "year",
        "start",
        "end",
        "district",
        "neighborhood",
        "council",
        "legislative",
        "lines",
        "offenses",
        "count",
        "measure",
    )

    #: The in-page choices (``CHOICES``); like ``page``, they change what is drawn only.
    CHOICE_TRAITS = tuple(CHOICES)

    @property
    def is_range(self) -> bool:
        """True when a full date range is chosen (date-range mode)."""
        return self.start is not None and self.end is not None

    def filter_key(self) -> tuple:
        """Hashable summary of the filters (same key -> same view)."""
        return tuple(getattr(self, name) for name in self.FILTER_TRAITS)

    def reset(self) -> None:
        """Back to the defaults, in one notification batch (the page stays)."""
        with self.hold_trait_notifications():
            self.year = None
            self.start = None
            self.end = None
            self.district = CITYWIDE
            self.neighborhood = ""
            self.council = ""
            self.legislative = ""
            self.lines = PUBLISHED_LINES
            self.offenses = ()
            self.count = VICTIMS
            self.measure = COUNTS

    # ----------------------------------------------------------------------------------
    # URL round trip
    # ----------------------------------------------------------------------------------

    def to_query(self, lang: str | None = None) -> str:
        """The query string (without ``?``) for this state; defaults are left out.
        ``lang``: the same view in another language (the language switch's link)."""
        lang = self.lang if lang is None else lang
        pairs: list[tuple[str, str]] = []
        if self.district != CITYWIDE:
            pairs.append(("district", self.district))
        if self.neighborhood:
            pairs.append(("neighborhood", self.neighborhood))
        if self.council:
            pairs.append(("council", self.council))
        if self.legislative:
            pairs.append(("legislative", self.legislative))
        if self.lines != PUBLISHED_LINES:
            pairs.append(("lines", self.lines))
        if self.is_range:
            pairs.append(("start", self.start.isoformat()))
            pairs.append(("end", self.end.isoformat()))
        elif self.year is not None:
            pairs.append(("year", str(self.year)))
        pairs.extend(("offense", o) for o in self.offenses)
        if self.count != VICTIMS:
            pairs.append(("count", self.count))
        if self.measure != COUNTS:
            pairs.append(("measure", self.measure))
        if self.page != DEFAULT_PAGE:
            pairs.append(("page", self.page))
        if lang != i18n.DEFAULT:
            pairs.append(("lang", lang))
        pairs.extend(
            (key, getattr(self, key))
            for key, codes in CHOICES.items()
            if self.page == CHOICE_PAGES[key] and getattr(self, key) != codes[0]
        )
        return urlencode(pairs, quote_via=quote)

    @classmethod
    def from_query(
        cls,
        query: str | None,
        *,
        neighborhoods_by_district: Mapping[str, Sequence[str]] | None = None,
        years: Iterable[int] | None = None,
    ) -> FilterState:
        """A state from a query string; unknown or invalid values are ignored with a message
        in the language the link asks for (``lang``).

        ``neighborhoods_by_district`` (district -> neighborhoods) and ``years`` (years with
        data), when given, also validate the neighborhood and the year.
        """
        pairs = parse_qsl((query or "").lstrip("?"))
        langs = [v.strip() for k, v in pairs if k.strip().lower() == "lang" and v.strip()]
        code, _problem = i18n.language_from_query(langs[-1] if langs else None)
        with i18n.using(code):
            return cls._read_query(
                query, neighborhoods_by_district=neighborhoods_by_district, years=years
            )

    @classmethod
    def _read_query(
        cls,
        query: str | None,
        *,
        neighborhoods_by_district: Mapping[str, Sequence[str]] | None,
        years: Iterable[int] | None,
    ) -> FilterState:
        """``from_query`` in the current language."""
        state = cls()
        messages: list[str] = []
        params: dict[str, list[str]] = {}
        for key, value in parse_qsl((query or "").lstrip("?"), keep_blank_values=True):
            params.setdefault(key.strip().lower(), []).append(value.strip())

        def last(key: str) -> str | None:
            values = [v for v in params.get(key, []) if v]
            return values[-1] if values else None

        raw_district = last("district")
        if raw_district:
            try:
                district = selection.district_of(raw_district)
            except selection.SelectionError:
                district = schema.UNKNOWN_DISTRICT
            if district != schema.UNKNOWN_DISTRICT:
                state.district = district
            else:
                messages.append(
                    _("Ignored district %(value)s: not one of the nine police districts.")
                    % {"value": shown(raw_district)}
                )

        raw_hood = last("neighborhood")
        if raw_hood:
            offered = None
            if neighborhoods_by_district is not None:
                offered = neighborhood_options(neighborhoods_by_district, state.district)
            try:
                state.neighborhood = selection.neighborhood_of(raw_hood, offered)
            except selection.SelectionError:
                where = (
                    _("the city") if state.district == CITYWIDE else district_name(state.district)
                )
                messages.append(
                    _("Ignored neighborhood %(value)s: no such neighborhood in %(place)s.")
                    % {"value": shown(raw_hood), "place": where}
                )

        for key, parse_one, what in (
            ("council", selection.council_of, _("not one of the 14 Council districts")),
            ("legislative", selection.legislative_of, _("not a legislative district in the city")),
            ("lines", selection.lines_of, _("use published, 2023 or pre2023")),
        ):
            raw = last(key)
            if raw:
                try:
                    setattr(state, key, parse_one(raw))
                except selection.SelectionError:
                    messages.append(_ignored(key, raw, what))

        allowed_years = set(years) if years is not None else set(YEAR_RANGE)
        raw_start, raw_end = last("start"), last("end")
        if raw_start or raw_end:
            try:
                start = selection.date_of(raw_start or "", "start")
                end = selection.date_of(raw_end or "", "end")
            except selection.SelectionError:
                messages.append(_("Ignored the date range: give both start and end as YYYY-MM-DD."))
            else:
                problem = range_problem(start, end, years)
                if problem:
                    messages.append(
                        _("Ignored the date range: %(problem)s.") % {"problem": problem}
                    )
                else:
                    state.start, state.end = start, end
        raw_year = last("year")
        if raw_year and not state.is_range:
            if raw_year.isdigit() and int(raw_year) in allowed_years:
                state.year = int(raw_year)
            else:
                messages.append(
                    _("Ignored year %(value)s: no data for that year.") % {"value": shown(raw_year)}
                )

        chosen: list[str] = []
        for value in params.get("offense", []) + params.get("offenses", []):
            for item in value.split(","):
                if not item.strip():
                    continue
                try:
                    choice = selection.offense_choice(item)
                except selection.SelectionError:
                    messages.append(
                        _("Ignored offense %(value)s: not a Part 1 offense.")
                        % {"value": shown(item.strip())}
                    )
                    continue
                if choice not in chosen:
                    chosen.append(choice)
        state.offenses = tuple(chosen)

        for key, allowed, why in (
            ("count", UNITS, _("use victims or incidents")),
            ("measure", MEASURES, _("use counts or rates")),
            ("page", PAGE_SLUGS, _("no such page")),
            *(
                (key, codes, _("use %(codes)s") % {"codes": ", ".join(codes)})
                for key, codes in CHOICES.items()
            ),
        ):
            raw = last(key)
            if raw and raw.lower() in allowed:
                setattr(state, key, raw.lower())
            elif raw:
                messages.append(_ignored(key, raw, why))

        state.lang, problem = i18n.language_from_query(last("lang"))
        if problem:
            messages.append(problem)
        state.messages = messages
        return state
