"""The village work team on SQLite and PostgreSQL: one check-in a day with its position, work
log entries, one monthly report per village and month; a region's records cover exactly the
caller's subtree; bad input and a second check-in or report change nothing."""

from __future__ import annotations

import pytest

from kit.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from services.assistance.work_team_service import WorkTeamService
from tests.integration.assistance.conftest import (
    NEIGHBOUR,
    OTHER_TOWN_ADMIN,
    TOWN_ADMIN,
    VILLAGE,
    VILLAGE_TEAM,
    Assistance,
    cadre,
)

NEIGHBOUR_TEAM = cadre("team-2", NEIGHBOUR, "work_team")
MONTH = "2026-11"  # START is 2026-11-23 10:00 in Shandong


async def test_members_check_in_log_work_and_report_for_their_village(
    service: Assistance,
) -> None:
    team = WorkTeamService(service.components)
    checked = await team.check_in(VILLAGE_TEAM, 36.6, 117.0, " 入户走访 ")
    assert (checked.day, checked.village_code, checked.note) == ("2026-11-23", VILLAGE, "入户走访")
    with pytest.raises(AlreadyExists):
        await team.check_in(VILLAGE_TEAM, 36.6, 117.0, "")
    service.clock.advance(days=1)
    await team.check_in(VILLAGE_TEAM, 36.6, 117.0, "")
    await team.check_in(NEIGHBOUR_TEAM, 36.7, 117.1, "")
    with pytest.raises(InvalidArgument):
        await team.check_in(VILLAGE_TEAM, None, 117.0, "")

    await team.log_work(VILLAGE_TEAM, "2026-11-20", "召开村民代表大会")
    await team.log_work(VILLAGE_TEAM, "", "走访3户监测户")
    for day, content in (("2026-11-30", "明天"), ("2026-13-01", "x"), ("", " ")):
        with pytest.raises(InvalidArgument):
            await team.log_work(VILLAGE_TEAM, day, content)

    report = await team.submit_report(VILLAGE_TEAM, MONTH, "本月走访12户，解决问题3个")
    assert (report.village_code, report.submitted_by) == (VILLAGE, VILLAGE_TEAM.subject)
    with pytest.raises(AlreadyExists):
        await team.submit_report(VILLAGE_TEAM, MONTH, "再交一次")
    with pytest.raises(InvalidArgument):
        await team.submit_report(VILLAGE_TEAM, "2026-12", "未来")
    with pytest.raises(FailedPrecondition):  # a town admin is no village member
        await team.log_work(TOWN_ADMIN, "", "记录")

    attendance = await team.attendance(TOWN_ADMIN, "", MONTH)
    assert [(a.user_id, a.day) for a in attendance] == [
        (VILLAGE_TEAM.subject, "2026-11-23"),
        (VILLAGE_TEAM.subject, "2026-11-24"),
    ]
    logs = await team.logs(VILLAGE_TEAM, "", "")
    assert [(e.day, e.content) for e in logs] == [
        ("2026-11-20", "召开村民代表大会"),
        ("2026-11-24", "走访3户监测户"),
    ]
    assert await team.logs(VILLAGE_TEAM, "", "2026-10") == []
    assert [r.month for r in await team.reports(TOWN_ADMIN, "", "")] == [MONTH]
    assert await team.reports(OTHER_TOWN_ADMIN, "", MONTH) == []
    assert [a.user_id for a in await team.attendance(OTHER_TOWN_ADMIN, "", MONTH)] == ["team-2"]
    with pytest.raises(NotFound):
        await team.logs(OTHER_TOWN_ADMIN, VILLAGE, MONTH)
