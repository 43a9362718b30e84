"""The filter bar: labelled, keyboard-usable inputs bound both ways to a ``FilterState``.

Widgets write the state; the state (a link, the reset button) writes the widgets back. A
guard flag stops the echo. The neighborhood list follows the district, so a neighborhood
outside the chosen district cannot be picked.
"""

from __future__ import annotations

from datetime import date

import ipywidgets as widgets

from bmoredash import i18n, periods, selection, style
from bmoredash.aggregate import INCIDENTS, VICTIMS
from bmoredash.app import html as app_html
from bmoredash.app.context import DashboardContext
from bmoredash.app.state import (
    COUNTS,
    MEASURES,
    FilterState,
    neighborhood_options,
    range_problem,
)
from bmoredash.i18n import N_
from bmoredash.i18n import gettext as _
from bmoredash.schema import (
    CITYWIDE,
    COUNCIL_DISTRICTS,
    DISTRICT_LINES,
    DISTRICTS,
    LEGISLATIVE_DISTRICTS,
    OFFENSES,
)
from bmoredash.vocabulary import (
    CITYWIDE_LABEL,
    GROUP_OPTION_LABELS,
    LINES_LABELS,
    MEASURE_LABELS,
    OFFENSE_LABELS,
    PAGE_MENU_LABEL,
    SHARE_LABEL,
    council_name,
    district_name,
    filter_summary,
    legislative_name,
    offenses_short,
)

#: Offense options: the two groups first, then each offense in display order.
OFFENSE_OPTIONS: tuple[tuple[str, str], ...] = (
    *((label, group) for group, label in GROUP_OPTION_LABELS.items()),
    *((OFFENSE_LABELS[name], name) for name in OFFENSES),
)
DISTRICT_OPTIONS: tuple[tuple[str, str], ...] = (
    (CITYWIDE_LABEL, CITYWIDE),
    *((d.title(), d) for d in DISTRICTS),
)
#: Council and legislative district options ("" = every one), and the district lines.
ALL_AREAS = N_("All")
COUNCIL_OPTIONS: tuple[tuple[str, str], ...] = (
    (ALL_AREAS, ""),
    *((council_name(c), c) for c in COUNCIL_DISTRICTS),
)
LEGISLATIVE_OPTIONS: tuple[tuple[str, str], ...] = (
    (ALL_AREAS, ""),
    *((legislative_name(d), d) for d in LEGISLATIVE_DISTRICTS),
)
LINES_OPTIONS: tuple[tuple[str, str], ...] = tuple(
    (LINES_LABELS[lines].capitalize(), lines) for lines in DISTRICT_LINES
)


def _worded(options: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """``options`` with their labels in the reader's language (the values stay codes)."""
    return [(_(label), value) for label, value in options]


def district_options() -> list[tuple[str, str]]:
    """The District menu: Citywide, then the nine districts (``Western``; in Spanish the
    district's full name, ``Distrito Oeste``, since the short name is an English word)."""
    if i18n.current_language() == i18n.DEFAULT:
        return list(DISTRICT_OPTIONS)
    return [(_(CITYWIDE_LABEL), CITYWIDE), *((district_name(d), d) for d in DISTRICTS)]


def area_options(names: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """The Council or legislative menu in the reader's language ("" = every one)."""
    return [(_(ALL_AREAS), "")] + [
        (council_name(v) if names is COUNCIL_OPTIONS else legislative_name(v), v)
        for _label, v in names[1:]
    ]


#: What the counts count (the Count switch, and the phone's filter summary).
COUNT_WORDS: dict[str, str] = {VICTIMS: N_("Victims"), INCIDENTS: N_("Incidents")}


def _narrow() -> widgets.Layout:
    """A fresh layout per input (a shared Layout would hide them all together)."""
    return widgets.Layout(width="auto", min_width="0", max_width="340px")


_STYLE = {"description_width": "initial"}


class FilterBar:
    """The one filter bar shown above every page."""

    def __init__(self, context: DashboardContext, state: FilterState) -> None:
        self.context = context
        self.state = state
        self._syncing = False
        years = context.years
        latest = context.data_through.year
        to_date = _("%(year)s (to date)")
        year_options = [(to_date % {"year": y} if y == latest else str(y), y) for y in years]

        self.year = widgets.Dropdown(
            description=_("Year"),
            options=year_options,
            value=latest,
            layout=_narrow(),
            style=_STYLE,
        )
        self.date_range = widgets.Checkbox(
            description=_("Date range"),
            value=False,
            indent=False,
            layout=widgets.Layout(width="auto"),
        )
        # Only days with data can be picked (the pickers clamp anything else).
        dates = {"min": context.data_start, "max": context.data_through}
        self.start = widgets.DatePicker(
            description=_("From"),
            value=date(latest, 1, 1),
            layout=_narrow(),
            style=_STYLE,
            **dates,
        )
        self.end = widgets.DatePicker(
            description=_("To"),
            value=context.data_through,
            layout=_narrow(),
            style=_STYLE,
            **dates,
        )
        self.calendar_year = widgets.Dropdown(
            description=_("Calendar year"),
            options=[(_("Pick a year…"), 0), *((str(y), y) for y in years)],
            value=0,
            layout=_narrow(),
            style=_STYLE,
        )
        self.range_box = widgets.HBox(
            [self.start, self.end, self.calendar_year],
            layout=widgets.Layout(flex_flow="row wrap", display="none"),
        )
        self.district = widgets.Dropdown(
            description=_("District"),
            options=district_options(),
            value=CITYWIDE,
            layout=_narrow(),
            style=_STYLE,
        )
        self.neighborhood = widgets.Combobox(
            description=_("Neighborhood"),
            placeholder=_("All (type to search)"),
            options=list(neighborhood_options(context.neighborhoods_by_district, CITYWIDE)),
            ensure_option=False,
            continuous_update=False,
            layout=_narrow(),
            style=_STYLE,
        )
        self.lines = widgets.Dropdown(
            description=_("District lines"),
            options=[(_(LINES_LABELS[lines]).capitalize(), lines) for lines in DISTRICT_LINES],
            value=DISTRICT_LINES[0],
            tooltip=_(
                "Police districts as BPD published them (redrawn in 2023), or every year "
                "by one set of lines, placing each row by its coordinates"
            ),
            layout=_narrow(),
            style=_STYLE,
        )
        self.council = widgets.Dropdown(
            description=_("Council district"),
            options=area_options(COUNCIL_OPTIONS),
            value="",
            layout=_narrow(),
            style=_STYLE,
        )
        self.legislative = widgets.Dropdown(
            description=_("Legislative district"),
            options=area_options(LEGISLATIVE_OPTIONS),
            value="",
            layout=_narrow(),
            style=_STYLE,
        )
        self.offense = widgets.SelectMultiple(
            description=_("Offense"),
            options=_worded(OFFENSE_OPTIONS),
            value=(),
            rows=5,
            layout=_narrow(),
            style=_STYLE,
        )
        self.count = widgets.ToggleButtons(
            description=_("Count"),
            options=[(_(label), unit) for unit, label in COUNT_WORDS.items()],
            value=VICTIMS,
            tooltips=[
                _("One per victim, as BPD publishes the data"),
                _("One per incident (BPD case number), under its most serious offense"),
            ],
            style={**_STYLE, "button_width": "80px"},
        )
        self.reset = widgets.Button(
            description=_("Reset filters"),
            icon="undo",
            tooltip=_("Back to the latest year, citywide, all Part 1 offenses"),
            layout=widgets.Layout(width="auto"),
        )
        self.hint = widgets.HTML(app_html.render("offense_hint"))
        self.note = widgets.HTML("")

        self.widget = widgets.VBox(
            [
                widgets.HBox(
                    [self.year, self.date_range, self.district, self.neighborhood],
                    layout=widgets.Layout(flex_flow="row wrap", align_items="center"),
                ),
                self.range_box,
                widgets.HBox(
                    [self.lines, self.council, self.legislative],
                    layout=widgets.Layout(flex_flow="row wrap", align_items="center"),
                ),
                widgets.HBox(
                    [
                        self.offense,
                        widgets.VBox(
                            [self.hint, self.count, self.reset],
                            layout=widgets.Layout(align_items="flex-start"),
                        ),
                    ],
                    layout=widgets.Layout(flex_flow="row wrap"),
                ),
                self.note,
            ],
            layout=widgets.Layout(
                width="100%", border=f"1px solid {style.RULE}", padding="6px", margin="0 0 8px 0"
            ),
        )
        self.widget.add_class("bmd-filters")
        for box in (self.widget.children[0], self.range_box, *self.widget.children[2:4]):
            box.add_class("bmd-wrap")  # spacing between wrapped inputs (the shell's CSS)

        self.year.observe(self._on_year, "value")
        self.date_range.observe(self._on_range_mode, "value")
        self.start.observe(self._on_dates, "value")
        self.end.observe(self._on_dates, "value")
        self.calendar_year.observe(self._on_calendar_year, "value")
        self.district.observe(self._on_district, "value")
        self.neighborhood.observe(self._on_neighborhood, "value")
        for name in ("lines", "council", "legislative"):
            getattr(self, name).observe(lambda change, n=name: self._on_area(n, change), "value")
        self.offense.observe(self._on_offense, "value")
        self.count.observe(self._on_count, "value")
        self.reset.on_click(lambda _: self.state.reset())
        state.observe(self._from_state, names=list(FilterState.FILTER_TRAITS))
        self._from_state()

    # Widgets -> state ---------------------------------------------------------------------

    def _on_year(self, change: dict) -> None:
        if self._syncing:
            return
        year = change["new"]
        self.state.year = None if year == self.context.data_through.year else year

    def _on_range_mode(self, change: dict) -> None:
        if self._syncing:
            return
        with self.state.hold_trait_notifications():
            if change["new"]:
                # Start from the year on screen, so switching modes keeps the view.
                year = self.year.value
                self.state.start = date(year, 1, 1)
                self.state.end = min(date(year, 12, 31), self.context.data_through)
            else:
                self.state.start = self.state.end = None
        self.range_box.layout.display = None if change["new"] else "none"

    def _on_dates(self, change: dict) -> None:
        if self._syncing or not self.date_range.value:
            return
        start, end = self.start.value, self.end.value
        if start is None or end is None or start > end:
            self.note.value = _note(_("Pick a From date on or before the To date."))
            return
        if problem := range_problem(start, end, self.context.years):
            self.note.value = _note(
                _("That range cannot be shown: %(problem)s.") % {"problem": problem}
            )
            return
        self.note.value = ""
        with self.state.hold_trait_notifications():
            self.state.start, self.state.end = start, end

    def _on_calendar_year(self, change: dict) -> None:
        year = change["new"]
        if self._syncing or not year:  # 0: the "Pick a year…" prompt
            return
        with self.state.hold_trait_notifications():
            self.state.start = date(year, 1, 1)
            self.state.end = min(date(year, 12, 31), self.context.data_through)
        self.calendar_year.value = 0

    def _on_district(self, change: dict) -> None:
        if self._syncing:
            return
        district = change["new"]
        offered = neighborhood_options(self.context.neighborhoods_by_district, district)
        with self.state.hold_trait_notifications():
            if self.state.neighborhood and self.state.neighborhood not in offered:
                self.note.value = _note(
                    _("Neighborhood %(name)s cleared: it is not in the %(district)s.")
                    % {"name": self.state.neighborhood, "district": district_name(district)}
                )
                self.state.neighborhood = ""
            self.state.district = district

    def _on_neighborhood(self, change: dict) -> None:
        if self._syncing:
            return
        typed = (change["new"] or "").strip()
        if not typed:
            self.note.value = ""
            self.state.neighborhood = ""
            return
        try:
            match = selection.neighborhood_of(typed, self.neighborhood.options)
        except selection.SelectionError:
            self.note.value = _note(
                _(
                    "No neighborhood named %(name)s here; pick one from the list "
                    "(the list follows the District)."
                )
                % {"name": repr(typed)}
            )
            return
        self.note.value = ""
        self.state.neighborhood = match

    def _on_area(self, trait: str, change: dict) -> None:
        """The district lines, the Council or the legislative district (``trait``)."""
        if not self._syncing:
            setattr(self.state, trait, change["new"])

    def _on_offense(self, change: dict) -> None:
        if not self._syncing:
            self.state.offenses = tuple(change["new"])

    def _on_count(self, change: dict) -> None:
        if not self._syncing:
            self.state.count = change["new"]

    # State -> widgets ---------------------------------------------------------------------

    def _from_state(self, change: dict | None = None) -> None:
        """Show the state in the widgets (after a link, a reset, or our own writes)."""
        state, ctx = self.state, self.context
        self._syncing = True
        try:
            in_range = state.is_range
            self.date_range.value = in_range
            self.range_box.layout.display = None if in_range else "none"
            self.year.layout.display = "none" if in_range else None
            if in_range:
                self.start.value, self.end.value = state.start, state.end
            year = state.year if state.year in ctx.years else ctx.data_through.year
            self.year.value = year
            self.district.value = state.district if state.district in DISTRICTS else CITYWIDE
            self.neighborhood.options = list(
                neighborhood_options(ctx.neighborhoods_by_district, self.district.value)
            )
            self.neighborhood.value = state.neighborhood
            self.lines.value = state.lines
            self.council.value = state.council if state.council in COUNCIL_DISTRICTS else ""
            self.legislative.value = (
                state.legislative if state.legislative in LEGISLATIVE_DISTRICTS else ""
            )
            valid = {v for _, v in OFFENSE_OPTIONS}
            self.offense.value = tuple(o for o in state.offenses if o in valid)
            self.count.value = state.count
        finally:
            self._syncing = False


def _note(text: str) -> str:
    return app_html.status(text, caution=True)


class MeasureToggle:
    """The "Counts | Per 1,000 residents" switch, bound both ways to ``state.measure``.

    The Overview, the Map and the Neighborhoods ranking each show one (built here once, so
    the three read the same); a link's ``?measure=rates`` or a reset moves all of them.
    """

    def __init__(self, state: FilterState) -> None:
        self.state = state
        self.widget = widgets.ToggleButtons(
            description=_("Show"),
            options=[(_(MEASURE_LABELS[m]), m) for m in MEASURES],
            value=state.measure if state.measure in MEASURES else COUNTS,
            tooltips=[
                _("How many, as counted"),
                _(
                    "Counts divided by the area's residents (2020 Census), times 1,000; areas "
                    "with few residents get no rate"
                ),
            ],
            style={**_STYLE, "button_width": "150px"},
        )
        self.widget.add_class("bmd-measure")
        self.widget.observe(self._on_widget, "value")
        state.observe(self._on_state, "measure")

    def _on_widget(self, change: dict) -> None:
        # NOTE: a trait set to its own value does not notify, so the echo stops here.
        self.state.measure = change["new"]

    def _on_state(self, change: dict) -> None:
        if change["new"] in MEASURES:
            self.widget.value = change["new"]


class Disclosure:
    """A toggle button that opens and closes ``target`` on a narrow screen.

    Why CSS decides: the kernel does not know the screen's width. The stylesheet
    (``static/app.css``) hides the button on a wide screen, where ``target`` always shows,
    and on a phone hides ``target`` until the button adds ``bmd-open`` to it.
    """

    def __init__(self, label: str, target: widgets.Widget, tooltip: str = "") -> None:
        self.target = target
        self.widget = widgets.ToggleButton(
            description=label,
            value=False,
            icon="chevron-down",
            tooltip=tooltip or label,
            layout=widgets.Layout(width="auto", max_width="100%"),
        )
        self.widget.add_class("bmd-disclosure")
        target.add_class("bmd-collapsible")
        self.widget.observe(self._on_toggle, "value")

    @property
    def is_open(self) -> bool:
        return bool(self.widget.value)

    def _on_toggle(self, change: dict) -> None:
        if change["new"]:
            self.target.add_class("bmd-open")
        else:
            self.target.remove_class("bmd-open")
        self.widget.icon = "chevron-up" if change["new"] else "chevron-down"


class FilterSummary(Disclosure):
    """The phone's one-line filter bar: "Filters: Citywide · 2026 · all Part 1 offenses",
    a button that opens the full ``FilterBar`` (on a wide screen the bar shows and this
    button is hidden). The words follow the state, so a link or a reset rewrites them."""

    def __init__(self, bar: FilterBar) -> None:
        self.state = bar.state
        self.latest = bar.context.data_through.year
        super().__init__("", bar.widget)
        self.widget.add_class("bmd-filter-summary")
        self.state.observe(self._from_state, names=list(FilterState.FILTER_TRAITS))
        self._from_state()

    @property
    def text(self) -> str:
        return summary_text(self.state, self.latest)

    def _from_state(self, change: dict | None = None) -> None:
        self.widget.description = self.widget.tooltip = self.text


def summary_text(state: FilterState, latest_year: int) -> str:
    """The filters in one line: the place, the period and the offenses, then what the
    counts count when not victims (the default)."""
    if state.neighborhood:
        place = state.neighborhood
    elif state.district in DISTRICTS:
        place = district_name(state.district)
    else:
        place = _(CITYWIDE_LABEL)
    areas = [council_name(state.council)] if state.council else []
    if state.legislative:
        areas.append(legislative_name(state.legislative))
    if areas and place == _(CITYWIDE_LABEL):
        place = ", ".join(areas)
    elif areas:
        place = ", ".join([place, *areas])
    if state.is_range:
        period = periods.label(periods.Window(state.start, state.end))
    else:
        period = str(state.year or latest_year)
    parts = [place, period, offenses_short(state.offenses)]
    if state.count == INCIDENTS:
        parts.append(_(COUNT_WORDS[INCIDENTS]))
    return filter_summary(parts)


def share_disclosure(target: widgets.Widget) -> Disclosure:
    """The phone's "Share" button, which opens the link box and the download (``target``)."""
    disclosure = Disclosure(
        _(SHARE_LABEL), target, tooltip=_("Link to this view, or download rows")
    )
    disclosure.widget.add_class("bmd-share")
    return disclosure


def page_menu(state: FilterState, pages: list[tuple[str, str]]) -> widgets.Dropdown:
    """The phone's page menu: (title, slug) ``pages``, showing and setting ``state.page``.

    Why a menu on a phone: eleven page buttons take four rows, or scroll the current
    page out of sight; the menu takes one line and always names the page on screen (the
    shell keeps it in step when the page changes otherwise).
    """
    menu = widgets.Dropdown(
        description=_(PAGE_MENU_LABEL),
        options=pages,
        value=state.page,
        layout=widgets.Layout(width="auto", min_width="0", flex="1 1 auto"),
        style=_STYLE,
    )
    menu.add_class("bmd-page-menu")
    menu.observe(lambda change: setattr(state, "page", change["new"]), "value")
    return menu
