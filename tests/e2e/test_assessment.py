"""Assessment and ranking (考核排名) through the gateway: a town's cadres and villages scored
from the activity set up — each indicator explained by its counts — and ranked; the town's
circular (通报) of the month texted to the officers of the regions ranked in, issued once (a
second issue is a 409 that texts nobody); out of the caller's territory it is not found.
Helping units ranked by their helpers' work, and every subject named, in the ranking and in
the circular's texts; another county's units appear in neither."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.e2e.smsc import eventually
from tests.e2e.test_helping_units import create_unit, pairing, put
from tests.e2e.test_needs import act, file_need, paired_helper, register, texts_to
from tests.e2e.test_visits import FAR, NEAR, log_visit

COUNTY = "370321000000"  # 桓台县
TOWN, OTHER_TOWN = "370321104000", "370321105000"  # 荆家镇, 马桥镇: used by no other test
FIRST, SECOND = "370321104201", "370321104202"


def this_month() -> str:
    return datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")


def indicators(subject: dict) -> dict[str, tuple[int, int, float]]:  # type: ignore[type-arg]
    return {
        i["indicator"]: (i["achieved"], i["required"], i["score"]) for i in subject["indicators"]
    }


def ranking(found: dict, kind: str) -> list[dict]:  # type: ignore[type-arg]
    (chosen,) = [r for r in found["rankings"] if r["subject_kind"] == kind]
    return chosen["subjects"]  # type: ignore[no-any-return]


def test_a_towns_cadres_and_villages_are_scored_ranked_and_circulated_once(
    api, admin_token, smsc
) -> None:
    first_household, steady = paired_helper(api, admin_token, FIRST)
    second_household, third_household = (register(api, admin_token, SECOND) for _ in "12")
    patchy_id, _, patchy = api.new_user(admin_token, SECOND, "helper")
    for household_id in (second_household, third_household):
        paired = api.http.post(
            f"/api/v1/households/{household_id}/pairings",
            json={"helper_id": patchy_id},
            headers=api.auth(admin_token),
        )
        assert paired.status_code == 201, paired.text
    assert log_visit(api, steady, first_household, NEAR).status_code == 201
    assert log_visit(api, patchy, second_household, NEAR).status_code == 201
    assert log_visit(api, patchy, third_household, FAR).status_code == 201  # flagged: not counted
    _, county_mobile, county = api.new_user(admin_token, COUNTY, "admin")
    _, town_mobile, _ = api.new_user(admin_token, TOWN, "admin")
    _, _, officer = api.new_user(admin_token, COUNTY, "info_officer")
    _, _, outsider = api.new_user(admin_token, OTHER_TOWN, "info_officer")
    period = this_month()

    found = api.get("/api/v1/assessment", county, region_code=TOWN, period=period)
    assert found.status_code == 200, found.text
    assessment = found.json()
    assert (assessment["region_code"], assessment["period"]) == (TOWN, period)
    cadres = ranking(assessment, "cadre")
    assert [c["rank"] for c in cadres] == [1, 2]
    best, worst = cadres
    assert indicators(best)["visits"] == (1, 1, 100.0)  # one visit of the one owed
    assert indicators(worst)["visits"] == (1, 2, 50.0)  # one accepted of the two owed
    assert indicators(worst)["needs_on_time"] == (0, 0, 100.0)  # nothing to resolve
    assert (best["total"], worst["total"]) == (100.0, 80.0)  # 0.4 × visits + 0.6 × 100
    assert worst["id"] == patchy_id
    villages = ranking(assessment, "village")
    assert [v["id"] for v in villages] == [FIRST, SECOND]
    assert indicators(villages[1])["visits"] == (1, 2, 50.0)
    # Registered without the identification standard and year: every record is incomplete.
    assert indicators(villages[1])["data_quality"] == (0, 2, 0.0)
    assert (villages[0]["total"], villages[1]["total"]) == (80.0, 65.0)
    (town,) = ranking(assessment, "town")
    assert (town["id"], indicators(town)["visits"]) == (TOWN, (2, 3, 66.67))

    issued = api.http.post(
        "/api/v1/assessment/circulars",
        json={"region_code": TOWN, "period": period},
        headers=api.auth(officer),
    )
    assert issued.status_code == 201, issued.text
    assert [r["subject_kind"] for r in issued.json()["rankings"]] == ["cadre", "village", "town"]

    def circular_texts(mobile: str, count: int) -> list[str] | None:
        found = [t for t in texts_to(smsc, mobile) if f"{period}考核通报" in t]
        return found if len(found) >= count else None

    # The town's officers: its cadres' and villages' rankings (and, within the county's
    # subtree, the towns'); the county's officers: the towns' ranking.
    town_texts = eventually(lambda: circular_texts(town_mobile, 3), what="the town's texts")
    assert any("干部排名" in t and "测试用户（100分）" in t for t in town_texts)
    (county_text,) = eventually(lambda: circular_texts(county_mobile, 1), what="county text")
    assert "乡镇排名" in county_text and "荆家镇（" in county_text

    again = api.http.post(
        "/api/v1/assessment/circulars",
        json={"region_code": TOWN, "period": period},
        headers=api.auth(officer),
    )
    assert again.status_code == 409, again.text
    year = period[:4]
    assert (
        api.http.post(
            "/api/v1/assessment/circulars",
            json={"region_code": TOWN, "period": year},
            headers=api.auth(officer),
        ).status_code
        == 201
    )
    eventually(
        lambda: [t for t in texts_to(smsc, county_mobile) if f"{year}考核通报" in t],
        what="the year's circular, texted after the refused second issue",
    )
    assert len(circular_texts(town_mobile, 3) or []) == 3  # the refused issue texted nobody

    listed = api.get("/api/v1/assessment/circulars", county, region_code=COUNTY)
    assert [c["period"] for c in listed.json()["items"]] == [period, year]
    assert listed.json()["items"][0]["rankings"][0]["subjects"][0]["id"] == best["id"]

    assert api.get("/api/v1/assessment", outsider, region_code=TOWN).status_code == 404
    refused = api.http.post(
        "/api/v1/assessment/circulars",
        json={"region_code": TOWN, "period": period},
        headers=api.auth(outsider),
    )
    assert refused.status_code == 404
    assert api.get("/api/v1/assessment/circulars", outsider, region_code=TOWN).status_code == 404
    assert api.get("/api/v1/assessment", steady).status_code == 403
    assert api.get("/api/v1/assessment", county, period="2026-13").status_code == 422


UNIT_COUNTY, UNIT_TOWN = "370612000000", "370612001000"  # 牟平区, 宁海街道: used by no other test
UNIT_VILLAGE, UNIT_OTHER_VILLAGE = "370612001005", "370612001009"
NEIGHBOUR_VILLAGE = "370613001011"  # 莱山区: another county


def named_helper(api, admin_token, village, name, households=1):  # type: ignore[no-untyped-def]
    """(helper id, helper token, household ids): a named helper paired with new households."""
    helper_id, _, token = api.new_user(admin_token, village, "helper", name=name)
    owned = [register(api, admin_token, village) for _ in range(households)]
    for household_id in owned:
        paired = pairing(api, admin_token, household_id, helper_id)
        assert paired.status_code == 201, paired.text
    return helper_id, token, owned


def test_helping_units_are_ranked_and_every_subject_is_named_in_the_ranking_and_the_circular(
    api, admin_token, smsc
) -> None:
    _, county_mobile, county = api.new_user(admin_token, UNIT_COUNTY, "admin", name="区管理员")
    civil = create_unit(api, county, UNIT_COUNTY, name="牟平区民政局")
    farming = create_unit(api, county, UNIT_COUNTY, name="牟平区农业农村局")
    zhang, zhang_token, (first,) = named_helper(api, admin_token, UNIT_VILLAGE, "张三")
    li, li_token, (second, _) = named_helper(api, admin_token, UNIT_OTHER_VILLAGE, "李四", 2)
    for unit, helper in ((civil, zhang), (farming, li)):
        assert put(api, county, f"{unit['id']}/helpers/{helper}").status_code == 200
    assert log_visit(api, zhang_token, first, NEAR).status_code == 201
    assert log_visit(api, li_token, second, NEAR).status_code == 201
    # A work-team member the registry does not record: named by identity.
    _, _, team = api.new_user(admin_token, UNIT_VILLAGE, "work_team", name="孙七")
    need = file_need(api, zhang_token, first)
    assert need.status_code == 201, need.text
    assert act(api, team, need.json()["id"], "resolve").status_code == 200
    # Another county's unit, its helper at work there.
    neighbour = api.new_user(admin_token, "370613000000", "admin")[2]
    theirs = create_unit(api, neighbour, "370613000000", name="莱山区人社局")
    wang, wang_token, (far,) = named_helper(api, admin_token, NEIGHBOUR_VILLAGE, "王五")
    assert put(api, neighbour, f"{theirs['id']}/helpers/{wang}").status_code == 200
    assert log_visit(api, wang_token, far, NEAR).status_code == 201
    period = this_month()

    found = api.get("/api/v1/assessment", county, region_code=UNIT_COUNTY, period=period)
    assert found.status_code == 200, found.text
    units = ranking(found.json(), "unit")
    assert [(u["name"], u["rank"]) for u in units] == [("牟平区民政局", 1), ("牟平区农业农村局", 2)]
    assert indicators(units[1])["visits"] == (1, 2, 50.0)  # 李四: one of the two owed
    assert (units[0]["total"], units[1]["total"]) == (100.0, 75.0)  # 0.5 × visits + 0.5 × 100
    cadres = {c["id"]: c["name"] for c in ranking(found.json(), "cadre")}
    assert sorted(cadres.values()) == ["孙七", "张三", "李四"]  # not 王五 of 莱山区
    assert [v["name"] for v in ranking(found.json(), "village")] == [
        "杜家村居委会",
        "芷坊居委会",
    ]
    assert [t["name"] for t in ranking(found.json(), "town")] == ["宁海街道"]

    issued = api.http.post(
        "/api/v1/assessment/circulars",
        json={"region_code": UNIT_COUNTY, "period": period},
        headers=api.auth(county),
    )
    assert issued.status_code == 201, issued.text

    def unit_text() -> str | None:
        found = [t for t in texts_to(smsc, county_mobile) if "帮扶单位排名" in t]
        return found[0] if found else None

    text = eventually(unit_text, what="the county's text of the units' ranking")
    # A short ranking: its top only, each unit named once.
    assert (
        f"{period}考核通报（帮扶单位排名，共2名）：前列 牟平区民政局（100分）、牟平区农业农村局（75分）。"
        in text
    )
    assert "莱山区人社局" not in text
    cadre_text = eventually(
        lambda: next((t for t in texts_to(smsc, county_mobile) if "干部排名" in t), None),
        what="the county's text of the cadres' ranking",
    )
    assert "张三" in cadre_text and "孙七" in cadre_text and "王五" not in cadre_text
