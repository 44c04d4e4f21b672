"""What every integrator relies on: problem+json for bad input (which changes nothing),
regions, pagination limits, rate limits, idempotent writes, health and the OpenAPI document."""

from __future__ import annotations

import uuid

JINAN, LIXIA, VILLAGE = "370100000000", "370102000000", "370102001002"
PROBLEM = "application/problem+json"
RATE_LIMIT = 300  # GATEWAY_RATE_LIMIT_PER_MINUTE in conftest


def count_users(api, token) -> int:  # type: ignore[no-untyped-def]
    return len(api.get("/api/v1/users", token, page_size=200).json()["items"])


def test_bad_input_gets_a_problem_and_changes_nothing(api, admin_token) -> None:
    before = count_users(api, admin_token)
    malformed = api.http.post(
        "/api/v1/users",
        content=b"{not json",
        headers={**api.auth(admin_token), "Content-Type": "application/json"},
    )
    bad_region = api.http.post(
        "/api/v1/users",
        json={
            "mobile": api.next_mobile(),
            "name": "x",
            "region_code": "37010",
            "roles": ["helper"],
        },
        headers=api.auth(admin_token),
    )
    bad_mobile = api.http.post(
        "/api/v1/users",
        json={"mobile": "23900000000", "name": "x", "region_code": VILLAGE, "roles": ["helper"]},
        headers=api.auth(admin_token),
    )
    unknown_role = api.create_user(admin_token, VILLAGE, "emperor")
    for reply, status in (
        (malformed, 422),
        (bad_region, 422),
        (bad_mobile, 400),
        (unknown_role, 400),
    ):
        assert reply.status_code == status, reply.text
        assert reply.headers["content-type"].startswith(PROBLEM)
        body = reply.json()
        assert {"type", "title", "status", "detail", "request_id"} <= set(body) and body[
            "status"
        ] == status
        assert "Traceback" not in reply.text
    assert bad_region.json()["errors"][0]["field"].endswith("region_code")
    assert count_users(api, admin_token) == before


def test_page_size_is_capped(api, admin_token) -> None:
    reply = api.get("/api/v1/users", admin_token, page_size=201)
    assert reply.status_code == 422 and reply.headers["content-type"].startswith(PROBLEM)


def test_no_token_and_a_forged_token_are_401_problems(api) -> None:
    assert api.http.get("/api/v1/users").status_code == 401
    forged = api.get("/api/v1/users", "eyJhbGciOiJFZERTQSJ9.e30.c2lnbmF0dXJl")
    assert forged.status_code == 401 and forged.headers["content-type"].startswith(PROBLEM)
    assert forged.headers["www-authenticate"] == "Bearer"


def test_a_region_comes_with_its_ancestors_and_children(api, admin_token) -> None:
    region = api.get(f"/api/v1/regions/{LIXIA}", admin_token).json()
    assert region["name"] == "历下区" and region["level"] == "county"
    assert [a["code"] for a in region["ancestors"]] == ["370000000000", JINAN]
    children = api.get(f"/api/v1/regions/{LIXIA}/children", admin_token, page_size=200).json()[
        "items"
    ]
    assert len(children) == region["child_count"] and all(c["level"] == "town" for c in children)


def test_a_village_cadre_sees_its_ancestors_but_not_the_neighbouring_village(
    api, admin_token
) -> None:
    _, _, helper = api.new_user(admin_token, VILLAGE, "helper")
    assert api.get(f"/api/v1/regions/{JINAN}", helper).status_code == 200
    neighbour = api.get("/api/v1/regions/370102001003", helper)
    missing = api.get("/api/v1/regions/370102001999", helper)
    assert neighbour.status_code == missing.status_code == 404
    assert neighbour.json()["detail"] == missing.json()["detail"]


def test_the_same_idempotency_key_creates_one_user(api, admin_token) -> None:
    key = uuid.uuid4().hex
    body = {
        "mobile": api.next_mobile(),
        "name": "幂等",
        "region_code": VILLAGE,
        "roles": ["helper"],
    }
    headers = {**api.auth(admin_token), "Idempotency-Key": key}
    first = api.http.post("/api/v1/users", json=body, headers=headers)
    again = api.http.post("/api/v1/users", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    other = api.http.post("/api/v1/users", json={**body, "name": "别的"}, headers=headers)
    assert other.status_code == 400 and other.json()["type"].endswith("idempotency-key-reused")


def test_too_many_requests_get_429_with_retry_after(api, admin_token) -> None:
    _, _, token = api.new_user(admin_token, JINAN, "secretary")
    # Fixed one-minute windows: a run that straddles a boundary may pass up to twice the limit.
    statuses = []
    for _ in range(2 * RATE_LIMIT + 5):
        statuses.append(api.get("/api/v1/me", token).status_code)
        if statuses[-1] == 429:
            break
    assert (
        statuses[-1] == 429 and statuses.count(200) >= RATE_LIMIT - 5
    )  # its activation counted too
    limited = api.get("/api/v1/me", token)
    assert (
        limited.headers["content-type"].startswith(PROBLEM)
        and int(limited.headers["retry-after"]) >= 1
    )
    assert api.get("/api/v1/me", admin_token).status_code == 200  # others are not slowed


def test_health_readiness_and_request_ids(api) -> None:
    assert api.http.get("/healthz").json() == {"status": "ok"}
    ready = api.http.get("/readyz", headers={"X-Request-ID": "probe-1"})
    assert ready.status_code == 200 and ready.json()["checks"] == {
        "identity": True,
        "redis": True,
        "policy": True,
    }
    assert ready.headers["x-request-id"] == "probe-1"


def test_the_openapi_document_describes_problems_and_the_token_flow(api) -> None:
    spec = api.http.get("/openapi.json").json()
    assert spec["info"]["title"] == "Jingzhun API"
    responses = spec["paths"]["/api/v1/users"]["post"]["responses"]
    assert {"201", "400", "401", "403", "404", "409", "422", "429"} <= set(responses)
    assert "application/problem+json" in responses["404"]["content"]
    flows = spec["components"]["securitySchemes"]["OAuth2PasswordBearer"]["flows"]
    assert flows["password"]["tokenUrl"] == "/api/v1/auth/token"
