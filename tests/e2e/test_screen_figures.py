"""What the leaders' screen (一屏) and the one map (一张图) read that no other endpoint gives: the
shipped boundaries of a region's children, the children's figures in one answer, the alerts by
status, the text messages by status, the names of a page's regions and users; each for exactly
the caller's territory."""

from __future__ import annotations

from tests.e2e.smsc import eventually
from tests.e2e.test_needs import paired_helper
from tests.e2e.test_statistics import move, register

COUNTY = "371521000000"  # 阳谷县, used by no other test
TOWN, VILLAGE = "371521001000", "371521001001"
OTHER_COUNTY = "371502000000"


def test_the_map_draws_the_children_of_the_callers_region(api, admin_token) -> None:
    province = api.get("/api/v1/map/boundaries", admin_token)
    assert province.headers["content-type"].startswith("application/geo+json")
    cities = province.json()
    assert cities["outline"]["properties"]["name"] == "山东省"
    assert len(cities["features"]) == 16
    assert {f["properties"]["level"] for f in cities["features"]} == {"city"}
    assert "济南市" in {f["properties"]["name"] for f in cities["features"]}

    _, _, county = api.new_user(admin_token, COUNTY, "secretary")
    towns = api.get("/api/v1/map/boundaries", county).json()
    assert towns["region_code"] == COUNTY and towns["outline"]["properties"]["name"] == "阳谷县"
    children = api.get(f"/api/v1/regions/{COUNTY}/children", county, page_size=100).json()
    assert [f["id"] for f in towns["features"]] == [r["code"] for r in children["items"]]
    assert all(f["properties"]["generated"] for f in towns["features"])
    assert {f["geometry"]["type"] for f in towns["features"]} <= {"Polygon", "MultiPolygon"}

    _, _, cadre = api.new_user(admin_token, VILLAGE, "secretary")
    village = api.get("/api/v1/map/boundaries", cadre).json()
    assert village["features"] == [] and village["outline"]["id"] == TOWN
    assert api.get("/api/v1/map/boundaries", county, region_code=OTHER_COUNTY).status_code == 404
    assert api.get("/api/v1/map/boundaries", cadre, region_code=COUNTY).status_code == 404
    assert api.get("/api/v1/map/boundaries", county, region_code="37").status_code == 422


def test_the_screen_counts_alerts_and_text_messages_of_its_region(api, admin_token, smsc) -> None:
    household_id, helper = paired_helper(api, admin_token, VILLAGE)
    _, _, county = api.new_user(admin_token, COUNTY, "admin")
    _, _, other = api.new_user(admin_token, OTHER_COUNTY, "admin")
    assert api.get("/api/v1/alerts/counts", county).json() == {
        "region_code": COUNTY,
        "by_status": {},
        "open": 0,
        "overdue": 0,
    }
    body = {"household_id": household_id, "kind": "illness", "reason": "户主突发重病住院"}
    assert api.http.post("/api/v1/alerts", json=body, headers=api.auth(helper)).status_code == 201
    counted = api.get("/api/v1/alerts/counts", county).json()
    assert (counted["by_status"], counted["open"], counted["overdue"]) == ({"raised": 1}, 1, 0)
    assert api.get("/api/v1/alerts/counts", other).json()["open"] == 0
    assert api.get("/api/v1/alerts/counts", other, region_code=COUNTY).status_code == 404

    def texted() -> dict | None:  # the town was texted about the alert, users about accounts
        found = api.get("/api/v1/messages/counts", county).json()
        return found if sum(found["by_status"].values()) >= 2 else None

    messages = eventually(texted, what="the county's text messages counted")
    assert messages["region_code"] == COUNTY and messages["since"] < messages["until"]
    assert api.get("/api/v1/messages/counts", other, region_code=COUNTY).status_code == 404
    empty = api.get(
        "/api/v1/messages/counts",
        county,
        **{"from": "2020-01-01T00:00:00Z", "to": "2020-02-01T00:00:00Z"},
    ).json()
    assert empty["by_status"] == {}
    backwards = api.get(
        "/api/v1/messages/counts",
        county,
        **{"from": "2021-01-01T00:00:00Z", "to": "2020-01-01T00:00:00Z"},
    )
    assert backwards.status_code == 400


FIGURES = ("households", "people", "by_status", "poor_households", "poor_people")


def test_the_childrens_figures_in_one_answer_are_each_childs_statistics(api, admin_token) -> None:
    exited = register(api, admin_token, VILLAGE, "illness", 36.1, 115.8, people=2)
    move(api, admin_token, exited, "start_assistance", "exit")
    register(api, admin_token, "371521002001", "disability", 36.1, 115.8)
    _, _, county = api.new_user(admin_token, COUNTY, "secretary")
    _, _, other = api.new_user(admin_token, OTHER_COUNTY, "admin")

    answer = api.get("/api/v1/statistics/households/children", county).json()
    assert answer["region_code"] == COUNTY
    assert {TOWN, "371521002000"} <= {c["region_code"] for c in answer["items"]}
    for child in answer["items"]:
        own = api.get("/api/v1/statistics/households", county, region_code=child["region_code"])
        assert {k: child[k] for k in FIGURES} == {k: own.json()[k] for k in FIGURES}
    villages = api.get("/api/v1/statistics/households/children", county, region_code=TOWN).json()
    assert VILLAGE in {v["region_code"] for v in villages["items"]}
    lone = api.get("/api/v1/statistics/households/children", county, region_code=VILLAGE).json()
    assert lone["items"] == []
    refused = api.get("/api/v1/statistics/households/children", other, region_code=COUNTY)
    assert refused.status_code == 404


def test_a_page_names_only_the_regions_users_and_households_its_reader_sees(
    api, admin_token
) -> None:
    mine, _, county = api.new_user(admin_token, COUNTY, "admin")
    theirs, _, _ = api.new_user(admin_token, OTHER_COUNTY, "admin")
    asked = [VILLAGE, "371502001001", COUNTY, "370000000000"]
    regions = api.get("/api/v1/regions", county, code=asked).json()["items"]
    assert [(r["code"], r["name"]) for r in regions] == [
        (VILLAGE, regions[0]["name"]),
        (COUNTY, "阳谷县"),
        ("370000000000", "山东省"),
    ]
    users = api.get("/api/v1/users", county, id=[mine, theirs], include_disabled=True).json()
    assert [u["id"] for u in users["items"]] == [mine]
    assert "*" in api.get("/api/v1/users", admin_token, id=[theirs]).json()["items"][0]["mobile"]
    assert api.get("/api/v1/regions", county).status_code == 422  # at least one code
    assert api.get("/api/v1/users", county, id=["a" * 32] * 201).status_code == 422
    own = register(api, admin_token, VILLAGE, "illness", 36.1, 115.8)
    other = register(api, admin_token, "371502001001", "illness", 36.4, 115.9)
    listed = api.get("/api/v1/households", county, id=[own["id"], other["id"]]).json()
    assert [(h["id"], h["number"]) for h in listed["items"]] == [(own["id"], own["number"])]
    assert api.get("/api/v1/households", county, id=["a" * 32] * 201).status_code == 422
