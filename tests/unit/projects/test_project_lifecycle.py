"""The project's state machine: who acts at each stage, what each action leads to, what needs
a reason, and each level's deadline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kit.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from kit.territory import Level
from services.projects.lifecycle import (
    ProjectAction,
    ProjectStatus,
    ReviewDays,
    decide,
    due_at,
    is_overdue,
    needed_level,
    owner_level,
    proposer_level,
    require_level,
)

NOW = datetime(2026, 12, 1, tzinfo=UTC)
DAYS = ReviewDays(town=timedelta(days=10), county=timedelta(days=15))
S, A = ProjectStatus, ProjectAction


@pytest.mark.parametrize(
    ("status", "action", "target"),
    [
        (S.PROPOSED, A.FORWARD, S.IN_NOTICE),
        (S.PROPOSED, A.RETURN, S.RETURNED),
        (S.RETURNED, A.RESUBMIT, S.PROPOSED),
        (S.IN_NOTICE, A.APPROVE, S.PLANNED),
        (S.IN_NOTICE, A.REJECT, S.REJECTED),
    ],
)
def test_each_stage_allows_its_own_actions(status, action, target) -> None:  # type: ignore[no-untyped-def]
    assert decide(status, action, "理由") is target


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (S.PROPOSED, A.APPROVE),  # the town has not forwarded it
        (S.RETURNED, A.FORWARD),
        (S.IN_NOTICE, A.RETURN),
        (S.PLANNED, A.REJECT),
        (S.REJECTED, A.RESUBMIT),
        (S.IN_PROGRESS, A.APPROVE),
    ],
)
def test_any_other_action_is_refused_saying_what_is_allowed(status, action) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FailedPrecondition, match="allowed"):
        decide(status, action, "理由")


def test_a_return_and_a_rejection_need_a_reason() -> None:
    for action in (A.RETURN, A.REJECT):
        status = S.PROPOSED if action is A.RETURN else S.IN_NOTICE
        with pytest.raises(InvalidArgument):
            decide(status, action, "  ")
    assert decide(S.PROPOSED, A.FORWARD, "") is S.IN_NOTICE


def test_the_town_reviews_the_county_decides_the_proposer_resubmits() -> None:
    assert needed_level(A.FORWARD, Level.VILLAGE) is Level.TOWN
    assert needed_level(A.APPROVE, Level.VILLAGE) is Level.COUNTY
    assert needed_level(A.RESUBMIT, Level.TOWN) is Level.TOWN
    require_level("370102000000", Level.TOWN)  # the county may act for the town
    with pytest.raises(PermissionDenied):
        require_level("370102001001", Level.TOWN)
    assert (owner_level("proposed"), owner_level("in_notice"), owner_level("planned")) == (
        Level.TOWN,
        Level.COUNTY,
        None,
    )


def test_a_project_is_where_a_village_or_a_town_is() -> None:
    assert proposer_level("370102001001") is Level.VILLAGE
    assert proposer_level("370102001000") is Level.TOWN
    assert proposer_level("370102000000") is None


def test_each_level_has_its_days_and_is_overdue_after_them() -> None:
    assert due_at(S.PROPOSED, NOW, DAYS, None) == NOW + timedelta(days=10)
    ends = NOW + timedelta(days=7)
    assert due_at(S.IN_NOTICE, NOW, DAYS, ends) == ends + timedelta(days=15)
    assert due_at(S.PLANNED, NOW, DAYS, ends) is None
    due = NOW + timedelta(days=10)
    assert not is_overdue(due, NOW) and is_overdue(due, due + timedelta(seconds=1))
    assert not is_overdue(None, NOW)
