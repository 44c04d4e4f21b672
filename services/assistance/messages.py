"""Translation between assistance's protobuf messages and its domain objects."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp

from jingzhun.assistance.v1 import assistance_pb2 as pb
from kit.clock import aware
from kit.mapping import from_message, to_message
from kit.paging import decode_token, encode_token, invalid_token
from services.assistance.alerts_service import AlertView
from services.assistance.models import Alert, AlertStep, Assignment, Need, NeedStep, Task, Visit
from services.assistance.needs_service import NeedsMenu, NeedView
from services.assistance.tasks_service import NewTask, TaskView
from services.assistance.visits_service import NewVisit, Period, VisitFrequency

step_message = to_message(NeedStep, pb.NeedStep)
need_row_message = to_message(Need, pb.Need, given=("steps", "overdue"))


def need_message(view: NeedView) -> pb.Need:
    return need_row_message(
        view.need, steps=[step_message(s) for s in view.steps], overdue=view.overdue
    )


menu_message = to_message(
    NeedsMenu,
    pb.NeedsMenu,
    cells=lambda menu: [
        pb.NeedsMenu.Cell(category=c, owner_level=lvl, status=s, count=n)
        for c, lvl, s, n in menu.cells
    ],
)
task_row_message = to_message(Task, pb.Task, given=("assignments",))
assignment_message = to_message(Assignment, pb.Assignment, given=("overdue",))


def task_message(view: TaskView) -> pb.Task:
    return task_row_message(
        view.task,
        assignments=[assignment_message(a, overdue=view.is_overdue(a)) for a in view.assignments],
    )


new_task = from_message(pb.AssignTaskRequest, NewTask)


def _time_or_none(value: Timestamp, present: bool) -> datetime | None:
    return value.ToDatetime(tzinfo=UTC) if present else None


new_visit = from_message(pb.LogVisitRequest, NewVisit)


def period(
    request: pb.ListVisitsRequest | pb.GetVisitFrequencyRequest | pb.GetPerformanceRequest,
) -> Period:
    return Period(
        since=_time_or_none(getattr(request, "from"), request.HasField("from")),
        until=_time_or_none(request.to, request.HasField("to")),
    )


def counts(rows: list[tuple[str, int, int]]) -> list[pb.VisitFrequency.Count]:
    return [pb.VisitFrequency.Count(id=i, visits=n, flagged=f) for i, n, f in rows]


visit_message = to_message(Visit, pb.Visit)
frequency_message = to_message(
    VisitFrequency,
    pb.VisitFrequency,
    from_=lambda found: found.since,
    to=lambda found: found.until,
    by_helper=lambda found: counts(found.by_helper),
    by_household=lambda found: counts(found.by_household),
)


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


alert_row_message = to_message(Alert, pb.Alert, given=("verify_overdue", "steps"))
alert_step_message = to_message(AlertStep, pb.AlertStep)


def alert_message(view: AlertView) -> pb.Alert:
    return alert_row_message(
        view.alert,
        verify_overdue=view.verify_overdue,
        steps=[alert_step_message(s) for s in view.steps],
    )
