"""Words and tables for the weekly report, written from numbers aggregate.py has counted.

Nothing here counts rows: every function takes counts (a ``weekly_offense_table``, a
``neighborhood_ranking``...) and turns them into HTML a reader can scan or print. Each
number cell carries ``data-col`` / ``data-offense`` attributes so tests can find it.

A missing count (NaN or None) is a window without complete data: it reads "no data", a
change that needs it reads "no comparison", and ``gaps`` (``aggregate.report_gaps``) says
why; it is never written as zero.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
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
from bmoredash.vocabulary import (
    OFFENSE_PLURALS,
    PROPERTY_TOTAL,
    TOTAL_LABELS,
    VIOLENT_TOTAL,
    place_name,
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


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


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
    place = place_name(district)
    subject = "the city" if district == CITYWIDE else f"the {place}"
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


def headline_html(
    district: str,
    week_end: date,
    table: pd.DataFrame,
    gaps: Mapping[str, str] | None = None,
    *,
    preliminary: bool = False,
) -> str:
    line = headline(district, week_end, table, gaps, preliminary=preliminary)
    return f'<p class="headline">{esc(line)}</p>'


# --------------------------------------------------------------------------------------
# Page furniture
# --------------------------------------------------------------------------------------


def title_html(
    district: str, week_start: date, week_end: date, demo: bool, unit: str = VICTIMS
) -> str:
    """The report's title block (saying what the counts count), with the Demo data banner
    first when the data is synthetic."""
    banner = (
        '<div class="demo-banner" role="note"><strong>Demo data</strong> — these numbers come '
        "from bmoredash's synthetic generator, not from Baltimore Police Department records."
        "</div>"
        if demo
        else ""
    )
    return (
        f'{banner}<header class="report-title">'
        f'<p class="kicker">Weekly Part 1 crime report · counting {esc(unit)}</p>'
        f"<h1>{esc(place_name(district))}</h1>"
        f'<p class="dates">Week ending {esc(long_date(week_end))} '
        f"({esc(short_date(week_start))} – {esc(short_date(week_end))}, Eastern time)</p>"
        "</header>"
    )


def _cell(value: str, col: str, *, numeric: bool = True, cls: str = "") -> str:
    classes = " ".join(c for c in ("num" if numeric else "", cls) if c)
    class_attr = f' class="{classes}"' if classes else ""
    return f'<td data-col="{col}"{class_attr}>{esc(value)}</td>'


def _flag_cell(flag: str) -> str:
    if flag == "higher":
        return _cell("▲ higher", "flag", numeric=False, cls="flag flag-higher")
    if flag == "lower":
        return _cell("▼ lower", "flag", numeric=False, cls="flag flag-lower")
    return _cell("", "flag", numeric=False)


def offense_table_html(
    table: pd.DataFrame, week_end: date, gaps: Mapping[str, str] | None = None
) -> str:
    """The per-offense table: this week, previous week, 4-week average, same week last
    year, year to date against last year to date, the change, and a notable flag; then,
    when ``gaps`` has any, why some counts are "no data" and some changes not made."""
    ytd, same_days = periods.ytd_windows(week_end)
    year, last_year = ytd.end.year, same_days.end.year
    head = (
        "<thead><tr>"
        '<th scope="col">Offense</th>'
        '<th scope="col" class="num">This week</th>'
        '<th scope="col" class="num">Previous week</th>'
        '<th scope="col" class="num">4-week average</th>'
        '<th scope="col" class="num">Same week last year</th>'
        f'<th scope="col" class="num">Year to date {year}</th>'
        f'<th scope="col" class="num">Same days {last_year}</th>'
        '<th scope="col" class="num">Change</th>'
        '<th scope="col">Notable?</th>'
        "</tr></thead>"
    )
    rows = []
    for offense in TABLE_ORDER:
        r = table.loc[offense]
        cls = ' class="total"' if offense in _TOTALS else ""
        change = (
            NO_COMPARISON
            if missing(r["ytd_change"])
            else signed(r["ytd_change"])
            + _percent_part(r["ytd_percent"])
            + _VERDICT_CELL.get(r.get("ytd_verdict", ""), "")
        )
        rows.append(
            f'<tr data-offense="{esc(offense)}"{cls}>'
            f'<th scope="row">{esc(OFFENSE_LABELS[offense])}</th>'
            + _cell(count(r["this_week"]), "this_week")
            + _cell(count(r["previous_week"]), "previous_week")
            + _cell(average(r["four_week_avg"]), "four_week_avg")
            + _cell(count(r["same_week_last_year"]), "same_week_last_year")
            + _cell(count(r["ytd"]), "ytd")
            + _cell(count(r["last_ytd"]), "last_ytd")
            + _cell(change, "ytd_change")
            + _flag_cell(r["flag"])
            + "</tr>"
        )
    names = {**_COLUMN_NAMES, "ytd": f"Year to date {year}", "last_ytd": f"Same days {last_year}"}
    notes = "".join(
        f"<li>{esc(names[column])}: {esc(why)}</li>"
        for column, why in (gaps or {}).items()
        if column in names
    )
    if table.attrs.get("ytd_left_out") and not (gaps or {}).get("ytd"):
        both = f"{names['ytd']} and {names['last_ytd']}"
        notes += f"<li>{esc(both)}: counted {esc(table.attrs['ytd_left_out'])}</li>"
    missing_note = (
        f'<ul class="gaps" aria-label="Counts and comparisons without data">{notes}</ul>'
        if notes
        else ""
    )
    return f'<table class="offenses">{head}<tbody>{"".join(rows)}</tbody></table>{missing_note}'


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


def ranking_html(
    ranking: pd.DataFrame, *, now_label: str, before_label: str, top: int = 10, name: str
) -> str:
    """Top neighborhoods from ``aggregate.neighborhood_ranking``: count, before, change."""
    if ranking.empty or int(ranking["count"].sum()) == 0:
        return '<p class="empty">No incidents with a recorded neighborhood.</p>'
    shown = ranking[ranking["count"] > 0].head(top)
    rows = "".join(
        f'<tr data-neighborhood="{esc(hood)}"><th scope="row">{esc(hood)}</th>'
        + _cell(count(r["count"]), "count")
        + _cell(count(r["previous"]), "previous")
        + _cell(NO_COMPARISON if missing(r["change"]) else signed(r["change"]), "change")
        + "</tr>"
        for hood, r in shown.iterrows()
    )
    return (
        f'<table class="ranking" data-table="{esc(name)}"><thead><tr>'
        '<th scope="col">Neighborhood</th>'
        f'<th scope="col" class="num">{esc(now_label)}</th>'
        f'<th scope="col" class="num">{esc(before_label)}</th>'
        '<th scope="col" class="num">Change</th>'
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )


def programs_html(programs: pd.DataFrame | None, district: str) -> str:
    """The community violence intervention programs serving the place, or a plain note.

    One compact row per program (a district can have more than fifteen); each names the
    area it serves and how current its listing is.
    """
    if programs is None:
        return '<p class="empty">Program list unavailable.</p>'
    if programs.empty:
        return f'<p class="empty">No programs listed for {esc(place_name(district))}.</p>'

    def text(value: Any) -> str:
        return value.strip() if isinstance(value, str) else ""

    rows = []
    for _, p in programs.iterrows():
        served = p.get("districts")
        area = text(p.get("area_served")) or (
            ", ".join(d.title() for d in served)
            if isinstance(served, list | tuple) and len(served)
            else "Citywide"
        )
        contact = " · ".join(v for v in (text(p.get("address")), text(p.get("website"))) if v)
        listed = "verified" if bool(p.get("verified")) else "not verified"
        if text(p.get("source_date")):
            listed += f", {text(p.get('source_date'))}"
        rows.append(
            f'<tr><th scope="row">{esc(text(p.get("name")))}</th>'
            f"<td>{esc(text(p.get('type_label')) or text(p.get('type')))}</td>"
            f"<td>{esc(area)}</td>"
            f'<td class="contact">{esc(contact)}</td>'
            f'<td class="listed">{esc(listed)}</td></tr>'
        )
    return (
        '<table class="programs"><thead><tr><th scope="col">Program</th>'
        '<th scope="col">Type</th><th scope="col">Serves</th><th scope="col">Contact</th>'
        f'<th scope="col">Listing</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def methodology_html(
    manifest: Mapping[str, Any],
    *,
    week_end: date,
    hour_window: tuple[date, date],
    untimed: int,
    gaps: Mapping[str, str],
    generated_at: str,
    unit: str = VICTIMS,
    left_out: int = 0,
) -> str:
    """The footnote: where the numbers come from, which days hold data, how each number is
    counted (``unit``: victims or incidents), data through when."""
    through = manifest.get("data_through") or "unknown"
    sources = ", ".join(s.get("source", "?") for s in manifest.get("sources", [])) or "unknown"
    demo = manifest.get("demo", False)
    last_year = periods.ytd_windows(week_end)[1].end.year
    notes = [
        f"Data through {esc(through)}"
        + (" (<strong>Demo data</strong>: synthetic incidents, not real crimes)" if demo else "")
        + f". Sources: {esc(sources)}.",
        esc(coverage_note(manifest)),
        esc(unit_note(unit, left_out))
        + " Common assault is not a Part 1 crime and is left out. Dates are the Eastern-time "
        "date the crime occurred; weeks run Sunday to Saturday.",
        "The 4-week average covers the 28 days ending this week. Same week last year is the "
        "week 52 weeks earlier. Year to date runs from January 1 through the week's last day; "
        f"the {last_year} figure covers the same calendar days of {last_year}, so the two "
        "windows never overlap.",
        esc(FLAG_MEANING)
        + " Never when fewer than 8 of the 52 weeks before have data, and never when both "
        "the count and its expectation are below 10. The expectation is the average of the "
        "weeks with data among the previous 52 times a seasonal factor (the same week, "
        "give or take 3, in each of up to 3 earlier years against that year's 52-week "
        "average); the test is a negative binomial with the variance the history's own "
        "weeks show around their expectations.",
        esc(CHANGE_MEANING)
        + " In the table, a year-to-date change with no words after it is beyond chance; "
        "“within chance” marks the others.",
        f"The hour-by-weekday chart covers {esc(short_date(hour_window[0]))} – "
        f"{esc(short_date(hour_window[1]))}; {count(untimed)} {esc(unit[:-1])}(s) published "
        "without a time of day are left out of it.",
        f"A change is given in percent only when both counts are at least "
        f"{aggregate.MIN_READABLE_COUNT}; with fewer, only the difference is given (4 against "
        "1 reads +3).",
        preliminary_note(manifest, week_end),
    ]
    if "flag" in gaps:
        notes.append(esc(gaps["flag"][:1].upper() + gaps["flag"][1:]) + ".")
    notes.append(f"Generated {esc(generated_at)} by bmoredash.")
    return (
        '<section class="methodology"><h2>Methodology</h2><ol>'
        + "".join(f"<li>{n}</li>" for n in notes)
        + "</ol></section>"
    )


def preliminary_note(manifest: Mapping[str, Any], week_end: date) -> str:
    """The footnote on preliminary weeks (``coverage.preliminary_weeks``), in plain words."""
    through = manifest.get("data_through")
    if through and preliminary_weeks([week_end], through)[0]:
        first = (
            "This week's counts are preliminary. "
            + esc(PRELIMINARY_MEANING)
            + " "
            + esc(PRELIMINARY_FLAG_RULE)
            + " In the weekly chart the preliminary weeks are "
            "hatched."
        )
    else:
        first = esc(PRELIMINARY_MEANING)
    return first + " Any week can also change as reports are reclassified."


def coverage_note(manifest: Mapping[str, Any]) -> str:
    """Which days hold data for every Part 1 offense, and the rule for the others."""
    cov = from_manifest(manifest)
    first, last = cov.first_day(PART1_OFFENSES), cov.last_day(PART1_OFFENSES)
    if first is None or last is None:
        return "No day holds data for every Part 1 offense."
    holes = spans_of_days(cov.uncovered_days(first, last, PART1_OFFENSES))
    shown = ", ".join(
        short_date(a) if a == b else f"{short_date(a)} – {short_date(b)}" for a, b in holes[:4]
    )
    more = " ..." if len(holes) > 4 else ""
    without = f", except {len(holes)} stretch(es) without data ({shown}{more})" if holes else ""
    return (
        f"Days with data: {short_date(first)} – {short_date(last)}{without}. A day without "
        f"data is not a day without crime: a count whose window holds one reads “{NO_DATA}”, "
        "a comparison that needs it is not made, and a week holding one is a grey band in "
        "the weekly chart."
    )


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


def two_columns(left_title: str, left_html: str, right_title: str, right_html: str) -> str:
    """Two tables side by side (they stack on a narrow screen, stay together in print)."""
    return (
        f'<div class="two-col"><div><h3>{esc(left_title)}</h3>{left_html}</div>'
        f"<div><h3>{esc(right_title)}</h3>{right_html}</div></div>"
    )


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
