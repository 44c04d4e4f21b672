"""Public notice (公示), one mechanism for every service: a notice of a subject (a leader
candidate, a household proposed for identification or exit, a project ...) shows only public
fields for a period; anyone may lodge an objection while it runs, without logging in (the
contact they leave is encrypted and shown masked); the responsible level resolves each
objection; the subject may proceed only once the period has ended and no objection is open.

The tables are defined here once and live in each service's own database
(`create_public_notice_tables` inside a service's Alembic revision). Functions take the
caller's session and never commit; every move of a notice is one conditional update, so
concurrent objections, resolutions and decisions (however many replicas) never lose a count
or act twice."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy import JSON, Column, DateTime, Index, LargeBinary, String, Text, update
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.checks import required_text
from kit.clock import aware
from kit.db import in_subtree
from kit.errors import FailedPrecondition, NotFound
from kit.id_numbers import mask_mobile, normalize_mobile
from kit.protection import FieldProtector

CONTACT_FIELD = "objection.contact"  # the field of the contact's encryption key
MAX_OBJECTION_LENGTH = 2000
PUBLIC = "public"  # the actor of an objection: anyone
MIN_NOTICE_DAYS = 5.0  # the documents' shortest public notice


class NoticeState(StrEnum):
    RUNNING = "running"  # published; objections accepted until ends_at
    ENDED = "ended"  # the period is over (closed by a scheduler or by whoever acts first)
    DECIDED = "decided"  # the responsible level decided on the subject


class PublicNotice(SQLModel, table=True):
    """A subject in public notice: its public fields only (never an identity number, a phone,
    bank or health data), its period and how many objections are still open."""

    __tablename__ = "public_notices"
    __table_args__ = (
        Index("ix_public_notices_kind_region", "kind", "region_code", "ends_at"),
        Index("ix_public_notices_subject", "kind", "subject_id"),
        Index("ix_public_notices_state_ends", "state", "ends_at"),  # the scheduler's look
    )
    id: str = Field(primary_key=True)
    kind: str
    subject_id: str
    region_code: str = Field(sa_column=Column(String(12), nullable=False))
    region_name: str = ""
    title: str  # what the notice is of: a name
    fields: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    state: str = NoticeState.RUNNING
    starts_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    ends_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    open_objections: int = 0
    published_by: str
    decided_by: str = ""
    decision: str = Field(default="", sa_column=Column(Text, nullable=False))
    version: int = 1


class NoticeObjection(SQLModel, table=True):
    """An objection anyone lodged during a notice, and the responsible level's finding."""

    __tablename__ = "public_notice_objections"
    id: str = Field(primary_key=True)
    notice_id: str = Field(foreign_key="public_notices.id", index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    contact_cipher: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    contact_masked: str = ""
    status: str = "open"
    upheld: bool = False
    resolution: str = Field(default="", sa_column=Column(Text, nullable=False))
    resolved_by: str = ""
    lodged_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    resolved_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


def create_public_notice_tables() -> None:
    """Inside an Alembic revision's upgrade(): the notice tables of a service."""
    from alembic import op

    op.create_table(
        "public_notices",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("subject_id", sa.String(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("region_name", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("open_objections", sa.Integer(), nullable=False),
        sa.Column("published_by", sa.String(), nullable=False),
        sa.Column("decided_by", sa.String(), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index(
        "ix_public_notices_kind_region", "public_notices", ["kind", "region_code", "ends_at"]
    )
    op.create_index("ix_public_notices_subject", "public_notices", ["kind", "subject_id"])
    op.create_index("ix_public_notices_state_ends", "public_notices", ["state", "ends_at"])
    op.create_table(
        "public_notice_objections",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("notice_id", sa.String(), sa.ForeignKey("public_notices.id"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("contact_cipher", sa.LargeBinary(), nullable=True),
        sa.Column("contact_masked", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("upheld", sa.Boolean(), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.Column("resolved_by", sa.String(), nullable=False),
        sa.Column("lodged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index(
        "ix_public_notice_objections_notice_id", "public_notice_objections", ["notice_id"]
    )


def drop_public_notice_tables() -> None:
    """Inside an Alembic revision's downgrade()."""
    from alembic import op

    op.drop_table("public_notice_objections")
    op.drop_table("public_notices")


def notice_not_found() -> NotFound:
    return NotFound("notice not found", reason="NOTICE_NOT_FOUND")


def is_running(notice: PublicNotice, now: datetime) -> bool:
    return notice.state == NoticeState.RUNNING and aware(notice.ends_at) > now


def state_at(notice: PublicNotice, now: datetime) -> NoticeState:
    """The notice's state as a reader sees it now (a period over is ended, closed or not)."""
    if notice.state == NoticeState.RUNNING and aware(notice.ends_at) <= now:
        return NoticeState.ENDED
    return NoticeState(notice.state)


def require_may_proceed(notice: PublicNotice, now: datetime) -> None:
    """May the subject proceed? Only once the period has ended and no objection is open."""
    if notice.state == NoticeState.DECIDED:
        raise FailedPrecondition("the notice is decided already", reason="NOTICE_DECIDED")
    if aware(notice.ends_at) > now:
        raise FailedPrecondition(
            "the public notice has not ended yet: the decision comes after it",
            reason="NOTICE_NOT_ENDED",
        )
    if notice.open_objections:
        raise FailedPrecondition(
            f"{notice.open_objections} objection(s) are still open: they are resolved first",
            reason="OBJECTIONS_OPEN",
        )


async def publish(
    session: AsyncSession,
    *,
    kind: str,
    subject_id: str,
    region_code: str,
    region_name: str,
    title: str,
    fields: dict[str, Any],
    period: timedelta,
    actor_id: str,
    now: datetime,
) -> PublicNotice:
    """A new notice of a subject, running from now for `period`."""
    notice = PublicNotice(
        id=uuid.uuid4().hex,
        kind=kind,
        subject_id=subject_id,
        region_code=region_code,
        region_name=region_name,
        title=title,
        fields=fields,
        starts_at=now,
        ends_at=now + period,
        published_by=actor_id,
    )
    session.add(notice)
    return notice


async def get(session: AsyncSession, notice_id: str, kinds: Sequence[str]) -> PublicNotice | None:
    notice = await session.get(PublicNotice, notice_id)
    return notice if notice is not None and notice.kind in kinds else None


async def undecided_of(session: AsyncSession, kind: str, subject_id: str) -> PublicNotice | None:
    """The subject's notice of that kind not decided yet, if any (one at a time)."""
    statement = select(PublicNotice).where(
        col(PublicNotice.kind) == kind,
        col(PublicNotice.subject_id) == subject_id,
        col(PublicNotice.state) != NoticeState.DECIDED,
    )
    return (await session.exec(statement)).first()


async def latest_of(
    session: AsyncSession, kind: str, subject_ids: Sequence[str]
) -> dict[str, PublicNotice]:
    """Each subject's latest notice of that kind."""
    found: dict[str, PublicNotice] = {}
    if subject_ids:
        statement = (
            select(PublicNotice)
            .where(col(PublicNotice.kind) == kind, col(PublicNotice.subject_id).in_(subject_ids))
            .order_by(col(PublicNotice.starts_at))
        )
        for notice in (await session.exec(statement)).all():
            found[notice.subject_id] = notice
    return found


async def listed(
    session: AsyncSession,
    kinds: Sequence[str],
    region_code: str | None,
    *,
    running_at: datetime | None = None,
    after_id: str | None,
    limit: int,
) -> Sequence[PublicNotice]:
    """Notices of these kinds in a region (None: everywhere); `running_at`: only those running
    then (what the public sees)."""
    statement = select(PublicNotice).where(col(PublicNotice.kind).in_(kinds))
    if running_at is not None:
        statement = statement.where(
            col(PublicNotice.state) == NoticeState.RUNNING, col(PublicNotice.ends_at) > running_at
        )
    if region_code is not None:
        statement = statement.where(in_subtree(col(PublicNotice.region_code), region_code))
    if after_id is not None:
        statement = statement.where(col(PublicNotice.id) > after_id)
    return (await session.exec(statement.order_by(col(PublicNotice.id)).limit(limit))).all()


async def objections_of(
    session: AsyncSession, notice_ids: Sequence[str]
) -> dict[str, list[NoticeObjection]]:
    found: dict[str, list[NoticeObjection]] = {notice_id: [] for notice_id in notice_ids}
    if notice_ids:
        statement = (
            select(NoticeObjection)
            .where(col(NoticeObjection.notice_id).in_(notice_ids))
            .order_by(col(NoticeObjection.lodged_at), col(NoticeObjection.id))
        )
        for objection in (await session.exec(statement)).all():
            found[objection.notice_id].append(objection)
    return found


async def _move(
    session: AsyncSession, notice: PublicNotice, values: dict[str, Any], *conditions: Any
) -> bool:
    """Apply `values` (and the next version) if `conditions` still hold; refresh the notice."""
    statement = (
        update(PublicNotice)
        .where(col(PublicNotice.id) == notice.id, *conditions)
        .values(**values, version=PublicNotice.version + 1)  # type: ignore[operator]
        .execution_options(synchronize_session=False)
    )
    result = await session.exec(statement)  # type: ignore[call-overload]
    await session.refresh(notice)
    return bool(result.rowcount == 1)


def not_running() -> FailedPrecondition:
    return FailedPrecondition(
        "this notice is not running: objections are closed", reason="NOTICE_NOT_RUNNING"
    )


async def lodge(
    session: AsyncSession,
    protector: FieldProtector,
    notice: PublicNotice,
    text: str,
    contact: str,
    now: datetime,
) -> NoticeObjection:
    """Anyone's objection, only while the notice runs (objections arriving together each add
    to the count)."""
    body = required_text(text, "text", MAX_OBJECTION_LENGTH)
    phone = normalize_mobile(contact, field="contact") if contact.strip() else ""
    if not is_running(notice, now):
        raise not_running()
    running = (
        col(PublicNotice.state) == NoticeState.RUNNING,
        col(PublicNotice.ends_at) > now,
    )
    values = {"open_objections": PublicNotice.open_objections + 1}
    if not await _move(session, notice, values, *running):  # it closed meanwhile
        raise not_running()
    objection = NoticeObjection(
        id=uuid.uuid4().hex,
        notice_id=notice.id,
        text=body,
        contact_cipher=protector.encrypt(phone, CONTACT_FIELD) if phone else None,
        contact_masked=mask_mobile(phone) if phone else "",
        lodged_at=now,
    )
    session.add(objection)
    return objection


async def resolve(
    session: AsyncSession,
    notice: PublicNotice,
    objection_id: str,
    upheld: bool,
    note: str,
    actor_id: str,
    now: datetime,
) -> NoticeObjection:
    """The responsible level's finding on an open objection (during the notice or after)."""
    resolution = required_text(note, "resolution")
    objection = await session.get(NoticeObjection, objection_id)
    if objection is None or objection.notice_id != notice.id:
        raise NotFound("objection not found", reason="OBJECTION_NOT_FOUND")
    if objection.status != "open":
        raise FailedPrecondition("the objection is resolved already", reason="OBJECTION_RESOLVED")
    claimed = await session.exec(  # type: ignore[call-overload]
        update(NoticeObjection)
        .where(col(NoticeObjection.id) == objection.id, col(NoticeObjection.status) == "open")
        .values(
            status="resolved",
            upheld=upheld,
            resolution=resolution,
            resolved_by=actor_id,
            resolved_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise FailedPrecondition("the objection is resolved already", reason="OBJECTION_RESOLVED")
    await _move(session, notice, {"open_objections": PublicNotice.open_objections - 1})
    await session.refresh(objection)
    return objection


async def close_if_ended(session: AsyncSession, notice: PublicNotice, now: datetime) -> bool:
    """Mark a running notice whose period is over as ended: exactly once, whoever is first."""
    if notice.state != NoticeState.RUNNING or aware(notice.ends_at) > now:
        return False
    return await _move(
        session,
        notice,
        {"state": NoticeState.ENDED.value},
        col(PublicNotice.state) == NoticeState.RUNNING,
        col(PublicNotice.ends_at) <= now,
    )


async def ended_running(
    session: AsyncSession, kinds: Sequence[str], now: datetime, limit: int
) -> Sequence[PublicNotice]:
    """Running notices whose period is over (for a scheduler to close)."""
    statement = (
        select(PublicNotice)
        .where(
            col(PublicNotice.kind).in_(kinds),
            col(PublicNotice.state) == NoticeState.RUNNING,
            col(PublicNotice.ends_at) <= now,
        )
        .order_by(col(PublicNotice.ends_at))
        .limit(limit)
    )
    return (await session.exec(statement)).all()


async def decide(
    session: AsyncSession, notice: PublicNotice, decision: str, actor_id: str, now: datetime
) -> None:
    """Record the responsible level's decision; only if the subject may proceed, once."""
    await close_if_ended(session, notice, now)
    require_may_proceed(notice, now)
    decided = await _move(
        session,
        notice,
        {"state": NoticeState.DECIDED.value, "decided_by": actor_id, "decision": decision},
        col(PublicNotice.state) == NoticeState.ENDED,
        col(PublicNotice.open_objections) == 0,
        col(PublicNotice.version) == notice.version,
    )
    if not decided:
        raise FailedPrecondition("the notice changed meanwhile; read it again", reason="CONFLICT")
