"""Page 1, Overview: the four headline counts against the same days a year earlier.

The cards count every Part 1 offense in the chosen place and period, whatever the Offense
filter says (a "Your selection" card follows the filter), so that the four headline
numbers always mean the same thing. When the comparison period holds days without data, a
card shows no change, only why (``aggregate.compare_counts``). A change reads "up" or
"down" only when it is beyond chance; otherwise the card says it is within chance.
When the period ends in the preliminary weeks (``coverage.preliminary_start``), a line says
their counts may still rise. With the rate switch (``state.measure``) each card adds the
rate per 1,000 residents of the place in both periods (``aggregate.per_1000``; the place's
population by ``rates.place_level``, which may differ between the periods when districts
are as published and the 2023 lines came between them), or says why there is none.
"""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd

from bmoredash.aggregate import (
    CHANGE_MEANING,
    HEADLINE_MEASURES,
    VICTIMS,
    Comparison,
    compare_counts,
)
from bmoredash.aggregate.rates import CITY, note_text, per_1000, place_level
from bmoredash.app import html as app_html
from bmoredash.app.a11y import LIVE
from bmoredash.app.charts import html_table
from bmoredash.app.context import FilteredView
from bmoredash.app.filters import MeasureToggle
from bmoredash.app.pages import BasePage, source_text
from bmoredash.app.state import RATES
from bmoredash.coverage import PRELIMINARY_WEEKS, preliminary_start
from bmoredash.i18n import N_, format_date
from bmoredash.i18n import gettext as _
from bmoredash.schema import PART1_OFFENSES
from bmoredash.vocabulary import OFFENSE_LABELS

#: The Part 1 table's column of this period's counts on the days both periods have data.
SAME_DAYS = N_("this period, days both have data")
#: The other columns of the Part 1 table (English: message ids and the table's keys).
THIS_PERIOD, COMPARISON_PERIOD, CHANGE, CHANGE_PERCENT = (
    N_("this period"),
    N_("comparison period"),
    N_("change"),
    N_("change %"),
)


def card_values(comparison: Comparison, previous_label: str, unit: str = VICTIMS) -> dict:
    """What one card shows: the count (of ``unit``), the count a year earlier, and the
    change (or why not)."""
    return {
        "label": _(comparison.label),
        "total": f"{comparison.total:,}",
        "unit": unit,
        "before": "" if comparison.why_not else _before(comparison, previous_label),
        "change": comparison.describe(),
        "left_out": "" if comparison.why_not else (comparison.left_out or ""),
        "previous_label": previous_label,
    }


def _before(comparison: Comparison, previous_label: str) -> str:
    """The count a year earlier; when days without data were left out of both periods, also
    this period's count on the same days, so the change adds up on the card."""
    before = _("%(count)s in %(period)s") % {
        "count": f"{comparison.previous:,}",
        "period": previous_label,
    }
    if comparison.whole is None:
        return before
    return _("%(before)s, against %(count)s this period on the days both have data") % {
        "before": before,
        "count": f"{comparison.current:,}",
    }


def card_html(comparison: Comparison, previous_label: str, unit: str = VICTIMS) -> str:
    """One card: the count (of ``unit``), the count a year earlier, and the change (or
    why not)."""
    return app_html.render("overview_card", card=card_values(comparison, previous_label, unit))


#: Where the city's residents come from (the neighborhood table covers every block).
CITY_SOURCE = N_("2020 Census blocks, the city total")
#: A place's population for a rate: (level, area, why there is none).
Place = tuple[str | None, str, str]


def rate_text(rate: float) -> str:
    """A rate per 1,000 as a card shows it: two decimals under 1 (a city's homicides are
    a fraction of one per 1,000), else one."""
    return f"{rate:.2f}" if rate < 1 else f"{rate:,.1f}"


def _rate(count: int, place: Place) -> float | None:
    """``count`` per 1,000 residents of ``place`` by ``per_1000`` (None without a rate)."""
    level, area, _note = place
    if level is None:
        return None
    rate = per_1000(pd.Series([count], index=[area]), level)["rate"].iloc[0]
    return None if pd.isna(rate) else float(rate)


def _why_none(count: int, place: Place) -> str:
    level, area, note = place
    if level is None:
        return note_text(note)
    return note_text(str(per_1000(pd.Series([count], index=[area]), level)["note"].iloc[0]))


def card_rates(comparison: Comparison, now: Place, before: Place) -> dict:
    """The rates one card adds: this period's (on its whole count), the comparison
    period's, and this period's on the days both have data when days were left out (so
    the two rates compare like the counts do); ``note`` says why a rate is missing."""
    rate_now = _rate(comparison.total, now)
    compared = not comparison.why_not
    rate_before = _rate(comparison.previous, before) if compared else None
    matched = _rate(comparison.current, now) if compared and comparison.whole is not None else None
    note = ""
    if rate_now is None:
        note = _why_none(comparison.total, now)
    elif compared and rate_before is None:
        note = _why_none(comparison.previous, before)
    return {
        "now": "" if rate_now is None else rate_text(rate_now),
        "before": "" if rate_before is None else rate_text(rate_before),
        "matched": "" if matched is None else rate_text(matched),
        "note": note,
    }


def view_places(view: FilteredView) -> tuple[Place, Place]:
    """The view's place as a population (``rates.place_level``) in its period and in the
    comparison period."""
    places = []
    for window in (view.window, view.previous):
        places.append(
            place_level(
                district=view.district,
                neighborhood=view.neighborhood,
                council=view.council,
                legislative=view.legislative,
                lines=view.lines,
                start=window.start,
                end=window.end,
            )
        )
    return places[0], places[1]


def rates_note(view: FilteredView, now: Place, before: Place) -> str:
    """One line under the cards: whose residents the rates divide by and their source, or
    why the place has no rate."""
    residents = []
    for place, period in ((now, view.period_label), (before, view.previous_label)):
        level, area, _note = place
        if level is None or _why_none(0, place):
            continue
        figure = per_1000(pd.Series([0], index=[area]), level)["residents"].iloc[0]
        source = _(CITY_SOURCE) if level == CITY else source_text(level)
        residents.append({"count": f"{int(figure):,}", "period": period, "source": source})
    if len(residents) == 2 and residents[0]["count"] == residents[1]["count"]:
        residents = residents[:1]
        residents[0]["period"] = ""
    return app_html.render(
        "rates_overview_note",
        place=view.place_label,
        residents=residents,
        note=_why_none(0, now),
    )


def preliminary_line(view: FilteredView) -> str:
    """A short line when the period's last days fall in the preliminary weeks
    (``coverage.preliminary_start``), else nothing."""
    start = preliminary_start(view.context.data_through)
    if view.window.end < start:
        return ""
    return app_html.render(
        "preliminary_note", weeks=PRELIMINARY_WEEKS, start=format_date(start, "month_day")
    )


class OverviewPage(BasePage):
    title = N_("Overview")
    slug = "overview"

    def build(self) -> widgets.Widget:
        self.summary = widgets.HTML("")
        self.measure = MeasureToggle(self.state)
        self.cards = widgets.HTML("")
        #: With rates: whose residents the rates divide by (else empty).
        self.rates_note = widgets.HTML("")
        self.selection_card = widgets.HTML("")
        self.by_offense = widgets.HTML("")
        #: The headline comparisons last drawn (homicides, shootings, violent, property).
        self.comparisons: list[Comparison] = []
        self.note = widgets.HTML("")
        #: The headline numbers in one sentence, read aloud after a filter change (a11y.js).
        self.live = widgets.HTML("")
        self.live.add_class(LIVE)
        return widgets.VBox(
            [
                self.live,
                self.summary,
                self.measure.widget,
                self.cards,
                self.rates_note,
                self.selection_card,
                self.note,
                self.by_offense,
            ],
            layout=widgets.Layout(width="100%", min_width="0"),
        )

    def compare(
        self, view: FilteredView, measures: dict[str, tuple[str, ...]], rows: str = "place"
    ) -> list[Comparison]:
        """``measures`` in the view's period against its comparison period; ``rows``:
        ``place`` (every Part 1 offense) or ``chosen`` (the Offense filter)."""
        cut = view.place_rows if rows == "place" else view.rows
        now = cut(view.window.start, view.window.end)
        before = cut(view.previous.start, view.previous.end)
        coverage = view.context.coverage
        return compare_counts(now, before, measures, view.window, view.previous, coverage)

    def headline(self, view: FilteredView) -> list[Comparison]:
        """The four headline comparisons for the view's place and period."""
        return self.compare(view, HEADLINE_MEASURES)

    def update(self, view: FilteredView) -> None:
        self.comparisons = self.headline(view)
        # A period the data cover in part is counted over its days with data: say so.
        window = view.window
        partial = view.context.coverage.missing(window.start, window.end, PART1_OFFENSES)
        self.summary.value = app_html.render(
            "overview_summary",
            place=view.place_label,
            period=view.period_label,
            previous=view.previous_label,
            partial=partial or "",
        ) + preliminary_line(view)
        rates = self.state.measure == RATES
        places = view_places(view) if rates else None
        cards = [card_values(c, view.previous_label, view.unit_label) for c in self.comparisons]
        if places is not None:
            for card, comparison in zip(cards, self.comparisons, strict=True):
                card["rates"] = card_rates(comparison, *places)
        self.cards.value = app_html.render("overview_cards", cards=cards)
        self.live.value = app_html.render(
            "overview_live", place=view.place_label, period=view.period_label, cards=cards
        )
        self.rates_note.value = rates_note(view, *places) if places is not None else ""

        if view.is_default_offenses:
            self.selection_card.value = ""
        else:
            label = _("Your selection: %(offenses)s") % {"offenses": view.offense_label}
            (mine,) = self.compare(view, {label: view.offenses}, rows="chosen")
            card = card_values(mine, view.previous_label, view.unit_label)
            if places is not None:
                card["rates"] = card_rates(mine, *places)
            self.selection_card.value = app_html.render("overview_cards", cards=[card])

        self.note.value = app_html.render(
            "overview_note", unit_note=view.unit_note, change_meaning=_(CHANGE_MEANING)
        )
        by_offense = self.compare(view, {o: (o,) for o in PART1_OFFENSES})
        table = offense_table(by_offense)
        why = next((c.why_not for c in by_offense if c.why_not), None)
        self.by_offense.value = html_table(
            table,
            caption=_("Part 1 %(unit)s, %(period)s vs %(previous)s")
            % {
                "unit": view.unit_label,
                "period": view.period_label,
                "previous": view.previous_label,
            }
            + (f" ({why})" if why else ""),
            formatters={
                _(SAME_DAYS): _count,
                _(COMPARISON_PERIOD): _count,
                _(CHANGE): lambda v: "–" if _missing(v) else f"{int(v):+,d}",
            },
        )


def offense_table(by_offense: list[Comparison]) -> pd.DataFrame:
    """One row per offense: this period, the comparison period, the change. When days
    without data were left out of both periods, this period's count on the remaining days
    (what the change is made of) stands beside its whole count."""
    columns = {_(THIS_PERIOD): [c.total for c in by_offense]}
    if any(c.whole is not None for c in by_offense):
        columns[_(SAME_DAYS)] = [None if c.why_not else c.current for c in by_offense]
    return pd.DataFrame(
        {
            **columns,
            _(COMPARISON_PERIOD): [None if c.why_not else c.previous for c in by_offense],
            _(CHANGE): [None if c.why_not else c.change for c in by_offense],
            _(CHANGE_PERCENT): [_percent_text(c) for c in by_offense],
        },
        index=pd.Index([_(OFFENSE_LABELS[c.label]) for c in by_offense], name=_("Offense")),
    )


def _percent_text(comparison: Comparison) -> str:
    """The change in percent, given only when both counts reach ``MIN_READABLE_COUNT``
    (``aggregate.percent_readable``); the change column still gives the difference."""
    if comparison.why_not:
        return "–"
    if comparison.percent is None:
        return _("too few")
    return f"{comparison.percent:+.1f}%"


def _missing(value: object) -> bool:
    return value is None or bool(pd.isna(value))


def _count(value: object) -> str:
    return _("no data") if _missing(value) else f"{int(value):,d}"
