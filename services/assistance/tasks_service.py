"""Use-cases of tasks: an upper level assigns work (visit, verify data, spot-check a household)
to cadres — some users, or every holder of a role in a subtree — with a due date; each is
texted and answers (accept, complete) in the API or by replying, for their own task only; the
assigner sees who is late."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.checks import parse, required_text
from kit.clock import aware
from kit.errors import FailedPrecondition, FieldViolation, InvalidArgument, NotFound
from kit.principal import Principal
from kit.territory import is_within
from services.assistance import spot_check_repository as spot_checks_repo
from services.assistance import task_repository as tasks_repo
from services.assistance.components import Components
from services.assistance.domain import TaskKind
from services.assistance.events import text_assignees
from services.assistance.lifecycle import TaskAction, TaskStatus, answer_task
from services.assistance.models import Assignment, Task
from services.assistance.needs_service import scope_of
from services.assistance.registry_view import RegistryView

log = logging.getLogger(__name__)
ASSIGNED_TO_ME, ASSIGNED_BY_ME = "assigned_to_me", "assigned_by_me"


@dataclass(frozen=True)
class NewTask:
    kind: str
    title: str
    due_at: datetime
    household_id: str = ""
    assignee_ids: tuple[str, ...] = ()
    role: str = ""
    region_code: str = ""


@dataclass(frozen=True)
class TaskView:
    task: Task
    assignments: list[Assignment]
    now: datetime

    def is_overdue(self, assignment: Assignment) -> bool:
        return assignment.status != TaskStatus.COMPLETED and aware(self.task.due_at) <= self.now


async def add_task(session: AsyncSession, task: Task, assignments: list[Assignment]) -> None:
    """The task and its assignments into the caller's unit of work; each assignee is texted."""
    session.add(task)
    await session.flush()
    session.add_all(assignments)
    text_assignees(session, task, [a.assignee_id for a in assignments])


def not_found() -> NotFound:
    return NotFound("task not found", reason="TASK_NOT_FOUND")


class TasksService:
    def __init__(self, components: Components, registry: RegistryView) -> None:
        self.c = components
        self.registry = registry

    async def assign(self, caller: Principal, new: NewTask) -> TaskView:
        task, assignments = await self.prepare(caller, new)
        async with self.c.db.unit_of_work() as session:
            await add_task(session, task, assignments)
        return TaskView(task, assignments, self.c.clock())

    async def prepare(self, caller: Principal, new: NewTask) -> tuple[Task, list[Assignment]]:
        """The task and its assignees' copies, checked, for a unit of work to add (add_task)."""
        kind = parse(new.kind, TaskKind, "kind")
        title = required_text(new.title, "title", limit=200)
        now = self.c.clock()
        if aware(new.due_at) <= now:
            raise InvalidArgument("the due date has passed already", reason="DUE_IN_PAST")
        if not new.assignee_ids and not new.role:
            raise InvalidArgument("name the assignees or a role", reason="ASSIGNEES_REQUIRED")
        region = scope_of(caller, new.region_code)
        if new.household_id:
            household = await self.registry.household(caller, new.household_id)
            region = household.village_code
        cadres = await self.registry.cadres(caller, list(new.assignee_ids), new.role, region)
        if not cadres:
            raise InvalidArgument("nobody holds that role there", reason="NO_ASSIGNEES")
        task = Task(
            id=uuid.uuid4().hex,
            kind=kind,
            title=title,
            household_id=new.household_id,
            region_code=region,
            assigned_by=caller.actor_id,
            due_at=new.due_at,
            created_at=now,
        )
        assignments = [
            Assignment(task_id=task.id, assignee_id=c.id, assignee_region=c.region_code)
            for c in cadres
        ]
        return task, assignments

    async def get(self, caller: Principal, task_id: str) -> TaskView:
        async with self.c.db.read_only() as session:
            return await self._visible(session, caller, task_id)

    async def respond(
        self, caller: Principal, task_id: str, action: str, result: str = ""
    ) -> TaskView:
        """The caller's answer to their own copy; a spot_check task is completed with the id
        of a spot check of theirs within the task's region (`result`)."""
        wanted = parse(action, TaskAction, "action")
        async with self.c.db.unit_of_work() as session:
            view = await self._visible(session, caller, task_id)
            mine = [a for a in view.assignments if a.assignee_id == caller.subject]
            if not mine:
                raise not_found()
            if view.task.kind == TaskKind.SPOT_CHECK and wanted is TaskAction.COMPLETE:
                await self._check_spot_check(session, caller, view.task, result)
                mine[0].result = result
            self._answer(session, mine[0], wanted, "api")
            return TaskView(view.task, mine, self.c.clock())

    async def _check_spot_check(
        self, session: AsyncSession, caller: Principal, task: Task, spot_check_id: str
    ) -> None:
        found = await spot_checks_repo.get_spot_check(session, spot_check_id)
        if (
            found is None
            or found.inspector_id != caller.subject
            or not is_within(found.region_code, task.region_code)
        ):
            raise InvalidArgument(
                "complete a spot-check task with the id of your spot check of its region",
                reason="SPOT_CHECK_REQUIRED",
                violations=[FieldViolation("result", "a spot check of yours")],
            )

    async def apply_reply(
        self, session: AsyncSession, user_id: str, reference: str, command: str
    ) -> bool:
        """An SMS reply about `reference` ("task:<id>"): applied to the sender's own assignment
        only; anything else (another cadre's task, an answer that no longer applies) is logged
        and changes nothing."""
        kind, _, task_id = reference.partition(":")
        assignment = (
            await tasks_repo.get_assignment(session, task_id, user_id) if kind == "task" else None
        )
        task = await tasks_repo.get_task(session, task_id) if assignment is not None else None
        if (
            task is None
            or assignment is None
            or command not in set(TaskAction)
            or (task.kind == TaskKind.SPOT_CHECK and command == TaskAction.COMPLETE)
        ):
            # A spot-check task is completed with its spot check, in the API only.
            log.warning("reply about %s by %s matches no task of theirs", reference, user_id)
            return False
        try:
            self._answer(session, assignment, TaskAction(command), "sms")
        except FailedPrecondition:
            log.info("reply about %s by %s no longer applies", reference, user_id)
            return False
        return True

    async def list_tasks(
        self, caller: Principal, scope: str, overdue_only: bool, after_id: str | None, limit: int
    ) -> list[TaskView]:
        if scope not in ("", ASSIGNED_TO_ME, ASSIGNED_BY_ME):
            raise InvalidArgument(
                f"scope must be {ASSIGNED_TO_ME} or {ASSIGNED_BY_ME}", reason="INVALID_VALUE"
            )
        now = self.c.clock()
        async with self.c.db.read_only() as session:
            if scope == ASSIGNED_BY_ME:
                found = await tasks_repo.tasks_assigned_by(
                    session,
                    caller.actor_id,
                    overdue_by=now if overdue_only else None,
                    after_id=after_id,
                    limit=limit,
                )
            else:
                found = await tasks_repo.tasks_assigned_to(
                    session,
                    caller.subject,
                    overdue_by=now if overdue_only else None,
                    after_id=after_id,
                    limit=limit,
                )
            assignments = await tasks_repo.assignments_of(session, [t.id for t in found])
        if scope != ASSIGNED_BY_ME:
            assignments = {
                t: [a for a in rows if a.assignee_id == caller.subject]
                for t, rows in assignments.items()
            }
        return [TaskView(t, assignments[t.id], now) for t in found]

    def _answer(
        self, session: AsyncSession, assignment: Assignment, action: TaskAction, via: str
    ) -> None:
        status = answer_task(TaskStatus(assignment.status), action)
        now = self.c.clock()
        assignment.status, assignment.via = status, via
        if status is TaskStatus.ACCEPTED:
            assignment.accepted_at = now
        else:
            assignment.completed_at = now
        session.add(assignment)

    async def _visible(self, session: AsyncSession, caller: Principal, task_id: str) -> TaskView:
        """The assigner and officers over its region see every assignment; an assignee only
        theirs; anyone else finds nothing."""
        task = await tasks_repo.get_task(session, task_id)
        if task is None:
            raise not_found()
        assignments = (await tasks_repo.assignments_of(session, [task.id]))[task.id]
        now = self.c.clock()
        if task.assigned_by == caller.actor_id or (
            is_within(task.region_code, caller.region_code)
            and caller.region_code != task.region_code
        ):
            return TaskView(task, assignments, now)
        mine = [a for a in assignments if a.assignee_id == caller.subject]
        if not mine:
            raise not_found()
        return TaskView(task, mine, now)
