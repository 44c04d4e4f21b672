"""The leaders' screen (一屏) and the one map (一张图) in a real browser: the screen's figures are the
statistics API's, drilled down to the village, its children's from one call; the map's selection
(typed box, drawn polygon) is the map API's answer; a village cadre's pages, on a phone, show
nothing of another village."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from playwright.sync_api import expect
from shapely.geometry import shape

from tests.browser.console_pages import screenshot, sign_in
from tests.e2e.harness import STRONG_PASSWORD, Api
from tests.e2e.test_statistics import move, register

COUNTY = "371522000000"  # 莘县, used by no other test
CADRE_COUNTY = "371524000000"  # 东阿县, used by no other test


def account(api: Api, admin_token: str, region: str, role: str) -> str:
    """The mobile of a new, activated account (its password: STRONG_PASSWORD)."""
    mobile = api.next_mobile()
    reply = api.create_user(admin_token, region, role, mobile=mobile)
    assert reply.status_code == 201, reply.text
    api.activate(mobile, reply.json()["initial_password"])
    return mobile


def towns_with_a_point(api: Api, token: str, county: str) -> list[tuple[str, str, float, float]]:
    """(town, its first village, latitude, longitude inside the town's cell) of two towns."""
    cells = api.get("/api/v1/map/boundaries", token, region_code=county).json()["features"]
    found = []
    for cell in cells[:2]:
        inside = shape(cell["geometry"]).representative_point()
        villages = api.get(f"/api/v1/regions/{cell['id']}/children", token).json()["items"]
        found.append((cell["id"], villages[0]["code"], round(inside.y, 5), round(inside.x, 5)))
    return found


def figures(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    tiles = page.locator("[data-figure]")
    return {
        tiles.nth(i).get_attribute("data-figure"): tiles.nth(i).inner_text()
        for i in range(tiles.count())
    }


def expected_figures(api: Api, token: str, region: str, since: str) -> dict[str, str]:
    stats = api.get("/api/v1/statistics/households", token, region_code=region).json()
    needs = api.get("/api/v1/needs/menu", token, region_code=region).json()
    alerts = api.get("/api/v1/alerts/counts", token, region_code=region).json()
    visits = api.get("/api/v1/visits/frequency", token, region_code=region, **{"from": since})
    messages = api.get("/api/v1/messages/counts", token, region_code=region, **{"from": since})
    incidence = stats["incidence"]
    return {
        "poor_households": str(stats["poor_households"]),
        "poor_people": str(stats["poor_people"]),
        "incidence": "—" if incidence is None else f"{incidence * 100:.2f}%",
        "exited_households": str(stats["exited_households"]),
        "monitored_households": str(stats["by_status"].get("monitored", 0)),
        "needs_open": str(needs["open"]),
        "needs_overdue": str(needs["overdue"]),
        "alerts_open": str(alerts["open"]),
        "visits_month": str(visits.json()["visits"]),
        "sms_delivered_month": str(messages.json()["by_status"].get("delivered", 0)),
    }


def test_the_screens_figures_are_the_statistics_apis_down_to_the_village(
    page, api, admin_token
) -> None:
    (town, village, lat, lon), (other_town, _, lat2, lon2) = towns_with_a_point(
        api, admin_token, COUNTY
    )
    exited = register(api, admin_token, village, "illness", lat, lon, people=3)
    move(api, admin_token, exited, "start_assistance", "exit")
    register(api, admin_token, village, "disability", lat, lon, people=2)
    other_village = api.get(f"/api/v1/regions/{other_town}/children", admin_token).json()["items"][
        0
    ]
    register(api, admin_token, other_village["code"], "illness", lat2, lon2)
    mobile = account(api, admin_token, COUNTY, "secretary")
    token = api.login(mobile, STRONG_PASSWORD)

    sign_in(page, mobile, STRONG_PASSWORD)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto("/console/#/screen")
    expect(page.get_by_role("heading", name="一屏 · 莘县")).to_be_visible()
    expect(page.locator("#screen-children")).to_be_visible()
    since = page.locator("[data-since]").get_attribute("data-since")
    assert figures(page) == expected_figures(api, token, COUNTY, since)
    assert figures(page)["poor_households"] == "2"
    assert figures(page)["sms_delivered_month"] != "—"  # a secretary reads the messages' counts
    statistics_calls = [url for url in asked if "/api/v1/statistics/households" in url]
    assert len(statistics_calls) == 2, statistics_calls  # the county's, and all its towns' at once
    assert children_rows(page) == expected_children(api, token, COUNTY)
    screenshot(page, "leaders-screen")

    page.locator("#screen-children").get_by_role("link").first.click()
    expect(page.locator("#screen-figures")).to_have_attribute("data-region", town)
    expect(page.locator("#screen-children")).to_be_visible()
    assert figures(page) == expected_figures(api, token, town, since)
    page.locator(f"#screen-children tr[data-code='{village}']").get_by_role("link").click()
    expect(page.locator("#screen-figures")).to_have_attribute("data-region", village)
    assert figures(page) == expected_figures(api, token, village, since)
    assert (figures(page)["poor_households"], figures(page)["exited_households"]) == ("1", "1")
    expect(page.get_by_role("navigation", name="区划层级")).to_contain_text("莘县")


def children_rows(page) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    rows = page.locator("#screen-children tbody tr")
    return {
        rows.nth(i).get_attribute("data-code"): rows.nth(i).locator("td").all_inner_texts()
        for i in range(rows.count())
    }


def expected_children(api: Api, token: str, region: str) -> dict[str, list[str]]:
    """Each live child's households, poor households and people, exited and monitored: from
    its own statistics answer."""
    children = api.get(f"/api/v1/regions/{region}/children", token, page_size=200).json()["items"]
    found = {}
    for child in (c for c in children if not c["retired"]):
        stats = api.get("/api/v1/statistics/households", token, region_code=child["code"]).json()
        found[child["code"]] = [
            str(stats[name])
            for name in ("households", "poor_households", "poor_people", "exited_households")
        ] + [str(stats["by_status"].get("monitored", 0))]
    return found


def selected_ids(page) -> list[str]:  # type: ignore[no-untyped-def]
    rows = page.locator("#selection-list tbody tr")
    return [rows.nth(i).get_attribute("data-id") for i in range(rows.count())]


def map_answer(api: Api, token: str, page) -> list[str]:  # type: ignore[no-untyped-def]
    """The map API's answer to the query the page made (its parameters are on the page)."""
    query = dict(parse_qsl(page.locator("#map-selection").get_attribute("data-query")))
    return [f["id"] for f in api.get("/api/v1/map/households", token, **query).json()["features"]]


DRAW = """async ([ring]) => {
  const echarts = await import('/console/vendor/echarts-6.1.0.esm.min.js');
  const chart = echarts.getInstanceByDom(document.getElementById('map-canvas'));
  const area = { geoIndex: 0, brushType: 'polygon', coordRange: ring };
  chart.dispatchAction({ type: 'brush', areas: [area] });
  chart.dispatchAction({ type: 'brushEnd', areas: [area] });
}"""


def test_the_maps_selection_is_the_map_apis_answer(page, api, admin_token) -> None:
    (_, village, lat, lon), (_, other, lat2, lon2) = towns_with_a_point(api, admin_token, COUNTY)
    near = [register(api, admin_token, village, "illness", lat, lon)["id"] for _ in range(2)]
    far = register(api, admin_token, other, "illness", lat2, lon2)["id"]
    mobile = account(api, admin_token, COUNTY, "secretary")
    token = api.login(mobile, STRONG_PASSWORD)

    sign_in(page, mobile, STRONG_PASSWORD)
    page.goto("/console/#/map")
    expect(page.locator("#map-canvas[data-ready]")).to_be_visible()
    expect(page.get_by_text("乡镇边界为示意")).to_be_visible()
    page.get_by_label("西（经度）").fill(str(lon - 0.001))
    page.get_by_label("南（纬度）").fill(str(lat - 0.001))
    page.get_by_label("东（经度）").fill(str(lon + 0.001))
    page.get_by_label("北（纬度）").fill(str(lat + 0.001))
    page.get_by_role("button", name="选择此范围").click()
    expect(page.locator("#selection-list")).to_be_visible()
    box = selected_ids(page)
    assert set(near) <= set(box) and far not in box and box == map_answer(api, token, page)
    expect(page.locator("#selection-stats")).to_have_attribute("data-items", str(len(box)))

    ring = [[lon2 - 0.002, lat2 - 0.002], [lon2 + 0.002, lat2 - 0.002], [lon2, lat2 + 0.002]]
    page.evaluate(DRAW, [ring])
    expect(page.locator("#selection-list")).to_contain_text(far)
    drawn = selected_ids(page)
    assert far in drawn and not set(near) & set(drawn) and drawn == map_answer(api, token, page)
    assert "polygon" in page.locator("#map-selection").get_attribute("data-query")
    screenshot(page, "one-map")

    page.get_by_label("区域着色").select_option("poor_households")
    expect(page).to_have_url(re.compile(r"colour=poor_households"))
    expect(page.locator("#map-canvas[data-ready]")).to_be_visible()


def test_a_village_cadre_sees_only_their_village(page, api, admin_token) -> None:
    town = api.get(f"/api/v1/regions/{CADRE_COUNTY}/children", admin_token).json()["items"][0]
    mine, theirs = api.get(f"/api/v1/regions/{town['code']}/children", admin_token).json()["items"][
        :2
    ]
    register(api, admin_token, mine["code"], "illness", 36.3, 116.2)
    for _ in range(3):
        register(api, admin_token, theirs["code"], "illness", 36.31, 116.21)
    mobile = account(api, admin_token, mine["code"], "secretary")

    page.set_viewport_size({"width": 390, "height": 844})  # on a phone's browser
    sign_in(page, mobile, STRONG_PASSWORD)
    page.goto("/console/#/screen")
    expect(page.locator("#screen-figures")).to_have_attribute("data-region", mine["code"])
    assert figures(page)["poor_households"] == "1"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390  # no sideways scroll
    screenshot(page, "leaders-screen-phone")
    expect(page.locator("#screen-children")).to_have_count(0)
    assert theirs["name"] not in page.locator("main").inner_text()

    page.goto("/console/#/map")
    expect(page.locator("#map-canvas[data-ready]")).to_be_visible()
    expect(page.locator("#map-canvas")).to_have_attribute("aria-label", re.compile(r"1 个农户点位"))
    page.get_by_label("西（经度）").fill("116")
    page.get_by_label("南（纬度）").fill("36")
    page.get_by_label("东（经度）").fill("117")
    page.get_by_label("北（纬度）").fill("37")
    page.get_by_role("button", name="选择此范围").click()
    expect(page.locator("#selection-list tbody tr")).to_have_count(1)
    assert page.locator("#map-canvas").bounding_box()["width"] <= 390

    for route in ("screen", "map"):
        page.goto(f"/console/#/{route}?region={theirs['code']}")
        expect(page.get_by_role("alert")).to_be_visible()
        expect(page.locator("[data-figure], #map-canvas")).to_have_count(0)
