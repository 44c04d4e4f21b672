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


# The household's registered location (36.82, 118.3) as Baidu's SDK reports it (BD-09): some
# 1.3 km off as WGS-84 numbers.
BAIDU_HOME = {"latitude": 36.82669, "longitude": 118.312242}


def test_a_baidu_point_at_the_household_is_accepted_and_the_same_numbers_as_wgs84_flagged(
    api, admin_token
) -> None:
    household_id, helper = paired_helper(api, admin_token, VILLAGE)
    baidu = log_visit(api, helper, household_id, BAIDU_HOME, coordinate_system="bd09")
    assert baidu.status_code == 201, baidu.text
    visit = baidu.json()
    assert (visit["check"], visit["flag"]) == ("accepted", None)
    assert visit["distance_m"] < 2
    assert (visit["coordinate_system"], visit["sent_latitude"], visit["sent_longitude"]) == (
        "bd09",
        BAIDU_HOME["latitude"],
        BAIDU_HOME["longitude"],
    )
    assert abs(visit["latitude"] - 36.82) < 1e-4 and abs(visit["longitude"] - 118.3) < 1e-4
    raw = log_visit(api, helper, household_id, BAIDU_HOME)  # taken as WGS-84
    assert (raw.json()["check"], raw.json()["flag"]) == ("flagged", "too_far")
    assert raw.json()["coordinate_system"] == "wgs84"
    amap = {"latitude": 36.820433, "longitude": 118.305839}  # the same place in GCJ-02
    gcj = log_visit(api, helper, household_id, amap, coordinate_system="gcj02")
    assert gcj.json()["check"] == "accepted" and gcj.json()["distance_m"] < 2
    listed = api.get("/api/v1/visits", helper, household_id=household_id).json()["items"]
    assert {v["coordinate_system"] for v in listed} == {"bd09", "wgs84", "gcj02"}
    bad = log_visit(api, helper, household_id, BAIDU_HOME, coordinate_system="cgcs2000")
    assert bad.status_code == 422


def test_the_work_team_and_town_cadres_log_visits_in_their_territory_helpers_to_pairings(
    api, admin_token
) -> None:
    household_id, _ = paired_helper(api, admin_token, VILLAGE)
    other_household, _ = paired_helper(api, admin_token, OTHER_VILLAGE)
    _, _, first_secretary = api.new_user(admin_token, VILLAGE, "work_team")
    _, _, town_cadre = api.new_user(admin_token, TOWN, "work_team")
    _, _, unpaired_helper = api.new_user(admin_token, VILLAGE, "helper")

    for cadre in (first_secretary, town_cadre):
        logged = log_visit(api, cadre, household_id, NEAR)
        assert logged.status_code == 201, logged.text
        assert logged.json()["check"] == "accepted"
        outside = log_visit(api, cadre, other_household, NEAR)  # another town's village
        assert outside.status_code == 404
        assert outside.headers["content-type"].startswith("application/problem+json")
    _, _, other_village_team = api.new_user(admin_token, "370303001002", "work_team")
    assert log_visit(api, other_village_team, household_id, NEAR).status_code == 404
    assert log_visit(api, unpaired_helper, household_id, NEAR).status_code == 404
    logged_by = {
        v["helper_id"]
        for v in api.get("/api/v1/visits", town_cadre, household_id=household_id).json()["items"]
    }
    assert len(logged_by) == 2
