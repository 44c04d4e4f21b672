"""An approved leader's file (一人一档) beyond their registration: the registry households they
help lift and how (checked against the registry with the caller's token), the policies they
received; and the villages of a region that still have no approved leader (一村一带头人)."""

from __future__ import annotations

from dataclasses import dataclass

from kit.checks import parse, required_text
from kit.errors import FailedPrecondition, InvalidArgument
from kit.principal import Principal
from kit.territory import Level, level_of
from services.training import repository as repo
from services.training.candidates_service import (
    CandidatesService,
    CandidateView,
    in_scope,
    scope_of,
)
from services.training.components import Components
from services.training.directory import RegionRef, TrainingDirectory
from services.training.domain import LeadingWay, within_range
from services.training.lifecycle import CandidateStatus
from services.training.models import Candidate, LeaderPolicy, LedHousehold


@dataclass(frozen=True)
class VillageCoverage:
    region_code: str
    villages: int
    with_leader: int
    without_leader: list[RegionRef]


def approved(candidate: Candidate) -> Candidate:
    if candidate.status != CandidateStatus.APPROVED:
        raise FailedPrecondition(
            "only an approved leader has a file to add to", reason="NOT_A_LEADER"
        )
    return candidate


class LeaderFilesService:
    def __init__(
        self, components: Components, candidates: CandidatesService, directory: TrainingDirectory
    ) -> None:
        self.c = components
        self.candidates = candidates
        self.directory = directory

    async def add_household(
        self, caller: Principal, candidate_id: str, household_id: str, how: str, note: str
    ) -> CandidateView:
        way = parse(how, LeadingWay, "how")
        async with self.c.db.read_only() as session:
            approved(in_scope(caller, await repo.get_candidate(session, candidate_id)))
        household = await self.directory.household(caller, household_id)
        async with self.c.db.unit_of_work() as session:
            candidate = approved(in_scope(caller, await repo.get_candidate(session, candidate_id)))
            row = await repo.get_led_household(session, candidate.id, household.id)
            if row is None:
                row = LedHousehold(
                    candidate_id=candidate.id,
                    household_id=household.id,
                    village_code=household.village_code,
                    how=way,
                    added_by=caller.actor_id,
                    added_at=self.c.clock(),
                )
            row.how, row.note = way, note.strip()[:500]
            session.add(row)
            await session.flush()
            return await self.candidates.view(session, candidate)

    async def record_policy(
        self, caller: Principal, candidate_id: str, policy: LeaderPolicy
    ) -> CandidateView:
        name = required_text(policy.name, "policy.name", 100)
        year = within_range(policy.year, "policy.year", 2000, 2100)
        amount = within_range(policy.amount_yuan, "policy.amount_yuan", 0, 10**10)
        async with self.c.db.unit_of_work() as session:
            candidate = approved(in_scope(caller, await repo.get_candidate(session, candidate_id)))
            row = await repo.get_policy(session, candidate.id, name, year)
            row = row or LeaderPolicy(candidate_id=candidate.id, name=name, year=year)
            row.amount_yuan, row.department = amount, policy.department.strip()[:100]
            session.add(row)
            await session.flush()
            return await self.candidates.view(session, candidate)

    async def villages_without_leader(self, caller: Principal, region_code: str) -> VillageCoverage:
        scope = scope_of(caller, region_code)
        if level_of(scope) < Level.COUNTY:
            raise InvalidArgument(
                "ask for a county, a town or a village", reason="REGION_TOO_LARGE"
            )
        villages = await self.directory.villages(caller, scope)
        async with self.c.db.read_only() as session:
            led = await repo.villages_with_leader(session, scope)
        without = [v for v in villages if v.code not in led]
        return VillageCoverage(scope, len(villages), len(villages) - len(without), without)
