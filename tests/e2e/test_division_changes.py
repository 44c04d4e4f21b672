"""Division changes through the API: the province makes them, everyone sees the result, and
the change is on the record."""

from __future__ import annotations

from tests.e2e.smsc import eventually

VILLAGE = "370202001004"  # 青岛市市南区香港中路街道江西路社区


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
