"""The return-to-poverty alert's state machine: the town verifies, the county reviews and
closes, either may dismiss; every step needs its text and nothing follows a final state."""

from __future__ import annotations

import pytest

from kit.errors import FailedPrecondition, InvalidArgument
from services.assistance.lifecycle import AlertAction, AlertState, AlertStatus, act_on_alert

VILLAGE, TOWN, COUNTY = "370102001001", "370102001000", "370102000000"


def test_a_raised_alert_goes_to_the_town_then_the_county_and_closes_with_its_outcome() -> None:
    raised = AlertState.raised(VILLAGE)
    assert raised == AlertState(AlertStatus.RAISED, TOWN)
    verified = act_on_alert(raised, AlertAction.VERIFY, text="住院花费8万元属实")
    assert verified == AlertState(AlertStatus.VERIFIED, COUNTY)
    reviewed = act_on_alert(verified, AlertAction.REVIEW, text="纳入监测，落实大病救助")
    assert reviewed == AlertState(AlertStatus.REVIEWED, COUNTY)
    closed = act_on_alert(reviewed, AlertAction.CLOSE, text="风险已消除")
    assert closed == AlertState(AlertStatus.CLOSED, COUNTY)


@pytest.mark.parametrize(
    ("state", "owner"),
    [(AlertState.raised(VILLAGE), TOWN), (AlertState(AlertStatus.VERIFIED, COUNTY), COUNTY)],
)
def test_the_town_or_the_county_dismisses_with_a_reason(state: AlertState, owner: str) -> None:
    dismissed = act_on_alert(state, AlertAction.DISMISS, text="收入未下降")
    assert dismissed == AlertState(AlertStatus.DISMISSED, owner)


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (AlertStatus.RAISED, AlertAction.REVIEW),  # the town has not verified it
        (AlertStatus.RAISED, AlertAction.CLOSE),
        (AlertStatus.VERIFIED, AlertAction.VERIFY),
        (AlertStatus.REVIEWED, AlertAction.DISMISS),  # confirmed: it closes with its outcome
        (AlertStatus.CLOSED, AlertAction.CLOSE),
        (AlertStatus.DISMISSED, AlertAction.VERIFY),
    ],
)
def test_steps_out_of_order_are_refused(status: AlertStatus, action: AlertAction) -> None:
    with pytest.raises(FailedPrecondition) as refused:
        act_on_alert(AlertState(status, COUNTY), action, text="理由")
    assert refused.value.reason == "ILLEGAL_ALERT_STEP"


def test_every_step_needs_its_text() -> None:
    with pytest.raises(InvalidArgument):
        act_on_alert(AlertState.raised(VILLAGE), AlertAction.VERIFY, text="  ")
