"""Delivery receipts: each updates the part it reports on, and the message once all its parts
are settled. Receipts arriving together (within `LINGER`, or while the last batch was being
written) are written in one transaction (group commit), and
the provider hears back only once a receipt is stored; one that comes before its submit was
recorded waits in `pending_receipts` for the next pass. The messages settled are counted once
stored."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.bulk import insert_rows
from services.notification import metrics
from services.notification import repository as repo
from services.notification.components import Components
from services.notification.domain import DELIVERED, settled_status
from services.notification.models import PendingReceipt
from services.notification.sms.provider import Receipt

PENDING_BATCH = 1000
LINGER = 0.02  # seconds a writer waits for more receipts to share its transaction
FORGET_AFTER = timedelta(days=1)  # a receipt about no message of ours


class Receipts:
    def __init__(self, components: Components) -> None:
        self.c = components
        self._waiting: list[tuple[Receipt, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def on_receipt(self, receipt: Receipt) -> None:
        """The provider's callback: returns once the receipt is stored."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((receipt, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        await done

    async def _write(self) -> None:
        await asyncio.sleep(LINGER)
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                await self.record([receipt for receipt, _ in batch])
            except Exception as exc:
                for _, done in batch:
                    done.set_exception(exc)
            else:
                for _, done in batch:
                    done.set_result(None)

    async def record(self, receipts: list[Receipt]) -> None:
        now = self.c.clock()
        async with self.c.db.unit_of_work() as session:
            unmatched, settled = await self._apply(
                session, [(r.provider_id, r.state, r.error) for r in receipts], now
            )
            await insert_rows(
                session,
                PendingReceipt,
                [
                    {
                        "provider_id": r.provider_id,
                        "state": r.state,
                        "error": r.error,
                        "received_at": now,
                    }
                    for r in receipts
                    if r.provider_id in unmatched
                ],
            )
        metrics.count_settled(settled)

    async def apply_pending(self, now: datetime) -> None:
        """Apply the receipts that came early, batch after batch while whole batches settle
        (a broadcast's receipts often outrun its recorded submits); forget those about no
        message after a day."""
        while await self._apply_pending_batch(now) == PENDING_BATCH:
            pass

    async def _apply_pending_batch(self, now: datetime) -> int:
        """One batch of early receipts; how many of them are settled now."""
        async with self.c.db.unit_of_work() as session:
            pending = await repo.pending_receipts(session, PENDING_BATCH)
            reports = [(p.provider_id, p.state, p.error) for p in pending]
            unmatched, statuses = await self._apply(session, reports, now)
            settled = [
                p.id
                for p in pending
                if p.id is not None
                and (p.provider_id not in unmatched or p.received_at < now - FORGET_AFTER)
            ]
            await repo.forget_receipts(session, settled)
        metrics.count_settled(statuses)
        return len(settled)

    async def _apply(
        self, session: AsyncSession, reports: list[tuple[str, str, str]], now: datetime
    ) -> tuple[set[str], list[str]]:
        """Mark the parts reported on and settle their messages; returns the provider ids
        that match no part (yet), and the statuses the messages settled at. A message of one part (most are) is settled by its own
        receipt; only a longer one's sibling parts are read."""
        reported = {provider_id: (str(state), error) for provider_id, state, error in reports}
        found = await repo.parts_by_provider_id(session, list(reported))
        await repo.set_part_states(session, {p: reported[p][0] for p, _, _ in found})
        states: dict[str, list[str]] = {m: [reported[p][0]] for p, m, n in found if n == 1}
        for message_id, state in await repo.part_states(session, [m for _, m, n in found if n > 1]):
            states.setdefault(message_id, []).append(state)
        errors = {m: reported[p][1] for p, m, _ in found if reported[p][0] != DELIVERED}
        changes = []
        for message_id, part_states in states.items():
            status = settled_status(part_states)
            if status is not None:
                error = errors.get(message_id, "")
                changes.append(
                    {"id": message_id, "status": status, "error": error, "updated_at": now}
                )
        await repo.update_messages(session, changes)
        unmatched = set(reported) - {provider_id for provider_id, _, _ in found}
        return unmatched, [str(change["status"]) for change in changes]
