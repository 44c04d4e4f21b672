"""The household archive through the gateway: registration with protected identity numbers,
territory, the lifecycle, the full history, and households following a division change."""

from __future__ import annotations

import itertools
import time
from datetime import date

from kit.id_numbers import check_character

VILLAGE = "370102001002"
OTHER_COUNTY_VILLAGE = "370103002001"
_serial = itertools.count(100)


def id_number(born: str = "19800101") -> str:
    first = f"370102{born}{next(_serial):03d}"
    return first + check_character(first)


def new_household(api, token, village=VILLAGE, **extra):  # type: ignore[no-untyped-def]
    body = {
        "number": f"HH-{time.time_ns()}",
        "village_code": village,
        "latitude": 36.66,
        "longitude": 117.02,
        "attribute": "general",
        "main_cause": "illness",
        "secondary_causes": ["lack_of_labour"],
        "members": [
            {"name": "张三", "id_number": id_number("19650304"), "relation": "head"},
            {"name": "李四", "id_number": id_number("19680512"), "relation": "spouse"},
        ],
        **extra,
    }
    return api.http.post("/api/v1/households", json=body, headers=api.auth(token))


def test_a_household_is_registered_with_masked_identity_numbers(api, admin_token) -> None:
    created = new_household(api, admin_token)
    assert created.status_code == 201, created.text
    household = created.json()
    assert household["status"] == "identified" and household["version"] == 1
    head = next(m for m in household["members"] if m["relation"] == "head")
    assert head["id_number"].startswith("370102") and "*" in head["id_number"]
    assert head["birth_date"] == "1965-03-04" and head["sex"] in ("male", "female")
    assert api.get(f"/api/v1/households/{household['id']}", admin_token).json() == household


def test_bad_identity_numbers_and_vocabulary_are_refused_and_change_nothing(
    api, admin_token
) -> None:
    before = len(
        api.get("/api/v1/households", admin_token, region_code=VILLAGE, page_size=200).json()[
            "items"
        ]
    )
    bad_number = new_household(
        api,
        admin_token,
        members=[{"name": "王五", "id_number": "370102198001011230", "relation": "head"}],
    )
    assert bad_number.status_code == 400 and bad_number.json()["type"].endswith("invalid-id-number")
    bad_cause = new_household(api, admin_token, main_cause="laziness")
    assert bad_cause.status_code == 400 and bad_cause.json()["errors"][0]["field"] == "main_cause"
    no_head = new_household(
        api, admin_token, members=[{"name": "赵六", "id_number": id_number(), "relation": "child"}]
    )
    assert no_head.status_code == 400
    after = len(
        api.get("/api/v1/households", admin_token, region_code=VILLAGE, page_size=200).json()[
            "items"
        ]
    )
    assert after == before


def test_households_outside_the_callers_territory_do_not_exist_for_them(api, admin_token) -> None:
    elsewhere = new_household(api, admin_token, village=OTHER_COUNTY_VILLAGE).json()
    own = new_household(api, admin_token).json()
    helper_id, _, helper = api.new_user(admin_token, VILLAGE, "helper")
    paired = api.http.post(
        f"/api/v1/households/{own['id']}/pairings",
        json={"helper_id": helper_id},
        headers=api.auth(admin_token),
    )
    assert paired.status_code == 201, paired.text
    other = api.get(f"/api/v1/households/{elsewhere['id']}", helper)
    missing = api.get(f"/api/v1/households/{'0' * 32}", helper)
    assert (
        other.status_code == missing.status_code == 404
        and other.json()["detail"] == missing.json()["detail"]
    )
    listed = api.get("/api/v1/households", helper).json()["items"]
    assert [h["id"] for h in listed] == [own["id"]]  # a helper lists only their pairings
    assert new_household(api, helper).status_code == 403  # helpers read; officers register


def test_the_lifecycle_refuses_illegal_moves_and_keeps_every_step(api, admin_token) -> None:
    household = new_household(api, admin_token).json()
    path = f"/api/v1/households/{household['id']}"

    def move(action: str, **extra: str):  # type: ignore[no-untyped-def]
        return api.http.post(
            f"{path}/transitions",
            json={"action": action, "reason": "入户核实", **extra},
            headers=api.auth(admin_token),
        )

    illegal = move("exit")
    assert illegal.status_code == 409 and illegal.json()["type"].endswith("illegal-transition")
    assert move("start_assistance").json()["status"] == "under_assistance"
    assert move("exit").json()["status"] == "exited"
    monitored = move("start_monitoring", monitoring_category="unstable_exited").json()
    assert (monitored["status"], monitored["monitoring_category"]) == (
        "monitored",
        "unstable_exited",
    )
    assert move("return_to_poverty").json()["status"] == "under_assistance"
    history = api.get(f"{path}/history", admin_token).json()["items"]
    assert [e["kind"] for e in history] == ["created"] + ["transitioned"] * 4
    assert history[-1]["before"]["status"] == "monitored" and history[-1]["reason"] == "入户核实"


def test_edits_are_versioned_and_recorded_field_by_field(api, admin_token) -> None:
    household = new_household(api, admin_token).json()
    path = f"/api/v1/households/{household['id']}"
    edited = api.http.patch(
        path,
        json={"expected_version": 1, "main_cause": "disability"},
        headers=api.auth(admin_token),
    )
    assert edited.status_code == 200 and edited.json()["version"] == 2
    stale = api.http.patch(
        path,
        json={"expected_version": 1, "attribute": "destitute_support"},
        headers=api.auth(admin_token),
    )
    assert stale.status_code == 409 and stale.json()["type"].endswith("version-conflict")
    change = api.get(f"{path}/history", admin_token).json()["items"][-1]
    assert (change["kind"], change["field"], change["before"], change["after"]) == (
        "changed",
        "main_cause",
        "illness",
        "disability",
    )


def test_revealing_an_identity_number_needs_the_permission_and_is_recorded(
    api, admin_token
) -> None:
    number = id_number("19900909")
    household = new_household(
        api, admin_token, members=[{"name": "钱七", "id_number": number, "relation": "head"}]
    ).json()
    member = household["members"][0]["id"]
    path = f"/api/v1/households/{household['id']}/members/{member}/id-number"
    _, _, officer = api.new_user(admin_token, "370102001000", "info_officer")
    assert (
        api.http.post(path, json={"purpose": "核对"}, headers=api.auth(officer)).status_code == 403
    )
    revealed = api.http.post(path, json={"purpose": "医保核对"}, headers=api.auth(admin_token))
    assert revealed.status_code == 200 and revealed.json() == {"id_number": number}
    last = api.get(f"/api/v1/households/{household['id']}/history", admin_token).json()["items"][-1]
    assert (last["kind"], last["reason"]) == ("revealed", "医保核对") and number not in str(last)


def test_a_members_phone_is_shown_masked_and_revealed_only_on_purpose(api, admin_token) -> None:
    head = {"name": "孙八", "id_number": id_number("19710707"), "relation": "head"}
    bad = new_household(api, admin_token, members=[{**head, "phone": "1380013"}])
    assert bad.status_code == 400 and bad.json()["type"].endswith("invalid-phone")
    household = new_household(api, admin_token, members=[{**head, "phone": "+86 139-0013-9000"}])
    member = household.json()["members"][0]
    assert member["phone"] == "139****9000"
    path = f"/api/v1/households/{household.json()['id']}/members/{member['id']}/phone"
    revealed = api.http.post(path, json={"purpose": "联系户主"}, headers=api.auth(admin_token))
    assert revealed.status_code == 200 and revealed.json() == {"phone": "13900139000"}
    history = api.get(f"/api/v1/households/{household.json()['id']}/history", admin_token)
    last = history.json()["items"][-1]
    assert last["field"].endswith(".phone") and "13900139000" not in str(history.json())


def test_households_follow_their_village_when_its_county_is_recoded(api, admin_token) -> None:
    county, new_county = "371728000000", "371799000000"  # a Heze county no other test touches
    towns = api.get(f"/api/v1/regions/{county}/children", admin_token).json()["items"]
    village = api.get(f"/api/v1/regions/{towns[0]['code']}/children", admin_token).json()["items"][
        0
    ]["code"]
    household = new_household(api, admin_token, village=village).json()
    change = {
        "kind": "recode",
        "reason": "区划调整",
        "steps": [{"old_code": county, "new_code": new_county}],
        "effective_date": "2026-06-01",
    }
    assert (
        api.http.post(
            "/api/v1/division-changes", json=change, headers=api.auth(admin_token)
        ).status_code
        == 201
    )
    expected = "371799" + village[6:]
    for _ in range(100):  # the registry learns it from identity.division.changed
        current = api.get(f"/api/v1/households/{household['id']}", admin_token).json()
        if current["village_code"] == expected:
            break
        time.sleep(0.1)
    assert current["village_code"] == expected
    recoded = api.get(f"/api/v1/households/{household['id']}/history", admin_token).json()["items"][
        -1
    ]
    assert (recoded["kind"], recoded["before"], recoded["after"]) == ("recoded", village, expected)


def test_incomes_and_guarantee_indicators_are_kept_by_year_and_counted(api, admin_token) -> None:
    household = new_household(api, admin_token).json()
    path = f"/api/v1/households/{household['id']}"
    incomes = api.http.put(
        f"{path}/incomes/2025",
        json={"by_source": {"wage": 9000, "transfer": 3000}},
        headers=api.auth(admin_token),
    )
    assert incomes.status_code == 200, incomes.text
    (year,) = incomes.json()["incomes"]
    assert (year["year"], year["total"], year["per_capita"]) == (2025, 12000, 6000)  # two members
    bad_source = api.http.put(
        f"{path}/incomes/2025", json={"by_source": {"lottery": 1}}, headers=api.auth(admin_token)
    )
    assert bad_source.status_code == 400
    indicators = api.http.put(
        f"{path}/indicators",
        json={"values": {"safe_housing": True, "drinking_water": False}},
        headers=api.auth(admin_token),
    )
    assert indicators.json()["indicators"] == {"safe_housing": True, "drinking_water": False}
    unknown = api.http.put(
        f"{path}/indicators", json={"values": {"owns_a_car": True}}, headers=api.auth(admin_token)
    )
    assert unknown.status_code == 400
    stats = api.get("/api/v1/statistics/households", admin_token, region_code=VILLAGE).json()
    assert stats["non_compliant_by_indicator"].get("drinking_water", 0) >= 1
    fields = [e["field"] for e in api.get(f"{path}/history", admin_token).json()["items"]]
    # indicators are recorded per year (this year's, as none was named), like incomes
    assert "incomes.2025" in fields and f"indicators.{date.today().year}" in fields


def test_members_join_and_change_after_registration_with_one_head_and_a_record(
    api, admin_token
) -> None:
    household = new_household(api, admin_token).json()
    path = f"/api/v1/households/{household['id']}"
    newborn = {"name": "张小宝", "id_number": id_number("20250101"), "relation": "child"}
    added = api.http.post(
        f"{path}/members",
        json={"member": newborn, "reason": "新生儿"},
        headers=api.auth(admin_token),
    )
    assert added.status_code == 201, added.text
    assert [m["name"] for m in added.json()["members"]][-1] == "张小宝"
    second_head = {"name": "王九", "id_number": id_number("19900101"), "relation": "head"}
    refused = api.http.post(
        f"{path}/members",
        json={"member": second_head, "reason": "错误"},
        headers=api.auth(admin_token),
    )
    assert refused.status_code == 400
    child = added.json()["members"][-1]["id"]
    changed = api.http.patch(
        f"{path}/members/{child}",
        json={"health": "先天性心脏病", "reason": "入户核实"},
        headers=api.auth(admin_token),
    )
    assert changed.status_code == 200 and changed.json()["members"][-1]["health"] == "先天性心脏病"
    history = api.get(f"{path}/history", admin_token).json()["items"]
    assert history[-1]["field"] == f"members.{child}.health" and history[-1]["reason"] == "入户核实"
    assert newborn["id_number"] not in str(history)
