"""Weekly district reports: one parameterised notebook, executed by Papermill, exported to a
self-contained HTML page and a printable PDF, with an index page for the week.

Two halves:

- In the kernel (``notebooks/district_report.ipynb``): ``validate_params`` checks the
  parameters against the store's manifest, ``load_report_data`` gathers every number the
  page shows from ``aggregate`` (this module counts nothing itself), and ``publish_summary``
  hands the headline numbers back to the batch for the index page.
- In the caller: ``render_report`` (one report) and ``render_batch`` (all ten, in a process
  pool) execute the notebook, export HTML with nbconvert and print the PDF with the
  system Chromium through Playwright, one browser per worker reused across reports.

Heavy imports (papermill, nbconvert, playwright) happen inside the functions that need
them, so the kernel's ``import bmoredash.report`` stays cheap.
"""

from __future__ import annotations

import atexit
import json
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from bmoredash import aggregate as agg
from bmoredash import config, periods, report_text
from bmoredash.coverage import Coverage, from_manifest, preliminary_flags, preliminary_weeks
from bmoredash.schema import (
    CITYWIDE,
    DISTRICTS,
    PART1_OFFENSES,
    PROPERTY_OFFENSES,
    VIOLENT_OFFENSES,
)
from bmoredash.selection import Selection, SelectionError, district_of
from bmoredash.serving import kernel_channels

#: The single report template.
TEMPLATE = config.PROJECT_DIR / "notebooks" / "district_report.ipynb"
#: Every report of a week: the nine districts, then the city.
REPORT_PLACES: tuple[str, ...] = (*DISTRICTS, CITYWIDE)
FORMATS: tuple[str, ...] = ("html", "pdf")
SUMMARY_MIME = "application/vnd.bmoredash.summary+json"
#: Cells the HTML never shows (papermill's parameter cells and the summary hand-off).
HIDDEN_TAGS = frozenset({"parameters", "injected-parameters", "summary"})
CELL_TIMEOUT_S = 600
TREND_MONTHS = 13
HOUR_WEEKS = 13
_COLUMNS = [
    "occurred_at",
    "time_known",
    "offense",
    "offense_group",
    "district",
    "neighborhood",
    "latitude",
    "longitude",
    "incident_id",
]


class ReportParameterError(ValueError):
    """A report parameter the data cannot answer (unknown district, week out of range)."""


# --------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportParams:
    """Validated parameters: canonical place, the Saturday ending the week, the store, and
    what the counts count (``aggregate.UNITS``)."""

    district: str
    week_end: date
    data_dir: Path
    manifest: dict[str, Any]
    count: str = agg.VICTIMS

    @property
    def data_through(self) -> date:
        return date.fromisoformat(self.manifest["data_through"])

    @cached_property
    def coverage(self) -> Coverage:
        """The days the store has data for: no comparison is made over any other day."""
        return from_manifest(self.manifest)


def _manifest(data_dir: str | os.PathLike[str] | None) -> tuple[Path, dict[str, Any]]:
    from bmoredash.store import read_manifest

    root = config.data_dir(data_dir)
    manifest = read_manifest(root)
    if not manifest.get("data_through") or not manifest.get("first_date"):
        raise ReportParameterError(f"the store in {root} holds no incidents; nothing to report")
    return root, manifest


def default_week_ending(data_dir: str | os.PathLike[str] | None = None) -> date:
    """The last complete week of the data: the last Saturday on or before "data through"."""
    _, manifest = _manifest(data_dir)
    return agg.last_complete_week_end(date.fromisoformat(manifest["data_through"]))


def check_district(district: str) -> str:
    """The canonical place name for any spelling the selection rule accepts (``Western
    District``, ``Northeastern``), or ReportParameterError listing the valid ones: a report
    is for one of the nine districts or the city."""
    try:
        name = district_of(district)
    except SelectionError:
        name = None
    if name not in REPORT_PLACES:
        raise ReportParameterError(
            f"unknown district {district!r}; valid: {', '.join(REPORT_PLACES)}"
        )
    return name


def _as_week_end(value: date | str) -> date:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise ReportParameterError(
                f"week_ending {value!r} is not an ISO date (YYYY-MM-DD)"
            ) from None
    if not isinstance(value, date):
        raise ReportParameterError(f"week_ending must be a date, not {type(value).__name__}")
    return value


def check_week(week_end: date | str, manifest: dict[str, Any]) -> date:
    """The week's last day, checked: a Saturday, inside the data's first (the first day
    covered for every Part 1 offense) and through dates."""
    day = _as_week_end(week_end)
    through = date.fromisoformat(manifest["data_through"])
    first = from_manifest(manifest).first_day(PART1_OFFENSES) or date.fromisoformat(
        manifest["first_date"]
    )
    latest = agg.last_complete_week_end(through)
    if day.weekday() != 5:
        before, after = agg.last_complete_week_end(day), agg.week_ending(day)
        raise ReportParameterError(
            f"week_ending {day} is a {day:%A}; report weeks end on Saturday (BPD weeks run "
            f"Sunday to Saturday): use {before} or {after}"
        )
    if day > through:
        raise ReportParameterError(
            f"week_ending {day} is after the data's 'data through' date {through}; "
            f"the latest complete week ends {latest}"
        )
    start = periods.week_window(day).start
    if start < first:
        earliest = periods.first_complete_week_end(first)
        raise ReportParameterError(
            f"the week ending {day} starts {start}, before the data starts ({first}); "
            f"the earliest complete week ends {earliest}"
        )
    return day


def validate_params(
    district: str,
    week_ending: date | str | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    count: str = agg.VICTIMS,
) -> ReportParams:
    """Check the notebook's parameters against the store; the first thing a report does.

    ``week_ending`` None or "" means the last complete week; ``data_dir`` None or "" means
    the configured store; ``count`` is victims or incidents. Raises ReportParameterError
    (a ValueError) with a message that says what is valid.
    """
    place = check_district(district)
    try:
        unit = agg.check_unit(str(count).strip().lower())
    except ValueError as error:
        raise ReportParameterError(str(error)) from None
    root, manifest = _manifest(data_dir or None)
    week_end = (
        agg.last_complete_week_end(date.fromisoformat(manifest["data_through"]))
        if week_ending in (None, "")
        else check_week(week_ending, manifest)
    )
    return ReportParams(place, week_end, root, manifest, unit)


# --------------------------------------------------------------------------------------
# The numbers (all counted by aggregate.py)
# --------------------------------------------------------------------------------------


@dataclass
class ReportData:
    """Everything one report shows, already counted; the notebook only lays it out."""

    params: ReportParams
    week: agg.Window
    offense_table: pd.DataFrame
    #: Comparisons not made for lack of data: offense table column (or ``flag``) -> why.
    gaps: dict[str, str]
    trend: pd.DataFrame
    week_points: pd.DataFrame
    week_total: int
    outline: list[list[tuple[float, float]]]
    context: list[list[tuple[float, float]]]
    labels: dict[str, tuple[float, float]]
    neighborhoods_week: pd.DataFrame
    neighborhoods_ytd: pd.DataFrame
    ytd: tuple[agg.Window, agg.Window]
    hour_weekday: pd.DataFrame
    hour_window: agg.Window
    untimed: int
    programs: pd.DataFrame | None
    generated_at: str
    #: Victim rows without a case number, left out of a count of incidents.
    left_out: int = 0

    @property
    def district(self) -> str:
        return self.params.district

    @property
    def week_end(self) -> date:
        return self.params.week_end

    @property
    def demo(self) -> bool:
        return bool(self.params.manifest.get("demo"))

    @property
    def preliminary(self) -> bool:
        """The week is preliminary (``coverage.preliminary_weeks``): the latest week always is."""
        return bool(preliminary_weeks([self.week_end], self.params.data_through)[0])

    def summary(self) -> dict[str, Any]:
        return report_text.summary_row(
            self.district,
            self.week_end,
            self.offense_table,
            self.gaps,
            preliminary=self.preliminary,
        )


def _trend_window(week_end: date) -> agg.Window:
    """Whole weeks covering the 13 months that end with ``week_end``."""
    return periods.weeks_covering_months(week_end, TREND_MONTHS)


def _weekly_with_flags(
    frame: pd.DataFrame, trend: agg.Window, coverage: Coverage, data_through: date | None = None
) -> pd.DataFrame:
    """Weekly violent/property counts over ``trend`` with flags against each week's
    seasonal baseline (the ``FLAG_HISTORY_WEEKS`` weeks before it), and which weeks are
    preliminary against ``data_through`` (``coverage.preliminary_weeks``; default: the end
    of ``trend``).

    Weeks with a day without data are NaN: not zero weeks, never flagged, never in a
    baseline (``aggregate.weekly_counts`` and ``flag_weeks``).
    """
    window = periods.with_weeks_before(trend, agg.FLAG_HISTORY_WEEKS)
    columns = {}
    for key, offenses in (("violent", VIOLENT_OFFENSES), ("property", PROPERTY_OFFENSES)):
        rows = Selection(offenses=offenses).apply(frame)
        weekly = agg.weekly_counts(rows, window, coverage, offenses)
        columns[key] = weekly
        columns[f"{key}_flag"] = agg.flag_weeks(weekly)
    table = pd.DataFrame(columns)
    table["preliminary"] = preliminary_weeks(table.index, data_through or trend.end)
    for key in ("violent", "property"):
        table[f"{key}_flag"] = preliminary_flags(table[f"{key}_flag"], table["preliminary"])
    return table[table.index >= pd.Timestamp(agg.week_ending(trend.start))]


def _outlines(params: ReportParams) -> tuple[list, list, dict[str, tuple[float, float]]]:
    """(outline of the place, outlines of the other districts, label points for CITYWIDE)."""
    try:
        from bmoredash.reference import boundaries
    except ImportError:  # NOTE: boundaries.py is the lead's; maps degrade to bare dots.
        return [], [], {}
    outline = boundaries.district_outline(params.data_dir, params.district)
    data = boundaries.load_districts(params.data_dir)
    if not data:
        return outline, [], {}
    from shapely.geometry import shape

    # NOTE: one parse of the file for the other eight districts (district_outline would
    # read and parse the whole GeoJSON once per district).
    context, labels = [], {}
    for feature in data["features"]:
        name = feature["properties"]["district"]
        geometry = shape(feature["geometry"])
        if params.district == CITYWIDE:
            point = geometry.representative_point()
            labels[name] = (point.x, point.y)
        elif name != params.district:
            parts = getattr(geometry, "geoms", [geometry])
            context.extend([list(part.exterior.coords) for part in parts])
    return outline, context, labels


def _programs(district: str) -> pd.DataFrame | None:
    """CVI programs serving the place (all of them for CITYWIDE); None if the list is absent."""
    try:
        from bmoredash.reference import cvi
    except ImportError:  # NOTE: cvi.py lands from another helper; until then, say so.
        return None
    try:
        return cvi.programs_for_district(district)  # CITYWIDE: every program
    except (OSError, ValueError, KeyError):
        return None


def load_report_data(params: ReportParams) -> ReportData:
    """Load the rows the report needs once (memory-mapped store) and count them."""
    from bmoredash.store import load_incidents

    week_end = params.week_end
    week = agg.week_window(week_end)
    ytd_now, ytd_before = agg.ytd_windows(week_end)
    trend_window = _trend_window(week_end)
    load_start = min(
        ytd_before.start, periods.with_weeks_before(trend_window, agg.FLAG_HISTORY_WEEKS + 1).start
    )
    chosen = Selection.parse(districts=params.district, start=load_start, end=week_end)
    victims = load_incidents(params.data_dir, chosen, columns=_COLUMNS)
    place = agg.counted_rows(victims, params.count)
    left_out = agg.rows_without_incident(victims) if params.count == agg.INCIDENTS else 0

    coverage = params.coverage
    table = agg.weekly_offense_table(place, week_end, coverage)
    this_week_preliminary = preliminary_weeks([week_end], params.data_through)[0]
    table["flag"] = preliminary_flags(table["flag"], [this_week_preliminary] * len(table))

    this_week = agg.in_window(place, week)
    points = this_week.loc[
        this_week["latitude"].notna().to_numpy() & this_week["longitude"].notna().to_numpy(),
        ["longitude", "latitude", "offense_group"],
    ]
    hour_window = periods.weeks_window(week_end, HOUR_WEEKS)
    hour_rows = agg.in_window(place, hour_window)
    hour_table = agg.hour_by_weekday(hour_rows)
    untimed = int(agg.count_by_offense(hour_rows).sum()) - int(hour_table.to_numpy().sum())
    outline, context, labels = _outlines(params)
    return ReportData(
        params=params,
        week=week,
        offense_table=table,
        gaps=agg.report_gaps(week_end, coverage),
        trend=_weekly_with_flags(place, trend_window, coverage, params.data_through),
        week_points=points,
        week_total=int(agg.count_by_offense(this_week).sum()),
        outline=outline,
        context=context,
        labels=labels,
        neighborhoods_week=agg.neighborhood_ranking(
            place, week, agg.week_window(week_end, 1), coverage, PART1_OFFENSES
        ),
        neighborhoods_ytd=agg.neighborhood_ranking(
            place, ytd_now, ytd_before, coverage, PART1_OFFENSES
        ),
        ytd=(ytd_now, ytd_before),
        hour_weekday=hour_table,
        hour_window=hour_window,
        untimed=untimed,
        programs=_programs(params.district),
        generated_at=datetime.now(config.CITY_TZ).strftime("%Y-%m-%d %H:%M %Z"),
        left_out=left_out,
    )


def publish_summary(data: ReportData) -> None:
    """Hand the headline numbers to the batch: a display output the HTML export drops."""
    from IPython.display import display

    display({SUMMARY_MIME: data.summary()}, raw=True)


def read_summary(notebook: Path) -> dict[str, Any] | None:
    """The summary an executed report notebook published, or None (failed or missing)."""
    try:
        nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return None
            data = output.get("data", {})
            if SUMMARY_MIME in data:
                return data[SUMMARY_MIME]
    return None


# --------------------------------------------------------------------------------------
# HTML export
# --------------------------------------------------------------------------------------

_CSS = """
@page { size: Letter; margin: 0.75in 0.5in 0.7in 0.5in; }
:root { --ink: #1b1b1b; --muted: #5a5a5a; --rule: #dedede; --violent: #b2182b;
        --property: #2166ac; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; box-sizing: border-box; }
html { background: #fff; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif;
       color: var(--ink); font-size: 10pt; line-height: 1.45; max-width: 7.6in;
       margin: 0 auto; padding: 0.3in 0.15in; }
main > div { margin: 0; padding: 0; }
h1 { font-size: 20pt; margin: 0 0 2px; }
h2 { font-size: 12.5pt; margin: 16px 0 6px; padding-bottom: 2px;
     border-bottom: 1px solid var(--rule); break-after: avoid; page-break-after: avoid; }
h3 { font-size: 10.5pt; margin: 8px 0 4px; }
a.anchor-link { display: none; }
p { margin: 4px 0 8px; }
.kicker { text-transform: uppercase; letter-spacing: 0.06em; font-size: 8.5pt;
          color: var(--muted); margin: 0; }
.dates { color: var(--muted); margin: 0 0 8px; }
.demo-banner { border: 2px solid #9a6700; background: #fff4d6; color: #4d3400;
               padding: 6px 10px; margin: 0 0 10px; font-size: 10pt; }
.headline { font-size: 11pt; }
table { border-collapse: collapse; width: 100%; font-size: 8.8pt; margin: 4px 0 10px;
        break-inside: avoid; page-break-inside: avoid; }
th, td { padding: 2.5px 5px; border-bottom: 1px solid var(--rule); text-align: left;
         vertical-align: top; }
thead th { border-bottom: 1.5px solid #999; font-weight: bold; font-size: 8pt; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total th, tr.total td { font-weight: bold; background: #f3f3f3; }
td.flag { white-space: nowrap; }
.flag-higher { color: var(--violent); font-weight: bold; }
.flag-lower { color: var(--property); font-weight: bold; }
figure.chart { margin: 4px 0 10px; break-inside: avoid; page-break-inside: avoid; }
figure.chart img { width: 100%; height: auto; display: block; }
figcaption { font-size: 8.5pt; color: var(--muted); margin-top: 2px; }
.two-col { display: flex; gap: 18px; break-inside: avoid; page-break-inside: avoid; }
.two-col > div { flex: 1 1 0; min-width: 0; }
.empty { color: var(--muted); font-style: italic; }
table.programs { font-size: 8pt; break-inside: auto; page-break-inside: auto; }
table.programs tr { break-inside: avoid; page-break-inside: avoid; }
table.programs .contact { word-break: break-all; max-width: 2.2in; }
table.programs .listed { white-space: nowrap; color: var(--muted); }
table.offenses tbody th { white-space: nowrap; }
/* A heading and its introduction stay with the table or chart that follows. */
.jp-Collapser { display: none; }
.jp-MarkdownCell { break-after: avoid; page-break-after: avoid; }
.jp-CodeCell:has(figure.chart), .jp-CodeCell:has(.two-col) { break-inside: avoid; }
.methodology { font-size: 8.3pt; color: #3a3a3a; }
.methodology ol { padding-left: 18px; }
.note { font-size: 8.8pt; color: var(--muted); }
ul.gaps { font-size: 8.8pt; color: var(--muted); margin: 4px 0 8px; padding-left: 18px; }
@media print { body { padding: 0; max-width: none; } }
"""

_NB_TEMPLATE = """{%- extends 'base.html.j2' -%}
{%- block header -%}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{{ resources.bmoredash_title | escape_html }}</title>
<style>{{ resources.bmoredash_css }}</style>
</head>
{%- endblock header -%}
{%- block body_header -%}
<body>
<main>
{%- endblock body_header -%}
{%- block body_footer -%}
</main>
</body>
{%- endblock body_footer -%}
{%- block footer -%}
</html>
{%- endblock footer -%}
"""


def _displayable(nb: Any) -> Any:
    """The notebook without hidden cells, stream output (warnings) and empty code cells.

    NOTE: a library warning printed to stderr in the kernel has no place in a published
    report; the executed notebook in the audit folder still holds it.
    """
    cells = []
    for cell in nb.cells:
        if HIDDEN_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            continue
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if o.get("output_type") != "stream"]
            if not cell.outputs:
                continue
        cells.append(cell)
    nb.cells = cells
    return nb


def export_html(notebook: Path, html_path: Path, title: str) -> Path:
    """The executed notebook as one self-contained page: no code, no prompts, no scripts.

    nbconvert's ``lab`` cell templates with our own page shell: the default page pulls
    require.js and MathJax from CDNs; ours holds only inline CSS and embedded images.
    """
    import jinja2
    import nbformat
    from nbconvert import HTMLExporter

    nb = _displayable(nbformat.read(notebook, as_version=4))
    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[jinja2.DictLoader({"bmoredash_report.html.j2": _NB_TEMPLATE})],
        template_file="bmoredash_report.html.j2",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(
        nb, resources={"bmoredash_title": title, "bmoredash_css": _CSS}
    )
    _atomic_write(html_path, body)
    return html_path


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


# --------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------


class PdfPrinter:
    """One headless Chromium (Debian's, driven by Playwright) reused for many PDFs.

    Never ``playwright install``: Playwright's own driver talks to /usr/bin/chromium.
    Requests other than file: and data: are refused, so a page cannot reach the network.
    """

    def __init__(self, executable: str = str(config.CHROMIUM)) -> None:
        self.executable = executable
        self._playwright: Any = None
        self._browser: Any = None

    def start(self) -> PdfPrinter:
        if self._browser is None:
            from playwright.sync_api import sync_playwright

            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=self.executable, args=list(config.CHROMIUM_ARGS)
            )
        return self

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()
            self._playwright.stop()
            self._browser = self._playwright = None

    def __enter__(self) -> PdfPrinter:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def print_pdf(self, html_path: Path, pdf_path: Path, header: str, *, demo: bool) -> Path:
        """Letter pages, a header naming the place and week, page numbers in the footer."""
        import html as html_lib

        self.start()
        page = self._browser.new_page()
        try:
            page.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith(("file:", "data:"))
                    else route.abort()
                ),
            )
            page.goto(Path(html_path).resolve().as_uri(), wait_until="load")
            label = html_lib.escape(header + (" · DEMO DATA" if demo else ""))
            tmp = pdf_path.with_name(f".{pdf_path.name}.{os.getpid()}.tmp")
            page.pdf(
                path=str(tmp),
                format="Letter",
                print_background=True,
                display_header_footer=True,
                margin={"top": "0.75in", "bottom": "0.7in", "left": "0.5in", "right": "0.5in"},
                header_template=(
                    '<div style="font-family: DejaVu Sans, sans-serif; font-size: 8px; '
                    'color: #555; width: 100%; padding: 0 0.5in; text-align: left;">'
                    f"{label}</div>"
                ),
                footer_template=(
                    '<div style="font-family: DejaVu Sans, sans-serif; font-size: 8px; '
                    'color: #555; width: 100%; padding: 0 0.5in; text-align: right;">'
                    'Page <span class="pageNumber"></span> of <span class="totalPages"></span>'
                    "</div>"
                ),
            )
            os.replace(tmp, pdf_path)
        finally:
            page.close()
        return pdf_path


# --------------------------------------------------------------------------------------
# Rendering one report
# --------------------------------------------------------------------------------------


@dataclass
class ReportResult:
    """What rendering one report produced, or why it failed."""

    district: str
    week_ending: date
    ok: bool
    notebook: Path | None = None
    html: Path | None = None
    pdf: Path | None = None
    summary: dict[str, Any] | None = None
    error: str | None = None
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def outputs(self) -> list[Path]:
        """Files written, in the order a reader wants them: HTML, PDF, executed notebook."""
        return [p for p in (self.html, self.pdf, self.notebook) if p is not None]


def _failure_reason(error: BaseException) -> str:
    ename = getattr(error, "ename", None)
    if ename:  # papermill's PapermillExecutionError: the kernel's exception
        return f"{ename}: {getattr(error, 'evalue', '')}".strip()
    return f"{type(error).__name__}: {error}"


def _execute(
    template: Path,
    notebook: Path,
    district: str,
    week_end: date,
    data_dir: Path,
    cwd: Path,
    count: str = agg.VICTIMS,
) -> None:
    """One papermill run of the template into ``notebook``, in a fresh kernel."""
    import tempfile

    import papermill
    from traitlets.config import Config

    kernel_channels.install()  # a lost ZeroMQ wake-up must not stall a report
    # Local sockets instead of TCP ports: nothing listens on the network and the kernel
    # does not warn about unencrypted TCP on every report.
    # NOTE: with IPC, jupyter_client names the sockets <ip>-<n> relative to the working
    # directory; two kernels started in one folder at once pick the same names and read
    # each other's messages ("Invalid Signature"). Each kernel gets a private folder.
    with tempfile.TemporaryDirectory(prefix="bmoredash-kernel-") as sockets:
        papermill.execute_notebook(
            str(template),
            str(notebook),
            parameters={
                "district": district,
                "week_ending": week_end.isoformat(),
                "data_dir": str(data_dir),
                "count": count,
            },
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            execution_timeout=CELL_TIMEOUT_S,
            cwd=str(cwd),
            config=Config(
                {"KernelManager": {"transport": "ipc", "ip": str(Path(sockets) / "kernel")}}
            ),
        )


def _render(
    district: str,
    week_end: date,
    data_dir: Path,
    week_dir: Path,
    formats: Sequence[str],
    printer: PdfPrinter | None,
    demo: bool,
    template: Path = TEMPLATE,
    count: str = agg.VICTIMS,
) -> ReportResult:
    """Execute, export, print one report; failures are returned, not raised. A count of
    incidents is written beside the victims' report as ``<place>-incidents.*``."""
    started = time.perf_counter()
    result = ReportResult(district, week_end, ok=False)
    stem = district if count == agg.VICTIMS else f"{district}-{count}"
    notebook = _audit_week_dir(week_dir) / f"{stem}.ipynb"
    try:
        _execute(template, notebook, district, week_end, data_dir, week_dir, count)
        result.notebook = notebook
        result.timings["execute"] = time.perf_counter() - started
        result.summary = read_summary(notebook)
        title = f"{report_text.place_name(district)} — week ending {week_end:%b %-d, %Y}"
        mark = time.perf_counter()
        html_path = week_dir / f"{stem}.html"
        if "html" not in formats:
            html_path = week_dir / f".{stem}.{os.getpid()}.print.html"
        export_html(notebook, html_path, title)
        if "html" in formats:
            result.html = html_path
        result.timings["html"] = time.perf_counter() - mark
        if "pdf" in formats:
            mark = time.perf_counter()
            header = (
                f"{report_text.place_name(district)} · Weekly Part 1 crime report · "
                f"week ending {report_text.short_date(week_end)}"
            )
            if printer is None:
                with PdfPrinter() as own:
                    own.print_pdf(html_path, week_dir / f"{stem}.pdf", header, demo=demo)
            else:
                printer.print_pdf(html_path, week_dir / f"{stem}.pdf", header, demo=demo)
            result.pdf = week_dir / f"{stem}.pdf"
            result.timings["pdf"] = time.perf_counter() - mark
        if "html" not in formats:
            html_path.unlink(missing_ok=True)
        result.ok = True
    except Exception as error:  # one report's failure is reported, never fatal to a batch
        result.error = _failure_reason(error)
        if notebook.exists():
            result.notebook = notebook  # kept: the executed cells show where it failed
    result.seconds = time.perf_counter() - started
    return result


def _check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in formats if f.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise ValueError(f"unknown format(s) {unknown}; valid: {', '.join(FORMATS)}")
    return chosen


def render_report(
    district: str,
    week_ending: date | str,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    out_dir: str | os.PathLike[str] | None = None,
    formats: Iterable[str] = FORMATS,
    template: Path = TEMPLATE,
    count: str = agg.VICTIMS,
) -> ReportResult:
    """Render one report to ``<out_dir>/<week_ending>/<district>.{html,pdf}`` (the executed
    notebook to ``<out_dir>-audit/<week_ending>/``, not published) and
    refresh that week's ``index.html``; ``count="incidents"`` counts incidents instead of
    victims, in ``<district>-incidents.*``.

    Bad parameters raise ReportParameterError before any kernel starts. A failure while
    rendering raises RuntimeError naming the kernel's error; the executed notebook is
    kept in the audit folder to show where.
    """
    params = validate_params(district, week_ending, data_dir, count)
    chosen = _check_formats(formats)
    week_dir = config.reports_dir(out_dir) / params.week_end.isoformat()
    week_dir.mkdir(parents=True, exist_ok=True)
    demo = bool(params.manifest.get("demo"))
    result = _render(
        params.district,
        params.week_end,
        params.data_dir,
        week_dir,
        chosen,
        None,
        demo,
        template,
        params.count,
    )
    write_index(week_dir, demo=demo, data_through=params.manifest["data_through"])
    if not result.ok:
        raise RuntimeError(
            f"report {params.district} for the week ending {params.week_end} failed: "
            f"{result.error} (executed notebook: {result.notebook})"
        )
    return result


# --------------------------------------------------------------------------------------
# The batch
# --------------------------------------------------------------------------------------

_WORKER_PRINTER: PdfPrinter | None = None


def _worker_init() -> None:
    """Each pool worker keeps one browser for all the reports it renders."""
    global _WORKER_PRINTER
    _WORKER_PRINTER = PdfPrinter()
    atexit.register(_WORKER_PRINTER.close)


def _worker_render(task: dict[str, Any]) -> ReportResult:
    printer = _WORKER_PRINTER if "pdf" in task["formats"] else None
    return _render(printer=printer, **task)


@dataclass
class BatchResult:
    """The week's reports: which rendered, which failed and why, and the index page."""

    week_ending: date
    week_dir: Path
    results: list[ReportResult]
    seconds: float
    workers: int
    index: Path | None = None

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def failed(self) -> list[ReportResult]:
        return [r for r in self.results if not r.ok]

    def summary(self) -> str:
        """Several lines for the terminal: counts, each failure with its reason, the index."""
        good = len(self.results) - len(self.failed)
        lines = [
            f"{len(self.results)} report(s) for the week ending {self.week_ending} in "
            f"{self.seconds:.1f} s ({self.workers} worker(s)): {good} ok, "
            f"{len(self.failed)} failed"
        ]
        for r in self.failed:
            lines.append(f"  FAILED {r.district}: {r.error}")
        if self.index is not None:
            lines.append(f"index: {self.index}")
        return "\n".join(lines)


def render_batch(
    week_ending: date | str | None = None,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    out_dir: str | os.PathLike[str] | None = None,
    formats: Iterable[str] = FORMATS,
    workers: int | None = None,
    progress: bool = True,
    districts: Iterable[str] | None = None,
    template: Path = TEMPLATE,
) -> BatchResult:
    """Render the week's reports (the nine districts and the city) in parallel.

    ``week_ending`` None means the last complete week of the data; ``workers`` defaults to
    the number of cores; ``districts`` narrows the set (tests). One report failing does
    not stop the others: see ``BatchResult.failed`` and ``summary()``. Bad parameters
    (week out of range, unknown district) raise ReportParameterError before any work.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from tqdm.auto import tqdm

    started = time.perf_counter()
    places = [check_district(d) for d in (districts or REPORT_PLACES)]
    params = validate_params(places[0], week_ending, data_dir)
    chosen = _check_formats(formats)
    week_dir = config.reports_dir(out_dir) / params.week_end.isoformat()
    week_dir.mkdir(parents=True, exist_ok=True)
    demo = bool(params.manifest.get("demo"))
    pool_size = max(1, min(workers or os.cpu_count() or 1, len(places)))
    tasks = [
        {
            "district": place,
            "week_end": params.week_end,
            "data_dir": params.data_dir,
            "week_dir": week_dir,
            "formats": chosen,
            "demo": demo,
            "template": template,
        }
        for place in places
    ]
    results: dict[str, ReportResult] = {}
    bar = tqdm(
        total=len(tasks), desc=f"reports {params.week_end}", unit="report", disable=not progress
    )
    # NOTE: spawn, not fork: the parent may hold threads (tqdm, Playwright) that a fork
    # would copy half-alive.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(pool_size, mp_context=context, initializer=_worker_init) as pool:
        futures = {pool.submit(_worker_render, task): task["district"] for task in tasks}
        for future in as_completed(futures):
            place = futures[future]
            try:
                results[place] = future.result()
            except Exception as error:  # the worker itself died
                results[place] = ReportResult(
                    place, params.week_end, ok=False, error=_failure_reason(error)
                )
            bar.set_postfix_str(f"{place} {'ok' if results[place].ok else 'FAILED'}")
            bar.update()
    bar.close()
    ordered = [results[p] for p in places]
    failures = {r.district: r.error or "unknown error" for r in ordered if not r.ok}
    index = write_index(
        week_dir, demo=demo, data_through=params.manifest["data_through"], failures=failures
    )
    return BatchResult(
        params.week_end, week_dir, ordered, time.perf_counter() - started, pool_size, index
    )


# --------------------------------------------------------------------------------------
# Index page
# --------------------------------------------------------------------------------------


def _audit_week_dir(week_dir: Path) -> Path:
    """The week's folder of executed notebooks (``config.report_audit_dir``), created."""
    audit = config.report_audit_dir(week_dir.parent) / week_dir.name
    audit.mkdir(parents=True, exist_ok=True)
    return audit


def write_index(
    week_dir: Path,
    *,
    demo: bool,
    data_through: str,
    failures: dict[str, str] | None = None,
) -> Path:
    """``index.html`` for the week: every rendered report with its headline numbers and
    links to its HTML and PDF, and the failures with their reasons. Rebuilt from the
    executed notebooks, which stay in the audit folder (``config.report_audit_dir``): the
    week's folder holds only what can be published."""
    esc = report_text.esc
    failures = failures or {}
    audit = _audit_week_dir(week_dir)
    rows = []
    for place in REPORT_PLACES:
        nb = audit / f"{place}.ipynb"
        summary = read_summary(nb) if nb.exists() else None
        if place in failures:
            rows.append(
                f'<tr class="failed" data-district="{place}"><th scope="row">'
                f"{esc(report_text.place_name(place))}</th>"
                f'<td colspan="7">Failed: {esc(failures[place])}</td></tr>'
            )
            continue
        if summary is None:
            continue
        links = " · ".join(
            _link(week_dir, week_dir / f"{place}.{ext}", label)
            for ext, label in (("html", "HTML"), ("pdf", "PDF"))
        )
        count, average = report_text.count, report_text.average
        before = summary["violent_last_ytd"]  # None: the same days of last year lack data
        ytd = (
            "no comparison"
            if before is None or summary["violent_ytd"] is None
            else _ytd_change(summary["violent_ytd"], before)
        )
        rows.append(
            f'<tr data-district="{place}"><th scope="row">{esc(summary["place"])}</th>'
            f'<td class="num" data-col="violent_week">{count(summary["violent_week"])}</td>'
            f'<td class="num">{average(summary["violent_4wk"])}</td>'
            f'<td class="num" data-col="property_week">{count(summary["property_week"])}</td>'
            f'<td class="num">{average(summary["property_4wk"])}</td>'
            f'<td class="num" data-col="homicides_week">{count(summary["homicides_week"])}</td>'
            f'<td class="num">{count(summary["violent_ytd"])} ({esc(ytd)})</td>'
            f'<td class="files">{links}</td></tr>'
        )
    week_end = date.fromisoformat(week_dir.name)
    banner = (
        '<div class="demo-banner"><strong>Demo data</strong> — synthetic incidents, not real '
        "crimes.</div>"
        if demo
        else ""
    )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Weekly Part 1 crime reports — week ending {week_end.isoformat()}</title>
<style>{_CSS}
body {{ max-width: 10in; }} td.files {{ white-space: nowrap; }}</style></head>
<body><main>
{banner}
<p class="kicker">Weekly Part 1 crime reports</p>
<h1>Week ending {esc(report_text.long_date(week_end))}</h1>
<p class="dates">{esc(report_text.short_date(periods.week_window(week_end).start))} –
{esc(report_text.short_date(week_end))}, Eastern time. Data through {esc(data_through)}.</p>
<table class="index">
<thead><tr><th scope="col">Report</th>
<th scope="col" class="num">Part 1 violent this week</th>
<th scope="col" class="num">4-week avg</th>
<th scope="col" class="num">Part 1 property this week</th>
<th scope="col" class="num">4-week avg</th>
<th scope="col" class="num">Homicides</th>
<th scope="col" class="num">Violent year to date (vs last year)</th>
<th scope="col">Files</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>
<p class="note">Counts are victims of Part 1 crimes, counted by bmoredash from the
published Baltimore Police Department data; each report explains its methods.</p>
</main></body></html>
"""
    path = week_dir / "index.html"
    _atomic_write(path, page)
    return path


def _ytd_change(now: int, before: int) -> str:
    """The change in percent, or the difference when either count is below
    ``aggregate.MIN_READABLE_COUNT`` (``aggregate.percent_readable``)."""
    pct = agg.readable_percent(now, before)
    return report_text.percent(pct) if pct is not None else report_text.signed(now - before)


def _link(week_dir: Path, path: Path, label: str) -> str:
    if not path.exists():
        return ""
    return f'<a href="{report_text.esc(path.relative_to(week_dir).as_posix())}">{label}</a>'
