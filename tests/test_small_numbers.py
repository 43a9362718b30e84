"""One small-numbers rule on every face: no percentage where either count is below
``MIN_READABLE_COUNT`` (``aggregate.percent_readable``), on every dashboard page and in the
weekly reports (HTML, PDF text and the index page)."""

from __future__ import annotations

import html as html_lib
import re
import shutil
from pathlib import Path

import pytest

from bmoredash import aggregate as agg

PERCENT = re.compile(r"[+\u2212-]?\d[\d,]*(?:\.\d+)?\s*%")
#: Unsigned whole numbers: counts (a signed number is a difference, a decimal an average).
COUNT = re.compile(r"(?<![\d.,+\u2212-])\d[\d,]*(?![\d,])(?!\.\d)(?!\s*%)")


def _text(fragment: str) -> str:
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment))


def counts_in(fragment: str) -> list[int]:
    return [int(n.replace(",", "")) for n in COUNT.findall(_text(fragment))]


def small_percentages_in_tables(page_html: str) -> list[str]:
    """Table rows (their header cell left out) holding a percentage beside a count below
    ``MIN_READABLE_COUNT``."""
    bad = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page_html, re.S):
        cells = re.sub(r"<th[^>]*>.*?</th>", "", row, flags=re.S)
        if PERCENT.search(_text(cells)) and any(
            c < agg.MIN_READABLE_COUNT for c in counts_in(cells)
        ):
            bad.append(_text(row).strip())
    return bad


def small_percentages_on_cards(page_html: str) -> list[str]:
    """Overview cards whose change has a percentage though a count is below 10."""
    bad = []
    for card in re.findall(r'<div class="bmd-card".*?</div></div>', page_html, re.S):
        now = re.search(r'class="bmd-count"[^>]*>([\d,]+)<', card)
        before = re.search(r'<div style="font-size:13px">([\d,]+) in ', card)
        change = re.search(r'class="bmd-change"[^>]*>(.*?)</div>', card, re.S)
        if not (now and change and PERCENT.search(_text(change.group(1)))):
            continue
        numbers = [int(m.group(1).replace(",", "")) for m in (now, before) if m]
        if len(numbers) < 2 or min(numbers) < agg.MIN_READABLE_COUNT:
            bad.append(_text(card))
    return bad


def test_the_scanners_find_what_the_issue_describes() -> None:
    row = '<tr><th scope="row">Hood 1</th><td>4</td><td>1</td><td>+300.0%</td></tr>'
    assert small_percentages_in_tables(row)
    fine = '<tr><th scope="row">Hood 1</th><td>40</td><td>10</td><td>+300.0%</td></tr>'
    assert not small_percentages_in_tables(fine)
    card = (
        '<div class="bmd-card"><div>Homicides</div><div class="bmd-count">4</div>'
        '<div style="font-size:13px">1 in 2024</div><div class="bmd-change">+3 (+300.0%)'
        "</div></div>"
    )
    assert small_percentages_on_cards(card)


# --------------------------------------------------------------------------------------
# Every dashboard page
# --------------------------------------------------------------------------------------

VIEWS = [
    "",
    "district=WESTERN",
    "district=WESTERN&neighborhood=Western%20Hood%201",
    "district=SOUTHERN&neighborhood=Southern%20Hood%202&offense=HOMICIDE",
    "district=EASTERN&year=2024&offense=ARSON",
    "district=CENTRAL&offense=RAPE&offense=HOMICIDE",
]


@pytest.fixture(scope="module")
def widget_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.test_app_widgets import _write

    return _write(tmp_path_factory.mktemp("small-numbers"), demo=False)


def _page_html(widget) -> str:
    """Every HTML value under a widget."""
    import ipywidgets as widgets

    out = []
    stack = [widget]
    while stack:
        w = stack.pop()
        if isinstance(w, widgets.HTML):
            out.append(w.value)
        stack.extend(getattr(w, "children", ()) or ())
    return "\n".join(out)


@pytest.mark.parametrize("query", VIEWS)
def test_no_page_gives_a_percentage_beside_a_small_count(widget_store: Path, query: str) -> None:
    from bmoredash.app import build_app
    from bmoredash.app.context import DashboardContext

    app = build_app(context=DashboardContext.from_store(widget_store), query=query)
    scanned = 0
    small_counts_seen = False
    for spec in app.specs:
        app.state.page = spec.slug
        page = app.pages.get(spec.slug)
        assert page is not None, spec.slug
        text = _page_html(page.widget)
        scanned += len(re.findall(r"<tr", text))
        small_counts_seen |= any(c < agg.MIN_READABLE_COUNT for c in counts_in(text))
        assert small_percentages_in_tables(text) == [], (query, spec.slug)
        assert small_percentages_on_cards(text) == [], (query, spec.slug)
    assert scanned > 50 and small_counts_seen


# --------------------------------------------------------------------------------------
# The weekly reports
# --------------------------------------------------------------------------------------

from tests import test_report as _report_tests  # noqa: E402

#: The report tests' fixtures: a small store and two rendered reports.
fixture_store = _report_tests.fixture_store
rendered = _report_tests.rendered
pdf_text = _report_tests.pdf_text


@pytest.mark.slow
@pytest.mark.parametrize("district", ["WESTERN", "CITYWIDE"])
def test_no_report_gives_a_percentage_beside_a_small_count(district: str, rendered) -> None:
    result = rendered[district]
    page = result.html.read_text(encoding="utf-8")
    rows = {o: c for (t, o), c in _report_tests.html_cells(page).items() if t == "offenses"}
    assert len(rows) >= 10
    small = 0
    for offense, cells in rows.items():
        ytd, last = (counts_in(cells[c]) for c in ("ytd", "last_ytd"))
        if ytd and last and min(ytd[0], last[0]) < agg.MIN_READABLE_COUNT:
            small += 1
            assert not PERCENT.search(cells["ytd_change"]), (offense, cells)
    assert small > 0, "the fixture should hold small year-to-date counts"
    # No other table of the report holds a percentage (its rows mix counts of other weeks).
    assert not any(
        PERCENT.search(_text(t))
        for t in re.findall(r'<table class="(?!offenses).*?</table>', page, re.S)
    )
    # The headline's year-to-date sentence: a percentage only against 10 or more.
    headline = _text(re.search(r'<p class="headline">(.*?)</p>', page, re.S).group(1))
    for sentence in re.findall(r"Year to date[^.]*\.", headline):
        if PERCENT.search(sentence):
            assert min(counts_in(sentence)) >= agg.MIN_READABLE_COUNT, sentence
    index = (result.html.parent / "index.html").read_text(encoding="utf-8")
    for count, pct in re.findall(r"([\d,]+) \(([^)]*%)\)", _text(index)):
        assert int(count.replace(",", "")) >= agg.MIN_READABLE_COUNT, (count, pct)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("district", ["WESTERN", "CITYWIDE"])
def test_no_pdf_line_gives_a_percentage_beside_a_small_count(district: str, rendered) -> None:
    from bmoredash.report.text import OFFENSE_LABELS

    text = pdf_text(rendered[district].pdf)
    rows = 0
    for line in text.splitlines():
        label = next((v for v in OFFENSE_LABELS.values() if line.strip().startswith(v)), None)
        if label is None:
            continue
        numbers = [int(n.replace(",", "")) for n in COUNT.findall(line.split(label, 1)[1])]
        if len(numbers) < 5:
            continue
        rows += 1
        # An offense row: this week, previous week, (average), same week last year, YTD,
        # last YTD: the last two whole numbers are the year-to-date counts.
        if PERCENT.search(line):
            assert min(numbers[-2:]) >= agg.MIN_READABLE_COUNT, line
    assert rows >= 10
