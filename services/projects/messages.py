"""Translation between the project library's protobuf messages and its domain objects."""

from __future__ import annotations

from datetime import datetime

from jingzhun.projects.v1 import projects_pb2 as pb
from kit.clock import aware
from kit.mapping import from_message, to_message
from kit.paging import stamp
from kit.public_notice import NoticeObjection, PublicNotice, state_at
from services.projects.lifecycle import is_overdue, owner_level
from services.projects.models import Project, ProjectBeneficiary, ProjectBudget, ProjectStep
from services.projects.projects_service import (
    NewProject,
    ProjectView,
    Proposal,
)

new_project = from_message(pb.CreateProjectRequest, NewProject)
proposal_edit = from_message(pb.EditProjectRequest, Proposal)


def owner_level_name(project: Project) -> str:
    level = owner_level(project.status)
    return level.name.lower() if level is not None else ""


project_row_message = to_message(
    Project,
    pb.Project,
    given=(
        "budgets",
        "budget_total_fen",
        "beneficiaries",
        "beneficiary_count",
        "overdue",
        "steps",
        "notices",
    ),
    owner_level=owner_level_name,
    due_at=lambda project: aware(project.due_at) if project.due_at else None,
)
budget_message = to_message(ProjectBudget, pb.Budget)
beneficiary_message = to_message(ProjectBeneficiary, pb.Beneficiary)
step_message = to_message(ProjectStep, pb.ProjectStep)
objection_message = to_message(NoticeObjection, pb.ProjectObjection)


notice_row_message = to_message(PublicNotice, pb.ProjectNotice, given=("state", "objections"))


def notice_message(
    notice: PublicNotice, objections: list[NoticeObjection], now: datetime
) -> pb.ProjectNotice:
    return notice_row_message(
        notice,
        state=state_at(notice, now).value,
        objections=[objection_message(o) for o in objections],
    )


def project_message(view: ProjectView, now: datetime) -> pb.Project:
    project = view.project
    return project_row_message(
        project,
        budgets=[budget_message(b) for b in view.budgets],
        budget_total_fen=view.budget_total_fen,
        beneficiaries=[beneficiary_message(b) for b in view.beneficiaries],
        beneficiary_count=len(view.beneficiaries),
        overdue=is_overdue(aware(project.due_at) if project.due_at else None, now),
        steps=[step_message(s) for s in view.steps],
        notices=[notice_message(n, objections, now) for n, objections in view.notices],
    )


def public_notice_message(notice: PublicNotice) -> pb.PublicProjectNotice:
    """What the public sees of a project in notice (its public fields only)."""
    fields = notice.fields
    return pb.PublicProjectNotice(
        notice_id=notice.id,
        kind=notice.kind,
        project_id=notice.subject_id,
        name=notice.title,
        type=fields.get("type", ""),
        region_code=notice.region_code,
        region_name=notice.region_name,
        place=fields.get("place", ""),
        year=fields.get("year", 0),
        budget_total_fen=fields.get("budget_total_fen", 0),
        beneficiary_count=fields.get("beneficiary_count", 0),
        results=fields.get("results", ""),
        starts_at=stamp(aware(notice.starts_at)),
        ends_at=stamp(aware(notice.ends_at)),
    )
