"""Run the dashboard with Voila, configured for a public site.

What the checked-in configuration (``bmoredash/serving/voila/voila.json``) guarantees:

- one notebook is served (``notebooks/dashboard.ipynb``) and nothing else: no file list, no
  Jupyter contents or tree API, no data files (``/voila/files/`` answers 403 for every path);
- sources are stripped and tracebacks never reach a visitor (Voila logs them instead);
- kernels left idle for 20 minutes are shut down, even with their tab open;
- a load guard in front of the page (``bmoredash.serving.guard``): clients that run no script
  (curl, crawlers, link previews) get a light page and start no kernel; live kernels are
  capped (``max_kernels``, default sized for the machine) with a "busy" page (503,
  Retry-After) beyond; notebooks run a few at a time (one per CPU core) so a crowd gets its
  pages in turn instead of blank pages; a closed tab's kernel ends at once (Voila's
  tab-close request now carries its ``_xsrf`` cookie), a kernel whose page went away
  otherwise 45 s later, one no page ever connected to after 3 minutes;
- Voila waits up to 60 s for a cell's output (``VoilaExecutor.iopub_timeout``, default 4 s);
- the page asks no third party for anything (the ``bmoredash`` template drops the CDN
  stylesheets of Voila's ``lab`` template, whose wait could hold the page blank).

What this module adds per run: the data directory (passed to every kernel as
``$BMOREDASH_DATA_DIR``), the address and port (127.0.0.1 by default: put a reverse proxy in
front for the public, see ``docs/deployment.md``), the optional preheated kernel pool and
the kernel cap.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bmoredash import config

log = logging.getLogger(__name__)

#: This package's folder (Voila configuration, page template).
SERVING_DIR = Path(__file__).resolve().parent
#: The checked-in Voila configuration directory (holds ``voila.json``).
VOILA_CONFIG_DIR = SERVING_DIR / "voila"
#: A Jupyter data directory holding the app's page template (``voila/templates/bmoredash``).
JUPYTER_DATA_DIR = SERVING_DIR / "share"
#: The app notebook (in the project checkout; the package is installed editable).
NOTEBOOK = config.PROJECT_DIR / "notebooks" / "dashboard.ipynb"
DEFAULT_PORT = 8866
DEFAULT_HOST = "127.0.0.1"
DEFAULT_POOL_SIZE = 2
#: jupyter_client reads the default kernel provisioner from this variable.
FORK_PROVISIONER_ENV = "JUPYTER_DEFAULT_PROVISIONER_NAME"
#: The entry point of ``bmoredash.serving.fork_kernels.ForkingProvisioner`` (pyproject.toml).
FORK_PROVISIONER = "bmoredash-fork"


@dataclass(frozen=True)
class ServerSettings:
    """One run's Voila settings, checked when made (a bad value is a ``ValueError``).

    ``max_kernels``: most live kernels (visitors' and the pool's); None keeps the default
    of ``bmoredash.serving.guard.default_max_kernels`` (20 per core, at most half the free
    memory at 160 MB each). ``fork_kernels`` makes every kernel a fork of one warm process
    (``serving/fork_kernels.py``)."""

    port: int = DEFAULT_PORT
    host: str = DEFAULT_HOST
    preheat: bool = False
    pool_size: int = DEFAULT_POOL_SIZE
    open_browser: bool = False
    cull_idle_timeout: int | None = None
    max_kernels: int | None = None
    fork_kernels: bool = False

    def __post_init__(self) -> None:
        port, pool_size, max_kernels = self.port, self.pool_size, self.max_kernels
        if not 0 < port < 65536:
            raise ValueError(f"port must be between 1 and 65535, got {port}")
        if max_kernels is not None and max_kernels < 1:
            raise ValueError(f"max kernels must be at least 1, got {max_kernels}")
        if self.preheat and max_kernels is not None and max_kernels <= pool_size:
            raise ValueError(
                f"max kernels ({max_kernels}) must exceed the pool size ({pool_size}): pooled "
                "kernels count against the cap"
            )
        if self.preheat and pool_size < 1:
            raise ValueError(f"pool size must be at least 1 with --preheat, got {pool_size}")


def voila_command(
    settings: ServerSettings = ServerSettings(),  # noqa: B008 - frozen, so shared safely
    *,
    notebook: Path = NOTEBOOK,
    extra_args: Sequence[str] = (),
) -> list[str]:
    """The Voila command line for these settings (config file + per-run options)."""
    command = [
        sys.executable,
        "-m",
        "bmoredash.serving.server",  # Voila, with kernel channels that cannot miss a reply
        str(notebook),
        # Only our configuration: not ~/.jupyter or the working directory's voila.json.
        f"--Voila.config_file_paths={VOILA_CONFIG_DIR}",
        f"--Voila.ip={settings.host}",
        f"--port={settings.port}",
        "--Voila.port_retries=0",  # a busy port is an error, not a silent move elsewhere
        f"--Voila.open_browser={settings.open_browser}",
    ]
    if settings.preheat:
        command += ["--preheat_kernel=True", f"--pool_size={settings.pool_size}"]
    if settings.cull_idle_timeout is not None:
        idle = int(settings.cull_idle_timeout)
        command.append(f"--MappingKernelManager.cull_idle_timeout={idle}")
    if settings.max_kernels is not None:
        command.append(f"--BmoredashLoadGuard.max_kernels={int(settings.max_kernels)}")
    command.extend(extra_args)
    return command


def voila_env(
    data_dir: str | os.PathLike[str] | None, *, fork_kernels: bool = False
) -> dict[str, str]:
    """The environment for the Voila server and its kernels (they inherit it).

    ``fork_kernels`` makes every kernel a fork of one warm process (``serving/fork_kernels.py``).
    """
    env = dict(os.environ)
    if fork_kernels:
        env[FORK_PROVISIONER_ENV] = FORK_PROVISIONER
    env[config.DATA_DIR_ENV] = str(config.data_dir(data_dir))
    # Voila finds the "bmoredash" page template (voila.json) on the Jupyter path.
    env["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(JUPYTER_DATA_DIR), env.get("JUPYTER_PATH", "")) if p
    )
    # Kernels must not write .pyc files or IPython history next to the app.
    env.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    env.setdefault("IPYTHONDIR", str(Path(env.get("TMPDIR", "/tmp")) / "bmoredash-ipython"))
    return env


def check_ready(data_dir: str | os.PathLike[str] | None, notebook: Path = NOTEBOOK) -> Path:
    """The resolved data directory, after checking the store and the notebook exist."""
    from bmoredash.store import read_manifest

    root = config.data_dir(data_dir)
    read_manifest(root)  # raises StoreNotFoundError with the `bmoredash demo` hint
    if not Path(notebook).is_file():
        raise FileNotFoundError(
            f"dashboard notebook not found at {notebook}; serve from a checkout of the "
            "project (pip install -e .)"
        )
    return root


def start(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    notebook: Path = NOTEBOOK,
    extra_args: Sequence[str] = (),
    log_file: str | os.PathLike[str] | None = None,
    **settings: Any,
) -> subprocess.Popen:
    """Start Voila in the background and return the process (tests, benchmarks).
    ``settings`` are ``ServerSettings`` fields.

    The process leads its own process group, so ``stop`` ends Voila and its kernels.
    """
    chosen = ServerSettings(**settings)
    root = check_ready(data_dir, notebook)
    command = voila_command(chosen, notebook=notebook, extra_args=extra_args)
    output = open(log_file, "ab") if log_file else subprocess.DEVNULL  # noqa: SIM115
    try:
        return subprocess.Popen(
            command,
            env=voila_env(root, fork_kernels=chosen.fork_kernels),
            cwd=str(Path(notebook).parent),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    finally:
        if log_file:
            output.close()


def wait_until_listening(
    host: str, port: int, process: subprocess.Popen | None = None, timeout: float = 60.0
) -> None:
    """Block until something accepts connections on (host, port); raise if it never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"Voila exited with code {process.returncode} before listening")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listening on {host}:{port} after {timeout:.0f}s")


def stop(process: subprocess.Popen, timeout: float = 15.0) -> int:
    """Stop a server from ``start`` (SIGTERM to its group, then SIGKILL); its exit code."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout)
    return process.returncode


def serve(data_dir: str | os.PathLike[str] | None = None, **settings: Any) -> int:
    """Serve the dashboard until interrupted (Ctrl-C or SIGTERM); returns Voila's exit code.
    ``settings`` are ``ServerSettings`` fields.

    Raises ``StoreNotFoundError`` when ``data_dir`` holds no store, ``ValueError`` for bad
    settings.
    """
    chosen = ServerSettings(**settings)
    root = check_ready(data_dir)
    host, port = chosen.host, chosen.port
    if host not in ("127.0.0.1", "localhost", "::1"):
        log.warning(
            "binding to %s: the dashboard is reachable from other machines. Prefer 127.0.0.1 "
            "behind a reverse proxy (docs/deployment.md).",
            host,
        )
    command = voila_command(chosen)
    print(f"bmoredash: serving {root} on http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
    env = voila_env(root, fork_kernels=chosen.fork_kernels)
    process = subprocess.Popen(command, env=env, cwd=str(NOTEBOOK.parent))
    previous = signal.signal(signal.SIGTERM, lambda *_: process.terminate())
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        try:
            return process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            return process.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)
