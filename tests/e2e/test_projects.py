"""The project library through the gateway: a village proposes a project with its budget by
source and the poor households it benefits; officers of its territory read it (listed with
filters), anyone else gets a 404 exactly like a missing project.

These tests own 曹县 (371721) and 单县 (371722); the funds and progress tests use others."""

from __future__ import annotations

import itertools

from kit.id_numbers import check_character

COUNTY, OTHER_COUNTY = "371721000000", "371722000000"
TOWN, VILLAGE, OTHER_TOWN_VILLAGE = "371721001000", "371721001001", "371721002001"
YEAR = 2027
ID_SERIALS = itertools.count(100)


def household_in(api, token, village):  # type: ignore[no-untyped-def]
    """A new registry household of the village (its head's identity number made unique)."""
    first = f"37172119800101{next(ID_SERIALS):03d}"
    body = {
        "number": f"XM-{village}-{first[-3:]}",
        "village_code": village,
        "attribute": "general",
        "main_cause": "lack_of_funds",
        "members": [
            {"name": "项目户", "id_number": first + check_character(first), "relation": "head"}
        ],
    }
    reply = api.http.post("/api/v1/households", json=body, headers=api.auth(token))
    assert reply.status_code == 201, reply.text
    return reply.json()["id"]


def project_body(households=(), **changes):  # type: ignore[no-untyped-def]
    body = {
        "region_code": VILLAGE,
        "name": "光伏扶贫电站",
        "type": "industry",
        "place": "村东荒坡",
        "year": YEAR,
        "budgets": [
            {"source": "central", "amount_fen": 50_000_000},
            {"source": "integrated", "amount_fen": 12_345_678},
        ],
        "beneficiaries": [{"household_id": h, "mechanism": "dividend"} for h in households],
        "expected_results": "年发电收益分红，户均增收3000元",
    }
    return {**body, **changes}


def propose(api, token, households=(), **changes):  # type: ignore[no-untyped-def]
    """A project proposed through the gateway (its JSON)."""
    reply = api.http.post(
        "/api/v1/projects", json=project_body(households, **changes), headers=api.auth(token)
    )
    assert reply.status_code == 201, reply.text
    return reply.json()


def test_a_village_proposes_a_project_that_its_territory_reads(api, admin_token) -> None:
    _, _, county = api.new_user(admin_token, COUNTY, "admin")
    _, _, village = api.new_user(admin_token, VILLAGE, "work_team")
    _, _, stranger = api.new_user(admin_token, OTHER_COUNTY, "admin")
    households = [household_in(api, county, VILLAGE) for _ in range(2)]

    created = propose(api, village, households)

    assert created["status"] == "proposed" and created["owner_level"] == "town"
    assert (created["proposer_level"], created["region_code"]) == ("village", VILLAGE)
    assert created["budget_total_fen"] == 62_345_678 and created["beneficiary_count"] == 2
    assert {b["source"]: b["amount_fen"] for b in created["budgets"]} == {
        "central": 50_000_000,
        "integrated": 12_345_678,
    }
    assert created["due_at"] and not created["overdue"]
    read = api.get(f"/api/v1/projects/{created['id']}", county)
    assert read.status_code == 200, read.text
    assert read.json()["steps"][0]["action"] == "proposed"
    assert sorted(b["household_id"] for b in read.json()["beneficiaries"]) == sorted(households)
    listed = api.get("/api/v1/projects", county, region_code=TOWN, year=YEAR, type="industry")
    assert created["id"] in [p["id"] for p in listed.json()["items"]]
    other_type = api.get("/api/v1/projects", county, region_code=TOWN, type="housing")
    assert created["id"] not in [p["id"] for p in other_type.json()["items"]]

    missing = api.get(f"/api/v1/projects/{created['id']}", stranger)
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert api.get("/api/v1/projects", stranger, region_code=COUNTY).status_code == 404


def test_a_bad_proposal_is_refused_and_nothing_is_stored(api, admin_token) -> None:
    _, _, county = api.new_user(admin_token, COUNTY, "admin")
    _, _, village = api.new_user(admin_token, VILLAGE, "work_team")
    elsewhere = household_in(api, county, OTHER_TOWN_VILLAGE)
    before = api.get("/api/v1/projects", county, region_code=VILLAGE).json()["items"]

    negative = project_body(budgets=[{"source": "central", "amount_fen": -1}])
    twice = project_body(
        budgets=[
            {"source": "county", "amount_fen": 100},
            {"source": "county", "amount_fen": 200},
        ]
    )
    for body, status in (
        (negative, 422),
        (project_body(budgets=[]), 422),
        (project_body(type="casino"), 422),
        (twice, 400),
        (project_body(region_code=COUNTY), 400),
        (project_body([elsewhere]), 404),  # out of the village's territory: not found
        (project_body(["f" * 32]), 404),
    ):
        reply = api.http.post("/api/v1/projects", json=body, headers=api.auth(village))
        assert reply.status_code == status, (body, reply.text)
        assert reply.headers["content-type"].startswith("application/problem+json")
    # the county sees the household, but it lives in another town than the project
    reply = api.http.post(
        "/api/v1/projects", json=project_body([elsewhere]), headers=api.auth(county)
    )
    assert reply.status_code == 400, reply.text
    after = api.get("/api/v1/projects", county, region_code=VILLAGE).json()["items"]
    assert after == before
