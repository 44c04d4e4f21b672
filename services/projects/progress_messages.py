"""Proto <-> domain for ProgressService, through kit.mapping (built once per type pair)."""

from __future__ import annotations

from datetime import date

from jingzhun.projects.v1 import progress_pb2 as pb
from kit.clock import aware
from kit.errors import FieldViolation, InvalidArgument
from kit.mapping import to_message
from kit.paging import stamp
from services.projects.progress_models import (
    Acceptance,
    HouseholdBenefit,
    Milestone,
    ProgressReport,
    ReportPhoto,
)
from services.projects.progress_rules import NewBenefit, NewMilestone
from services.projects.progress_service import ProgressView

photo_message = to_message(
    ReportPhoto, pb.ReportPhoto, uploaded_at=lambda p: stamp(aware(p.uploaded_at))
)
acceptance_message = to_message(
    Acceptance, pb.ProjectAcceptance, decided_at=lambda a: stamp(aware(a.decided_at))
)
benefit_message = to_message(
    HouseholdBenefit, pb.ProjectBenefit, recorded_at=lambda b: stamp(aware(b.recorded_at))
)
_milestone = to_message(Milestone, pb.ProjectMilestone, given=("overdue",))
_report = to_message(
    ProgressReport,
    pb.ProgressReport,
    given=("photos",),
    reported_at=lambda r: stamp(aware(r.reported_at)),
)


def day_of(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidArgument(
            f"{name} is not a day",
            reason="INVALID_DATE",
            violations=[FieldViolation(name, "YYYY-MM-DD")],
        ) from None


def report_message(report: ProgressReport, photos: list[ReportPhoto]) -> pb.ProgressReport:
    return _report(report, photos=[photo_message(p) for p in photos])


def progress_message(view: ProgressView) -> pb.ProjectProgress:
    return pb.ProjectProgress(
        project_id=view.project_id,
        status=view.status,
        percent_done=view.percent_done,
        overdue=view.overdue,
        milestones=[_milestone(m, overdue=overdue) for m, overdue in view.milestones],
        reports=[report_message(r, photos) for r, photos in view.reports],
        acceptances=[acceptance_message(a) for a in view.acceptances],
    )


def new_milestones(request: pb.AddMilestonesRequest) -> list[NewMilestone]:
    return [
        NewMilestone(m.name, day_of(m.planned_on, f"milestones[{i}].planned_on"))
        for i, m in enumerate(request.milestones)
    ]


def new_benefit(request: pb.RecordProjectBenefitRequest) -> NewBenefit:
    return NewBenefit(request.household_id, request.kind, request.year, request.amount_fen)
