"""Benefits to households from poverty-alleviation projects (带贫益贫), as the projects service
records them (`projects.benefit.recorded`). Each becomes a policy benefit of the household
(department 扶贫项目; a project's benefit is yearly, so it is kept in the year's last quarter,
when dividends and rents are settled) and part of that year's incomes — a dividend or a land
rent is property income (财产性), a project job's pay wage income (工资性), a share of a project's
produce production income (生产经营性) — so the per-capita income, the income rule and the
assessment count it. Amounts arrive in fen; the registry keeps whole yuan, rounded half up.

Idempotent: a redelivered event is skipped by the inbox; the same benefit recorded again (a
higher version) replaces its amount and moves the incomes by the difference only; an older
version arriving late changes nothing (`source_version`, registry migration 0015)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlmodel.ext.asyncio.session import AsyncSession

from jingzhun.projects.v1 import progress_events_pb2 as events
from kit.clock import utcnow
from services.registry import repository as repo
from services.registry.edits import record_changes
from services.registry.livelihood_service import apply_incomes
from services.registry.models import Benefit

BENEFIT_RECORDED = "projects.benefit.recorded"
DEPARTMENT = "扶贫项目"
YEAR_QUARTER = 4
PROGRAM_LENGTH = 40
INCOME_SOURCE = {
    "dividend": "property",
    "land_rent": "property",
    "job": "wage",
    "income": "production",
}
KIND_LABEL = {"dividend": "分红", "land_rent": "土地流转租金", "job": "务工", "income": "产业收益"}


def yuan_of(amount_fen: int) -> int:
    return (amount_fen + 50) // 100


def benefit_id_of(event: events.BenefitRecorded) -> str:
    return f"project-{event.benefit_id}"


def program_of(event: events.BenefitRecorded, taken: bool) -> str:
    """The project's name and the kind of benefit; when another project of the same name holds
    that key already, the project's id tells them apart."""
    label = f"（{KIND_LABEL.get(event.kind, event.kind)}）"
    suffix = f"#{event.project_id[:8]}" if taken else ""
    return event.project_name[: PROGRAM_LENGTH - len(label) - len(suffix)] + suffix + label


async def _row_for(session: AsyncSession, event: events.BenefitRecorded) -> Benefit:
    existing = await session.get(Benefit, benefit_id_of(event))
    if existing is not None:
        return existing
    key = (event.household_id, event.year, YEAR_QUARTER, DEPARTMENT)
    taken = await repo.benefit_with_key(session, *key, program_of(event, False)) is not None
    return Benefit(
        id=benefit_id_of(event),
        household_id=event.household_id,
        year=event.year,
        quarter=YEAR_QUARTER,
        department=DEPARTMENT,
        program=program_of(event, taken),
        amount=0,
        recorded_by=event.actor_id,
        recorded_at=utcnow(),
        source=f"project:{event.project_id}",
    )


def project_benefit_handler(
    monitoring_line: int,
) -> Callable[[AsyncSession, str, bytes, dict[str, str]], Awaitable[None]]:
    async def on_benefit_recorded(
        session: AsyncSession, subject: str, payload: bytes, headers: dict[str, str]
    ) -> None:
        event = events.BenefitRecorded.FromString(payload)
        household = await repo.get_household(session, event.household_id, for_update=True)
        source = INCOME_SOURCE.get(event.kind)
        if household is None or source is None:  # removed since, or a kind not known here
            return
        row = await _row_for(session, event)
        if row.source_version >= event.version:
            return  # this version, or a later one, is applied already
        old, new = row.amount, yuan_of(event.amount_fen)
        before = {"program": row.program, "amount": old} if row.source_version else None
        row.amount, row.source_version = new, event.version
        row.recorded_by, row.recorded_at = event.actor_id, utcnow()
        session.add(row)
        actor_id = f"project:{event.project_id}"
        record_changes(
            session,
            household,
            actor_id,
            [("benefits", before, {"program": row.program, "amount": new})],
        )
        incomes = (await repo.incomes_of(session, [household.id]))[household.id]
        by_source = {i.source: i.amount for i in incomes if i.year == event.year}
        by_source[source] = max(by_source.get(source, 0) + new - old, 0)
        reason = f"扶贫项目带贫益贫：{row.program}"
        await apply_incomes(
            session,
            household,
            event.year,
            by_source,
            actor_id,
            reason,
            monitoring_line=monitoring_line,
        )

    return on_benefit_recorded
