"""The static site (``bmoredash publish``): its numbers recounted with plain pandas, every page
small and self-contained, a CSV beside each page equal to its table, a failed publish
leaving the previous site whole, and the pages read in Chromium with JavaScript off from a
plain static server, with no request leaving 127.0.0.1."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
import time
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import pytest
from conftest import DEMO_END

from bmoredash import store
from bmoredash.app.state import FilterState
from bmoredash.publish import publish, render
from bmoredash.publish import site as site_module

#: An explorer on another host, so that the test can tell its links from the site's own.
EXPLORER = "https://explorer.test/dashboard/"
#: The site's public address, for the embed code.
SITE_URL = "https://site.test/"
THROUGH = date.fromisoformat(DEMO_END)
YTD = (date(THROUGH.year, 1, 1), THROUGH)
SAME_DAYS = (date(THROUGH.year - 1, 1, 1), THROUGH.replace(year=THROUGH.year - 1))
HEADLINE = {
    "Homicides": {"HOMICIDE"},
    "Non-fatal shootings": {"SHOOTING"},
    "Part 1 violent": {"HOMICIDE", "SHOOTING", "RAPE", "ROBBERY", "AGG. ASSAULT"},
    "Part 1 property": {"BURGLARY", "LARCENY", "LARCENY FROM AUTO", "AUTO THEFT", "ARSON"},
}
#: 1 front page + 9 police districts + 14 Council districts + the neighborhoods.
FIXED_PAGES = 1 + 9 + 14
#: Each page has two embeddable cards (numbers, trend) under embed/.
EMBED_KINDS = ("numbers", "trend")
#: The Spanish site's folder: every page again, same paths (``i18n``).
SPANISH = "es"


def english(site: Path, pattern: str = "*.html") -> list[Path]:
    """The English site's files (the Spanish twins under es/ are tested on their own)."""
    return [p for p in site.rglob(pattern) if p.relative_to(site).parts[0] != SPANISH]


@pytest.fixture(scope="module")
def site(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("published") / "site"
    result = publish(demo_store, out, explorer_url=EXPLORER, site_url=SITE_URL)
    print(result.summary())
    return out


@pytest.fixture(scope="module")
def gaps(demo_store: Path, raw: pd.DataFrame) -> set[date]:
    found = _days_without_data(demo_store, raw)
    assert found == {date(2025, 8, 15), date(2025, 12, 31), date(2026, 5, 12)}
    return found


@pytest.fixture(scope="module")
def raw(demo_store: Path) -> pd.DataFrame:
    """Every row of the store, with its Baltimore calendar day (plain pandas)."""
    rows = store.load_incidents(demo_store, offenses="all")
    rows["day"] = rows["occurred_at"].dt.tz_localize(None).dt.normalize().dt.date
    return rows


def _days_without_data(demo_store: Path, raw: pd.DataFrame) -> set[date]:
    """The days the store records as without data (partial days: the manifest's
    ``gap_days``), each checked by hand to hold under a third of a usual day's rows."""
    gaps = {date.fromisoformat(d) for d in store.read_manifest(demo_store)["coverage"]["gap_days"]}
    per_day = raw.groupby("day").size()
    for day in gaps:
        assert per_day.get(day, 0) < per_day.median() / 3, day
    return gaps


def recount(
    raw: pd.DataFrame, gaps: set[date], place: pd.Series, offenses: set[str]
) -> dict[str, int]:
    """A headline card recounted: the year's whole count, and last year's count on the days
    both years have data (a day without data in either year is left out of both)."""
    chosen = raw[place.to_numpy() & raw["offense"].astype(str).isin(offenses).to_numpy()]
    day = chosen["day"]
    now = chosen[(day >= YTD[0]) & (day <= YTD[1])]
    before = chosen[(day >= SAME_DAYS[0]) & (day <= SAME_DAYS[1])]
    dropped_now = {d for d in gaps if YTD[0] <= d <= YTD[1]}
    dropped_now |= {d.replace(year=YTD[1].year) for d in gaps if SAME_DAYS[0] <= d <= SAME_DAYS[1]}
    dropped_before = {d.replace(year=SAME_DAYS[1].year) for d in dropped_now}
    return {
        "total": len(now),
        "current": int((~now["day"].isin(dropped_now)).sum()),
        "previous": int((~before["day"].isin(dropped_before)).sum()),
    }


_CARD = re.compile(
    r'data-measure="(?P<label>[^"]+)" data-total="(?P<total>\d*)" data-previous="(?P<previous>\d*)"'
)


def cards(html: str) -> dict[str, tuple[int, int]]:
    return {m["label"]: (int(m["total"]), int(m["previous"])) for m in _CARD.finditer(html)}


@pytest.mark.parametrize(
    ("path", "column", "value"),
    [
        ("index.html", None, None),
        ("district/western.html", "district", "WESTERN"),
        ("council/9.html", "council_district", "9"),
    ],
)
def test_headline_numbers_equal_a_plain_pandas_recount(
    site: Path,
    raw: pd.DataFrame,
    gaps: set[date],
    path: str,
    column: str | None,
    value: str | None,
) -> None:
    place = (
        pd.Series(True, index=raw.index) if column is None else raw[column].astype(str).eq(value)
    )
    shown = cards((site / path).read_text(encoding="utf-8"))
    assert list(shown) == list(HEADLINE)
    for label, offenses in HEADLINE.items():
        counted = recount(raw, gaps, place, offenses)
        assert shown[label] == (counted["total"], counted["previous"]), label


def test_the_gap_days_are_left_out_of_the_change(
    site: Path, raw: pd.DataFrame, gaps: set[date]
) -> None:
    html = (site / "index.html").read_text(encoding="utf-8")
    counted = recount(raw, gaps, pd.Series(True, index=raw.index), HEADLINE["Part 1 violent"])
    assert counted["current"] < counted["total"]
    assert f"against {counted['current']:,} this year on the days both have data" in html
    assert "May 12, 2026" in html


def test_a_page_for_every_place(site: Path, raw: pd.DataFrame) -> None:
    hoods = {str(n) for n in raw["neighborhood"].dropna().unique()} - {"Unknown"}
    assert len(hoods) == 278
    pages = sorted(
        p.relative_to(site).as_posix()
        for p in english(site)
        if p.relative_to(site).parts[0] != "embed"
    )
    assert len(list((site / "district").glob("*.html"))) == 9
    assert sorted(p.stem for p in (site / "council").glob("*.html")) == sorted(
        str(n) for n in range(1, 15)
    )
    assert len(list((site / "neighborhood").glob("*.html"))) == 278 + 1  # and their list
    assert len(pages) == FIXED_PAGES + 278 + 1
    index = (site / "index.html").read_text(encoding="utf-8")
    listing = (site / "neighborhood/index.html").read_text(encoding="utf-8")
    for page in pages:
        if page.startswith("neighborhood/") and page != "neighborhood/index.html":
            assert f'href="../{page}"' in listing, page
        elif page != "index.html":
            assert f'href="{page}"' in index, page


_LINK = re.compile(r'(?:src|href)="([^"]*)"')


def test_every_page_is_small_and_self_contained(site: Path) -> None:
    pages = english(site)
    assert len(pages) == (FIXED_PAGES + 278) * (1 + len(EMBED_KINDS)) + 1  # + neighborhoods
    for page in pages:
        embed = page.relative_to(site).parts[0] == "embed"
        html = page.read_text(encoding="utf-8")
        assert page.stat().st_size < 300 * 1024, page
        assert "<script" not in html.lower()
        assert "@import" not in html
        assert not re.search(r"url\((?!#)", html), "only url(#...) of the page itself"
        assert "Demo data: generated numbers" in html  # the demo banner
        assert "Data through Nov 21, 2026" in html
        explore = [link for link in _LINK.findall(html) if "://" in link or link.startswith("//")]
        listing = page == site / "neighborhood/index.html"
        assert len(explore) == (0 if embed or listing else 1), page
        assert all(link.startswith(EXPLORER) for link in explore), page
        for link in _LINK.findall(html):
            if link.startswith("#"):  # a place in the page itself (the skip link)
                assert f'id="{link[1:]}"' in html, f"{page}: {link}"
            elif link not in explore:
                assert (page.parent / link).resolve().is_file(), f"{page}: {link}"


@pytest.mark.parametrize(
    ("path", "query", "state"),
    [
        ("index.html", "", {}),
        ("district/western.html", "district=WESTERN", {"district": "WESTERN"}),
        ("council/9.html", "council=9", {"council": "9"}),
        (
            "neighborhood/harlem-park.html",
            "neighborhood=Harlem%20Park",
            {"neighborhood": "Harlem Park"},
        ),
    ],
)
def test_explore_links_open_the_dashboard_on_the_same_selection(
    site: Path, path: str, query: str, state: dict[str, str]
) -> None:
    html = (site / path).read_text(encoding="utf-8")
    href = EXPLORER + (f"?{query}" if query else "")
    assert f'<a href="{href}">Explore these numbers</a>' in html
    restored = FilterState.from_query(query)
    assert restored.messages == []
    for name, value in state.items():
        assert getattr(restored, name) == value


class _TableReader(HTMLParser):
    """The rows of a page's offense table, as the cells' texts."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._inside = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table" and ("class", "offenses") in attrs:
            self._inside = True
        elif self._inside and tag == "tr":
            self.rows.append([])
        elif self._inside and tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._inside = False
        elif self._cell is not None and tag in ("th", "td"):
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _as_csv_cell(text: str) -> str:
    """A page's cell as the CSV holds it: a count without separators, nothing for no data."""
    if text == "no data":
        return ""
    return text.replace(",", "") if re.fullmatch(r"[\d,]+", text) else text


def test_the_csv_beside_each_page_equals_its_table(site: Path) -> None:
    for page in english(site):
        if page.relative_to(site).parts[0] == "embed" or page == site / "neighborhood/index.html":
            continue
        reader = _TableReader()
        reader.feed(page.read_text(encoding="utf-8"))
        shown = [[_as_csv_cell(cell) for cell in row] for row in reader.rows]
        with page.with_suffix(".csv").open(encoding="utf-8", newline="") as handle:
            # csv_out writes a text cell that starts like a formula with a leading apostrophe.
            written = [[cell.removeprefix("'") for cell in row] for row in csv.reader(handle)]
        assert len(shown) == 13, page  # the heading and 12 rows
        assert shown == written, page


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_a_failed_publish_leaves_the_previous_site_whole(
    demo_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, few_pages: None
) -> None:
    out = tmp_path / "site"
    publish(demo_store, out)
    before = _files(out)

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("template broke")

    with monkeypatch.context() as patch:
        patch.setattr(render, "place_html", broken)
        with pytest.raises(RuntimeError, match="template broke"):
            publish(demo_store, out, explorer_url=EXPLORER)
    with monkeypatch.context() as patch:
        patch.setattr(site_module, "MAX_PAGE_BYTES", 2_000)
        with pytest.raises(ValueError, match="over the 1 KB a page may weigh"):
            publish(demo_store, out, explorer_url=EXPLORER)
    assert _files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no temporary folder left

    publish(demo_store, out, explorer_url=EXPLORER)  # a good publish replaces the site
    after = _files(out)
    assert set(after) == set(before)
    assert EXPLORER.encode() in after["index.html"]
    assert EXPLORER.encode() not in before["index.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_publish_refuses_a_folder_that_is_not_a_site(demo_store: Path, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ValueError, match="not a published site"):
        publish(demo_store, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_cli_publish_prints_pages_size_and_seconds(
    demo_store: Path, tmp_path: Path, few_pages: None
) -> None:
    from typer.testing import CliRunner

    from bmoredash.cli import app

    out = tmp_path / "site"
    result = CliRunner().invoke(app, ["publish", "--out", str(out), "--data-dir", str(demo_store)])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        rf"wrote 5 pages and 8 embeddable cards in each of en, es to {re.escape(str(out))}: "
        r"[\d,]+ KB in all, "
        r"largest \S+\.html "
        r"\([\d.]+ KB\), [\d.]+ s\n",
        result.output,
    )
    bad = CliRunner().invoke(
        app, ["publish", "--out", str(out), "--data-dir", str(tmp_path / "none")]
    )
    assert bad.exit_code == 1
    assert "No bmoredash store" in bad.output


# --------------------------------------------------------------------------------------
# In Chromium, from a plain static server, JavaScript off
# --------------------------------------------------------------------------------------


class StaticServer:
    """``python -m http.server`` serving the published site on 127.0.0.1."""

    def __init__(self, folder: Path) -> None:
        from browser_support import free_port

        self.port = free_port()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "http.server",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--directory",
                str(folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while not self._listening():
            assert self.process.poll() is None, "http.server exited"
            assert time.monotonic() < deadline, "http.server did not start"
            time.sleep(0.05)

    def _listening(self) -> bool:
        import socket

        with socket.socket() as sock:
            return sock.connect_ex(("127.0.0.1", self.port)) == 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(site: Path):
    """The static site on a plain server (overrides the dashboard server of conftest, so
    conftest's ``browser`` fixture launches Chromium for it)."""
    from browser_support import require_chromium

    require_chromium()
    running = StaticServer(site)
    yield running
    running.stop()


@pytest.fixture
def static_tab(browser):
    """A tab with JavaScript off, recording the URL of every request it makes."""
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    tab = context.new_page()
    tab.requested = []
    tab.on("request", lambda request: tab.requested.append(request.url))
    yield tab
    context.close()


@pytest.mark.parametrize("path", ["index.html", "district/western.html"])
def test_pages_read_in_chromium_with_javascript_off_and_nothing_fetched_elsewhere(
    server: StaticServer, site: Path, static_tab, path: str
) -> None:
    from browser_support import SCREENSHOT_DIR

    response = static_tab.goto(f"{server.url}/{path}", wait_until="load")
    assert response is not None and response.status == 200
    first = static_tab.locator(".card .count").first
    assert first.is_visible()
    homicides = cards((site / path).read_text(encoding="utf-8"))["Homicides"][0]
    assert first.inner_text() == f"{homicides:,}"
    chart = static_tab.locator("svg.trend")
    assert chart.evaluate("svg => svg.getBoundingClientRect().width") > 300
    assert static_tab.locator("svg.trend rect.bar").count() > 50
    assert static_tab.locator("figure.map a path.area").count() == 9
    hosts = {urlsplit(url).hostname for url in static_tab.requested}
    assert hosts == {"127.0.0.1"}, static_tab.requested
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    static_tab.screenshot(
        path=str(SCREENSHOT_DIR / f"publish_{Path(path).stem}.png"), full_page=True
    )


def test_publish_without_the_folder_exchange_still_replaces_the_site(
    demo_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, few_pages: None
) -> None:
    """Where ``renameat2`` is missing, two renames replace the site and nothing is left."""
    monkeypatch.setattr(site_module, "_exchange", lambda first, second: False)
    out = tmp_path / "site"
    publish(demo_store, out)
    publish(demo_store, out, explorer_url=EXPLORER)
    assert EXPLORER in (out / "index.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_year_without_data_reads_no_data_not_zero() -> None:
    from bmoredash import aggregate as agg
    from bmoredash.coverage import Coverage, Span
    from bmoredash.publish.data import TABLE_MEASURES, offense_table

    ytd, same_days = agg.ytd_windows(THROUGH)
    # Data start Mar 1 of this year: neither year to date is whole, nothing is compared.
    coverage = Coverage(spans=(Span(date(THROUGH.year, 3, 1), THROUGH),))
    why = f"no comparison: data start Mar 1, {THROUGH.year}"
    compared = {label: agg.Comparison(label, 0, 0, why_not=why) for label in TABLE_MEASURES}
    table = offense_table(compared, ytd, same_days, coverage)
    assert list(table.columns) == ["Offense", "2026 year to date", "Same days of 2025", "Change"]
    assert table["2026 year to date"].isna().all()
    assert table["Same days of 2025"].isna().all()
    assert set(table["Change"]) == {why}
    view = render.table_view(table)
    assert {cell for row in view.rows for cell in row["cells"][:-1]} == {"no data"}


# --------------------------------------------------------------------------------------
# The trend, the map and the embeds
# --------------------------------------------------------------------------------------


class _Svg(HTMLParser):
    """The bars, gap weeks and map areas of a page, with their data attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.bars: dict[str, dict[str, int]] = {}
        self.gaps: dict[str, set[str]] = {}
        self.areas: list[dict[str, str]] = []
        self._panel = ""
        self._link: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "g" and "panel" in a.get("class", ""):
            self._panel = a["data-measure"]
        elif tag == "rect" and a.get("class", "").startswith("bar"):
            self.bars.setdefault(self._panel, {})[a["data-week"]] = int(a["data-count"])
        elif tag == "rect" and a.get("class") == "gap":
            self.gaps.setdefault(self._panel, set()).add(a["data-week"])
        elif tag == "a":
            self._link = a
        elif tag == "path" and "area" in a.get("class", "").split():
            self.areas.append(
                {
                    **a,
                    "href": self._link.get("href", ""),
                    **{"aria-current": self._link.get("aria-current", "")},
                }
            )

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._link = {}


def _svg(html: str) -> _Svg:
    parser = _Svg()
    parser.feed(html)
    return parser


@pytest.mark.parametrize(
    ("path", "column", "value"),
    [("index.html", None, None), ("district/western.html", "district", "WESTERN")],
)
def test_the_trend_bars_equal_a_plain_pandas_recount_and_gap_weeks_have_none(
    site: Path, raw: pd.DataFrame, gaps: set[date], path: str, column: str | None, value: str
) -> None:
    drawn = _svg((site / path).read_text(encoding="utf-8"))
    chosen = raw if column is None else raw[raw[column].astype(str).eq(value)]
    saturday = pd.to_datetime(chosen["day"]) + pd.to_timedelta(
        (5 - pd.to_datetime(chosen["day"]).dt.day_of_week) % 7, unit="D"
    )
    for key, label in (("violent", "Part 1 violent"), ("property", "Part 1 property")):
        weeks = saturday[chosen["offense"].astype(str).isin(HEADLINE[label])]
        per_week = weeks.dt.date.astype(str).value_counts()
        bars, blank = drawn.bars[key], drawn.gaps.get(key, set())
        assert len(bars) + len(blank) == 57  # 13 months of weeks, none left out
        assert bars == {week: int(per_week.get(week, 0)) for week in bars}, key
        gap_weeks = {
            (d + pd.Timedelta(days=(5 - pd.Timestamp(d).day_of_week) % 7)).isoformat() for d in gaps
        }
        assert blank == {w for w in gap_weeks if min(bars) <= w <= max(bars)}, key


def test_the_map_fills_each_district_by_its_recounted_violent_count(
    site: Path, raw: pd.DataFrame, gaps: set[date]
) -> None:
    areas = _svg((site / "index.html").read_text(encoding="utf-8")).areas
    assert len(areas) == 9
    for area in areas:
        place = raw["district"].astype(str).eq(area["data-key"])
        counted = recount(raw, gaps, place, HEADLINE["Part 1 violent"])
        assert int(area["data-count"]) == counted["total"], area["data-key"]
        assert (site / area["href"]).is_file()
    assert len({area["fill"] for area in areas}) > 3  # a scale, not one colour
    western = _svg((site / "district/western.html").read_text(encoding="utf-8")).areas
    assert [a["data-key"] for a in western if a["aria-current"] == "page"] == ["WESTERN"]
    council = _svg((site / "council/9.html").read_text(encoding="utf-8")).areas
    assert len(council) == 14
    assert [a["data-key"] for a in council if "selected" in a["class"]] == ["9"]
    neighborhood = (site / "neighborhood/harlem-park.html").read_text(encoding="utf-8")
    assert '<path class="focus"' in neighborhood


def test_each_embed_carries_its_page_numbers_data_date_and_a_link_back(site: Path) -> None:
    page = (site / "council/9.html").read_text(encoding="utf-8")
    numbers = (site / "embed/numbers/council/9.html").read_text(encoding="utf-8")
    trend = (site / "embed/trend/council/9.html").read_text(encoding="utf-8")
    assert cards(numbers) == cards(page)
    assert _svg(trend).bars == _svg(page).bars
    for html in (numbers, trend):
        assert "Data through Nov 21, 2026" in html
        assert 'href="../../../council/9.html" target="_blank" rel="noopener"' in html
    src = "https://site.test/embed/numbers/council/9.html"
    assert f"&lt;iframe src=&#34;{src}&#34; width=&#34;640&#34;" in page


@pytest.mark.parametrize("kind", EMBED_KINDS)
def test_an_embed_fits_its_iframe_without_scrolling(
    server: StaticServer, static_tab, kind: str
) -> None:
    title, width, height = render.EMBEDS[kind]
    static_tab.set_viewport_size({"width": width, "height": height})
    static_tab.goto(f"{server.url}/embed/{kind}/district/western.html")
    scroll = static_tab.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    )
    assert scroll[0] <= width and scroll[1] <= height, (title, scroll)


def test_two_hundred_page_loads_at_once_all_succeed(server: StaticServer, site: Path) -> None:
    """A news spike on a plain static server: 200 loads started together (every page kind,
    embeds included), 0 errors, each answer the file's bytes."""
    import threading
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    files = sorted(site.rglob("*.html"))
    chosen = [files[(i * 7919) % len(files)] for i in range(200)]
    start = threading.Barrier(len(chosen))

    def load(path: Path) -> bool:
        start.wait()
        url = f"{server.url}/{path.relative_to(site).as_posix()}"
        with urllib.request.urlopen(url, timeout=60) as answer:
            return answer.status == 200 and answer.read() == path.read_bytes()

    with ThreadPoolExecutor(max_workers=len(chosen)) as pool:
        results = list(pool.map(load, chosen))
    assert results.count(True) == 200


@pytest.mark.parametrize(
    "path",
    [
        "index.html",
        "district/western.html",
        "council/9.html",
        "neighborhood/harlem-park.html",
        "neighborhood/index.html",
    ],
)
def test_on_a_phone_no_page_is_wider_than_the_screen(
    server: StaticServer, static_tab, path: str
) -> None:
    """390 px wide: the page never scrolls sideways; the offense table scrolls inside a
    region a keyboard can reach and a screen reader names."""
    from browser_support import SCREENSHOT_DIR

    static_tab.set_viewport_size({"width": 390, "height": 844})
    static_tab.goto(f"{server.url}/{path}")
    assert static_tab.evaluate("document.documentElement.scrollWidth") <= 390
    regions = static_tab.locator(".table-scroll")
    assert regions.count() == (0 if path == "neighborhood/index.html" else 1)  # a list, no table
    if regions.count():
        assert regions.get_attribute("tabindex") == "0"
        assert regions.get_attribute("aria-label") == "Part 1 offenses, table"
    static_tab.screenshot(
        path=str(SCREENSHOT_DIR / f"publish_phone_{path.replace('/', '_')}.png"), full_page=True
    )


#: One page of each kind, and the two embeds of one (the axe check, the Spanish twins).
ONE_OF_EACH_KIND = [
    "index.html",
    "district/western.html",
    "council/9.html",
    "neighborhood/harlem-park.html",
    "neighborhood/index.html",
    "embed/numbers/district/western.html",
    "embed/trend/district/western.html",
]


@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_no_serious_violation_on_any_page_kind(
    server: StaticServer, browser, width: int
) -> None:
    """axe-core (vendored), WCAG 2.1 AA and best practices, with the embed code open: no
    violation of any impact (minor included)."""
    from browser_support import axe_violations

    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    found = {}
    for path in ONE_OF_EACH_KIND:
        tab.goto(f"{server.url}/{path}")
        tab.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        found[path] = axe_violations(tab, impacts=("minor", "moderate", "serious", "critical"))
    context.close()
    assert found == {path: [] for path in found}


# --------------------------------------------------------------------------------------
# The Spanish site (issue 13): every page again under es/, the same numbers, Spanish words
# --------------------------------------------------------------------------------------


def _visible_text(html: str) -> str:
    """What a reader or a screen reader gets: the text, tooltips (``<title>``) and
    ``aria-label``s, without the stylesheet, the tags and the lists of places (a
    neighborhood's name is its own in every language: Patterson Park Neighborhood)."""
    import html as html_module

    html = re.sub(r"<style>.*?</style>", " ", html, flags=re.S)
    html = re.sub(r'<ul class="places">.*?</ul>', " ", html, flags=re.S)  # proper names
    labels = " ".join(re.findall(r'aria-label="([^"]*)"', html))
    text = html_module.unescape(f"{re.sub(r'<[^>]+>', ' ', html)} {labels}")
    return " ".join(re.sub(r"\S*/\S*", " ", text).split())  # addresses are not words


def test_every_page_has_a_spanish_twin_with_the_same_numbers(site: Path) -> None:
    from browser_support import read_page

    english_pages = sorted(p.relative_to(site).as_posix() for p in english(site))
    spanish = site / SPANISH
    assert sorted(p.relative_to(spanish).as_posix() for p in spanish.rglob("*.html")) == (
        english_pages
    )
    for path in [
        "index.html",
        "district/western.html",
        "council/9.html",
        "neighborhood/harlem-park.html",
    ]:
        en_html = (site / path).read_text(encoding="utf-8")
        es_html = (spanish / path).read_text(encoding="utf-8")
        assert cards(es_html) == cards(en_html), path
        assert list(cards(es_html)) == list(HEADLINE)
        en_page, es_page = read_page(site / path), read_page(spanish / path)
        assert es_page.cards == en_page.cards, path  # the counts as read: US digits, 1,111
        assert _svg(es_html).bars == _svg(en_html).bars, path
        assert '<html lang="en">' in en_html and '<html lang="es">' in es_html
        up = "../" * path.count("/")
        assert f'<link rel="alternate" hreflang="es" href="{up}es/{path}">' in en_html
        assert f'<link rel="alternate" hreflang="en" href="../{up}{path}">' in es_html
        assert f'<a href="{up}es/{path}" hreflang="es" lang="es">Español</a>' in en_html
        assert f'<a href="../{up}{path}" hreflang="en" lang="en">English</a>' in es_html
    front = (spanish / "index.html").read_text(encoding="utf-8")
    for words in (
        "Homicidios",
        "Tiroteos no mortales",
        "Delitos violentos de la Parte 1",
        "Delitos contra la propiedad de la Parte 1",
        "Distritos policiales",
        "Distritos del Concejo Municipal",
        "Barrios",
        "Datos hasta el 21 nov 2026",
        "mismos días de 2025",
    ):
        assert words in front, words
    assert read_page(spanish / "index.html").title == "Ciudad de Baltimore"
    assert read_page(spanish / "district/western.html").title == "Distrito Oeste"
    assert read_page(spanish / "council/9.html").title == "Distrito del Concejo 9"
    western = (spanish / "district/western.html").read_text(encoding="utf-8")
    assert f'href="{EXPLORER}?district=WESTERN&amp;lang=es"' in western
    src = "https://site.test/es/embed/numbers/district/western.html"
    assert f"&lt;iframe src=&#34;{src}&#34;" in western


def test_no_english_sentence_is_left_on_a_spanish_page(site: Path) -> None:
    """Every piece of every catalog message (between its placeholders) of 12 characters or
    more whose Spanish differs: none reads on a Spanish page (an untranslated sentence, or a
    word written in Python or a template without ``_``, would)."""
    from babel.messages.pofile import read_po

    from bmoredash import i18n

    with i18n.po_path("es").open("rb") as handle:
        catalog = read_po(handle)
    pieces = {
        piece.strip()
        for m in catalog
        if isinstance(m.id, str) and m.id and m.string != m.id
        for piece in re.split(r"%\(\w+\)s|<[^>]+>", m.id)
        if len(piece.strip()) >= 12
    }
    assert len(pieces) > 100
    for path in ONE_OF_EACH_KIND:
        english_text = _visible_text((site / path).read_text(encoding="utf-8"))
        text = _visible_text((site / SPANISH / path).read_text(encoding="utf-8"))
        assert [p for p in pieces if p in text] == [], path
        assert [p for p in pieces if p in english_text], path  # the check can find them


def test_the_spanish_csv_holds_the_same_numbers_in_spanish_words(site: Path) -> None:
    for path in ["index.csv", "district/western.csv", "council/9.csv"]:
        with (site / path).open(encoding="utf-8", newline="") as handle:
            en = list(csv.reader(handle))
        with (site / SPANISH / path).open(encoding="utf-8", newline="") as handle:
            es = list(csv.reader(handle))
        assert [row[1:-1] for row in es[1:]] == [row[1:-1] for row in en[1:]], path
        assert es[0][0] == "Delito" and es[0][-1] == "Cambio"
        assert es[0][1] == f"{THROUGH.year} en lo que va del año"
        assert [row[0] for row in es[1:]][:2] == ["Homicidio", "Tiroteo no mortal"]
        assert "Delitos violentos de la Parte 1, total" in [row[0] for row in es]


def test_axe_finds_no_violation_on_the_spanish_pages(server: StaticServer, browser) -> None:
    """axe-core on the Spanish front page, a district and an embed, the embed code open:
    no violation of any impact (``html-lang-valid``, ``valid-lang`` included)."""
    from browser_support import axe_violations

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    found = {}
    for path in ["index.html", "district/western.html", "embed/numbers/district/western.html"]:
        tab.goto(f"{server.url}/{SPANISH}/{path}")
        assert tab.evaluate("document.documentElement.lang") == "es"
        tab.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        found[path] = axe_violations(tab, impacts=("minor", "moderate", "serious", "critical"))
    context.close()
    assert found == {path: [] for path in found}
