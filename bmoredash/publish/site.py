"""The whole static site, written aside and switched into place in one step.

Why aside: a web server keeps serving ``site/`` while the weekly publish runs, and a
publish can fail half-way (a full disk, a bad store, a page over its size budget). Every
file is written into a temporary folder beside ``out_dir``; only when all of them are
there does the folder take ``out_dir``'s place. On Linux the two folders are exchanged
with one ``renameat2(RENAME_EXCHANGE)`` call, so a reader sees the old site or the new one,
never a mix and never nothing; elsewhere two renames leave ``out_dir`` missing for a
moment. A failed publish removes its temporary folder and leaves the previous site whole.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bmoredash import csv_out, i18n
from bmoredash.files import TMP_PREFIX
from bmoredash.publish import archive as reports_archive
from bmoredash.publish import render
from bmoredash.publish.data import SiteData, load_site_data, localized
from bmoredash.publish.maps import SiteMaps

#: The most one page may weigh (its HTML; the trend chart is a file of its own): a news
#: reader on a phone must get the numbers fast.
MAX_PAGE_BYTES = 300 * 1024
#: The file that marks a folder as a published site: only such a folder is replaced.
MARKER = ".bmoredash-site"
#: The explorer's address when none is given: the dashboard beside the site.
DEFAULT_EXPLORER_URL = "/dashboard/"


@dataclass(frozen=True)
class PublishResult:
    """What a publish wrote: pages, bytes of every file, the largest page, seconds."""

    out_dir: Path
    #: Pages of one language (each is also written in every other language, ``es/``).
    pages: int
    #: Embeddable cards (``embed/``) of one language, not counted in ``pages``.
    embeds: int
    total_bytes: int
    largest_page: str
    largest_page_bytes: int
    seconds: float
    #: Weeks of reports in the archive, and week folders skipped as incomplete.
    weeks: int = 0
    skipped_weeks: int = 0

    def summary(self) -> str:
        text = (
            f"wrote {self.pages} pages and {self.embeds} embeddable cards "
            f"in each of {', '.join(i18n.LANGUAGES)} "
            f"to {self.out_dir}: "
            f"{self.total_bytes / 1024:,.0f} KB in "
            f"all, largest {self.largest_page} ({self.largest_page_bytes / 1024:,.1f} KB), "
            f"{self.seconds:.1f} s"
        )
        if self.weeks or self.skipped_weeks:
            text += (
                f"; reports archive: {self.weeks} week(s), {self.skipped_weeks} incomplete "
                f"week folder(s) skipped (no index.html)"
            )
        return text


def _check_size(path: str, size: int) -> None:
    if size > MAX_PAGE_BYTES:
        raise ValueError(
            f"{path} is {size / 1024:.0f} KB, over the {MAX_PAGE_BYTES // 1024} KB a page may weigh"
        )


def write_language(
    data: SiteData,
    folder: Path,
    addresses: render.Addresses,
    maps: SiteMaps,
    archive: reports_archive.Archive | None = None,
) -> dict[str, int]:
    """Every page of the current language (``i18n``), its CSV and its embeddable cards
    into ``folder`` (English) or ``folder/es/``, and the archive page when ``archive``
    holds weeks (its files and feed only once, with the English site); path -> bytes."""
    prefix = render.language_folder()
    sizes: dict[str, int] = {}
    reports = None if archive is None else reports_archive.front_links(archive, prefix)
    for page in data.pages:
        shown = localized(page, data)
        trend = render.page_trend(shown, data)  # one chart for the page and its embed
        files = {page.place.path: render.page_html(shown, data, addresses, maps, reports, trend)}
        for kind in render.EMBEDS:
            embed = render.embed_html(kind, shown, data, trend)
            files[render.embed_path(kind, page.place.path)] = embed
        for path, text in files.items():
            html = text.encode("utf-8")
            _check_size(prefix + path, len(html))
            (folder / prefix / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / prefix / path).write_bytes(html)
            sizes[prefix + path] = len(html)
        # Text, then one plain write: the whole folder is switched into place at once, so a
        # file needs no rename or fsync of its own (600 fsyncs were seconds of a publish).
        (folder / prefix / render.csv_path(page.place.path)).write_text(
            csv_out.to_csv(shown.table) or "", encoding="utf-8", newline=""
        )
    listing = render.neighborhoods_html(data).encode("utf-8")
    (folder / prefix / render.NEIGHBORHOODS_PAGE).write_bytes(listing)
    sizes[prefix + render.NEIGHBORHOODS_PAGE] = len(listing)
    if archive and not prefix:
        for path, size in reports_archive.write_archive(archive, data, folder).items():
            _check_size(path, size)
            sizes[path] = size
    elif archive:
        path = prefix + reports_archive.ARCHIVE_PAGE
        sizes[path] = reports_archive.write_archive_page(data, archive, folder, prefix)
        _check_size(path, sizes[path])
    return sizes


def write_site(
    data: SiteData,
    folder: Path,
    addresses: render.Addresses,
    archive: reports_archive.Archive | None = None,
) -> dict[str, int]:
    """Every page, its CSV and its embeddable cards into ``folder`` in English, and again
    in each other language under its code (``es/``), from the same counts; the weekly
    reports archive when ``archive`` holds weeks; page path -> bytes.

    Raises ``ValueError`` when a page is over ``MAX_PAGE_BYTES``.
    """
    sizes: dict[str, int] = {}
    maps = SiteMaps(data.root)
    for code in i18n.LANGUAGES:
        with i18n.using(code):
            sizes.update(write_language(data, folder, addresses, maps, archive))
    (folder / MARKER).write_text(f"data through {data.through.isoformat()}\n", encoding="utf-8")
    return sizes


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step (Linux ``renameat2``); False where it is unavailable."""
    at_fdcwd, rename_exchange = -100, 2
    libc = ctypes.CDLL(None, use_errno=True)
    call = getattr(libc, "renameat2", None)
    if call is None:
        return False
    done = call(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _check_replaceable(out_dir: Path) -> None:
    """Refuse to replace a file, or a folder that holds something other than a site (a
    mistyped ``--out`` must never delete someone's folder)."""
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise ValueError(f"{out_dir} is a file, not a folder for the site")
    if any(out_dir.iterdir()) and not (out_dir / MARKER).exists():
        raise ValueError(
            f"{out_dir} holds files that are not a published site; give an empty or new folder"
        )


def switch_into_place(built: Path, out_dir: Path) -> None:
    """Make ``built`` the site at ``out_dir``, removing the previous site."""
    if not out_dir.exists():
        built.rename(out_dir)
        return
    if _exchange(built, out_dir):
        shutil.rmtree(built)  # now the previous site
        return
    old = out_dir.with_name(f"{TMP_PREFIX}{out_dir.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    out_dir.rename(old)
    built.rename(out_dir)
    shutil.rmtree(old)


def _other_folders() -> list[str]:
    """The folders of the languages besides the default (``es/``)."""
    return [render.language_folder(c) for c in i18n.LANGUAGES if c != i18n.DEFAULT]


def publish(
    data_dir: str | os.PathLike[str] | None,
    out_dir: str | os.PathLike[str],
    explorer_url: str = DEFAULT_EXPLORER_URL,
    reports_dir: str | os.PathLike[str] | None = None,
    site_url: str | None = None,
) -> PublishResult:
    """Render the static site from the store in ``data_dir`` into ``out_dir`` (see the
    module docstring): the front page, a page per police district, Council district and
    neighborhood (each with its trend and map), a CSV and two embeddable cards beside each;
    with ``reports_dir`` (the folder ``bmoredash reports`` writes; None or no week folders:
    no archive) the weekly reports archive and its Atom feed (``archive``). ``site_url``:
    the site's public address, for the embed code shown on each page."""
    started = time.perf_counter()
    out = Path(out_dir).absolute()
    _check_replaceable(out)
    archive = reports_archive.scan(reports_dir)
    data = load_site_data(data_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    built = Path(tempfile.mkdtemp(dir=out.parent, prefix=f"{TMP_PREFIX}{out.name}."))
    try:
        sizes = write_site(data, built, render.Addresses(explorer_url, site_url), archive)
        built.chmod(0o755)  # mkdtemp makes it private; a web server must read it
        total = sum(f.stat().st_size for f in built.rglob("*") if f.is_file())
        switch_into_place(built, out)
    except BaseException:
        shutil.rmtree(built, ignore_errors=True)
        raise
    largest = max(sizes, key=sizes.__getitem__)
    english = [path for path in sizes if not path.startswith(tuple(_other_folders()))]
    embeds = sum(path.startswith(f"{render.EMBED_FOLDER}/") for path in english)
    return PublishResult(
        out,
        len(english) - embeds,
        embeds,
        total,
        largest,
        sizes[largest],
        time.perf_counter() - started,
        len(archive.weeks),
        len(archive.skipped),
    )
