"""Every SQL statement about the handbook: plans by household and year, measures with their
progress, and a household's ledger of a year. Functions never commit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.assistance.models import LedgerEntry, Measure, MeasureProgress, Plan


async def plan_of(session: AsyncSession, household_id: str, year: int) -> Plan | None:
    statement = select(Plan).where(Plan.household_id == household_id, Plan.year == year)
    return (await session.exec(statement)).first()


async def plans_of(session: AsyncSession, household_ids: Sequence[str], year: int) -> list[Plan]:
    statement = select(Plan).where(col(Plan.household_id).in_(household_ids), Plan.year == year)
    return list((await session.exec(statement)).all())


async def measures_of(
    session: AsyncSession, plan_ids: Sequence[str]
) -> dict[str, list[tuple[Measure, list[MeasureProgress]]]]:
    """Each plan's measures, oldest first, each with its progress in date order."""
    measures = (
        await session.exec(
            select(Measure)
            .where(col(Measure.plan_id).in_(plan_ids))
            .order_by(col(Measure.created_at), col(Measure.id))
        )
    ).all()
    progress = await progress_of(session, [m.id for m in measures])
    found: dict[str, list[tuple[Measure, list[MeasureProgress]]]] = defaultdict(list)
    for measure in measures:
        found[measure.plan_id].append((measure, progress[measure.id]))
    return found


async def progress_of(
    session: AsyncSession, measure_ids: Sequence[str]
) -> dict[str, list[MeasureProgress]]:
    entries = (
        await session.exec(
            select(MeasureProgress)
            .where(col(MeasureProgress.measure_id).in_(measure_ids))
            .order_by(
                col(MeasureProgress.on), col(MeasureProgress.recorded_at), col(MeasureProgress.id)
            )
        )
    ).all()
    found: dict[str, list[MeasureProgress]] = defaultdict(list)
    for entry in entries:
        found[entry.measure_id].append(entry)
    return found


async def measure_for_update(session: AsyncSession, measure_id: str) -> Measure | None:
    statement = select(Measure).where(Measure.id == measure_id).with_for_update()
    return (await session.exec(statement)).first()


async def ledger_of(session: AsyncSession, household_id: str, year: int) -> list[LedgerEntry]:
    """The household's entries dated in `year`, oldest first."""
    statement = (
        select(LedgerEntry)
        .where(
            LedgerEntry.household_id == household_id,
            col(LedgerEntry.on) >= f"{year:04d}-01-01",
            col(LedgerEntry.on) <= f"{year:04d}-12-31",
        )
        .order_by(col(LedgerEntry.on), col(LedgerEntry.recorded_at), col(LedgerEntry.id))
    )
    return list((await session.exec(statement)).all())
