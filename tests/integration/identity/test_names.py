"""Naming a page's users and regions in one call each (the console's lists): only those the
caller may see are named, the others are left out as if they did not exist. Assistance's own
client names the cadres and regions it ranks the same way."""

from __future__ import annotations

import pytest

from kit.errors import InvalidArgument
from kit.principal import Principal
from kit.service_auth import PLATFORM_CLIENTS
from services.identity.app import Identity
from tests.integration.identity.test_accounts import create
from tests.integration.identity.test_contacts import SECRET, user, verify


async def test_a_town_officer_names_the_users_of_their_town_only(
    identity: Identity, province_admin: Principal
) -> None:
    officer, _ = await create(
        identity, province_admin, "13900000101", "370102001000", "info_officer"
    )
    helper, _ = await create(identity, officer, "13900000102", "370102001001", "helper")
    other_town, _ = await create(identity, province_admin, "13900000103", "370102002001", "helper")
    named = await identity.users.list_users(
        officer,
        region_code="",
        role="",
        include_disabled=True,
        after_id=None,
        limit=50,
        ids=[helper.subject, other_town.subject, "0" * 32],
    )
    assert [(v.user.id, v.user.name) for v in named] == [(helper.subject, "用户0102")]
    with pytest.raises(InvalidArgument):
        await identity.users.list_users(
            officer,
            region_code="",
            role="",
            include_disabled=True,
            after_id=None,
            limit=50,
            ids=[f"{n:032x}" for n in range(201)],
        )


def test_a_village_cadre_names_their_village_and_ancestors_but_not_the_neighbours(
    identity: Identity,
) -> None:
    cadre = Principal(subject="u1", kind="user", region_code="370102001001", roles=("helper",))
    asked = ["370102001001", "370102001002", "370102000000", "370102001001", "370199000000"]
    named = identity.regions.named(cadre, asked)
    assert [(n.code, n.name) for n in named] == [
        ("370102001001", "甲村"),
        ("370102000000", "历下区"),
    ]
    with pytest.raises(InvalidArgument):
        identity.regions.named(cadre, ["370102001001"] * 201)


async def assistance_principal(identity: Identity, region: str = "370000000000") -> Principal:
    """As the scheduler's monthly circular calls identity: svc-assistance's own token."""
    client = await identity.clients.register_service(
        "assistance", region, list(PLATFORM_CLIENTS["assistance"]), SECRET
    )
    grant = await identity.auth.authenticate_client(client.client_id, SECRET, [], "")
    return verify(identity, grant.access_token)


async def test_assistances_own_client_names_the_users_and_regions_of_its_territory_only(
    identity: Identity, province_admin: Principal
) -> None:
    officer = await user(identity, province_admin, "13900000201", "370102001000", "admin")
    helper = await user(identity, province_admin, "13900000202", "370102001001", "helper")
    qingdao = await user(identity, province_admin, "13900000203", "370202001001", "helper")

    async def names(caller: Principal, ids: list[str], codes: list[str]) -> tuple[list, list]:
        users = await identity.users.list_users(
            caller,
            region_code="",
            role="",
            include_disabled=True,
            after_id=None,
            limit=200,
            ids=ids,
        )
        regions = identity.regions.named(caller, codes)
        return sorted((v.user.id, v.user.name) for v in users), [(r.code, r.name) for r in regions]

    service = await assistance_principal(identity)
    assert await names(service, [helper, officer, "0" * 32], ["370102000000", "379999999999"]) == (
        sorted([(officer, "用户0201"), (helper, "用户0202")]),
        [("370102000000", "历下区")],
    )
    jinan = await assistance_principal(identity, "370100000000")
    users, regions = await names(jinan, [qingdao], ["370202000000"])
    assert (users, regions) == ([], [])  # another city's: as if unknown
