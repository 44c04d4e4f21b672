"""Return-to-poverty alerts on SQLite and PostgreSQL: raised by a paired helper, verified by
the town within its time limit, reviewed with measures and closed by the county (the review
publishing `assistance.alert.confirmed`), each next owner texted; stale or out-of-turn steps
and bad input change nothing; a region's alerts cover exactly the caller's subtree."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select

from jingzhun.assistance.v1 import events_pb2
from kit.clock import aware
from kit.errors import Aborted, FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from kit.outbox import OutboxMessage
from tests.integration.assistance.conftest import (
    COUNTY_ADMIN,
    HELPER,
    OTHER_HELPER,
    OTHER_TOWN_ADMIN,
    START,
    TOWN_ADMIN,
    Assistance,
)

TOWN, COUNTY = TOWN_ADMIN.region_code, COUNTY_ADMIN.region_code


async def confirmations(service: Assistance) -> list[events_pb2.AlertConfirmed]:
    async with service.components.db.read_only() as session:
        rows = (
            await session.exec(
                select(OutboxMessage).where(
                    col(OutboxMessage.subject) == "assistance.alert.confirmed"
                )
            )
        ).all()
    return [events_pb2.AlertConfirmed.FromString(r.payload) for r in rows]


async def test_an_alert_goes_from_the_town_to_the_county_and_closes_with_its_outcome(
    service: Assistance,
) -> None:
    raised = await service.alerts.raise_alert(HELPER, "hh-1", "illness", "户主突发脑梗住院")
    alert = raised.alert
    assert (alert.status, alert.owner_region, alert.owner_level) == ("raised", TOWN, "town")
    assert aware(alert.verify_due_at) == START + timedelta(hours=72)
    verified = await service.alerts.act(TOWN_ADMIN, alert.id, "verify", "住院费用8万属实", 1)
    assert (verified.alert.status, verified.alert.owner_level) == ("verified", "county")
    assert await confirmations(service) == []
    reviewed = await service.alerts.act(COUNTY_ADMIN, alert.id, "review", "纳入监测，大病救助", 0)
    assert reviewed.alert.measures == "纳入监测，大病救助"
    (confirmed,) = await confirmations(service)
    assert (confirmed.alert_id, confirmed.household_id, confirmed.kind) == (
        alert.id,
        "hh-1",
        "illness",
    )
    closed = await service.alerts.act(COUNTY_ADMIN, alert.id, "close", "风险已消除", 0)
    assert (closed.alert.status, closed.alert.outcome) == ("closed", "风险已消除")
    assert [(s.action, s.actor_id, s.text) for s in closed.steps] == [
        ("raised", HELPER.subject, "户主突发脑梗住院"),
        ("verified", TOWN_ADMIN.subject, "住院费用8万属实"),
        ("reviewed", COUNTY_ADMIN.subject, "纳入监测，大病救助"),
        ("closed", COUNTY_ADMIN.subject, "风险已消除"),
    ]
    texts = await service.texts_requested()
    assert [(t.template, t.audience.region_code) for t in texts] == [
        ("alert_raised", TOWN),
        ("alert_verified", COUNTY),
    ]


async def test_only_the_owning_level_acts_in_turn_and_bad_steps_change_nothing(
    service: Assistance,
) -> None:
    alert = (await service.alerts.raise_alert(HELPER, "hh-1", "disaster", "房屋被冲毁")).alert
    with pytest.raises(PermissionDenied):  # the town verifies first
        await service.alerts.act(COUNTY_ADMIN, alert.id, "verify", "属实", 0)
    with pytest.raises(NotFound):  # another town's officer does not see it
        await service.alerts.act(OTHER_TOWN_ADMIN, alert.id, "verify", "属实", 0)
    with pytest.raises(FailedPrecondition):
        await service.alerts.act(TOWN_ADMIN, alert.id, "close", "结束", 0)
    with pytest.raises(InvalidArgument):
        await service.alerts.act(TOWN_ADMIN, alert.id, "verify", "  ", 0)
    with pytest.raises(Aborted):
        await service.alerts.act(TOWN_ADMIN, alert.id, "verify", "属实", 7)
    unchanged = await service.alerts.get(COUNTY_ADMIN, alert.id)
    assert (unchanged.alert.status, unchanged.alert.version, len(unchanged.steps)) == (
        "raised",
        1,
        1,
    )
    dismissed = await service.alerts.act(TOWN_ADMIN, alert.id, "dismiss", "已有保险理赔", 0)
    assert (dismissed.alert.status, dismissed.alert.outcome) == ("dismissed", "已有保险理赔")
    assert await confirmations(service) == []


async def test_only_a_paired_helper_raises_and_bad_input_changes_nothing(
    service: Assistance,
) -> None:
    with pytest.raises(NotFound):  # not paired with them: as if it did not exist
        await service.alerts.raise_alert(OTHER_HELPER, "hh-1", "illness", "住院")
    with pytest.raises(NotFound):
        await service.alerts.raise_alert(HELPER, "hh-2", "illness", "住院")
    with pytest.raises(InvalidArgument):
        await service.alerts.raise_alert(HELPER, "hh-1", "lottery", "住院")
    with pytest.raises(InvalidArgument):
        await service.alerts.raise_alert(HELPER, "hh-1", "illness", " ")
    listed = await service.alerts.list_alerts(COUNTY_ADMIN, "", "", after_id=None, limit=50)
    assert listed == [] and await service.texts_requested() == []


async def test_a_regions_alerts_cover_its_subtree_and_show_the_towns_overdue_ones(
    service: Assistance,
) -> None:
    alert = (await service.alerts.raise_alert(HELPER, "hh-1", "income_drop", "务工收入中断")).alert
    service.clock.advance(hours=73)
    (listed,) = await service.alerts.list_alerts(TOWN_ADMIN, "", "raised", after_id=None, limit=9)
    assert (listed.alert.id, listed.verify_overdue, len(listed.steps)) == (alert.id, True, 1)
    assert (
        await service.alerts.list_alerts(COUNTY_ADMIN, "", "closed", after_id=None, limit=9) == []
    )
    assert await service.alerts.list_alerts(OTHER_TOWN_ADMIN, "", "", after_id=None, limit=9) == []
    with pytest.raises(NotFound):
        await service.alerts.list_alerts(OTHER_TOWN_ADMIN, TOWN, "", after_id=None, limit=9)
    with pytest.raises(NotFound):
        await service.alerts.get(OTHER_TOWN_ADMIN, alert.id)
    with pytest.raises(InvalidArgument):
        await service.alerts.list_alerts(COUNTY_ADMIN, "", "lost", after_id=None, limit=9)
