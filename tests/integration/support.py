"""Pieces the services' integration fixtures share: a clock the test moves by hand, and the
texts a service asked notification to send."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, select

from jingzhun.notification.v1 import events_pb2 as notification_events
from kit.db import Database
from kit.outbox import OutboxMessage


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


async def texts_requested(db: Database) -> list[notification_events.NotificationRequested]:
    """What a service asked notification to send (its outbox, in order)."""
    async with db.read_only() as session:
        rows = (
            await session.exec(
                select(OutboxMessage)
                .where(OutboxMessage.subject == "notification.requested")
                .order_by(col(OutboxMessage.seq))
            )
        ).all()
    return [notification_events.NotificationRequested.FromString(r.payload) for r in rows]
