"""The shipped policy (services/identity/policy.csv) grants each role what its console pages
read: a first secretary's notices page and leaders' screen read the subtree's text messages."""

from kit.principal import Principal
from services.identity.app import load_policy

POLICY = load_policy()


def person(region: str, *roles: str) -> Principal:
    return Principal(subject="u1", kind="user", region_code=region, roles=roles)


def test_a_secretary_reads_the_text_messages_of_their_notices_and_screen() -> None:
    secretary = person("370102001001", "secretary")
    assert POLICY.has_permission(secretary, "messages", "read")
    assert POLICY.has_permission(secretary, "notices", "read")


def test_a_secretary_still_may_not_read_phone_numbers_or_manage_users() -> None:
    secretary = person("370102001001", "secretary")
    assert not POLICY.has_permission(secretary, "users", "contact")
    assert not POLICY.has_permission(secretary, "users", "update")


def test_helpers_and_work_teams_do_not_read_the_subtree_s_text_messages() -> None:
    for role in ("helper", "work_team"):
        assert not POLICY.has_permission(person("370102001001", role), "messages", "read")
