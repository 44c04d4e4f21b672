"""The sending loop: due messages are claimed (urgent first; SKIP LOCKED on PostgreSQL) by
leasing their queue rows, held for quiet hours or a number's daily cap, submitted to the
provider concurrently, and their outcome recorded — submitted (off the queue), retried with
exponential backoff, or failed. A provider asking to slow down (throttled) requeues the message
without using up a try; a long text keeps its concatenation reference (drawn from its number's
counter when first claimed) and the parts already accepted, which its next try does not send
again. A message whose dispatcher died while sending it is tried again when its lease runs out.
Each pass also expires messages whose receipt never came and applies receipts that came early.
The outcomes are counted, and the queue sampled, for metrics."""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from opentelemetry import trace
from opentelemetry.context import Context
from sqlalchemy import Row
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.bulk import insert_rows
from kit.metrics import sample_every
from kit.telemetry import extract_context
from services.notification import metrics
from services.notification import repository as repo
from services.notification.components import PHONE_FIELD, QUEUED_FLAG, Components
from services.notification.domain import FAILED, HELD, QUEUED, SUBMITTED
from services.notification.models import MessagePart
from services.notification.receipts import Receipts
from services.notification.sms import text
from services.notification.sms.provider import (
    OutgoingSms,
    PermanentError,
    ProviderError,
    SmsProvider,
    TransientError,
)

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)
MAX_ERROR = 200


@dataclass(frozen=True)
class Claimed:
    id: str
    phone: str
    phone_index: bytes
    text: str
    urgent: bool
    attempts: int
    trace_headers: str
    template: str
    template_params: str
    reference: int | None  # a long text's concatenation reference, once drawn
    accepted: tuple[str, ...]  # provider ids of its parts accepted on earlier tries


@dataclass(frozen=True)
class Outcome:
    provider_ids: tuple[str, ...] = ()  # of the parts accepted, earlier tries' included
    parts: int = 0  # how many the message has (known once a part was accepted)
    submitted: bool = False  # whole
    error: str = ""
    permanent: bool = False
    backpressure: bool = False  # the provider asked to slow down: no try used up
    retry_after: float | None = None


@dataclass(frozen=True)
class Timing:
    batch: int = 200
    interval: float = 1.0
    lease: float = 120.0
    receipt_timeout: float = 48 * 3600.0
    workers: int = 2
    submitters: int = 40  # messages of a batch in flight at once (the provider paces them)


class Dispatcher:
    def __init__(
        self, components: Components, provider: SmsProvider, receipts: Receipts, timing: Timing
    ) -> None:
        self.c = components
        self.provider = provider
        self.receipts = receipts
        self.timing = timing
        self._wake = asyncio.Event()
        # Claims take turns in this process: SQLite has no row locks to skip (other processes
        # on PostgreSQL skip the rows this one locked).
        self._claiming = asyncio.Lock()
        components.db.on_commit(self._on_commit)

    def _on_commit(self, info: dict) -> None:
        if info.get(QUEUED_FLAG):
            self._wake.set()

    async def sweep(self) -> None:
        """Expire what was submitted too long ago without a receipt; apply early receipts."""
        now = self.c.clock()
        async with self.c.db.unit_of_work() as session:
            cutoff = now - timedelta(seconds=self.timing.receipt_timeout)
            expired = await repo.expire_unanswered(session, cutoff, now)
        metrics.FAILED_TOTAL.labels(metrics.EXPIRED).inc(expired)
        await self.receipts.apply_pending(now)

    async def dispatch_once(self) -> int:
        """One batch: claim, submit, record. Returns how many due messages it took up."""
        async with self._claiming:
            claimed, taken = await self._claim(self.c.clock())
        if claimed:
            outcomes = await self._submit_all(claimed)
            await self._record(claimed, outcomes, self.c.clock())
        return taken

    async def run(self) -> None:
        """Dispatch until cancelled: several workers, each batch as soon as the last is done,
        and at least every `interval` (or at once when a message is queued); the backlog is
        sampled beside them."""
        await asyncio.gather(
            *(self._work(n) for n in range(self.timing.workers)), sample_every(self.sample_backlog)
        )

    async def sample_backlog(self) -> None:
        """Set the queue's depth and the receipts awaited (one COUNT each)."""
        async with self.c.db.read_only() as session:
            metrics.QUEUE_DEPTH.set(await repo.queue_depth(session))
            metrics.RECEIPTS_PENDING.set(await repo.receipts_pending(session))

    async def _work(self, number: int) -> None:
        """One worker; the first also sweeps, every `interval` even while busy."""
        clock = asyncio.get_running_loop().time
        backoff, swept = self.timing.interval, 0.0
        while True:
            self._wake.clear()
            try:
                busy = True
                while busy:
                    if number == 0 and clock() - swept >= self.timing.interval:
                        await self.sweep()
                        swept = clock()
                    busy = await self.dispatch_once() == self.timing.batch
                backoff = self.timing.interval
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("dispatch failed; retrying in %.1fs", backoff, exc_info=True)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.timing.interval)
            except TimeoutError:
                pass

    async def _claim(self, now: datetime) -> tuple[list[Claimed], int]:
        rules, lease = self.c.rules, now + timedelta(seconds=self.timing.lease)
        async with self.c.db.unit_of_work() as session:
            due = await repo.due_messages(session, now, self.timing.batch)
            indexes = [m.phone_index for m in due if not m.urgent]
            sent = await repo.submitted_since(session, indexes, rules.day_start(now))
            places: dict[str, dict[str, Any]] = {}  # message id -> its queue row, as it goes on
            held: list[dict[str, Any]] = []
            claimed: list[Claimed] = []
            for message in due:
                # A text whose first parts reached the phone is finished, never held.
                count = sent.get(message.phone_index, 0)
                hold = None if message.accepted else rules.hold_until(message.urgent, now, count)
                due_at = lease if hold is None else hold[0]
                places[message.id] = {
                    "message_id": message.id,
                    "due_at": due_at,
                    "reference": message.reference,
                }
                if hold is not None:
                    held.append(
                        _change(message.id, HELD, now, message.attempts, hold[0], error=hold[1])
                    )
                    continue
                sent[message.phone_index] = count + 1
                claimed.append(self._claimed(message))
            claimed = await self._with_references(session, claimed)
            for item in claimed:
                places[item.id]["reference"] = item.reference
            await repo.requeue(session, list(places.values()))
            await repo.update_messages(session, held)
        return claimed, len(due)

    def _claimed(self, message: Row[Any]) -> Claimed:
        phone = self.c.protector.decrypt(message.phone_cipher, PHONE_FIELD)
        return Claimed(
            message.id,
            phone,
            message.phone_index,
            message.text,
            message.urgent,
            message.attempts + 1,
            message.trace_headers,
            message.template,
            message.template_params,
            message.reference,
            tuple(message.accepted.split()),
        )

    @staticmethod
    async def _with_references(session: AsyncSession, claimed: list[Claimed]) -> list[Claimed]:
        """The long texts claimed for the first time draw their reference from their
        numbers' counters (one statement for the batch), kept in the queue for every try."""
        new = [n for n, item in enumerate(claimed) if item.reference is None and _is_long(item)]
        drawn = await repo.draw_references(session, [claimed[n].phone_index for n in new])
        claimed = list(claimed)
        for n, reference in zip(new, drawn, strict=True):
            claimed[n] = replace(claimed[n], reference=reference)
        return claimed

    async def _submit_all(self, claimed: list[Claimed]) -> list[Outcome]:
        """Submit a batch, `submitters` at a time, in one span for each event that caused
        messages of it, continuing that event's trace (a broadcast's messages share one: a span
        each would cost as much as the submit itself)."""
        by_trace: dict[str, list[int]] = {}
        for n, item in enumerate(claimed):
            by_trace.setdefault(item.trace_headers, []).append(n)
        outcomes: dict[int, Outcome] = {}

        async def submit_each(indexes: Iterator[int]) -> None:
            for n in indexes:
                outcomes[n] = await self._submit(claimed[n])

        async def submit_traced(trace_headers: str, indexes: list[int]) -> None:
            context = _context(trace_headers)
            with tracer.start_as_current_span("sms submit", context=context) as span:
                span.set_attribute("notification.message_ids", [claimed[n].id for n in indexes])
                shared = iter(indexes)
                submitters = min(self.timing.submitters, len(indexes))
                await asyncio.gather(*(submit_each(shared) for _ in range(submitters)))

        await asyncio.gather(*(submit_traced(h, indexes) for h, indexes in by_trace.items()))
        return [outcomes[n] for n in range(len(claimed))]

    async def _submit(self, item: Claimed) -> Outcome:
        """Hand one message to the provider."""
        try:
            submitted = await self.provider.submit(_outgoing(item))
        except ProviderError as exc:
            backpressure = isinstance(exc, TransientError) and exc.backpressure
            return Outcome(  # (a provider that tells no progress took no part this time)
                exc.accepted or item.accepted,
                exc.parts,
                error=str(exc)[:MAX_ERROR],
                permanent=isinstance(exc, PermanentError),
                backpressure=backpressure,
                retry_after=exc.retry_after if isinstance(exc, TransientError) else None,
            )
        except Exception:
            log.exception("the SMS provider failed on message %s", item.id)
            return Outcome(item.accepted, error="the SMS provider failed")
        ids = tuple(submitted.provider_ids)
        return Outcome(ids, len(ids), submitted=True)

    async def _record(self, claimed: list[Claimed], outcomes: list[Outcome], now: datetime) -> None:
        changes, parts, done, retries = [], [], [], []
        for item, outcome in zip(claimed, outcomes, strict=True):
            change = self._result(item, outcome, now)
            changes.append(change)
            if change["status"] == QUEUED:
                due = change["next_attempt_at"]
                accepted = " ".join(outcome.provider_ids)
                retries.append({"message_id": item.id, "due_at": due, "accepted": accepted})
            else:
                done.append(item.id)
            parts += [  # the parts accepted on this try (a message's count: its receipts)
                {
                    "provider_id": p,
                    "message_id": item.id,
                    "parts": outcome.parts,
                    "state": "",
                    "phone_index": item.phone_index,
                    "submitted_at": now,
                }
                for p in outcome.provider_ids[len(item.accepted) :]
            ]
        async with self.c.db.unit_of_work() as session:
            await repo.dequeue(session, done)
            await repo.requeue(session, retries)
            await repo.update_messages(session, changes)
            await insert_rows(session, MessagePart, parts)
        _count(changes, outcomes)

    def _result(self, item: Claimed, outcome: Outcome, now: datetime) -> dict[str, Any]:
        if outcome.submitted:
            ids = " ".join(outcome.provider_ids)
            return _change(
                item.id, SUBMITTED, now, item.attempts, provider_ids=ids, submitted_at=now
            )
        if outcome.backpressure:  # back-pressure, not a failure: the try is given back
            later = now + timedelta(seconds=outcome.retry_after or self.c.rules.retry_base)
            return _change(item.id, QUEUED, now, item.attempts - 1, later, error=outcome.error)
        if outcome.permanent or item.attempts >= self.c.rules.max_attempts:
            error = outcome.error if outcome.permanent else f"gave up: {outcome.error}"
            return _change(item.id, FAILED, now, item.attempts, error=error)
        later = now + self.c.rules.retry_delay(item.attempts, outcome.retry_after)
        return _change(item.id, QUEUED, now, item.attempts, later, error=outcome.error)


def _count(changes: list[dict[str, Any]], outcomes: list[Outcome]) -> None:
    """Count a recorded batch's outcomes: submitted, throttled (requeued on the provider's
    back-pressure), failed; a retry after a transient failure is none of these yet."""
    for change, outcome in zip(changes, outcomes, strict=True):
        if change["status"] == SUBMITTED:
            metrics.SUBMITTED.inc()
        elif outcome.backpressure:
            metrics.THROTTLED.inc()
        elif change["status"] == FAILED:
            reason = metrics.REJECTED if outcome.permanent else metrics.GAVE_UP
            metrics.FAILED_TOTAL.labels(reason).inc()


@functools.lru_cache(maxsize=256)
def _context(trace_headers: str) -> Context:
    """The trace context of the event that caused a message (a broadcast's messages share
    one: read once)."""
    return extract_context(json.loads(trace_headers))


def _outgoing(item: Claimed) -> OutgoingSms:
    return OutgoingSms(
        item.id,
        item.phone,
        item.text,
        item.urgent,
        template_code=item.template,
        template_params=json.loads(item.template_params),
        reference=item.reference or 0,
        accepted=item.accepted,
    )


def _is_long(item: Claimed) -> bool:
    """A text that goes in several concatenated parts."""
    return text.is_concatenated(item.text)


def _change(
    message_id: str,
    status: str,
    now: datetime,
    attempts: int,
    next_attempt_at: datetime | None = None,
    **columns: Any,
) -> dict[str, Any]:
    """One row of a bulk update; every row gets the same columns (one statement)."""
    return {
        "id": message_id,
        "status": status,
        "updated_at": now,
        "attempts": attempts,
        "next_attempt_at": next_attempt_at,
        "error": "",
        "provider_ids": "",
        "submitted_at": None,
        **columns,
    }
