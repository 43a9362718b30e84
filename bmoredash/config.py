"""Where things live. The one module that knows paths and settings.

Every path can be overridden by an environment variable so that the dashboard, the
reports and the tests can point at different stores without code changes.
"""

from __future__ import annotations

import os
from importlib import metadata
from pathlib import Path
from zoneinfo import ZoneInfo

#: Baltimore's clock. Every timestamp in the store is in this zone; the one place its name
#: is written (clean's and the store's datetime dtypes are built from it).
CITY_TZ_NAME = "America/New_York"
CITY_TZ = ZoneInfo(CITY_TZ_NAME)

#: Environment variable naming the data directory.
DATA_DIR_ENV = "BMOREDASH_DATA_DIR"

#: The project checkout (used for defaults such as ``reports/``); not the installed package.
PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent


def _version() -> str:
    """The installed package's version (pyproject.toml is its one home)."""
    try:
        return metadata.version("bmoredash")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "0+unknown"


#: Written into every store's manifest.
VERSION = _version()

#: Files inside a data directory.
STORE_FILE = "incidents.arrow"
QUARANTINE_FILE = "quarantine.parquet"
MANIFEST_FILE = "manifest.json"
QUALITY_FILE = "quality.json"
#: The arrests table of a store version and its quarantined rows (``bmoredash.store``).
ARRESTS_FILE = "arrests.arrow"
ARRESTS_QUARANTINE_FILE = "arrests_quarantine.parquet"
BOUNDARIES_DIR = "boundaries"
#: Raw copies of every ingest and fetch (``bmoredash.ingest``), for ``bmoredash rebuild``.
SNAPSHOTS_DIR = "snapshots"


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The data directory: the explicit argument, else ``$BMOREDASH_DATA_DIR``, else ``./data``."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    from_env = os.environ.get(DATA_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser().resolve()
    return (Path.cwd() / "data").resolve()


def reports_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Where rendered reports go: the explicit argument, else ``./reports``."""
    return Path(explicit).expanduser().resolve() if explicit else (Path.cwd() / "reports").resolve()


def report_audit_dir(reports_root: Path) -> Path:
    """Where the executed report notebooks go: beside the published reports folder, never
    in it (a notebook holds code and the server's data path): ``reports`` ->
    ``reports-audit``."""
    return reports_root.with_name(f"{reports_root.name}-audit")


def boundaries_dir(data: Path) -> Path:
    """GeoJSON boundaries fetched next to the store (police districts, neighborhoods)."""
    return data / BOUNDARIES_DIR


#: Debian's Chromium (``apt-get install chromium``): PDF reports and browser tests drive it
#: through Playwright; no browser is ever downloaded.
CHROMIUM = Path(os.environ.get("BMOREDASH_CHROMIUM", "/usr/bin/chromium"))
# NOTE: without the background-networking flags Chromium keeps trying to reach the network.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
