"""Words and numbers for the weekly report, written from counts ``bmoredash.aggregate`` has made.

Nothing here counts rows and nothing here writes markup: every function takes counts (a
``weekly_offense_table``, a ``neighborhood_ranking``...) and returns sentences, cell texts
and dataclasses of them; the templates in ``bmoredash/report/templates`` lay them out
(and escape them). Offense labels, plurals, place names and the demo banner come from
``bmoredash.vocabulary``.

A missing count (NaN or None) is a window without complete data: it reads "no data", a
change that needs it reads "no comparison", and ``gaps`` (``aggregate.report_gaps``) says
why; it is never written as zero.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from bmoredash import aggregate, periods, vocabulary
from bmoredash.aggregate import CHANGE_MEANING, FLAG_MEANING, VICTIMS, unit_note
from bmoredash.coverage import (
    PRELIMINARY_FLAG_RULE,
    PRELIMINARY_MEANING,
    from_manifest,
    preliminary_weeks,
    spans_of_days,
)
from bmoredash.schema import CITYWIDE, PART1_OFFENSES, PROPERTY_OFFENSES, VIOLENT_OFFENSES
from bmoredash.selection import PUBLISHED_LINES
from bmoredash.vocabulary import (
    CITYWIDE_LABEL,
    DEMO_BANNER,
    LINES_NOTES,
    OFFENSE_PLURALS,
    PROPERTY_TOTAL,
    TOTAL_LABELS,
    VIOLENT_TOTAL,
    place_name,
    place_subject,
)

#: How an offense is named in tables (offenses and the report's group totals).
OFFENSE_LABELS: dict[str, str] = {**vocabulary.OFFENSE_LABELS, **TOTAL_LABELS}

#: Display order of the offense table: violent offenses, their total, then property.
TABLE_ORDER: tuple[str, ...] = (
    *VIOLENT_OFFENSES,
    VIOLENT_TOTAL,
    *PROPERTY_OFFENSES,
    PROPERTY_TOTAL,
)
_TOTALS = {VIOLENT_TOTAL, PROPERTY_TOTAL}


# --------------------------------------------------------------------------------------
# Small formatters
# --------------------------------------------------------------------------------------


def long_date(day: date) -> str:
    """``Saturday, November 21, 2026``."""
    return f"{day:%A, %B} {day.day}, {day.year}"


def short_date(day: date) -> str:
    """``Nov 21, 2026``."""
    return f"{day:%b} {day.day}, {day.year}"


def page_title(district: str, week_end: date) -> str:
    """``Western District — week ending Nov 21, 2026`` (the page's title)."""
    return f"{place_name(district)} — week ending {short_date(week_end)}"


NO_DATA = "no data"
NO_COMPARISON = "no comparison"
#: How each column of the offense table is named where a note says why it is missing.
_COLUMN_NAMES = {
    "this_week": "This week",
    "previous_week": "Previous week",
    "four_week_avg": "4-week average",
    "same_week_last_year": "Same week last year",
    "flag": "Notable?",
}


def missing(value: Any) -> bool:
    """True for a count that was not made (None, NaN, <NA>)."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def count(n: float | None) -> str:
    """An integer count with thousands separators, or ``no data``."""
    return NO_DATA if missing(n) else f"{int(n):,}"


def average(x: float | None) -> str:
    """A 4-week average, exactly: an average of four counts ends in .0, .25, .5 or .75."""
    if missing(x):
        return NO_DATA
    text = f"{x:,.2f}"
    return text[:-1] if text.endswith("0") else text


def signed(n: float) -> str:
    """``+12``, ``−3`` (a real minus sign, which prints clearly) or ``0``."""
    if n == 0:
        return "0"
    text = f"{abs(n):,.0f}" if float(n).is_integer() else f"{abs(n):,.1f}"
    return f"+{text}" if n > 0 else f"\u2212{text}"


def percent(p: float | None) -> str:
    """``+8.1%``, ``−4.0%``, or ``n/a`` when there was nothing to compare with."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "n/a"
    return signed(round(p, 1)) + "%" if round(p, 1) != 0 else "0.0%"


def noun(offense: str, n: float) -> str:
    """``1 robbery``, ``3 robberies``."""
    singular, plural = OFFENSE_PLURALS[offense]
    return f"{count(n)} {singular if n == 1 else plural}"


# --------------------------------------------------------------------------------------
# Prose
# --------------------------------------------------------------------------------------


def _against_average(this_week: int, avg: float) -> str:
    diff = this_week - avg
    if diff == 0:
        return f"the same as its 4-week average of {average(avg)}"
    amount = f"{abs(diff):,.0f}" if float(diff).is_integer() else f"{abs(diff):,.2f}".rstrip("0")
    direction = "more" if diff > 0 else "fewer"
    return f"{amount} {direction} than its 4-week average of {average(avg)}"


def _reason(why: str | None) -> str:
    """``data start Mar 18, 2025`` from ``no comparison: data start Mar 18, 2025``."""
    return (why or "no data for part of the window").removeprefix(f"{NO_COMPARISON}: ")


def _ytd_sentence(
    subject: str,
    offense: str,
    now: float,
    before: float,
    week_end: date,
    gaps: Mapping[str, str],
    verdict: str = "",
) -> str:
    """The year-to-date sentence of the week ending ``week_end``: ``now`` against
    ``before``, the same days of the year before (``periods.ytd_windows``)."""
    same_days = periods.same_days_label(periods.ytd_windows(week_end)[1])  # same days of 2025
    if missing(now):
        return f"Year-to-date counts are not shown ({_reason(gaps.get('ytd'))})."
    if missing(before):
        return (
            f"Year to date, {subject} has recorded {noun(offense, now)}; there is "
            f"{NO_COMPARISON} with the {same_days} "
            f"({_reason(gaps.get('last_ytd'))})."
        )
    if before == 0:
        return (
            f"Year to date, {subject} has recorded {noun(offense, now)}; "
            f"none were recorded over the {same_days}."
        )
    if not aggregate.percent_readable(now, before):  # small numbers: no percentage
        diff = now - before
        trend = (
            f"the same number as over the {same_days}"
            if diff == 0
            else f"{count(abs(diff))} {'more' if diff > 0 else 'fewer'} than the "
            f"{count(before)} over the {same_days}"
        )
        return f"Year to date, {subject} has recorded {noun(offense, now)}, {trend}."
    change = (now - before) / before * 100.0
    if round(change, 1) == 0:
        trend = f"about the same as the {count(before)} over the {same_days}"
    else:
        word = "more" if change > 0 else "fewer"
        trend = f"{abs(change):.1f}% {word} than the {count(before)} over the {same_days}"
    chance = _CHANCE.get(verdict, "")
    return f"Year to date, {subject} has recorded {noun(offense, now)}, {trend}{chance}."


#: What the year-to-date sentence adds for each ``aggregate.chance_verdict``.
_CHANCE = {
    "up": ", a rise larger than chance explains",
    "down": ", a fall larger than chance explains",
    "within chance": ", a difference within chance",
}


def _week_part(offense: str, row: pd.Series, gaps: Mapping[str, str]) -> str:
    if missing(row["four_week_avg"]):
        why = _reason(gaps.get("four_week_avg"))
        return f"{noun(offense, row['this_week'])} ({NO_COMPARISON} with a 4-week average: {why})"
    against = _against_average(int(row["this_week"]), float(row["four_week_avg"]))
    return f"{noun(offense, row['this_week'])}, {against}"


#: The headline's sentence on a preliminary week (``coverage.preliminary_weeks``).
PRELIMINARY_SENTENCE = (
    "This week's counts are preliminary: crimes reported late are still being added, so "
    "they are likely to rise."
)


def headline(
    district: str,
    week_end: date,
    table: pd.DataFrame,
    gaps: Mapping[str, str] | None = None,
    *,
    preliminary: bool = False,
) -> str:
    """The opening paragraph (plain text), every number taken from ``table``.

    ``table`` is ``aggregate.weekly_offense_table`` for the report's place and week;
    ``gaps`` (``aggregate.report_gaps``) says why a missing count is missing;
    ``preliminary``: the week is preliminary (``coverage.preliminary_weeks``; the report's
    latest week always is), said in plain words after its counts.
    """
    gaps = gaps or {}
    subject = place_subject(district)
    it = "the city" if district == CITYWIDE else "the district"
    v, p = table.loc[VIOLENT_TOTAL], table.loc[PROPERTY_TOTAL]
    if missing(v["this_week"]) or missing(p["this_week"]):
        first = (
            f"The week ending {long_date(week_end)} holds days without data for {subject} "
            f"({_reason(gaps.get('this_week'))}), so its counts are not shown."
        )
        second = ""
    else:
        first = (
            f"In the week ending {long_date(week_end)}, {subject} recorded "
            f"{_week_part(VIOLENT_TOTAL, v, gaps)}, and {_week_part(PROPERTY_TOTAL, p, gaps)}."
        )
        homicides, shootings = (
            noun(o, table.loc[o, "this_week"]) for o in ("HOMICIDE", "SHOOTING")
        )
        second = f"The week counted {homicides} and {shootings}."
    third = _ytd_sentence(
        it, VIOLENT_TOTAL, v["ytd"], v["last_ytd"], week_end, gaps, v.get("ytd_verdict", "")
    )
    if table.attrs.get("ytd_left_out") and not missing(v["ytd"]):
        third += f" (Both year-to-date counts are taken {table.attrs['ytd_left_out']}.)"
    flagged = [
        (offense, flag)
        for offense, flag in table["flag"].items()
        if flag and offense in OFFENSE_LABELS
    ]
    late = PRELIMINARY_SENTENCE if preliminary and second else ""  # only after its counts
    sentences = [sentence for sentence in (first, second, late, third) if sentence]
    if flagged:
        parts = [f"{OFFENSE_PLURALS[o][1]} ({flag})" for o, flag in flagged]
        sentences.append(
            "Counts notably different from what the same time of year and the last 52 weeks "
            "lead one to expect: " + ", ".join(parts) + "."
        )
    return " ".join(sentences)


# --------------------------------------------------------------------------------------
# What the templates lay out: words and numbers, never markup
# --------------------------------------------------------------------------------------


def title(
    district: str,
    week_start: date,
    week_end: date,
    demo: bool,
    unit: str = VICTIMS,
    lines: str = PUBLISHED_LINES,
) -> dict[str, Any]:
    """The title block's words (``templates/title.html.j2``): the place, the week, what the
    counts count, the district lines when not as published, and ``vocabulary.DEMO_BANNER``
    when the data is synthetic."""
    return {
        "banner": DEMO_BANNER if demo else None,
        "unit": unit,
        "lines": None if lines == PUBLISHED_LINES else LINES_NOTES[lines],
        "place": place_name(district),
        "week_end": long_date(week_end),
        "first_day": short_date(week_start),
        "last_day": short_date(week_end),
    }


#: The offense table's number columns, in order (each cell carries ``data-col``).
OFFENSE_COLUMNS: tuple[str, ...] = (
    "this_week",
    "previous_week",
    "four_week_avg",
    "same_week_last_year",
    "ytd",
    "last_ytd",
    "ytd_change",
)


@dataclass(frozen=True)
class OffenseRow:
    offense: str
    label: str
    total: bool
    #: ``OFFENSE_COLUMNS`` -> the cell's text.
    cells: dict[str, str]
    #: ``higher``, ``lower`` or "" (``templates/offense_table.html.j2`` writes the mark).
    flag: str


@dataclass(frozen=True)
class OffenseTable:
    """``templates/offense_table.html.j2``: headings, one row per offense, and why some
    counts are "no data" (``notes``: (column heading, why))."""

    headings: dict[str, str]
    rows: list[OffenseRow]
    notes: list[tuple[str, str]] = field(default_factory=list)


def _column_names(week_end: date) -> dict[str, str]:
    ytd, same_days = periods.ytd_windows(week_end)
    return {
        **_COLUMN_NAMES,
        "ytd": f"Year to date {ytd.end.year}",
        "last_ytd": f"Same days {same_days.end.year}",
        "ytd_change": "Change",
    }


def offense_table(
    table: pd.DataFrame, week_end: date, gaps: Mapping[str, str] | None = None
) -> OffenseTable:
    """The per-offense table: this week, previous week, 4-week average, same week last
    year, year to date against last year to date, the change, and a notable flag; then,
    when ``gaps`` has any, why some counts are "no data" and some changes not made."""
    gaps = gaps or {}
    names = _column_names(week_end)
    rows = []
    for offense in TABLE_ORDER:
        r = table.loc[offense]
        change = (
            NO_COMPARISON
            if missing(r["ytd_change"])
            else signed(r["ytd_change"])
            + _percent_part(r["ytd_percent"])
            + _VERDICT_CELL.get(r.get("ytd_verdict", ""), "")
        )
        cells = {
            "this_week": count(r["this_week"]),
            "previous_week": count(r["previous_week"]),
            "four_week_avg": average(r["four_week_avg"]),
            "same_week_last_year": count(r["same_week_last_year"]),
            "ytd": count(r["ytd"]),
            "last_ytd": count(r["last_ytd"]),
            "ytd_change": change,
        }
        rows.append(
            OffenseRow(offense, OFFENSE_LABELS[offense], offense in _TOTALS, cells, r["flag"])
        )
    notes = [(names[column], why) for column, why in gaps.items() if column in names]
    if table.attrs.get("ytd_left_out") and not gaps.get("ytd"):
        both = f"{names['ytd']} and {names['last_ytd']}"
        notes.append((both, f"counted {table.attrs['ytd_left_out']}"))
    return OffenseTable(names, rows, notes)


#: What the Change cell adds after the numbers for each ``aggregate.chance_verdict`` (a
#: change beyond chance carries no words: the footnote says unmarked changes are real).
_VERDICT_CELL = {
    "within chance": " within chance",
    "too few": " too few to judge",
    "too short": " too few weeks to judge",
}


def _percent_part(p: float | None) -> str:
    """`` (+8.1%)`` after a change, or nothing when no percentage is given (a count below
    ``aggregate.MIN_READABLE_COUNT``: ``weekly_offense_table`` leaves it out)."""
    return "" if missing(p) else f" ({percent(p)})"


@dataclass(frozen=True)
class Ranking:
    """``templates/ranking.html.j2``: top neighborhoods; no rows: nothing to rank."""

    name: str
    title: str
    now_label: str
    before_label: str
    #: (neighborhood, {"count", "previous", "change"} -> text)
    rows: list[tuple[str, dict[str, str]]]


def ranking(
    table: pd.DataFrame,
    *,
    name: str,
    title: str,
    now_label: str,
    before_label: str,
    top: int = 10,
) -> Ranking:
    """Top neighborhoods from ``aggregate.neighborhood_ranking``: count, before, change."""
    rows = []
    if not table.empty and int(table["count"].sum()) > 0:
        for hood, r in table[table["count"] > 0].head(top).iterrows():
            change = NO_COMPARISON if missing(r["change"]) else signed(r["change"])
            cells = {"count": count(r["count"]), "previous": count(r["previous"]), "change": change}
            rows.append((str(hood), cells))
    return Ranking(name, title, now_label, before_label, rows)


def neighborhoods(week: pd.DataFrame, ytd: pd.DataFrame, week_end: date) -> list[Ranking]:
    """The two neighborhood tables side by side: this week, and the year to date."""
    now, before = periods.ytd_windows(week_end)
    return [
        ranking(
            week,
            name="week",
            title="This week",
            now_label="This week",
            before_label="Previous week",
        ),
        ranking(
            ytd,
            name="ytd",
            title="Year to date",
            now_label=f"{now.end.year} to date",
            before_label=f"Same days {before.end.year}",
        ),
    ]


def _plain(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def programs(table: pd.DataFrame | None, district: str) -> dict[str, Any]:
    """The community violence intervention programs serving the place
    (``templates/programs.html.j2``): ``available`` False when the list could not be read;
    one row per program naming the area it serves and how current its listing is."""
    rows = []
    for _, p in (table if table is not None else pd.DataFrame()).iterrows():
        served = p.get("districts")
        area = _plain(p.get("area_served")) or (
            ", ".join(d.title() for d in served)
            if isinstance(served, list | tuple) and len(served)
            else CITYWIDE_LABEL
        )
        listed = "verified" if bool(p.get("verified")) else "not verified"
        if _plain(p.get("source_date")):
            listed += f", {_plain(p.get('source_date'))}"
        contact = [_plain(p.get(k)) for k in ("address", "website")]
        rows.append(
            {
                "name": _plain(p.get("name")),
                "type": _plain(p.get("type_label")) or _plain(p.get("type")),
                "area": area,
                "contact": " · ".join(c for c in contact if c),
                "listed": listed,
            }
        )
    return {"available": table is not None, "place": place_name(district), "rows": rows}


def methodology(
    manifest: Mapping[str, Any],
    *,
    week_end: date,
    hour_window: tuple[date, date],
    untimed: int,
    gaps: Mapping[str, str],
    generated_at: str,
    unit: str = VICTIMS,
    left_out: int = 0,
) -> dict[str, Any]:
    """The numbers and shared sentences of the methodology footnote; its own words are in
    ``templates/methodology.html.j2``."""
    sources = ", ".join(s.get("source", "?") for s in manifest.get("sources", [])) or "unknown"
    flag_gap = gaps.get("flag", "")
    return {
        "data_through": manifest.get("data_through") or "unknown",
        "demo": bool(manifest.get("demo", False)),
        "sources": sources,
        "coverage": coverage(manifest),
        "unit_note": unit_note(unit, left_out),
        "last_year": periods.ytd_windows(week_end)[1].end.year,
        "flag_meaning": FLAG_MEANING,
        "change_meaning": CHANGE_MEANING,
        "hour_first": short_date(hour_window[0]),
        "hour_last": short_date(hour_window[1]),
        "untimed": count(untimed),
        "unit_one": unit[:-1],
        "min_readable": aggregate.MIN_READABLE_COUNT,
        "preliminary": preliminary(manifest, week_end),
        "flag_gap": flag_gap[:1].upper() + flag_gap[1:],
        "generated_at": generated_at,
        "no_data": NO_DATA,
    }


def preliminary(manifest: Mapping[str, Any], week_end: date) -> dict[str, Any]:
    """Whether ``week_end`` is preliminary (``coverage.preliminary_weeks``) and the shared
    sentences that explain it."""
    through = manifest.get("data_through")
    return {
        "this_week": bool(through and preliminary_weeks([week_end], through)[0]),
        "meaning": PRELIMINARY_MEANING,
        "flag_rule": PRELIMINARY_FLAG_RULE,
    }


def coverage(manifest: Mapping[str, Any]) -> dict[str, Any] | None:
    """Which days hold data for every Part 1 offense: first and last day and up to four of
    the stretches without data; None when no day does."""
    cov = from_manifest(manifest)
    first, last = cov.first_day(PART1_OFFENSES), cov.last_day(PART1_OFFENSES)
    if first is None or last is None:
        return None
    holes = spans_of_days(cov.uncovered_days(first, last, PART1_OFFENSES))
    return {
        "first": short_date(first),
        "last": short_date(last),
        "holes": len(holes),
        "shown": [
            short_date(a) if a == b else f"{short_date(a)} – {short_date(b)}" for a, b in holes[:4]
        ],
    }


def index_row(summary: Mapping[str, Any]) -> dict[str, str]:
    """One report's line on the week's index (``templates/index.html.j2``) from its
    ``summary_row``."""
    now, before = summary["violent_ytd"], summary["violent_last_ytd"]
    if now is None or before is None:  # the same days of last year lack data
        change = NO_COMPARISON
    else:
        pct = aggregate.readable_percent(now, before)
        change = percent(pct) if pct is not None else signed(now - before)
    return {
        "place": summary["place"],
        "violent_week": count(summary["violent_week"]),
        "violent_4wk": average(summary["violent_4wk"]),
        "property_week": count(summary["property_week"]),
        "property_4wk": average(summary["property_4wk"]),
        "homicides_week": count(summary["homicides_week"]),
        "violent_ytd": count(now),
        "ytd_change": change,
    }


def _number(value: Any, kind: type = int) -> Any:
    """A count as a plain JSON value, None when it was not made."""
    return None if missing(value) else kind(value)


def summary_row(
    district: str,
    week_end: date,
    table: pd.DataFrame,
    gaps: Mapping[str, str] | None = None,
    *,
    preliminary: bool = False,
) -> dict[str, Any]:
    """The headline numbers the index page shows for one report (plain JSON values; None
    for a count that was not made)."""
    v, p = table.loc[VIOLENT_TOTAL], table.loc[PROPERTY_TOTAL]
    return {
        "district": district,
        "place": place_name(district),
        "week_ending": week_end.isoformat(),
        "violent_week": _number(v["this_week"]),
        "violent_4wk": _number(v["four_week_avg"], float),
        "property_week": _number(p["this_week"]),
        "property_4wk": _number(p["four_week_avg"], float),
        "homicides_week": _number(table.loc["HOMICIDE", "this_week"]),
        "shootings_week": _number(table.loc["SHOOTING", "this_week"]),
        "violent_ytd": _number(v["ytd"]),
        "violent_last_ytd": _number(v["last_ytd"]),
        "notable": [
            f"{OFFENSE_LABELS[o]} {f}"
            for o, f in table["flag"].items()
            if f and o in OFFENSE_LABELS
        ],
        "headline": headline(district, week_end, table, gaps, preliminary=preliminary),
    }


def map_caption(total: int, shown: int, has_outline: bool, unit: str = VICTIMS) -> str:
    """What the map shows (one dot per victim or per incident) and what it cannot."""
    one = "victim of a Part 1 crime" if unit == VICTIMS else "Part 1 incident"
    parts = [f"Each dot is one {one} this week ({count(shown)} shown)."]
    if total > shown:
        parts.append(f"{count(total - shown)} of {count(total)} have no coordinates.")
    if not has_outline:
        parts.append(
            "District boundaries are not installed in the data directory, so no outline is drawn."
        )
    return " ".join(parts)


# --------------------------------------------------------------------------------------
# Arrests
# --------------------------------------------------------------------------------------

#: The arrests table's number columns, in order (each cell carries ``data-col``).
ARREST_TABLE_COLUMNS: tuple[str, ...] = (
    "this_week",
    "previous_week",
    "ytd",
    "last_ytd",
    "ytd_change",
)


@dataclass(frozen=True)
class ArrestRow:
    #: ``arrests.MEASURES`` key: ``all`` or a charge group.
    measure: str
    label: str
    total: bool
    #: ``ARREST_TABLE_COLUMNS`` -> the cell's text.
    cells: dict[str, str]


@dataclass(frozen=True)
class ArrestTable:
    """``templates/arrests_table.html.j2``: the opening sentences, headings, one row per
    measure (all arrests, then each charge group) and why some counts are "no data"."""

    sentence: str
    headings: dict[str, str]
    rows: list[ArrestRow]
    notes: list[str] = field(default_factory=list)


def _change_cell(comparison: aggregate.Comparison) -> str:
    """``−12 (−8.1%)`` with the verdict words of the offense table, or ``no comparison``."""
    if comparison.why_not:
        return NO_COMPARISON
    verdict = aggregate.chance_verdict(comparison)
    return (
        signed(comparison.change)
        + _percent_part(comparison.percent)
        + _VERDICT_CELL.get(verdict, "")
    )


def _arrest_noun(n: float) -> str:
    return f"{count(n)} {'arrest' if n == 1 else 'arrests'}"


def arrests(
    week: list[aggregate.Comparison],
    ytd: list[aggregate.Comparison],
    week_end: date,
    district: str,
) -> ArrestTable:
    """The arrests section from ``report.data.ArrestCounts`` (this week against the week
    before, the year to date against the same days of last year; ``arrests.MEASURES``
    order): the opening sentences and the table by charge group."""
    now, before = periods.ytd_windows(week_end)
    same_days = periods.same_days_label(before)
    headings = {
        "this_week": "This week",
        "previous_week": "Previous week",
        "ytd": f"Year to date {now.end.year}",
        "last_ytd": f"Same days {before.end.year}",
        "ytd_change": "Change",
    }
    rows = []
    for this, year in zip(week, ytd, strict=True):
        cells = {
            "this_week": count(this.total),
            "previous_week": NO_DATA if this.why_not else count(this.previous),
            "ytd": count(year.total),
            "last_ytd": NO_DATA if year.why_not else count(year.previous),
            "ytd_change": _change_cell(year),
        }
        label = vocabulary.CHARGE_GROUP_LABELS[this.label]
        rows.append(ArrestRow(this.label, label, this.label == "all", cells))
    everything, year = week[0], ytd[0]
    place = place_subject(district)
    sentences = [
        f"In the week ending {long_date(week_end)}, police made "
        f"{_arrest_noun(everything.total)} in {place}"
        + (f" ({count(everything.previous)} the week before)." if not everything.why_not else ".")
    ]
    if year.why_not:
        sentences.append(
            f"Year to date, {_arrest_noun(year.total)}; there is {NO_COMPARISON} with the "
            f"{same_days} ({_reason(year.why_not)})."
        )
    else:
        pct = year.percent
        if pct is None:
            trend = f"against {count(year.previous)} over the {same_days}"
        elif round(pct, 1) == 0:
            trend = f"about the same as the {count(year.previous)} over the {same_days}"
        else:
            word = "more" if pct > 0 else "fewer"
            trend = f"{abs(pct):.1f}% {word} than the {count(year.previous)} over the {same_days}"
        chance = _CHANCE.get(aggregate.chance_verdict(year), "")
        sentences.append(f"Year to date, {_arrest_noun(year.total)}, {trend}{chance}.")
    notes = [
        f"{headings[key]}: {why}"
        for key, comparison in (("previous_week", everything), ("last_ytd", year))
        if (why := comparison.why_not)
    ]
    if year.left_out and not year.why_not:
        notes.append(f"{headings['ytd']} and {headings['last_ytd']}: counted {year.left_out}")
    return ArrestTable(" ".join(sentences), headings, rows, notes)
