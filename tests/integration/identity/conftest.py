"""Identity's use-cases on a real database (SQLite and PostgreSQL) and the real Redis."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from redis.asyncio import Redis
from sqlmodel import col, select

from kit import migrations
from kit.audit import AUDIT_RECORDED
from kit.bus import MSG_ID
from kit.clock import utcnow
from kit.outbox import InboxMessage, OutboxMessage
from kit.principal import Principal
from services.identity.app import Identity
from services.identity.events import on_audit_recorded
from services.identity.settings import IdentitySettings

# A small territory: one province, two cities, counties, towns and villages.
REGIONS = [
    ("370000000000", "山东省"),
    ("370100000000", "济南市"),
    ("370102000000", "历下区"),
    ("370102001000", "解放路街道"),
    ("370102001001", "甲村"),
    ("370102001002", "乙村"),
    ("370102002000", "千佛山街道"),
    ("370102002001", "丙村"),
    ("370103000000", "市中区"),
    ("370200000000", "青岛市"),
    ("370202000000", "市南区"),
    ("370202001000", "八大关街道"),
    ("370202001001", "丁村"),
]


@pytest.fixture(scope="session")
def regions_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("regions") / "regions.tsv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.writelines(f"{code}\t{name}\n" for code, name in REGIONS)
    return path


async def build_identity(
    database_url: str, redis_url: str, redis_prefix: str, keypair: tuple[Path, Path], regions: Path
) -> Identity:
    await asyncio.to_thread(migrations.upgrade, "identity", database_url)
    settings = IdentitySettings(
        database_url=database_url,
        signing_key_file=keypair[0],
        regions_file=regions,
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        lockout_threshold=3,
        lockout_seconds=60,
        common={
            "redis_url": redis_url,
            "redis_prefix": redis_prefix,
            "jwt_public_key_file": keypair[1],
        },
    )
    identity = await Identity.build(settings, Redis.from_url(redis_url))
    await identity.regions.load_file(regions)
    return identity


async def append_audited_acts(identity: Identity) -> None:
    """What identity's audit consumers do, without the broker: the acts its outbox holds
    appended to the log, each once (the inbox), in the order they were recorded."""
    db = identity.components.db
    async with db.read_only() as session:
        statement = select(OutboxMessage).where(col(OutboxMessage.subject).endswith(AUDIT_RECORDED))
        events = (await session.exec(statement.order_by(col(OutboxMessage.seq)))).all()
    for event in events:
        async with db.unit_of_work() as session:
            if await session.get(InboxMessage, event.id) is None:
                await on_audit_recorded(session, event.subject, event.payload, {MSG_ID: event.id})
                session.add(InboxMessage(id=event.id, subject=event.subject, processed_at=utcnow()))


@pytest.fixture
async def make_identity(
    redis_url: str, redis_prefix: str, keypair: tuple[Path, Path], request: pytest.FixtureRequest
) -> AsyncIterator[Callable[[str, Path], Awaitable[Identity]]]:
    """Factory: a migrated identity on `database_url` with the regions of `regions` loaded."""
    built: list[Identity] = []

    async def make(database_url: str, regions: Path) -> Identity:
        prefix = f"{redis_prefix}{request.node.name}{len(built)}:"
        identity = await build_identity(database_url, redis_url, prefix, keypair, regions)
        built.append(identity)
        return identity

    yield make
    for identity in built:
        await identity.components.db.dispose()
        await identity.components.revocations.redis.aclose()


@pytest.fixture(params=["sqlite", "postgres"])
async def identity(
    request: pytest.FixtureRequest,
    make_identity: Callable[[str, Path], Awaitable[Identity]],
    sqlite_url: Callable[[str], str],
    postgres_database: Callable[[str], Awaitable[str]],
    regions_file: Path,
) -> Identity:
    if request.param == "postgres":
        url = await postgres_database("identity")
    else:
        url = sqlite_url("identity")
    return await make_identity(url, regions_file)


@pytest.fixture
async def province_admin(identity: Identity) -> Principal:
    created = await identity.users.bootstrap_admin("13800000000", "省管理员", "370000000000")
    assert created is not None
    user, _ = created
    return Principal(subject=user.id, kind="user", region_code=user.region_code, roles=("admin",))
