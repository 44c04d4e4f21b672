"""Villages through the gateway: the county designates a poor village and its first secretary,
the work team records its 村情 year by year, the exit check explains each criterion from the
registered households, only the county decides the exit (and only a recorded step reverses it),
and another county's officer finds nothing, exactly as for a village that has no record."""

from __future__ import annotations

import itertools
import time

from kit.id_numbers import check_character
from tests.e2e.test_audit import audited

COUNTY, OTHER_COUNTY = "370203000000", "370281000000"  # 市北区, 胶州市: used by no other test
_serial = itertools.count(100)
PROFILE = {
    "households": 60,
    "arable_land_mu": 820.5,
    "collective_income": 80000,
    "roads_hardened": True,
    "drinking_water": True,
    "clinic": True,
    "school": False,
}


def first_village(api, token, county):  # type: ignore[no-untyped-def]
    town = api.get(f"/api/v1/regions/{county}/children", token).json()["items"][0]["code"]
    return town, api.get(f"/api/v1/regions/{town}/children", token).json()["items"][0]["code"]


def register(api, token, village, people):  # type: ignore[no-untyped-def]
    members = []
    for position in range(people):
        first = f"37020319900101{next(_serial) % 1000:03d}"
        members.append(
            {
                "name": f"村民{position}",
                "id_number": first + check_character(first),
                "relation": "head" if position == 0 else "child",
            }
        )
    body = {
        "number": f"VL-{time.time_ns()}",
        "village_code": village,
        "attribute": "general",
        "main_cause": "illness",
        "latitude": 36.08,
        "longitude": 120.37,
        "members": members,
    }
    reply = api.http.post("/api/v1/households", json=body, headers=api.auth(token))
    assert reply.status_code == 201, reply.text
    return reply.json()


def put(api, token, village, body, **headers):  # type: ignore[no-untyped-def]
    return api.http.put(
        f"/api/v1/villages/{village}", json=body, headers={**api.auth(token), **headers}
    )


def kind(reply):  # type: ignore[no-untyped-def]
    """The problem's reason, as its type names it."""
    return reply.json()["type"].removeprefix("urn:jingzhun:problem:")


def decide(api, token, village, body):  # type: ignore[no-untyped-def]
    return api.http.post(f"/api/v1/villages/{village}/exit", json=body, headers=api.auth(token))


def test_a_poor_village_is_recorded_checked_and_exits_by_the_countys_decision(
    api, admin_token
) -> None:
    town, village = first_village(api, admin_token, COUNTY)
    _, _, county = api.new_user(admin_token, COUNTY, "info_officer")
    town_officer_id, _, town_officer = api.new_user(admin_token, town, "info_officer")
    secretary_id, _, work_team = api.new_user(admin_token, village, "work_team")
    exited = register(api, admin_token, village, people=3)
    for action in ("start_assistance", "exit"):
        moved = api.http.post(
            f"/api/v1/households/{exited['id']}/transitions",
            json={"action": action, "reason": "核实"},
            headers=api.auth(admin_token),
        )
        assert moved.status_code == 200, moved.text
    register(api, admin_token, village, people=2)  # still poor: 2 poor people

    assert api.get(f"/api/v1/villages/{village}", county).status_code == 404
    designation = {
        "is_poor": True,
        "poor_since": 2016,
        "first_secretary_id": secretary_id,
        "profile": {**PROFILE, "year": 2025, "population": 50, "broadband": False},
    }
    key = {"Idempotency-Key": f"village-{village}"}
    designated = put(api, county, village, designation, **key)
    assert designated.status_code == 200, designated.text
    record = designated.json()
    replayed = put(api, county, village, designation, **key)  # a retry: the same reply
    assert (replayed.json(), replayed.headers.get("Idempotent-Replayed")) == (record, "true")
    assert (record["is_poor"], record["poor_since"], record["has_exited"]) == (True, 2016, False)
    assert record["first_secretary"] == {"user_id": secretary_id, "name": "测试用户"}
    assert (record["registered_households"], record["registered_people"]) == (2, 5)
    assert (record["poor_households"], record["poor_people"]) == (1, 2)
    assert record["incidence"] == 2 / 50

    check = api.get(f"/api/v1/villages/{village}/exit-check", county).json()
    assert (check["passed"], check["profile_year"]) == (False, 2025)
    verdicts = {c["name"]: (c["value"], c["passed"]) for c in check["criteria"]}
    assert verdicts == {
        "poverty_incidence": ("4.00%", False),
        "collective_income": ("80000", True),
        "roads_hardened": ("yes", True),
        "drinking_water": ("yes", True),
        "broadband": ("no", False),
    }
    refused = decide(api, county, village, {"action": "exit"})
    assert (refused.status_code, kind(refused)) == (409, "exit-criteria-not-met")

    # The work team records this year's figures; the designation stays the county's.
    this_year = {**PROFILE, "year": 2026, "population": 200, "broadband": True}
    mine = {"is_poor": True, "poor_since": 2016, "first_secretary_id": secretary_id}
    recorded = put(api, work_team, village, {**mine, "profile": this_year})
    assert recorded.status_code == 200, recorded.text
    assert [p["year"] for p in recorded.json()["profiles"]] == [2026, 2025]
    not_a_member = put(api, county, village, {**mine, "team_leader_id": town_officer_id})
    assert (not_a_member.status_code, kind(not_a_member)) == (409, "not-a-work-team-member")
    undesignate = put(api, work_team, village, {"is_poor": False})
    assert (undesignate.status_code, kind(undesignate)) == (409, "designation-by-county")

    stats = api.get("/api/v1/statistics/households", county, region_code=village).json()
    assert (stats["poor_people"], stats["incidence"]) == (2, 2 / 200)  # from the 2026 村情
    check = api.get(f"/api/v1/villages/{village}/exit-check", work_team).json()
    assert check["passed"] and check["profile_year"] == 2026
    incidence = next(c for c in check["criteria"] if c["name"] == "poverty_incidence")
    assert incidence["explanation"] == "1.00% is at most 2.00%"

    assert decide(api, town_officer, village, {"action": "exit"}).status_code == 403
    assert decide(api, work_team, village, {"action": "exit"}).status_code == 403
    done = decide(api, county, village, {"action": "exit", "year": 2026})
    assert done.status_code == 200, done.text
    assert (done.json()["has_exited"], done.json()["exit_year"]) == (True, 2026)
    again = decide(api, county, village, {"action": "exit"})
    assert kind(again) == "already-exited"
    exited_only = api.get("/api/v1/villages", county, exited="yes").json()["items"]
    assert [v["code"] for v in exited_only] == [village]

    assert decide(api, county, village, {"action": "revoke"}).status_code == 400
    revoked = decide(api, county, village, {"action": "revoke", "reason": "抽查发现漏评"})
    assert (revoked.json()["has_exited"], revoked.json()["exit_year"]) == (False, None)

    history = api.get(f"/api/v1/villages/{village}/history", county).json()["items"]
    kinds = [e["kind"] for e in history]
    assert kinds == [
        "created",
        "profile_recorded",
        "profile_recorded",
        "exited",
        "exit_revoked",
    ]
    exit_entry = history[3]
    assert exit_entry["after"]["profile_year"] == 2026
    assert all(c["passed"] for c in exit_entry["after"]["criteria"])
    assert history[4]["reason"] == "抽查发现漏评"
    assert history[0]["after"]["first_secretary_id"] == secretary_id
    for act in ("village.exited", "village.exit_revoked"):
        (found,) = audited(api, admin_token, act, target_id=village, action=act)
        assert found["region_code"] == village


def test_villages_are_listed_filtered_and_flagged_on_the_map_within_territory(
    api, admin_token
) -> None:
    town, village = first_village(api, admin_token, COUNTY)
    second = api.get(f"/api/v1/regions/{town}/children", admin_token).json()["items"][1]["code"]
    _, _, county = api.new_user(admin_token, COUNTY, "info_officer")
    _, _, other = api.new_user(admin_token, OTHER_COUNTY, "info_officer")
    put(api, county, second, {"is_poor": False}).raise_for_status()
    put(api, county, village, {"is_poor": True, "poor_since": 2016}).raise_for_status()
    register(api, admin_token, village, people=1)

    every = api.get("/api/v1/villages", county, page_size=1).json()
    assert [v["code"] for v in every["items"]] == [min(village, second)]
    rest = api.get("/api/v1/villages", county, page_token=every["next_page_token"]).json()
    assert [v["code"] for v in rest["items"]] == [max(village, second)]
    poor = api.get("/api/v1/villages", county, poor="yes").json()["items"]
    assert [v["code"] for v in poor] == [village]
    not_poor = api.get("/api/v1/villages", county, poor="no").json()["items"]
    assert [v["code"] for v in not_poor] == [second]

    features = api.get("/api/v1/map/households", county, aggregate="village").json()["features"]
    flagged = {f["id"]: f["properties"]["is_poor_village"] for f in features}
    assert flagged[village] is True

    # Another county: nothing listed, and the village is exactly a missing one.
    assert api.get("/api/v1/villages", other).json()["items"] == []
    _, missing = first_village(api, admin_token, OTHER_COUNTY)

    def problem(path: str) -> dict:
        reply = api.get(path, other)
        assert reply.status_code == 404
        return {k: v for k, v in reply.json().items() if k not in ("request_id", "instance")}

    for tail in ("", "/exit-check", "/history"):
        assert problem(f"/api/v1/villages/{village}{tail}") == problem(
            f"/api/v1/villages/{missing}{tail}"
        )
    assert put(api, other, village, {"is_poor": False}).status_code == 404
    assert decide(api, other, village, {"action": "exit"}).status_code == 404
    assert api.get("/api/v1/villages/370203", county).status_code == 422
    assert api.get("/api/v1/villages", county, region_code=OTHER_COUNTY).status_code == 404
