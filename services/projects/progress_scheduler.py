"""The progress scheduler: every `interval` seconds it flags overdue milestones and idle funds
(texted to the county office) and overdue reviews (texted to the level that must act), each
flag texted once however many replicas look (progress_flags)."""

from __future__ import annotations

import asyncio
import logging

from services.projects.progress_flags import FlagsService

log = logging.getLogger(__name__)


class ProgressScheduler:
    def __init__(self, flags: FlagsService, *, interval: float, batch: int) -> None:
        self.flags = flags
        self.interval = interval
        self.batch = batch

    async def look_once(self) -> int:
        """Raise the flags due now; how many were new."""
        return (
            await self.flags.flag_overdue(self.batch)
            + await self.flags.flag_idle_funds(self.batch)
            + await self.flags.flag_overdue_reviews(self.batch)
        )

    async def run(self) -> None:
        """Look until cancelled; a failed look is retried next time."""
        while True:
            try:
                await self.look_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("flagging projects failed; retrying", exc_info=True)
            await asyncio.sleep(self.interval)
