"""Helpers act only on households paired with them, and their changes count only after the
village work team approves them."""

from __future__ import annotations

import itertools
import sqlite3
import time

from kit.id_numbers import check_character

VILLAGE, NEIGHBOUR = "370102001002", "370102001003"
_serial = itertools.count(500)


def register(api, token, village=VILLAGE):  # type: ignore[no-untyped-def]
    first = f"370102{19700101 + next(_serial) % 28:08d}"[:14] + f"{next(_serial) % 1000:03d}"
    body = {
        "number": f"RV-{time.time_ns()}",
        "village_code": village,
        "attribute": "general",
        "main_cause": "illness",
        "members": [
            {"name": "户主", "id_number": first + check_character(first), "relation": "head"}
        ],
    }
    reply = api.http.post("/api/v1/households", json=body, headers=api.auth(token))
    assert reply.status_code == 201, reply.text
    return reply.json()


def pair(api, token, household_id, helper_id):  # type: ignore[no-untyped-def]
    return api.http.post(
        f"/api/v1/households/{household_id}/pairings",
        json={"helper_id": helper_id},
        headers=api.auth(token),
    )


def propose(api, token, household, **fields):  # type: ignore[no-untyped-def]
    body = {"expected_version": household["version"], **fields}
    return api.http.post(
        f"/api/v1/households/{household['id']}/change-requests", json=body, headers=api.auth(token)
    )


def test_a_helpers_change_counts_only_once_the_work_team_approves_it(api, admin_token) -> None:
    household, other = register(api, admin_token), register(api, admin_token)
    helper_id, _, helper = api.new_user(admin_token, VILLAGE, "helper")
    _, _, team = api.new_user(admin_token, VILLAGE, "work_team")
    assert pair(api, admin_token, household["id"], helper_id).status_code == 201
    assert [p["household_id"] for p in api.get("/api/v1/pairings", helper).json()["items"]] == [
        household["id"]
    ]

    proposed = propose(api, helper, household, main_cause="disability")
    assert proposed.status_code == 201 and proposed.json()["status"] == "pending"
    assert (
        api.get(f"/api/v1/households/{household['id']}", helper).json()["main_cause"] == "illness"
    )
    unpaired = propose(api, helper, other, main_cause="disability")
    assert unpaired.status_code == 404  # not paired with the helper: as if it did not exist
    assert unpaired.json()["type"].endswith("household-not-found")
    assert (
        api.http.patch(
            f"/api/v1/households/{household['id']}",
            json={"expected_version": 1, "main_cause": "disaster"},
            headers=api.auth(helper),
        ).status_code
        == 403
    )

    pending = api.get("/api/v1/change-requests", team, status="pending").json()["items"]
    assert proposed.json()["id"] in {r["id"] for r in pending}
    assert (
        api.http.post(
            f"/api/v1/change-requests/{proposed.json()['id']}/review",
            json={"decision": "approve"},
            headers=api.auth(helper),
        ).status_code
        == 403
    )
    approved = api.http.post(
        f"/api/v1/change-requests/{proposed.json()['id']}/review",
        json={"decision": "approve"},
        headers=api.auth(team),
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    after = api.get(f"/api/v1/households/{household['id']}", helper).json()
    assert (after["main_cause"], after["version"]) == ("disability", 2)
    kinds = [
        e["kind"]
        for e in api.get(f"/api/v1/households/{household['id']}/history", team).json()["items"]
    ]
    assert kinds == ["created", "paired", "proposed", "changed", "reviewed"]


def test_a_rejection_needs_a_reason_and_changes_nothing(api, admin_token) -> None:
    household = register(api, admin_token)
    helper_id, _, helper = api.new_user(admin_token, VILLAGE, "helper")
    _, _, team = api.new_user(admin_token, VILLAGE, "work_team")
    pair(api, admin_token, household["id"], helper_id)
    request_id = propose(api, helper, household, attribute="destitute_support").json()["id"]
    path = f"/api/v1/change-requests/{request_id}/review"
    assert (
        api.http.post(path, json={"decision": "reject"}, headers=api.auth(team)).status_code == 400
    )
    rejected = api.http.post(
        path, json={"decision": "reject", "reason": "与实际不符"}, headers=api.auth(team)
    )
    assert rejected.status_code == 200 and rejected.json()["review_reason"] == "与实际不符"
    assert api.get(f"/api/v1/households/{household['id']}", team).json()["attribute"] == "general"
    again = api.http.post(path, json={"decision": "approve"}, headers=api.auth(team))
    assert again.status_code == 409 and again.json()["type"].endswith("already-reviewed")


def test_only_a_helper_whose_territory_covers_the_household_can_be_paired(api, admin_token) -> None:
    household = register(api, admin_token)
    secretary_id, _, _ = api.new_user(admin_token, VILLAGE, "secretary")
    neighbour_id, _, _ = api.new_user(admin_token, NEIGHBOUR, "helper")
    assert pair(api, admin_token, household["id"], secretary_id).status_code == 400
    far = pair(api, admin_token, household["id"], neighbour_id)
    assert far.status_code == 409 and far.json()["type"].endswith("out-of-helper-territory")
    _, _, officer = api.new_user(
        admin_token, "370102002000", "info_officer"
    )  # another town's officer
    assert pair(api, officer, household["id"], neighbour_id).status_code == 404


def test_a_helper_proposes_incomes_indicators_and_location_together(api, admin_token) -> None:
    household = register(api, admin_token)
    helper_id, _, helper = api.new_user(admin_token, VILLAGE, "helper")
    _, _, team = api.new_user(admin_token, VILLAGE, "work_team")
    pair(api, admin_token, household["id"], helper_id)
    proposed = propose(
        api,
        helper,
        household,
        latitude=36.68,
        longitude=117.05,
        incomes={"year": 2025, "by_source": {"wage": 8000}},
        indicators={"drinking_water": True},
    )
    assert proposed.status_code == 201, proposed.text
    assert set(proposed.json()["changes"]) == {"fields", "incomes", "indicators"}
    unknown = propose(api, helper, household, indicators={"owns_a_car": True})
    assert unknown.status_code == 400
    review = api.http.post(
        f"/api/v1/change-requests/{proposed.json()['id']}/review",
        json={"decision": "approve"},
        headers=api.auth(team),
    )
    assert review.status_code == 200
    after = api.get(f"/api/v1/households/{household['id']}", team).json()
    assert (after["latitude"], after["indicators"], after["incomes"][0]["total"]) == (
        36.68,
        {"drinking_water": True},
        8000,
    )


_people = itertools.count(1)


def person() -> str:
    """An identity number no other test registers."""
    first = f"37010219900202{next(_people):03d}"
    return first + check_character(first)


def masked(number: str) -> str:
    return number[:6] + "*" * 8 + number[-4:]


def review(api, token, request_id, **body):  # type: ignore[no-untyped-def]
    return api.http.post(
        f"/api/v1/change-requests/{request_id}/review", json=body, headers=api.auth(token)
    )


def helper_and_team(api, admin_token, household):  # type: ignore[no-untyped-def]
    helper_id, _, helper = api.new_user(admin_token, VILLAGE, "helper")
    _, _, team = api.new_user(admin_token, VILLAGE, "work_team")
    assert pair(api, admin_token, household["id"], helper_id).status_code == 201
    return helper, team


def test_a_proposed_member_joins_masked_once_approved_and_the_number_never_shows(
    api, admin_token, platform
) -> None:
    household = register(api, admin_token)
    helper, team = helper_and_team(api, admin_token, household)
    number = person()
    newborn = {
        "name": "新生儿",
        "id_number": number,
        "relation": "child",
        "schooling": "学龄前",
        "phone": "13700137000",  # a parent's, say
    }
    proposed = propose(api, helper, household, new_member=newborn)
    assert proposed.status_code == 201, proposed.text
    assert proposed.json()["changes"]["new_member"]["id_number"] == masked(number)
    path = f"/api/v1/households/{household['id']}"
    assert len(api.get(path, team).json()["members"]) == 1
    database = platform.config.database_url("registry").split(":///", 1)[1]
    with sqlite3.connect(database) as db:
        (stored,) = db.execute(
            "SELECT changes FROM change_requests WHERE id = ?", (proposed.json()["id"],)
        ).fetchone()
    for text in (
        stored,
        proposed.text,
        api.get("/api/v1/change-requests", team, status="pending").text,
        api.get(f"{path}/history", team).text,
    ):
        assert number not in text and masked(number) in text
        assert "13700137000" not in text

    assert review(api, team, proposed.json()["id"], decision="approve").status_code == 200
    members = api.get(path, helper).json()["members"]
    assert [(m["name"], m["id_number"], m["schooling"], m["phone"]) for m in members[1:]] == [
        ("新生儿", masked(number), "学龄前", "137****7000")
    ]


def test_a_proposed_member_must_be_valid_and_unregistered_when_proposed_and_approved(
    api, admin_token
) -> None:
    household, other = register(api, admin_token), register(api, admin_token)
    helper, team = helper_and_team(api, admin_token, household)
    number = person()
    wrong_check_digit = number[:17] + ("0" if number[17] != "0" else "1")
    invalid = propose(
        api,
        helper,
        household,
        new_member={"name": "甲", "id_number": wrong_check_digit, "relation": "child"},
    )
    assert invalid.status_code == 400 and invalid.json()["type"].endswith("invalid-id-number")
    unpaired = propose(
        api, helper, other, new_member={"name": "乙", "id_number": number, "relation": "child"}
    )
    assert unpaired.status_code == 404  # not paired with the helper: as if it did not exist
    assert unpaired.json()["type"].endswith("household-not-found")

    proposed = propose(
        api, helper, household, new_member={"name": "丙", "id_number": number, "relation": "spouse"}
    )
    assert proposed.status_code == 201, proposed.text
    meanwhile = api.http.post(  # an officer registers the same person in another household
        f"/api/v1/households/{other['id']}/members",
        json={
            "member": {"name": "丙", "id_number": number, "relation": "spouse"},
            "reason": "婚入",
        },
        headers=api.auth(admin_token),
    )
    assert meanwhile.status_code == 201, meanwhile.text
    again = propose(
        api, helper, household, new_member={"name": "丙", "id_number": number, "relation": "spouse"}
    )
    assert again.status_code == 409
    late = review(api, team, proposed.json()["id"], decision="approve")
    assert late.status_code == 409 and late.json()["type"].endswith("person-registered")
    assert len(api.get(f"/api/v1/households/{household['id']}", team).json()["members"]) == 1
    pending = api.get("/api/v1/change-requests", team, status="pending").json()["items"]
    assert proposed.json()["id"] in {r["id"] for r in pending}


def test_a_proposed_member_change_counts_once_approved_and_a_rejection_needs_a_reason(
    api, admin_token
) -> None:
    household = register(api, admin_token)
    helper, team = helper_and_team(api, admin_token, household)
    head = household["members"][0]["id"]
    change = {"member_id": head, "health": "长期慢性病", "labour_capacity": "弱劳动力"}
    first = propose(api, helper, household, member_change=change)
    assert first.status_code == 201, first.text
    two_heads = propose(
        api, helper, household, new_member={"name": "戊", "id_number": person(), "relation": "head"}
    )
    assert two_heads.status_code == 400 and two_heads.json()["type"].endswith("one-head-required")
    second = propose(
        api,
        helper,
        household,
        new_member={"name": "丁", "id_number": person(), "relation": "child"},
    )
    assert review(api, team, second.json()["id"], decision="reject").status_code == 400
    assert (
        review(api, team, second.json()["id"], decision="reject", reason="查无此人").status_code
        == 200
    )
    assert review(api, team, first.json()["id"], decision="approve").status_code == 200
    (member,) = api.get(f"/api/v1/households/{household['id']}", team).json()["members"]
    assert (member["health"], member["labour_capacity"]) == ("长期慢性病", "弱劳动力")
