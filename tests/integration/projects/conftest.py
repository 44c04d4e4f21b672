"""The projects service on SQLite and PostgreSQL, migrated by Alembic. Identity's regions and
the registry's households come from an in-memory stand-in with the same territory rules; the
real services over gRPC are exercised by the end-to-end tests. Funds and progress tests use
the same `library` and `planned_project`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from kit import migrations
from kit.directory import RegionRef
from kit.errors import NotFound
from kit.principal import Principal
from kit.territory import is_within
from services.projects.app import build_components
from services.projects.components import Components
from services.projects.notices_service import NoticesService
from services.projects.projects_service import (
    NewBeneficiary,
    NewBudget,
    NewProject,
    ProjectsService,
    ProjectView,
)
from services.projects.review_service import ReviewService
from services.projects.settings import ProjectsSettings
from tests.integration.support import Clock

COUNTY, TOWN, OTHER_TOWN = "370102000000", "370102001000", "370102002000"
VILLAGE, NEIGHBOUR = "370102001001", "370102002001"
START = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
NOTICE_DAYS = 5


def cadre(subject: str, region: str, *roles: str) -> Principal:
    return Principal(subject=subject, kind="user", region_code=region, roles=roles)


VILLAGE_TEAM = cadre("team-1", VILLAGE, "work_team")
TOWN_ADMIN = cadre("town-1", TOWN, "admin")
OTHER_TOWN_ADMIN = cadre("town-2", OTHER_TOWN, "admin")
COUNTY_ADMIN = cadre("county-1", COUNTY, "admin")


def proposal(households: tuple[str, ...] = ("hh-1",), **changes: object) -> NewProject:
    fields: dict = {
        "region_code": VILLAGE,
        "name": "村集体光伏电站",
        "type": "industry",
        "place": "村东荒坡",
        "year": 2027,
        "budgets": (NewBudget("central", 40_000_000), NewBudget("county", 10_000_000)),
        "beneficiaries": tuple(NewBeneficiary(h, "dividend") for h in households),
        "expected_results": "户均年分红3000元",
    }
    return NewProject(**{**fields, **changes})


@dataclass
class FakeDirectory:
    """Regions and households as Directory gives them: out of the caller's territory, none."""

    regions: dict[str, str] = field(default_factory=dict)
    households: dict[str, str] = field(default_factory=dict)

    async def region(self, caller: Principal, code: str) -> RegionRef:
        if code not in self.regions or not is_within(code, caller.region_code):
            raise NotFound("region not found", reason="REGION_NOT_FOUND")
        return RegionRef(code, self.regions[code])

    async def villages_of(self, caller: Principal, household_ids: list[str]) -> dict[str, str]:
        return {
            household_id: village
            for household_id in household_ids
            if (village := self.households.get(household_id)) is not None
            and is_within(village, caller.region_code)
        }


@dataclass
class Library:
    components: Components
    clock: Clock
    projects: ProjectsService
    reviews: ReviewService
    notices: NoticesService

    async def planned(self, **changes: object) -> ProjectView:
        """A project proposed, forwarded, noticed without objection and approved."""
        project = (await self.projects.create(VILLAGE_TEAM, proposal(**changes))).project
        await self.reviews.act(TOWN_ADMIN, project.id, "forward", "", 0)
        self.clock.advance(days=NOTICE_DAYS, seconds=1)
        return await self.reviews.act(COUNTY_ADMIN, project.id, "approve", "同意", 0)


@pytest.fixture(params=["sqlite", "postgres"])
async def library(
    request: pytest.FixtureRequest,
    sqlite_url: Callable[[str], str],
    postgres_database: Callable[[str], Awaitable[str]],
) -> AsyncIterator[Library]:
    url = (
        await postgres_database("projects")
        if request.param == "postgres"
        else sqlite_url("projects")
    )
    await asyncio.to_thread(migrations.upgrade, "projects", url)
    components = build_components(
        ProjectsSettings(database_url=url, notice_period_days=NOTICE_DAYS)
    )
    components.clock = clock = Clock(START)
    directory = FakeDirectory(
        regions={code: f"区划{code[-6:]}" for code in (COUNTY, TOWN, OTHER_TOWN, VILLAGE)},
        households={"hh-1": VILLAGE, "hh-2": VILLAGE, "hh-far": NEIGHBOUR},
    )
    projects = ProjectsService(components, directory)  # type: ignore[arg-type]
    yield Library(
        components,
        clock,
        projects,
        ReviewService(components, projects),
        NoticesService(components),
    )
    await components.db.dispose()
