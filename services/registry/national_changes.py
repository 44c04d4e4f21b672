"""Changes for the national system (全国扶贫开发信息系统): the households of a scope changed
since an instant — created, edited or moved through the lifecycle — with what changed, oldest
change first, so the information officer can re-enter them (seed 001: 及时更新录入)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import and_, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.errors import InvalidArgument
from kit.scope import Scope
from services.registry.models import HistoryEntry, Household
from services.registry.repository import scoped

KINDS = ("created", "changed", "transitioned")  # a reveal or a recoding is not a change to enter


@dataclass(frozen=True)
class HouseholdChange:
    household_id: str
    number: str
    village_code: str
    changed_at: datetime
    kinds: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)

    @property
    def cursor(self) -> str:
        at = self.changed_at if self.changed_at.tzinfo else self.changed_at.replace(tzinfo=UTC)
        return f"{at.isoformat()}|{self.household_id}"


def after_cursor(cursor: str | None) -> tuple[datetime, str] | None:
    if cursor is None:
        return None
    at, _, household_id = cursor.partition("|")
    try:
        instant = datetime.fromisoformat(at)
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None:
        raise InvalidArgument("page_token is not valid", reason="INVALID_PAGE_TOKEN")
    return instant, household_id


async def changed_households(
    session: AsyncSession, scope: Scope, since: datetime, after: str | None, limit: int
) -> list[HouseholdChange]:
    """One keyset page (by the latest change, then id) of the scope's changed households."""
    statement = select(Household).where(scoped(scope), col(Household.updated_at) >= since)
    position = after_cursor(after)
    if position is not None:
        at, household_id = position
        statement = statement.where(
            or_(
                col(Household.updated_at) > at,
                and_(col(Household.updated_at) == at, col(Household.id) > household_id),
            )
        )
    statement = statement.order_by(col(Household.updated_at), col(Household.id)).limit(limit)
    households = (await session.exec(statement)).all()
    entries = await _entries_since(session, [h.id for h in households], since)
    return [
        HouseholdChange(
            household_id=h.id,
            number=h.number,
            village_code=h.village_code,
            changed_at=h.updated_at,
            kinds=sorted({e.kind for e in entries if e.household_id == h.id}),
            fields=sorted({e.field for e in entries if e.household_id == h.id and e.field}),
        )
        for h in households
    ]


async def _entries_since(
    session: AsyncSession, household_ids: list[str], since: datetime
) -> Sequence[HistoryEntry]:
    if not household_ids:
        return []
    statement = select(HistoryEntry).where(
        col(HistoryEntry.household_id).in_(household_ids),
        col(HistoryEntry.at) >= since,
        col(HistoryEntry.kind).in_(KINDS),
    )
    return (await session.exec(statement)).all()
