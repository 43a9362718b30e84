"""Wait for kernel messages in short slices, so that a lost ZeroMQ wake-up cannot hang a page.

Why: jupyter_client's asyncio channels wait for a kernel's reply with one unbounded
``socket.poll()``. pyzmq learns of new messages through an edge-triggered file descriptor,
and now and then that notification is consumed without waking the waiter. Seen here: about
one Voila page in 15 to 25 never finished loading (the kernel idle, its ``execute_reply``
sitting unread in the shell socket, Voila waiting in ``shell_channel.get_msg()``), and CI
failed on it. A poll with a timeout ends with a level-triggered check of the socket, so
polling in slices of ``POLL_SLICE_S`` turns a lost wake-up into a pause of at most one slice
(measured: 150 pages in a row, five such pauses of one slice, no hang).

Installed by the Voila server process (``bmoredash.serving.server``) and by the report
workers before papermill runs a notebook; nothing else changes.
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
