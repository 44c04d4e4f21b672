"""Durable JetStream consumers with idempotent handlers: each message is handled in one unit
of work together with its inbox row, so a redelivered message is recognised and skipped. Each
consumer reports how many messages it has yet to handle. A short `ack_wait` bounds how long a
crashed process holds its messages; a live one keeps them however long its work takes
(kit.in_progress)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig
from nats.js.errors import NotFoundError
from opentelemetry import trace
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.bus import MSG_ID, Bus
from kit.db import Database
from kit.in_progress import kept_in_progress
from kit.metrics import CONSUMER_PENDING, sample_every
from kit.outbox import InboxMessage
from kit.telemetry import extract_context

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

# handler(session, subject without the bus prefix, payload, headers)
Handler = Callable[[AsyncSession, str, bytes, dict[str, str]], Awaitable[None]]


class Consumer:
    def __init__(
        self,
        bus: Bus,
        db: Database,
        *,
        stream: str,
        durable: str,
        filter_subject: str,
        handler: Handler,
        max_deliver: int = 10,
        ack_wait: float = 30.0,
        batch: int = 64,
    ) -> None:
        self.bus, self.db, self.handler = bus, db, handler
        self.stream, self.durable, self.filter_subject = stream, durable, filter_subject
        self.max_deliver, self.ack_wait, self.batch = max_deliver, ack_wait, batch
        self._subscription = None

    async def _subscribe(self):  # type: ignore[no-untyped-def]
        if self._subscription is None:
            stream = self.bus.stream_name(self.stream)
            # Create the durable consumer, or update one made by an earlier release (a changed
            # ack wait applies at once, not only to consumers created after it).
            await self.bus.js.add_consumer(
                stream,
                config=ConsumerConfig(
                    durable_name=self.durable,
                    filter_subject=self.bus.subject(self.filter_subject),
                    ack_policy=AckPolicy.EXPLICIT,
                    ack_wait=self.ack_wait,
                    max_deliver=self.max_deliver,
                ),
            )
            self._subscription = await self.bus.js.pull_subscribe_bind(self.durable, stream=stream)
        return self._subscription

    async def handle(self, message: Msg) -> None:
        """Handle one message exactly once, then ack; on failure nak it with a growing delay."""
        try:
            await self.process(message)
        except Exception:
            delivered = message.metadata.num_delivered
            log.exception(
                "handling %s failed (delivery %d of %d)",
                message.subject,
                delivered,
                self.max_deliver,
            )
            await message.nak(delay=min(2.0**delivered, 60.0))
            return
        await message.ack()

    async def process(self, message: Msg) -> None:
        """Run the handler and record the message id in one unit of work; a message whose id
        is recorded already (a redelivery after a lost ack) is skipped."""
        headers = dict(message.headers or {})
        message_id = (
            headers.get(MSG_ID) or f"{message.metadata.stream}:{message.metadata.sequence.stream}"
        )
        subject = self.bus.unprefixed(message.subject)
        with tracer.start_as_current_span(f"consume {subject}", context=extract_context(headers)):
            async with self.db.unit_of_work() as session:
                if await session.get(InboxMessage, message_id) is None:
                    await self.handler(session, subject, message.data, headers)
                    session.add(
                        InboxMessage(id=message_id, subject=subject, processed_at=datetime.now(UTC))
                    )

    async def poll_once(self, wait_seconds: float = 1.0) -> int:
        subscription = await self._subscribe()
        try:
            messages = await subscription.fetch(self.batch, timeout=wait_seconds)
        except TimeoutError:  # nats' own, or asyncio's when the deadline ran out in between
            return 0
        async with kept_in_progress(messages, self.ack_wait) as pending:
            for message in messages:
                await self.handle(message)
                pending.done(message)
        return len(messages)

    async def sample_pending(self) -> None:
        """Set `jz_consumer_pending` to the messages this consumer has yet to handle: not yet
        delivered, and delivered but not acknowledged (one consumer_info call)."""
        stream = self.bus.stream_name(self.stream)
        try:
            info = await self.bus.js.consumer_info(stream, self.durable)
        except NotFoundError:
            return  # not subscribed yet: the next sample finds it
        pending = (info.num_pending or 0) + (info.num_ack_pending or 0)
        CONSUMER_PENDING.labels(stream, self.durable).set(pending)

    async def run(self) -> None:
        """Consume until cancelled, sampling the backlog beside it."""
        await asyncio.gather(self._consume(), sample_every(self.sample_pending))

    async def _consume(self) -> None:
        """Survives broker restarts (the client reconnects)."""
        while True:
            try:
                await self.poll_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("consumer %s could not fetch; retrying", self.durable, exc_info=True)
                await asyncio.sleep(1.0)
