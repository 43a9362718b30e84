"""The real Voila server, over plain HTTP: the app is served and nothing else is."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from browser_support import LEAK_MARKERS, Server, demo_store, http_get

from bmoredash import config
from bmoredash.serving import guard as voila_guard
from bmoredash.serving import launch as serve
from bmoredash.store import StoreNotFoundError

pytestmark = pytest.mark.slow


def app_get(url: str) -> tuple[int, str, dict]:
    """A GET of the app page as a browser sends it once the light page's script has run
    (with the script's cookie: without it the server answers the light page, no kernel)."""
    request = urllib.request.Request(url, headers={"Cookie": f"{voila_guard.JS_COOKIE}=1"})
    try:
        with urllib.request.urlopen(request, timeout=180) as response:
            body = response.read().decode("utf-8", "replace")
            return response.status, body, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace"), dict(error.headers)


# --------------------------------------------------------------------------------------
# The command and the configuration (no server)
# --------------------------------------------------------------------------------------


def test_command_binds_localhost_and_reads_only_our_config() -> None:
    command = serve.voila_command()
    assert command[1:4] == ["-m", "bmoredash.serving.server", str(serve.NOTEBOOK)]
    assert "--Voila.ip=127.0.0.1" in command
    assert "--port=8866" in command
    assert f"--Voila.config_file_paths={serve.VOILA_CONFIG_DIR}" in command
    assert "--Voila.open_browser=False" in command
    assert not any("preheat" in part for part in command)


def test_command_with_a_preheated_pool_and_culling() -> None:
    command = serve.voila_command(
        serve.ServerSettings(preheat=True, pool_size=3, port=9000, cull_idle_timeout=60)
    )
    assert "--preheat_kernel=True" in command and "--pool_size=3" in command
    assert "--port=9000" in command
    assert "--MappingKernelManager.cull_idle_timeout=60" in command
    with pytest.raises(ValueError, match="port"):
        serve.ServerSettings(port=70000)
    with pytest.raises(ValueError, match="pool size"):
        serve.ServerSettings(preheat=True, pool_size=0)


def test_command_with_a_kernel_cap() -> None:
    assert not any("max_kernels" in part for part in serve.voila_command())
    assert "--BmoredashLoadGuard.max_kernels=12" in serve.voila_command(
        serve.ServerSettings(max_kernels=12)
    )
    with pytest.raises(ValueError, match="at least 1"):
        serve.ServerSettings(max_kernels=0)
    with pytest.raises(ValueError, match="pool size"):
        serve.ServerSettings(preheat=True, pool_size=2, max_kernels=2)


def test_the_server_runs_voila_behind_the_load_guard() -> None:
    """``bmoredash.serving.server`` starts the guarded Voila; its config is Voila's own file."""
    from voila.app import Voila

    from bmoredash.serving import server  # noqa: F401 - importable without side effects

    assert issubclass(voila_guard.GuardedVoila, Voila)
    assert voila_guard.GuardedVoila.name == "voila"  # so it reads voila.json
    assert voila_guard.BmoredashLoadGuard in voila_guard.GuardedVoila.classes


def test_checked_in_configuration_is_the_public_site_one() -> None:
    settings = json.loads((serve.VOILA_CONFIG_DIR / "voila.json").read_text())
    voila = settings["VoilaConfiguration"]
    assert voila["show_tracebacks"] is False
    assert voila["strip_sources"] is True
    assert voila["file_allowlist"] == [] and voila["file_denylist"] == [".*"]
    culling = settings["MappingKernelManager"]
    assert culling["cull_idle_timeout"] > 0 and culling["cull_interval"] > 0
    assert culling["cull_connected"] is True
    # a used pool kernel is replaced after the visitor's page has drawn, not during it
    assert settings["VoilaKernelManager"]["fill_delay"] >= 3
    assert settings["Voila"]["open_browser"] is False
    # pages drawn in turn get their output well within the IOPub wait (Voila's default 4 s
    # left 18 of 20 simultaneous visitors with a blank page)
    assert settings["VoilaExecutor"]["iopub_timeout"] >= 30
    guard = settings["BmoredashLoadGuard"]
    assert guard["max_kernels"] == 0 and guard["max_rendering"] == 0  # sized for the machine
    assert 0 < guard["disconnected_timeout"] <= 60 and guard["reap_interval"] <= 15
    assert guard["unconnected_timeout"] >= 120  # a crowded browser loads the page slowly


def test_kernels_get_the_data_dir(tmp_path: Path) -> None:
    env = serve.voila_env(tmp_path)
    assert env[config.DATA_DIR_ENV] == str(tmp_path.resolve())


def test_no_store_no_server(tmp_path: Path) -> None:
    with pytest.raises(StoreNotFoundError, match="bmoredash demo"):
        serve.check_ready(tmp_path)
    with pytest.raises(StoreNotFoundError):
        serve.start(tmp_path, port=1)


def test_missing_notebook_is_a_clear_error(tmp_path: Path) -> None:
    store = demo_store()
    with pytest.raises(FileNotFoundError, match="dashboard notebook not found"):
        serve.check_ready(store, notebook=tmp_path / "nope.ipynb")


# --------------------------------------------------------------------------------------
# The running server
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(dashboard_server: Server) -> Server:
    return dashboard_server


@pytest.fixture(scope="module")
def front_page(server: Server) -> tuple[int, str, dict]:
    return app_get(server.url + "/")


def test_page_is_the_executed_app_without_sources(front_page, server: Server) -> None:
    status, body, headers = front_page
    assert status == 200, server.log_text()[-3000:]
    # executed output: widget views of the app, not an empty template
    assert body.count("application/vnd.jupyter.widget-view+json") >= 1
    source = serve.NOTEBOOK.read_text()
    code_lines = [
        line.strip()
        for cell in json.loads(source)["cells"]
        if cell["cell_type"] == "code"
        for line in "".join(cell["source"]).splitlines()
        if len(line.strip()) > 12
    ]
    assert code_lines, "the app notebook has code"
    for line in code_lines:
        assert line not in body, f"source line leaked: {line}"
    for marker in LEAK_MARKERS:
        assert marker not in body
    assert headers.get("X-Content-Type-Options") == "nosniff"


def test_the_page_loads_nothing_from_another_site(front_page) -> None:
    """Stylesheets and scripts in the page hold its load event: all must come from us.

    Voila's stock template links Font Awesome from a CDN; where that host does not answer
    quickly the dashboard stayed blank (seen as two-minute hangs in the browser tests).
    """
    _, body, _ = front_page
    links = re.findall(r"<(?:link|script)\b[^>]*\b(?:href|src)=[\"']([^\"']+)", body)
    assert any(link.startswith("/voila/") for link in links), links
    remote = [link for link in links if re.match(r"(https?:)?//", link)]
    assert remote == [], f"the page loads {remote}"


def test_no_error_output_in_the_page(front_page) -> None:
    _, body, _ = front_page
    assert "There was an error when executing cell" not in body
    assert "CellExecutionError" not in body


@pytest.mark.parametrize(
    "path",
    [
        "/api/contents",
        "/api/contents/dashboard.ipynb",
        "/api/kernels",
        "/api/sessions",
        "/api/kernelspecs",
        "/tree",
        "/lab",
        "/notebooks/dashboard.ipynb",
        "/dashboard.ipynb",
        "/voila/files/dashboard.ipynb",
        "/voila/files/district_report.ipynb",
        "/voila/files/analysis/",
        "/voila/tree",
        "/voila/render/dashboard.ipynb",
        "/voila/api/contents",
        "/files/dashboard.ipynb",
    ],
)
def test_nothing_but_the_app_is_served(server: Server, path: str) -> None:
    status, body, _ = http_get(server.url + path)
    assert status == 403, f"{path} answered {status}"
    assert '"nbformat"' not in body and "cell_type" not in body
    assert "kernel" not in body.lower()


def test_no_redirect_points_at_a_served_file(server: Server) -> None:
    status, _, headers = http_get(server.url + "/api/contents", follow=False)
    # Voila sends unknown paths to its files handler, which refuses them all (403, above).
    assert status == 302
    assert headers["Location"] == "/voila/files/api/contents"


def test_data_files_are_not_served(server: Server) -> None:
    store = server.data_dir
    names = [p.name for p in store.iterdir()] + [
        f"{p.parent.name}/{p.name}" for p in store.glob("*/*") if p.is_file()
    ]
    assert "manifest.json" in names
    for name in names + [f"../data/{n}" for n in names] + [f"{store}/manifest.json"]:
        status, body, _ = http_get(f"{server.url}/voila/files/{name}")
        assert status == 403, f"{name} answered {status}"
        assert "schema_version" not in body


def test_a_failing_cell_shows_no_traceback(tmp_path: Path) -> None:
    notebook = tmp_path / "broken.ipynb"
    secret = "very_secret_variable_name"
    notebook.write_text(
        json.dumps(
            {
                "cells": [
                    {
                        "cell_type": "code",
                        "id": "a",
                        "metadata": {},
                        "execution_count": None,
                        "outputs": [],
                        "source": [f"{secret} = 1\n", "raise RuntimeError('kaboom-1234')"],
                    }
                ],
                "metadata": {
                    "kernelspec": {
                        "name": "python3",
                        "display_name": "Python 3",
                        "language": "python",
                    }
                },
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        )
    )
    with Server(demo_store(), notebook=notebook) as running:
        status, body, _ = app_get(running.url + "/")
        log = running.log_text()
    assert status == 200
    assert "kaboom-1234" not in body and secret not in body
    assert "Traceback" not in body
    assert "kaboom-1234" in log  # ... but the server log has it


# --------------------------------------------------------------------------------------
# Kernels forked from one warm process (``--fork-kernels``)
# --------------------------------------------------------------------------------------


def test_fork_kernels_is_opt_in(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(serve.FORK_PROVISIONER_ENV, raising=False)
    assert serve.FORK_PROVISIONER_ENV not in serve.voila_env(tmp_path)
    env = serve.voila_env(tmp_path, fork_kernels=True)
    assert env[serve.FORK_PROVISIONER_ENV] == serve.FORK_PROVISIONER


def test_a_forked_kernel_handle_follows_its_process() -> None:
    import signal
    import subprocess
    import sys

    from bmoredash.serving.fork_kernels import ForkedKernel

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    kernel = ForkedKernel(child.pid)
    assert kernel.poll() is None
    with pytest.raises(subprocess.TimeoutExpired):
        kernel.wait(timeout=0.2)
    kernel.send_signal(signal.SIGTERM)
    assert kernel.wait(timeout=10) == 0  # gone (a zombie counts as gone)
    child.wait()


def _fork_processes() -> dict[int, int]:
    """pid -> parent pid of every process started as ``python -m bmoredash.serving.fork_kernels``
    (the fork server and, as forks keep its command line, its kernels)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            command = (stat.parent / "cmdline").read_bytes()
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if b"bmoredash.serving.fork_kernels" in command:
            found[int(stat.parent.name)] = parent
    return found


def test_forked_kernels_serve_the_app() -> None:
    import tempfile

    def socket_folders() -> set[Path]:
        return set(Path(tempfile.gettempdir()).glob("bmoredash-forks-*"))

    folders_before = socket_folders()
    with Server(demo_store(), fork_kernels=True) as running:
        status, body, _ = app_get(running.url + "/")
        assert status == 200, running.log_text()[-3000:]
        assert "application/vnd.jupyter.widget-view+json" in body
        assert "There was an error when executing cell" not in body
        processes = _fork_processes()
        servers = [pid for pid, parent in processes.items() if parent == running.process.pid]
        assert len(servers) == 1, (processes, running.log_text()[-2000:])
        kernels = [pid for pid, parent in processes.items() if parent == servers[0]]
        assert kernels, "the page's kernel is not a fork of the server"
    deadline = time.monotonic() + 10
    while any(pid in _fork_processes() for pid in (*servers, *kernels)):
        assert time.monotonic() < deadline, "the fork server or a kernel outlived Voila"
        time.sleep(0.2)
    assert socket_folders() <= folders_before, "the fork server left its socket folder"
