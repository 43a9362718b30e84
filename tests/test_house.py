"""The package's reading order is its import order: no circle, no arrow back up.

A newcomer reads ``bmoredash/`` from the base (config, schema, words, colours, the selection
and period rules) up to the faces (dashboard, reports) and the Voila/Jupyter workarounds on
top; each module imports only what sits below it. The graph is read by grimp (static: it
sees imports inside functions and under ``TYPE_CHECKING`` too, which is what held the old
circles apart).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import grimp
import pytest


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(
        "bmoredash", include_external_packages=False, exclude_type_checking_imports=False
    )


def _circles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of two or more modules (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    circles: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    circles.append(sorted(group))
    return circles


def test_circle_finder_finds_a_circle() -> None:
    made_up = grimp.ImportGraph()
    for module in ("a", "a.b", "a.c", "a.d"):
        made_up.add_module(module)
    made_up.add_import(importer="a.b", imported="a.c")
    made_up.add_import(importer="a.c", imported="a.b")
    made_up.add_import(importer="a.d", imported="a.b")
    assert _circles(made_up) == [["a.b", "a.c"]]


def test_no_import_circle(graph: grimp.ImportGraph) -> None:
    assert len(graph.modules) > 40, "the graph did not read the package"
    assert _circles(graph) == []


def test_filter_state_loads_no_widgets() -> None:
    # A fresh interpreter: this test process has loaded ipywidgets long ago.
    code = "import bmoredash.app.state, sys; print('ipywidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "bmoredash"
_MAP_ROW = re.compile(r"^\| (?P<floor>\d+) \| `(?P<room>[\w.]+/?)` \| (?P<job>.*) \|$")


def _module_map() -> list[tuple[int, str, str]]:
    """(floor, room, job) rows of the README's module map, in order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Module map", 1)[1].split("\n## ", 1)[0]
    rows = [_MAP_ROW.match(line) for line in section.splitlines()]
    return [(int(m["floor"]), m["room"], m["job"]) for m in rows if m]


def _floors() -> tuple[tuple[str, ...], ...]:
    """The README's floors, bottom first: a room imports only rooms on lower floors (rooms
    on one floor do not import each other)."""
    rows = _module_map()
    top = max(floor for floor, _, _ in rows)
    return tuple(
        tuple(room.removesuffix("/").removesuffix(".py") for f, room, _ in rows if f == n)
        for n in range(top + 1)
    )


FLOORS = _floors()
#: The one documented way product modules reach the Voila/Jupyter workarounds: the hook
#: module, from the app's shell (preheated kernels, gc.freeze) and the report batch (the
#: kernel-channel fix papermill's kernels need too).
HOOK = "bmoredash.serving.hooks"
HOOK_USERS = {"bmoredash.app.shell", "bmoredash.report.batch"}


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "(package)"


def test_every_module_sits_on_a_floor(graph: grimp.ImportGraph) -> None:
    rooms = {_room(m) for m in graph.modules} - {"(package)"}
    placed = {room for floor in FLOORS for room in floor}
    assert rooms == placed, f"not placed: {rooms - placed}; gone: {placed - rooms}"


def test_imports_run_down_the_floors(graph: grimp.ImportGraph) -> None:
    floor_of = {room: n for n, floor in enumerate(FLOORS) for room in floor}
    floor_of["(package)"] = len(FLOORS)  # bmoredash/__init__ re-exports from above
    upward = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            low, high = _room(imported), _room(importer)
            if low == high or (imported == HOOK and importer in HOOK_USERS):
                continue
            if floor_of[low] >= floor_of[high]:
                upward.append(f"{importer} -> {imported}")
    assert upward == []


def test_product_modules_reach_serving_only_through_the_hook(
    graph: grimp.ImportGraph,
) -> None:
    reaching = {
        (importer, imported)
        for imported in graph.find_children("bmoredash.serving") | {"bmoredash.serving"}
        for importer in graph.find_modules_that_directly_import(imported)
        if _room(importer) != "serving" and importer != "bmoredash.cli"
    }
    assert reaching == {(user, HOOK) for user in HOOK_USERS}


def test_the_readme_module_map_names_every_module_and_only_real_ones() -> None:
    named: set[Path] = set()
    for _, room, job in _module_map():
        path = PACKAGE / room
        assert path.exists(), f"README names {room}, which is not in bmoredash/"
        if room.endswith(".py"):
            named.add(path)
            continue
        for item in re.findall(r"`([\w./]+)`", job):
            inside = path / item
            if inside.suffix == ".py" or item.endswith("/"):
                assert inside.exists(), f"README names {room}{item}, which does not exist"
                named |= {inside} if inside.is_file() else set(inside.rglob("*.py"))
    modules = {p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py"}
    unnamed = sorted(str(p.relative_to(PACKAGE)) for p in modules - named)
    assert unnamed == [], "modules the README's module map does not name"
