"""The explicit state machine of a project in the library (扶贫项目库): proposed by a village or
town → reviewed by the town (forwarded to the county, its public notice starting; or returned
with a reason, to be resubmitted) → in public notice (公示) → approved into the year's plan or
rejected with a reason by the county, once the notice has ended with no open objection. Funds
and progress move a planned project on (in progress, completed, accepted). Pure rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from kit.checks import required_text
from kit.errors import FailedPrecondition, PermissionDenied
from kit.territory import Level, level_of


class ProjectStatus(StrEnum):
    PROPOSED = "proposed"
    RETURNED = "returned"
    IN_NOTICE = "in_notice"
    PLANNED = "planned"
    REJECTED = "rejected"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    ACCEPTED = "accepted"


class ProjectAction(StrEnum):
    FORWARD = "forward"
    RETURN = "return"
    RESUBMIT = "resubmit"
    APPROVE = "approve"
    REJECT = "reject"


TRANSITIONS = {
    (ProjectStatus.PROPOSED, ProjectAction.FORWARD): ProjectStatus.IN_NOTICE,
    (ProjectStatus.PROPOSED, ProjectAction.RETURN): ProjectStatus.RETURNED,
    (ProjectStatus.RETURNED, ProjectAction.RESUBMIT): ProjectStatus.PROPOSED,
    (ProjectStatus.IN_NOTICE, ProjectAction.APPROVE): ProjectStatus.PLANNED,
    (ProjectStatus.IN_NOTICE, ProjectAction.REJECT): ProjectStatus.REJECTED,
}

# The step each action records.
STEP_NAMES = {
    ProjectAction.FORWARD: "forwarded",
    ProjectAction.RETURN: "returned",
    ProjectAction.RESUBMIT: "resubmitted",
    ProjectAction.APPROVE: "approved",
    ProjectAction.REJECT: "rejected",
}
NOTE_REQUIRED = (ProjectAction.RETURN, ProjectAction.REJECT)
# Whose turn it is at each open status (the town resolves objections during the notice; the
# county decides after it); a returned project is its proposer's.
OWNER = {ProjectStatus.PROPOSED: Level.TOWN, ProjectStatus.IN_NOTICE: Level.COUNTY}


@dataclass(frozen=True)
class ReviewDays:
    """The days each level has to act on a project (settings)."""

    town: timedelta
    county: timedelta


def owner_level(status: str) -> Level | None:
    return OWNER.get(ProjectStatus(status))


def proposer_level(region_code: str) -> Level | None:
    """A project is where a village or a town is; None for a code of another level."""
    level = level_of(region_code)
    return level if level in (Level.VILLAGE, Level.TOWN) else None


def needed_level(action: ProjectAction, proposed_at: Level) -> Level:
    """The level an action belongs to (an officer above it may act for it)."""
    if action is ProjectAction.RESUBMIT:
        return proposed_at
    if action in (ProjectAction.FORWARD, ProjectAction.RETURN):
        return Level.TOWN
    return Level.COUNTY


def require_level(caller_region: str, needed: Level) -> None:
    """Only the level whose turn it is, or one above it, acts on a project."""
    if level_of(caller_region) > needed:
        raise PermissionDenied(
            f"the {needed.name.lower()} level acts on the project at this stage",
            reason="NOT_THE_OWNER",
        )


def decide(status: str, action: ProjectAction, note: str) -> ProjectStatus:
    """The status after `action`, or an error that says why it is not allowed now (the
    notice's own rules — ended, no open objection — are kit.public_notice's)."""
    if action in NOTE_REQUIRED:
        required_text(note, "note")
    current = ProjectStatus(status)
    target = TRANSITIONS.get((current, action))
    if target is None:
        allowed = [a.value for (s, a) in TRANSITIONS if s is current]
        raise FailedPrecondition(
            f"{action} is not allowed for a project that is {current}; "
            f"allowed: {', '.join(allowed) or 'nothing'}",
            reason="ILLEGAL_TRANSITION",
        )
    return target


def due_at(
    status: ProjectStatus, now: datetime, days: ReviewDays, notice_ends_at: datetime | None
) -> datetime | None:
    """When the level whose turn it becomes must have acted: the town from the proposal, the
    county from the end of the notice; nobody's deadline otherwise."""
    if status is ProjectStatus.PROPOSED:
        return now + days.town
    if status is ProjectStatus.IN_NOTICE and notice_ends_at is not None:
        return notice_ends_at + days.county
    return None


def is_overdue(due: datetime | None, now: datetime) -> bool:
    return due is not None and due < now
