"""Shared fixtures: where the real Baltimore samples live, and a scratch data directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(
    os.environ.get("BMOREDASH_SHARED_DATA", PROJECT_DIR.parent / "shared" / "data" / "baltimore")
)


def require_shared(*parts: str) -> Path:
    """Path to a real sample under ../shared/data/baltimore, or skip saying why."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        reason = f"real Baltimore sample not found at {path} (../shared is absent on this machine)"
        print(f"SKIP: {reason}")
        pytest.skip(reason)
    return path


@pytest.fixture
def shared_data() -> Path:
    return require_shared()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data directory, also set as $BMOREDASH_DATA_DIR for the test."""
    path = tmp_path / "data"
    path.mkdir()
    monkeypatch.setenv("BMOREDASH_DATA_DIR", str(path))
    return path


#: The Saturday the suite's demo store ends on, so results do not move with the clock.
DEMO_END = "2026-11-21"


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo store shared by the suite: 2024-01-01 to DEMO_END, about 150k rows."""
    from datetime import date

    from bmoredash.demo import write_demo

    path = tmp_path_factory.mktemp("demo") / "data"
    write_demo(path, start=date(2024, 1, 1), end=date.fromisoformat(DEMO_END))
    return path


@pytest.fixture(scope="session")
def dashboard_server():
    """``bmoredash serve`` on a free port with a demo store, shared by the HTTP and browser
    tests (one Voila process for the run)."""
    from browser_support import Server, demo_store

    with Server(demo_store()) as running:
        yield running
