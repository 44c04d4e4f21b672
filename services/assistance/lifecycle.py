"""The explicit state machines of assistance. A need's path: open at the village; each owner
level may resolve it, answer it, or escalate it to the parent level (village → town → county →
city → province); resolved and answered are final. A cadre's task: assigned → accepted →
completed. A return-to-poverty alert: raised → verified by the town → reviewed by the county
with measures → closed with its outcome, or dismissed. Pure rules: the services record every
step."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from kit.checks import required_text
from kit.errors import FailedPrecondition
from kit.territory import parent_code


class NeedStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    ANSWERED = "answered"


class NeedAction(StrEnum):
    RESOLVE = "resolve"
    ANSWER = "answer"
    ESCALATE = "escalate"


# The step each action records; an escalation by the deadline is recorded as auto_escalated.
STEP_NAMES = {
    NeedAction.RESOLVE: "resolved",
    NeedAction.ANSWER: "answered",
    NeedAction.ESCALATE: "escalated",
}
AUTO_ESCALATED = "auto_escalated"
FILED = "filed"


@dataclass(frozen=True)
class NeedState:
    status: NeedStatus
    owner_region: str

    @classmethod
    def filed(cls, village_code: str) -> NeedState:
        """A new need: the household's village owns it first."""
        return cls(NeedStatus.OPEN, village_code)


def can_escalate(state: NeedState) -> bool:
    return state.status is NeedStatus.OPEN and parent_code(state.owner_region) is not None


def apply(state: NeedState, action: NeedAction, *, reason: str) -> NeedState:
    """The state after `action`, or an error that says why it is not allowed."""
    required_text(reason, "reason")
    if state.status is not NeedStatus.OPEN:
        raise FailedPrecondition(
            f"the need is {state.status} already; nothing more can be done with it",
            reason="NEED_CLOSED",
        )
    if action is NeedAction.RESOLVE:
        return replace(state, status=NeedStatus.RESOLVED)
    if action is NeedAction.ANSWER:
        return replace(state, status=NeedStatus.ANSWERED)
    parent = parent_code(state.owner_region)
    if parent is None:
        raise FailedPrecondition(
            "the province owns this need: there is no level above to escalate it to",
            reason="TOP_LEVEL",
        )
    return replace(state, owner_region=parent)


class TaskStatus(StrEnum):
    ASSIGNED = "assigned"
    ACCEPTED = "accepted"
    COMPLETED = "completed"


class TaskAction(StrEnum):
    ACCEPT = "accept"  # an SMS reply `1`
    COMPLETE = "complete"  # an SMS reply `2`


# A cadre's assignment: (from, action) -> to. Completing without accepting first is allowed.
TASK_TRANSITIONS = {
    (TaskStatus.ASSIGNED, TaskAction.ACCEPT): TaskStatus.ACCEPTED,
    (TaskStatus.ASSIGNED, TaskAction.COMPLETE): TaskStatus.COMPLETED,
    (TaskStatus.ACCEPTED, TaskAction.COMPLETE): TaskStatus.COMPLETED,
}


def answer_task(status: TaskStatus, action: TaskAction) -> TaskStatus:
    """The assignment's status after the cadre's answer, or why the answer does not apply."""
    target = TASK_TRANSITIONS.get((status, action))
    if target is None:
        raise FailedPrecondition(
            f"a task that is {status} cannot be answered with {action}",
            reason="ILLEGAL_TASK_ANSWER",
        )
    return target


class AlertStatus(StrEnum):
    RAISED = "raised"
    VERIFIED = "verified"
    REVIEWED = "reviewed"
    CLOSED = "closed"
    DISMISSED = "dismissed"


class AlertAction(StrEnum):
    VERIFY = "verify"  # the town confirms the risk
    REVIEW = "review"  # the county confirms it and sets the intervention measures
    CLOSE = "close"  # the county records the outcome
    DISMISS = "dismiss"  # the town or the county finds no risk


# A return-to-poverty alert (返贫预警): (from, action) -> to, each by the level owning `from`.
ALERT_TRANSITIONS = {
    (AlertStatus.RAISED, AlertAction.VERIFY): AlertStatus.VERIFIED,
    (AlertStatus.RAISED, AlertAction.DISMISS): AlertStatus.DISMISSED,
    (AlertStatus.VERIFIED, AlertAction.REVIEW): AlertStatus.REVIEWED,
    (AlertStatus.VERIFIED, AlertAction.DISMISS): AlertStatus.DISMISSED,
    (AlertStatus.REVIEWED, AlertAction.CLOSE): AlertStatus.CLOSED,
}
ALERT_STEP_NAMES = {
    AlertAction.VERIFY: "verified",
    AlertAction.REVIEW: "reviewed",
    AlertAction.CLOSE: "closed",
    AlertAction.DISMISS: "dismissed",
}
RAISED = "raised"


@dataclass(frozen=True)
class AlertState:
    status: AlertStatus
    owner_region: str  # the town while raised, the county while verified or reviewed

    @classmethod
    def raised(cls, village_code: str) -> AlertState:
        """A new alert: the household's town verifies it first."""
        return cls(AlertStatus.RAISED, _parent(village_code))


def _parent(region_code: str) -> str:
    parent = parent_code(region_code)
    if parent is None:
        raise FailedPrecondition("the region has no level above it", reason="TOP_LEVEL")
    return parent


def act_on_alert(state: AlertState, action: AlertAction, *, text: str) -> AlertState:
    """The state after `action` with its `text` (the findings, the measures, the outcome or
    why it is dismissed), or an error that says why it is not allowed."""
    required_text(text, "text")
    target = ALERT_TRANSITIONS.get((state.status, action))
    if target is None:
        raise FailedPrecondition(
            f"an alert that is {state.status} cannot be given {action}",
            reason="ILLEGAL_ALERT_STEP",
        )
    if target is AlertStatus.VERIFIED:
        return AlertState(target, _parent(state.owner_region))
    return replace(state, status=target)
