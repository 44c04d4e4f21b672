"""The scheduler: needs whose owner level let the deadline pass escalate by themselves, each
exactly once however many replicas look at the same moment (every move is a conditional
update on the need's version and deadline; the loser of a race changes nothing)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from services.assistance import repository as repo
from services.assistance.components import Components
from services.assistance.lifecycle import AUTO_ESCALATED, NeedAction, NeedState, NeedStatus, apply
from services.assistance.needs_service import NeedsService

log = logging.getLogger(__name__)
SCHEDULER = "scheduler"
DEADLINE_PASSED = "no action before the deadline"


class Scheduler:
    def __init__(
        self,
        components: Components,
        needs: NeedsService,
        *,
        interval: float,
        batch: int,
        monthly: Callable[[], Awaitable[int]] | None = None,
    ) -> None:
        self.c = components
        self.needs = needs
        self.interval = interval
        self.batch = batch
        self.monthly = monthly  # the month's circulars (assessment), looked at every time

    async def escalate_overdue(self) -> int:
        """Escalate one batch of overdue needs; returns how many this replica escalated."""
        now = self.c.clock()
        async with self.c.db.read_only() as session:
            overdue = list(await repo.overdue_needs(session, now, self.batch))
        escalated = 0
        for need in overdue:
            state = apply(
                NeedState(NeedStatus(need.status), need.owner_region),
                NeedAction.ESCALATE,
                reason=DEADLINE_PASSED,
            )
            async with self.c.db.unit_of_work() as session:
                session.add(need)
                moved = await self.needs.move(
                    session, need, state, AUTO_ESCALATED, SCHEDULER, DEADLINE_PASSED, due_by=now
                )
            escalated += moved
        return escalated

    async def run(self) -> None:
        """Look every `interval` seconds until cancelled; a failed look is retried next time."""
        while True:
            try:
                while await self.escalate_overdue() == self.batch:
                    pass
                if self.monthly is not None:
                    await self.monthly()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("escalating overdue needs failed; retrying", exc_info=True)
            await asyncio.sleep(self.interval)
