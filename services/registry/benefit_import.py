"""Importing departments' policy-subsidy data (quarterly): one row per household, year,
quarter, department and program. A row of the same key replaces the amount; the same file
again writes nothing; each household's changed benefits are in its history."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from itertools import islice
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.clock import utcnow
from kit.errors import InvalidArgument
from kit.principal import Principal
from kit.territory import is_within
from services.registry import bulk_repository as bulk
from services.registry import repository as repo
from services.registry.benefits_service import NewBenefit, checked_benefit
from services.registry.edits import record_changes
from services.registry.household_rows import Finding, cells_by_key

BATCH_ROWS = 2000


@dataclass
class BenefitTally:
    rows: int = 0
    rows_refused: int = 0
    new_benefits: int = 0
    changed_benefits: int = 0
    unchanged_benefits: int = 0


@dataclass(frozen=True)
class BenefitRow:
    line: int
    number: str
    benefit: NewBenefit


def parse_benefit(line: int, values: dict[str, str]) -> BenefitRow | Finding:
    number = values.get("household_number", "")
    try:
        numbers = {key: int(values.get(key, "")) for key in ("year", "quarter", "amount")}
    except ValueError:
        return Finding(line, "amount", "year, quarter and amount are whole numbers", number)
    try:
        benefit = checked_benefit(
            NewBenefit(department=values["department"], program=values["program"], **numbers)
        )
    except InvalidArgument as error:
        column = error.violations[0].field if error.violations else "year"
        return Finding(line, column, error.message, number)
    return BenefitRow(line, number, benefit)


class BenefitImport:
    def __init__(self, caller: Principal, job_id: str) -> None:
        self.caller = caller
        self.reason = f"import {job_id}"
        self.source = f"import:{job_id}"
        self.tally = BenefitTally()

    async def run(
        self,
        session: AsyncSession,
        rows: Iterator[tuple[int, list[str]]],
        positions: dict[str, int],
        report: Callable[[list[Finding]], None],
    ) -> None:
        while batch := list(islice(rows, BATCH_ROWS)):
            self.tally.rows += len(batch)
            parsed = [parse_benefit(line, cells_by_key(cells, positions)) for line, cells in batch]
            problems = [p for p in parsed if isinstance(p, Finding)]
            problems += await self.apply(session, [p for p in parsed if isinstance(p, BenefitRow)])
            self.tally.rows_refused += len(problems)
            report(problems)

    async def apply(self, session: AsyncSession, batch: list[BenefitRow]) -> list[Finding]:
        households = await bulk.households_numbered(session, sorted({row.number for row in batch}))
        known = await bulk.benefit_amounts(session, [h.id for h in households.values()])
        problems, writes = list[Finding](), dict[tuple, dict[str, Any]]()  # type: ignore[type-arg]
        changed: dict[str, list[tuple[str, Any, Any]]] = {}
        now = utcnow()
        for row in batch:
            household = households.get(row.number)
            if household is None or not is_within(household.village_code, self.caller.region_code):
                problems.append(
                    Finding(
                        row.line,
                        "household_number",
                        "no household with this number in your territory",
                        row.number,
                    )
                )
                continue
            b = row.benefit
            key = (household.id, b.year, b.quarter, b.department, b.program)
            if key in writes:
                problems.append(
                    Finding(
                        row.line, "program", "the same benefit is in the file twice", row.number
                    )
                )
                continue
            before = known.get(key)
            if before == b.amount:
                self.tally.unchanged_benefits += 1
                continue
            if before is None:
                self.tally.new_benefits += 1
            else:
                self.tally.changed_benefits += 1
            writes[key] = {
                **asdict(b),
                "id": uuid.uuid4().hex,
                "household_id": household.id,
                "recorded_by": self.caller.actor_id,
                "recorded_at": now,
                "source": self.source,
            }
            changed.setdefault(household.id, []).append(
                (f"benefits.{b.year}Q{b.quarter}.{b.department}.{b.program}", before, b.amount)
            )
        await repo.upsert_benefits(session, list(writes.values()))
        for household in households.values():
            if household.id in changed:
                record_changes(
                    session, household, self.caller.actor_id, changed[household.id], self.reason
                )
        return problems
