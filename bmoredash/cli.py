"""The ``bmoredash`` command line (filled in as the modules land)."""

from __future__ import annotations

import typer

app = typer.Typer(help="Baltimore Part 1 crime data: demo, ingest, fetch, info, serve, reports.")


@app.callback()
def main() -> None:
    """bmoredash command line."""
