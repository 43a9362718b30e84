"""Weekly district reports: one parameterised notebook (``notebooks/district_report.ipynb``),
executed by papermill for each police district and the city, exported to a self-contained
HTML page and printed to PDF, with an index page for the week.

One job per module:

- ``params``: the parameter contract (what the notebook declares, what each value may be);
- ``data``: every number one report shows, counted through ``selection`` and ``periods``;
- ``text``: the words and numbers the templates lay out (no markup);
- ``figures``: the matplotlib charts and map (colours from ``bmoredash.style``);
- ``render``: the Jinja2 templates (``templates/``) -> report blocks, the notebook -> HTML;
- ``pdf``: the headless Chromium printer;
- ``batch``: one report or the whole week, and the week's index page.

This module only re-exports what the command line, the notebook, tests and benchmarks use.
"""

from __future__ import annotations

from bmoredash.report.batch import (
    FORMATS,
    BatchResult,
    ReportResult,
    render_batch,
    render_report,
    write_index,
)
from bmoredash.report.data import ReportData, load_report_data
from bmoredash.report.params import (
    REPORT_PLACES,
    TEMPLATE,
    ReportParameterError,
    ReportParams,
    check_district,
    default_week_ending,
    validate_params,
)
from bmoredash.report.pdf import PdfPrinter
from bmoredash.report.render import (
    export_html,
    methodology_html,
    offense_table_html,
    preliminary_note,
)
from bmoredash.report.text import PRELIMINARY_SENTENCE, headline

__all__ = [
    "FORMATS",
    "PRELIMINARY_SENTENCE",
    "REPORT_PLACES",
    "TEMPLATE",
    "BatchResult",
    "PdfPrinter",
    "ReportData",
    "ReportParameterError",
    "ReportParams",
    "ReportResult",
    "check_district",
    "default_week_ending",
    "export_html",
    "headline",
    "load_report_data",
    "methodology_html",
    "offense_table_html",
    "preliminary_note",
    "render_batch",
    "render_report",
    "validate_params",
    "write_index",
]
