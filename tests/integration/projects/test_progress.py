"""Projects' progress on SQLite and PostgreSQL, migrated by Alembic: milestones, a report with
a photo and the county's acceptance complete a project with its completion notice; overdue
milestones are flagged and texted once however often the scheduler looks; benefits reach the
outbox once per change; the statistics and the export hold what was created."""

from __future__ import annotations

import asyncio
import io
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlmodel import col, select

from jingzhun.notification.v1 import events_pb2 as notification_events
from kit import migrations
from kit import public_notice as notices
from kit.db import Database
from kit.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from kit.object_store import LocalObjectStore
from kit.outbox import OutboxMessage
from kit.principal import Principal
from kit.protection import FieldProtector
from services.projects.components import Components
from services.projects.exports_service import ExportsService
from services.projects.lifecycle import ReviewDays
from services.projects.models import Project, ProjectBeneficiary, ProjectBudget
from services.projects.progress_benefits import BenefitsService
from services.projects.progress_flags import FlagsService
from services.projects.progress_projects import ProjectAccess
from services.projects.progress_rules import NewBenefit, NewMilestone
from services.projects.progress_service import ProgressService
from services.projects.projects_service import COMPLETION_NOTICE
from services.projects.statistics_service import StatisticsService

COUNTY, TOWN, VILLAGE = "371725000000", "371725001000", "371725001001"
NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
COUNTY_OFFICER = Principal(subject="c1", kind="user", region_code=COUNTY, roles=("admin",))
VILLAGE_TEAM = Principal(subject="v1", kind="user", region_code=VILLAGE, roles=("work_team",))
STRANGER = Principal(subject="s1", kind="user", region_code="371726000000", roles=("admin",))


@pytest.fixture(params=["sqlite", "postgres"])
async def library(
    request: pytest.FixtureRequest,
    sqlite_url: Callable[[str], str],
    postgres_database: Callable[[str], Awaitable[str]],
) -> AsyncIterator[ProjectAccess]:
    url = (
        await postgres_database("projects")
        if request.param == "postgres"
        else sqlite_url("projects")
    )
    await asyncio.to_thread(migrations.upgrade, "projects", url)
    db = Database(url)
    components = Components(
        db=db,
        protector=FieldProtector.from_secrets("e", "i"),
        notice_period=timedelta(days=5),
        review_days=ReviewDays(town=timedelta(days=10), county=timedelta(days=15)),
        clock=lambda: NOW,
    )
    yield ProjectAccess(components)
    await db.dispose()


async def planned(library: ProjectAccess, *households: str, region: str = VILLAGE) -> str:
    """A project the county has approved into the plan (the library's part, done here)."""
    project_id = uuid.uuid4().hex
    async with library.c.db.unit_of_work() as session:
        session.add(
            Project(
                id=project_id,
                region_code=region,
                region_name="南城社区",
                proposer_level="village",
                name="光伏扶贫电站",
                type="industry",
                place="村东",
                year=2026,
                status="planned",
                created_by="v1",
                created_at=NOW,
                updated_at=NOW,
            )
        )
        await session.flush()
        session.add(ProjectBudget(project_id=project_id, source="central", amount_fen=500_000))
        session.add(ProjectBudget(project_id=project_id, source="county", amount_fen=12_345))
        for household in households:
            session.add(
                ProjectBeneficiary(
                    project_id=project_id,
                    household_id=household,
                    village_code=VILLAGE,
                    mechanism="dividend",
                )
            )
    return project_id


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(out, "JPEG")
    return out.getvalue()


async def chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def outbox(library: ProjectAccess, subject: str) -> list[OutboxMessage]:
    async with library.c.db.read_only() as session:
        statement = select(OutboxMessage).where(col(OutboxMessage.subject) == subject)
        return list((await session.exec(statement)).all())


async def test_a_project_is_reported_photographed_accepted_and_publicly_completed(
    library: ProjectAccess, tmp_path: Path
) -> None:
    progress = ProgressService(library, LocalObjectStore(tmp_path / "objects"))
    project_id = await planned(library, "h1")
    milestones = [NewMilestone("开工", date(2026, 3, 1)), NewMilestone("并网", date(2026, 9, 1))]
    view = await progress.add_milestones(VILLAGE_TEAM, project_id, milestones)
    assert [(m.name, overdue) for m, overdue in view.milestones] == [
        ("开工", True),
        ("并网", False),
    ]
    report, _ = await progress.report(VILLAGE_TEAM, project_id, 100, "全部完工")
    photo = await progress.add_photo(
        VILLAGE_TEAM, project_id, report.id, "现场.jpg", chunks(jpeg())
    )
    assert (photo.content_type, photo.file_name) == ("image/jpeg", "现场.jpg")
    with pytest.raises(InvalidArgument):  # a PDF is no photo: nothing kept
        await progress.add_photo(VILLAGE_TEAM, project_id, report.id, "a.jpg", chunks(b"%PDF-1.4"))
    with pytest.raises(FailedPrecondition):  # a milestone is open
        await progress.accept(COUNTY_OFFICER, project_id, "accepted", "")
    failed = await progress.accept(COUNTY_OFFICER, project_id, "failed", "护栏未安装")
    assert failed.status == "in_progress" and failed.acceptances[0].findings == "护栏未安装"
    for milestone, _ in view.milestones:
        await progress.complete_milestone(VILLAGE_TEAM, project_id, milestone.id, date(2026, 5, 30))
    with pytest.raises(PermissionDenied):  # the village does not accept
        await progress.accept(VILLAGE_TEAM, project_id, "accepted", "")

    done = await progress.accept(COUNTY_OFFICER, project_id, "accepted", "")

    assert (done.status, done.percent_done, done.overdue) == ("completed", 100, False)
    assert [len(photos) for _, photos in done.reports] == [1]
    kept, data = await progress.photo(VILLAGE_TEAM, project_id, photo.id)
    assert (kept.sha256, data) == (photo.sha256, jpeg())
    async with library.c.db.read_only() as session:
        notice = (await notices.latest_of(session, COMPLETION_NOTICE, [project_id]))[project_id]
    assert notice.fields["beneficiary_count"] == 1
    assert notice.fields["budget_total_fen"] == 512_345
    with pytest.raises(NotFound):
        await progress.get(STRANGER, project_id)
    with pytest.raises(FailedPrecondition):  # completed: its progress is closed
        await progress.report(VILLAGE_TEAM, project_id, 100, "")


async def test_an_overdue_milestone_is_texted_to_the_county_once(library: ProjectAccess) -> None:
    progress = ProgressService(library, LocalObjectStore(Path("/nonexistent")))
    project_id = await planned(library)
    await progress.add_milestones(
        VILLAGE_TEAM, project_id, [NewMilestone("开工", date(2026, 3, 1))]
    )
    flags = FlagsService(library, office_role="admin", idle_after=timedelta(days=90))
    again = FlagsService(library, office_role="admin", idle_after=timedelta(days=90))

    assert await flags.flag_overdue(batch=1) == 1
    assert await flags.flag_overdue(batch=1) == 0
    assert await again.flag_overdue(batch=10) == 0  # a restarted or second scheduler

    (text,) = await outbox(library, "notification.requested")
    request = notification_events.NotificationRequested.FromString(text.payload)
    assert (request.template, request.audience.region_code) == ("project_flagged", COUNTY)
    assert "开工" in request.variables["flag"]


async def test_a_benefit_goes_out_once_per_change_and_only_to_a_beneficiary(
    library: ProjectAccess,
) -> None:
    benefits = BenefitsService(library)
    project_id = await planned(library, "h1")
    first = await benefits.record(
        VILLAGE_TEAM, project_id, NewBenefit("h1", "dividend", 2026, 150_050)
    )
    again = await benefits.record(
        VILLAGE_TEAM, project_id, NewBenefit("h1", "dividend", 2026, 150_050)
    )
    changed = await benefits.record(
        VILLAGE_TEAM, project_id, NewBenefit("h1", "dividend", 2026, 200_000)
    )
    assert (first.id, again.version, changed.id, changed.version) == (first.id, 1, first.id, 2)
    assert len(await outbox(library, "projects.benefit.recorded")) == 2
    with pytest.raises(InvalidArgument):
        await benefits.record(VILLAGE_TEAM, project_id, NewBenefit("h9", "dividend", 2026, 100))


async def test_statistics_and_the_export_hold_what_was_created(library: ProjectAccess) -> None:
    progress = ProgressService(library, LocalObjectStore(Path("/nonexistent")))
    first = await planned(library, "h1", "h2")
    await planned(library, "h2", region="371725002001")
    await progress.add_milestones(VILLAGE_TEAM, first, [NewMilestone("开工", date(2026, 3, 1))])

    found = await StatisticsService(library).of_region(COUNTY_OFFICER, "", 2026)

    assert found.total.projects == 2 and found.total.beneficiary_households == 2
    assert found.total.by_source["central"].budget_fen == 1_000_000
    assert found.total.overdue_projects == 1
    assert [(c.region_code, c.projects, c.overdue_projects) for c in found.children] == [
        (TOWN, 1, 1),
        ("371725002000", 1, 0),
    ]
    with pytest.raises(NotFound):
        await StatisticsService(library).of_region(VILLAGE_TEAM, COUNTY, 0)

    data = b"".join([c async for c in ExportsService(library).projects_xlsx(COUNTY_OFFICER, "", 0)])
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3 and rows[0][0] == "项目编号"
    assert sorted(r[7] for r in rows[1:]) == [5123.45, 5123.45]  # yuan, exact
