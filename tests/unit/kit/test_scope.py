"""The caller's scope: a helper holding a function only as a helper sees just their pairings;
any other role granting it gives the whole territory; a scope narrows within it only."""

import pytest

from kit.access import is_paired_only
from kit.authz import Authorizer
from kit.errors import NotFound
from kit.principal import Principal
from kit.scope import Scope

AUTHZ = Authorizer(
    rules=[
        ("helper", "households", "read"),
        ("helper", "needs", "create"),
        ("work_team", "households", "read"),
        ("leader_candidate", "courses", "read"),
    ],
    grants=[],
)
VILLAGE = "370102001001"


def person(*roles: str) -> Principal:
    return Principal(subject="u1", kind="user", region_code=VILLAGE, roles=roles)


def test_a_helper_reads_households_only_through_their_pairings() -> None:
    assert is_paired_only(AUTHZ, person("helper"), "households", "read")
    assert is_paired_only(AUTHZ, person("helper", "leader_candidate"), "households", "read")


def test_a_helper_who_is_also_on_the_work_team_reads_the_whole_village() -> None:
    both = person("helper", "work_team")
    assert not is_paired_only(AUTHZ, both, "households", "read")
    assert is_paired_only(AUTHZ, both, "needs", "create")  # filing a need is a helper's alone


def test_roles_without_the_helper_role_are_never_limited_to_pairings() -> None:
    assert not is_paired_only(AUTHZ, person("work_team"), "households", "read")
    client = Principal(subject="c1", kind="client", region_code=VILLAGE, roles=("helper",))
    assert not is_paired_only(AUTHZ, client, "households", "read")


def test_the_principals_scope_names_the_helper_only_when_paired_only() -> None:
    helper = Principal(
        subject="u1", kind="user", region_code=VILLAGE, roles=("helper",), paired_only=True
    )
    assert helper.scope == Scope(VILLAGE, "u1")
    assert person("work_team").scope == Scope(VILLAGE)


def test_a_scope_narrows_within_its_territory_and_keeps_the_pairing_limit() -> None:
    county = Scope("370102000000", "u1")
    assert county.within(VILLAGE) == Scope(VILLAGE, "u1")
    assert county.within("") == county
    with pytest.raises(NotFound):
        county.within("370103000000")


def test_a_record_is_covered_only_for_a_resolved_paired_household() -> None:
    paired = Scope(VILLAGE, "u1", households=frozenset({"hh-1"}))
    assert paired.covers(VILLAGE, "hh-1")
    assert not paired.covers(VILLAGE, "hh-2")
    assert not Scope(VILLAGE, "u1").covers(VILLAGE, "hh-1")  # unresolved: nothing, not all
    assert Scope(VILLAGE).covers(VILLAGE, "hh-2")
