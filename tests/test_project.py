"""The project's own promises: environment files agree, notebooks are stripped and thin."""

from __future__ import annotations

import ast
import json
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_pyproject_packages() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        wanted |= {_name(r) for r in extra}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    listed = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    assert listed == wanted, (
        f"only in environment.yml: {listed - wanted}; only in pyproject: {wanted - listed}"
    )


def _notebooks() -> list[Path]:
    return sorted((ROOT / "notebooks").rglob("*.ipynb"))


def test_notebooks_are_stripped_and_define_no_functions() -> None:
    notebooks = [p for p in _notebooks() if ".ipynb_checkpoints" not in p.parts]
    assert notebooks, "no notebooks found"
    for path in notebooks:
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            assert not cell.get("outputs"), f"{path.name}: outputs not stripped"
            assert cell.get("execution_count") is None, f"{path.name}: execution count kept"
            source = "".join(cell["source"])
            tree = ast.parse(
                "\n".join(x for x in source.splitlines() if not x.startswith(("%", "!")))
            )
            defs = [
                n
                for n in ast.walk(tree)
                if isinstance(n, ast.FunctionDef | ast.ClassDef | ast.Lambda)
            ]
            assert not defs, f"{path.name} defines {[getattr(d, 'name', 'lambda') for d in defs]}"
