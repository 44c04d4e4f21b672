"""Phone numbers for the platform's own services: only a registered service client may read
them, only holders of the role in the subtree asked (or the users named), only active ones."""

from __future__ import annotations

import pytest

from kit.errors import InvalidArgument, NotFound, PermissionDenied
from kit.principal import Principal
from kit.tokens import TokenVerifier
from services.identity.app import Identity
from services.identity.user_service import UserChanges

SECRET = "s" * 40


def verify(identity: Identity, token: str) -> Principal:
    common = identity.components.settings.common
    verifier = TokenVerifier.from_file(
        common.jwt_public_key_file, issuer=common.jwt_issuer, audience=common.jwt_audience
    )
    return verifier.verify(token)


async def service_principal(identity: Identity, region: str = "370000000000") -> Principal:
    client = await identity.clients.register_service(
        "notification", region, ["users:contact"], SECRET
    )
    grant = await identity.auth.authenticate_client(client.client_id, SECRET, [], "")
    principal = verify(identity, grant.access_token)
    identity.components.authorizer.require(principal, "users", "contact")
    return principal


async def user(identity: Identity, admin: Principal, mobile: str, region: str, role: str) -> str:
    view, _ = await identity.users.create(admin, mobile, f"用户{mobile[-4:]}", region, [role])
    return view.user.id


async def contacts(identity: Identity, caller: Principal, **audience: object) -> dict[str, str]:
    found: dict[str, str] = {}
    request = {"user_ids": [], "role": "", "region_code": "", "page_size": 2, **audience}
    async for page in identity.contacts.contacts(caller, **request):  # type: ignore[arg-type]
        found.update((c.user_id, c.mobile) for c in page)
    return found


async def test_a_service_lists_exactly_the_active_holders_of_a_role_in_a_subtree(
    identity: Identity, province_admin: Principal
) -> None:
    lixia = [
        await user(identity, province_admin, "13900000101", "370102001001", "helper"),
        await user(identity, province_admin, "13900000102", "370102002001", "helper"),
        await user(identity, province_admin, "13900000103", "370102000000", "helper"),
    ]
    await user(identity, province_admin, "13900000104", "370102001001", "secretary")
    await user(identity, province_admin, "13900000105", "370202001001", "helper")
    gone = await user(identity, province_admin, "13900000106", "370102001002", "helper")
    await identity.users.update(province_admin, gone, UserChanges(disabled=True))
    service = await service_principal(identity)
    found = await contacts(identity, service, role="helper", region_code="370102000000")
    assert found == dict(zip(lixia, ["13900000101", "13900000102", "13900000103"], strict=True))
    named = await contacts(identity, service, user_ids=[lixia[0], gone, "0" * 32])
    assert named == {lixia[0]: "13900000101"}


async def test_a_service_bound_to_a_city_reads_nothing_outside_it(
    identity: Identity, province_admin: Principal
) -> None:
    qingdao = await user(identity, province_admin, "13900000111", "370202001001", "helper")
    service = await service_principal(identity, "370100000000")
    with pytest.raises(NotFound):
        await contacts(identity, service, role="helper", region_code="370202000000")
    assert await contacts(identity, service, user_ids=[qingdao]) == {}


async def test_people_and_integrators_never_read_phone_numbers(
    identity: Identity, province_admin: Principal
) -> None:
    with pytest.raises(PermissionDenied):
        identity.components.authorizer.require(province_admin, "users", "contact")
    with pytest.raises(InvalidArgument):  # not a scope an administrator may hand out
        await identity.clients.create(province_admin, "大屏", "370100000000", ["users:contact"])
    with pytest.raises(InvalidArgument):  # nor a role
        await identity.users.create(
            province_admin, "13900000121", "某服务", "370100000000", ["service"]
        )
    with pytest.raises(InvalidArgument):  # a service client is registered with a real secret
        await identity.clients.register_service(
            "notification", "370000000000", ["users:contact"], "short"
        )
