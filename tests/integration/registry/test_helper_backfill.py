"""The backfill of helpers' records against a real identity served over gRPC, asked as the
registry's own client with the scopes the platform registers for it: pairings made before the
registry kept helpers' records (their rows without a record, as revision 0014 left them) and
records without roles (as 0016 left them) count in the coverage after the step, each with the
quota of their roles; an id identity does not know stays out; a second run changes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest
from sqlmodel import col, select

from jingzhun.identity.v1 import identity_pb2_grpc
from kit.clock import utcnow
from kit.grpc_client import ServiceClient
from kit.grpc_server import CallContext, WrappingServer
from kit.principal import Principal
from kit.service_auth import PLATFORM_CLIENTS, ServiceCredentials
from kit.tokens import TokenVerifier
from services.registry import helping_repository as helping_repo
from services.registry.coverage_service import CoverageService
from services.registry.helper_backfill import HelperBackfill
from services.registry.households_service import HouseholdsService
from services.registry.models import HelperRecord, Pairing
from services.registry.pairing_quotas import load_quotas
from tests.integration.identity.conftest import build_identity, regions_file
from tests.integration.registry.test_households import COUNTY_OFFICER, household, service

__all__ = ["regions_file", "service"]
SECRET = "registry-test-secret-of-forty-characters"
COUNTY, VILLAGE = "370102000000", "370102001001"
QUOTAS = "2030,*,default,*,0,5\n2030,*,county,*,1,5\n2030,*,county,secretary,1,1\n"
PEOPLE = {  # name: (mobile, region, roles)
    "village_helper": ("13900000301", VILLAGE, ["helper"]),
    "county_leader": ("13900000302", COUNTY, ["helper", "secretary"]),
    "recorded_helper": ("13900000303", VILLAGE, ["helper"]),
}


@pytest.fixture(scope="module")
async def identity_address(
    tmp_path_factory: pytest.TempPathFactory,
    redis_url: str,
    redis_prefix: str,
    keypair: tuple[Path, Path],
    regions_file: Path,
) -> AsyncIterator[tuple[str, dict[str, str]]]:
    """Identity on its own port, with the people above and the registry's client: (its
    address, each person's user id)."""
    folder = tmp_path_factory.mktemp("backfill-identity")
    identity = await build_identity(
        f"sqlite+aiosqlite:///{folder / 'identity.db'}",
        redis_url,
        f"{redis_prefix}backfill:",
        keypair,
        regions_file,
    )
    created = await identity.users.bootstrap_admin("13800000000", "省管理员", "370000000000")
    assert created is not None
    province = Principal(
        subject=created[0].id, kind="user", region_code="370000000000", roles=("admin",)
    )
    people = {}
    for name, (mobile, region, roles) in PEOPLE.items():
        view, _ = await identity.users.create(province, mobile, name, region, roles)
        people[name] = view.user.id
    scopes = list(PLATFORM_CLIENTS["registry"])
    await identity.clients.register_service("registry", "370000000000", scopes, SECRET)
    verifier = TokenVerifier.from_file(keypair[1], issuer="jingzhun", audience="jingzhun")
    server = grpc.aio.server()
    wrapped = WrappingServer(server, CallContext(verifier).wrap)
    identity_pb2_grpc.add_IdentityServiceServicer_to_server(identity.api(), wrapped)  # type: ignore[arg-type]
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    yield f"127.0.0.1:{port}", people
    await server.stop(grace=None)
    await identity.components.db.dispose()
    await identity.components.revocations.redis.aclose()


@pytest.fixture
async def backfill(
    service: HouseholdsService, identity_address: tuple[str, dict[str, str]]
) -> AsyncIterator[HelperBackfill]:
    client = ServiceClient(identity_address[0], identity_pb2_grpc.IdentityServiceStub, timeout=10)
    credentials = ServiceCredentials(client, "svc-registry", SECRET)
    yield HelperBackfill(service.c.db, client, credentials, batch=2)
    await client.close()


async def test_helpers_paired_before_their_records_count_in_the_coverage_after_the_step(
    service: HouseholdsService,
    backfill: HelperBackfill,
    identity_address: tuple[str, dict[str, str]],
    tmp_path: Path,
) -> None:
    people = identity_address[1]
    (tmp_path / "quotas.csv").write_text(QUOTAS)
    coverage = CoverageService(service.c, load_quotas(tmp_path / "quotas.csv"))
    ids = [
        (await service.create(COUNTY_OFFICER, household(f"B-{n}", VILLAGE, n))).household.id
        for n in (1, 2)
    ]
    pre_0014 = [people["village_helper"], people["county_leader"], "gone-from-identity"]
    async with service.c.db.unit_of_work() as session:
        for helper_id in [*pre_0014, people["recorded_helper"]]:
            for household_id in ids:
                session.add(
                    Pairing(
                        household_id=household_id,
                        helper_id=helper_id,
                        paired_by="u1",
                        paired_at=utcnow(),
                    )
                )
        session.add(  # recorded before 0016: no roles
            HelperRecord(
                helper_id=people["recorded_helper"],
                name="旧名",
                region_code=VILLAGE,
                updated_at=utcnow(),
            )
        )
    before = (await coverage.coverage(COUNTY_OFFICER, "")).region
    assert (before.helpers, before.helpers_over_max) == (1, 0)

    outcome = await backfill.backfill()
    assert (outcome.recorded, outcome.unknown) == (3, ["gone-from-identity"])
    after = (await coverage.coverage(COUNTY_OFFICER, "")).region
    assert (after.helpers, after.helpers_without_households) == (3, 0)
    assert after.helpers_over_max == 1  # the county leader: 2 households, their role's most 1
    async with service.c.db.read_only() as session:
        records = (await session.exec(select(HelperRecord).order_by(col(HelperRecord.name)))).all()
    assert sorted((r.name, r.region_code, r.roles) for r in records) == [
        ("county_leader", COUNTY, "helper,secretary"),
        ("recorded_helper", VILLAGE, "helper"),
        ("village_helper", VILLAGE, "helper"),
    ]

    again = await backfill.backfill()
    assert (again.recorded, again.unknown) == (0, ["gone-from-identity"])
    await backfill.run()  # the start-up step: a pass, then done
    assert (await coverage.coverage(COUNTY_OFFICER, "")).region == after


async def test_the_backfill_leaves_a_record_a_pairing_wrote_meanwhile(
    service: HouseholdsService,
) -> None:
    now = utcnow()
    fresh = helping_repo.Cadre("h1", "新名", VILLAGE, ("helper", "secretary"))
    async with service.c.db.unit_of_work() as session:
        await helping_repo.locked_helper(session, fresh, now)
    stale = helping_repo.Cadre("h1", "旧名", COUNTY, ("helper",))
    async with service.c.db.unit_of_work() as session:
        await helping_repo.backfill_helpers(session, [stale], now)
    async with service.c.db.read_only() as session:
        found = await session.get(HelperRecord, "h1")
    assert found is not None
    assert (found.name, found.region_code, found.roles) == ("新名", VILLAGE, "helper,secretary")
