"""The village work team through the gateway: a member checks in once a day, logs work and
submits the village's monthly report once; the town reads them, another town does not."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

TOWN, VILLAGE = "370304106000", "370304106023"  # 博山区 八陡镇, used by no other test
OTHER_TOWN = "370304108000"


def post(api, token, path, body):  # type: ignore[no-untyped-def]
    return api.http.post(f"/api/v1/work-team/{path}", json=body, headers=api.auth(token))


def test_a_member_checks_in_logs_work_and_reports_and_the_town_reads_them(api, admin_token) -> None:
    member_id, _, member = api.new_user(admin_token, VILLAGE, "work_team")
    _, _, town = api.new_user(admin_token, TOWN, "admin")
    _, _, other_town = api.new_user(admin_token, OTHER_TOWN, "admin")
    month = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")

    checked = post(api, member, "attendance", {"latitude": 36.4, "longitude": 117.9})
    assert checked.status_code == 201, checked.text
    again = post(api, member, "attendance", {"latitude": 36.4, "longitude": 117.9})
    assert again.status_code == 409
    assert post(api, member, "attendance", {"latitude": 91, "longitude": 0}).status_code == 422
    assert post(api, member, "logs", {"content": "走访监测户3户"}).status_code == 201
    assert post(api, member, "logs", {"day": "2999-01-01", "content": "x"}).status_code == 400
    report = post(api, member, "reports", {"month": month, "content": "本月走访12户"})
    assert report.status_code == 201, report.text
    assert post(api, member, "reports", {"month": month, "content": "重交"}).status_code == 409
    assert post(api, town, "logs", {"content": "乡镇不记"}).status_code == 403

    found = api.get("/api/v1/work-team", town, month=month).json()
    assert [(a["user_id"], a["village_code"]) for a in found["attendance"]] == [
        (member_id, VILLAGE)
    ]
    assert [e["content"] for e in found["logs"]] == ["走访监测户3户"]
    assert [(r["month"], r["content"]) for r in found["reports"]] == [(month, "本月走访12户")]
    assert api.get("/api/v1/work-team", other_town, month=month).json() == {
        "attendance": [],
        "logs": [],
        "reports": [],
    }
    assert api.get("/api/v1/work-team", other_town, region_code=VILLAGE).status_code == 404
