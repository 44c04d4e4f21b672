"""Policy benefits (享受政策) a household received, by quarter: recorded by officers in scope,
listed with totals per year, one record per (year, quarter, department, program)."""

from __future__ import annotations

import itertools
import time

from kit.id_numbers import check_character

VILLAGE, OTHER_TOWN = "370102001002", "370102002000"
_serial = itertools.count(1)


def register(api, token):  # type: ignore[no-untyped-def]
    first = f"37010219850303{next(_serial):03d}"
    body = {
        "number": f"BF-{time.time_ns()}",
        "village_code": VILLAGE,
        "attribute": "subsistence_allowance",
        "main_cause": "illness",
        "members": [
            {"name": "户主", "id_number": first + check_character(first), "relation": "head"}
        ],
    }
    reply = api.http.post("/api/v1/households", json=body, headers=api.auth(token))
    assert reply.status_code == 201, reply.text
    return reply.json()


def record(
    api, token, household, year=2025, quarter=1, department="民政局", program="低保金", amount=600
):  # type: ignore[no-untyped-def]
    body = {
        "year": year,
        "quarter": quarter,
        "department": department,
        "program": program,
        "amount": amount,
    }
    return api.http.post(
        f"/api/v1/households/{household['id']}/benefits", json=body, headers=api.auth(token)
    )


def benefit_changes(api, token, household):  # type: ignore[no-untyped-def]
    entries = api.get(f"/api/v1/households/{household['id']}/history", token).json()["items"]
    return [(e["before"], e["after"]) for e in entries if e["field"] == "benefits"]


def test_an_officer_records_benefits_and_reads_them_with_totals_per_year(api, admin_token) -> None:
    household = register(api, admin_token)
    _, _, officer = api.new_user(admin_token, VILLAGE, "info_officer")
    recorded = record(api, officer, household, quarter=1)
    assert recorded.status_code == 201, recorded.text
    assert (recorded.json()["amount"], recorded.json()["source"]) == (600, "manual")
    record(api, officer, household, quarter=2)
    record(api, officer, household, 2024, 4, " 教育局 ", "教育资助", 1000)

    path = f"/api/v1/households/{household['id']}/benefits"
    listed = api.get(path, officer).json()
    assert [(b["year"], b["quarter"], b["department"]) for b in listed["items"]] == [
        (2024, 4, "教育局"),
        (2025, 1, "民政局"),
        (2025, 2, "民政局"),
    ]
    assert listed["totals_by_year"] == {"2024": 1000, "2025": 1200}
    one_year = api.get(path, officer, year=2025).json()
    assert (len(one_year["items"]), one_year["totals_by_year"]) == (2, {"2025": 1200})
    detail = api.get(f"/api/v1/households/{household['id']}", officer).json()
    assert (detail["benefits_by_year"], detail["version"]) == ({"2024": 1000, "2025": 1200}, 4)
    assert len(benefit_changes(api, officer, household)) == 3


def test_recording_the_same_quarter_again_replaces_its_amount(api, admin_token) -> None:
    household = register(api, admin_token)
    first = record(api, admin_token, household, amount=600).json()
    same = record(api, admin_token, household, amount=600)
    assert same.status_code == 201 and same.json()["id"] == first["id"]
    corrected = record(api, admin_token, household, amount=650).json()
    assert (corrected["id"], corrected["amount"]) == (first["id"], 650)
    listed = api.get(f"/api/v1/households/{household['id']}/benefits", admin_token).json()
    assert [b["amount"] for b in listed["items"]] == [650]
    assert [
        (before and before["amount"], after["amount"])
        for before, after in benefit_changes(api, admin_token, household)
    ] == [(None, 600), (600, 650)]


def test_invalid_benefits_are_refused_and_change_nothing(api, admin_token) -> None:
    household = register(api, admin_token)
    for fields, status in (
        ({"quarter": 5}, 422),
        ({"year": 2012}, 422),
        ({"amount": -1}, 422),
        ({"program": "x" * 41}, 422),
        ({"year": time.localtime().tm_year + 2}, 400),
        ({"department": "   "}, 400),
    ):
        reply = record(api, admin_token, household, **fields)
        assert reply.status_code == status, (fields, reply.text)
        assert reply.headers["content-type"].startswith("application/problem+json")
    listed = api.get(f"/api/v1/households/{household['id']}/benefits", admin_token).json()
    assert listed == {"items": [], "totals_by_year": {}}


def test_benefits_of_a_household_out_of_scope_look_missing(api, admin_token) -> None:
    household = register(api, admin_token)
    _, _, stranger = api.new_user(admin_token, OTHER_TOWN, "info_officer")
    assert record(api, stranger, household).status_code == 404
    path = f"/api/v1/households/{household['id']}/benefits"
    assert api.get(path, stranger).status_code == 404
    _, _, helper = api.new_user(admin_token, VILLAGE, "helper")
    assert record(api, helper, household).status_code == 403
    assert api.get(path, admin_token).json()["items"] == []
