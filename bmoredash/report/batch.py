"""Running the reports: one place (``render_report``) or the whole week (``render_batch``),
and the week's index page.

Each report is one papermill run of the notebook (``params.TEMPLATE``) into the audit
folder, exported to HTML (``render.export_html``) and printed to PDF (``pdf.PdfPrinter``,
one browser per pool worker reused across reports). The index's headline numbers are the
report's own offense table (``ReportData.summary``): the notebook writes them to the
``summary_path`` it is given, ``<place>.summary.json`` beside the executed notebook; nothing
is read back out of the notebook's outputs.

Heavy imports (papermill, nbconvert, playwright) happen inside the functions that need
them.
"""

from __future__ import annotations

import atexit
import dataclasses
import os
import time
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from bmoredash import aggregate as agg
from bmoredash import config, files, periods
from bmoredash.report import render, text
from bmoredash.report.data import read_summary
from bmoredash.report.params import (
    REPORT_SETS,
    TEMPLATE,
    ReportParameterError,
    ReportParams,
    check_district,
    check_template,
    notebook_parameters,
    validate_params,
)
from bmoredash.report.pdf import PdfPrinter
from bmoredash.selection import PUBLISHED_LINES
from bmoredash.serving import hooks

FORMATS: tuple[str, ...] = ("html", "pdf")
CELL_TIMEOUT_S = 600


# --------------------------------------------------------------------------------------
# Rendering one report
# --------------------------------------------------------------------------------------


@dataclasses.dataclass
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
    timings: dict[str, float] = dataclasses.field(default_factory=dict)

    @property
    def outputs(self) -> list[Path]:
        """Files written, in the order a reader wants them: HTML, PDF, executed notebook."""
        return [p for p in (self.html, self.pdf, self.notebook) if p is not None]


def _failure_reason(error: BaseException) -> str:
    ename = getattr(error, "ename", None)
    if ename:  # papermill's PapermillExecutionError: the kernel's exception
        return f"{ename}: {getattr(error, 'evalue', '')}".strip()
    return f"{type(error).__name__}: {error}"


def execute_notebook(
    template: Path,
    notebook: Path,
    params: ReportParams,
    cwd: Path,
    summary_path: Path | None = None,
) -> None:
    """One papermill run of the template into ``notebook``, in a fresh kernel, with the
    parameters of ``params.notebook_parameters``; the notebook writes its headline numbers
    to ``summary_path`` (None: nowhere)."""
    import tempfile

    import papermill
    from traitlets.config import Config

    hooks.install_kernel_channels()  # a lost ZeroMQ wake-up must not stall a report
    # Local sockets instead of TCP ports: nothing listens on the network and the kernel
    # does not warn about unencrypted TCP on every report.
    # NOTE: with IPC, jupyter_client names the sockets <ip>-<n> relative to the working
    # directory; two kernels started in one folder at once pick the same names and read
    # each other's messages ("Invalid Signature"). Each kernel gets a private folder.
    with tempfile.TemporaryDirectory(prefix="bmoredash-kernel-") as sockets:
        papermill.execute_notebook(
            str(template),
            str(notebook),
            parameters=notebook_parameters(
                params.district,
                params.week_end,
                params.data_dir,
                params.count,
                summary_path,
                params.lines,
            ),
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
    params: ReportParams,
    week_dir: Path,
    formats: Sequence[str],
    printer: PdfPrinter | None,
    template: Path = TEMPLATE,
) -> ReportResult:
    """Execute, export, print one report and keep its summary for the index; failures are
    returned, not raised. A count of incidents, or a report by other district lines, is
    written beside the default report (``ReportParams.stem``: ``<place>-incidents.*``,
    ``<place>-pre2023.*``)."""
    started = time.perf_counter()
    district, week_end = params.district, params.week_end
    result = ReportResult(district, week_end, ok=False)
    stem = params.stem
    notebook = _audit_week_dir(week_dir) / f"{stem}.ipynb"
    summary_path = _summary_path(week_dir, stem)
    summary_path.unlink(missing_ok=True)  # a failed run leaves no older numbers behind
    try:
        execute_notebook(template, notebook, params, week_dir, summary_path)
        result.notebook = notebook
        result.timings["execute"] = time.perf_counter() - started
        result.summary = read_summary(summary_path)
        mark = time.perf_counter()
        html_path = week_dir / f"{stem}.html"
        if "html" not in formats:
            html_path = week_dir / f".{stem}.{os.getpid()}.print.html"
        render.export_html(notebook, html_path, text.page_title(district, week_end))
        if "html" in formats:
            result.html = html_path
        result.timings["html"] = time.perf_counter() - mark
        if "pdf" in formats:
            mark = time.perf_counter()
            pdf_path = week_dir / f"{stem}.pdf"
            if printer is None:
                with PdfPrinter() as own:
                    own.print_pdf(html_path, pdf_path, district, week_end, demo=params.demo)
            else:
                printer.print_pdf(html_path, pdf_path, district, week_end, demo=params.demo)
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
    lines: str = PUBLISHED_LINES,
) -> ReportResult:
    """Render one report to ``<out_dir>/<week_ending>/<district>.{html,pdf}`` (the executed
    notebook to ``<out_dir>-audit/<week_ending>/``, not published) and
    refresh that week's ``index.html``; ``count="incidents"`` counts incidents instead of
    victims, in ``<district>-incidents.*``.

    Bad parameters raise ReportParameterError before any kernel starts. A failure while
    rendering raises RuntimeError naming the kernel's error; the executed notebook is
    kept in the audit folder to show where.
    """
    params = validate_params(district, week_ending, data_dir, count, lines)
    chosen = _check_formats(formats)
    check_template(template)
    week_dir = config.reports_dir(out_dir) / params.week_end.isoformat()
    week_dir.mkdir(parents=True, exist_ok=True)
    result = _render(params, week_dir, chosen, None, template)
    write_index(week_dir, demo=params.demo, data_through=params.manifest["data_through"])
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


@dataclasses.dataclass
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
    by: str = "district",
    lines: str = PUBLISHED_LINES,
) -> BatchResult:
    """Render the week's reports in parallel: by ``district`` the nine districts and the
    city, by ``council`` the 14 Council districts (``params.REPORT_SETS``).

    ``week_ending`` None means the last complete week of the data; ``workers`` defaults to
    the number of cores; ``districts`` narrows the set (tests). One report failing does
    not stop the others: see ``BatchResult.failed`` and ``summary()``. Bad parameters
    (week out of range, unknown district) raise ReportParameterError before any work.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from tqdm.auto import tqdm

    started = time.perf_counter()
    if by not in REPORT_SETS:
        raise ReportParameterError(f"reports by {by!r}? use {' or '.join(REPORT_SETS)}")
    places = [check_district(d) for d in (districts or REPORT_SETS[by])]
    params = validate_params(places[0], week_ending, data_dir, lines=lines)
    chosen = _check_formats(formats)
    check_template(template)
    week_dir = config.reports_dir(out_dir) / params.week_end.isoformat()
    week_dir.mkdir(parents=True, exist_ok=True)
    pool_size = max(1, min(workers or os.cpu_count() or 1, len(places)))
    tasks = [
        {
            "params": dataclasses.replace(params, district=place),
            "week_dir": week_dir,
            "formats": chosen,
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
        futures = {pool.submit(_worker_render, task): task["params"].district for task in tasks}
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
        week_dir, demo=params.demo, data_through=params.manifest["data_through"], failures=failures
    )
    return BatchResult(
        params.week_end, week_dir, ordered, time.perf_counter() - started, pool_size, index
    )


# --------------------------------------------------------------------------------------
# The week's folders, the summaries and the index page
# --------------------------------------------------------------------------------------


def _audit_week_dir(week_dir: Path) -> Path:
    """The week's folder of executed notebooks (``config.report_audit_dir``), created."""
    audit = config.report_audit_dir(week_dir.parent) / week_dir.name
    audit.mkdir(parents=True, exist_ok=True)
    return audit


def _summary_path(week_dir: Path, stem: str) -> Path:
    return _audit_week_dir(week_dir) / f"{stem}.summary.json"


def write_index(
    week_dir: Path,
    *,
    demo: bool,
    data_through: str,
    failures: dict[str, str] | None = None,
) -> Path:
    """``index.html`` for the week: every rendered report with its headline numbers and
    links to its HTML and PDF, and the failures with their reasons. Rebuilt from the
    summaries in the audit folder (``config.report_audit_dir``): the week's folder holds
    only what can be published."""
    failures = failures or {}
    rows: list[dict[str, Any]] = []
    for place in (p for places in REPORT_SETS.values() for p in places):
        if place in failures:
            name = text.place_name(place)
            rows.append({"district": place, "place": name, "failed": failures[place]})
            continue
        summary = read_summary(_summary_path(week_dir, place))
        if summary is None:
            continue
        links = [
            (f"{place}.{ext}", label)
            for ext, label in (("html", "HTML"), ("pdf", "PDF"))
            if (week_dir / f"{place}.{ext}").exists()
        ]
        rows.append({"district": place, "failed": "", "links": links, **text.index_row(summary)})
    week_end = date.fromisoformat(week_dir.name)
    page = render.index_html(
        week_end,
        periods.week_window(week_end).start,
        rows=rows,
        demo=demo,
        data_through=data_through,
    )
    path = week_dir / "index.html"
    with files.atomic_write(path) as handle:
        handle.write(page)
    return path
