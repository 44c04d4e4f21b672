"""Every SQL statement of training's leader cultivation. Functions take the caller's session
and never commit; every move of a candidate is one conditional update (whoever moves it first
wins, however many replicas or people act at once)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import update
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.db import in_subtree
from services.training.models import (
    Candidate,
    CandidateStep,
    LeaderPolicy,
    LedHousehold,
)

Row = TypeVar("Row", bound=SQLModel)


@dataclass(frozen=True)
class CandidateFilter:
    region_code: str
    status: str | None = None
    user_id: str | None = None  # a candidate sees their own registrations


async def get_candidate(session: AsyncSession, candidate_id: str) -> Candidate | None:
    return await session.get(Candidate, candidate_id)


async def active_with_index(session: AsyncSession, index: bytes) -> Candidate | None:
    """The person's candidacy that is not rejected, if any (one person, one candidacy)."""
    statement = select(Candidate).where(
        col(Candidate.id_number_index) == index, col(Candidate.status) != "rejected"
    )
    return (await session.exec(statement)).first()


async def move_candidate(
    session: AsyncSession, candidate: Candidate, values: dict[str, Any], *, same_version: bool
) -> bool:
    """Apply `values` (and the next version) only if the candidate is still at the status (and,
    if `same_version`, the version) it was read with."""
    statement = (
        update(Candidate)
        .where(col(Candidate.id) == candidate.id, col(Candidate.status) == candidate.status)
        .values(**values, version=Candidate.version + 1)  # type: ignore[operator]
        .execution_options(synchronize_session=False)  # the caller refreshes what it holds
    )
    if same_version:
        statement = statement.where(col(Candidate.version) == candidate.version)
    result = await session.exec(statement)  # type: ignore[call-overload]
    return bool(result.rowcount == 1)


async def list_candidates(
    session: AsyncSession, wanted: CandidateFilter, *, after_id: str | None, limit: int
) -> Sequence[Candidate]:
    statement = select(Candidate).where(in_subtree(col(Candidate.village_code), wanted.region_code))
    if wanted.status is not None:
        statement = statement.where(col(Candidate.status) == wanted.status)
    if wanted.user_id is not None:
        statement = statement.where(col(Candidate.user_id) == wanted.user_id)
    if after_id is not None:
        statement = statement.where(col(Candidate.id) > after_id)
    return (await session.exec(statement.order_by(col(Candidate.id)).limit(limit))).all()


async def rows_of(
    session: AsyncSession, model: type[Row], candidate_ids: Sequence[str], *order: Any
) -> dict[str, list[Row]]:
    """The rows of `model` (steps, objections, households, policies) of each candidate."""
    found: dict[str, list[Row]] = {candidate_id: [] for candidate_id in candidate_ids}
    if candidate_ids:
        key = col(model.candidate_id)  # type: ignore[attr-defined]
        statement = select(model).where(key.in_(candidate_ids)).order_by(key, *order)
        for row in (await session.exec(statement)).all():
            found[row.candidate_id].append(row)  # type: ignore[attr-defined]
    return found


async def get_led_household(
    session: AsyncSession, candidate_id: str, household_id: str
) -> LedHousehold | None:
    return await session.get(LedHousehold, (candidate_id, household_id))


async def get_policy(
    session: AsyncSession, candidate_id: str, name: str, year: int
) -> LeaderPolicy | None:
    return await session.get(LeaderPolicy, (candidate_id, name, year))


async def villages_with_leader(session: AsyncSession, region_code: str) -> set[str]:
    statement = (
        select(Candidate.village_code)
        .where(
            in_subtree(col(Candidate.village_code), region_code),
            col(Candidate.status) == "approved",
        )
        .distinct()
    )
    return set((await session.exec(statement)).all())


ORDER: dict[type[SQLModel], tuple[Any, ...]] = {
    CandidateStep: (col(CandidateStep.seq),),
    LedHousehold: (col(LedHousehold.added_at), col(LedHousehold.household_id)),
    LeaderPolicy: (col(LeaderPolicy.year), col(LeaderPolicy.name)),
}
