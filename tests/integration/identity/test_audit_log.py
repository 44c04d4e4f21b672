"""The one audit log on a real database (SQLite and PostgreSQL): every service's acts appended
to a hash chain that verifies, refuses UPDATE and DELETE, and names the record someone changed
or removed behind its back; read by territory."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from kit import audit, migrations
from kit.clock import utcnow
from kit.db import Database
from kit.errors import NotFound
from kit.principal import Principal
from services.identity.app import Identity
from services.identity.audit_service import verify
from services.identity.domain import AuditFilters
from tests.integration.identity.conftest import append_audited_acts

VILLAGE, OTHER_CITY_VILLAGE = "370102001001", "370202001001"
TRIGGERS = {
    "postgresql": ["audit_records_append_only ON audit_records"],
    "sqlite": ["audit_records_no_update", "audit_records_no_delete"],
}


async def record_acts(identity: Identity, *acts: tuple[str, str, str]) -> None:
    """`(service, action, region)` acts as each service records them, appended to the log."""
    for service, action, region in acts:
        async with identity.components.db.unit_of_work() as session:
            audit.record(
                session,
                service,
                actor_id="u-officer",
                action=action,
                target_id=f"t-{action}",
                region_code=region,
                detail={"why": "检查"},
            )
    await append_audited_acts(identity)


async def execute(identity: Identity, statement: str) -> None:
    async with identity.components.db.engine.begin() as connection:
        await connection.execute(text(statement))


async def drop_triggers(identity: Identity) -> None:
    for trigger in TRIGGERS[identity.components.db.engine.dialect.name]:
        await execute(identity, f"DROP TRIGGER {trigger}")


SOME_ACTS = [
    ("registry", "member.revealed", VILLAGE),
    ("assistance", "alert.reviewed", VILLAGE),
    ("registry", "households.exported", "370102000000"),
    ("training", "institution.screened", OTHER_CITY_VILLAGE),
]


async def test_every_services_acts_are_chained_and_the_chain_verifies(
    identity: Identity, province_admin: Principal
) -> None:
    await record_acts(identity, *SOME_ACTS)
    checked = await verify(identity.components.db)
    assert checked.broken is None
    records = await identity.audit.list_records(
        province_admin, region_code="", filters=AuditFilters(), before_id=None, limit=50
    )
    assert checked.records == len(records) >= 5  # the admin's creation, and the four acts
    assert checked.head_id == records[0].id and checked.head_hash == records[0].hash
    assert [r.service for r in records[:4]] == ["training", "registry", "assistance", "registry"]


async def test_the_log_refuses_to_change_or_remove_a_record(identity: Identity) -> None:
    await record_acts(identity, *SOME_ACTS)
    for statement in [
        "UPDATE audit_records SET detail = '{}' WHERE id = 2",
        "DELETE FROM audit_records WHERE id = 2",
        "DELETE FROM audit_records",
    ]:
        with pytest.raises(DBAPIError, match="append-only"):
            await execute(identity, statement)
    if identity.components.db.engine.dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"):
            await execute(identity, "TRUNCATE audit_records")
    assert (await verify(identity.components.db)).broken is None


async def test_a_record_changed_behind_the_logs_back_is_named(identity: Identity) -> None:
    await record_acts(identity, *SOME_ACTS)
    await drop_triggers(identity)
    await execute(identity, "UPDATE audit_records SET region_code = '370000000000' WHERE id = 3")
    checked = await verify(identity.components.db)
    assert checked.broken is not None and checked.broken.record_id == 3
    assert "content" in checked.broken.reason and checked.records == 2


async def test_a_record_removed_behind_the_logs_back_breaks_the_chain_after_it(
    identity: Identity,
) -> None:
    await record_acts(identity, *SOME_ACTS)
    await drop_triggers(identity)
    await execute(identity, "DELETE FROM audit_records WHERE id = 3")
    checked = await verify(identity.components.db)
    assert checked.broken is not None and checked.broken.record_id == 4
    assert "does not follow" in checked.broken.reason


async def test_readers_filter_by_service_action_and_time_within_their_territory(
    identity: Identity, province_admin: Principal
) -> None:
    before = utcnow()
    await record_acts(identity, *SOME_ACTS)
    jinan_inspector = Principal(
        subject="u-inspector", kind="user", region_code="370100000000", roles=("inspector",)
    )

    async def listed(caller: Principal, region: str = "", **filters: object) -> list[str]:
        found = await identity.audit.list_records(
            caller, region_code=region, filters=AuditFilters(**filters), before_id=None, limit=50
        )
        return [f"{r.service}:{r.action}" for r in found]

    assert await listed(province_admin, service="registry") == [
        "registry:households.exported",
        "registry:member.revealed",
    ]
    assert await listed(province_admin, action="alert.reviewed") == ["assistance:alert.reviewed"]
    assert await listed(province_admin, service="registry", since=utcnow()) == []
    assert len(await listed(province_admin, since=before, until=utcnow())) == 4
    assert len(await listed(province_admin, until=before - timedelta(days=1))) == 0
    in_jinan = await listed(jinan_inspector)
    assert "training:institution.screened" not in in_jinan and len(in_jinan) == 3
    with pytest.raises(NotFound):  # another city's records: as if there were none
        await listed(jinan_inspector, region="370200000000")


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_records_kept_before_the_chain_are_chained_by_its_migration(
    backend: str,
    sqlite_url: Callable[[str], str],
    postgres_database: Callable[[str], Awaitable[str]],
) -> None:
    url = await postgres_database("kept") if backend == "postgres" else sqlite_url("kept")
    await asyncio.to_thread(migrations.upgrade, "identity", url, "0001")
    db = Database(url)
    try:
        async with db.engine.begin() as connection:
            for n in (1, 2, 3):
                await connection.execute(
                    text(
                        "INSERT INTO audit_records (at, actor_id, action, target_id, region_code,"
                        " detail, client_ip) VALUES (:at, :who, 'login.succeeded', :who, :region,"
                        " '{}', '')"
                    ),
                    {"at": datetime(2026, 6, n, 8, tzinfo=UTC), "who": f"u{n}", "region": VILLAGE},
                )
        await asyncio.to_thread(migrations.upgrade, "identity", url, "head")
        checked = await verify(db)
    finally:
        await db.dispose()
    assert checked.broken is None and checked.records == 3
