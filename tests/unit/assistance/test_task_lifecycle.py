"""A cadre's task: assigned → accepted → completed, or completed at once; completed is final."""

from __future__ import annotations

import pytest

from kit.errors import FailedPrecondition
from services.assistance.lifecycle import TaskAction, TaskStatus, answer_task


def test_a_task_is_accepted_then_completed_or_completed_at_once() -> None:
    accepted = answer_task(TaskStatus.ASSIGNED, TaskAction.ACCEPT)
    assert accepted is TaskStatus.ACCEPTED
    assert answer_task(accepted, TaskAction.COMPLETE) is TaskStatus.COMPLETED
    assert answer_task(TaskStatus.ASSIGNED, TaskAction.COMPLETE) is TaskStatus.COMPLETED


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (TaskStatus.ACCEPTED, TaskAction.ACCEPT),
        (TaskStatus.COMPLETED, TaskAction.ACCEPT),
        (TaskStatus.COMPLETED, TaskAction.COMPLETE),
    ],
)
def test_an_answer_that_no_longer_applies_is_refused(
    status: TaskStatus, action: TaskAction
) -> None:
    with pytest.raises(FailedPrecondition) as refused:
        answer_task(status, action)
    assert refused.value.reason == "ILLEGAL_TASK_ANSWER"
