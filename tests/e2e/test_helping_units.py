"""Helping units (帮扶单位) through the gateway: a county officer records a unit, gives it helpers
of its territory (a helper belongs to one unit at a time) and villages (单位包村), and reads its
figures; another county's officer finds nothing, exactly as for a unit that does not exist; a
helper's pairings stop at their quota's most, and a refused pairing changes nothing."""

from __future__ import annotations

import itertools
import time
import uuid

from kit.id_numbers import check_character
from tests.e2e.test_audit import audited
from tests.e2e.test_helper_pairings import answer
from tests.e2e.test_villages import kind

# 东营区 and 河口区: used by no other test.
COUNTY, TOWN, VILLAGE = "370502000000", "370502001000", "370502001011"
OTHER_TOWN_VILLAGE = "370502002002"
OTHER_COUNTY, OTHER_VILLAGE = "370503000000", "370503001002"
_serial = itertools.count(1)


def register(api, token, village):  # type: ignore[no-untyped-def]
    """A newly identified (poor) household of one member in the village."""
    first = f"37050219850101{next(_serial):03d}"
    body = {
        "number": f"HU-{time.time_ns()}",
        "village_code": village,
        "attribute": "general",
        "main_cause": "illness",
        "members": [
            {"name": "户主", "id_number": first + check_character(first), "relation": "head"}
        ],
    }
    reply = api.http.post("/api/v1/households", json=body, headers=api.auth(token))
    assert reply.status_code == 201, reply.text
    return reply.json()["id"]


def pairing(api, token, household_id, helper_id):  # type: ignore[no-untyped-def]
    return api.http.post(
        f"/api/v1/households/{household_id}/pairings",
        json={"helper_id": helper_id},
        headers=api.auth(token),
    )


def create_unit(api, token, region_code, name="县农业农村局", unit_kind="department"):  # type: ignore[no-untyped-def]
    body = {"name": name, "kind": unit_kind, "region_code": region_code}
    reply = api.http.post("/api/v1/helping-units", json=body, headers=api.auth(token))
    assert reply.status_code == 201, reply.text
    return reply.json()


def put(api, token, path):  # type: ignore[no-untyped-def]
    return api.http.put(f"/api/v1/helping-units/{path}", headers=api.auth(token))


def test_a_unit_gets_helpers_and_villages_of_its_territory_and_counts_their_households(
    api, admin_token
) -> None:
    _, _, officer = api.new_user(admin_token, COUNTY, "info_officer")
    unit = create_unit(api, officer, COUNTY)
    assert (unit["level"], unit["helpers"], unit["village_codes"]) == ("county", 0, [])
    helper_id, _, _ = api.new_user(admin_token, VILLAGE, "helper")
    outsider_id, _, _ = api.new_user(admin_token, OTHER_VILLAGE, "helper")
    clerk_id, _, _ = api.new_user(admin_token, VILLAGE, "work_team")

    assigned = put(api, officer, f"{unit['id']}/helpers/{helper_id}")
    assert assigned.status_code == 200, assigned.text
    assert (assigned.json()["unit_id"], assigned.json()["max_households"]) == (unit["id"], 10)
    outside = put(api, admin_token, f"{unit['id']}/helpers/{outsider_id}")
    assert (outside.status_code, kind(outside)) == (409, "out-of-unit-territory")
    not_a_helper = put(api, officer, f"{unit['id']}/helpers/{clerk_id}")
    assert (not_a_helper.status_code, kind(not_a_helper)) == (400, "not-a-helper")

    for household in (register(api, officer, VILLAGE), register(api, officer, VILLAGE)):
        assert pairing(api, officer, household, helper_id).status_code == 201
    with_village = put(api, officer, f"{unit['id']}/villages/{VILLAGE}")
    assert with_village.status_code == 200, with_village.text
    read = api.get(f"/api/v1/helping-units/{unit['id']}", officer).json()
    assert (read["helpers"], read["paired_households"], read["village_codes"]) == (1, 2, [VILLAGE])
    helpers = api.get(f"/api/v1/helping-units/{unit['id']}/helpers", officer).json()["items"]
    assert [(h["helper_id"], h["paired_households"]) for h in helpers] == [(helper_id, 2)]

    town_unit = create_unit(api, officer, TOWN, name="镇供电所", unit_kind="enterprise")
    elsewhere = put(api, officer, f"{town_unit['id']}/villages/{OTHER_TOWN_VILLAGE}")
    assert (elsewhere.status_code, kind(elsewhere)) == (409, "out-of-unit-territory")
    moved = put(api, officer, f"{town_unit['id']}/helpers/{helper_id}")
    assert moved.status_code == 200, moved.text
    assert api.get(f"/api/v1/helping-units/{unit['id']}", officer).json()["helpers"] == 0
    units = api.get("/api/v1/helping-units", officer, region_code=TOWN).json()["items"]
    assert [(u["id"], u["helpers"], u["paired_households"]) for u in units] == [
        (town_unit["id"], 1, 2)
    ]

    changed = api.http.put(
        f"/api/v1/helping-units/{unit['id']}",
        json={"name": "县农业农村局(帮扶办)", "kind": "department", "expected_version": 1},
        headers=api.auth(officer),
    )
    assert (changed.status_code, changed.json()["version"]) == (200, 2), changed.text
    for action in ("helping_unit.created", "helping_unit.changed"):
        audited(api, admin_token, action, target_id=unit["id"], action=action)
    for action in ("helping_unit.helper_assigned", "helping_unit.village_assigned"):
        audited(api, admin_token, action, target_id=unit["id"], action=action)


def test_another_countys_officer_finds_a_unit_as_a_missing_one(api, admin_token) -> None:
    _, _, officer = api.new_user(admin_token, COUNTY, "info_officer")
    _, _, stranger = api.new_user(admin_token, OTHER_COUNTY, "info_officer")
    unit = create_unit(api, officer, COUNTY, name="县教育局")
    helper_id, _, _ = api.new_user(admin_token, VILLAGE, "helper")
    missing = uuid.uuid4().hex
    for path in ("{}", "{}/helpers"):
        theirs = api.get(f"/api/v1/helping-units/{path.format(unit['id'])}", stranger)
        absent = api.get(f"/api/v1/helping-units/{path.format(missing)}", stranger)
        assert absent.status_code == 404, absent.text
        assert answer(theirs) == answer(absent)
    for path in (f"{{}}/helpers/{helper_id}", f"{{}}/villages/{VILLAGE}"):
        theirs = put(api, stranger, path.format(unit["id"]))
        absent = put(api, stranger, path.format(missing))
        assert absent.status_code == 404, absent.text
        assert answer(theirs) == answer(absent)
    renamed = api.http.put(
        f"/api/v1/helping-units/{unit['id']}",
        json={"name": "改名", "kind": "other"},
        headers=api.auth(stranger),
    )
    assert renamed.status_code == 404
    assert api.get("/api/v1/helping-units", stranger, region_code=COUNTY).status_code == 404
    listed = api.get("/api/v1/helping-units", stranger).json()["items"]
    assert unit["id"] not in [u["id"] for u in listed]
    assert api.get(f"/api/v1/helping-units/{unit['id']}", officer).json()["name"] == "县教育局"


def test_a_pairing_beyond_the_helpers_quota_is_refused_and_changes_nothing(
    api, admin_token
) -> None:
    _, _, officer = api.new_user(admin_token, COUNTY, "info_officer")
    quotas = api.get("/api/v1/pairing-quotas", officer).json()
    by_level = {q["level"]: q for q in quotas["quotas"] if q["role"] == "*"}
    assert (by_level["county"]["min_households"], by_level["county"]["max_households"]) == (3, 5)
    assert by_level["default"]["max_households"] == 5
    county_helper_id, _, county_helper = api.new_user(admin_token, COUNTY, "helper")
    households = [register(api, officer, VILLAGE) for _ in range(6)]
    for household in households[:5]:
        assert pairing(api, officer, household, county_helper_id).status_code == 201
    again = pairing(api, officer, households[0], county_helper_id)  # already paired: the same
    assert again.status_code == 201, again.text

    refused = pairing(api, officer, households[5], county_helper_id)
    assert (refused.status_code, kind(refused)) == (409, "over-quota"), refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    left = api.get(f"/api/v1/households/{households[5]}/pairings", officer).json()["items"]
    assert left == []
    history = api.get(f"/api/v1/households/{households[5]}/history", officer).json()["items"]
    assert [e["kind"] for e in history] == ["created"]
    own = api.get("/api/v1/pairings", county_helper).json()["items"]
    assert sorted(p["household_id"] for p in own) == sorted(households[:5])
