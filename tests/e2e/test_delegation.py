"""Who may create and see whom: delegation down the hierarchy, never across or up."""

from __future__ import annotations

from typing import Any

from tests.e2e.smsc import eventually

JINAN, LIXIA, TOWN = "370100000000", "370102000000", "370102001000"
VILLAGE, NEIGHBOUR_VILLAGE = "370102001002", "370102001003"
QINGDAO_COUNTY = "370202000000"


def problem(reply: Any) -> dict:
    assert reply.headers["content-type"].startswith("application/problem+json"), reply.text
    body = reply.json()
    return {k: v for k, v in body.items() if k not in ("request_id", "instance")}


def test_a_province_admin_creates_a_city_admin_who_staffs_only_their_city(api, admin_token) -> None:
    _, _, city_admin = api.new_user(admin_token, JINAN, "admin")
    assert api.create_user(city_admin, LIXIA, "admin").status_code == 201
    assert api.create_user(city_admin, TOWN, "info_officer", "secretary").status_code == 201
    elsewhere = api.create_user(city_admin, QINGDAO_COUNTY, "admin")
    nowhere = api.create_user(city_admin, "370199000000", "admin")
    assert elsewhere.status_code == nowhere.status_code == 404
    assert problem(elsewhere) == problem(nowhere)
    peer = api.create_user(city_admin, JINAN, "admin")
    assert peer.status_code == 403 and problem(peer)["type"].endswith("role-not-grantable")


def test_a_town_officer_creates_village_helpers_in_the_town_only(api, admin_token) -> None:
    _, _, officer = api.new_user(admin_token, TOWN, "info_officer")
    assert api.create_user(officer, VILLAGE, "helper").status_code == 201
    assert api.create_user(officer, VILLAGE, "admin").status_code == 403
    assert api.create_user(officer, "370102002002", "helper").status_code == 404


def test_a_village_helper_cannot_create_users(api, admin_token) -> None:
    _, _, helper = api.new_user(admin_token, VILLAGE, "helper")
    reply = api.create_user(helper, VILLAGE, "helper")
    assert reply.status_code == 403 and problem(reply)["type"].endswith("permission-denied")


def test_a_village_cadre_cannot_see_another_village_and_cannot_tell_it_exists(
    api, admin_token
) -> None:
    helper_id, _, helper = api.new_user(admin_token, VILLAGE, "helper")
    neighbour_id, _, _ = api.new_user(admin_token, NEIGHBOUR_VILLAGE, "helper")
    other = api.get(f"/api/v1/users/{neighbour_id}", helper)
    missing = api.get(f"/api/v1/users/{'0' * 32}", helper)
    assert other.status_code == missing.status_code == 404
    assert problem(other) == problem(missing)
    listed = api.get("/api/v1/users", helper, region_code=NEIGHBOUR_VILLAGE)
    assert listed.status_code == 404 and problem(listed) == problem(
        api.get("/api/v1/users", helper, region_code="370102001999")
    )
    mine = api.get("/api/v1/users", helper).json()["items"]
    assert helper_id in {u["id"] for u in mine} and neighbour_id not in {u["id"] for u in mine}
    assert (
        api.get(f"/api/v1/users/{helper_id}", helper).json()["mobile"].isdigit()
    )  # your own number, in full


def test_an_administrator_lists_a_subtree_by_role_with_masked_mobiles_and_pages(
    api, admin_token
) -> None:
    county = "370103000000"
    for _ in range(3):
        api.new_user(admin_token, county, "inspector")
    first = api.get(
        "/api/v1/users", admin_token, region_code=county, role="inspector", page_size=2
    ).json()
    assert len(first["items"]) == 2 and first["next_page_token"]
    rest = api.get(
        "/api/v1/users",
        admin_token,
        region_code=county,
        role="inspector",
        page_size=2,
        page_token=first["next_page_token"],
    ).json()
    ids = [u["id"] for u in first["items"] + rest["items"]]
    assert len(ids) == len(set(ids)) == 3
    assert all("****" in u["mobile"] and u["roles"] == ["inspector"] for u in first["items"])


def test_permission_changes_are_in_the_audit_trail(api, admin_token) -> None:
    user_id, _, _ = api.new_user(admin_token, JINAN, "secretary")
    changed = api.http.patch(
        f"/api/v1/users/{user_id}", json={"roles": ["inspector"]}, headers=api.auth(admin_token)
    )
    assert changed.status_code == 200 and changed.json()["roles"] == ["inspector"]
    wanted = {"user.created", "user.roles_changed", "login.succeeded", "password.changed"}

    def all_recorded():  # type: ignore[no-untyped-def]
        records = api.get("/api/v1/audit-records", admin_token, target_id=user_id).json()["items"]
        return records if wanted <= {r["action"] for r in records} else None

    records = eventually(all_recorded, what="the account's acts in the audit log")
    roles_change = next(r for r in records if r["action"] == "user.roles_changed")
    assert roles_change["detail"] == {"before": ["secretary"], "after": ["inspector"]}
