"""The coverage report (全覆盖) through the gateway: the figures of a county match what was set
up, its towns' figures sum to the county's, a town's own report is its row of the county's, a
household that enters monitoring without a helper shows at once in the count and the list of
households without a helper, and another county's officer finds no such region."""

from __future__ import annotations

from tests.e2e.test_helping_units import create_unit, pairing, put, register

# 垦利区 (two towns) and 河口区: used by no other test.
COUNTY, OTHER_COUNTY = "370505000000", "370503000000"
TOWN_A, VILLAGE_A = "370505001000", "370505001001"
TOWN_B, VILLAGE_B = "370505002000", "370505002001"
FIGURES = (
    "households_needing_help",
    "households_without_helper",
    "helpers",
    "helpers_without_households",
    "helpers_over_max",
    "helpers_under_min",
    "villages_without_work_team",
    "units",
    "units_without_villages",
)


def move(api, token, household_id, action, **extra):  # type: ignore[no-untyped-def]
    reply = api.http.post(
        f"/api/v1/households/{household_id}/transitions",
        json={"action": action, "reason": "入户核实", **extra},
        headers=api.auth(token),
    )
    assert reply.status_code == 200, reply.text


def figures(row):  # type: ignore[no-untyped-def]
    return {name: row[name] for name in FIGURES}


def report(api, token, region_code):  # type: ignore[no-untyped-def]
    reply = api.get("/api/v1/coverage", token, region_code=region_code)
    assert reply.status_code == 200, reply.text
    return reply.json()


def without_helper(api, token, region_code):  # type: ignore[no-untyped-def]
    """Every household id of the paged list of households without a helper, a page of one."""
    found, token_ = [], ""
    while True:
        params = {"region_code": region_code, "page_size": 1, "page_token": token_}
        reply = api.get("/api/v1/coverage/households-without-helper", token, **params)
        assert reply.status_code == 200, reply.text
        found += [h["id"] for h in reply.json()["items"]]
        token_ = reply.json()["next_page_token"]
        if not token_:
            return sorted(found)


def test_the_coverage_of_a_county_and_its_towns_matches_what_was_set_up(api, admin_token) -> None:
    _, _, officer = api.new_user(admin_token, COUNTY, "info_officer")
    paired_a, unpaired_a, exited_a = (register(api, officer, VILLAGE_A) for _ in range(3))
    unpaired_b = register(api, officer, VILLAGE_B)
    for action in ("start_assistance", "exit"):
        move(api, officer, exited_a, action)
    helper_a, _, _ = api.new_user(admin_token, VILLAGE_A, "helper")  # 1 household: under 5
    helper_b, _, _ = api.new_user(admin_token, TOWN_B, "helper")  # a unit's, no household
    assert pairing(api, officer, paired_a, helper_a).status_code == 201
    create_unit(api, officer, TOWN_A, name="镇卫生院", unit_kind="other")  # no village
    unit_b = create_unit(api, officer, TOWN_B, name="县供销社")
    assert put(api, officer, f"{unit_b['id']}/helpers/{helper_b}").status_code == 200
    assert put(api, officer, f"{unit_b['id']}/villages/{VILLAGE_B}").status_code == 200
    secretary, _, _ = api.new_user(admin_token, VILLAGE_B, "work_team")
    staffed = api.http.put(
        f"/api/v1/villages/{VILLAGE_B}",
        json={"is_poor": False, "first_secretary_id": secretary},
        headers=api.auth(officer),
    )
    assert staffed.status_code == 200, staffed.text

    county = report(api, officer, COUNTY)
    assert figures(county["region"]) == {
        "households_needing_help": 3,
        "households_without_helper": 2,
        "helpers": 2,
        "helpers_without_households": 1,
        "helpers_over_max": 0,
        "helpers_under_min": 2,
        "villages_without_work_team": 1,
        "units": 2,
        "units_without_villages": 1,
    }
    children = {row["region_code"]: figures(row) for row in county["children"]}
    assert sorted(children) == [TOWN_A, TOWN_B]
    for name in FIGURES:
        assert sum(row[name] for row in children.values()) == county["region"][name], name
    assert (children[TOWN_A]["villages_without_work_team"], children[TOWN_B]["helpers"]) == (1, 1)
    town = report(api, officer, TOWN_A)
    assert figures(town["region"]) == children[TOWN_A]
    assert [row["region_code"] for row in town["children"]] == [VILLAGE_A]
    assert without_helper(api, officer, COUNTY) == sorted([unpaired_a, unpaired_b])

    move(api, officer, exited_a, "start_monitoring", monitoring_category="unstable_exited")
    monitored = report(api, officer, COUNTY)["region"]
    assert (monitored["households_needing_help"], monitored["households_without_helper"]) == (4, 3)
    assert without_helper(api, officer, COUNTY) == sorted([unpaired_a, unpaired_b, exited_a])


def test_another_countys_officer_finds_no_coverage_of_the_county(api, admin_token) -> None:
    _, _, stranger = api.new_user(admin_token, OTHER_COUNTY, "info_officer")
    theirs = api.get("/api/v1/coverage", stranger, region_code=COUNTY)
    assert theirs.status_code == 404, theirs.text
    listed = api.get("/api/v1/coverage/households-without-helper", stranger, region_code=COUNTY)
    assert listed.status_code == 404
    assert report(api, stranger, OTHER_COUNTY)["region"]["region_code"] == OTHER_COUNTY
