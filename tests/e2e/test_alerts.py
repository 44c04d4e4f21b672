"""Return-to-poverty alerts (返贫预警) through the gateway: a paired helper raises one, the
town is texted and verifies it, the county reviews it with the measures and closes it, and the
registry follows: the household is monitored as a sudden-hardship household. A low income set
in the registry raises such an alert by itself."""

from __future__ import annotations

from tests.e2e.smsc import eventually
from tests.e2e.test_needs import paired_helper, register, texts_to

COUNTY = "370304000000"  # 博山区, used by no other test
TOWN, VILLAGE = "370304001000", "370304001001"
OTHER_TOWN = "370304002000"
RULE_TOWN, RULE_VILLAGE = "370304102000", "370304102008"


def act(api, token, alert_id, action, text):  # type: ignore[no-untyped-def]
    return api.http.post(
        f"/api/v1/alerts/{alert_id}/actions",
        json={"action": action, "text": text},
        headers=api.auth(token),
    )


def test_a_confirmed_alert_puts_the_household_under_sudden_hardship_monitoring(
    api, admin_token, smsc
) -> None:
    household_id, helper = paired_helper(api, admin_token, VILLAGE)
    path = f"/api/v1/households/{household_id}"
    for action in ("start_assistance", "exit"):
        moved = api.http.post(
            f"{path}/transitions",
            json={"action": action, "reason": "入户核实"},
            headers=api.auth(admin_token),
        )
        assert moved.status_code == 200, moved.text
    _, town_mobile, town = api.new_user(admin_token, TOWN, "admin")
    _, _, county = api.new_user(admin_token, COUNTY, "admin")
    _, _, other_town = api.new_user(admin_token, OTHER_TOWN, "admin")

    body = {"household_id": household_id, "kind": "illness", "reason": "户主突发重病住院"}
    assert (
        api.http.post(
            "/api/v1/alerts", json={**body, "kind": "lottery"}, headers=api.auth(helper)
        ).status_code
        == 422
    )
    raised = api.http.post("/api/v1/alerts", json=body, headers=api.auth(helper))
    assert raised.status_code == 201, raised.text
    alert = raised.json()
    assert (alert["status"], alert["owner_region"]) == ("raised", TOWN)
    eventually(lambda: any("返贫预警" in t for t in texts_to(smsc, town_mobile)), what="town text")

    assert act(api, county, alert["id"], "review", "纳入监测").status_code == 403  # town first
    assert act(api, other_town, alert["id"], "verify", "属实").status_code == 404
    assert act(api, town, alert["id"], "verify", "医疗费用8万元属实").json()["status"] == "verified"
    reviewed = act(api, county, alert["id"], "review", "落实大病救助和临时救助")
    assert reviewed.status_code == 200 and reviewed.json()["status"] == "reviewed"

    def monitored():  # type: ignore[no-untyped-def]
        found = api.get(path, admin_token).json()
        return found if found["monitoring_category"] == "sudden_hardship" else None

    household = eventually(monitored, seconds=30, what="the registry following the alert")
    assert household["status"] == "monitored"
    last = api.get(f"{path}/history", admin_token).json()["items"][-1]
    assert alert["id"] in last["reason"] and "落实大病救助" in last["reason"]

    closed = act(api, county, alert["id"], "close", "风险已消除")
    assert (closed.json()["status"], closed.json()["outcome"]) == ("closed", "风险已消除")
    listed = api.get("/api/v1/alerts", town, status="closed").json()["items"]
    assert [[s["action"] for s in a["steps"]] for a in listed if a["id"] == alert["id"]] == [
        ["raised", "verified", "reviewed", "closed"]
    ]
    assert api.get(f"/api/v1/alerts/{alert['id']}", other_town).status_code == 404
    assert api.get("/api/v1/alerts", other_town, region_code=TOWN).status_code == 404


def test_a_low_income_raises_an_alert_whose_confirmation_monitors_the_household(
    api, admin_token
) -> None:
    household_id = register(api, admin_token, RULE_VILLAGE)
    path = f"/api/v1/households/{household_id}"
    for action in ("start_assistance", "exit"):
        moved = api.http.post(
            f"{path}/transitions",
            json={"action": action, "reason": "入户核实"},
            headers=api.auth(admin_token),
        )
        assert moved.status_code == 200, moved.text
    _, _, town = api.new_user(admin_token, RULE_TOWN, "admin")
    _, _, county = api.new_user(admin_token, COUNTY, "admin")
    incomes = api.http.put(  # one person: 5,000 yuan is under 1.5 × 4,000
        f"{path}/incomes/2025", json={"by_source": {"wage": 5000}}, headers=api.auth(admin_token)
    )
    assert incomes.status_code == 200, incomes.text

    def raised():  # type: ignore[no-untyped-def]
        found = api.get("/api/v1/alerts", town, status="raised").json()["items"]
        return [a for a in found if a["household_id"] == household_id]

    (alert,) = eventually(raised, seconds=30, what="the rule raising an alert")
    assert (alert["kind"], alert["owner_region"]) == ("income_drop", RULE_TOWN)
    assert "5000" in alert["reason"] and "6000" in alert["reason"]
    assert act(api, town, alert["id"], "verify", "务工收入下降属实").status_code == 200
    assert act(api, county, alert["id"], "review", "落实就业帮扶").status_code == 200

    def monitored():  # type: ignore[no-untyped-def]
        found = api.get(path, admin_token).json()
        return found if found["monitoring_category"] == "sudden_hardship" else None

    assert eventually(monitored, seconds=30, what="the registry following")["status"] == "monitored"
