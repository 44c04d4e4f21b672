"""A project's progress through the gateway: milestones → a report with a photo → the county's
acceptance → completed with its completion notice; the overdue milestone texted to the county
once; a benefit to a household shows in its benefits and incomes in the registry; the
statistics equal what was created and the finance office's export opens in openpyxl; another
county gets 404; bad input gets problem+json and changes nothing.

These tests own 郓城县 (371725) and 鄄城县 (371726)."""

from __future__ import annotations

import io
import itertools

from openpyxl import load_workbook
from PIL import Image

from kit.id_numbers import check_character
from tests.e2e.smsc import eventually

COUNTY, OTHER_COUNTY = "371725000000", "371726000000"
TOWN, VILLAGE = "371725001000", "371725001001"
STATS_TOWN, STATS_VILLAGE, STATS_OTHER_VILLAGE = "371725002000", "371725002001", "371725002002"
YEAR = 2026
ID_SERIALS = itertools.count(300)
PROBLEM = "application/problem+json"


def household_in(api, token, village):  # type: ignore[no-untyped-def]
    first = f"37172519800101{next(ID_SERIALS):03d}"
    body = {
        "number": f"JD-{village}-{first[-3:]}",
        "village_code": village,
        "attribute": "general",
        "main_cause": "lack_of_funds",
        "members": [
            {"name": "项目户", "id_number": first + check_character(first), "relation": "head"},
        ],
    }
    reply = api.http.post("/api/v1/households", json=body, headers=api.auth(token))
    assert reply.status_code == 201, reply.text
    return reply.json()["id"]


def proposed(api, token, village, households, name="光伏扶贫电站"):  # type: ignore[no-untyped-def]
    body = {
        "region_code": village,
        "name": name,
        "type": "industry",
        "place": "村东荒坡",
        "year": YEAR,
        "budgets": [
            {"source": "central", "amount_fen": 50_000_000},
            {"source": "county", "amount_fen": 1_234_567},
        ],
        "beneficiaries": [{"household_id": h, "mechanism": "dividend"} for h in households],
    }
    reply = api.http.post("/api/v1/projects", json=body, headers=api.auth(token))
    assert reply.status_code == 201, reply.text
    return reply.json()["id"]


def into_the_plan(api, town, county, *project_ids):  # type: ignore[no-untyped-def]
    """The library's path: the town forwards, the public notice runs out, the county approves."""
    for project_id in project_ids:
        forwarded = api.http.post(
            f"/api/v1/projects/{project_id}/actions",
            json={"action": "forward", "note": "符合条件"},
            headers=api.auth(town),
        )
        assert forwarded.status_code == 200, forwarded.text

    def ended():  # type: ignore[no-untyped-def]
        """The library's scheduler closed each notice (approving before races its close)."""
        steps = [api.get(f"/api/v1/projects/{p}", county).json()["steps"] for p in project_ids]
        return all("notice_ended" in [s["action"] for s in found] for found in steps)

    eventually(ended, seconds=30, what="the public notices ended")
    for project_id in project_ids:
        approved = api.http.post(
            f"/api/v1/projects/{project_id}/actions",
            json={"action": "approve", "note": "同意入库"},
            headers=api.auth(county),
        )
        assert approved.status_code == 200 and approved.json()["status"] == "planned", approved.text


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), "orange").save(out, "JPEG")
    return out.getvalue()


def test_milestones_a_report_with_a_photo_and_the_acceptance_complete_a_project(
    api, admin_token, smsc
) -> None:
    _, county_mobile, county = api.new_user(admin_token, COUNTY, "admin")
    _, _, town = api.new_user(admin_token, TOWN, "admin")
    _, _, village = api.new_user(admin_token, VILLAGE, "work_team")
    _, _, stranger = api.new_user(admin_token, OTHER_COUNTY, "admin")
    households = [household_in(api, county, VILLAGE)]
    project_id = proposed(api, village, VILLAGE, households)
    early = {"milestones": [{"name": "开工", "planned_on": "2026-03-01"}]}
    not_yet = api.http.post(
        f"/api/v1/projects/{project_id}/milestones", json=early, headers=api.auth(village)
    )
    assert not_yet.status_code == 409  # not in the plan yet
    into_the_plan(api, town, county, project_id)
    base = f"/api/v1/projects/{project_id}"
    post = api.http.post

    bad = {"milestones": [{"name": "开工", "planned_on": "2026-13-01"}]}
    refused = post(f"{base}/milestones", json=bad, headers=api.auth(village))
    assert refused.status_code == 422 and refused.headers["content-type"] == PROBLEM
    early = {"milestones": [{"name": "开工", "planned_on": "2025-12-31"}]}
    refused = post(f"{base}/milestones", json=early, headers=api.auth(village))
    assert refused.status_code == 400 and refused.headers["content-type"] == PROBLEM
    assert api.get(f"{base}/progress", village).json()["milestones"] == []  # nothing changed

    plan = {
        "milestones": [
            {"name": "开工", "planned_on": "2026-03-01"},
            {"name": "并网发电", "planned_on": "2027-06-30"},
        ]
    }
    planned = post(f"{base}/milestones", json=plan, headers=api.auth(village))
    assert planned.status_code == 201, planned.text
    milestones = planned.json()["milestones"]
    assert [(m["name"], m["overdue"]) for m in milestones] == [("开工", True), ("并网发电", False)]
    eventually(
        lambda: any("开工" in t and "逾期" in t for t in smsc.texts_to(county_mobile)),
        what="the overdue milestone texted to the county",
    )

    assert (
        post(f"{base}/reports", json={"percent_done": 101}, headers=api.auth(village)).status_code
        == 422
    )
    once = {**api.auth(village), "Idempotency-Key": f"report-{project_id}"}
    report = post(f"{base}/reports", json={"percent_done": 100, "note": "主体完工"}, headers=once)
    assert report.status_code == 201, report.text
    retried = post(f"{base}/reports", json={"percent_done": 100, "note": "主体完工"}, headers=once)
    assert retried.json()["id"] == report.json()["id"]  # one report (counted below)
    report_id = report.json()["id"]
    photos = f"{base}/reports/{report_id}/photos"
    pdf = {"file": ("现场.jpg", b"%PDF-1.4 not a photo", "image/jpeg")}
    refused = post(photos, files=pdf, headers=api.auth(village))
    assert refused.status_code == 415 and refused.headers["content-type"] == PROBLEM
    photo = post(
        photos, files={"file": ("现场.jpg", jpeg(), "image/jpeg")}, headers=api.auth(village)
    )
    assert photo.status_code == 201, photo.text
    served = api.get(photo.json()["url"], county)
    assert served.status_code == 200 and served.content == jpeg()

    open_milestone = {"outcome": "accepted"}
    assert (
        post(f"{base}/acceptance", json=open_milestone, headers=api.auth(county)).status_code == 409
    )
    for milestone in milestones:
        done = post(
            f"{base}/milestones/{milestone['id']}/done",
            json={"done_on": "2026-12-01"},
            headers=api.auth(village),
        )
        assert done.status_code == 200, done.text
    no_findings = post(f"{base}/acceptance", json={"outcome": "failed"}, headers=api.auth(county))
    assert no_findings.status_code == 400 and no_findings.headers["content-type"] == PROBLEM
    by_village = post(f"{base}/acceptance", json=open_milestone, headers=api.auth(village))
    assert by_village.status_code == 403
    assert api.get(f"{base}/progress", stranger).status_code == 404
    assert (
        post(f"{base}/acceptance", json=open_milestone, headers=api.auth(stranger)).status_code
        == 404
    )

    accepted = post(f"{base}/acceptance", json=open_milestone, headers=api.auth(county))

    assert accepted.status_code == 200, accepted.text
    progress = accepted.json()
    assert (progress["status"], progress["percent_done"], progress["overdue"]) == (
        "completed",
        100,
        False,
    )
    assert [len(r["photos"]) for r in progress["reports"]] == [1]
    assert progress["acceptances"][0]["outcome"] == "accepted"
    project = api.get(base, county).json()
    assert project["status"] == "completed"
    assert "project_completion" in [n["kind"] for n in project["notices"]]
    assert len([t for t in smsc.texts_to(county_mobile) if "开工" in t and "逾期" in t]) == 1


def test_a_benefit_recorded_shows_in_the_households_benefits_and_incomes(api, admin_token) -> None:
    _, _, county = api.new_user(admin_token, COUNTY, "admin")
    _, _, town = api.new_user(admin_token, TOWN, "admin")
    _, _, village = api.new_user(admin_token, VILLAGE, "work_team")
    beneficiary, other = household_in(api, county, VILLAGE), household_in(api, county, VILLAGE)
    project_id = proposed(api, village, VILLAGE, [beneficiary], name="扶贫车间")
    into_the_plan(api, town, county, project_id)
    benefits = f"/api/v1/projects/{project_id}/benefits"

    def record(body):  # type: ignore[no-untyped-def]
        return api.http.post(benefits, json=body, headers=api.auth(village))

    good = {"household_id": beneficiary, "kind": "dividend", "year": YEAR, "amount_fen": 123_456}
    assert record({**good, "amount_fen": -5}).status_code == 422
    assert record({**good, "amount_fen": 12.5}).status_code == 422
    assert record({**good, "household_id": other}).status_code == 400
    assert api.get(benefits, village).json() == {"items": [], "total_fen": 0}

    recorded = record(good)

    assert recorded.status_code == 201, recorded.text
    assert api.get(benefits, village).json()["total_fen"] == 123_456

    def registry_benefits():  # type: ignore[no-untyped-def]
        reply = api.get(f"/api/v1/households/{beneficiary}/benefits", county).json()
        return [b for b in reply["items"] if b["source"] == f"project:{project_id}"]

    (benefit,) = eventually(registry_benefits, what="the benefit in the registry")
    assert (benefit["department"], benefit["program"], benefit["amount"]) == (
        "扶贫项目",
        "扶贫车间（分红）",
        1235,
    )
    incomes = api.get(f"/api/v1/households/{beneficiary}", county).json()["incomes"]
    assert {i["year"]: i["by_source"] for i in incomes}[YEAR] == {"property": 1235}


def test_statistics_and_the_export_hold_the_regions_projects(api, admin_token) -> None:
    _, _, county = api.new_user(admin_token, COUNTY, "admin")
    _, _, town = api.new_user(admin_token, STATS_TOWN, "admin")
    _, _, stranger = api.new_user(admin_token, OTHER_COUNTY, "admin")
    households = [household_in(api, county, STATS_VILLAGE) for _ in range(2)]
    first = proposed(api, town, STATS_VILLAGE, households, name="=HYPERLINK()")
    second = proposed(api, town, STATS_OTHER_VILLAGE, households[:1], name="道路硬化")
    into_the_plan(api, town, county, first, second)
    plan = {"milestones": [{"name": "开工", "planned_on": "2026-03-01"}]}
    api.http.post(f"/api/v1/projects/{first}/milestones", json=plan, headers=api.auth(county))

    reply = api.http.get(
        "/api/v1/project-statistics",
        params={"region_code": STATS_TOWN, "year": YEAR},
        headers=api.auth(county),
    )

    assert reply.status_code == 200, reply.text
    total = reply.json()["total"]
    assert (total["projects"], total["beneficiary_households"], total["overdue_projects"]) == (
        2,
        2,
        1,
    )
    assert {s["source"]: s["budget_fen"] for s in total["by_source"]} == {
        "central": 100_000_000,
        "county": 2_469_134,
    }
    assert total["by_status"] == [{"key": "planned", "projects": 2}]
    assert [(c["region_code"], c["projects"]) for c in reply.json()["children"]] == [
        (STATS_VILLAGE, 1),
        (STATS_OTHER_VILLAGE, 1),
    ]
    wrong = api.http.get(
        "/api/v1/project-statistics", params={"region_code": "37"}, headers=api.auth(county)
    )
    assert wrong.status_code == 422 and wrong.headers["content-type"] == PROBLEM
    outside = {"region_code": STATS_TOWN}
    assert (
        api.http.get(
            "/api/v1/project-statistics", params=outside, headers=api.auth(stranger)
        ).status_code
        == 404
    )

    exported = api.http.get(
        "/api/v1/exports/projects.xlsx",
        params={"region_code": STATS_TOWN},
        headers=api.auth(county),
    )

    assert exported.status_code == 200, exported.text
    rows = list(load_workbook(io.BytesIO(exported.content)).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("项目编号", "项目名称") and len(rows) == 3
    assert sorted(r[1] for r in rows[1:]) == ["'=HYPERLINK()", "道路硬化"]  # never a formula
    assert [r[7] for r in rows[1:]] == [512345.67, 512345.67]
    refused = api.http.get(
        "/api/v1/exports/projects.xlsx", params=outside, headers=api.auth(stranger)
    )
    assert refused.status_code == 404
