"""Translation between assistance's protobuf messages and its domain objects."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp

from jingzhun.assistance.v1 import assistance_pb2 as pb
from kit.clock import aware
from kit.paging import decode_token, encode_token, invalid_token, stamp
from services.assistance.alerts_service import AlertView
from services.assistance.models import NeedStep, Visit
from services.assistance.needs_service import NeedsMenu, NeedView
from services.assistance.tasks_service import NewTask, TaskView
from services.assistance.visits_service import NewVisit, Period, VisitFrequency


def step_message(step: NeedStep) -> pb.NeedStep:
    return pb.NeedStep(
        seq=step.seq,
        action=step.action,
        from_region=step.from_region,
        to_region=step.to_region,
        actor_id=step.actor_id,
        reason=step.reason,
        at=stamp(aware(step.at)),
    )


def need_message(view: NeedView) -> pb.Need:
    need = view.need
    return pb.Need(
        id=need.id,
        household_id=need.household_id,
        village_code=need.village_code,
        category=need.category,
        description=need.description,
        urgent=need.urgent,
        status=need.status,
        owner_region=need.owner_region,
        owner_level=need.owner_level,
        due_at=stamp(aware(need.due_at)),
        filed_by=need.filed_by,
        version=need.version,
        created_at=stamp(aware(need.created_at)),
        updated_at=stamp(aware(need.updated_at)),
        steps=[step_message(s) for s in view.steps],
        overdue=view.overdue,
    )


def menu_message(menu: NeedsMenu) -> pb.NeedsMenu:
    return pb.NeedsMenu(
        region_code=menu.region_code,
        cells=[
            pb.NeedsMenu.Cell(category=c, owner_level=lvl, status=s, count=n)
            for c, lvl, s, n in menu.cells
        ],
        total=menu.total,
        open=menu.open,
        overdue=menu.overdue,
    )


def _stamp_or_none(moment: datetime | None) -> Timestamp | None:
    return stamp(aware(moment)) if moment is not None else None


def task_message(view: TaskView) -> pb.Task:
    task = view.task
    return pb.Task(
        id=task.id,
        kind=task.kind,
        title=task.title,
        household_id=task.household_id,
        region_code=task.region_code,
        assigned_by=task.assigned_by,
        due_at=stamp(aware(task.due_at)),
        created_at=stamp(aware(task.created_at)),
        assignments=[
            pb.Assignment(
                assignee_id=a.assignee_id,
                assignee_region=a.assignee_region,
                status=a.status,
                accepted_at=_stamp_or_none(a.accepted_at),
                completed_at=_stamp_or_none(a.completed_at),
                via=a.via,
                overdue=view.is_overdue(a),
            )
            for a in view.assignments
        ],
    )


def new_task(request: pb.AssignTaskRequest) -> NewTask:
    return NewTask(
        kind=request.kind,
        title=request.title,
        due_at=request.due_at.ToDatetime(tzinfo=UTC),
        household_id=request.household_id,
        assignee_ids=tuple(request.assignee_ids),
        role=request.role,
        region_code=request.region_code,
    )


def _time_or_none(value: Timestamp, present: bool) -> datetime | None:
    return value.ToDatetime(tzinfo=UTC) if present else None


def new_visit(request: pb.LogVisitRequest) -> NewVisit:
    return NewVisit(
        household_id=request.household_id,
        latitude=request.latitude if request.HasField("latitude") else None,
        longitude=request.longitude if request.HasField("longitude") else None,
        visited_at=_time_or_none(request.visited_at, request.HasField("visited_at")),
        notes=request.notes,
    )


def period(
    request: pb.ListVisitsRequest | pb.GetVisitFrequencyRequest | pb.GetPerformanceRequest,
) -> Period:
    return Period(
        since=_time_or_none(getattr(request, "from"), request.HasField("from")),
        until=_time_or_none(request.to, request.HasField("to")),
    )


def visit_message(visit: Visit) -> pb.Visit:
    return pb.Visit(
        id=visit.id,
        household_id=visit.household_id,
        village_code=visit.village_code,
        helper_id=visit.helper_id,
        latitude=visit.latitude,
        longitude=visit.longitude,
        visited_at=stamp(aware(visit.visited_at)),
        notes=visit.notes,
        check=visit.check,
        flag=visit.flag,
        distance_m=visit.distance_m,
        created_at=stamp(aware(visit.created_at)),
    )


def frequency_message(found: VisitFrequency) -> pb.VisitFrequency:
    def counts(rows: list[tuple[str, int, int]]) -> list[pb.VisitFrequency.Count]:
        return [pb.VisitFrequency.Count(id=i, visits=n, flagged=f) for i, n, f in rows]

    message = pb.VisitFrequency(
        region_code=found.region_code,
        to=stamp(found.until),
        by_helper=counts(found.by_helper),
        by_household=counts(found.by_household),
        visits=found.visits,
        flagged=found.flagged,
    )
    getattr(message, "from").CopyFrom(stamp(found.since))
    return message


def visit_token(last: Visit) -> str:
    """The next page starts after this visit (newest first: by time, then id)."""
    return encode_token(f"{aware(last.visited_at).isoformat()}|{last.id}")


def visit_cursor(token: str) -> tuple[datetime, str] | None:
    decoded = decode_token(token)
    if decoded is None:
        return None
    at, _, visit_id = decoded.partition("|")
    try:
        moment = datetime.fromisoformat(at)
    except ValueError as exc:
        raise invalid_token() from exc
    if moment.tzinfo is None:  # the platform's own tokens always carry the offset
        raise invalid_token()
    return moment, visit_id


def alert_message(view: AlertView) -> pb.Alert:
    alert = view.alert
    return pb.Alert(
        id=alert.id,
        household_id=alert.household_id,
        village_code=alert.village_code,
        kind=alert.kind,
        reason=alert.reason,
        status=alert.status,
        owner_region=alert.owner_region,
        owner_level=alert.owner_level,
        verify_due_at=stamp(aware(alert.verify_due_at)),
        verify_overdue=view.verify_overdue,
        measures=alert.measures,
        outcome=alert.outcome,
        raised_by=alert.raised_by,
        version=alert.version,
        created_at=stamp(aware(alert.created_at)),
        updated_at=stamp(aware(alert.updated_at)),
        steps=[
            pb.AlertStep(
                seq=s.seq, action=s.action, actor_id=s.actor_id, text=s.text, at=stamp(aware(s.at))
            )
            for s in view.steps
        ],
    )
