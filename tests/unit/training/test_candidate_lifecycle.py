"""The leader candidate's state machine: each stage's action, the county's decision only after
the notice and with no objection open, each level at its own stage."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kit.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from kit.territory import Level
from services.training.lifecycle import (
    CandidateAction,
    CandidateState,
    CandidateStatus,
    decide,
    needed_level,
    require_level,
)

S, A = CandidateStatus, CandidateAction
NOW = datetime(2026, 11, 23, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "action", "target"),
    [
        (S.REGISTERED, A.RECOMMEND, S.RECOMMENDED),
        (S.REGISTERED, A.REJECT, S.REJECTED),
        (S.RECOMMENDED, A.PUBLISH_NOTICE, S.IN_NOTICE),
        (S.RECOMMENDED, A.REJECT, S.REJECTED),
        (S.NOTICE_CLOSED, A.APPROVE, S.APPROVED),
        (S.NOTICE_CLOSED, A.REJECT, S.REJECTED),
    ],
)
def test_each_stage_moves_on_with_its_own_action(
    status: CandidateStatus, action: CandidateAction, target: CandidateStatus
) -> None:
    assert decide(CandidateState(status), action, "意见") is target


def test_a_candidate_cannot_skip_a_stage_or_move_once_decided() -> None:
    for status, action in [
        (S.REGISTERED, A.PUBLISH_NOTICE),
        (S.REGISTERED, A.APPROVE),
        (S.RECOMMENDED, A.APPROVE),
        (S.APPROVED, A.REJECT),
        (S.REJECTED, A.RECOMMEND),
    ]:
        with pytest.raises(FailedPrecondition):
            decide(CandidateState(status), action, "意见")


def test_the_county_decides_only_after_the_notice_and_with_every_objection_resolved() -> None:
    for action in (A.APPROVE, A.REJECT):
        with pytest.raises(FailedPrecondition, match="not ended"):
            decide(CandidateState(S.IN_NOTICE), action, "同意")
        with pytest.raises(FailedPrecondition, match="objection"):
            decide(CandidateState(S.NOTICE_CLOSED, open_objections=1), action, "同意")


def test_every_decision_needs_a_note() -> None:
    with pytest.raises(InvalidArgument):
        decide(CandidateState(S.NOTICE_CLOSED), A.REJECT, "  ")


def test_each_level_acts_at_its_own_stage_or_from_above() -> None:
    assert needed_level(CandidateState(S.REGISTERED), A.RECOMMEND) is Level.VILLAGE
    assert needed_level(CandidateState(S.RECOMMENDED), A.REJECT) is Level.TOWN
    assert needed_level(CandidateState(S.NOTICE_CLOSED), A.REJECT) is Level.COUNTY
    require_level("370102000000", Level.TOWN)  # a county may act at the town's stage
    with pytest.raises(PermissionDenied):
        require_level("370102001000", Level.COUNTY)
    with pytest.raises(PermissionDenied):
        require_level("370102001001", Level.TOWN)
