"""The income rule of return-to-poverty monitoring: when a household's latest year of net income
(纯收入), per person, falls under the monitoring line, the registry publishes
registry.household.at_risk (assistance raises the alert). Corrections of earlier years raise
nothing. Net income and its share per person: services/registry/net_income.py."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel.ext.asyncio.session import AsyncSession

from jingzhun.registry.v1 import events_pb2
from kit.clock import utcnow
from kit.outbox import enqueue
from kit.paging import stamp
from services.registry import repository as repo
from services.registry.models import Household

HOUSEHOLD_AT_RISK = "registry.household.at_risk"


async def check_income(
    session: AsyncSession,
    household: Household,
    year: int,
    total: int,
    *,
    years: Iterable[int],
    line: int,
    actor_id: str,
) -> None:
    """Publish the household at risk if `year`, its latest year of income (`years`: those it
    has incomes of, as the caller read them), is under `line`."""
    if any(other > year for other in years):
        return
    people = max(len((await repo.members_of(session, [household.id]))[household.id]), 1)
    per_capita = total // people
    if per_capita >= line:
        return
    event = events_pb2.HouseholdAtRisk(
        household_id=household.id,
        village_code=household.village_code,
        year=year,
        per_capita_income=per_capita,
        monitoring_line=line,
        actor_id=actor_id,
        at=stamp(utcnow()),
    )
    enqueue(
        session,
        HOUSEHOLD_AT_RISK,
        event,
        msg_id=f"{household.id}-{household.version}-{HOUSEHOLD_AT_RISK}",
    )
