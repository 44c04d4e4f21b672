"""Statistics and the map of a region, for exactly the caller's territory."""

from __future__ import annotations

import itertools
import time

from kit.id_numbers import check_character

COUNTY = "370105000000"  # 天桥区, used by no other test
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


def test_statistics_outside_the_territory_are_not_found(api, admin_token) -> None:
    _, _, county_admin = api.new_user(admin_token, COUNTY, "secretary")
    assert (
        api.get(
            "/api/v1/statistics/households", county_admin, region_code="370102000000"
        ).status_code
        == 404
    )
