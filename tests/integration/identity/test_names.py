"""Display names for the platform's own services (assistance names the cadres and regions it
ranks in its circulars): assistance's own client, with exactly the scopes it is registered
with, reads the names of users and regions in its territory — nothing outside it, nothing for
people or integrators."""

from __future__ import annotations

import pytest

from kit.errors import InvalidArgument, PermissionDenied
from kit.principal import Principal
from kit.service_auth import PLATFORM_CLIENTS
from services.identity.app import Identity
from tests.integration.identity.test_contacts import SECRET, user, verify


async def assistance_principal(identity: Identity, region: str = "370000000000") -> Principal:
    """As the scheduler's monthly circular calls identity: svc-assistance's own token."""
    client = await identity.clients.register_service(
        "assistance", region, list(PLATFORM_CLIENTS["assistance"]), SECRET
    )
    grant = await identity.auth.authenticate_client(client.client_id, SECRET, [], "")
    principal = verify(identity, grant.access_token)
    identity.components.authorizer.require(principal, "names", "read")
    return principal


async def test_assistances_own_client_reads_the_names_of_users_and_regions_in_its_territory(
    identity: Identity, province_admin: Principal
) -> None:
    officer = await user(identity, province_admin, "13900000201", "370102001000", "admin")
    helper = await user(identity, province_admin, "13900000202", "370102001001", "helper")
    qingdao = await user(identity, province_admin, "13900000203", "370202001001", "helper")
    service = await assistance_principal(identity)
    users, regions = await identity.contacts.names(
        service, [helper, officer, "0" * 32], ["370102000000", "379999999999"]
    )
    assert sorted(users) == sorted([(officer, "用户0201"), (helper, "用户0202")])
    assert regions == [("370102000000", "历下区")]

    jinan = await assistance_principal(identity, "370100000000")
    users, regions = await identity.contacts.names(jinan, [qingdao], ["370202000000"])
    assert (users, regions) == ([], [])  # another city's: as if unknown


async def test_people_and_integrators_never_read_names_this_way(
    identity: Identity, province_admin: Principal
) -> None:
    with pytest.raises(PermissionDenied):
        identity.components.authorizer.require(province_admin, "names", "read")
    with pytest.raises(InvalidArgument):  # not a scope an administrator may hand out
        await identity.clients.create(province_admin, "大屏", "370100000000", ["names:read"])
