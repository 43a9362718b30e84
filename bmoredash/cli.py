"""The ``bmoredash`` command line: demo, ingest, fetch, info, export, serve, report, reports,
publish.

Each command is a thin wrapper over a package function; errors a user can fix are printed
as one line on stderr with a non-zero exit code, never as a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from bmoredash import config
from bmoredash.coverage import spans_of_days
from bmoredash.vocabulary import DEMO_MARK

app = typer.Typer(
    help=(
        "Baltimore Part 1 crime data: demo, ingest, fetch, rebuild, info, export, serve, "
        "report, reports, publish."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help=f"data directory (default: ${config.DATA_DIR_ENV}, else ./data)",
        show_default=False,
    ),
]


#: The longest error line printed, prefix included (a message quoting a file's content is cut).
MAX_ERROR_CHARS = 1_000
_CUT = "… (cut)"
_ERROR_PREFIX = "error: "


def printable(text: str, limit: int = MAX_ERROR_CHARS) -> str:
    """``text`` safe for a terminal: control characters other than a line break escaped
    (data can hold escape sequences), cut to at most ``limit`` characters, the cut mark
    included."""
    safe = "".join(
        c if c == "\n" or c.isprintable() else c.encode("unicode_escape").decode("ascii")
        for c in text[: limit + 1]
    )
    return safe if len(safe) <= limit else safe[: limit - len(_CUT)] + _CUT


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the errors a user can act on into one clear, printable message and exit code 1."""
    try:
        yield
    except (OSError, ValueError, RuntimeError) as error:
        message = printable(str(error), MAX_ERROR_CHARS - len(_ERROR_PREFIX))
        typer.secho(f"{_ERROR_PREFIX}{message}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from None


def _parse_date(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=name) from None


def _echo_summary(summary: dict[str, Any]) -> None:
    for source in summary.get("sources", []):
        quarantined = source.get("rows_read", 0) - source.get("rows_kept", 0)
        window = source.get("window") or [None, None]
        typer.echo(
            f"  {source['source']} -> {source.get('snapshot')} [{source.get('dataset')}, "
            f"{window[0]} to {window[1]}]: {source.get('rows_read', 0):,} read, "
            f"{source.get('rows_kept', 0):,} kept, {quarantined:,} quarantined, "
            f"{source.get('rows_served', 0):,} served"
            + (" (arrests)" if source.get("table") == "arrests" else "")
        )
    if summary.get("unchanged"):
        typer.echo(f"  already in the store, unchanged: {', '.join(summary['unchanged'])}")
    if summary.get("superseded"):
        typer.echo(f"  {summary['superseded']:,} rows of earlier snapshots replaced")
    if summary.get("arrests_superseded"):
        typer.echo(f"  {summary['arrests_superseded']:,} arrest rows of earlier snapshots replaced")
    if "rows" in summary:
        typer.echo(f"store now holds {summary['rows']:,} rows")
    if summary.get("arrest_rows"):
        typer.echo(f"store now holds {summary['arrest_rows']:,} arrest rows")


@app.command()
def demo(
    data_dir: DataDirOption = None,
    scale: Annotated[float, typer.Option(help="row multiplier (10 for benchmarks)")] = 1.0,
    seed: Annotated[int, typer.Option(help="random seed; same seed, same data")] = 20120101,
    end: Annotated[str | None, typer.Option(help="last day (default: last Saturday)")] = None,
    start: Annotated[str, typer.Option(help="first day")] = "2012-01-01",
) -> None:
    """Write the deterministic demo dataset and ingest it (labelled demo everywhere)."""
    from bmoredash.demo import DEMO_ARRESTS_CSV, write_demo

    target = config.data_dir(data_dir)
    with user_errors():
        csv_path = write_demo(
            target,
            scale=scale,
            seed=seed,
            end=_parse_date(end, "--end"),
            start=_parse_date(start, "--start"),
        )
    arrests_path = target / DEMO_ARRESTS_CSV
    typer.echo(f"demo data written to {csv_path} and {arrests_path} and ingested into {target}")


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="CSV, JSON or GeoJSON files to ingest")],
    data_dir: DataDirOption = None,
    replace: Annotated[
        bool, typer.Option(help="start a new store instead of merging (e.g. over demo data)")
    ] = False,
    prefer: Annotated[
        list[str] | None,
        typer.Option(
            "--prefer",
            help="dataset that serves dates two datasets both cover (repeat to rank several)",
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(help="when the files were downloaded (default: each file's last date)"),
    ] = None,
) -> None:
    """Read published crime or arrest files (any known layout), clean them and merge into
    the store (arrest files into its arrests table).

    Each file is a snapshot of its dataset: for the dates it covers it replaces what an
    older snapshot of the same dataset said. Two datasets over the same dates stop the
    ingest until --prefer says which one serves them.
    """
    from bmoredash.ingest import ingest_paths

    target = config.data_dir(data_dir)
    stamp = _parse_date(as_of, "--as-of")
    with user_errors():
        summary = ingest_paths(
            paths,
            target,
            replace=replace,
            prefer=prefer,
            as_of=stamp.isoformat() if stamp else None,
        )
    _echo_summary(summary)


@app.command()
def rebuild(data_dir: DataDirOption = None) -> None:
    """Recreate the store offline from the raw snapshots kept in the data directory."""
    from bmoredash.ingest import rebuild as rebuild_store

    target = config.data_dir(data_dir)
    with user_errors():
        summary = rebuild_store(target)
    _echo_summary(summary)


@app.command()
def fetch(
    data_dir: DataDirOption = None,
    url: Annotated[
        list[str] | None, typer.Option("--url", help="FeatureServer layer URL (repeatable)")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="only records on/after this date (with an overlap)")
    ] = None,
    boundaries: Annotated[
        bool, typer.Option(help="also fetch police district and neighborhood boundaries")
    ] = True,
    boundaries_from: Annotated[
        Path | None,
        typer.Option(help="install boundaries from this folder instead of downloading"),
    ] = None,
    timeout: Annotated[
        float,
        typer.Option(min=1, help="give up after this many seconds in all (each read: 60 s)"),
    ] = 1800.0,
    dataset: Annotated[
        str,
        typer.Option(help="what to fetch: crime (Part 1 crime) or arrests (BPD arrests)"),
    ] = "crime",
) -> None:
    """Fetch Part 1 crime (or, with --dataset arrests, arrests) from Open Baltimore
    (ArcGIS REST) into the store.

    Exit status: 0 done; 1 nothing stored (a download, check or store failed: one
    "error:" line); 2 bad usage; 3 the crime data was stored but the boundaries failed.
    """
    from bmoredash import fetch as fetching
    from bmoredash.reference.boundaries import install_from

    target = config.data_dir(data_dir)
    deadline = fetching.Deadline(timeout)
    with user_errors():
        summary = fetching.fetch_to_store(
            target,
            urls=url or None,
            since=_parse_date(since, "--since"),
            deadline=deadline,
            dataset=dataset,
        )
        _echo_summary(summary)
    try:
        if boundaries_from is not None:
            written = install_from(boundaries_from, target)
            typer.echo(f"installed {len(written)} boundary files from {boundaries_from}")
        elif boundaries:
            written = fetching.fetch_boundaries(target, deadline=deadline)
            typer.echo(f"fetched {len(written)} boundary files")
    except (OSError, ValueError, RuntimeError) as error:
        note = fetching.stored_note(summary, dataset)
        typer.secho(f"error: boundaries failed ({error}); {note}", fg=typer.colors.RED, err=True)
        raise typer.Exit(3) from None


@app.command()
def info(
    data_dir: DataDirOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="print the manifest and quality as JSON")
    ] = False,
) -> None:
    """Show what the store holds: snapshots, rows, dates covered, gap days, data quality."""
    from bmoredash.store import read_arrest_quality, read_manifest, read_quality, sweep_stale

    target = config.data_dir(data_dir)
    with user_errors():
        manifest = read_manifest(target)
        quality = read_quality(target)
        arrest_quality = read_arrest_quality(target)
        for path in sweep_stale(target):
            typer.echo(f"removed {path.name}, left by a write that was killed", err=True)
    if as_json:
        doc = {"manifest": manifest, "quality": quality, "arrest_quality": arrest_quality}
        typer.echo(json.dumps(doc, indent=2, default=str))
        return
    kind = f"{DEMO_MARK} (synthetic)" if manifest.get("demo") else "real data"
    typer.echo(f"store: {target} ({kind}, schema v{manifest.get('schema_version')})")
    typer.echo(
        f"rows: {manifest.get('rows', 0):,}  from {manifest.get('first_date')} "
        f"to {manifest.get('last_date')}; data through {manifest.get('data_through')}"
    )
    snapshots = manifest.get("snapshots")
    if snapshots:
        typer.echo("snapshots (newest of a dataset serves the dates it covers):")
        for snap in snapshots:
            scope = ", ".join(snap["offenses"]) if snap.get("offenses") else "all offenses"
            typer.echo(
                f"  {snap['id']} {snap['dataset']} {snap.get('start')} to {snap.get('end')} "
                f"({scope}; as of {snap.get('as_of')}): {snap['source']}, "
                f"{snap.get('rows_read', 0):,} read, {snap.get('rows_kept', 0):,} kept, "
                f"{snap.get('rows_served', 0):,} served; raw copy {snap.get('raw') or 'none'}"
            )
        if manifest.get("prefer"):
            typer.echo(f"datasets preferred where they overlap: {', '.join(manifest['prefer'])}")
    else:
        for source in manifest.get("sources", []):
            typer.echo(
                f"  source {source.get('source')} [{source.get('layout')}]: "
                f"{source.get('rows_read', 0):,} read, {source.get('rows_kept', 0):,} kept"
            )
    cover = manifest.get("coverage") or {}
    for span in cover.get("spans", []):
        scope = ", ".join(span["offenses"]) if span.get("offenses") else "all offenses"
        typer.echo(f"covered: {span['start']} to {span['end']} by {span['dataset']} ({scope})")
    gaps = [date.fromisoformat(d) for d in cover.get("gap_days", [])]
    runs = [
        str(first) if first == last else f"{first} to {last}" for first, last in spans_of_days(gaps)
    ]
    typer.echo(f"gap days (no data): {', '.join(runs) if runs else 'none'}")

    def echo_quality(report: dict[str, Any]) -> None:
        for key, value in report.items():
            if isinstance(value, dict):
                shown = ", ".join(f"{k} {v:,}" for k, v in list(value.items())[:8]) or "none"
                typer.echo(f"  {key}: {shown}")
            else:
                typer.echo(f"  {key}: {value:,}" if isinstance(value, int) else f"  {key}: {value}")

    typer.echo("quality:")
    echo_quality(quality)
    arrests = manifest.get("arrests") or {}
    held = f" from {arrests['first_date']} to {arrests['last_date']}" if arrests.get("rows") else ""
    typer.echo(f"arrests: {arrests.get('rows', 0):,} rows (one per charge){held}")
    for snap in arrests.get("snapshots", []):
        typer.echo(
            f"  {snap['id']} {snap['dataset']} {snap.get('start')} to {snap.get('end')} "
            f"(as of {snap.get('as_of')}): {snap['source']}, {snap.get('rows_read', 0):,} read, "
            f"{snap.get('rows_kept', 0):,} kept, {snap.get('rows_served', 0):,} served; "
            f"raw copy {snap.get('raw') or 'none'}"
        )
    arrest_cover = arrests.get("coverage") or {}
    for span in arrest_cover.get("spans", []):
        typer.echo(f"arrests covered: {span['start']} to {span['end']} by {span['dataset']}")
    if arrests.get("rows"):
        gaps = [date.fromisoformat(d) for d in arrest_cover.get("gap_days", [])]
        runs = [str(a) if a == b else f"{a} to {b}" for a, b in spans_of_days(gaps)]
        typer.echo(f"arrest gap days (no data): {', '.join(runs) if runs else 'none'}")
        typer.echo("arrest quality:")
        echo_quality(arrest_quality)


@app.command()
def export(
    out: Annotated[Path, typer.Option(help="CSV file to write")],
    district: Annotated[
        list[str] | None, typer.Option(help="a district or alias (repeat for more)")
    ] = None,
    neighborhood: Annotated[list[str] | None, typer.Option(help="a neighborhood")] = None,
    council: Annotated[
        list[str] | None, typer.Option(help="a City Council district, 1-14 (by coordinates)")
    ] = None,
    legislative: Annotated[
        list[str] | None,
        typer.Option(help="a Maryland legislative district: 40, 41, 43A, 45, 46"),
    ] = None,
    lines: Annotated[str | None, typer.Option(help=LINES_HELP)] = None,
    offense: Annotated[
        list[str] | None,
        typer.Option(help="an offense or group: violent, property, other, part1, all"),
    ] = None,
    year: Annotated[list[int] | None, typer.Option(help="a calendar year")] = None,
    start: Annotated[str | None, typer.Option(help="first date (YYYY-MM-DD)")] = None,
    end: Annotated[str | None, typer.Option(help="last date (YYYY-MM-DD)")] = None,
    data_dir: DataDirOption = None,
) -> None:
    """Write the selected rows, every column, to a CSV file (analysts' full rows).

    The options are read by the selection rule the dashboard and the package use
    (``bmoredash.selection``): the same spellings, the same defaults (Part 1 offenses,
    every place and date).
    """
    from bmoredash import csv_out, store
    from bmoredash.selection import Selection

    with user_errors():
        chosen = Selection.parse(
            districts=district or None,
            neighborhoods=neighborhood or None,
            councils=council or None,
            legislative=legislative or None,
            lines=lines,
            offenses=offense or None,
            years=year or None,
            start=start,
            end=end,
        )
        rows = store.load_incidents(config.data_dir(data_dir), chosen)
        out.parent.mkdir(parents=True, exist_ok=True)
        csv_out.to_csv(rows, out)
    typer.echo(f"wrote {len(rows):,} rows ({chosen.describe()}) to {out}")


@app.command()
def serve(
    data_dir: DataDirOption = None,
    port: Annotated[int, typer.Option(help="port to listen on")] = 8866,
    host: Annotated[
        str, typer.Option(help="address to bind (keep 127.0.0.1 behind a proxy)")
    ] = "127.0.0.1",
    preheat: Annotated[bool, typer.Option(help="keep a pool of pre-started kernels")] = False,
    pool_size: Annotated[int, typer.Option(help="kernels in the preheated pool")] = 2,
    fork_kernels: Annotated[
        bool, typer.Option(help="fork kernels from one warm process (less memory per visitor)")
    ] = False,
    max_kernels: Annotated[
        int | None,
        typer.Option(
            help="most live kernels; more visitors get a 'busy' page (default: from cores "
            "and memory, see docs/deployment.md)"
        ),
    ] = None,
) -> None:
    """Serve the dashboard with Voila (public-site configuration)."""
    from bmoredash.serving.launch import serve as run_server
    from bmoredash.store import read_manifest

    target = config.data_dir(data_dir)
    with user_errors():
        read_manifest(target)  # fail early, with the hint, when there is no store
        code = run_server(
            target,
            port=port,
            host=host,
            preheat=preheat,
            pool_size=pool_size,
            fork_kernels=fork_kernels,
            max_kernels=max_kernels,
        )
    raise typer.Exit(code or 0)


#: The district-lines option of export, report and reports.
LINES_HELP = (
    "police district lines: published (the default: 1959-2022 lines before 2023, 2023 lines "
    "after), or 2023 or pre2023 for every year (each row placed by its coordinates)"
)


def _formats(value: str) -> tuple[str, ...]:
    chosen = tuple(f.strip().lower() for f in value.split(",") if f.strip())
    unknown = set(chosen) - {"html", "pdf"}
    if unknown or not chosen:
        raise typer.BadParameter("use html, pdf or html,pdf", param_hint="--format")
    return chosen


@app.command()
def report(
    district: Annotated[
        str, typer.Option(help="a district, CITYWIDE, or a Council district (COUNCIL-3)")
    ],
    week_ending: Annotated[str, typer.Option(help="the Saturday ending the week (YYYY-MM-DD)")],
    data_dir: DataDirOption = None,
    out: Annotated[Path | None, typer.Option(help="output folder (default: ./reports)")] = None,
    format: Annotated[str, typer.Option("--format", help="html, pdf or html,pdf")] = "html,pdf",
    count: Annotated[
        str, typer.Option(help="victims, or incidents (one per BPD case number)")
    ] = "victims",
    lines: Annotated[str, typer.Option(help=LINES_HELP)] = "published",
) -> None:
    """Render one weekly district report (HTML and PDF) with Papermill."""
    from bmoredash.report import render_report

    with user_errors():
        result = render_report(
            district,
            _parse_date(week_ending, "--week-ending"),
            data_dir=config.data_dir(data_dir),
            out_dir=config.reports_dir(out),
            formats=_formats(format),
            count=count,
            lines=lines,
        )
    for path in result.outputs:
        typer.echo(f"wrote {path}")


@app.command()
def reports(
    week_ending: Annotated[
        str | None, typer.Option(help="default: the last complete week of the data")
    ] = None,
    data_dir: DataDirOption = None,
    out: Annotated[Path | None, typer.Option(help="output folder (default: ./reports)")] = None,
    format: Annotated[str, typer.Option("--format", help="html, pdf or html,pdf")] = "html,pdf",
    workers: Annotated[int | None, typer.Option(help="parallel reports (default: cores)")] = None,
    by: Annotated[
        str,
        typer.Option(
            help="district: the nine districts and the city; council: the 14 "
            "Council districts (rows placed by their coordinates)"
        ),
    ] = "district",
    lines: Annotated[str, typer.Option(help=LINES_HELP)] = "published",
) -> None:
    """Render the week's reports in parallel, plus an index: the nine district reports and
    the citywide one, or (``--by council``) one per City Council district."""
    from bmoredash.report import render_batch

    with user_errors():
        result = render_batch(
            _parse_date(week_ending, "--week-ending"),
            data_dir=config.data_dir(data_dir),
            out_dir=config.reports_dir(out),
            formats=_formats(format),
            workers=workers,
            progress=sys.stderr.isatty(),
            by=by,
            lines=lines,
        )
    typer.echo(result.summary())
    raise typer.Exit(0 if result.ok else 1)


@app.command()
def publish(
    out: Annotated[Path, typer.Option(help="folder of the static site (replaced whole)")],
    data_dir: DataDirOption = None,
    explorer_url: Annotated[
        str, typer.Option(help="the dashboard's address, for the pages' Explore links")
    ] = "/dashboard/",
    reports_dir: Annotated[
        Path | None,
        typer.Option(
            "--reports-dir",
            help="the weekly reports folder to archive with an Atom feed (default: ./reports)",
        ),
    ] = None,
    site_url: Annotated[
        str | None,
        typer.Option(
            help="the site's public address (https://...), for the embed code on each page"
        ),
    ] = None,
) -> None:
    """Write the static site: a front page, a page per police district, Council district
    and neighborhood (each with its trend, map, CSV and embeddable cards), and the weekly
    reports archive with its Atom feed when the reports folder holds weeks (switched into
    place when all are written)."""
    from bmoredash.publish import publish as publish_site

    with user_errors():
        result = publish_site(
            config.data_dir(data_dir),
            out,
            explorer_url=explorer_url,
            reports_dir=config.reports_dir(reports_dir),
            site_url=site_url,
        )
    typer.echo(result.summary())


@app.command()
def peers(
    refresh: Annotated[
        Path | None,
        typer.Option(
            "--refresh",
            help="a newer Real-Time Crime Index scorecard CSV: checked, then used instead of "
            "the shipped table",
        ),
    ] = None,
    data_dir: DataDirOption = None,
) -> None:
    """Baltimore beside the 20 largest US cities (Real-Time Crime Index): which table is
    used and its date; --refresh FILE replaces it (a bad file is refused, the table kept)."""
    from bmoredash.reference import peers as peer_table

    with user_errors():
        if refresh is not None:
            path, rows = peer_table.refresh(refresh, config.data_dir(data_dir))
            typer.echo(f"wrote {len(rows)} rows from {refresh} to {path}")
            missing = peer_table.missing_agencies(rows)
            if missing:
                typer.echo(f"  not in the file: {', '.join(missing)}")
        scorecard = peer_table.load(config.data_dir(data_dir))
    kind = "shipped" if scorecard.shipped else "data directory's"
    typer.echo(
        f"peer-city table: {kind} {scorecard.path} ({peer_table.CITATION}), "
        f"data of {scorecard.last_updated:%B %-d, %Y}"
    )
