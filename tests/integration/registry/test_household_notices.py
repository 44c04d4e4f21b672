"""The public notice of households on SQLite and PostgreSQL, with the clock in the test's hand:
objections lodged together each count, none after the end, and of two approvals arriving
together exactly one performs the household's transition."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import pytest

from kit import migrations
from kit.db import Database
from kit.errors import FailedPrecondition
from kit.principal import Principal
from kit.protection import FieldProtector
from services.registry.components import Components
from services.registry.household_notices import HouseholdNotices
from services.registry.households_service import HouseholdsService
from tests.integration.registry.test_households import household
from tests.integration.support import Clock

START = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
TOWN = Principal(subject="t1", kind="user", region_code="370102001000", roles=("admin",))
COUNTY = Principal(subject="c1", kind="user", region_code="370102000000", roles=("admin",))


@pytest.fixture(params=["sqlite", "postgres"])
async def services(
    request: pytest.FixtureRequest,
    sqlite_url: Callable[[str], str],
    postgres_database: Callable[[str], Awaitable[str]],
) -> AsyncIterator[tuple[HouseholdsService, HouseholdNotices, Clock]]:
    url = (
        await postgres_database("registry")
        if request.param == "postgres"
        else sqlite_url("registry")
    )
    await asyncio.to_thread(migrations.upgrade, "registry", url)
    db = Database(url)
    clock = Clock(START)
    components = Components(db=db, protector=FieldProtector.from_secrets("e", "i"), clock=clock)
    yield HouseholdsService(components), HouseholdNotices(components), clock
    await db.dispose()


async def test_objections_count_and_one_approval_of_two_performs_the_transition(
    services: tuple[HouseholdsService, HouseholdNotices, Clock],
) -> None:
    households, notices, clock = services
    created = await households.create(COUNTY, household("N-1", "370102001002", 1))
    (view,) = await notices.publish(TOWN, "identification", [created.household.id])
    notice_id = view.notice.id
    lodged = await asyncio.gather(*(notices.lodge(notice_id, f"异议{i}", "") for i in range(4)))
    with pytest.raises(FailedPrecondition, match="not ended"):
        await notices.approve(COUNTY, notice_id, "")
    clock.advance(days=7)
    with pytest.raises(FailedPrecondition, match="not running"):
        await notices.lodge(notice_id, "迟到", "")
    for objection in lodged:
        resolved = await notices.resolve(TOWN, notice_id, objection.id, False, "不属实")
    assert resolved.notice.open_objections == 0 and resolved.state == "ended"

    outcomes = await asyncio.gather(
        *(notices.approve(COUNTY, notice_id, "同意") for _ in range(2)), return_exceptions=True
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["FailedPrecondition", "NoticeView"]
    after = await households.get(COUNTY, created.household.id)
    assert after.household.status == "under_assistance"
    history = await households.history(COUNTY, created.household.id, None, 50)
    assert [e.reason for e in history if e.kind == "transitioned"] == [
        f"公示 {notice_id} 期满无异议: 同意"
    ]
