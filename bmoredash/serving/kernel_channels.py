"""Wait for kernel messages in short slices, so that a lost ZeroMQ wake-up cannot hang a page.

Why: jupyter_client's asyncio channels (``AsyncZMQSocketChannel.get_msg``) wait for a
kernel's reply with one unbounded ``socket.poll()``, and nbclient (Voila's executor, and
papermill's) waits for every ``execute_reply`` that way (its ``timeout`` is None). pyzmq's
asyncio sockets learn of new messages through libzmq's edge-triggered ``ZMQ_FD``; now and
then that edge is consumed without waking the waiter, and the reply sits unread in the
socket while the kernel is idle: the page never finishes loading (until the load guard
reaps the idle kernel, 3 minutes later). A poll with a timeout ends with a level-triggered
check of the socket (``zmq_poll``), so polling in slices of ``POLL_SLICE_S`` turns a lost
wake-up into a pause of at most one slice.

Evidence (measured 2026-12-01; jupyter_client 8.10.0, ipykernel 7.4.0, pyzmq 27.3.0,
Voila 0.5.13, tornado 6.6.1, Python 3.11.7, 2 cores; dashboard pages loaded one after
another over HTTP against ``bmoredash serve``'s configuration, two or three servers at
once): without this module, 4 stalled pages in 357 (about 1 in 90). In 300 of those pages a
watchdog checked every ``get_msg`` still waiting after 4 s with a level-triggered
``zmq_poll``: 3 times a message (on the shell socket, i.e. an ``execute_reply``) had been
waiting unread, a lost wake-up each time; in the other 57 pages one ``execute_reply`` went
unread while the kernel sat idle until the kernel was reaped. With this module: 206 pages,
none stalled, slowest 7.6 s.

Upstream: jupyter/jupyter_client#436 (a blocking ``get_shell_msg`` hangs; the workaround
named there is a timeout) and zeromq/pyzmq#2173 (zmq.asyncio receivers missing wake-ups,
closed without a fix). The kernel-side twin, a request whose wake-up the kernel lost
(ipython/ipykernel#1529, fixed in the installed 7.4.0; #1554 open), is not what this
fixes: here the reply has arrived and the Voila or papermill process does not notice it.

Remove when jupyter_client's ``AsyncZMQSocketChannel.get_msg`` no longer waits with one
unbounded poll, or pyzmq's asyncio poll cannot miss an edge; re-measure first
(``benchmarks/measure_lost_wakeups.py``: pages in a row with a watchdog, as above) and
remove only with zero lost wake-ups in at least 300 pages.

Installed by the Voila server process (``bmoredash.serving.server``) and, through
``bmoredash.serving.hooks.install_kernel_channels``, by the report batch before papermill
runs a notebook; nothing else changes.
"""

from __future__ import annotations

import time
from queue import Empty
from typing import Any

#: Longest a waiter can miss a message that has arrived, in seconds.
POLL_SLICE_S = 0.25

_installed = False


async def get_msg_in_slices(self: Any, timeout: float | None = None) -> dict[str, Any]:
    """``AsyncZMQSocketChannel.get_msg`` with the same contract (a message, or ``Empty`` once
    ``timeout`` seconds have passed; ``None`` waits for ever) but never one unbounded poll."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        left = POLL_SLICE_S if deadline is None else deadline - time.monotonic()
        if await self.socket.poll(max(0, int(min(left, POLL_SLICE_S) * 1000))):
            return await self._recv()
        if deadline is not None and time.monotonic() >= deadline:
            raise Empty


def install() -> None:
    """Make every asyncio kernel channel of this process wait in slices (idempotent)."""
    global _installed
    if _installed:
        return
    from jupyter_client.channels import AsyncZMQSocketChannel

    AsyncZMQSocketChannel.get_msg = get_msg_in_slices  # type: ignore[method-assign]
    _installed = True
