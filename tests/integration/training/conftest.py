"""Training on SQLite and PostgreSQL, migrated by Alembic. Identity's regions and the
registry's households come from an in-memory stand-in with the same territory rules; the real
services over gRPC are exercised by the end-to-end tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from jingzhun.notification.v1 import events_pb2 as notification_events
from kit import migrations
from kit.errors import NotFound
from kit.id_numbers import check_character
from kit.principal import Principal
from kit.territory import is_within
from services.training.app import build_components
from services.training.archives_service import ArchivesService
from services.training.candidates_service import CandidatesService, NewCandidate
from services.training.components import Components
from services.training.courses_service import CoursesService
from services.training.directory import HouseholdRef, RegionRef
from services.training.enrolments_service import CourseUseCases, EnrolmentsService
from services.training.institutions_service import InstitutionsService
from services.training.leader_files_service import LeaderFilesService
from services.training.notices_service import NoticesService
from services.training.settings import TrainingSettings
from tests.integration.support import Clock, texts_requested

COUNTY, TOWN, OTHER_TOWN = "370102000000", "370102001000", "370102002000"
VILLAGE, SECOND_VILLAGE, NEIGHBOUR = "370102001001", "370102001002", "370102002001"
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def cadre(subject: str, region: str, *roles: str) -> Principal:
    return Principal(subject=subject, kind="user", region_code=region, roles=roles)


CANDIDATE = cadre("cand-1", VILLAGE, "leader_candidate")
VILLAGE_TEAM = cadre("team-1", VILLAGE, "work_team")
TOWN_ADMIN = cadre("town-1", TOWN, "admin")
OTHER_TOWN_ADMIN = cadre("town-2", OTHER_TOWN, "admin")
COUNTY_ADMIN = cadre("county-1", COUNTY, "admin")


def id_number(serial: int) -> str:
    first = f"370102198001{serial % 28 + 1:02d}{serial:03d}"
    return first + check_character(first)


def application(serial: int = 1, village: str = "", **changes: object) -> NewCandidate:
    fields: dict = {
        "name": "李致富",
        "id_number": id_number(serial),
        "phone": "13912345678",
        "village_code": village,
        "leader_type": "planting",
        "project": "高山蔬菜种植合作社",
        "scale": "200亩",
        "years_in_business": 6,
        "skills": ("蔬菜种植", "电商销售"),
        "annual_revenue_yuan": 800_000,
    }
    return NewCandidate(**{**fields, **changes})


@dataclass
class FakeDirectory:
    """Regions and households as Directory gives them: out of the caller's territory, none."""

    regions: dict[str, str] = field(default_factory=dict)
    households: dict[str, str] = field(default_factory=dict)

    async def region(self, caller: Principal, code: str) -> RegionRef:
        if code not in self.regions or not is_within(code, caller.region_code):
            raise NotFound("region not found", reason="REGION_NOT_FOUND")
        return RegionRef(code, self.regions[code])

    async def villages(self, caller: Principal, code: str) -> list[RegionRef]:
        return [
            RegionRef(c, n)
            for c, n in sorted(self.regions.items())
            if is_within(c, code) and len(c.rstrip("0")) > 9 and is_within(c, caller.region_code)
        ]

    async def household(self, caller: Principal, household_id: str) -> HouseholdRef:
        village = self.households.get(household_id)
        if village is None or not is_within(village, caller.region_code):
            raise NotFound("household not found", reason="HOUSEHOLD_NOT_FOUND")
        return HouseholdRef(household_id, village)


@dataclass
class Training:
    components: Components
    clock: Clock
    directory: FakeDirectory
    candidates: CandidatesService
    notices: NoticesService
    files: LeaderFilesService
    courses: CourseUseCases

    def replica(self) -> NoticesService:
        """Another replica's notices service over the same database (its own scheduler)."""
        return NoticesService(self.components, CandidatesService(self.components, self.directory))  # type: ignore[arg-type]

    async def texts_requested(self) -> list[notification_events.NotificationRequested]:
        """What the service asked notification to send (its outbox, in order)."""
        return await texts_requested(self.components.db)


@pytest.fixture(params=["sqlite", "postgres"])
async def service(
    request: pytest.FixtureRequest,
    sqlite_url: Callable[[str], str],
    postgres_database: Callable[[str], Awaitable[str]],
) -> AsyncIterator[Training]:
    url = (
        await postgres_database("training")
        if request.param == "postgres"
        else sqlite_url("training")
    )
    await asyncio.to_thread(migrations.upgrade, "training", url)
    components = build_components(TrainingSettings(database_url=url, notice_period_days=5))
    components.clock = clock = Clock(START)
    directory = FakeDirectory(
        regions={
            code: f"区划{code[-6:]}"
            for code in (COUNTY, TOWN, OTHER_TOWN, VILLAGE, SECOND_VILLAGE, NEIGHBOUR)
        },
        households={"hh-1": VILLAGE, "hh-2": NEIGHBOUR},
    )
    candidates = CandidatesService(components, directory)  # type: ignore[arg-type]
    yield Training(
        components,
        clock,
        directory,
        candidates,
        NoticesService(components, candidates),
        LeaderFilesService(components, candidates, directory),  # type: ignore[arg-type]
        CourseUseCases(
            InstitutionsService(components),
            CoursesService(components),
            EnrolmentsService(components, directory),  # type: ignore[arg-type]
            ArchivesService(components),
        ),
    )
    await components.db.dispose()
