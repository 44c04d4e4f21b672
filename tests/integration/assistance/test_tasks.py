"""Tasks on SQLite and PostgreSQL: assigned to every holder of a role in a subtree (each texted,
replies referring back to the task), answered by SMS reply for the replier's own assignment
only, in the API by the assignee, and seen late by the assigner."""

from __future__ import annotations

from datetime import timedelta

import pytest

from jingzhun.notification.v1 import events_pb2 as notification_events
from kit.errors import FailedPrecondition, InvalidArgument, NotFound
from services.assistance.replies import ReplyHandler
from services.assistance.tasks_service import ASSIGNED_BY_ME, NewTask
from tests.integration.assistance.conftest import (
    COUNTY_ADMIN,
    HELPER,
    NEIGHBOUR_HELPER,
    OTHER_HELPER,
    OTHER_TOWN_ADMIN,
    TOWN_ADMIN,
    Assistance,
)


def visit(service: Assistance, **target: object) -> NewTask:
    due = service.clock.now + timedelta(days=3)
    return NewTask(kind="visit", title="入户走访", due_at=due, **target)  # type: ignore[arg-type]


async def reply(service: Assistance, user_id: str, reference: str, command: str) -> None:
    event = notification_events.ReplyReceived(
        reply_id="r", user_id=user_id, command=command, reply_reference=reference
    )
    async with service.components.db.unit_of_work() as session:
        await ReplyHandler(service.tasks).on_reply_received(
            session, "notification.reply.received", event.SerializeToString(), {}
        )


async def statuses(service: Assistance, task_id: str) -> dict[str, str]:
    view = await service.tasks.get(COUNTY_ADMIN, task_id)
    return {a.assignee_id: a.status for a in view.assignments}


async def test_a_task_to_a_role_reaches_its_holders_in_the_subtree_and_each_is_texted(
    service: Assistance,
) -> None:
    view = await service.tasks.assign(
        TOWN_ADMIN, visit(service, role="helper", region_code="370102001000")
    )
    assert await statuses(service, view.task.id) == {
        HELPER.subject: "assigned",
        OTHER_HELPER.subject: "assigned",
    }
    (text,) = await service.texts_requested()
    assert (text.template, sorted(text.user_ids), text.reply_reference) == (
        "task_assigned",
        sorted([HELPER.subject, OTHER_HELPER.subject]),
        f"task:{view.task.id}",
    )


async def test_a_reply_answers_only_the_repliers_own_assignment(service: Assistance) -> None:
    task = (await service.tasks.assign(COUNTY_ADMIN, visit(service, role="helper"))).task
    other = (
        await service.tasks.assign(TOWN_ADMIN, visit(service, assignee_ids=(OTHER_HELPER.subject,)))
    ).task
    await reply(service, HELPER.subject, f"task:{task.id}", "complete")
    await reply(service, HELPER.subject, f"task:{other.id}", "complete")  # not theirs
    await reply(service, HELPER.subject, f"task:{task.id}", "accept")  # too late: done
    assert (await statuses(service, task.id))[HELPER.subject] == "completed"
    assert (await statuses(service, task.id))[NEIGHBOUR_HELPER.subject] == "assigned"
    assert await statuses(service, other.id) == {OTHER_HELPER.subject: "assigned"}
    answered = await service.tasks.respond(OTHER_HELPER, other.id, "accept")
    assert [(a.status, a.via) for a in answered.assignments] == [("accepted", "api")]
    with pytest.raises(FailedPrecondition):
        await service.tasks.respond(OTHER_HELPER, other.id, "accept")
    with pytest.raises(NotFound):
        await service.tasks.respond(HELPER, other.id, "complete")


async def test_the_assigner_sees_late_tasks_and_bad_assignments_change_nothing(
    service: Assistance,
) -> None:
    task = (await service.tasks.assign(TOWN_ADMIN, visit(service, role="helper"))).task
    with pytest.raises(NotFound):
        await service.tasks.assign(OTHER_TOWN_ADMIN, visit(service, assignee_ids=("helper-1",)))
    with pytest.raises(InvalidArgument):
        await service.tasks.assign(TOWN_ADMIN, visit(service, role="inspector"))
    past = NewTask(kind="visit", title="走访", due_at=service.clock.now, role="helper")
    with pytest.raises(InvalidArgument):
        await service.tasks.assign(TOWN_ADMIN, past)
    late = await service.tasks.list_tasks(TOWN_ADMIN, ASSIGNED_BY_ME, True, None, 50)
    assert late == []
    service.clock.advance(days=4)
    await service.tasks.respond(HELPER, task.id, "complete")
    (late_view,) = await service.tasks.list_tasks(TOWN_ADMIN, ASSIGNED_BY_ME, True, None, 50)
    assert {a.assignee_id: late_view.is_overdue(a) for a in late_view.assignments} == {
        HELPER.subject: False,
        OTHER_HELPER.subject: True,
    }
    assert len(await service.texts_requested()) == 1
