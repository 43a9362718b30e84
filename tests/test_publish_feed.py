"""The published site's weekly reports archive and its Atom feed: a reports folder laid out
as ``bmoredash reports`` writes it (``reports/<week>/`` with the reports and the week's
``index.html`` from ``report.batch.write_index``, the summaries in ``reports-audit/<week>/``
from ``report.data.write_summary``), built by hand, then published with the demo store."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from conftest import DEMO_END, publishing_only

from bmoredash.publish import publish
from bmoredash.report.batch import write_index
from bmoredash.report.data import write_summary

ATOM = "{http://www.w3.org/2005/Atom}"
EXPLORER = "https://explorer.test/dashboard/"
NEWER, OLDER, INCOMPLETE = "2026-11-21", "2026-11-14", "2026-11-28"
#: When each week's files were last written (the newest file of the week).
WRITTEN = {
    NEWER: datetime(2026, 11, 22, 11, 30, 5, tzinfo=UTC),
    OLDER: datetime(2026, 11, 15, 10, 0, 0, tzinfo=UTC),
}
#: The reports each week holds (the older week has no citywide report, so no city summary).
PLACES = {NEWER: ("CITYWIDE", "WESTERN"), OLDER: ("WESTERN",)}


def city_summary(week: str) -> dict[str, Any]:
    """Headline numbers with the keys of ``report.text.summary_row``."""
    return {
        "district": "CITYWIDE",
        "place": "Baltimore City",
        "week_ending": week,
        "violent_week": 123,
        "violent_4wk": 118.25,
        "property_week": 456,
        "property_4wk": 470.5,
        "homicides_week": 4,
        "shootings_week": 6,
        "violent_ytd": 5432,
        "violent_last_ytd": 6000,
        "notable": [],
        "headline": "Part 1 violent crime in the city this week: 123.",
    }


def _stamp(path: Path, moment: datetime) -> None:
    os.utime(path, (moment.timestamp(), moment.timestamp()))


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("weekly") / "reports"
    audit = root.with_name("reports-audit")
    for week, places in PLACES.items():
        folder = root / week
        folder.mkdir(parents=True)
        (audit / week).mkdir(parents=True)
        for place in places:
            (folder / f"{place}.html").write_text(
                f"<!DOCTYPE html><title>{place} {week}</title><p>report</p>", encoding="utf-8"
            )
            (folder / f"{place}.pdf").write_bytes(b"%PDF-1.4\n" + f"{place} {week}".encode())
            summary = city_summary(week) | {"district": place, "place": place.title()}
            if place == "CITYWIDE":
                summary = city_summary(week)
            write_summary(
                SimpleNamespace(summary=lambda s=summary: s),
                audit / week / f"{place}.summary.json",
            )
        write_index(folder, demo=True, data_through=DEMO_END)
        (folder / ".WESTERN.4242.print.html").write_text("temporary", encoding="utf-8")
        (folder / "notes.txt").write_text("not publishable", encoding="utf-8")
        for path in folder.iterdir():
            _stamp(path, WRITTEN[week].replace(hour=1))
        _stamp(folder / f"{places[0]}.pdf", WRITTEN[week])  # the newest file of the week
    (root / INCOMPLETE).mkdir()  # a batch still running: reports, no index yet
    (root / INCOMPLETE / "WESTERN.html").write_text("<p>half</p>", encoding="utf-8")
    (root / "drafts").mkdir()  # not a week: ignored, not counted
    (root / "README.md").write_text("reports", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def published(demo_store: Path, reports: Path, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("published") / "site"
    with publishing_only():
        result = publish(demo_store, out, explorer_url=EXPLORER, reports_dir=reports)
    print(result.summary())
    return out, result


@pytest.fixture(scope="module")
def site(published) -> Path:
    return published[0]


def feed_entries(site: Path) -> tuple[ET.Element, list[ET.Element]]:
    root = ET.parse(site / "reports" / "feed.atom").getroot()
    return root, root.findall(f"{ATOM}entry")


def test_the_feed_has_one_entry_per_complete_week_newest_first(site: Path) -> None:
    root, entries = feed_entries(site)
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}updated") == "2026-11-22T11:30:05Z"
    assert root.findtext(f"{ATOM}id").startswith("tag:")
    assert root.find(f"{ATOM}author/{ATOM}name").text == "bmoredash"
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Weekly Part 1 crime reports, week ending Nov 21, 2026",
        "Weekly Part 1 crime reports, week ending Nov 14, 2026",
    ]
    assert [e.findtext(f"{ATOM}updated") for e in entries] == [
        "2026-11-22T11:30:05Z",
        "2026-11-15T10:00:00Z",
    ]
    for entry, week in zip(entries, (NEWER, OLDER), strict=True):
        links = entry.findall(f"{ATOM}link")
        assert len(links) == 1
        assert links[0].get("rel") == "alternate"
        assert links[0].get("href") == f"{week}/index.html"
        target = (site / "reports" / links[0].get("href")).resolve()
        assert target == (site / "reports" / week / "index.html").resolve()
        assert target.is_file()
        assert entry.findtext(f"{ATOM}id").startswith("tag:")
        assert entry.findtext(f"{ATOM}id").endswith(f"/{week}")


def test_the_entry_summary_carries_the_citys_numbers_when_its_summary_is_there(
    site: Path,
) -> None:
    _, entries = feed_entries(site)
    newer, older = (e.findtext(f"{ATOM}summary") for e in entries)
    assert newer == (
        "DEMO DATA: Baltimore City, week ending Nov 21, 2026: Part 1 violent this week 123 "
        "(4-week average 118.25); Part 1 property this week 456 (4-week average 470.5); "
        "homicides 4; violent year to date 5,432 (−9.5% against last year)."
    )
    # (5432 - 6000) / 6000 = -9.47%: the week's index says it the same way.
    assert "−9.5%" in (site / "reports" / NEWER / "index.html").read_text(encoding="utf-8")
    assert older == "DEMO DATA: 2 report file(s) and the week's index."


def test_ids_are_stable_across_publishes(
    site: Path, demo_store: Path, reports: Path, tmp_path: Path, few_pages: None
) -> None:
    root, entries = feed_entries(site)
    before = [root.findtext(f"{ATOM}id")] + [e.findtext(f"{ATOM}id") for e in entries]
    again = tmp_path / "again"
    publish(demo_store, again, explorer_url=EXPLORER, reports_dir=reports)
    root, entries = feed_entries(again)
    after = [root.findtext(f"{ATOM}id")] + [e.findtext(f"{ATOM}id") for e in entries]
    assert after == before
    assert len(set(after)) == 3
    assert [e.findtext(f"{ATOM}updated") for e in entries] == [
        "2026-11-22T11:30:05Z",
        "2026-11-15T10:00:00Z",
    ]


def test_the_archive_lists_both_weeks_and_skips_the_incomplete_one(site: Path, published) -> None:
    html = (site / "reports" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'data-week="([^"]+)"', html) == [NEWER, OLDER]
    assert INCOMPLETE not in html
    assert "Nov 28, 2026" not in html
    assert not (site / "reports" / INCOMPLETE).exists()
    assert f'href="{NEWER}/index.html">Week ending Nov 21, 2026</a>' in html
    assert f'href="{NEWER}/WESTERN.pdf">Western District (PDF)</a>' in html
    assert f'href="{NEWER}/CITYWIDE.html">Baltimore City (HTML)</a>' in html
    assert 'href="feed.atom"' in html
    result = published[1]
    assert (result.weeks, result.skipped_weeks) == (2, 1)
    assert "reports archive: 2 week(s), 1 incomplete week folder(s) skipped" in (result.summary())


def test_copied_files_are_byte_identical_and_only_publishable(site: Path, reports: Path) -> None:
    for week, places in PLACES.items():
        copied = {p.name for p in (site / "reports" / week).iterdir()}
        expected = {"index.html"} | {f"{p}.{ext}" for p in places for ext in ("html", "pdf")}
        assert copied == expected
        for name in expected:
            assert (site / "reports" / week / name).read_bytes() == (
                reports / week / name
            ).read_bytes(), name
    assert sorted(p.name for p in (site / "reports").iterdir()) == [
        OLDER,
        NEWER,
        "feed.atom",
        "index.html",
    ]


_LINK = re.compile(r'(?:src|href)="([^"]*)"')


def test_no_page_references_anything_outside_the_site(site: Path) -> None:
    pages = [site / "index.html", *sorted((site / "reports").rglob("*.html"))]
    assert len(pages) == 1 + 1 + 3 + 2  # front, archive, the weeks' index and report pages
    inside = site.resolve()
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for link in _LINK.findall(html):
            if page.name == "index.html" and page.parent == site and link.startswith(EXPLORER):
                continue  # the front page's one link to the explorer
            if link.startswith("#"):  # a place in the page itself (the skip link)
                assert f'id="{link[1:]}"' in html, f"{page}: {link}"
                continue
            assert "://" not in link and not link.startswith("/"), f"{page}: {link}"
            target = (page.parent / link).resolve()
            assert target.is_relative_to(inside), f"{page}: {link}"
            assert target.is_file(), f"{page}: {link}"
    feed = site / "reports" / "feed.atom"
    for link in ET.parse(feed).getroot().iter(f"{ATOM}link"):
        target = (feed.parent / link.get("href")).resolve()
        assert target.is_relative_to(inside) and target.is_file(), link.get("href")


def test_the_front_page_links_the_archive_and_the_feed(site: Path) -> None:
    html = (site / "index.html").read_text(encoding="utf-8")
    head = html.split("</head>")[0]
    assert re.search(
        r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" '
        r'href="reports/feed.atom">',
        head,
    )
    assert '<a href="reports/index.html">Every week\'s reports</a> (2 weeks' in html
    assert '<a href="reports/feed.atom" type="application/atom+xml">Atom feed</a>' in html
    # a place page does not announce the feed
    assert "application/atom+xml" not in (site / "district" / "western.html").read_text(
        encoding="utf-8"
    )


def test_without_reports_the_site_has_no_archive(
    demo_store: Path, tmp_path: Path, few_pages: None
) -> None:
    empty = tmp_path / "reports"
    empty.mkdir()
    (empty / "README.md").write_text("reports", encoding="utf-8")
    (empty / "drafts").mkdir()
    for source in (empty, tmp_path / "missing"):
        out = tmp_path / f"site-{source.name}"
        result = publish(demo_store, out, reports_dir=source)
        assert not (out / "reports").exists()
        html = (out / "index.html").read_text(encoding="utf-8")
        assert "reports/" not in html
        assert "atom" not in html.lower()
        assert (result.weeks, result.skipped_weeks) == (0, 0)
        assert "archive" not in result.summary()


def test_cli_publish_reports_dir(
    demo_store: Path, reports: Path, tmp_path: Path, few_pages: None
) -> None:
    from typer.testing import CliRunner

    from bmoredash.cli import app

    out = tmp_path / "site"
    args = ["publish", "--out", str(out), "--data-dir", str(demo_store)]
    result = CliRunner().invoke(app, [*args, "--reports-dir", str(reports)])
    assert result.exit_code == 0, result.output
    assert "; reports archive: 2 week(s), 1 incomplete week folder(s) skipped" in result.output
    assert (out / "reports" / "feed.atom").is_file()
    a_file = tmp_path / "reports.txt"
    a_file.write_text("not a folder", encoding="utf-8")
    bad = CliRunner().invoke(app, [*args, "--reports-dir", str(a_file)])
    assert bad.exit_code == 1
    assert "is a file, not a folder of weekly reports" in bad.output


def test_feed_values_are_xml_escaped_and_file_names_read_as_places(tmp_path: Path) -> None:
    from datetime import date

    from bmoredash.publish import archive

    summary = city_summary(NEWER) | {"place": 'Fells Point & "Canton" <East>'}
    week = archive.Week(
        date(2026, 11, 21),
        tmp_path,
        ("index.html", "COUNCIL-9-incidents.pdf"),
        WRITTEN[NEWER],
        summary,
    )
    feed = ET.fromstring(archive.feed_xml(archive.Archive(tmp_path, (week,), ()), demo=False))
    text = feed.find(f"{ATOM}entry/{ATOM}summary").text
    assert text.startswith('Fells Point & "Canton" <East>, week ending Nov 21, 2026: ')
    assert feed.findtext(f"{ATOM}title") == "Baltimore City: weekly Part 1 crime reports"
    files = archive.page_values(archive.Archive(tmp_path, (week,), ()))["weeks"][0]["files"]
    assert files == [
        {
            "href": "2026-11-21/COUNCIL-9-incidents.pdf",
            "label": "Council District 9, incidents (PDF)",
        }
    ]


def test_the_spanish_archive_lists_the_same_reports_and_feed(site: Path) -> None:
    """``es/reports/index.html``: the weeks in Spanish words, linking the reports and the
    feed of ``reports/`` (they are written in English, once)."""
    page = site / "es" / "reports" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert '<html lang="es">' in html
    assert re.findall(r'data-week="([^"]+)"', html) == [NEWER, OLDER]
    assert f'href="../../reports/{NEWER}/index.html">Semana que termina el 21 nov 2026</a>' in html
    assert f'href="../../reports/{NEWER}/WESTERN.pdf">Distrito Oeste (PDF)</a>' in html
    assert 'href="../../reports/feed.atom"' in html
    inside = site.resolve()
    for link in _LINK.findall(html):
        if link.startswith("#"):
            continue
        target = (page.parent / link).resolve()
        assert target.is_relative_to(inside) and target.is_file(), link
    assert sorted(p.name for p in page.parent.iterdir()) == ["index.html"]
    front = (site / "es" / "index.html").read_text(encoding="utf-8")
    assert '<a href="reports/index.html">Los informes de cada semana</a> (2 semanas' in front
    assert '<a href="../reports/feed.atom" type="application/atom+xml">Canal Atom</a>' in front
