"""`Idempotency-Key`, durably: the service that owns a write keeps (caller, key, request
fingerprint, reply) in its own database, in the same transaction as the write, so a retry with
the same key is answered with the first reply, whatever became of the gateway's Redis (at most
a cache in front of this).

The gateway sets `forwarded_key` around the one call a keyed request makes; `kit.grpc_client`
sends it as `idempotency-key` metadata. In the service, `IdempotentCalls` (a layer inside the
one that sets the caller's principal, `kit.grpc_server.CallContext`) answers a repeated call from the table, refuses
the same key for another request, and otherwise runs the call in one transaction
(`Database.one_transaction`) that also stores the reply.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any

import grpc
import sqlalchemy as sa
from google.protobuf.message import Message
from sqlalchemy import Column, DateTime, LargeBinary, delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, SQLModel, col

from kit.clock import aware, utcnow
from kit.db import Database
from kit.errors import InvalidArgument
from kit.principal import require_principal

log = logging.getLogger(__name__)
METADATA_KEY = "idempotency-key"
MAX_KEY_LENGTH = 200
KEPT_FOR = timedelta(hours=24)  # a key older than this may be used again
FORGET_EVERY_SECONDS = 3600.0

# Set by the gateway while it makes the call of a request that carries an Idempotency-Key.
forwarded_key: ContextVar[str] = ContextVar("forwarded_idempotency_key", default="")


class IdempotentReply(SQLModel, table=True):
    __tablename__ = "idempotent_replies"
    caller_id: str = Field(primary_key=True)
    key: str = Field(primary_key=True, max_length=MAX_KEY_LENGTH)
    fingerprint: str  # the method and the request, hashed
    reply: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


def create_idempotency_table() -> None:
    """Inside an Alembic revision's upgrade(): the table of a service's idempotent replies."""
    from alembic import op

    op.create_table(
        "idempotent_replies",
        sa.Column("caller_id", sa.String(), nullable=False),
        sa.Column("key", sa.String(length=MAX_KEY_LENGTH), nullable=False),
        sa.Column("fingerprint", sa.String(), nullable=False),
        sa.Column("reply", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("caller_id", "key"),
    )


async def forget_expired(db: Database) -> int:
    """Delete the replies kept longer than KEPT_FOR (a reply may hold a one-time password)."""
    async with db.unit_of_work() as session:
        result = await session.exec(  # type: ignore[call-overload]
            delete(IdempotentReply).where(col(IdempotentReply.created_at) < utcnow() - KEPT_FOR)
        )
    return int(result.rowcount or 0)


async def forget_expired_forever(db: Database, every: float = FORGET_EVERY_SECONDS) -> None:
    """The worker's sweep: `forget_expired` every `every` seconds until cancelled."""
    while True:
        try:
            await forget_expired(db)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("forgetting expired idempotent replies failed; retrying", exc_info=True)
        await asyncio.sleep(every)


def key_reused() -> InvalidArgument:
    return InvalidArgument(
        "this Idempotency-Key was used with a different request", reason="IDEMPOTENCY_KEY_REUSED"
    )


def _key_of(metadata: Any) -> str:
    for name, value in metadata or ():
        if name == METADATA_KEY and isinstance(value, str):
            return value[:MAX_KEY_LENGTH]
    return ""


class IdempotentCalls:
    """A layer (`kit.grpc_server.Wrap`) around each unary method: a call that carries an
    idempotency key runs once per (caller, key); one without runs as it is."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def wrap(self, method: str, handler: Any) -> Any:
        if handler.unary_unary is None:
            return handler
        unary, serialize = handler.unary_unary, handler.response_serializer

        async def keyed(request: Message, context: grpc.aio.ServicerContext) -> Message | bytes:
            key = _key_of(context.invocation_metadata())
            if not key:
                return await unary(request, context)
            return await self.once(method, key, request, lambda: unary(request, context))

        return grpc.unary_unary_rpc_method_handler(
            keyed,
            request_deserializer=handler.request_deserializer,
            # a stored reply is sent as it was stored
            response_serializer=lambda reply: (
                reply if isinstance(reply, bytes) else serialize(reply)
            ),
        )

    async def once(
        self, method: str, key: str, request: Message, call: Callable[[], Awaitable[Message]]
    ) -> Message | bytes:
        caller = require_principal().actor_id
        fingerprint = hashlib.sha256(
            method.encode() + b"\0" + request.SerializeToString(deterministic=True)
        ).hexdigest()
        stored = await self._stored(caller, key)
        if stored is not None:
            return self._replay(stored, fingerprint)
        try:
            async with self.db.one_transaction() as session:
                reply = await call()
                await session.merge(  # over a row older than KEPT_FOR, if any
                    IdempotentReply(
                        caller_id=caller,
                        key=key,
                        fingerprint=fingerprint,
                        reply=reply.SerializeToString(),
                        created_at=utcnow(),
                    )
                )
        except IntegrityError:  # the same key, in another call that committed first
            stored = await self._stored(caller, key)
            if stored is None:
                raise
            return self._replay(stored, fingerprint)
        return reply

    async def _stored(self, caller: str, key: str) -> IdempotentReply | None:
        async with self.db.read_only() as session:
            stored = await session.get(IdempotentReply, (caller, key))
        if stored is None or aware(stored.created_at) < utcnow() - KEPT_FOR:
            return None
        return stored

    @staticmethod
    def _replay(stored: IdempotentReply, fingerprint: str) -> bytes:
        if stored.fingerprint != fingerprint:
            raise key_reused()
        return stored.reply
