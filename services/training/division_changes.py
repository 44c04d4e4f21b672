"""Training's records follow a division change: its region columns by kit.division_changes,
and each course's list of the regions it is open to here."""

from __future__ import annotations

from sqlalchemy import Text, cast
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from jingzhun.identity.v1 import events_pb2 as identity_events
from kit.division_changes import division_change_handler, region_columns
from kit.territory import recode
from services.training import models
from services.training.models import Course


async def recode_course_regions(
    session: AsyncSession,
    change: identity_events.DivisionChanged,
    old_prefix: str,
    new_prefix: str,
) -> None:
    """The courses open to a region of the moved subtree are open to its new code."""
    listed = cast(col(Course.region_codes), Text).contains(f'"{old_prefix}')
    for course in (await session.exec(select(Course).where(listed))).all():
        course.region_codes = [
            recode(code, old_prefix, new_prefix) if code.startswith(old_prefix) else code
            for code in course.region_codes
        ]
        session.add(course)


on_division_changed = division_change_handler(region_columns(models), recode_course_regions)
