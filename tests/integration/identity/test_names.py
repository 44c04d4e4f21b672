"""Naming a page's users and regions in one call each (the console's lists): only those the
caller may see are named, the others are left out as if they did not exist."""

from __future__ import annotations

import pytest

from kit.errors import InvalidArgument
from kit.principal import Principal
from services.identity.app import Identity
from tests.integration.identity.test_accounts import create


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
