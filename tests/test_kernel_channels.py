"""The sliced wait for kernel messages (bmoredash.serving.kernel_channels)."""

from __future__ import annotations

import asyncio
import time
from queue import Empty

import pytest

from bmoredash.serving import kernel_channels


class LostWakeupSocket:
    """A socket whose reply has arrived but whose wake-up was lost: an unbounded poll never
    returns; a bounded one ends with a real check and finds the message."""

    def __init__(self, has_message: bool) -> None:
        self.has_message = has_message
        self.polls: list[int | None] = []

    async def poll(self, timeout_ms: int | None = None) -> int:
        self.polls.append(timeout_ms)
        if timeout_ms is None:
            await asyncio.Event().wait()  # never set: the lost wake-up
        await asyncio.sleep(timeout_ms / 1000)
        return 1 if self.has_message else 0


class Channel:
    def __init__(self, socket: LostWakeupSocket) -> None:
        self.socket = socket

    async def _recv(self) -> dict:
        return {"msg_type": "execute_reply"}


def test_a_reply_whose_wakeup_was_lost_is_read_within_one_slice() -> None:
    channel = Channel(LostWakeupSocket(has_message=True))
    started = time.monotonic()
    reply = asyncio.run(
        asyncio.wait_for(kernel_channels.get_msg_in_slices(channel, timeout=None), 5)
    )
    assert reply == {"msg_type": "execute_reply"}
    assert time.monotonic() - started < kernel_channels.POLL_SLICE_S + 1
    assert None not in channel.socket.polls, "never one unbounded poll"


def test_no_message_still_times_out_as_asked() -> None:
    channel = Channel(LostWakeupSocket(has_message=False))
    started = time.monotonic()
    with pytest.raises(Empty):
        asyncio.run(kernel_channels.get_msg_in_slices(channel, timeout=0.6))
    elapsed = time.monotonic() - started
    assert 0.6 <= elapsed < 1.5
    assert all(0 <= ms <= kernel_channels.POLL_SLICE_S * 1000 for ms in channel.socket.polls)


def test_install_replaces_the_channel_wait() -> None:
    from jupyter_client.channels import AsyncZMQSocketChannel

    kernel_channels.install()
    kernel_channels.install()  # idempotent
    assert AsyncZMQSocketChannel.get_msg is kernel_channels.get_msg_in_slices


def test_the_report_batch_installs_it_through_the_hook() -> None:
    from jupyter_client.channels import AsyncZMQSocketChannel

    from bmoredash.serving import hooks

    hooks.install_kernel_channels()
    assert AsyncZMQSocketChannel.get_msg is kernel_channels.get_msg_in_slices
