"""Pairing quotas by the cadre's role through the gateway: a county leader (a helper who is also
the county's secretary) is refused a pairing their role's most forbids though the county's row
for any helper allows it, a leader's own fewest spares them from the under-quota count, and a
helper given the leader's role counts over their quota in the coverage as soon as identity says
so (identity.user.updated); the unit's helpers show which role's row applies."""

from __future__ import annotations

from tests.e2e.smsc import eventually
from tests.e2e.test_coverage import report
from tests.e2e.test_helping_units import create_unit, pairing, put, register
from tests.e2e.test_villages import kind

# 利津县: used by no other test.
COUNTY, VILLAGE = "370522000000", "370522001001"


def test_a_leaders_quota_is_their_roles_at_pairing_and_in_the_coverage(api, admin_token) -> None:
    _, _, officer = api.new_user(admin_token, COUNTY, "info_officer")
    rules = api.get("/api/v1/pairing-quotas", officer, region_code=COUNTY).json()["quotas"]
    county = {
        q["role"]: (q["min_households"], q["max_households"])
        for q in rules
        if q["level"] == "county"
    }
    assert (county["*"], county["secretary"]) == ((3, 5), (2, 4))
    leader, _, _ = api.new_user(admin_token, COUNTY, "helper", "secretary")
    helper, _, _ = api.new_user(admin_token, COUNTY, "helper")
    few_leader, _, _ = api.new_user(admin_token, COUNTY, "helper", "secretary")
    few_helper, _, _ = api.new_user(admin_token, COUNTY, "helper")
    households = [register(api, officer, VILLAGE) for _ in range(5)]

    for household in households[:4]:
        assert pairing(api, officer, household, leader).status_code == 201
    refused = pairing(api, officer, households[4], leader)
    assert (refused.status_code, kind(refused)) == (409, "over-quota"), refused.text
    assert "county secretary" in refused.json()["detail"]
    for household in households:  # the county's row for any helper allows five
        assert pairing(api, officer, household, helper).status_code == 201, household
    for cadre in (few_leader, few_helper):
        for household in households[:2]:
            assert pairing(api, officer, household, cadre).status_code == 201

    figures = report(api, officer, COUNTY)["region"]
    assert (figures["helpers"], figures["helpers_over_max"], figures["helpers_under_min"]) == (
        4,
        0,
        1,  # the helper with two households; the leader with two has their role's fewest
    )

    promoted = api.http.patch(
        f"/api/v1/users/{helper}",
        json={"roles": ["helper", "secretary"]},
        headers=api.auth(admin_token),
    )
    assert promoted.status_code == 200, promoted.text

    def over_max() -> bool:  # the registry learns the new role from identity.user.updated
        return report(api, officer, COUNTY)["region"]["helpers_over_max"] == 1

    eventually(over_max, what="the promoted helper over their new role's most")
    unit = create_unit(api, officer, COUNTY, name="县委办公室")
    assigned = put(api, officer, f"{unit['id']}/helpers/{helper}")
    assert assigned.status_code == 200, assigned.text
    assert (assigned.json()["quota_role"], assigned.json()["max_households"]) == ("secretary", 4)
