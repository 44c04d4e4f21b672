"""The household lifecycle: every legal path, and clear refusals for the rest."""

from __future__ import annotations

import pytest

from kit.errors import FailedPrecondition, InvalidArgument
from services.registry.lifecycle import Action, Lifecycle, allowed_actions, apply
from services.registry.vocabulary import MonitoringCategory, Status


def walk(state: Lifecycle, *steps: Action | tuple[Action, MonitoringCategory]) -> Lifecycle:
    for step in steps:
        action, category = step if isinstance(step, tuple) else (step, None)
        state = apply(state, action, reason="核实", category=category)
    return state


def test_a_poor_household_is_assisted_exits_is_monitored_and_the_risk_ends() -> None:
    state = walk(
        Lifecycle.registered_poor(),
        Action.START_ASSISTANCE,
        Action.EXIT,
        (Action.START_MONITORING, MonitoringCategory.UNSTABLE_EXITED),
    )
    assert (state.status, state.monitoring_category) == (
        Status.MONITORED,
        MonitoringCategory.UNSTABLE_EXITED,
    )
    assert walk(state, Action.END_MONITORING) == Lifecycle(Status.EXITED, None, has_exited=True)


def test_returning_to_poverty_is_a_transition_of_the_same_record() -> None:
    exited = walk(Lifecycle.registered_poor(), Action.START_ASSISTANCE, Action.EXIT)
    returned = walk(exited, Action.RETURN_TO_POVERTY)
    assert returned.status is Status.UNDER_ASSISTANCE and returned.has_exited
    monitored = walk(exited, (Action.START_MONITORING, MonitoringCategory.SUDDEN_HARDSHIP))
    assert walk(monitored, Action.RETURN_TO_POVERTY).status is Status.UNDER_ASSISTANCE


def test_a_marginal_household_never_poor_is_cleared_when_its_risk_ends() -> None:
    state = Lifecycle.registered_for_monitoring(MonitoringCategory.MARGINAL)
    cleared = walk(state, Action.END_MONITORING)
    assert cleared.status is Status.CLEARED and cleared.monitoring_category is None
    assert (
        walk(cleared, (Action.START_MONITORING, MonitoringCategory.SUDDEN_HARDSHIP)).status
        is Status.MONITORED
    )


@pytest.mark.parametrize(
    ("steps", "action"),
    [
        ((), Action.EXIT),  # identified households have not been assisted yet
        ((Action.START_ASSISTANCE,), Action.START_MONITORING),
        ((Action.START_ASSISTANCE, Action.EXIT), Action.REMOVE),
        ((Action.REMOVE,), Action.START_ASSISTANCE),
    ],
)
def test_illegal_transitions_are_refused_naming_what_is_allowed(
    steps: tuple[Action, ...], action: Action
) -> None:
    state = walk(Lifecycle.registered_poor(), *steps)
    with pytest.raises(FailedPrecondition) as refused:
        apply(state, action, reason="试图", category=MonitoringCategory.SUDDEN_HARDSHIP)
    assert refused.value.reason == "ILLEGAL_TRANSITION"
    assert all(str(allowed) in refused.value.message for allowed in allowed_actions(state))


def test_monitoring_categories_must_fit_the_households_past() -> None:
    exited = walk(Lifecycle.registered_poor(), Action.START_ASSISTANCE, Action.EXIT)
    with pytest.raises(InvalidArgument):
        apply(exited, Action.START_MONITORING, reason="x", category=MonitoringCategory.MARGINAL)
    with pytest.raises(InvalidArgument):
        apply(exited, Action.START_MONITORING, reason="x")
    with pytest.raises(InvalidArgument):
        Lifecycle.registered_for_monitoring(MonitoringCategory.UNSTABLE_EXITED)


def test_every_transition_needs_a_reason() -> None:
    with pytest.raises(InvalidArgument):
        apply(Lifecycle.registered_poor(), Action.START_ASSISTANCE, reason="  ")
