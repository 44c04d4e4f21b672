"""Visits (帮扶记录) through the gateway: a paired helper's check-in near the household is
accepted, one too far from it is kept but flagged, an unpaired helper finds no such household, and a cadre
of another town finds nothing; visits and their frequency per helper and household by region."""

from __future__ import annotations

from tests.e2e.test_needs import paired_helper

COUNTY = "370303000000"  # 张店区, used by no other test
TOWN, VILLAGE = "370303001000", "370303001001"
OTHER_TOWN, OTHER_VILLAGE = "370303002000", "370303002001"
NEAR = {"latitude": 36.8227, "longitude": 118.3}  # about 300 m from the household (36.82, 118.3)
FAR = {"latitude": 36.84, "longitude": 118.3}  # about 2.2 km


def log_visit(api, token, household_id, position, **extra):  # type: ignore[no-untyped-def]
    body = {"household_id": household_id, **position, "notes": "走访了解收入情况", **extra}
    return api.http.post("/api/v1/visits", json=body, headers=api.auth(token))


def test_a_check_in_far_from_the_household_is_flagged_and_a_near_one_accepted(
    api, admin_token
) -> None:
    household_id, helper = paired_helper(api, admin_token, VILLAGE)
    _, _, stranger = api.new_user(admin_token, VILLAGE, "helper")
    _, _, town = api.new_user(admin_token, TOWN, "admin")
    _, _, other_town = api.new_user(admin_token, OTHER_TOWN, "admin")
    _, _, far_helper = api.new_user(admin_token, OTHER_VILLAGE, "helper")

    near = log_visit(api, helper, household_id, NEAR)
    assert near.status_code == 201, near.text
    assert (near.json()["check"], near.json()["flag"]) == ("accepted", None)
    assert 250 < near.json()["distance_m"] < 350
    far = log_visit(api, helper, household_id, FAR)
    assert far.status_code == 201, far.text
    assert (far.json()["check"], far.json()["flag"]) == ("flagged", "too_far")

    refused = log_visit(api, stranger, household_id, NEAR)  # not paired: as if not there
    assert refused.status_code == 404
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert log_visit(api, helper, household_id, {"latitude": 95, "longitude": 0}).status_code == 422
    assert log_visit(api, far_helper, household_id, NEAR).status_code == 404  # not in territory

    listed = api.get("/api/v1/visits", town, household_id=household_id).json()["items"]
    assert [(v["id"], v["check"]) for v in listed] == [
        (far.json()["id"], "flagged"),
        (near.json()["id"], "accepted"),
    ]
    flagged = api.get("/api/v1/visits", town, household_id=household_id, flagged="true").json()
    assert [v["id"] for v in flagged["items"]] == [far.json()["id"]]
    assert api.get("/api/v1/visits", other_town, household_id=household_id).status_code == 404
    assert api.get("/api/v1/visits", other_town, region_code=VILLAGE).status_code == 404


def test_visit_frequency_per_helper_and_household_is_reported_for_a_region_in_scope(
    api, admin_token
) -> None:
    household_id, helper = paired_helper(api, admin_token, VILLAGE)
    helper_id = api.get("/api/v1/me", helper).json()["id"]
    _, _, county = api.new_user(admin_token, COUNTY, "admin")
    _, _, other_town = api.new_user(admin_token, OTHER_TOWN, "admin")
    for position in (NEAR, NEAR, FAR):
        assert log_visit(api, helper, household_id, position).status_code == 201

    found = api.get("/api/v1/visits/frequency", county, region_code=TOWN)
    assert found.status_code == 200, found.text
    report = found.json()
    assert {"id": helper_id, "visits": 3, "flagged": 1} in report["by_helper"]
    assert {"id": household_id, "visits": 3, "flagged": 1} in report["by_household"]
    last_year = api.get(
        "/api/v1/visits/frequency",
        county,
        **{"from": "2025-01-01T00:00:00+08:00", "to": "2025-02-01T00:00:00+08:00"},
    ).json()
    assert last_year["by_household"] == [] and last_year["visits"] == 0
    backwards = api.get(
        "/api/v1/visits/frequency",
        county,
        **{"from": "2025-02-01T00:00:00+08:00", "to": "2025-01-01T00:00:00+08:00"},
    )
    assert backwards.status_code == 400
    assert api.get("/api/v1/visits/frequency", other_town, region_code=TOWN).status_code == 404
