"""The explicit state machine of a leader candidate (致富带头人培育): registered → recommended by
the village → in public notice (公示), published by the town → notice closed by the scheduler
at its end → approved or rejected by the county. Each level may reject at its own stage; the
county decides only after the notice has ended and every objection is resolved. Pure rules."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kit.checks import required_text
from kit.errors import FailedPrecondition, PermissionDenied
from kit.territory import Level, level_of


class CandidateStatus(StrEnum):
    REGISTERED = "registered"
    RECOMMENDED = "recommended"
    IN_NOTICE = "in_notice"
    NOTICE_CLOSED = "notice_closed"
    APPROVED = "approved"
    REJECTED = "rejected"


class CandidateAction(StrEnum):
    RECOMMEND = "recommend"
    PUBLISH_NOTICE = "publish_notice"
    APPROVE = "approve"
    REJECT = "reject"


TRANSITIONS = {
    (CandidateStatus.REGISTERED, CandidateAction.RECOMMEND): CandidateStatus.RECOMMENDED,
    (CandidateStatus.REGISTERED, CandidateAction.REJECT): CandidateStatus.REJECTED,
    (CandidateStatus.RECOMMENDED, CandidateAction.PUBLISH_NOTICE): CandidateStatus.IN_NOTICE,
    (CandidateStatus.RECOMMENDED, CandidateAction.REJECT): CandidateStatus.REJECTED,
    (CandidateStatus.NOTICE_CLOSED, CandidateAction.APPROVE): CandidateStatus.APPROVED,
    (CandidateStatus.NOTICE_CLOSED, CandidateAction.REJECT): CandidateStatus.REJECTED,
}

# The level whose turn it is at each open status (the town handles objections in the notice).
OWNER = {
    CandidateStatus.REGISTERED: Level.VILLAGE,
    CandidateStatus.RECOMMENDED: Level.TOWN,
    CandidateStatus.IN_NOTICE: Level.TOWN,
    CandidateStatus.NOTICE_CLOSED: Level.COUNTY,
}

# The step each action records.
STEP_NAMES = {
    CandidateAction.RECOMMEND: "recommended",
    CandidateAction.PUBLISH_NOTICE: "notice_published",
    CandidateAction.APPROVE: "approved",
    CandidateAction.REJECT: "rejected",
}


@dataclass(frozen=True)
class CandidateState:
    status: CandidateStatus
    open_objections: int = 0


def owner_level(status: CandidateStatus) -> Level | None:
    return OWNER.get(status)


def require_level(caller_region: str, needed: Level) -> None:
    """Only the level whose turn it is, or one above it, acts on a candidate."""
    if level_of(caller_region) > needed:
        raise PermissionDenied(
            f"the {needed.name.lower()} level acts on the candidate at this stage",
            reason="NOT_THE_OWNER",
        )


def decide(state: CandidateState, action: CandidateAction, note: str) -> CandidateStatus:
    """The status after `action`, or an error that says why it is not allowed now."""
    required_text(note, "note")
    final = action in (CandidateAction.APPROVE, CandidateAction.REJECT)
    if final and state.status is CandidateStatus.IN_NOTICE:
        raise FailedPrecondition(
            "the public notice has not ended yet: the county decides after it",
            reason="NOTICE_NOT_ENDED",
        )
    if final and state.status is CandidateStatus.NOTICE_CLOSED and state.open_objections:
        raise FailedPrecondition(
            f"{state.open_objections} objection(s) are still open: the town resolves them first",
            reason="OBJECTIONS_OPEN",
        )
    target = TRANSITIONS.get((state.status, action))
    if target is None:
        allowed = [a.value for (s, a) in TRANSITIONS if s is state.status]
        raise FailedPrecondition(
            f"{action} is not allowed for a candidate who is {state.status}; "
            f"allowed: {', '.join(allowed) or 'nothing'}",
            reason="ILLEGAL_TRANSITION",
        )
    return target


def needed_level(state: CandidateState, action: CandidateAction) -> Level:
    """The level an action belongs to: its stage's owner (a rejection: the current owner)."""
    if action is CandidateAction.RECOMMEND:
        return Level.VILLAGE
    if action is CandidateAction.PUBLISH_NOTICE:
        return Level.TOWN
    if action is CandidateAction.APPROVE:
        return Level.COUNTY
    return OWNER.get(state.status, Level.COUNTY)
