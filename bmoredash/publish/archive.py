"""The weekly reports archive of the static site: ``reports/index.html``, the Atom feed
``reports/feed.atom``, and each week's publishable files copied to ``reports/<week>/``.

Why here and not in ``report``: the folder ``bmoredash reports`` writes is the source, read
as it is (``reports/<week>/`` holds only HTML, PDF and ``index.html``; the headline numbers
are in the audit folder's ``<place>.summary.json``, ``report.data.write_summary``). The
site copies what a week published, never more: no notebook, no hidden or temporary file, no
link that leads out of the folder. A week folder without ``index.html`` is a batch still
running or one that failed; it is skipped and counted, never half-published.

The feed's entry ids are ``tag:`` URIs made from the week alone, so a reader sees the same
entry after every publish; its ``updated`` is the newest modification time of the week's
files, in UTC.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from bmoredash import config, i18n
from bmoredash.files import TMP_PREFIX
from bmoredash.i18n import gettext as _
from bmoredash.i18n import ngettext
from bmoredash.publish import render
from bmoredash.publish.data import SiteData
from bmoredash.report.data import read_summary
from bmoredash.report.params import REPORT_SETS
from bmoredash.report.text import index_row, place_name, short_date
from bmoredash.schema import CITYWIDE
from bmoredash.vocabulary import CITY_NAME, DEMO_MARK

#: The archive's folder inside the site, its page and its feed.
ARCHIVE_DIR = "reports"
ARCHIVE_PAGE = f"{ARCHIVE_DIR}/index.html"
FEED_FILE = f"{ARCHIVE_DIR}/feed.atom"
#: The file every complete week holds (``report.batch.write_index``).
WEEK_INDEX = "index.html"
#: What a week may publish: the reports and the week's index (``README`` "Reports").
PUBLISHABLE = (".html", ".pdf")
#: The tag: URI authority and minting date of every id in the feed (RFC 4151). Never
#: change them: a feed reader knows an entry by its id.
TAG_PREFIX = "tag:bmoredash,2026-12-01:baltimore/weekly-reports"
FEED_TITLE = f"{CITY_NAME}: weekly Part 1 crime reports"
FEED_AUTHOR = "bmoredash"
#: Every place a weekly report is made for (its file is named by it).
REPORT_PLACES = frozenset(p for places in REPORT_SETS.values() for p in places)


@dataclass(frozen=True)
class Week:
    """One complete week folder: its publishable files and the citywide summary, if any."""

    week_end: date
    folder: Path
    #: File names, the week's index first, then the reports in name order.
    files: tuple[str, ...]
    #: The newest modification time of those files (UTC).
    updated: datetime
    #: The citywide report's headline numbers (``report.data.write_summary``), or None.
    summary: dict[str, Any] | None

    @property
    def name(self) -> str:
        return self.week_end.isoformat()


@dataclass(frozen=True)
class Archive:
    """The weeks found in a reports folder, newest first, and the incomplete ones skipped."""

    source: Path
    weeks: tuple[Week, ...]
    skipped: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.weeks)


def _week_of(folder: Path) -> date | None:
    """The week a folder is named for (``2026-11-21``), or None for any other folder."""
    try:
        day = date.fromisoformat(folder.name)
    except ValueError:
        return None
    return day if day.isoformat() == folder.name else None


def _publishable(folder: Path) -> list[str]:
    """The week's files a site may carry: HTML and PDF, plain files (no link), not hidden."""
    names = [
        p.name
        for p in folder.iterdir()
        if p.suffix.lower() in PUBLISHABLE
        and not p.name.startswith((".", TMP_PREFIX))
        and p.is_file()
        and not p.is_symlink()
    ]
    return sorted(names, key=lambda n: (n != WEEK_INDEX, n))


def scan(reports_dir: str | os.PathLike[str] | None) -> Archive:
    """The weeks of ``reports_dir`` (None or a missing folder: none). Raises ``ValueError``
    when it is a file."""
    if reports_dir is None:
        return Archive(Path(), (), ())
    root = Path(reports_dir)
    if not root.exists():
        return Archive(root, (), ())
    if not root.is_dir():
        raise ValueError(f"{root} is a file, not a folder of weekly reports")
    audit = config.report_audit_dir(root.absolute())
    weeks, skipped = [], []
    for folder in root.iterdir():
        week_end = _week_of(folder)
        if week_end is None or folder.is_symlink() or not folder.is_dir():
            continue
        files = _publishable(folder)
        if WEEK_INDEX not in files:
            skipped.append(folder.name)
            continue
        newest = max((folder / n).stat().st_mtime for n in files)
        weeks.append(
            Week(
                week_end,
                folder,
                tuple(files),
                datetime.fromtimestamp(newest, UTC).replace(microsecond=0),
                read_summary(audit / folder.name / f"{CITYWIDE}.summary.json"),
            )
        )
    weeks.sort(key=lambda w: w.week_end, reverse=True)
    return Archive(root, tuple(weeks), tuple(sorted(skipped)))


def atom_time(moment: datetime) -> str:
    """RFC 3339 in UTC: ``2026-11-22T06:00:00Z``."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def entry_title(week: Week) -> str:
    return f"Weekly Part 1 crime reports, week ending {short_date(week.week_end)}"


def entry_summary(week: Week, demo: bool) -> str:
    """The city's headline numbers in one sentence (the week's index's own words and
    formats, ``report.text.index_row``), or what the week holds when no summary is there."""
    if week.summary is None:
        reports = len(week.files) - 1
        text = f"{reports} report file(s) and the week's index."
    else:
        row = index_row(week.summary)
        text = (
            f"{row['place']}, week ending {short_date(week.week_end)}: "
            f"Part 1 violent this week {row['violent_week']} (4-week average "
            f"{row['violent_4wk']}); Part 1 property this week {row['property_week']} "
            f"(4-week average {row['property_4wk']}); homicides {row['homicides_week']}; "
            f"violent year to date {row['violent_ytd']} ({row['ytd_change']} against last year)."
        )
    return f"{DEMO_MARK}: {text}" if demo else text


def href(*parts: str) -> str:
    """A relative link to a file of the site, every part percent-encoded."""
    return "/".join(quote(p) for p in parts)


def _file_label(name: str) -> str:
    """``WESTERN.pdf`` -> ``Western District (PDF)``; ``WESTERN-incidents.html`` keeps its
    suffix: ``Western District, incidents (HTML)``; an unknown name stays as it is."""
    stem = PurePosixPath(name).stem
    kind = PurePosixPath(name).suffix.lstrip(".").upper()
    place, _, variant = stem.partition("-")
    if place == "COUNCIL" and variant:  # COUNCIL-9, COUNCIL-9-incidents
        number, _, variant = variant.partition("-")
        place = f"COUNCIL-{number}"
    label = place_name(place) if place in REPORT_PLACES else stem
    return f"{label}{', ' + variant if variant else ''} ({kind})"


def page_values(archive: Archive, up: str = "") -> dict[str, Any]:
    """What ``archive.html.j2`` lists: every week, newest first, with its files, in the
    current language. ``up``: the way from the page to ``reports/`` when the page is not
    there (another language's archive page links the same files and feed)."""
    return {
        "weeks": [
            {
                "name": week.name,
                "title": _("Week ending %(day)s") % {"day": i18n.short_date(week.week_end)},
                "index": up + href(week.name, WEEK_INDEX),
                "updated": atom_time(week.updated),
                "files": [
                    {"href": up + href(week.name, n), "label": _file_label(n)}
                    for n in week.files
                    if n != WEEK_INDEX
                ],
            }
            for week in archive.weeks
        ],
        "feed": up + href(PurePosixPath(FEED_FILE).name),
    }


def feed_values(archive: Archive, demo: bool) -> dict[str, Any]:
    """What ``feed.atom.j2`` writes; links relative to the feed (``reports/feed.atom``)."""
    return {
        "id": TAG_PREFIX,
        "title": f"{FEED_TITLE} ({DEMO_MARK})" if demo else FEED_TITLE,
        "author": FEED_AUTHOR,
        "updated": atom_time(max(w.updated for w in archive.weeks)),
        "self_link": href(PurePosixPath(FEED_FILE).name),
        "page": href(WEEK_INDEX),
        "entries": [
            {
                "id": f"{TAG_PREFIX}/{week.name}",
                "title": entry_title(week),
                "updated": atom_time(week.updated),
                "link": href(week.name, WEEK_INDEX),
                "summary": entry_summary(week, demo),
            }
            for week in archive.weeks
        ],
    }


def feed_xml(archive: Archive, demo: bool) -> bytes:
    """The Atom 1.0 feed (``templates/feed.atom.j2``, every value XML-escaped)."""
    template = render.environment().get_template("feed.atom.j2")
    return template.render(**feed_values(archive, demo)).encode("utf-8")


def write_archive_page(data: SiteData, archive: Archive, folder: Path, prefix: str) -> int:
    """The archive page of another language at ``folder/<prefix>reports/index.html``,
    linking the reports and the feed of ``reports/`` (they are in English); its bytes."""
    path = prefix + ARCHIVE_PAGE
    up = render.root_of(path) + f"{ARCHIVE_DIR}/"
    html = render.archive_html(data, page_values(archive, up), ARCHIVE_PAGE).encode("utf-8")
    (folder / path).parent.mkdir(parents=True, exist_ok=True)
    (folder / path).write_bytes(html)
    return len(html)


def write_archive(archive: Archive, data: SiteData, folder: Path) -> dict[str, int]:
    """Copy every week's files into ``folder/reports/<week>/`` (bytes and times kept), and
    write the archive page and the feed; the archive page's path -> bytes."""
    for week in archive.weeks:
        target = folder / ARCHIVE_DIR / week.name
        target.mkdir(parents=True, exist_ok=True)
        for name in week.files:
            shutil.copy2(week.folder / name, target / name)
    html = render.archive_html(data, page_values(archive)).encode("utf-8")
    (folder / ARCHIVE_PAGE).write_bytes(html)
    (folder / FEED_FILE).write_bytes(feed_xml(archive, data.demo))
    return {ARCHIVE_PAGE: len(html)}


def front_links(archive: Archive, prefix: str = "") -> dict[str, str] | None:
    """The front page's links to the archive and the feed, or None without reports; in
    the current language, for a front page at ``<prefix>index.html`` (the feed is the
    English site's)."""
    if not archive:
        return None
    n = len(archive.weeks)
    return {
        "page": ARCHIVE_PAGE,
        "feed": "../" * prefix.count("/") + FEED_FILE,
        "weeks": ngettext("%(n)s week", "%(n)s weeks", n) % {"n": n},
    }
