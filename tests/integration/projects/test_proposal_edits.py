"""The edit of a returned proposal at the service (SQLite and PostgreSQL): its proposer's level
rewrites it — budget by source, households and how they benefit, its text — audited with every
field before and after, then resubmits it; only while it is returned, only in the editor's
territory, and bad input changes nothing."""

from __future__ import annotations

import json

import pytest
from sqlmodel import col, select

from jingzhun.identity.v1 import events_pb2 as identity_events
from kit.errors import Aborted, FailedPrecondition, InvalidArgument, NotFound
from kit.outbox import OutboxMessage
from services.projects.edits_service import EditsService
from services.projects.projects_service import NewBudget
from tests.integration.projects.conftest import (
    COUNTY_ADMIN,
    OTHER_TOWN_ADMIN,
    TOWN_ADMIN,
    VILLAGE_TEAM,
    Library,
    proposal,
)

NEW_BUDGETS = (NewBudget("central", 30_000_000), NewBudget("integrated", 5_000_000))


async def returned(library: Library) -> str:
    project_id = (await library.projects.create(VILLAGE_TEAM, proposal())).project.id
    await library.reviews.act(TOWN_ADMIN, project_id, "return", "预算过高，请压减", 0)
    return project_id


async def audit_of(library: Library, action: str) -> list[dict]:
    async with library.components.db.read_only() as session:
        rows = (
            await session.exec(
                select(OutboxMessage)
                .where(OutboxMessage.subject == "projects.audit.recorded")
                .order_by(col(OutboxMessage.seq))
            )
        ).all()
    records = [identity_events.AuditRecorded.FromString(row.payload) for row in rows]
    return [json.loads(r.detail) for r in records if r.action == action]


async def test_a_returned_proposal_is_edited_audited_and_resubmitted(library: Library) -> None:
    edits = EditsService(library.projects)
    project_id = await returned(library)
    edited = await edits.edit(
        VILLAGE_TEAM,
        project_id,
        proposal(("hh-1", "hh-2"), name="光伏扶贫电站（压减）", budgets=NEW_BUDGETS, place="村西"),
        2,
    )
    assert (edited.project.status, edited.project.version) == ("returned", 3)
    assert edited.project.name == "光伏扶贫电站（压减）" and edited.project.place == "村西"
    assert {b.source: b.amount_fen for b in edited.budgets} == {
        "central": 30_000_000,
        "integrated": 5_000_000,
    }
    assert [b.household_id for b in edited.beneficiaries] == ["hh-1", "hh-2"]
    assert edited.steps[-1].action == "edited"

    (record,) = await audit_of(library, "project.edited")
    assert record["before"]["budgets"] == {"central": 40_000_000, "county": 10_000_000}
    assert record["after"]["budgets"] == {"central": 30_000_000, "integrated": 5_000_000}
    assert record["before"]["beneficiaries"] == {"hh-1": "dividend"}
    assert record["after"]["beneficiaries"] == {"hh-1": "dividend", "hh-2": "dividend"}
    assert (record["before"]["version"], record["after"]["version"]) == (2, 3)

    resubmitted = await library.reviews.act(VILLAGE_TEAM, project_id, "resubmit", "", 3)
    assert resubmitted.project.status == "proposed"
    seen = await library.projects.get(TOWN_ADMIN, project_id)
    assert seen.budget_total_fen == 35_000_000 and len(seen.beneficiaries) == 2


async def test_only_a_returned_proposal_in_the_editors_territory_is_edited(
    library: Library,
) -> None:
    edits = EditsService(library.projects)
    proposed = (await library.projects.create(VILLAGE_TEAM, proposal())).project.id
    with pytest.raises(FailedPrecondition, match="returned"):
        await edits.edit(VILLAGE_TEAM, proposed, proposal(name="改"), 0)
    project_id = await returned(library)
    with pytest.raises(NotFound):  # another town's: as if it did not exist
        await edits.edit(OTHER_TOWN_ADMIN, project_id, proposal(name="改"), 0)
    with pytest.raises(Aborted):  # a stale version
        await edits.edit(VILLAGE_TEAM, project_id, proposal(name="改"), 1)
    for bad, error in (
        (proposal(("hh-far",)), NotFound),  # a household the village cannot see
        (proposal(budgets=()), InvalidArgument),
        (proposal(("hh-1", "hh-1")), InvalidArgument),
    ):
        with pytest.raises(error):
            await edits.edit(VILLAGE_TEAM, project_id, bad, 0)
    with pytest.raises(InvalidArgument, match="town"):  # the county sees it; another town's
        await edits.edit(COUNTY_ADMIN, project_id, proposal(("hh-far",)), 0)
    unchanged = await library.projects.get(VILLAGE_TEAM, project_id)
    assert unchanged.project.version == 2 and unchanged.budget_total_fen == 50_000_000
    assert await audit_of(library, "project.edited") == []
