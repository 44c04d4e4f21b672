"""Use-cases of the project library (扶贫项目库): a village or town proposes a project (its
budget by source, the poor households it benefits and how, checked against the registry with
the caller's token); officers read the projects of their territory. Every project is reached
through `in_scope`: out of the caller's territory is exactly like not found."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from kit import audit
from kit import public_notice as notices
from kit.checks import parse, required_text
from kit.directory import Directory
from kit.errors import InvalidArgument, NotFound
from kit.principal import Principal
from kit.public_notice import NoticeObjection, PublicNotice
from kit.territory import Level, is_valid_code, is_within
from services.projects import repository as repo
from services.projects.components import Components
from services.projects.domain import (
    MAX_BENEFICIARIES,
    FundSource,
    Mechanism,
    ProjectType,
    check_budgets,
    check_year,
    invalid,
)
from services.projects.events import SERVICE, publish_step, region_at
from services.projects.lifecycle import ProjectStatus, due_at, proposer_level
from services.projects.models import Project, ProjectBeneficiary, ProjectBudget, ProjectStep

APPROVAL_NOTICE = "project_approval"  # the kinds of a project's kit.public_notice
COMPLETION_NOTICE = "project_completion"
NOTICE_KINDS = (APPROVAL_NOTICE, COMPLETION_NOTICE)


@dataclass(frozen=True)
class NewBeneficiary:
    household_id: str
    mechanism: str
    note: str = ""


@dataclass(frozen=True)
class NewBudget:
    source: str
    amount_fen: int


@dataclass(frozen=True)
class Proposal:
    """What a proposer writes of a project: a new one, or the edit of a returned one."""

    name: str
    type: str
    place: str
    year: int
    budgets: tuple[NewBudget, ...] = ()
    beneficiaries: tuple[NewBeneficiary, ...] = ()
    expected_results: str = ""


@dataclass(frozen=True)
class NewProject(Proposal):
    region_code: str = ""  # a village or town in the caller's territory; empty: their own


@dataclass(frozen=True)
class CheckedProposal:
    """A proposal's fields as they are stored: checked, trimmed, each source and household
    once."""

    name: str
    type: str
    place: str
    year: int
    expected_results: str
    amounts: dict[str, int]
    beneficiaries: list[NewBeneficiary]

    def fields(self) -> dict[str, Any]:
        """The project's own columns this proposal sets."""
        return {
            "name": self.name,
            "type": self.type,
            "place": self.place,
            "year": self.year,
            "expected_results": self.expected_results,
        }

    def rows(
        self, project_id: str, villages: dict[str, str]
    ) -> tuple[list[ProjectBudget], list[ProjectBeneficiary]]:
        """Its budget and beneficiary rows, each household with the village the registry gave."""
        budgets = [
            ProjectBudget(project_id=project_id, source=source, amount_fen=amount)
            for source, amount in self.amounts.items()
        ]
        beneficiaries = [
            ProjectBeneficiary(
                project_id=project_id,
                household_id=b.household_id,
                village_code=villages[b.household_id],
                mechanism=b.mechanism,
                note=b.note,
            )
            for b in self.beneficiaries
        ]
        return budgets, beneficiaries


@dataclass(frozen=True)
class ProjectView:
    project: Project
    budgets: list[ProjectBudget] = field(default_factory=list)
    beneficiaries: list[ProjectBeneficiary] = field(default_factory=list)
    steps: list[ProjectStep] = field(default_factory=list)
    notices: list[tuple[PublicNotice, list[NoticeObjection]]] = field(default_factory=list)

    @property
    def budget_total_fen(self) -> int:
        return sum(b.amount_fen for b in self.budgets)


def not_found() -> NotFound:
    return NotFound("project not found", reason="PROJECT_NOT_FOUND")


def in_scope(caller: Principal, project: Project | None) -> Project:
    """The project, if it is in the caller's territory; else not found."""
    if project is None or not is_within(project.region_code, caller.region_code):
        raise not_found()
    return project


def scope_of(caller: Principal, region_code: str) -> str:
    scope = region_code or caller.region_code
    if not is_valid_code(scope) or not is_within(scope, caller.region_code):
        raise NotFound("region not found", reason="REGION_NOT_FOUND")
    return scope


def snapshot(view: ProjectView) -> dict[str, Any]:
    """What the audit log keeps of a project before and after a change (no personal data)."""
    p = view.project
    return {
        "status": p.status,
        "version": p.version,
        "name": p.name,
        "type": p.type,
        "year": p.year,
        "budgets": {b.source: b.amount_fen for b in view.budgets},
        "beneficiaries": len(view.beneficiaries),
    }


def budgets_of(new: Proposal) -> dict[str, int]:
    amounts: dict[str, int] = {}
    for budget in new.budgets:
        source = parse(budget.source, FundSource, "budgets.source").value
        if source in amounts:
            raise invalid("budgets", f"{source} is listed twice", "DUPLICATE_SOURCE")
        amounts[source] = budget.amount_fen
    return check_budgets(amounts)


def beneficiaries_of(new: Proposal) -> list[NewBeneficiary]:
    if len(new.beneficiaries) > MAX_BENEFICIARIES:
        raise invalid("beneficiaries", f"at most {MAX_BENEFICIARIES}", "TOO_MANY_BENEFICIARIES")
    seen: set[str] = set()
    found = []
    for b in new.beneficiaries:
        household_id = required_text(b.household_id, "beneficiaries.household_id", 64)
        if household_id in seen:
            raise invalid("beneficiaries", f"{household_id} is listed twice", "DUPLICATE_HOUSEHOLD")
        seen.add(household_id)
        mechanism = parse(b.mechanism, Mechanism, "beneficiaries.mechanism").value
        found.append(NewBeneficiary(household_id, mechanism, b.note.strip()[:500]))
    return found


def checked(proposal: Proposal) -> CheckedProposal:
    return CheckedProposal(
        name=required_text(proposal.name, "name", 100),
        type=parse(proposal.type, ProjectType, "type").value,
        place=proposal.place.strip()[:200],
        year=check_year(proposal.year),
        expected_results=proposal.expected_results.strip()[:2000],
        amounts=budgets_of(proposal),
        beneficiaries=beneficiaries_of(proposal),
    )


class ProjectsService:
    def __init__(self, components: Components, directory: Directory) -> None:
        self.c = components
        self.directory = directory

    async def create(self, caller: Principal, new: NewProject) -> ProjectView:
        region_code = new.region_code or caller.region_code
        level = proposer_level(region_code) if is_valid_code(region_code) else None
        if level is None:
            raise invalid("region_code", "a project is where a village or a town is", "NOT_LOCAL")
        scope_of(caller, region_code)
        proposal = checked(new)
        region = await self.directory.region(caller, region_code)
        households = await self.households_in_town(caller, region_code, proposal)
        now = self.c.clock()
        project = Project(
            id=uuid.uuid4().hex,
            region_code=region_code,
            region_name=region.name,
            proposer_level=level.name.lower(),
            **proposal.fields(),
            status=ProjectStatus.PROPOSED,
            due_at=due_at(ProjectStatus.PROPOSED, now, self.c.review_days, None),
            created_by=caller.actor_id,
            created_at=now,
            updated_at=now,
        )
        budgets, beneficiaries = proposal.rows(project.id, households)
        step = ProjectStep(
            project_id=project.id,
            seq=1,
            action="proposed",
            status=project.status,
            actor_id=caller.actor_id,
            at=now,
        )
        view = ProjectView(project, budgets, beneficiaries, [step])
        async with self.c.db.unit_of_work() as session:
            session.add(project)
            await session.flush()
            session.add_all([*budgets, *beneficiaries, step])
            publish_step(
                session,
                project,
                step.action,
                caller.actor_id,
                self.c.reviewer_role,
                view.budget_total_fen,
            )
            audit.record(
                session,
                SERVICE,
                actor_id=caller.actor_id,
                action="project.proposed",
                target_id=project.id,
                region_code=project.region_code,
                detail={"before": None, "after": snapshot(view)},
                at=now,
            )
        return view

    async def villages_of(self, caller: Principal, household_ids: list[str]) -> dict[str, str]:
        """Each household's village, as the registry shows it to the caller, in one call per
        thousand households (a household out of their territory: NotFound)."""
        found = await self.directory.villages_of(caller, household_ids)
        for household_id in household_ids:
            if household_id not in found:
                raise NotFound(f"household {household_id} not found", reason="HOUSEHOLD_NOT_FOUND")
        return found

    async def households_in_town(
        self, caller: Principal, region_code: str, proposal: CheckedProposal
    ) -> dict[str, str]:
        """The village of each of the proposal's households, each living in the project's
        town (else InvalidArgument)."""
        households = await self.villages_of(
            caller, [b.household_id for b in proposal.beneficiaries]
        )
        town = region_at(region_code, Level.TOWN)
        for household_id, village_code in households.items():
            if not is_within(village_code, town):
                raise InvalidArgument(
                    f"household {household_id} does not live in the project's town",
                    reason="HOUSEHOLD_ELSEWHERE",
                )
        return households

    async def get(self, caller: Principal, project_id: str) -> ProjectView:
        async with self.c.db.read_only() as session:
            project = in_scope(caller, await repo.get_project(session, project_id))
            return (await self.views(session, [project], full=True))[0]

    async def list_projects(
        self, caller: Principal, wanted: repo.ProjectFilter, *, after_id: str | None, limit: int
    ) -> list[ProjectView]:
        """The projects of a region in scope, by year, type, status, or overdue only."""
        filters = repo.ProjectFilter(
            region_code=scope_of(caller, wanted.region_code),
            year=wanted.year,
            type=parse(wanted.type, ProjectType, "type").value if wanted.type else "",
            status=parse(wanted.status, ProjectStatus, "status").value if wanted.status else "",
            overdue_at=wanted.overdue_at,
        )
        async with self.c.db.read_only() as session:
            found = await repo.list_projects(session, filters, after_id=after_id, limit=limit)
            return await self.views(session, list(found), full=False)

    async def views(
        self, session: AsyncSession, projects: Sequence[Project], *, full: bool
    ) -> list[ProjectView]:
        """Projects with their budgets and beneficiaries; `full`: their steps and notices."""
        ids = [p.id for p in projects]
        budgets = await repo.budgets_of(session, ids)
        beneficiaries = await repo.beneficiaries_of(session, ids)
        views = []
        for project in projects:
            steps: list[ProjectStep] = []
            noticed: list[tuple[PublicNotice, list[NoticeObjection]]] = []
            if full:
                steps = await repo.steps_of(session, project.id)
                noticed = await self.notices_of(session, project.id)
            views.append(
                ProjectView(project, budgets[project.id], beneficiaries[project.id], steps, noticed)
            )
        return views

    async def notices_of(
        self, session: AsyncSession, project_id: str
    ) -> list[tuple[PublicNotice, list[NoticeObjection]]]:
        found = [
            notice
            for kind in NOTICE_KINDS
            if (notice := (await notices.latest_of(session, kind, [project_id])).get(project_id))
        ]
        objections = await notices.objections_of(session, [n.id for n in found])
        return [(notice, objections[notice.id]) for notice in found]
