"""What the finance office and the progress flags read of funds: idle funds (allocated, not
disbursed, not moved past the limit) in a region, and every yuan moved in the audit log with
the figures before and after."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import col, select

from jingzhun.identity.v1 import events_pb2 as identity_events
from kit.outbox import OutboxMessage
from services.projects import funds_figures
from services.projects.funds_disbursements import NewDisbursement
from services.projects.statistics_repository import Where
from services.projects.statistics_service import child_length
from tests.integration.projects.funds.conftest import (
    COUNTY,
    COUNTY_OFFICER,
    SECOND_OFFICER,
    VILLAGE,
    Funds,
    allocation,
)


async def audited(funds: Funds) -> list[dict]:
    async with funds.context.db.read_only() as session:
        rows = (
            await session.exec(
                select(OutboxMessage)
                .where(OutboxMessage.subject == "projects.audit.recorded")
                .order_by(col(OutboxMessage.seq))
            )
        ).all()
    records = [identity_events.AuditRecorded.FromString(row.payload) for row in rows]
    return [{"action": r.action, **json.loads(r.detail)} for r in records]


async def test_funds_not_moved_past_the_limit_are_idle_until_paid(funds: Funds) -> None:
    project = await funds.fundable_project(budget={"central": 100_00})
    await funds.pool(100_00)
    await funds.service.allocate_to_project(COUNTY_OFFICER, project, allocation(100_00))
    assert not await funds.service.idle_funds(COUNTY_OFFICER, COUNTY)

    funds.clock.advance(days=91)
    (idle,) = await funds.service.idle_funds(COUNTY_OFFICER, COUNTY)
    assert (idle.project_id, idle.allocated_fen - idle.disbursed_fen) == (project, 100_00)
    assert [r.project_id for r in await funds.service.idle_funds(COUNTY_OFFICER, VILLAGE, 30)] == [
        project
    ]
    async with funds.context.db.read_only() as session:  # what the flags read, the same query
        (flagged,) = await funds_figures.idle(session, funds.clock() - timedelta(days=90), None, 10)
    assert (flagged.project_id, flagged.source, flagged.remaining_fen) == (
        project,
        "central",
        100_00,
    )
    assert not await funds.service.idle_funds(COUNTY_OFFICER, COUNTY, days=120)

    asked = await funds.disbursements.request(
        COUNTY_OFFICER, project, NewDisbursement("central", 100_00, "完工", 100)
    )
    await funds.disbursements.approve(SECOND_OFFICER, project, asked.id)
    await funds.pay(project, asked.id)
    funds.clock.advance(days=200)
    assert not await funds.service.idle_funds(COUNTY_OFFICER, COUNTY)


async def test_every_yuan_moved_is_audited_with_before_and_after(funds: Funds) -> None:
    project = await funds.fundable_project(budget={"central": 100_00})
    await funds.pool(100_00)
    await funds.service.allocate_to_project(COUNTY_OFFICER, project, allocation(70_00))
    asked = await funds.disbursements.request(
        COUNTY_OFFICER, project, NewDisbursement("central", 30_00, "一期", None)
    )
    await funds.disbursements.approve(SECOND_OFFICER, project, asked.id)
    await funds.pay(project, asked.id)

    records = [r for r in await audited(funds) if r.get("project_id", project) == project]
    assert [r["action"] for r in records][-4:] == [
        "funds.project_allocation",
        "funds.disbursement_request",
        "funds.disbursement_approve",
        "funds.disbursement_pay",
    ]
    allocated, requested, _, paid = records[-4:]
    assert (
        allocated["before"]["allocated_fen"] == 0 and allocated["after"]["allocated_fen"] == 70_00
    )
    assert requested["after"]["pending_fen"] == 30_00
    assert paid["before"]["pending_fen"] == 30_00
    assert (paid["after"]["pending_fen"], paid["after"]["disbursed_fen"]) == (0, 30_00)


async def test_the_regions_funds_add_up_per_source(funds: Funds) -> None:
    project = await funds.fundable_project(budget={"central": 100_00, "county": 40_00})
    await funds.pool(100_00)
    await funds.pool(40_00, source="county")
    await funds.service.allocate_to_project(COUNTY_OFFICER, project, allocation(90_00))
    await funds.service.allocate_to_project(COUNTY_OFFICER, project, allocation(40_00, "county"))
    asked = await funds.disbursements.request(
        COUNTY_OFFICER, project, NewDisbursement("central", 25_00, "一期", None)
    )
    await funds.disbursements.approve(SECOND_OFFICER, project, asked.id)
    await funds.pay(project, asked.id)

    where = Where(COUNTY, 0, child_length(COUNTY))
    async with funds.context.db.read_only() as session:  # the statistics' funds by source
        rows = await funds_figures.by_child_and_source(session, where)
    totals = {source: (allocated, disbursed) for _, source, allocated, disbursed in rows}
    assert totals == {"central": (90_00, 25_00), "county": (40_00, 0)}
