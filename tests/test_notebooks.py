"""Every analyst notebook, and the served dashboard notebook outside Voila, runs top to
bottom on a demo store (the report template is executed by test_report*)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
ANALYSIS = sorted((ROOT / "notebooks" / "analysis").glob("*.ipynb"))


def run_notebook(path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """Execute ``path`` on the store in ``data_dir``; its outputs, none of them an error."""
    monkeypatch.setenv("BMOREDASH_DATA_DIR", str(data_dir))
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    errors = [o for o in outputs if o.get("output_type") == "error"]
    assert not errors, errors
    return outputs


@pytest.mark.parametrize("path", ANALYSIS, ids=[p.stem for p in ANALYSIS])
def test_analysis_notebook_runs(
    path: Path, demo_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = run_notebook(path, demo_store, monkeypatch)
    if path.stem == "getting_started":
        text = "".join(o.get("text", "") for o in outputs)
        assert "DEMO DATA (synthetic)" in text
        assert "Homicides" in text and "Part 1 property" in text
        assert any("image/png" in o.get("data", {}) for o in outputs), "the chart was not drawn"


def test_dashboard_notebook_runs_outside_voila(
    demo_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The served notebook also runs in a plain kernel (JupyterLab, ``make lab``)."""
    outputs = run_notebook(ROOT / "notebooks" / "dashboard.ipynb", demo_store, monkeypatch)
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
