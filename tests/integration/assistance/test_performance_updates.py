"""Household record updates in performance, on SQLite and PostgreSQL: the real registry's
registry.household.updated events, relayed through NATS JetStream to assistance's durable
consumer, count per town and per cadre — an approved proposal for the helper who proposed it —
once however often an event arrives, and only within the period and the caller's subtree."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from kit import migrations
from kit.bus import Bus
from kit.clock import utcnow
from kit.db import Database
from kit.inbox import Consumer
from kit.outbox import InboxMessage, OutboxMessage, OutboxRelay
from kit.principal import Principal
from kit.protection import FieldProtector
from services.assistance.household_updates import HOUSEHOLD_UPDATED, on_household_updated
from services.assistance.performance_service import PerformanceService, Score
from services.assistance.visits_service import Period
from services.registry.components import Components as RegistryComponents
from services.registry.edits import HouseholdChanges
from services.registry.households_service import HouseholdsService, NewHousehold, NewMember
from services.registry.models import Pairing
from services.registry.reviews_service import Proposal, ReviewsService
from tests.integration.assistance.conftest import (
    COUNTY_ADMIN,
    HELPER,
    NEIGHBOUR,
    OTHER_TOWN_ADMIN,
    TOWN_ADMIN,
    VILLAGE,
    VILLAGE_TEAM,
    Assistance,
)
from tests.integration.registry.test_households import id_number

TOWN, OTHER_TOWN = TOWN_ADMIN.region_code, OTHER_TOWN_ADMIN.region_code
OFFICER = Principal(subject="officer-1", kind="user", region_code=TOWN, roles=("info_officer",))


@dataclass
class Registry:
    households: HouseholdsService
    reviews: ReviewsService
    relay: OutboxRelay


@pytest.fixture
async def bus(nats_url: str, bus_prefix: str, request: pytest.FixtureRequest) -> AsyncIterator[Bus]:
    prefix = f"{bus_prefix}{request.node.name.replace('[', '_').replace(']', '')}."
    connected = await Bus.connect(nats_url, prefix, name="assistance-tests")
    await connected.ensure_service_stream("registry")
    yield connected
    await connected.delete_stream("registry")
    await connected.close()


@pytest.fixture
async def registry(sqlite_url: Callable[[str], str], bus: Bus) -> AsyncIterator[Registry]:
    """The real registry's use-cases on their own database, its outbox relayed to the bus."""
    url = sqlite_url("registry")
    await asyncio.to_thread(migrations.upgrade, "registry", url)
    components = RegistryComponents(
        db=Database(url), protector=FieldProtector.from_secrets("e", "i")
    )
    households = HouseholdsService(components)
    yield Registry(
        households, ReviewsService(components, households, set()), OutboxRelay(components.db, bus)
    )
    await components.db.dispose()


def updates_consumer(bus: Bus, service: Assistance) -> Consumer:
    """Assistance's consumer of household updates, as its composition root builds it."""
    return Consumer(
        bus,
        service.components.db,
        stream="registry",
        durable="assistance-household-updates",
        filter_subject=HOUSEHOLD_UPDATED,
        handler=on_household_updated,
    )


async def deliver(registry: Registry, consumer: Consumer) -> None:
    await registry.relay.relay_once()
    while await consumer.poll_once(wait_seconds=0.5):
        pass


async def register(registry: Registry, number: str, village: str, serial: int) -> str:
    head = NewMember(name="户主", id_number=id_number(serial), relation="head")
    new = NewHousehold(
        number=number,
        village_code=village,
        attribute="general",
        main_cause="illness",
        members=[head],
    )
    return (await registry.households.create(COUNTY_ADMIN, new)).household.id


async def pair(registry: Registry, household_id: str, helper_id: str) -> None:
    """The pairing as the registry keeps it (checking the helper at identity is not the point)."""
    async with registry.households.c.db.unit_of_work() as session:
        session.add(
            Pairing(
                household_id=household_id,
                helper_id=helper_id,
                paired_by=COUNTY_ADMIN.subject,
                paired_at=utcnow(),
            )
        )


async def test_household_updates_count_for_the_cadre_who_made_them_once_in_period_and_subtree(
    service: Assistance, registry: Registry, bus: Bus
) -> None:
    consumer = updates_consumer(bus, service)
    ours = await register(registry, "U-1", VILLAGE, 901)
    theirs = await register(registry, "U-2", NEIGHBOUR, 902)
    await pair(registry, ours, HELPER.subject)
    started = datetime.now(UTC)
    await registry.households.update(OFFICER, ours, 1, HouseholdChanges(main_cause="disability"))
    proposal = Proposal(fields=HouseholdChanges(assistance_category="production"))
    request = await registry.reviews.propose(HELPER, ours, 2, proposal)
    await registry.reviews.review(VILLAGE_TEAM, request.id, approve=True, reason="")
    await registry.households.update(
        COUNTY_ADMIN, theirs, 1, HouseholdChanges(main_cause="disaster")
    )
    await deliver(registry, consumer)
    async with registry.households.c.db.read_only() as session:
        message_id = f"{ours}-2-{HOUSEHOLD_UPDATED}"
        first_update = (
            await session.exec(select(OutboxMessage).where(OutboxMessage.id == message_id))
        ).one()
    # The same event once more under a new message id (a replay the inbox cannot recognise).
    await bus.publish(HOUSEHOLD_UPDATED, first_update.payload, msg_id="replayed")
    await deliver(registry, consumer)
    async with service.components.db.read_only() as session:
        assert await session.get(InboxMessage, "replayed") is not None  # it was handled
    finished = datetime.now(UTC)
    period = Period(since=started, until=finished)

    scores = PerformanceService(service.components)
    town = await scores.performance(TOWN_ADMIN, "", period)
    assert town.by_town == [Score(TOWN, updates=2)]
    assert town.by_cadre == [
        Score(HELPER.subject, updates=1),  # the approved proposal, not its reviewer's
        Score(OFFICER.subject, updates=1),
    ]
    county = await scores.performance(COUNTY_ADMIN, "", period)
    assert county.by_town == [Score(TOWN, updates=2), Score(OTHER_TOWN, updates=1)]
    assert Score(COUNTY_ADMIN.subject, updates=1) in county.by_cadre
    assert (await scores.performance(COUNTY_ADMIN, "", Period(until=started))).by_town == []
    later = Period(since=finished, until=finished + timedelta(days=1))
    assert (await scores.performance(COUNTY_ADMIN, "", later)).by_town == []
