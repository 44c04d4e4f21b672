"""Telling JetStream that fetched messages are still being worked on.

A consumer's `ack_wait` is how long a crashed process holds a message before the broker gives
it to another: it should be seconds, not the length of the longest unit of work. So while a
process works, every message it fetched and has not yet acknowledged is sent `in_progress()`
(which restarts its ack wait) every third of the wait; a process that dies stops, and the
broker redelivers within one `ack_wait`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterable, Iterator

from nats.aio.msg import Msg

log = logging.getLogger(__name__)


class Pending:
    """The fetched messages not yet acknowledged (messages are not hashable: kept by id)."""

    def __init__(self, messages: Iterable[Msg]) -> None:
        self._messages = {id(message): message for message in messages}

    def done(self, message: Msg) -> None:
        self._messages.pop(id(message), None)

    def __iter__(self) -> Iterator[Msg]:
        return iter(list(self._messages.values()))


@contextlib.asynccontextmanager
async def kept_in_progress(messages: Iterable[Msg], ack_wait: float) -> AsyncIterator[Pending]:
    """The messages still being worked on, each told `in_progress()` every `ack_wait / 3`
    seconds until the block ends; mark a message `done` once it is acknowledged."""
    pending = Pending(messages)

    async def beat() -> None:
        while True:
            await asyncio.sleep(ack_wait / 3)
            for message in pending:
                try:
                    await message.in_progress()
                except Exception:  # the connection is down: the broker may redeliver, no harm
                    log.warning("could not extend the ack wait of %s", message.subject)

    heartbeat = asyncio.create_task(beat())
    try:
        yield pending
    finally:
        heartbeat.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await heartbeat
