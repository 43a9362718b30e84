"""``python -m bmoredash`` runs the command line."""

from bmoredash.cli import app

app()
