"""Transactional outbox: events are rows written in the same unit of work as the change they
announce, and a relay publishes them to JetStream afterwards. A crash or a broker outage
delays an event but never loses it; a relay that publishes twice is absorbed by the broker's
dedup on `Nats-Msg-Id` (the row id). The relay also reports the rows still to publish."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from datetime import datetime

import sqlalchemy as sa
from google.protobuf.message import Message
from sqlalchemy import Column, DateTime, Index, LargeBinary, Text, func, update
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.bus import Bus
from kit.clock import utcnow
from kit.db import Database
from kit.metrics import OUTBOX_PENDING, sample_every
from kit.telemetry import inject_headers

log = logging.getLogger(__name__)
PENDING = "outbox_pending"  # set in session.info by enqueue, read after the commit


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "published_at", "seq"),)
    seq: int | None = Field(default=None, primary_key=True)  # publication order
    id: str = Field(unique=True)  # the Nats-Msg-Id
    subject: str
    payload: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    headers: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    published_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class InboxMessage(SQLModel, table=True):
    """Ids of the messages a consumer has handled: a redelivery is recognised and skipped."""

    __tablename__ = "inbox"
    id: str = Field(primary_key=True)
    subject: str
    processed_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


def enqueue(
    session: AsyncSession, subject: str, message: Message | bytes, *, msg_id: str | None = None
) -> str:
    """Add an event to the caller's unit of work; it is published after the commit."""
    payload = message if isinstance(message, bytes) else message.SerializeToString()
    row = OutboxMessage(
        id=msg_id or uuid.uuid4().hex,
        subject=subject,
        payload=payload,
        headers=json.dumps(inject_headers({})),
        created_at=utcnow(),
    )
    session.add(row)
    session.info[PENDING] = True
    return row.id


def create_outbox_tables() -> None:
    """Inside an Alembic revision's upgrade(): the outbox and inbox tables of a service."""
    from alembic import op

    op.create_table(
        "outbox",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(), nullable=False, unique=True),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("headers", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_outbox_pending", "outbox", ["published_at", "seq"])
    op.create_table(
        "inbox",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
    )


def drop_outbox_tables() -> None:
    from alembic import op

    op.drop_table("inbox")
    op.drop_index("ix_outbox_pending", "outbox")
    op.drop_table("outbox")


class OutboxRelay:
    """Publishes committed outbox rows in order, a window of them in flight at once."""

    def __init__(
        self, db: Database, bus: Bus, *, batch: int = 256, poll_interval: float = 1.0
    ) -> None:
        self.db = db
        self.bus = bus
        self.batch = batch
        self.poll_interval = poll_interval
        self._wake = asyncio.Event()
        db.on_commit(self._on_commit)

    def _on_commit(self, info: dict) -> None:
        if info.get(PENDING):
            self._wake.set()

    async def relay_once(self) -> int:
        """Publish one batch of pending rows; returns how many went out."""
        async with self.db.unit_of_work() as session:
            statement = (
                select(OutboxMessage)
                .where(col(OutboxMessage.published_at).is_(None))
                .order_by(col(OutboxMessage.seq))
                .limit(self.batch)
                .with_for_update(skip_locked=True)
            )
            rows = (await session.exec(statement)).all()
            if not rows:
                return 0
            await asyncio.gather(
                *(
                    self.bus.publish(
                        r.subject, r.payload, msg_id=r.id, headers=json.loads(r.headers)
                    )
                    for r in rows
                )
            )
            await session.exec(  # type: ignore[call-overload]
                update(OutboxMessage)
                .where(col(OutboxMessage.seq).in_([r.seq for r in rows]))
                .values(published_at=utcnow())
            )
            return len(rows)

    async def sample_pending(self) -> None:
        """Set `jz_outbox_pending` to the rows not yet published (one COUNT on the index of
        pending rows)."""
        async with self.db.read_only() as session:
            statement = (
                select(func.count())
                .select_from(OutboxMessage)
                .where(col(OutboxMessage.published_at).is_(None))
            )
            pending = (await session.exec(statement)).one()
        OUTBOX_PENDING.labels(self.bus.name).set(pending)

    async def run(self) -> None:
        """Relay until cancelled, sampling the backlog beside it."""
        await asyncio.gather(self._relay(), sample_every(self.sample_pending))

    async def _relay(self) -> None:
        """After every commit, and every `poll_interval` regardless."""
        backoff = self.poll_interval
        while True:
            self._wake.clear()
            try:
                while await self.relay_once() == self.batch:
                    pass
                backoff = self.poll_interval
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("outbox relay failed; retrying in %.1fs", backoff, exc_info=True)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_interval)
            except TimeoutError:
                pass
