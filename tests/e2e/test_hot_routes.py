"""The hottest reads (a region, a household) skip FastAPI's routing and dependency solving
(gateway/hot_routes.py), yet answer exactly as every other route does: the same bodies, the
same problems for every refusal, the request id, and FastAPI's own 422 for a bad path."""

from __future__ import annotations

import secrets

from tests.e2e.test_households import new_household

COUNTY, TOWN, VILLAGE = "370102000000", "370102001000", "370102001002"
OTHER_COUNTY = "370103000000"


def without_instance(problem: dict) -> dict:
    return {k: v for k, v in problem.items() if k not in ("instance", "request_id")}


def test_a_region_read_gives_what_its_parents_listing_gives_and_its_ancestors(
    api, admin_token
) -> None:
    listed = api.get(f"/api/v1/regions/{COUNTY}/children", admin_token, page_size=200).json()
    town = next(r for r in listed["items"] if r["code"] == TOWN)
    read = api.get(f"/api/v1/regions/{TOWN}", admin_token)
    assert read.status_code == 200
    assert {**read.json(), "ancestors": []} == town  # a listing names no ancestors
    assert [a["code"] for a in read.json()["ancestors"]] == ["370000000000", "370100000000", COUNTY]
    assert read.headers["content-type"] == "application/json"
    assert read.headers["x-request-id"]


def test_refusals_are_the_same_problems_as_on_any_route(api, admin_token) -> None:
    hot = api.http.get(f"/api/v1/regions/{TOWN}")
    other = api.http.get(f"/api/v1/regions/{TOWN}/children")
    assert hot.status_code == other.status_code == 401
    assert hot.headers["www-authenticate"] == other.headers["www-authenticate"] == "Bearer"
    assert hot.headers["content-type"] == "application/problem+json"
    assert without_instance(hot.json()) == without_instance(other.json())
    asked = {"X-Request-ID": "hot-route-check-1"}
    with_id = api.http.get(f"/api/v1/regions/{TOWN}", headers=asked)
    assert with_id.json()["request_id"] == with_id.headers["x-request-id"] == "hot-route-check-1"
    assert with_id.json()["instance"] == f"/api/v1/regions/{TOWN}"

    bad = api.http.get("/api/v1/regions/37010", headers=api.auth(admin_token))
    bad_child = api.http.get("/api/v1/regions/37010/children", headers=api.auth(admin_token))
    assert bad.status_code == bad_child.status_code == 422
    assert without_instance(bad.json()) == without_instance(bad_child.json())


def test_a_household_out_of_scope_looks_like_none_and_a_cadre_needs_the_function(
    api, admin_token
) -> None:
    created = new_household(api, admin_token, village=VILLAGE)
    assert created.status_code == 201, created.text
    path = f"/api/v1/households/{created.json()['id']}"
    assert api.get(path, admin_token).json() == created.json()

    _, _, other_officer = api.new_user(admin_token, OTHER_COUNTY, "info_officer")
    out_of_scope = api.get(path, other_officer)
    missing = api.get(f"/api/v1/households/{secrets.token_hex(16)}", other_officer)
    assert out_of_scope.status_code == missing.status_code == 404
    assert without_instance(out_of_scope.json()) == without_instance(missing.json())

    _, _, integrator_less = api.new_user(admin_token, COUNTY, "training_institution")
    refused = api.get(path, integrator_less)
    listing = api.get("/api/v1/households", integrator_less, region_code=VILLAGE)
    assert refused.status_code == listing.status_code == 403
    assert without_instance(refused.json()) == without_instance(listing.json())
