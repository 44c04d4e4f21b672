"""Statistics and the map of a region, for exactly the caller's territory."""

from __future__ import annotations

import itertools
import json
import time
from datetime import UTC, datetime

import pytest

from kit.id_numbers import check_character

COUNTY = "370105000000"  # 天桥区, used by no other test
PROGRESS_COUNTY = "370104000000"  # 槐荫区, used by no other test
MAP_COUNTY = "370114000000"  # 章丘区, used by no other test
_serial = itertools.count(700)


def first_village(api, token, county):  # type: ignore[no-untyped-def]
    town = api.get(f"/api/v1/regions/{county}/children", token).json()["items"][0]["code"]
    return api.get(f"/api/v1/regions/{town}/children", token).json()["items"][0]["code"]


def register(api, token, village, cause, latitude, longitude, people=1):  # type: ignore[no-untyped-def]
    members = []
    for position in range(people):
        first = f"37010519800101{next(_serial) % 1000:03d}"
        members.append(
            {
                "name": f"成员{position}",
                "id_number": first + check_character(first),
                "relation": "head" if position == 0 else "child",
            }
        )
    body = {
        "number": f"ST-{time.time_ns()}",
        "village_code": village,
        "attribute": "general",
        "main_cause": cause,
        "latitude": latitude,
        "longitude": longitude,
        "members": members,
    }
    reply = api.http.post("/api/v1/households", json=body, headers=api.auth(token))
    assert reply.status_code == 201, reply.text
    return reply.json()


def test_a_county_sees_its_counts_and_its_map(api, admin_token) -> None:
    village = first_village(api, admin_token, COUNTY)
    a = register(api, admin_token, village, "illness", 36.70, 117.00, people=3)
    register(api, admin_token, village, "disability", 36.71, 117.01, people=2)
    register(api, admin_token, village, "illness", 36.90, 117.30)
    for action in ("start_assistance", "exit"):
        api.http.post(
            f"/api/v1/households/{a['id']}/transitions",
            json={"action": action, "reason": "核实"},
            headers=api.auth(admin_token),
        )
    _, _, county_admin = api.new_user(admin_token, COUNTY, "secretary")
    stats = api.get("/api/v1/statistics/households", county_admin).json()
    assert (stats["region_code"], stats["households"], stats["people"]) == (COUNTY, 3, 6)
    assert stats["by_main_cause"] == {"illness": 2, "disability": 1}
    assert stats["by_status"] == {"identified": 2, "exited": 1}
    assert sum(stats["exits_by_year"].values()) == 1
    near = api.get("/api/v1/map/households", county_admin, bbox="116.95,36.65,117.05,36.75")
    assert near.headers["content-type"].startswith("application/geo+json")
    points = near.json()["features"]
    assert len(points) == 2 and all(f["geometry"]["type"] == "Point" for f in points)
    assert api.get("/api/v1/map/households", county_admin, bbox="117,36").status_code == 400


def move(api, token, household, *actions, **extra):  # type: ignore[no-untyped-def]
    for action in actions:
        reply = api.http.post(
            f"/api/v1/households/{household['id']}/transitions",
            json={"action": action, "reason": "核实", **extra},
            headers=api.auth(token),
        )
        assert reply.status_code == 200, reply.text


def test_trends_incidence_and_exit_progress_follow_the_lifecycle(api, admin_token) -> None:
    village = first_village(api, admin_token, PROGRESS_COUNTY)
    returned = register(api, admin_token, village, "illness", 36.6, 116.9, people=2)
    unstable = register(api, admin_token, village, "illness", 36.6, 116.9)
    register(api, admin_token, village, "schooling", 36.6, 116.9, people=3)
    move(api, admin_token, returned, "start_assistance", "exit", "return_to_poverty")
    move(api, admin_token, unstable, "start_assistance", "exit")
    move(api, admin_token, unstable, "start_monitoring", monitoring_category="unstable_exited")
    _, _, county_admin = api.new_user(admin_token, PROGRESS_COUNTY, "secretary")

    stats = api.get("/api/v1/statistics/households", county_admin).json()
    # poor: the returned household (2 people) and the one never assisted (3 people)
    assert (stats["poor_households"], stats["poor_people"], stats["exited_households"]) == (2, 5, 1)
    assert stats["exit_rate"] == pytest.approx(1 / 3) and stats["incidence"] is None
    with_population = api.get("/api/v1/statistics/households", county_admin, population=50)
    assert with_population.json()["incidence"] == pytest.approx(0.1)
    zero = api.get("/api/v1/statistics/households", county_admin, population=0)
    assert zero.status_code == 422 and zero.headers["content-type"] == "application/problem+json"

    now = datetime.now(UTC)
    counts = {"registered": 3, "exited": 2, "returned_to_poverty": 1, "entered_monitoring": 1}
    yearly = api.get("/api/v1/statistics/households/trends", county_admin).json()
    assert yearly == {
        "region_code": PROGRESS_COUNTY,
        "period": "year",
        "items": [{"period": f"{now:%Y}", **counts}],
    }
    town = village[:9] + "000"
    monthly = api.get(
        "/api/v1/statistics/households/trends", county_admin, region_code=town, period="month"
    ).json()
    assert monthly["items"] == [{"period": f"{now:%Y-%m}", **counts}]


def test_villages_and_polygons_on_the_map(api, admin_token) -> None:
    town = api.get(f"/api/v1/regions/{MAP_COUNTY}/children", admin_token).json()["items"][0]
    villages = api.get(f"/api/v1/regions/{town['code']}/children", admin_token).json()["items"]
    a, b = villages[0]["code"], villages[1]["code"]
    inner = register(api, admin_token, a, "illness", 36.70, 117.00)
    outer = register(api, admin_token, a, "illness", 36.72, 117.10)
    register(api, admin_token, b, "illness", 36.80, 117.30)
    move(api, admin_token, outer, "start_assistance")
    _, _, county_admin = api.new_user(admin_token, MAP_COUNTY, "secretary")

    grouped = api.get("/api/v1/map/households", county_admin, aggregate="village").json()
    first, second = grouped["features"]
    assert first["geometry"]["coordinates"] == pytest.approx([117.05, 36.71])
    assert first["properties"] == {
        "village_code": a,
        "households": 2,
        "by_status": {"identified": 1, "under_assistance": 1},
        "is_poor_village": False,  # no village record says 贫困村
        "has_exited": False,
    }
    assert (second["properties"]["village_code"], second["properties"]["households"]) == (b, 1)

    # a triangle whose box holds both households of village a; only one lies inside it
    polygon = json.dumps(
        {
            "type": "Polygon",
            "coordinates": [[[116.95, 36.65], [117.15, 36.65], [116.95, 36.75], [116.95, 36.65]]],
        }
    )
    found = api.get("/api/v1/map/households", county_admin, polygon=polygon).json()
    assert [f["id"] for f in found["features"]] == [inner["id"]]
    grouped = api.get(
        "/api/v1/map/households", county_admin, polygon=polygon, aggregate="village"
    ).json()
    assert [f["properties"]["households"] for f in grouped["features"]] == [1]
    assert grouped["features"][0]["geometry"]["coordinates"] == pytest.approx([117.00, 36.70])

    bow_tie = json.dumps(
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    )
    for bad in ("{not json", bow_tie):
        refused = api.get("/api/v1/map/households", county_admin, polygon=bad)
        assert refused.status_code == 400
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["type"] == "urn:jingzhun:problem:invalid-polygon"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/statistics/households",
        "/api/v1/statistics/households/trends",
        "/api/v1/map/households",
    ],
)
def test_another_countys_figures_look_like_a_region_that_does_not_exist(
    api, admin_token, path
) -> None:
    _, _, county_admin = api.new_user(admin_token, COUNTY, "secretary")

    def problem(region_code: str) -> dict:
        reply = api.get(path, county_admin, region_code=region_code)
        assert reply.status_code == 404
        return {k: v for k, v in reply.json().items() if k != "request_id"}

    assert problem("370102000000") == problem("370199000000")
