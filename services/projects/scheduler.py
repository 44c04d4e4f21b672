"""The scheduler: a project's public notices (before approval, at completion) close at their
end by themselves, exactly once however many replicas look at the same moment (a conditional
update; the loser of a race changes nothing); at the end of the notice before approval the
county is texted that it is its turn."""

from __future__ import annotations

import asyncio
import logging

from services.projects.review_service import ReviewService

log = logging.getLogger(__name__)


class Scheduler:
    def __init__(self, reviews: ReviewService, *, interval: float, batch: int) -> None:
        self.reviews = reviews
        self.interval = interval
        self.batch = batch

    async def run(self) -> None:
        """Look every `interval` seconds until cancelled; a failed look is retried next time."""
        while True:
            try:
                while await self.reviews.close_ended(self.batch) == self.batch:
                    pass
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("closing ended project notices failed; retrying", exc_info=True)
            await asyncio.sleep(self.interval)
