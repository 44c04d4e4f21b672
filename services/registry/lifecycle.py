"""The household lifecycle as an explicit state machine: identified → under assistance →
exited → monitored, with return to poverty as a transition of the same record, never a new
one. Pure rules: the service records each transition in the household's history."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from kit.errors import FailedPrecondition, FieldViolation, InvalidArgument
from services.registry.vocabulary import MonitoringCategory, Status


class Action(StrEnum):
    START_ASSISTANCE = "start_assistance"
    EXIT = "exit"  # 脱贫
    START_MONITORING = "start_monitoring"  # 纳入监测
    END_MONITORING = "end_monitoring"  # 风险消除
    RETURN_TO_POVERTY = "return_to_poverty"  # 返贫
    REMOVE = "remove"  # 清退


@dataclass(frozen=True)
class Lifecycle:
    status: Status
    monitoring_category: MonitoringCategory | None = None
    has_exited: bool = False  # ever left poverty: decides where monitoring ends

    @classmethod
    def registered_poor(cls) -> Lifecycle:
        return cls(Status.IDENTIFIED)

    @classmethod
    def registered_for_monitoring(cls, category: MonitoringCategory) -> Lifecycle:
        """A household that was never registered poor enters monitoring directly."""
        if category is MonitoringCategory.UNSTABLE_EXITED:
            raise InvalidArgument(
                "only a household that has exited poverty can be an unstable exited household",
                reason="MONITORING_CATEGORY_NOT_ALLOWED",
            )
        return cls(Status.MONITORED, category)


# (from, action) -> to; monitoring categories are checked separately.
TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.IDENTIFIED, Action.START_ASSISTANCE): Status.UNDER_ASSISTANCE,
    (Status.IDENTIFIED, Action.REMOVE): Status.REMOVED,
    (Status.UNDER_ASSISTANCE, Action.EXIT): Status.EXITED,
    (Status.UNDER_ASSISTANCE, Action.REMOVE): Status.REMOVED,
    (Status.EXITED, Action.START_MONITORING): Status.MONITORED,
    (Status.EXITED, Action.RETURN_TO_POVERTY): Status.UNDER_ASSISTANCE,
    (Status.MONITORED, Action.END_MONITORING): Status.EXITED,  # or CLEARED, see below
    (Status.MONITORED, Action.RETURN_TO_POVERTY): Status.UNDER_ASSISTANCE,
    (Status.CLEARED, Action.START_MONITORING): Status.MONITORED,
}


def allowed_actions(state: Lifecycle) -> list[Action]:
    return [action for (status, action) in TRANSITIONS if status is state.status]


def apply(
    state: Lifecycle, action: Action, *, reason: str, category: MonitoringCategory | None = None
) -> Lifecycle:
    """The state after `action`, or an error that says why it is not allowed."""
    if not reason.strip():
        raise InvalidArgument(
            "every lifecycle transition needs a reason",
            reason="REASON_REQUIRED",
            violations=[FieldViolation("reason", "required")],
        )
    target = TRANSITIONS.get((state.status, action))
    if target is None:
        allowed = ", ".join(allowed_actions(state)) or "none"
        raise FailedPrecondition(
            f"a household that is {state.status} cannot {action}; allowed: {allowed}",
            reason="ILLEGAL_TRANSITION",
        )
    if action is Action.START_MONITORING:
        return replace(
            state, status=target, monitoring_category=_monitoring_category(state, category)
        )
    if action is Action.END_MONITORING:
        return replace(
            state,
            status=Status.EXITED if state.has_exited else Status.CLEARED,
            monitoring_category=None,
        )
    return replace(
        state,
        status=target,
        monitoring_category=None,
        has_exited=state.has_exited or target is Status.EXITED,
    )


def _monitoring_category(
    state: Lifecycle, category: MonitoringCategory | None
) -> MonitoringCategory:
    if category is None:
        raise InvalidArgument(
            "starting monitoring needs a monitoring category",
            reason="MONITORING_CATEGORY_REQUIRED",
            violations=[FieldViolation("monitoring_category", "required")],
        )
    if category is MonitoringCategory.UNSTABLE_EXITED and not state.has_exited:
        raise InvalidArgument(
            "only a household that has exited poverty can be an unstable exited household",
            reason="MONITORING_CATEGORY_NOT_ALLOWED",
        )
    if category is MonitoringCategory.MARGINAL and state.has_exited:
        raise InvalidArgument(
            "a household that has exited poverty is monitored as unstable, not marginal",
            reason="MONITORING_CATEGORY_NOT_ALLOWED",
        )
    return category
