"""The need's state machine: open at the village, up one level per escalation to the province,
resolved or answered once and for all; every move needs a reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kit.errors import FailedPrecondition, InvalidArgument
from services.assistance.domain import Deadlines, level_name
from services.assistance.lifecycle import NeedAction, NeedState, NeedStatus, apply, can_escalate
from services.assistance.settings import AssistanceSettings

VILLAGE = "370102001001"


def test_a_need_climbs_one_level_per_escalation_up_to_the_province() -> None:
    state = NeedState.filed(VILLAGE)
    path = []
    while can_escalate(state):
        state = apply(state, NeedAction.ESCALATE, reason="上级统筹")
        path.append(level_name(state.owner_region))
    assert path == ["town", "county", "city", "province"]
    assert state.owner_region == "370000000000"
    with pytest.raises(FailedPrecondition) as refused:
        apply(state, NeedAction.ESCALATE, reason="再上报")
    assert refused.value.reason == "TOP_LEVEL"


@pytest.mark.parametrize(
    ("action", "status"),
    [(NeedAction.RESOLVE, NeedStatus.RESOLVED), (NeedAction.ANSWER, NeedStatus.ANSWERED)],
)
def test_resolving_or_answering_closes_the_need_for_good(
    action: NeedAction, status: NeedStatus
) -> None:
    closed = apply(NeedState.filed(VILLAGE), action, reason="已办结")
    assert closed == NeedState(status, VILLAGE)
    for then in NeedAction:
        with pytest.raises(FailedPrecondition):
            apply(closed, then, reason="再处理")
    assert not can_escalate(closed)


def test_every_move_needs_a_reason() -> None:
    with pytest.raises(InvalidArgument) as refused:
        apply(NeedState.filed(VILLAGE), NeedAction.ESCALATE, reason="  ")
    assert refused.value.reason == "REASON_REQUIRED"


def test_each_level_has_its_own_deadline_and_urgent_needs_less_time() -> None:
    settings = AssistanceSettings()
    deadlines = Deadlines(settings.need_deadline_hours, settings.urgent_need_deadline_hours)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    assert deadlines.due(VILLAGE, False, start) == start + timedelta(hours=72)
    assert deadlines.due("370102001000", False, start) == start + timedelta(hours=120)
    assert deadlines.due(VILLAGE, True, start) < deadlines.due(VILLAGE, False, start)


def test_deadlines_must_cover_every_level() -> None:
    with pytest.raises(ValueError, match="each of village"):
        AssistanceSettings(need_deadline_hours={"village": 1.0})
