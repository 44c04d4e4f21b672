"""Every SQL statement about attachments: one by id, and a subject's, oldest first. Functions
never commit."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.assistance.models import Attachment

SUBJECT_LIMIT = 200  # attachments one subject may have


async def get_attachment(session: AsyncSession, attachment_id: str) -> Attachment | None:
    return await session.get(Attachment, attachment_id)


async def count_of_subject(session: AsyncSession, subject_kind: str, subject_id: str) -> int:
    statement = select(func.count()).where(
        col(Attachment.subject_kind) == subject_kind, col(Attachment.subject_id) == subject_id
    )
    return int((await session.exec(statement)).one())


async def subject_attachments(
    session: AsyncSession, subject_kind: str, subject_id: str
) -> Sequence[Attachment]:
    statement = (
        select(Attachment)
        .where(
            col(Attachment.subject_kind) == subject_kind, col(Attachment.subject_id) == subject_id
        )
        .order_by(col(Attachment.created_at), col(Attachment.id))
        .limit(SUBJECT_LIMIT)
    )
    return (await session.exec(statement)).all()
