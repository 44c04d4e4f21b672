"""Every SQL statement of return-to-poverty alerts. Functions take the caller's session and
never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.db import in_scope
from kit.scope import Scope
from services.assistance.models import Alert, AlertStep

OPEN_STATUSES = ("raised", "verified", "reviewed")


async def get_alert(session: AsyncSession, alert_id: str) -> Alert | None:
    return await session.get(Alert, alert_id)


async def open_alert_of(session: AsyncSession, household_id: str) -> Alert | None:
    """The household's alert still being handled (raised, verified or reviewed), if any."""
    statement = select(Alert).where(
        col(Alert.household_id) == household_id,
        col(Alert.status).in_(OPEN_STATUSES),
    )
    return (await session.exec(statement.limit(1))).first()


async def steps_of(session: AsyncSession, alert_ids: Sequence[str]) -> dict[str, list[AlertStep]]:
    found: dict[str, list[AlertStep]] = {alert_id: [] for alert_id in alert_ids}
    if alert_ids:
        statement = (
            select(AlertStep)
            .where(col(AlertStep.alert_id).in_(alert_ids))
            .order_by(col(AlertStep.alert_id), col(AlertStep.seq))
        )
        for step in (await session.exec(statement)).all():
            found[step.alert_id].append(step)
    return found


async def move_alert(
    session: AsyncSession, alert_id: str, version: int, values: dict[str, Any]
) -> bool:
    """Apply `values` (and the next version) only if the alert is still at `version`: whoever
    changed it first wins."""
    statement = (
        update(Alert)
        .where(col(Alert.id) == alert_id, col(Alert.version) == version)
        .values(**values, version=version + 1)
        .execution_options(synchronize_session=False)  # the caller refreshes what it holds
    )
    result = await session.exec(statement)  # type: ignore[call-overload]
    return bool(result.rowcount == 1)


async def list_alerts(
    session: AsyncSession, scope: Scope, status: str | None, *, after_id: str | None, limit: int
) -> Sequence[Alert]:
    """Alerts about households in the caller's scope (a helper: of their pairings)."""
    in_view = in_scope(scope, col(Alert.village_code), col(Alert.household_id))
    statement = select(Alert).where(in_view)
    if status is not None:
        statement = statement.where(col(Alert.status) == status)
    if after_id is not None:
        statement = statement.where(col(Alert.id) > after_id)
    return (await session.exec(statement.order_by(col(Alert.id)).limit(limit))).all()


async def count_alerts(
    session: AsyncSession, scope: Scope, now: datetime
) -> tuple[dict[str, int], int]:
    """Alerts in the scope by status, and those raised past their verification deadline."""
    overdue = and_(col(Alert.status) == "raised", col(Alert.verify_due_at) <= now)
    statement = (
        select(col(Alert.status), func.count(), func.count().filter(overdue))
        .where(in_scope(scope, col(Alert.village_code), col(Alert.household_id)))
        .group_by(col(Alert.status))
    )
    rows = (await session.exec(statement)).all()
    return {status: int(n) for status, n, _ in rows}, sum(int(late) for _, _, late in rows)
