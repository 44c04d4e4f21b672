"""Notification's tables: one message per (source, recipient) — phone encrypted, with a blind
index and a masked form — the provider's parts of each, receipts that came before their
submit was recorded, broadcasts, and the replies cadres sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Index, LargeBinary, String, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def _at(nullable: bool = False) -> Column:
    return Column(DateTime(timezone=True), nullable=nullable)


class Message(SQLModel, table=True):
    __tablename__ = "messages"
    __table_args__ = (
        # A redelivered event or a relay duplicate never texts anybody twice.
        UniqueConstraint("source_id", "user_id", name="uq_messages_source_user"),
        # The dispatcher's pick: due messages, urgent ones first.
        # (Only rows with a next attempt: a submitted or settled message leaves no entry.)
        Index(
            "ix_messages_due",
            "urgent",
            "next_attempt_at",
            postgresql_where=text("next_attempt_at IS NOT NULL"),
            sqlite_where=text("next_attempt_at IS NOT NULL"),
        ),
        Index("ix_messages_status_submitted", "status", "submitted_at"),
        Index("ix_messages_phone_submitted", "phone_index", "submitted_at"),
        Index("ix_messages_region_status", "region_code", "status"),
        Index("ix_messages_broadcast_status", "broadcast_id", "status"),
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
    next_attempt_at: datetime | None = Field(default=None, sa_column=_at(nullable=True))
    provider_ids: str = ""  # space-separated, one per part
    error: str = ""
    broadcast_id: str | None = None
    short_code: str | None = None  # quoted in a reply to say which message it answers
    reply_reference: str = ""  # what a reply is about, e.g. "task:42"
    trace_headers: str = "{}"  # the trace of the event that caused it, continued at submit
    created_at: datetime = Field(sa_column=_at())
    updated_at: datetime = Field(sa_column=_at())
    submitted_at: datetime | None = Field(default=None, sa_column=_at(nullable=True))


class MessagePart(SQLModel, table=True):
    """One part of a message as the provider knows it, with its receipt's state."""

    __tablename__ = "message_parts"
    provider_id: str = Field(primary_key=True)
    message_id: str = Field(index=True)
    parts: int = 1  # how many the message has: a receipt settles a message of one by itself
    state: str = ""  # delivered | failed | expired; empty until its receipt comes


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
