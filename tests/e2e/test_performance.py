"""Performance (考核) through the gateway: a town's leader sees the visits, needs resolved,
alerts and household updates of the town and of each cadre over a period (a helper's approved
proposal counts for the helper); another town's leader does not."""

from __future__ import annotations

from tests.e2e.smsc import eventually
from tests.e2e.test_alerts import act as act_on_alert
from tests.e2e.test_household_reviews import propose
from tests.e2e.test_needs import act as act_on_need
from tests.e2e.test_needs import file_need, paired_helper
from tests.e2e.test_visits import FAR, NEAR, log_visit

TOWN, VILLAGE = "370304108000", "370304108201"  # 博山区 石马镇, used by no other test
OTHER_TOWN = "370304106000"


def test_a_town_leader_sees_the_towns_and_each_cadres_work(api, admin_token) -> None:
    household_id, helper = paired_helper(api, admin_token, VILLAGE)
    team_id, _, team = api.new_user(admin_token, VILLAGE, "work_team")
    town_id, _, town = api.new_user(admin_token, TOWN, "admin")
    officer_id, _, officer = api.new_user(admin_token, TOWN, "info_officer")
    _, _, other_town = api.new_user(admin_token, OTHER_TOWN, "admin")
    for position in (NEAR, FAR):
        assert log_visit(api, helper, household_id, position).status_code == 201
    need = file_need(api, helper, household_id).json()
    assert act_on_need(api, team, need["id"], "resolve", "已办理").status_code == 200
    body = {"household_id": household_id, "kind": "illness", "reason": "户主住院"}
    alert = api.http.post("/api/v1/alerts", json=body, headers=api.auth(helper)).json()
    assert act_on_alert(api, town, alert["id"], "verify", "属实").status_code == 200
    edit = {"expected_version": 1, "main_cause": "disability"}
    path = f"/api/v1/households/{household_id}"
    assert api.http.patch(path, json=edit, headers=api.auth(officer)).status_code == 200
    proposed = propose(
        api, helper, {"id": household_id, "version": 2}, attribute="subsistence_allowance"
    )
    assert proposed.status_code == 201, proposed.text
    review = f"/api/v1/change-requests/{proposed.json()['id']}/review"
    approved = api.http.post(review, json={"decision": "approve"}, headers=api.auth(team))
    assert approved.status_code == 200, approved.text

    def both_updates_counted():  # type: ignore[no-untyped-def]
        found = api.get("/api/v1/performance", town)
        assert found.status_code == 200, found.text
        return found if found.json()["by_town"][0]["updates"] == 2 else None

    found = eventually(both_updates_counted, seconds=30, what="the registry's updates counted")
    (town_score,) = found.json()["by_town"]
    assert town_score == {
        "id": TOWN,
        "visits": 2,
        "flagged_visits": 1,
        "needs_resolved": 1,
        "needs_resolved_on_time": 1,
        "tasks_completed": 0,
        "tasks_completed_on_time": 0,
        "alerts_handled": 1,
        "alerts_handled_in_time": 1,
        "updates": 2,
    }
    cadres = {s["id"]: s for s in found.json()["by_cadre"]}
    (helper_id,) = set(cadres) - {team_id, town_id, officer_id}  # the helper, besides the others
    assert (cadres[helper_id]["visits"], cadres[helper_id]["flagged_visits"]) == (2, 1)
    assert (cadres[team_id]["needs_resolved"], cadres[town_id]["alerts_handled"]) == (1, 1)
    assert (cadres[officer_id]["updates"], cadres[helper_id]["updates"]) == (1, 1)
    assert cadres[team_id]["updates"] == 0  # approving a proposal is not making it
    assert api.get("/api/v1/performance", other_town).json()["by_town"] == []
    assert api.get("/api/v1/performance", other_town, region_code=TOWN).status_code == 404
    assert api.get("/api/v1/performance", helper).status_code == 403
