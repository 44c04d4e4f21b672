"""The income rule of return-to-poverty monitoring: when a household's latest year of net income
(纯收入), per person, falls under the monitoring line, the registry publishes
registry.household.at_risk (assistance raises the alert). Corrections of earlier years raise
nothing. Net income, as the national standard derives it: 工资性 + 生产经营性 + 财产性 + 转移性
收入 − 生产经营性支出; 转移性收入 is the sum of its items when they are given."""

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
GROSS_SOURCES = ("wage", "production", "property", "transfer")  # 工资性, 生产经营性, 财产性, 转移性
EXPENSE = "production_expense"  # 生产经营性支出
# 转移性收入's items: 低保金, 特困供养金, 养老金, 生态补偿金, 其他
TRANSFER_ITEMS = (
    "transfer_subsistence",
    "transfer_destitute",
    "transfer_pension",
    "transfer_ecological",
    "transfer_other",
)
INCOME_SOURCES = (*GROSS_SOURCES, EXPENSE, *TRANSFER_ITEMS)


def net_income(by_source: dict[str, int]) -> int:
    """纯收入 of one year's figures (yuan; negative when the expenses exceed the income)."""
    return sum(by_source.get(s, 0) for s in GROSS_SOURCES) - by_source.get(EXPENSE, 0)


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
