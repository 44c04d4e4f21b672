"""Delegated administration, login, lockout, rotation and revocation, on real storage."""

from __future__ import annotations

import pytest

from kit.errors import AlreadyExists, InvalidArgument, NotFound, PermissionDenied, Unauthenticated
from kit.principal import Principal
from kit.revocation import RevocationCheck
from kit.tokens import TokenVerifier
from services.identity.app import Identity
from services.identity.domain import AuditFilters
from services.identity.user_service import UserChanges
from tests.integration.identity.conftest import append_audited_acts


def verify(identity: Identity, token: str) -> Principal:
    common = identity.components.settings.common
    verifier = TokenVerifier.from_file(
        common.jwt_public_key_file, issuer=common.jwt_issuer, audience=common.jwt_audience
    )
    return verifier.verify(token)


async def create(
    identity: Identity, caller: Principal, mobile: str, region: str, *roles: str
) -> tuple[Principal, str]:
    """A new account, and the principal it would act as once its password is changed."""
    view, password = await identity.users.create(
        caller, mobile, f"用户{mobile[-4:]}", region, list(roles)
    )
    return Principal(
        subject=view.user.id, kind="user", region_code=region, roles=tuple(roles)
    ), password


async def test_a_city_admin_creates_staff_in_their_city_only(
    identity: Identity, province_admin: Principal
) -> None:
    city_admin, _ = await create(identity, province_admin, "13900000001", "370100000000", "admin")
    await create(identity, city_admin, "13900000002", "370102000000", "admin")
    await create(identity, city_admin, "13900000003", "370102001000", "info_officer")
    with pytest.raises(NotFound):
        await create(identity, city_admin, "13900000004", "370202000000", "admin")
    with pytest.raises(NotFound):  # a region that does not exist answers the same
        await create(identity, city_admin, "13900000004", "370199000000", "admin")
    with pytest.raises(PermissionDenied):  # no peer administrator at the city itself
        await create(identity, city_admin, "13900000004", "370100000000", "admin")


async def test_a_town_officer_creates_village_helpers_but_grants_nothing_more(
    identity: Identity, province_admin: Principal
) -> None:
    officer, _ = await create(
        identity, province_admin, "13900000011", "370102001000", "info_officer"
    )
    helper, _ = await create(identity, officer, "13900000012", "370102001001", "helper")
    assert helper.region_code == "370102001001"
    with pytest.raises(PermissionDenied):
        await create(identity, officer, "13900000013", "370102001001", "admin")
    with pytest.raises(NotFound):
        await create(identity, officer, "13900000013", "370102002001", "helper")


async def test_a_village_cadre_sees_users_of_their_village_only(
    identity: Identity, province_admin: Principal
) -> None:
    helper, _ = await create(identity, province_admin, "13900000021", "370102001001", "helper")
    neighbour, _ = await create(identity, province_admin, "13900000022", "370102001002", "helper")
    mine = await identity.users.list_users(
        helper, region_code="", role="", include_disabled=False, after_id=None, limit=50
    )
    assert [v.user.id for v in mine] == [helper.subject]
    with pytest.raises(NotFound) as other:
        await identity.users.get(helper, neighbour.subject)
    with pytest.raises(NotFound) as missing:
        await identity.users.get(helper, "0" * 32)
    assert (other.value.message, other.value.reason) == (
        missing.value.message,
        missing.value.reason,
    )


async def test_mobiles_are_unique_and_validated(
    identity: Identity, province_admin: Principal
) -> None:
    await create(identity, province_admin, "13900000031", "370100000000", "secretary")
    with pytest.raises(AlreadyExists):
        await create(identity, province_admin, "13900000031", "370200000000", "secretary")
    with pytest.raises(InvalidArgument):
        await create(identity, province_admin, "2390000003", "370200000000", "secretary")


async def test_first_login_forces_a_password_change(
    identity: Identity, province_admin: Principal
) -> None:
    _, password = await create(identity, province_admin, "13900000041", "370100000000", "secretary")
    grant = await identity.auth.authenticate("13900000041", password, "127.0.0.1")
    first = verify(identity, grant.access_token)
    assert grant.must_change_password and first.must_change_password
    changed = await identity.auth.change_password(first, password, "NewPassw0rd")
    assert not verify(identity, changed.access_token).must_change_password
    with pytest.raises(Unauthenticated):
        await identity.auth.authenticate("13900000041", password, "127.0.0.1")


async def test_repeated_failures_lock_the_account_even_for_the_right_password(
    identity: Identity, province_admin: Principal
) -> None:
    _, password = await create(identity, province_admin, "13900000051", "370100000000", "secretary")
    for _ in range(3):  # the test settings lock after 3
        with pytest.raises(Unauthenticated):
            await identity.auth.authenticate("13900000051", "wrong-password1", "127.0.0.1")
    with pytest.raises(Unauthenticated) as locked:
        await identity.auth.authenticate("13900000051", password, "127.0.0.1")
    assert locked.value.reason == "ACCOUNT_LOCKED"
    await append_audited_acts(identity)
    records = await identity.audit.list_records(
        province_admin,
        region_code="",
        filters=AuditFilters(action="login.failed"),
        before_id=None,
        limit=50,
    )
    assert len(records) == 3


async def test_a_reused_refresh_token_revokes_the_session(
    identity: Identity, province_admin: Principal
) -> None:
    _, password = await create(identity, province_admin, "13900000061", "370100000000", "secretary")
    first = await identity.auth.authenticate("13900000061", password, "127.0.0.1")
    second = await identity.auth.refresh(first.refresh_token, "127.0.0.1")
    with pytest.raises(Unauthenticated):
        await identity.auth.refresh(first.refresh_token, "127.0.0.1")
    with pytest.raises(Unauthenticated):  # the thief's replay also ended the rotated chain
        await identity.auth.refresh(second.refresh_token, "127.0.0.1")
    check = RevocationCheck(
        identity.components.revocations.redis, identity.components.revocations.keys
    )
    await identity.auth.sync_revocations()
    assert await check.status(verify(identity, second.access_token)) is True


async def test_disabling_or_changing_roles_revokes_existing_tokens(
    identity: Identity, province_admin: Principal
) -> None:
    target, password = await create(
        identity, province_admin, "13900000071", "370100000000", "secretary"
    )
    await identity.auth.sync_revocations()
    check = RevocationCheck(
        identity.components.revocations.redis, identity.components.revocations.keys
    )
    token = verify(
        identity, (await identity.auth.authenticate("13900000071", password, "")).access_token
    )
    assert await check.status(token) is False
    await identity.users.update(province_admin, target.subject, UserChanges(roles=["inspector"]))
    assert await check.status(token) is True
    fresh = verify(
        identity, (await identity.auth.authenticate("13900000071", password, "")).access_token
    )
    assert fresh.roles == ("inspector",) and await check.status(fresh) is False
    await identity.users.update(province_admin, target.subject, UserChanges(disabled=True))
    assert await check.status(fresh) is True
    with pytest.raises(Unauthenticated):
        await identity.auth.authenticate("13900000071", password, "")


async def test_permission_changes_are_audited_with_before_and_after(
    identity: Identity, province_admin: Principal
) -> None:
    target, _ = await create(identity, province_admin, "13900000081", "370100000000", "secretary")
    await identity.users.update(
        province_admin, target.subject, UserChanges(roles=["secretary", "inspector"])
    )
    await append_audited_acts(identity)
    (record,) = await identity.audit.list_records(
        province_admin,
        region_code="",
        filters=AuditFilters(action="user.roles_changed", target_id=target.subject),
        before_id=None,
        limit=10,
    )
    assert record.actor_id == province_admin.subject
    assert '"after": ["inspector", "secretary"]' in record.detail


async def test_an_integrator_client_gets_only_its_region_and_scopes(
    identity: Identity, province_admin: Principal
) -> None:
    client, secret = await identity.clients.create(
        province_admin, "市大屏", "370200000000", ["regions:read"]
    )
    grant = await identity.auth.authenticate_client(client.client_id, secret, [], "")
    principal = verify(identity, grant.access_token)
    assert (principal.region_code, principal.scopes) == ("370200000000", ("regions:read",))
    with pytest.raises(InvalidArgument):
        await identity.auth.authenticate_client(client.client_id, secret, ["users:read"], "")
    with pytest.raises(Unauthenticated):
        await identity.auth.authenticate_client(client.client_id, "wrong", [], "")
