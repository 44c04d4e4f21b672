"""Role -> permission decisions, client scopes, territory and grant rules."""

from kit.authz import Authorizer
from kit.principal import Principal

AUTHZ = Authorizer(
    rules=[
        ("admin", "users", "create"),
        ("admin", "users", "read"),
        ("helper", "users", "read"),
        ("integrator", "users", "read"),
        ("integrator", "regions", "read"),
    ],
    grants=[("admin", "admin"), ("admin", "helper"), ("info_officer", "helper")],
)


def person(region: str, *roles: str) -> Principal:
    return Principal(subject="u1", kind="user", region_code=region, roles=roles)


def test_a_helper_may_read_users_but_not_create_them() -> None:
    helper = person("370102001001", "helper")
    assert AUTHZ.has_permission(helper, "users", "read")
    assert not AUTHZ.has_permission(helper, "users", "create")


def test_an_integrator_needs_the_scope_as_well_as_the_role() -> None:
    client = Principal(
        subject="c1",
        kind="client",
        region_code="370100000000",
        roles=("integrator",),
        scopes=("regions:read",),
    )
    assert AUTHZ.has_permission(client, "regions", "read")
    assert not AUTHZ.has_permission(client, "users", "read")


def test_a_city_admin_grants_admin_below_the_city_but_not_at_the_city_itself() -> None:
    city_admin = person("370100000000", "admin")
    assert AUTHZ.can_grant(city_admin, "admin", "370102000000")
    assert not AUTHZ.can_grant(city_admin, "admin", "370100000000")
    assert AUTHZ.can_grant(city_admin, "helper", "370100000000")


def test_nobody_grants_outside_their_subtree() -> None:
    city_admin = person("370100000000", "admin")
    assert not AUTHZ.can_grant(city_admin, "helper", "370202000000")


def test_an_information_officer_grants_helpers_only() -> None:
    officer = person("370102001000", "info_officer")
    assert AUTHZ.can_grant(officer, "helper", "370102001001")
    assert not AUTHZ.can_grant(officer, "admin", "370102001001")
