"""Dashboard kernels forked from one warm process, so visitors share its memory.

Why: each Voila visitor gets a kernel, and a kernel started from scratch imports pandas,
pyarrow, the widget libraries and loads the store on its own: ~110 MB of private memory
(benchmarks/bench_dashboard.py). A fork server does that once; every kernel is a fork of it
and shares those pages copy-on-write, paying only for what it changes.

Opt-in (``bmoredash serve --fork-kernels``). Two parts:

- ``serve_forks`` runs in the fork server: it imports the app, loads the store, freezes
  the garbage collector (so collections do not touch, and copy, the shared objects), then
  forks one kernel per request on a Unix socket and reaps the children.
- ``ForkingProvisioner`` is a jupyter_client kernel provisioner (entry point
  ``bmoredash-fork``; ``bmoredash serve --fork-kernels`` names it as the default provisioner).
  It starts the fork server on first use and asks it for kernels; a kernel it cannot fork
  is started the usual way.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

#: The kernel command a fork can stand in for (``python -m ipykernel_launcher -f FILE``).
KERNEL_MODULE = "ipykernel_launcher"
#: Seconds the fork server may take to import and load the store before it answers.
START_TIMEOUT_S = 120.0


# --------------------------------------------------------------------------------------
# The fork server (its own process)
# --------------------------------------------------------------------------------------


def _die_with_parent() -> None:
    """Ask Linux to end this process when its parent (Voila) ends."""
    with contextlib.suppress(Exception):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _warm_up() -> None:
    """What every kernel would otherwise do for itself: imports and the store. With
    ``--preheat`` each pooled kernel imports ``voila.utils`` to wait for its visitor's link
    (``hooks.current_query_string``: ~750 modules, ~4 s, ~40 MB private per fork, measured
    with ``benchmarks/bench_explorer.py``), so the forks share that import too."""
    import gc

    import ipykernel.kernelapp  # noqa: F401
    import voila.utils  # noqa: F401
    import websockets.asyncio.client  # noqa: F401 - what voila.utils connects with

    import bmoredash.app as dashboard

    dashboard.preload()  # logs, never raises, when there is no store
    gc.collect()
    gc.freeze()


def _reap(*_: Any) -> None:
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def _run_kernel(request: dict[str, Any], *server_sockets: socket.socket) -> None:
    """In the forked child: become the kernel the request describes; never returns."""
    code = 1
    try:
        for server_socket in server_sockets:
            server_socket.close()
        os.setsid()  # its own process group, signalled on its own
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.environ.clear()
        os.environ.update(request["env"])
        # The kernel watches its parent and ends with it: that is this server, not Voila
        # (ipykernel read $JPY_PARENT_PID when this server imported it, hence the flag).
        parent = str(os.getppid())
        os.environ["JPY_PARENT_PID"] = parent
        os.chdir(request["cwd"])
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        args = [*request["argv"][3:], f"--IPKernelApp.parent_handle={parent}"]
        sys.argv = [KERNEL_MODULE, *args]
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=args)
        code = 0
    finally:
        os._exit(code)


def serve_forks(socket_path: str) -> None:
    """Warm up, then fork a kernel for each request on ``socket_path`` until ended."""
    _die_with_parent()

    def stop(*_: Any) -> None:  # SIGTERM from Voila's process group or from PDEATHSIG
        shutil.rmtree(os.path.dirname(socket_path), ignore_errors=True)
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    _warm_up()
    signal.signal(signal.SIGCHLD, _reap)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path)
    listener.listen(16)
    while True:
        try:
            connection, _ = listener.accept()
        except InterruptedError:
            continue
        with connection:
            try:
                request = json.loads(connection.makefile("r").readline())
                pid = os.fork()
                if pid == 0:
                    _run_kernel(request, listener, connection)
                reply = {"pid": pid}
            except Exception as error:  # a bad request must not end the server
                reply = {"error": f"{type(error).__name__}: {error}"}
            with contextlib.suppress(OSError):
                connection.sendall(json.dumps(reply).encode() + b"\n")


# --------------------------------------------------------------------------------------
# The provisioner (in the Voila server)
# --------------------------------------------------------------------------------------


class ForkedKernel:
    """The parts of ``subprocess.Popen`` that jupyter_client uses, for a forked kernel.

    The kernel is the fork server's child, not ours: it is alive while its pid exists and
    is not a zombie; its exit status belongs to the fork server (reported as 0).
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None and not _alive(self.pid):
            self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0)
            time.sleep(0.05)
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


class ForkServer:
    """The fork server of this Voila process, started on first use."""

    def __init__(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="bmoredash-forks-")
        self.socket_path = os.path.join(self.folder, "forks.sock")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bmoredash.serving.fork_kernels", self.socket_path],
            stdin=subprocess.DEVNULL,
        )

    def alive(self) -> bool:
        return self.process.poll() is None

    async def fork(self, argv: list[str], env: dict[str, str], cwd: str) -> int:
        """The pid of a new kernel running ``argv``."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while not os.path.exists(self.socket_path):
            if not self.alive() or time.monotonic() > deadline:
                raise RuntimeError("the kernel fork server did not start")
            await asyncio.sleep(0.1)
        reader, writer = await asyncio.open_unix_connection(self.socket_path)
        try:
            request = {"argv": argv, "env": env, "cwd": cwd}
            writer.write(json.dumps(request).encode() + b"\n")
            await writer.drain()
            reply = json.loads(await asyncio.wait_for(reader.readline(), 30))
        finally:
            writer.close()
        if "pid" not in reply:
            raise RuntimeError(f"the fork server could not fork: {reply.get('error')}")
        return int(reply["pid"])


_SERVER: ForkServer | None = None


class ForkingProvisioner(LocalProvisioner):
    """Kernels forked from the warm fork server; the usual launch when that cannot be."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        global _SERVER
        if cmd[1:3] != ["-m", KERNEL_MODULE]:
            return await super().launch_kernel(cmd, **kwargs)
        try:
            if _SERVER is None or not _SERVER.alive():
                _SERVER = ForkServer()
            env = {k: str(v) for k, v in (kwargs.get("env") or os.environ).items()}
            cwd = str(kwargs.get("cwd") or os.getcwd())
            pid = await _SERVER.fork(cmd, env, cwd)
        except Exception:
            self.log.exception("could not fork a kernel; starting one the usual way")
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedKernel(pid)  # type: ignore[assignment]
        self.pid = self.pgid = pid
        self.cwd = kwargs.get("cwd", os.getcwd())
        return self.connection_info


if __name__ == "__main__":
    serve_forks(sys.argv[1])
