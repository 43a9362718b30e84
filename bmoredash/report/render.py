"""HTML from the templates in ``bmoredash/report/templates``: the report's blocks (each a
notebook cell's output), and the executed notebook as one self-contained page.

Python hands the templates words and numbers (``text``) and figures (``figures``); the
markup and the report's own sentences are in the templates, and Jinja2 escapes every value
(``select_autoescape``). The stylesheet is ``templates/report.css``, started from the CSS
variables of ``bmoredash.style.css_root()``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd
from markupsafe import Markup

from bmoredash import files, style
from bmoredash.aggregate import VICTIMS
from bmoredash.report import figures, text
from bmoredash.selection import PUBLISHED_LINES
from bmoredash.text import arrests_items, methodology_items
from bmoredash.vocabulary import DEMO_BANNER, DEMO_MARK, place_name

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Cells the HTML never shows (papermill's parameter cells).
HIDDEN_TAGS = frozenset({"parameters", "injected-parameters"})


@functools.cache
def environment() -> jinja2.Environment:
    """The report templates, values escaped by the engine (``.html.j2`` templates)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2")),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(name: str, **values: Any) -> str:
    """``templates/<name>`` filled with ``values`` (and the CSS variables as ``css_root``)."""
    page = environment().get_template(name).render(css_root=Markup(style.css_root()), **values)
    return page.strip()


# --------------------------------------------------------------------------------------
# The report's blocks (the notebook shows each with IPython.display.HTML)
# --------------------------------------------------------------------------------------


def title_html(
    district: str,
    week_start: date,
    week_end: date,
    demo: bool,
    unit: str = VICTIMS,
    lines: str = PUBLISHED_LINES,
) -> str:
    """The title block, with ``vocabulary.DEMO_BANNER`` first when the data is synthetic."""
    words = text.title(district, week_start, week_end, demo, unit, lines)
    return render("title.html.j2", **words)


def headline_html(*args: Any, **keywords: Any) -> str:
    """The opening paragraph: ``text.headline``'s sentences (same arguments), as HTML."""
    line = text.headline(*args, **keywords)
    return render("headline.html.j2", line=line)


def offense_table_html(
    table: pd.DataFrame, week_end: date, gaps: Mapping[str, str] | None = None
) -> str:
    """The per-offense table and, when counts are missing, why (``text.offense_table``)."""
    return render(
        "offense_table.html.j2",
        table=text.offense_table(table, week_end, gaps),
        columns=text.OFFENSE_COLUMNS,
    )


def neighborhoods_html(week: pd.DataFrame, ytd: pd.DataFrame, week_end: date) -> str:
    """The week's and the year's top neighborhoods, side by side (``text.neighborhoods``)."""
    return render("neighborhoods.html.j2", rankings=text.neighborhoods(week, ytd, week_end))


def programs_html(programs: pd.DataFrame | None, district: str) -> str:
    """The CVI programs serving the place, or a plain note (``text.programs``)."""
    return render("programs.html.j2", **text.programs(programs, district))


#: Items of ``bmoredash/text/arrests.md`` the arrests section repeats in the Arrests page's
#: words, by their bold label.
ARREST_NOTES: tuple[str, ...] = (
    "An arrest is one arrest number",
    "What police did, not what happened",
)


def arrests_html(counts: Any, week_end: date, district: str) -> str:
    """The arrests section (``templates/arrests_table.html.j2``) from
    ``report.data.ArrestCounts``, or nothing when the store has no arrest data for the
    week (``counts`` None)."""
    if counts is None:
        return ""
    notes = [Markup(item) for item in arrests_items(*ARREST_NOTES).values()]
    return render(
        "arrests_table.html.j2",
        table=text.arrests(counts.week, counts.ytd, week_end, district),
        columns=text.ARREST_TABLE_COLUMNS,
        notes=notes,
    )


def figure_html(fig: Any, alt: str, caption: str = "") -> str:
    """A ``<figure>`` holding the chart as an embedded SVG image, with alt text and caption."""
    return render("figure.html.j2", src=figures.svg_data_uri(fig), alt=alt, caption=caption)


#: Methodology items the footnote repeats in the Methodology page's words
#: (``bmoredash/text/methodology.md``), by their bold label.
SHARED_RULES: tuple[str, ...] = (
    "Common assault is left out",
    "Dates and weeks",
    "Notable weeks",
    "Up, down or within chance",
    "Small numbers",
)


def methodology_html(manifest: Mapping[str, Any], **details: Any) -> str:
    """The footnote (``templates/methodology.html.j2``): where the numbers come from,
    which days hold data, how each number is counted, data through when. ``details`` are
    ``text.methodology``'s keywords (the week, the hour chart's days, the gaps...)."""
    values = text.methodology(manifest, **details)
    shared = {label: Markup(item) for label, item in methodology_items(*SHARED_RULES).items()}
    return render("methodology.html.j2", m={**values, "banner": DEMO_BANNER, "shared": shared})


def _plain(markup: str) -> str:
    """Rendered words without entities and with single spaces."""
    return " ".join(Markup(markup).unescape().split())


def preliminary_note(manifest: Mapping[str, Any], week_end: date) -> str:
    """The footnote's sentences on preliminary weeks, as plain text."""
    macro = environment().get_template("methodology.html.j2").module.preliminary_note
    return _plain(macro(text.preliminary(manifest, week_end)))


# --------------------------------------------------------------------------------------
# The week's index and the PDF page furniture
# --------------------------------------------------------------------------------------


def index_html(
    week_end: date,
    week_start: date,
    *,
    rows: list[dict[str, Any]],
    demo: bool,
    data_through: str,
) -> str:
    """The week's index page (``templates/index.html.j2``)."""
    return render(
        "index.html.j2",
        rows=rows,
        banner=DEMO_BANNER if demo else None,
        week_end_iso=week_end.isoformat(),
        week_end=text.long_date(week_end),
        first_day=text.short_date(week_start),
        last_day=text.short_date(week_end),
        data_through=data_through,
    )


def pdf_header_html(district: str, week_end: date, *, demo: bool) -> str:
    """Chromium's header for every PDF page: the place and week, and the demo mark."""
    return render(
        "pdf_header.html.j2",
        place=place_name(district),
        week_end=text.short_date(week_end),
        mark=DEMO_MARK if demo else "",
        color=style.MUTED,
    )


def pdf_footer_html() -> str:
    """Chromium's footer: page numbers."""
    return render("pdf_footer.html.j2", color=style.MUTED)


# --------------------------------------------------------------------------------------
# The executed notebook as one page
# --------------------------------------------------------------------------------------


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

    nbconvert's ``lab`` cell templates inside ``templates/notebook.html.j2``: the default
    page pulls require.js and MathJax from CDNs; ours holds only inline CSS and embedded
    images.
    """
    import nbformat
    from nbconvert import HTMLExporter

    nb = _displayable(nbformat.read(notebook, as_version=4))
    exporter = HTMLExporter(
        template_name="lab",
        extra_template_paths=[str(TEMPLATES)],
        template_file="notebook.html.j2",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(
        nb, resources={"bmoredash_title": title, "bmoredash_css_root": style.css_root()}
    )
    with files.atomic_write(html_path) as handle:
        handle.write(body)
    return html_path
