"""Notices (上传下达) through the gateway: a county administrator texts every helper of the
county — exactly those, nobody outside it — and sees each recipient's status, phones masked;
only officers send them, in their own territory. (What reaches the phones: test_sms.py.)"""

from __future__ import annotations

import re

from tests.e2e.smsc import eventually

COUNTY = "370126000000"  # 商河县, used by no other test
VILLAGES = ("370126001001", "370126101201")
ELSEWHERE = "370117001001"  # a village of 钢城区
NOTICE = "请于本周五前完成入户核查。"


def wait_until_resolved(api, token: str, notice_id: str) -> dict:  # type: ignore[no-untyped-def]
    """The notice once its recipients are looked up (in the background: an event)."""

    def resolved() -> dict | None:
        notice = api.get(f"/api/v1/notices/{notice_id}", token).json()
        return notice if notice["state"] != "resolving" else None

    return eventually(resolved, what=f"notice {notice_id} resolved")


def test_a_notice_reaches_exactly_the_helpers_of_the_county(api, admin_token) -> None:
    _, _, county_admin = api.new_user(admin_token, COUNTY, "admin")
    helpers = {api.new_user(admin_token, v, "helper")[0] for v in VILLAGES}
    api.new_user(admin_token, VILLAGES[0], "secretary")
    api.new_user(admin_token, ELSEWHERE, "helper")
    body = {"role": "helper", "region_code": COUNTY, "text": NOTICE}
    created = api.http.post("/api/v1/notices", json=body, headers=api.auth(county_admin))
    assert created.status_code == 201, created.text
    assert created.json()["text"] == f"【精准扶贫】{NOTICE}"
    notice = wait_until_resolved(api, county_admin, created.json()["id"])
    assert (notice["recipients"], sum(notice["counts"].values())) == (2, 2)
    recipients = api.get(f"/api/v1/notices/{notice['id']}/recipients", county_admin).json()
    assert {r["user_id"] for r in recipients["items"]} == helpers
    assert all(re.fullmatch(r"1\d\d\*{4}\d{4}", r["phone"]) for r in recipients["items"])


def test_a_notice_outside_the_callers_territory_is_refused_like_a_missing_region(
    api, admin_token
) -> None:
    _, _, county_admin = api.new_user(admin_token, COUNTY, "admin")
    replies = [
        api.http.post(
            "/api/v1/notices",
            json={"role": "helper", "region_code": region, "text": NOTICE},
            headers=api.auth(county_admin),
        )
        for region in ("370117000000", "370126999000")  # another county; none such
    ]
    assert [r.status_code for r in replies] == [404, 404]
    assert replies[0].json()["detail"] == replies[1].json()["detail"]
    mine = api.http.post(
        "/api/v1/notices",
        json={"role": "helper", "region_code": COUNTY, "text": NOTICE},
        headers=api.auth(county_admin),
    ).json()
    _, _, other_county = api.new_user(admin_token, "370117000000", "admin")
    assert api.get(f"/api/v1/notices/{mine['id']}", other_county).status_code == 404


def test_only_officers_send_notices_and_bad_ones_change_nothing(api, admin_token) -> None:
    _, _, helper = api.new_user(admin_token, VILLAGES[0], "helper")
    _, _, inspector = api.new_user(admin_token, COUNTY, "inspector")
    body = {"role": "helper", "region_code": COUNTY, "text": NOTICE}
    assert api.http.post("/api/v1/notices", json=body, headers=api.auth(helper)).status_code == 403
    refused = api.http.post("/api/v1/notices", json=body, headers=api.auth(inspector))
    assert refused.status_code == 403
    empty = api.http.post(
        "/api/v1/notices", json={**body, "text": " "}, headers=api.auth(admin_token)
    )
    assert empty.status_code == 400
    assert empty.headers["content-type"].startswith("application/problem+json")
    assert api.get("/api/v1/messages", inspector, status="bogus").status_code == 422
