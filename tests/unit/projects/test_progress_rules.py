"""The rules of a project's progress: milestones, reports, acceptance, overdue, benefits."""

from __future__ import annotations

from datetime import date

import pytest

from kit.errors import FailedPrecondition, InvalidArgument
from services.projects.progress_rules import (
    MilestoneState,
    NewBenefit,
    NewMilestone,
    Outcome,
    check_photo_count,
    checked_acceptance,
    checked_benefit,
    checked_done_on,
    checked_milestones,
    checked_report,
    is_overdue,
)

TODAY = date(2025, 6, 1)


def fields(error: InvalidArgument) -> set[str]:
    return {v.field for v in error.violations}


def test_milestones_are_trimmed_and_fall_within_the_projects_years() -> None:
    milestones = [
        NewMilestone(" 开工 ", date(2025, 3, 1)),
        NewMilestone("完工", date(2027, 12, 31)),
    ]
    assert [m.name for m in checked_milestones(milestones, 2025)] == ["开工", "完工"]


def test_every_wrong_milestone_is_named() -> None:
    wrong = [
        NewMilestone("", date(2025, 3, 1)),
        NewMilestone("开工", date(2024, 12, 31)),
        NewMilestone("开工", date(2028, 1, 1)),
    ]
    with pytest.raises(InvalidArgument) as refused:
        checked_milestones(wrong, 2025)
    assert fields(refused.value) == {
        "milestones[0].name",
        "milestones[1].planned_on",
        "milestones[2].planned_on",
        "milestones",  # two of the same name
    }


def test_a_project_has_at_most_thirty_milestones() -> None:
    with pytest.raises(InvalidArgument):
        checked_milestones([NewMilestone("最后", date(2025, 1, 1))], 2025, existing=30)


def test_a_milestone_is_not_done_in_the_future() -> None:
    assert checked_done_on(TODAY, TODAY) == TODAY
    with pytest.raises(InvalidArgument):
        checked_done_on(date(2025, 6, 2), TODAY)


def test_progress_never_goes_back_and_stays_within_a_hundred_percent() -> None:
    assert checked_report(60, " 主体完工 ", last_percent=40) == "主体完工"
    for percent, last in ((30, 40), (101, 0), (-1, 0)):
        with pytest.raises(InvalidArgument) as refused:
            checked_report(percent, "", last_percent=last)
        assert fields(refused.value) == {"percent_done"}
    check_photo_count(9)
    with pytest.raises(InvalidArgument):
        check_photo_count(10)


def test_acceptance_needs_every_milestone_done_and_a_hundred_percent() -> None:
    done = [MilestoneState(date(2025, 3, 1), date(2025, 3, 2))]
    assert checked_acceptance("accepted", "", done, 100) == (Outcome.ACCEPTED, "")
    open_ = [*done, MilestoneState(date(2025, 9, 1), None)]
    for milestones, percent in ((open_, 100), (done, 90), ([], 100)):
        with pytest.raises(FailedPrecondition):
            checked_acceptance("accepted", "", milestones, percent)


def test_a_failed_acceptance_says_what_failed_and_needs_no_completed_project() -> None:
    open_ = [MilestoneState(date(2025, 9, 1), None)]
    assert checked_acceptance("failed", " 护栏未装 ", open_, 80) == (Outcome.FAILED, "护栏未装")
    with pytest.raises(InvalidArgument) as refused:
        checked_acceptance("failed", " ", open_, 80)
    assert fields(refused.value) == {"findings"}
    with pytest.raises(InvalidArgument) as refused:
        checked_acceptance("passed", "", open_, 80)
    assert fields(refused.value) == {"outcome"}


def test_a_milestone_past_its_day_and_not_done_is_overdue() -> None:
    assert is_overdue(MilestoneState(date(2025, 5, 31), None), TODAY)
    assert not is_overdue(MilestoneState(date(2025, 6, 1), None), TODAY)
    assert not is_overdue(MilestoneState(date(2025, 5, 1), date(2025, 5, 30)), TODAY)


def test_a_benefit_goes_to_a_beneficiary_of_a_known_kind_in_whole_positive_fen() -> None:
    good = NewBenefit("h1", "dividend", 2025, 123456)
    assert checked_benefit(good, {"h1"}, 2025) == good
    with pytest.raises(InvalidArgument) as refused:
        checked_benefit(NewBenefit("h1", "gift", 2026, 0), {"h1"}, 2025)
    assert fields(refused.value) == {"kind", "year", "amount_fen"}
    with pytest.raises(InvalidArgument) as refused:
        checked_benefit(good, {"h2"}, 2025)
    assert refused.value.reason == "NOT_A_BENEFICIARY"
