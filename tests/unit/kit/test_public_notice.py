"""The rules of the one public notice (公示): objections only while it runs, a period over is
ended for every reader whether a scheduler closed it yet or not, and the subject proceeds only
once it has ended with no objection open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kit.errors import FailedPrecondition
from kit.public_notice import NoticeState, PublicNotice, is_running, require_may_proceed, state_at

NOW = datetime(2026, 12, 7, tzinfo=UTC)


def notice(open_objections: int = 0, state: NoticeState = NoticeState.RUNNING) -> PublicNotice:
    return PublicNotice(
        id="n1",
        kind="household_exit",
        subject_id="h1",
        region_code="370102001001",
        title="张三",
        state=state,
        starts_at=NOW,
        ends_at=NOW + timedelta(days=7),
        open_objections=open_objections,
        published_by="u1",
    )


def test_a_notice_runs_until_its_end_and_is_ended_after_it() -> None:
    ends = NOW + timedelta(days=7)
    assert is_running(notice(), NOW) and state_at(notice(), NOW) is NoticeState.RUNNING
    assert not is_running(notice(), ends) and state_at(notice(), ends) is NoticeState.ENDED
    assert not is_running(notice(state=NoticeState.DECIDED), NOW)


@pytest.mark.parametrize(
    ("subject", "at", "reason"),
    [
        (notice(), NOW, "not ended"),
        (notice(open_objections=1), NOW + timedelta(days=7), "still open"),
        (notice(state=NoticeState.DECIDED), NOW + timedelta(days=8), "decided"),
    ],
)
def test_the_subject_proceeds_only_after_the_notice_with_no_objection_open(
    subject: PublicNotice, at: datetime, reason: str
) -> None:
    with pytest.raises(FailedPrecondition, match=reason):
        require_may_proceed(subject, at)


def test_an_ended_notice_without_objections_lets_the_subject_proceed() -> None:
    require_may_proceed(notice(state=NoticeState.ENDED), NOW + timedelta(days=7))
