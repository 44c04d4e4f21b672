"""Leader cultivation (致富带头人培育) through the gateway: a candidate registers, the village
recommends, the town publishes the public notice (公示), anyone objects without logging in and
sees no personal data, the county cannot approve before the notice ends or while an objection
is open, the town resolves it, the county approves; the leader's file and the villages still
without a leader; each next owner texted; another town sees nothing."""

from __future__ import annotations

from kit.id_numbers import check_character
from tests.e2e.smsc import eventually

COUNTY = "370306000000"  # 周村区, used by no other test
TOWN, VILLAGE, OTHER_VILLAGE = "370306002000", "370306002001", "370306002002"
OTHER_TOWN = "370306003000"
FIRST_17 = "37030619850612001"
ID_NUMBER = FIRST_17 + check_character(FIRST_17)


def application(**changes: object) -> dict:
    body = {
        "name": "王富民",
        "id_number": ID_NUMBER,
        "phone": "13612345678",
        "leader_type": "breeding",
        "project": "生态养殖合作社",
        "scale": "存栏肉牛300头",
        "years_in_business": 8,
        "skills": ["肉牛养殖", "疫病防治"],
        "annual_revenue_yuan": 1_200_000,
    }
    return {**body, **changes}


def act(api, token, candidate_id, action, note="同意"):  # type: ignore[no-untyped-def]
    return api.http.post(
        f"/api/v1/leader-candidates/{candidate_id}/actions",
        json={"action": action, "note": note},
        headers=api.auth(token),
    )


def register_household(api, token, village):  # type: ignore[no-untyped-def]
    first = "37030619700101002"
    body = {
        "number": f"LD-{village}",
        "village_code": village,
        "attribute": "general",
        "main_cause": "lack_of_skills",
        "members": [
            {"name": "户主", "id_number": first + check_character(first), "relation": "head"}
        ],
    }
    reply = api.http.post("/api/v1/households", json=body, headers=api.auth(token))
    assert reply.status_code == 201, reply.text
    return reply.json()["id"]


def test_a_candidate_goes_through_the_public_notice_to_the_leader_database(
    api, admin_token, smsc
) -> None:
    _, candidate_mobile, candidate = api.new_user(admin_token, VILLAGE, "leader_candidate")
    _, _, team = api.new_user(admin_token, VILLAGE, "work_team")
    _, town_mobile, town = api.new_user(admin_token, TOWN, "admin")
    _, county_mobile, county = api.new_user(admin_token, COUNTY, "admin")
    _, _, other_town = api.new_user(admin_token, OTHER_TOWN, "admin")
    post = api.http.post

    def register(body):  # type: ignore[no-untyped-def]
        return post("/api/v1/leader-candidates", json=body, headers=api.auth(candidate))

    assert register(application(leader_type="lottery")).status_code == 422
    assert register(application(id_number=FIRST_17 + "0")).status_code in (400, 422)
    registered = register(application())
    assert registered.status_code == 201, registered.text
    candidate_id = registered.json()["id"]
    assert registered.json()["id_number_masked"] == "370306********" + ID_NUMBER[-4:]
    assert (registered.json()["phone_masked"], registered.json()["village_code"]) == (
        "136****5678",
        VILLAGE,
    )
    assert register(application()).status_code == 409  # one person, one candidacy

    path = f"/api/v1/leader-candidates/{candidate_id}"
    assert api.get(path, other_town).status_code == 404  # another town: as if it did not exist
    assert act(api, other_town, candidate_id, "recommend").status_code == 404
    assert act(api, town, candidate_id, "publish_notice").status_code == 409  # not recommended
    assert act(api, team, candidate_id, "recommend", "实地考察，带动作用明显").status_code == 200
    published = act(api, town, candidate_id, "publish_notice", "审核通过，予以公示")
    assert published.json()["status"] == "in_notice"
    early = act(api, county, candidate_id, "approve")
    assert early.status_code == 409 and early.json()["type"].endswith("notice-not-ended")

    notices = api.http.get("/public/leader-notices", params={"region_code": TOWN})  # no login
    (notice,) = [n for n in notices.json()["items"] if n["candidate_id"] == candidate_id]
    assert notice["project"] == "生态养殖合作社" and notice["name"] == "王富民"
    assert ID_NUMBER[6:14] not in notices.text and "5678" not in notices.text
    assert "phone" not in notices.text and "id_number" not in notices.text
    objected = post(
        f"/public/leader-notices/{candidate_id}/objections",
        json={"text": "该合作社曾拖欠农户养殖款", "contact": "13712340000"},
    )
    assert objected.status_code == 201, objected.text

    closed = eventually(
        lambda: api.get(path, county).json()["status"] == "notice_closed",
        seconds=30,
        what="the notice closed by the scheduler",
    )
    assert closed
    blocked = act(api, county, candidate_id, "approve")
    assert blocked.status_code == 409 and blocked.json()["type"].endswith("objections-open")
    late = post(f"/public/leader-notices/{candidate_id}/objections", json={"text": "迟到的异议"})
    assert late.status_code == 409
    objection_id = objected.json()["objection_id"]
    resolved = post(
        f"{path}/objections/{objection_id}/resolution",
        json={"upheld": False, "resolution": "经核实款项已结清"},
        headers=api.auth(town),
    )
    assert resolved.status_code == 200 and resolved.json()["open_objections"] == 0
    assert resolved.json()["objections"][0]["contact_masked"] == "137****0000"
    approved = act(api, county, candidate_id, "approve", "同意纳入带头人库")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"

    household_id = register_household(api, admin_token, VILLAGE)
    led = post(
        f"/api/v1/leaders/{candidate_id}/households",
        json={"household_id": household_id, "how": "employment", "note": "吸纳务工"},
        headers=api.auth(county),
    )
    assert led.status_code == 200, led.text
    assert led.json()["households"][0]["household_id"] == household_id
    missing = post(
        f"/api/v1/leaders/{candidate_id}/households",
        json={"household_id": "f" * 32, "how": "employment"},
        headers=api.auth(county),
    )
    assert missing.status_code == 404
    leaders = api.get("/api/v1/leaders", county, region_code=TOWN).json()["items"]
    assert [leader["id"] for leader in leaders] == [candidate_id]
    coverage = api.get("/api/v1/leaders/coverage", county).json()
    without = {v["code"] for v in coverage["without_leader"]}
    assert OTHER_VILLAGE in without and VILLAGE not in without
    assert coverage["with_leader"] == 1 and coverage["villages"] == len(without) + 1

    eventually(lambda: any("致富带头人" in t for t in smsc.texts_to(town_mobile)), what="town")
    eventually(lambda: any("公示期满" in t for t in smsc.texts_to(county_mobile)), what="county")
    eventually(lambda: any("已获批准" in t for t in smsc.texts_to(candidate_mobile)), what="you")


def test_a_village_rejects_a_nominee_with_a_reason_and_a_candidate_sees_only_their_own(
    api, admin_token
) -> None:
    _, _, team = api.new_user(admin_token, OTHER_VILLAGE, "work_team")
    _, _, candidate = api.new_user(admin_token, OTHER_VILLAGE, "leader_candidate")
    first = "37030619900101003"
    body = application(id_number=first + check_character(first), village_code=OTHER_VILLAGE)
    nominated = api.http.post("/api/v1/leader-candidates", json=body, headers=api.auth(team))
    assert nominated.status_code == 201, nominated.text
    nominee = nominated.json()
    assert nominee["nominated_by"] and nominee["user_id"] is None
    assert api.get(f"/api/v1/leader-candidates/{nominee['id']}", candidate).status_code == 404
    assert api.get("/api/v1/leader-candidates", candidate).json()["items"] == []
    assert act(api, team, nominee["id"], "reject", "").status_code == 422
    rejected = act(api, team, nominee["id"], "reject", "经营不善，群众评议未通过")
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert act(api, team, nominee["id"], "recommend").status_code == 409
