"""Assistance on SQLite and PostgreSQL, migrated by Alembic. The registry's answers (a
household, its pairings) come from an in-memory stand-in with the same territory rules; the
real registry over gRPC is exercised by the end-to-end tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import pytest

from jingzhun.notification.v1 import events_pb2 as notification_events
from kit import migrations
from kit.errors import NotFound
from kit.principal import Principal
from kit.scope import Scope
from kit.territory import is_within
from services.assistance.alerts_service import AlertsService
from services.assistance.app import build_components
from services.assistance.components import Components
from services.assistance.needs_service import NeedsService
from services.assistance.registry_view import Cadre, HouseholdRef
from services.assistance.scheduler import Scheduler
from services.assistance.settings import AssistanceSettings
from services.assistance.tasks_service import TasksService
from services.assistance.visits_service import VisitsService
from tests.integration.support import Clock, texts_requested

VILLAGE = "370102001001"  # 历下区 解放路街道 a village
NEIGHBOUR = "370102002001"  # a village of another town of the county
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def cadre(subject: str, region: str, *roles: str) -> Principal:
    return Principal(subject=subject, kind="user", region_code=region, roles=roles)


HELPER = cadre("helper-1", VILLAGE, "helper")
OTHER_HELPER = cadre("helper-2", VILLAGE, "helper")
VILLAGE_TEAM = cadre("team-1", VILLAGE, "work_team")
TOWN_ADMIN = cadre("town-1", "370102001000", "admin")
COUNTY_ADMIN = cadre("county-1", "370102000000", "admin")
OTHER_TOWN_ADMIN = cadre("town-2", "370102002000", "admin")
NEIGHBOUR_HELPER = cadre("helper-3", NEIGHBOUR, "helper")


@dataclass
class FakeRegistry:
    """The registry's answers as RegistryView gives them: territory first, then the pairing."""

    households: dict[str, HouseholdRef] = field(default_factory=dict)
    pairings: set[tuple[str, str]] = field(default_factory=set)
    users: dict[str, Principal] = field(default_factory=dict)

    def add(self, household_id: str, village: str, *helpers: str) -> None:
        self.households[household_id] = HouseholdRef(household_id, village, "某村", 36.6, 117.0)
        self.pairings |= {(household_id, helper) for helper in helpers}

    async def household(
        self, caller: Principal, household_id: str, *, named: bool = False
    ) -> HouseholdRef:
        found = self.households.get(household_id)
        if found is None or not is_within(found.village_code, caller.region_code):
            raise NotFound("household not found", reason="HOUSEHOLD_NOT_FOUND")
        return found

    async def cadres(
        self, caller: Principal, user_ids: list[str], role: str, region_code: str
    ) -> list[Cadre]:
        if user_ids:
            chosen = [self.users.get(u) for u in user_ids]
            if any(u is None or not is_within(u.region_code, caller.region_code) for u in chosen):
                raise NotFound("user not found", reason="USER_NOT_FOUND")
        else:
            chosen = [
                u
                for u in self.users.values()
                if role in u.roles and is_within(u.region_code, region_code)
            ]
        return [Cadre(u.subject, u.region_code) for u in chosen if u is not None]

    async def paired_household(
        self, caller: Principal, household_id: str, *, named: bool = False
    ) -> HouseholdRef:
        found = await self.household(caller, household_id)
        if (household_id, caller.subject) not in self.pairings:
            raise NotFound("household not found", reason="HOUSEHOLD_NOT_FOUND")
        return found

    async def reachable_household(self, caller: Principal, household_id: str) -> HouseholdRef:
        if caller.scope.is_paired_only:
            return await self.paired_household(caller, household_id)
        return await self.household(caller, household_id)

    async def scope(self, caller: Principal, region_code: str = "") -> Scope:
        scope = caller.scope.within(region_code)
        paired = frozenset(h for h, helper in self.pairings if helper == caller.subject)
        return replace(scope, households=paired) if scope.is_paired_only else scope


@dataclass
class Assistance:
    components: Components
    clock: Clock
    registry: FakeRegistry
    needs: NeedsService
    tasks: TasksService
    visits: VisitsService
    alerts: AlertsService

    def scheduler(self) -> Scheduler:
        """One replica's scheduler (several may run over the same database)."""
        return Scheduler(self.components, self.needs, interval=1.0, batch=50)

    async def texts_requested(self) -> list[notification_events.NotificationRequested]:
        """What the service asked notification to send (its outbox, in order)."""
        return await texts_requested(self.components.db)


@pytest.fixture(params=["sqlite", "postgres"])
async def service(
    request: pytest.FixtureRequest,
    sqlite_url: Callable[[str], str],
    postgres_database: Callable[[str], Awaitable[str]],
) -> AsyncIterator[Assistance]:
    url = (
        await postgres_database("assistance")
        if request.param == "postgres"
        else sqlite_url("assistance")
    )
    await asyncio.to_thread(migrations.upgrade, "assistance", url)
    components = build_components(AssistanceSettings(database_url=url))
    components.clock = clock = Clock(START)
    registry = FakeRegistry()
    registry.add("hh-1", VILLAGE, HELPER.subject)
    registry.add("hh-2", NEIGHBOUR, "helper-9")
    registry.users = {u.subject: u for u in (HELPER, OTHER_HELPER, VILLAGE_TEAM, NEIGHBOUR_HELPER)}
    yield Assistance(
        components,
        clock,
        registry,
        NeedsService(components, registry),  # type: ignore[arg-type]
        TasksService(components, registry),  # type: ignore[arg-type]
        VisitsService(components, registry),  # type: ignore[arg-type]
        AlertsService(components, registry),  # type: ignore[arg-type]
    )
    await components.db.dispose()
