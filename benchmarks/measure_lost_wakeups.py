"""Is ``bmoredash.serving.kernel_channels`` still needed? Lost ZeroMQ wake-ups, counted.

Loads the dashboard page N times in a row against a Voila server started the way
``bmoredash serve`` starts it, once with jupyter_client's own ``get_msg`` (the reference
path) and once with the sliced one, and prints, side by side: pages, pages that stalled,
lost wake-ups (a ``get_msg`` still waiting after ``--watch`` seconds while a message sits
unread in its socket, found by a level-triggered ``zmq_poll``), and the page times.

    python benchmarks/measure_lost_wakeups.py --data-dir data --pages 300

The patch may go (see its docstring) only when the reference path shows no lost wake-up in
at least 300 pages. About 30 minutes for 300 pages each way on 2 cores, so ``make bench``
(``bench_*.py``) does not run it. The server half of this script (``--serve original`` or
``--serve sliced``) runs as the Voila process itself, started by the measuring half.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def _serve(mode: str, log_path: str, watch_s: float) -> None:
    """Run the guarded Voila server with ``get_msg`` instrumented (``original``) or sliced."""
    import zmq
    from jupyter_client.channels import AsyncZMQSocketChannel

    from bmoredash.serving import kernel_channels

    log = open(log_path, "a", buffering=1)  # noqa: SIM115 - the server's lifetime
    original = AsyncZMQSocketChannel.get_msg

    async def watched(self: Any, timeout: float | None = None) -> dict[str, Any]:
        if timeout is not None:
            return await original(self, timeout)
        task = asyncio.ensure_future(original(self, None))
        started = time.monotonic()
        while True:
            done, _ = await asyncio.wait({task}, timeout=watch_s)
            if done:
                return task.result()
            plain = zmq.Socket.shadow(self.socket.underlying)
            if plain.poll(0, zmq.POLLIN):  # a message is waiting: its wake-up was lost
                log.write(json.dumps({"lost_wakeup": time.monotonic() - started}) + "\n")
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
                return await self._recv()

    if mode == "original":
        AsyncZMQSocketChannel.get_msg = watched
    else:
        kernel_channels.install()
    from bmoredash.serving.guard import main  # Voila behind the load guard, as served

    main()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(mode: str, pages: int, data_dir: Path, watch_s: float) -> dict[str, Any]:
    from bmoredash.serving import guard, launch

    port = _free_port()
    command = launch.voila_command(
        launch.ServerSettings(port=port),
        extra_args=["--BmoredashLoadGuard.unconnected_timeout=40"],
    )
    command[1:3] = [__file__, "--serve", mode, "--watch", str(watch_s)]
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as events:
        env = launch.voila_env(data_dir) | {"BENCH_EVENTS": events.name}
    process = subprocess.Popen(
        command,
        env=env,
        cwd=str(launch.NOTEBOOK.parent),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    times, stalled = [], 0
    try:
        launch.wait_until_listening("127.0.0.1", port, process, timeout=120)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/", headers={"Cookie": f"{guard.JS_COOKIE}=1"}
        )
        for _ in range(pages):
            started = time.monotonic()
            try:
                with urllib.request.urlopen(request, timeout=120) as response:
                    drawn = WIDGET_MIME in response.read().decode("utf-8", "replace")
            except OSError:
                drawn = False
            times.append(time.monotonic() - started)
            stalled += not drawn
    finally:
        launch.stop(process)
    lines = Path(events.name).read_text().splitlines()
    Path(events.name).unlink()
    return {
        "pages": len(times),
        "stalled": stalled,
        "lost_wakeups": sum("lost_wakeup" in line for line in lines),
        "median_s": statistics.median(times) if times else float("nan"),
        "max_s": max(times, default=float("nan")),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--watch", type=float, default=4.0, help="seconds before a check")
    parser.add_argument("--serve", choices=("original", "sliced"), help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.serve:
        sys.argv = [sys.argv[0], *rest]
        _serve(args.serve, os.environ["BENCH_EVENTS"], args.watch)
        return
    results = {
        mode: _run(mode, args.pages, args.data_dir, args.watch) for mode in ("original", "sliced")
    }
    print(f"{'':>22} {'jupyter_client (reference)':>28} {'sliced (kernel_channels)':>26}")
    for key in ("pages", "stalled", "lost_wakeups", "median_s", "max_s"):
        left, right = results["original"][key], results["sliced"][key]
        print(f"{key:>22} {left:>28.4g} {right:>26.4g}")


if __name__ == "__main__":
    main()
