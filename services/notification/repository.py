"""Every SQL statement of notification. Functions take the caller's session and never commit."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import LargeBinary, Row, String, delete, func, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.bulk import one_of, update_rows
from kit.db import in_subtree
from services.notification.domain import EXPIRED, SUBMITTED
from services.notification.models import (
    Broadcast,
    ConcatenationCounter,
    Message,
    MessagePart,
    PendingReceipt,
    QueuedMessage,
    ReplyRecord,
)


async def _rows(session: AsyncSession, statement: Any) -> Sequence[Any]:
    return (await (await session.connection()).execute(statement)).all()


async def update_messages(session: AsyncSession, changes: list[dict[str, Any]]) -> None:
    """Each dict: the message's `id` and the columns to set; one statement for the changes
    with the same columns."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for change in changes:
        groups.setdefault(tuple(sorted(change)), []).append(change)
    for rows in groups.values():
        await update_rows(session, Message, rows, "id")


# ------------------------------------------------------------------ queueing


async def recipients_of_source(session: AsyncSession, source_id: str) -> set[str]:
    statement = sa_select(col(Message.user_id)).where(col(Message.source_id) == source_id)
    return {row[0] for row in await _rows(session, statement)}


# ------------------------------------------------------------------ dispatching


# What the dispatcher reads of a due message (rows, not ORM objects: the hottest read).
DUE_COLUMNS = (
    "id",
    "phone_cipher",
    "phone_index",
    "text",
    "urgent",
    "attempts",
    "trace_headers",
    "template",
    "template_params",
)
QUEUE_COLUMNS = ("reference", "accepted")  # ... and of its place in the queue
REFERENCES = 256  # concatenation references (8-bit)


async def due_messages(session: AsyncSession, now: datetime, limit: int) -> list[Row[Any]]:
    """Queued messages whose time has come (DUE_COLUMNS), urgent ones first, their queue rows
    locked against other dispatchers (SKIP LOCKED on PostgreSQL; SQLite has a single writer)."""
    table, queue = Message.__table__, QueuedMessage.__table__  # type: ignore[attr-defined]
    found: list[Row[Any]] = []
    for urgent in (True, False):
        statement = (
            sa_select(
                *(table.c[name] for name in DUE_COLUMNS),
                *(queue.c[name] for name in QUEUE_COLUMNS),
            )
            .join(queue, queue.c.message_id == table.c.id)
            .where(queue.c.urgent.is_(urgent), queue.c.due_at <= now)
            .order_by(queue.c.due_at)
            .limit(limit - len(found))
            .with_for_update(skip_locked=True, of=queue)
        )
        found += await _rows(session, statement)
        if len(found) == limit:
            break
    return found


async def requeue(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Each dict: a `message_id`, when it is next due (`due_at`: held, retried, or leased while
    it is being sent), and any other queue columns to set; one statement for the rows with
    the same columns."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    for group in groups.values():
        await update_rows(session, QueuedMessage, group, "message_id")


async def draw_references(session: AsyncSession, phone_indexes: list[bytes]) -> list[int]:
    """A concatenation reference for each entry (a number named twice draws two), the next of
    each number's counter, in one statement (numbers in order: concurrent dispatchers lock
    their counters in the same order)."""
    if not phone_indexes:
        return []
    counts = Counter(phone_indexes)
    table = ConcatenationCounter.__table__  # type: ignore[attr-defined]
    dialect = (await session.connection()).dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = [{"phone_index": index, "last": counts[index]} for index in sorted(counts)]
    statement = insert(table).values(values)
    counted = statement.on_conflict_do_update(
        index_elements=["phone_index"],
        set_={"last": (table.c.last + statement.excluded.last) % REFERENCES},
    ).returning(table.c.phone_index, table.c.last)
    last = {index: value for index, value in await _rows(session, counted)}
    drawn: Counter[bytes] = Counter()
    references = []
    for index in phone_indexes:
        drawn[index] += 1
        references.append((last[index] - counts[index] + drawn[index]) % REFERENCES)
    return references


async def dequeue(session: AsyncSession, message_ids: Sequence[str]) -> None:
    if message_ids:
        of = await one_of(session, col(QueuedMessage.message_id), list(message_ids), String())
        await session.exec(delete(QueuedMessage).where(of))  # type: ignore[call-overload]


async def submitted_since(
    session: AsyncSession, phone_indexes: Sequence[bytes], since: datetime
) -> dict[bytes, int]:
    """How many messages went to each number since `since` (the daily cap)."""
    if not phone_indexes:
        return {}
    indexes = await one_of(
        session, col(MessagePart.phone_index), list(set(phone_indexes)), LargeBinary()
    )
    statement = (
        sa_select(col(MessagePart.phone_index), func.count(col(MessagePart.message_id).distinct()))
        .where(indexes)
        .where(col(MessagePart.submitted_at) >= since)
        .group_by(col(MessagePart.phone_index))
    )
    return {index: count for index, count in await _rows(session, statement)}


async def expire_unanswered(
    session: AsyncSession, submitted_before: datetime, now: datetime
) -> int:
    """Parts submitted before `submitted_before` with no receipt expire, and their messages
    still waiting for one."""
    parts = await session.exec(  # type: ignore[call-overload]
        update(MessagePart)
        .where(col(MessagePart.state) == "", col(MessagePart.submitted_at) < submitted_before)
        .values(state=EXPIRED)
        .returning(col(MessagePart.message_id))
    )
    message_ids = list({row[0] for row in parts.all()})
    if not message_ids:
        return 0
    of = await one_of(session, col(Message.id), message_ids, String())
    result = await session.exec(  # type: ignore[call-overload]
        update(Message)
        .where(of, col(Message.status) == SUBMITTED)
        .values(status=EXPIRED, error="no delivery receipt in time", updated_at=now)
    )
    return result.rowcount or 0


# ------------------------------------------------------------------ backlog (metrics)


async def queue_depth(session: AsyncSession) -> int:
    """Messages in the queue: one COUNT of its narrow table."""
    statement = sa_select(func.count()).select_from(QueuedMessage)
    return int((await _rows(session, statement))[0][0])


async def receipts_pending(session: AsyncSession) -> int:
    """Submitted parts still waiting for their receipt (the partial index of unsettled parts)."""
    statement = sa_select(func.count()).where(col(MessagePart.state) == "")
    return int((await _rows(session, statement))[0][0])


# ------------------------------------------------------------------ receipts


async def parts_by_provider_id(
    session: AsyncSession, provider_ids: Sequence[str]
) -> Sequence[tuple[str, str, int]]:
    """(provider_id, message_id, parts of the message) of the parts these ids name (found by
    primary key: no plan can turn it into a scan of the table)."""
    if not provider_ids:
        return []
    named = await one_of(session, col(MessagePart.provider_id), list(provider_ids), String())
    statement = sa_select(
        col(MessagePart.provider_id), col(MessagePart.message_id), col(MessagePart.parts)
    ).where(named)
    return await _rows(session, statement)


async def part_states(
    session: AsyncSession, message_ids: Sequence[str]
) -> Sequence[tuple[str, str]]:
    """(message_id, state) of every part of these messages (the message names its parts)."""
    if not message_ids:
        return []
    of = await one_of(session, col(Message.id), list(set(message_ids)), String())
    named = await _rows(session, sa_select(col(Message.provider_ids)).where(of))
    provider_ids = [p for (ids,) in named for p in ids.split()]
    if not provider_ids:
        return []
    parts = await one_of(session, col(MessagePart.provider_id), provider_ids, String())
    statement = sa_select(col(MessagePart.message_id), col(MessagePart.state)).where(parts)
    return await _rows(session, statement)


async def set_part_states(session: AsyncSession, states: dict[str, str]) -> None:
    """provider_id -> state, in one statement."""
    rows = [{"provider_id": provider_id, "state": state} for provider_id, state in states.items()]
    await update_rows(session, MessagePart, rows, "provider_id")


async def pending_receipts(session: AsyncSession, limit: int) -> Sequence[PendingReceipt]:
    statement = select(PendingReceipt).order_by(col(PendingReceipt.id)).limit(limit)
    return (await session.exec(statement.with_for_update(skip_locked=True))).all()


async def forget_receipts(session: AsyncSession, ids: Sequence[int]) -> None:
    if ids:
        await session.exec(delete(PendingReceipt).where(col(PendingReceipt.id).in_(ids)))  # type: ignore[call-overload]


# ------------------------------------------------------------------ replies


async def latest_message_to(
    session: AsyncSession, phone_index: bytes, *, short_code: str | None = None
) -> Message | None:
    """The newest message to a number; with `short_code` ("" for any), only one that asked
    for a reply."""
    statement = select(Message).where(col(Message.phone_index) == phone_index)
    if short_code is not None:
        statement = statement.where(col(Message.short_code).is_not(None))
        if short_code:
            statement = statement.where(col(Message.short_code) == short_code)
    statement = statement.order_by(col(Message.created_at).desc()).limit(1)
    return (await session.exec(statement)).first()


async def get_reply(session: AsyncSession, reply_id: str) -> ReplyRecord | None:
    return await session.get(ReplyRecord, reply_id)


# ------------------------------------------------------------------ broadcasts and lists


async def get_broadcast(session: AsyncSession, broadcast_id: str) -> Broadcast | None:
    return await session.get(Broadcast, broadcast_id)


async def status_counts(session: AsyncSession, broadcast_id: str) -> dict[str, int]:
    statement = (
        sa_select(col(Message.status), func.count())
        .where(col(Message.broadcast_id) == broadcast_id)
        .group_by(col(Message.status))
    )
    return {status: count for status, count in await _rows(session, statement)}


async def messages_by_status(
    session: AsyncSession, region_code: str, since: datetime, until: datetime
) -> dict[str, int]:
    """Messages to recipients in the subtree created in [since, until), by status."""
    statement = (
        sa_select(col(Message.status), func.count())
        .where(in_subtree(col(Message.region_code), region_code))
        .where(col(Message.created_at) >= since, col(Message.created_at) < until)
        .group_by(col(Message.status))
    )
    return {status: count for status, count in await _rows(session, statement)}


async def list_messages(
    session: AsyncSession,
    *,
    region_code: str | None = None,
    broadcast_id: str | None = None,
    status: str,
    after_id: str | None,
    limit: int,
) -> Sequence[Message]:
    statement = select(Message)
    if region_code is not None:
        statement = statement.where(in_subtree(col(Message.region_code), region_code))
    if broadcast_id is not None:
        statement = statement.where(col(Message.broadcast_id) == broadcast_id)
    if status:
        statement = statement.where(col(Message.status) == status)
    if after_id:
        statement = statement.where(col(Message.id) > after_id)
    return (await session.exec(statement.order_by(col(Message.id)).limit(limit))).all()
