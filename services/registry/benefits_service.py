"""Use-cases of policy benefits (享受政策): what departments paid a household, by quarter. One
record per (year, quarter, department, program): recording it again replaces its amount, the
same rule as a re-import; every change is in the household's history."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, replace
from datetime import date

from kit.clock import utcnow
from kit.errors import FieldViolation, InvalidArgument
from kit.principal import Principal
from services.registry import repository as repo
from services.registry.components import Components
from services.registry.edits import record_changes
from services.registry.households_service import HouseholdsService
from services.registry.models import Benefit

FIRST_YEAR = 2013  # targeted poverty alleviation (精准扶贫) began
NAME_LENGTH = 40


@dataclass(frozen=True)
class NewBenefit:
    year: int
    quarter: int
    department: str
    program: str
    amount: int


def check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= date.today().year + 1:
        raise InvalidArgument(
            "year is out of range",
            reason="INVALID_YEAR",
            violations=[FieldViolation("year", f"{FIRST_YEAR} to next year")],
        )
    return year


def checked_benefit(new: NewBenefit) -> NewBenefit:
    """`new` with its names trimmed, or InvalidArgument naming every wrong field."""
    check_year(new.year)
    trimmed = replace(new, department=new.department.strip(), program=new.program.strip())
    violations = [
        FieldViolation(name, f"1 to {NAME_LENGTH} characters")
        for name in ("department", "program")
        if not 0 < len(getattr(trimmed, name)) <= NAME_LENGTH
    ]
    if not 1 <= new.quarter <= 4:
        violations.append(FieldViolation("quarter", "1 to 4"))
    if new.amount < 0:
        violations.append(FieldViolation("amount", "0 or more yuan"))
    if violations:
        raise InvalidArgument(
            "the benefit is not valid", reason="INVALID_BENEFIT", violations=violations
        )
    return trimmed


class BenefitsService:
    def __init__(self, components: Components, households: HouseholdsService) -> None:
        self.c = components
        self.households = households

    async def record(self, caller: Principal, household_id: str, new: NewBenefit) -> Benefit:
        benefit = checked_benefit(new)
        key = (household_id, benefit.year, benefit.quarter, benefit.department, benefit.program)
        async with self.c.db.unit_of_work() as session:
            household = await self.households.visible(
                session, caller, household_id, for_update=True
            )
            existing = await repo.benefit_with_key(session, *key)
            if existing is not None and existing.amount == benefit.amount:
                return existing  # the same amount again: nothing to write or record
            row = {
                **asdict(benefit),
                # a replaced record keeps its id (the upsert's rule)
                "id": existing.id if existing else uuid.uuid4().hex,
                "household_id": household_id,
                "recorded_by": caller.actor_id,
                "recorded_at": utcnow(),
                "source": "manual",
            }
            await repo.upsert_benefits(session, [row])
            before = {**asdict(benefit), "amount": existing.amount} if existing else None
            record_changes(
                session, household, caller.actor_id, [("benefits", before, asdict(benefit))]
            )
        return Benefit(**row)

    async def list_benefits(
        self, caller: Principal, household_id: str, year: int | None
    ) -> list[Benefit]:
        async with self.c.db.read_only() as session:
            await self.households.visible(session, caller, household_id)
            return list(
                await repo.benefits_of(session, household_id, check_year(year) if year else None)
            )
