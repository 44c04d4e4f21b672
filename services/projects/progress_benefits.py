"""Use-cases of benefits to households (带贫益贫): what one of a project's beneficiary households
received from it in a year, by kind (income, dividend, job, land rent), in fen. One record per
(project, household, kind, year): recorded again it replaces the amount and its version rises.
Each change goes to the registry as `projects.benefit.recorded` through the outbox, where it
becomes part of the household's benefits and incomes (services/registry/project_benefits.py):
an event rather than a call, so the record and its delivery commit together and a registry
that is down loses nothing; the registry applies each version once, in order."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from jingzhun.projects.v1 import progress_events_pb2 as events
from kit import audit
from kit.outbox import enqueue
from kit.paging import stamp
from kit.principal import Principal
from services.projects import progress_repository as repo
from services.projects.progress_models import HouseholdBenefit
from services.projects.progress_projects import ProjectAccess
from services.projects.progress_rules import NewBenefit, checked_benefit

BENEFIT_RECORDED = "projects.benefit.recorded"
SERVICE = "projects"


def publish_benefit(session: AsyncSession, benefit: HouseholdBenefit, project_name: str) -> None:
    event = events.BenefitRecorded(
        benefit_id=benefit.id,
        project_id=benefit.project_id,
        project_name=project_name,
        household_id=benefit.household_id,
        kind=benefit.kind,
        year=benefit.year,
        amount_fen=benefit.amount_fen,
        version=benefit.version,
        actor_id=benefit.recorded_by,
        at=stamp(benefit.recorded_at),
    )
    msg_id = f"project-benefit-{benefit.id}-{benefit.version}"
    enqueue(session, BENEFIT_RECORDED, event, msg_id=msg_id)


class BenefitsService:
    def __init__(self, projects: ProjectAccess) -> None:
        self.projects = projects
        self.c = projects.c

    async def record(self, caller: Principal, project_id: str, new: NewBenefit) -> HouseholdBenefit:
        now = self.c.clock()
        async with self.c.db.unit_of_work() as session:
            project = await self.projects.visible(session, caller, project_id)
            beneficiaries = await self.projects.beneficiaries(session, project.id)
            benefit = checked_benefit(new, beneficiaries, self.projects.today().year)
            key = (project.id, benefit.household_id, benefit.kind, benefit.year)
            row = await repo.benefit_with_key(session, *key)
            if row is not None and row.amount_fen == benefit.amount_fen:
                return row  # the same again: nothing to write, record or send
            before = row.amount_fen if row is not None else None
            if row is None:
                row = HouseholdBenefit(
                    id=uuid.uuid4().hex,
                    project_id=project.id,
                    household_id=benefit.household_id,
                    kind=benefit.kind,
                    year=benefit.year,
                    amount_fen=benefit.amount_fen,
                    recorded_by=caller.actor_id,
                    recorded_at=now,
                )
            else:
                row.amount_fen, row.version = benefit.amount_fen, row.version + 1
                row.recorded_by, row.recorded_at = caller.actor_id, now
            session.add(row)
            audit.record(
                session,
                SERVICE,
                actor_id=caller.actor_id,
                action="project.benefit_recorded",
                target_id=project.id,
                region_code=project.region_code,
                detail={
                    "household_id": row.household_id,
                    "kind": row.kind,
                    "year": row.year,
                    "before_fen": before,
                    "after_fen": row.amount_fen,
                },
            )
            publish_benefit(session, row, project.name)
        return row

    async def list_benefits(self, caller: Principal, project_id: str) -> Sequence[HouseholdBenefit]:
        async with self.c.db.read_only() as session:
            project = await self.projects.visible(session, caller, project_id)
            return await repo.benefits_of(session, project.id)
