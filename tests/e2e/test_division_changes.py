"""Division changes through the API: the province makes them, everyone sees the result, every
service's records follow the new codes, and the change is on the record."""

from __future__ import annotations

from tests.e2e.smsc import eventually
from tests.e2e.test_needs import file_need, paired_helper

VILLAGE = "370202001004"  # 青岛市市南区香港中路街道江西路社区
COUNTY, NEW_COUNTY = "370811000000", "370898000000"  # 任城区, which no other test touches


def test_the_province_renames_a_village_and_the_change_is_recorded(api, admin_token) -> None:
    change = {
        "kind": "rename",
        "reason": "社区更名",
        "steps": [{"old_code": VILLAGE, "new_code": VILLAGE, "new_name": "江西路新社区"}],
        "effective_date": "2026-01-01",
    }
    applied = api.http.post("/api/v1/division-changes", json=change, headers=api.auth(admin_token))
    assert applied.status_code == 201, applied.text
    assert api.get(f"/api/v1/regions/{VILLAGE}", admin_token).json()["name"] == "江西路新社区"
    listed = api.get("/api/v1/division-changes", admin_token).json()["items"]
    assert listed[0]["id"] == applied.json()["id"] and listed[0]["reason"] == "社区更名"
    eventually(
        lambda: any(
            record["target_id"] == applied.json()["id"]
            for record in api.get(
                "/api/v1/audit-records", admin_token, action="division.changed"
            ).json()["items"]
        ),
        what="the division change in the audit log",
    )


def test_a_city_administrator_cannot_change_divisions(api, admin_token) -> None:
    _, _, city_admin = api.new_user(admin_token, "370200000000", "admin")
    change = {
        "kind": "rename",
        "reason": "无权",
        "steps": [{"old_code": VILLAGE, "new_code": VILLAGE, "new_name": "不应生效"}],
        "effective_date": "2026-01-01",
    }
    refused = api.http.post("/api/v1/division-changes", json=change, headers=api.auth(city_admin))
    assert refused.status_code == 403 and refused.json()["type"].endswith("province-only")
    assert api.get(f"/api/v1/regions/{VILLAGE}", admin_token).json()["name"] != "不应生效"


def test_a_recoded_countys_needs_helpers_and_texts_are_seen_under_its_new_code(
    api, admin_token
) -> None:
    village = "370811002001"
    household_id, helper = paired_helper(api, admin_token, village)
    filed = file_need(api, helper, household_id)
    assert filed.status_code == 201, filed.text
    change = {
        "kind": "recode",
        "reason": "区划调整",
        "steps": [{"old_code": COUNTY, "new_code": NEW_COUNTY}],
        "effective_date": "2026-06-01",
    }
    applied = api.http.post("/api/v1/division-changes", json=change, headers=api.auth(admin_token))
    assert applied.status_code == 201, applied.text
    new_village = NEW_COUNTY[:6] + village[6:]
    _, _, officer = api.new_user(admin_token, NEW_COUNTY, "admin")  # of the county's new code

    def need_moved() -> dict | None:  # assistance learns it from identity.division.changed
        need = api.get(f"/api/v1/needs/{filed.json()['id']}", officer)
        return need.json() if need.status_code == 200 else None

    need = eventually(need_moved, what="the need under the county's new code")
    assert (need["village_code"], need["owner_region"]) == (new_village, new_village)

    def helper_counted() -> dict | None:  # the registry's record of the helper moved too
        figures = api.get("/api/v1/coverage", officer, region_code=NEW_COUNTY).json()["region"]
        return figures if figures["helpers"] == 1 else None

    eventually(helper_counted, what="the helper counted in the county's coverage")

    def welcome_moved() -> list | None:  # and notification's record of the welcome text
        texts = api.get("/api/v1/messages", officer, region_code=new_village).json()["items"]
        return texts or None

    assert {m["template"] for m in eventually(welcome_moved, what="the texts")} == {"welcome"}
