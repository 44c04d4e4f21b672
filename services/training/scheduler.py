"""The scheduler: public notices close at their end by themselves, each exactly once however
many replicas look at the same moment (the close is a conditional update on the candidate's
status and the notice's end; the loser of a race changes nothing). The county is texted."""

from __future__ import annotations

import asyncio
import logging

from services.training.notices_service import NoticesService

log = logging.getLogger(__name__)


class Scheduler:
    def __init__(self, notices: NoticesService, *, interval: float, batch: int) -> None:
        self.notices = notices
        self.interval = interval
        self.batch = batch

    async def run(self) -> None:
        """Look every `interval` seconds until cancelled; a failed look is retried next time."""
        while True:
            try:
                while await self.notices.close_ended(self.batch) == self.batch:
                    pass
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("closing ended notices failed; retrying", exc_info=True)
            await asyncio.sleep(self.interval)
