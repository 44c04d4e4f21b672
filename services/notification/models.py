"""Notification's tables: one message per (source, recipient) — phone encrypted, with a blind
index and a masked form —, the queue of messages waiting for a try, the provider's parts of
each, receipts that came before their submit was recorded, broadcasts, and the replies cadres
sent.

A message's status changes three times or more while it is sent, so no index covers a column
that changes (status, times, attempts): PostgreSQL then updates the row in place on its page
(a "HOT" update, no index entries written; the table leaves room on each page for it). What
the dispatcher must find by time lives in the narrow `message_queue`, and what a number was
sent, and what still awaits a receipt, in the insert-once `message_parts`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

FILLFACTOR = 70  # room on each page of messages for its rows' next versions
UNSETTLED_PART = "state = ''"


def _at(nullable: bool = False) -> Column:
    return Column(DateTime(timezone=True), nullable=nullable)


class Message(SQLModel, table=True):
    __tablename__ = "messages"
    __table_args__ = (
        # A redelivered event or a relay duplicate never texts anybody twice.
        UniqueConstraint("source_id", "user_id", name="uq_messages_source_user"),
        Index("ix_messages_phone_created", "phone_index", "created_at"),  # replies
        Index("ix_messages_region", "region_code"),
        Index("ix_messages_broadcast", "broadcast_id"),
        {"postgresql_with": {"fillfactor": FILLFACTOR}},
    )
    id: str = Field(primary_key=True)
    source_id: str
    user_id: str  # empty for an answer to an unknown number
    phone_cipher: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    phone_index: bytes = Field(sa_column=Column(LargeBinary(16), nullable=False))
    phone_masked: str
    region_code: str = Field(sa_column=Column(String(12), nullable=False))
    template: str
    text: str = Field(sa_column=Column(Text, nullable=False))
    template_params: str = Field(default="{}", sa_column=Column(Text, nullable=False))  # JSON
    urgent: bool = False
    status: str
    attempts: int = 0
    next_attempt_at: datetime | None = Field(default=None, sa_column=_at(nullable=True))  # shown
    provider_ids: str = ""  # space-separated, one per part
    error: str = ""
    broadcast_id: str | None = None
    short_code: str | None = None  # quoted in a reply to say which message it answers
    reply_reference: str = ""  # what a reply is about, e.g. "task:42"
    trace_headers: str = "{}"  # the trace of the event that caused it, continued at submit
    created_at: datetime = Field(sa_column=_at())
    updated_at: datetime = Field(sa_column=_at())
    submitted_at: datetime | None = Field(default=None, sa_column=_at(nullable=True))


class QueuedMessage(SQLModel, table=True):
    """A message waiting for its next try (queued, held, or leased to a dispatcher for a
    while); its row goes when the message is submitted or fails for good. A text of several
    parts keeps here the reference its parts carry and the parts the provider took already."""

    __tablename__ = "message_queue"
    __table_args__ = (Index("ix_message_queue_due", "urgent", "due_at"),)
    message_id: str = Field(primary_key=True)
    urgent: bool = False
    due_at: datetime = Field(sa_column=_at())
    reference: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    accepted: str = Field(  # provider ids, space-separated, in the parts' order
        default="", sa_column=Column(Text, nullable=False, server_default="")
    )


class ConcatenationCounter(SQLModel, table=True):
    """The last concatenation reference drawn for a number: the next long text to it takes
    the next one, so the 256 last long texts to a phone never share one."""

    __tablename__ = "concatenation_counters"
    phone_index: bytes = Field(sa_column=Column(LargeBinary(16), primary_key=True))
    last: int = 0


class MessagePart(SQLModel, table=True):
    """One part of a message as the provider knows it, with its receipt's state."""

    __tablename__ = "message_parts"
    __table_args__ = (
        Index("ix_message_parts_phone_submitted", "phone_index", "submitted_at"),  # daily cap
        # Parts still waiting for their receipt, oldest first (they expire).
        Index(
            "ix_message_parts_unsettled",
            "submitted_at",
            postgresql_where=text(UNSETTLED_PART),
            sqlite_where=text(UNSETTLED_PART),
        ),
    )
    provider_id: str = Field(primary_key=True)
    message_id: str
    parts: int = 1  # how many the message has: a receipt settles a message of one by itself
    state: str = ""  # delivered | failed | expired; empty until its receipt comes
    phone_index: bytes = Field(sa_column=Column(LargeBinary(16), nullable=False))
    submitted_at: datetime = Field(sa_column=_at())


class PendingReceipt(SQLModel, table=True):
    """A receipt that came before its submit was recorded; applied on the next pass."""

    __tablename__ = "pending_receipts"
    id: int | None = Field(default=None, primary_key=True)
    provider_id: str = Field(index=True)
    state: str
    error: str = ""
    received_at: datetime = Field(sa_column=_at())


class Broadcast(SQLModel, table=True):
    """A notice to every holder of a role in a subtree (上传下达)."""

    __tablename__ = "broadcasts"
    id: str = Field(primary_key=True)
    role: str
    region_code: str = Field(sa_column=Column(String(12), nullable=False, index=True))
    template: str
    text: str = Field(sa_column=Column(Text, nullable=False))
    variables: str = "{}"  # JSON
    urgent: bool = False
    resolved: bool = False  # its recipients are looked up and their messages queued
    recipients: int = 0
    created_by: str
    created_at: datetime = Field(sa_column=_at())


class ReplyRecord(SQLModel, table=True):
    """A mobile-originated message, what it was read as, and what came of it."""

    __tablename__ = "replies"
    id: str = Field(primary_key=True)  # derived from phone, text and time: redelivery is one
    phone_cipher: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    phone_index: bytes = Field(sa_column=Column(LargeBinary(16), nullable=False, index=True))
    phone_masked: str
    text: str = Field(sa_column=Column(Text, nullable=False))
    user_id: str = ""
    command: str = ""
    short_code: str = ""
    message_id: str = ""
    outcome: str  # accepted | unknown_sender | unrecognised | unmatched
    received_at: datetime = Field(sa_column=_at())
