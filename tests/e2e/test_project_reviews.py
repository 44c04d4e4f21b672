"""A project's path through the gateway: the village proposes, the town forwards it and its
public notice runs (anyone reads it — the beneficiaries' number, never a household — and
objects without logging in), an open objection blocks the county's approval until the town
resolves it, the county approves it into the year's plan; a return and a rejection each carry
their reason; each level is texted when it is its turn, and every step is in the audit log."""

from __future__ import annotations

from tests.e2e.smsc import eventually
from tests.e2e.test_projects import (
    COUNTY,
    OTHER_COUNTY,
    TOWN,
    VILLAGE,
    household_in,
    project_body,
    propose,
)


def act(api, token, project_id, action, note="", **body):  # type: ignore[no-untyped-def]
    return api.http.post(
        f"/api/v1/projects/{project_id}/actions",
        json={"action": action, "note": note, **body},
        headers=api.auth(token),
    )


def problem_type(reply) -> str:  # type: ignore[no-untyped-def]
    assert reply.headers["content-type"].startswith("application/problem+json"), reply.text
    return reply.json()["type"]


def notice_ended(api, token, project_id):  # type: ignore[no-untyped-def]
    project = api.get(f"/api/v1/projects/{project_id}", token).json()
    return project["notices"][0]["state"] == "ended" and project


def test_a_project_goes_through_its_public_notice_into_the_years_plan(
    api, admin_token, smsc
) -> None:
    _, county_mobile, county = api.new_user(admin_token, COUNTY, "admin")
    _, town_mobile, town = api.new_user(admin_token, TOWN, "admin")
    _, village_mobile, village = api.new_user(admin_token, VILLAGE, "work_team")
    _, _, village_admin = api.new_user(admin_token, VILLAGE, "admin")
    _, _, stranger = api.new_user(admin_token, OTHER_COUNTY, "admin")
    households = [household_in(api, county, VILLAGE) for _ in range(3)]
    project = propose(api, village, households, name="村集体光伏电站")
    project_id = project["id"]
    eventually(lambda: any("村集体光伏电站" in t for t in smsc.texts_to(town_mobile)), what="town")

    assert act(api, stranger, project_id, "forward").status_code == 404
    assert act(api, village, project_id, "forward").status_code == 403  # reviews are not theirs
    not_the_town = act(api, village_admin, project_id, "forward")
    assert not_the_town.status_code == 403 and problem_type(not_the_town).endswith("not-the-owner")
    stale = act(api, town, project_id, "forward", expected_version=project["version"] + 1)
    assert stale.status_code == 409
    forwarded = act(api, town, project_id, "forward", "符合申报条件", expected_version=1)
    assert forwarded.status_code == 200, forwarded.text
    assert (forwarded.json()["status"], forwarded.json()["owner_level"]) == ("in_notice", "county")
    early = act(api, county, project_id, "approve")
    assert early.status_code == 409 and problem_type(early).endswith("notice-not-ended")

    public = api.http.get("/public/project-notices", params={"region_code": TOWN})  # no login
    (notice,) = [n for n in public.json()["items"] if n["project_id"] == project_id]
    assert (notice["name"], notice["kind"], notice["beneficiary_count"]) == (
        "村集体光伏电站",
        "project_approval",
        3,
    )
    assert notice["budget_total_fen"] == 62_345_678 and notice["place"] == "村东荒坡"
    assert not any(household in public.text for household in households)
    objected = api.http.post(
        f"/public/project-notices/{notice['notice_id']}/objections",
        json={"text": "选址占用基本农田", "contact": "13712340000"},
    )
    assert objected.status_code == 201, objected.text

    ended = eventually(
        lambda: notice_ended(api, county, project_id), seconds=30, what="the notice ended"
    )
    assert ended["notices"][0]["open_objections"] == 1
    late = api.http.post(
        f"/public/project-notices/{notice['notice_id']}/objections", json={"text": "迟到的异议"}
    )
    assert late.status_code == 409
    blocked = act(api, county, project_id, "approve")
    assert blocked.status_code == 409 and problem_type(blocked).endswith("objections-open")
    objection_id = objected.json()["objection_id"]
    resolution = f"/api/v1/projects/{project_id}/objections/{objection_id}/resolution"
    assert (
        api.http.post(
            resolution,
            json={"upheld": False, "resolution": "经核实为荒坡"},
            headers=api.auth(village),
        ).status_code
        == 403
    )
    resolved = api.http.post(
        resolution, json={"upheld": False, "resolution": "经核实为荒坡"}, headers=api.auth(town)
    )
    assert resolved.status_code == 200, resolved.text
    objection = resolved.json()["notices"][0]["objections"][0]
    assert (objection["status"], objection["contact_masked"]) == ("resolved", "137****0000")

    approved = act(api, county, project_id, "approve", "纳入2027年度项目计划")
    assert approved.status_code == 200, approved.text
    planned = approved.json()
    assert (planned["status"], planned["owner_level"], planned["due_at"]) == ("planned", "", None)
    assert [s["action"] for s in planned["steps"]] == [
        "proposed",
        "forwarded",
        "objection_lodged",
        "notice_ended",
        "objection_resolved",
        "approved",
    ]
    assert planned["notices"][0]["state"] == "decided"
    assert act(api, county, project_id, "approve").status_code == 409  # once
    listed = api.get("/api/v1/projects", county, region_code=COUNTY, status="planned")
    assert project_id in [p["id"] for p in listed.json()["items"]]

    eventually(lambda: any("公示期满" in t for t in smsc.texts_to(county_mobile)), what="county")
    eventually(lambda: any("收到异议" in t for t in smsc.texts_to(town_mobile)), what="objection")
    eventually(lambda: any("年度项目计划" in t for t in smsc.texts_to(village_mobile)), what="you")

    def audited():  # type: ignore[no-untyped-def]
        records = api.get("/api/v1/audit-records", admin_token, target_id=project_id).json()
        return {r["action"] for r in records["items"]} >= {"project.proposed", "project.approved"}

    eventually(audited, what="the audit log")


def test_a_return_and_a_rejection_each_carry_their_reason(api, admin_token, smsc) -> None:
    _, _, county = api.new_user(admin_token, COUNTY, "admin")
    _, _, town = api.new_user(admin_token, TOWN, "admin")
    _, village_mobile, village = api.new_user(admin_token, VILLAGE, "work_team")
    project_id = propose(api, village, name="村级道路硬化")["id"]

    no_reason = act(api, town, project_id, "return")
    assert no_reason.status_code == 400
    assert api.get(f"/api/v1/projects/{project_id}", town).json()["status"] == "proposed"
    returned = act(api, town, project_id, "return", "预算明细不全")
    assert (returned.json()["status"], returned.json()["steps"][-1]["note"]) == (
        "returned",
        "预算明细不全",
    )
    eventually(lambda: any("退回" in t for t in smsc.texts_to(village_mobile)), what="returned")
    assert act(api, village, project_id, "approve").status_code == 403
    resubmitted = act(api, village, project_id, "resubmit", "已补充预算明细")
    assert resubmitted.status_code == 200 and resubmitted.json()["status"] == "proposed"
    assert resubmitted.json()["owner_level"] == "town" and resubmitted.json()["due_at"]
    assert act(api, town, project_id, "forward").status_code == 200
    eventually(lambda: notice_ended(api, county, project_id), seconds=30, what="the notice")
    assert act(api, county, project_id, "reject").status_code == 400  # a reason is required
    rejected = act(api, county, project_id, "reject", "与已立项目重复")
    assert rejected.status_code == 200, rejected.text
    assert (rejected.json()["status"], rejected.json()["steps"][-1]["note"]) == (
        "rejected",
        "与已立项目重复",
    )
    gone = api.http.get("/public/project-notices", params={"region_code": VILLAGE}).json()
    assert project_id not in [n["project_id"] for n in gone["items"]]


def test_bad_actions_are_problems_and_change_nothing(api, admin_token) -> None:
    _, _, town = api.new_user(admin_token, TOWN, "admin")
    _, _, village = api.new_user(admin_token, VILLAGE, "work_team")
    project = propose(api, village)
    path = f"/api/v1/projects/{project['id']}"

    assert act(api, town, project["id"], "launch").status_code == 422
    assert act(api, town, project["id"], "resubmit").status_code == 409  # not returned
    assert act(api, town, "f" * 32, "forward").status_code == 404
    unknown = api.http.post(
        f"{path}/objections/{'a' * 32}/resolution",
        json={"upheld": True, "resolution": "无"},
        headers=api.auth(town),
    )
    assert unknown.status_code == 404
    missing_notice = api.http.post(
        f"/public/project-notices/{'b' * 32}/objections", json={"text": "x"}
    )
    assert missing_notice.status_code == 404
    after = api.get(path, town).json()
    assert (after["status"], after["version"], len(after["steps"])) == ("proposed", 1, 1)


def test_a_returned_proposal_is_edited_by_its_village_then_resubmitted(api, admin_token) -> None:
    _, _, county = api.new_user(admin_token, COUNTY, "admin")
    _, _, town = api.new_user(admin_token, TOWN, "admin")
    _, _, village = api.new_user(admin_token, VILLAGE, "work_team")
    _, _, stranger = api.new_user(admin_token, OTHER_COUNTY, "admin")
    households = [household_in(api, county, VILLAGE) for _ in range(3)]
    project_id = propose(api, village, households[:1], name="村级道路硬化")["id"]
    path = f"/api/v1/projects/{project_id}"
    edit = project_body(
        households,
        name="村级道路硬化（压减）",
        budgets=[{"source": "county", "amount_fen": 8_000_000}],
        expected_version=2,
    )
    edit.pop("region_code")

    def put(token, body):  # type: ignore[no-untyped-def]
        return api.http.put(path, json=body, headers=api.auth(token))

    not_returned = put(village, {**edit, "expected_version": 0})
    assert not_returned.status_code == 409
    assert problem_type(not_returned).endswith("project-not-returned")
    assert act(api, town, project_id, "return", "预算过高").status_code == 200
    assert put(stranger, edit).status_code == 404
    negative = {**edit, "budgets": [{"source": "county", "amount_fen": -1}]}
    assert put(village, negative).status_code == 422
    assert put(village, {**edit, "expected_version": 1}).status_code == 409  # stale

    edited = put(village, edit)
    assert edited.status_code == 200, edited.text
    project = edited.json()
    assert (project["status"], project["name"], project["budget_total_fen"]) == (
        "returned",
        "村级道路硬化（压减）",
        8_000_000,
    )
    assert project["beneficiary_count"] == 3 and project["steps"][-1]["action"] == "edited"
    resubmitted = act(api, village, project_id, "resubmit", "已压减预算", expected_version=3)
    assert resubmitted.status_code == 200 and resubmitted.json()["status"] == "proposed"
    assert api.get(path, town).json()["budget_total_fen"] == 8_000_000

    def audited():  # type: ignore[no-untyped-def]
        found = api.get("/api/v1/audit-records", admin_token, target_id=project_id).json()
        return next((r for r in found["items"] if r["action"] == "project.edited"), None)

    record = eventually(audited, what="the edit in the audit log")
    assert record["detail"]["before"]["budgets"] == {
        "central": 50_000_000,
        "integrated": 12_345_678,
    }
    assert record["detail"]["after"]["budgets"] == {"county": 8_000_000}
