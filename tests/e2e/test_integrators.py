"""Integrator systems: OAuth2 client credentials bound to one region and a set of scopes."""

from __future__ import annotations

import base64

QINGDAO, JINAN = "370200000000", "370100000000"


def test_a_client_reads_its_region_within_its_scopes_and_nothing_else(api, admin_token) -> None:
    created = api.http.post(
        "/api/v1/clients",
        json={"name": "青岛市大屏", "region_code": QINGDAO, "scopes": ["regions:read"]},
        headers=api.auth(admin_token),
    )
    assert created.status_code == 201, created.text
    client_id, secret = created.json()["client"]["client_id"], created.json()["client_secret"]
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    reply = api.http.post(
        "/api/v1/auth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert reply.status_code == 200 and reply.json()["scope"] == "regions:read"
    assert "refresh_token" not in reply.json()
    token = reply.json()["access_token"]
    assert api.get(f"/api/v1/regions/{QINGDAO}", token).status_code == 200
    assert api.get(f"/api/v1/regions/{JINAN}", token).status_code == 404
    assert api.get("/api/v1/users", token).status_code == 403
    too_much = api.http.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
            "scope": "users:read",
        },
    )
    assert too_much.status_code == 400 and too_much.json()["error"] == "invalid_scope"
    wrong = api.http.post(
        "/api/v1/auth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": "guess"},
    )
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    api.http.post(f"/api/v1/clients/{client_id}/disable", headers=api.auth(admin_token))
    assert api.get(f"/api/v1/regions/{QINGDAO}", token).status_code == 401
