"""The project library at the service (SQLite and PostgreSQL): a proposal's path through the
town, the public notice and the county; the database refuses a budget that is not positive;
two reviewers at once move a project once; a completion notice (what progress publishes)
shows the public fields only, once, and
the scheduler closes it at its end."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from kit.errors import Aborted, FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from kit.public_notice import PUBLIC
from services.projects.lifecycle import ProjectStatus
from services.projects.notices_service import publish_completion_notice
from services.projects.progress_flags import FlagsService
from services.projects.progress_projects import ProjectAccess
from services.projects.repository import ProjectFilter, get_project
from tests.integration.projects.conftest import (
    COUNTY_ADMIN,
    NOTICE_DAYS,
    OTHER_TOWN_ADMIN,
    TOWN,
    TOWN_ADMIN,
    VILLAGE_TEAM,
    Library,
    proposal,
)
from tests.integration.support import texts_requested


async def test_a_proposal_is_forwarded_noticed_and_planned(library: Library) -> None:
    created = await library.projects.create(VILLAGE_TEAM, proposal(("hh-1", "hh-2")))
    project_id = created.project.id
    assert created.budget_total_fen == 50_000_000 and len(created.beneficiaries) == 2
    with pytest.raises(NotFound):
        await library.projects.get(OTHER_TOWN_ADMIN, project_id)
    with pytest.raises(PermissionDenied):
        await library.reviews.act(VILLAGE_TEAM, project_id, "forward", "", 0)

    forwarded = await library.reviews.act(TOWN_ADMIN, project_id, "forward", "", 0)
    assert forwarded.project.status == ProjectStatus.IN_NOTICE
    (running,) = await library.notices.running("", after_id=None, limit=10)
    assert running.fields == {
        "type": "industry",
        "place": "村东荒坡",
        "year": 2027,
        "budget_total_fen": 50_000_000,
        "beneficiary_count": 2,
    }
    objection = await library.notices.lodge(running.id, "占用耕地", "")
    library.clock.advance(days=NOTICE_DAYS, seconds=1)
    assert await library.reviews.close_ended(10) == 1
    assert await library.reviews.close_ended(10) == 0  # once
    with pytest.raises(FailedPrecondition, match="objection"):
        await library.reviews.act(COUNTY_ADMIN, project_id, "approve", "", 0)
    await library.reviews.resolve(TOWN_ADMIN, project_id, objection.id, False, "经核实为荒坡")
    planned = await library.reviews.act(COUNTY_ADMIN, project_id, "approve", "同意", 0)

    assert (planned.project.status, planned.project.due_at) == (ProjectStatus.PLANNED, None)
    assert [s.action for s in planned.steps] == [
        "proposed",
        "forwarded",
        "objection_lodged",
        "notice_ended",
        "objection_resolved",
        "approved",
    ]
    assert planned.steps[2].actor_id == PUBLIC
    stages = [t.variables["stage"] for t in await texts_requested(library.components.db)]
    assert stages == [
        "已申报，待乡镇审核",
        "公示期间收到异议，待乡镇核实处理",
        "公示期满，待县级审批入库",
        "已获县级批准，纳入年度项目计划",
    ]


async def test_bad_proposals_are_refused(library: Library) -> None:
    for bad, error in (
        (proposal(region_code=COUNTY_ADMIN.region_code), InvalidArgument),
        (proposal(("hh-far",)), NotFound),  # out of the village's territory
        (proposal(("hh-1", "hh-1")), InvalidArgument),
        (proposal(year=2013), InvalidArgument),
        (proposal(budgets=()), InvalidArgument),
        (proposal(type="casino"), InvalidArgument),
    ):
        with pytest.raises(error):
            await library.projects.create(VILLAGE_TEAM, bad)
    with pytest.raises(InvalidArgument, match="town"):  # the county sees it; another town's
        await library.projects.create(COUNTY_ADMIN, proposal(("hh-far",)))
    assert (
        await library.projects.list_projects(
            COUNTY_ADMIN, ProjectFilter(COUNTY_ADMIN.region_code), after_id=None, limit=10
        )
        == []
    )


async def test_the_database_refuses_a_budget_that_is_not_positive(library: Library) -> None:
    project_id = (await library.projects.create(VILLAGE_TEAM, proposal())).project.id
    with pytest.raises(IntegrityError):
        async with library.components.db.unit_of_work() as session:
            await session.exec(  # type: ignore[call-overload]
                sa.text(
                    "INSERT INTO project_budgets (project_id, source, amount_fen) "
                    "VALUES (:id, 'city', 0)"
                ).bindparams(id=project_id)
            )


async def test_two_reviewers_at_once_move_a_project_once(library: Library) -> None:
    project_id = (await library.projects.create(VILLAGE_TEAM, proposal())).project.id
    results = await asyncio.gather(
        library.reviews.act(TOWN_ADMIN, project_id, "forward", "", 1),
        library.reviews.act(TOWN_ADMIN, project_id, "return", "材料不全", 1),
        return_exceptions=True,
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], Aborted | FailedPrecondition), errors
    view = await library.projects.get(TOWN_ADMIN, project_id)
    assert len(view.steps) == 2 and view.project.version == 2


async def test_a_completed_project_is_noticed_once_with_its_public_fields(
    library: Library,
) -> None:
    planned = await library.planned(households=("hh-1",))
    async with library.components.db.unit_of_work() as session:
        project = await get_project(session, planned.project.id)
        assert project is not None
        with pytest.raises(FailedPrecondition, match="completed"):
            await publish_completion_notice(
                session, library.components, project, "county-1", library.clock()
            )
    async with library.components.db.unit_of_work() as session:  # as progress completes it
        project = await get_project(session, planned.project.id)
        assert project is not None
        project.status = ProjectStatus.COMPLETED
        session.add(project)
        await session.flush()
        notice = await publish_completion_notice(
            session, library.components, project, "county-1", library.clock(), results="已并网发电"
        )
    assert notice.kind == "project_completion" and notice.fields["results"] == "已并网发电"
    assert notice.fields["beneficiary_count"] == 1 and "hh-1" not in str(notice.fields)
    running = await library.notices.running("", after_id=None, limit=10)
    assert [n.id for n in running] == [notice.id]
    await library.notices.lodge(notice.id, "分红未到位", "13712340000")
    view = await library.projects.get(COUNTY_ADMIN, planned.project.id)
    assert [s.action for s in view.steps][-2:] == ["completion_noticed", "objection_lodged"]
    async with library.components.db.unit_of_work() as session:
        project = await get_project(session, planned.project.id)
        assert project is not None
        with pytest.raises(FailedPrecondition, match="already"):
            await publish_completion_notice(
                session, library.components, project, "county-1", library.clock()
            )

    texted = len(await texts_requested(library.components.db))
    library.clock.advance(days=NOTICE_DAYS, seconds=1)  # the scheduler closes it at its end
    assert await library.reviews.close_ended(10) == 1
    assert await library.reviews.close_ended(10) == 0  # once
    view = await library.projects.get(COUNTY_ADMIN, planned.project.id)
    assert [n.state for n, _ in view.notices if n.id == notice.id] == ["ended"]
    assert view.steps[-1].action == "completion_notice_ended"
    assert len(await texts_requested(library.components.db)) == texted  # nobody must act


async def test_a_review_past_its_level_s_days_is_flagged_overdue(library: Library) -> None:
    late = (await library.projects.create(VILLAGE_TEAM, proposal())).project.id
    library.clock.advance(days=5)
    await library.projects.create(VILLAGE_TEAM, proposal())  # its town still has 5 days
    library.clock.advance(days=5, seconds=1)  # the town's 10 days are over for the first

    overdue = ProjectFilter(COUNTY_ADMIN.region_code, overdue_at=library.clock())
    found = await library.projects.list_projects(COUNTY_ADMIN, overdue, after_id=None, limit=10)
    assert [v.project.id for v in found] == [late]
    forwarded = await library.reviews.act(TOWN_ADMIN, late, "forward", "", 0)
    assert forwarded.project.due_at is not None  # now the county's: after the notice
    found = await library.projects.list_projects(COUNTY_ADMIN, overdue, after_id=None, limit=10)
    assert found == []


async def test_an_overdue_review_is_texted_once_to_the_level_that_must_act(
    library: Library,
) -> None:
    db = library.components.db
    flags = FlagsService(
        ProjectAccess(library.components), office_role="admin", idle_after=timedelta(days=90)
    )
    project_id = (await library.projects.create(VILLAGE_TEAM, proposal())).project.id
    assert await flags.flag_overdue_reviews(batch=10) == 0  # the town still has its days

    library.clock.advance(days=10, seconds=1)
    texted = len(await texts_requested(db))
    assert await flags.flag_overdue_reviews(batch=1) == 1
    assert await flags.flag_overdue_reviews(batch=10) == 0  # once, however often it looks
    (to_town,) = (await texts_requested(db))[texted:]
    assert (to_town.audience.role, to_town.audience.region_code) == ("admin", TOWN)
    assert to_town.variables["stage"].startswith("乡镇审核已逾期")

    await library.reviews.act(TOWN_ADMIN, project_id, "forward", "", 0)
    library.clock.advance(days=NOTICE_DAYS + 15, seconds=2)  # the notice, then the county's days
    await library.reviews.close_ended(10)
    texted = len(await texts_requested(db))
    assert await flags.flag_overdue_reviews(batch=10) == 1  # a new step: overdue again
    (to_county,) = (await texts_requested(db))[texted:]
    assert to_county.audience.region_code == COUNTY_ADMIN.region_code
    assert to_county.variables["stage"].startswith("县级审核已逾期")

    await library.reviews.act(COUNTY_ADMIN, project_id, "approve", "同意", 0)
    assert await flags.flag_overdue_reviews(batch=10) == 0  # nobody must act any more
