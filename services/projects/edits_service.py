"""The edit of a returned proposal: the level that proposed it (or an officer above it, for
it) rewrites what the town asked to change — name, type, place, year, the budget by source, the
households it benefits and how, the results expected — before resubmitting it. Only while it is
returned (409 otherwise); the budget and beneficiaries are replaced as a whole, checked as a new
proposal's are, and the audit record keeps every field before and after."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.errors import Aborted, FailedPrecondition
from kit.principal import Principal
from kit.territory import Level
from services.projects import repository as repo
from services.projects.lifecycle import ProjectStatus, require_level
from services.projects.models import Project, ProjectBeneficiary, ProjectBudget
from services.projects.projects_service import (
    CheckedProposal,
    ProjectsService,
    ProjectView,
    Proposal,
    checked,
    in_scope,
)
from services.projects.steps import advance

EDITED = "edited"


def proposal_state(
    project: Project, budgets: list[ProjectBudget], beneficiaries: list[ProjectBeneficiary]
) -> dict[str, Any]:
    """A proposal's fields as the audit log keeps them before and after an edit."""
    return {
        "name": project.name,
        "type": project.type,
        "place": project.place,
        "year": project.year,
        "expected_results": project.expected_results,
        "budgets": {b.source: b.amount_fen for b in budgets},
        "beneficiaries": {b.household_id: b.mechanism for b in beneficiaries},
    }


class EditsService:
    def __init__(self, projects: ProjectsService) -> None:
        self.projects = projects
        self.c = projects.c

    async def edit(
        self, caller: Principal, project_id: str, edit: Proposal, expected_version: int
    ) -> ProjectView:
        proposal = checked(edit)
        async with self.c.db.read_only() as session:
            read = require_editable(caller, await repo.get_project(session, project_id))
            if expected_version and expected_version != read.version:
                raise version_conflict(expected_version, read.version)
        # The registry is asked outside the transaction; the update below checks the version.
        households = await self.projects.households_in_town(caller, read.region_code, proposal)
        async with self.c.db.unit_of_work() as session:
            project = in_scope(caller, await repo.get_project(session, project_id))
            if project.version != read.version or project.status != ProjectStatus.RETURNED:
                raise version_conflict(read.version, project.version)
            before = await self.state(session, project)
            return await self.apply(session, caller, project, proposal, households, before)

    async def state(self, session: AsyncSession, project: Project) -> dict[str, Any]:
        budgets = (await repo.budgets_of(session, [project.id]))[project.id]
        beneficiaries = (await repo.beneficiaries_of(session, [project.id]))[project.id]
        return proposal_state(project, budgets, beneficiaries)

    async def apply(
        self,
        session: AsyncSession,
        caller: Principal,
        project: Project,
        proposal: CheckedProposal,
        households: dict[str, str],
        before: dict[str, Any],
    ) -> ProjectView:
        budgets, beneficiaries = proposal.rows(project.id, households)
        await repo.replace_proposal_rows(session, project.id, budgets, beneficiaries)
        after = {
            **proposal.fields(),
            "budgets": proposal.amounts,
            "beneficiaries": {b.household_id: b.mechanism for b in beneficiaries},
        }
        values = {**proposal.fields(), "updated_at": self.c.clock()}
        if not await advance(
            session,
            self.c,
            project,
            values,
            EDITED,
            caller.actor_id,
            same_version=True,
            changed=(before, after),
        ):
            raise version_conflict(project.version, project.version + 1)
        return (await self.projects.views(session, [project], full=True))[0]


def require_editable(caller: Principal, project: Project | None) -> Project:
    """The project, if the caller may edit it now: in their territory (else not found), at
    the level that proposed it or above, and returned to its proposer."""
    project = in_scope(caller, project)
    require_level(caller.region_code, Level[project.proposer_level.upper()])
    if project.status != ProjectStatus.RETURNED:
        raise FailedPrecondition(
            f"only a returned proposal is edited (this one is {project.status})",
            reason="PROJECT_NOT_RETURNED",
        )
    return project


def version_conflict(expected: int, now: int) -> Aborted:
    return Aborted(
        f"the project changed since version {expected} (now {now})", reason="VERSION_CONFLICT"
    )
