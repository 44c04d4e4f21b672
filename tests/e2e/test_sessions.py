"""Logging in, the forced first password change, lockout, refresh rotation, and revocation
that takes effect on the very next request."""

from __future__ import annotations

import redis

from devstack.platform import LocalPlatform

JINAN = "370100000000"


def test_the_initial_password_only_opens_the_password_change(api, admin_token) -> None:
    mobile = api.next_mobile()
    created = api.create_user(admin_token, JINAN, "secretary", mobile=mobile).json()
    first = api.token(mobile, created["initial_password"]).json()
    assert first["must_change_password"] is True
    blocked = api.get("/api/v1/users", first["access_token"])
    assert blocked.status_code == 403 and blocked.json()["type"].endswith(
        "password-change-required"
    )
    assert api.get("/api/v1/me", first["access_token"]).status_code == 200
    weak = api.http.post(
        "/api/v1/auth/password",
        json={"current_password": created["initial_password"], "new_password": "short"},
        headers=api.auth(first["access_token"]),
    )
    assert weak.status_code == 400 and weak.json()["errors"]
    token = api.activate(mobile, created["initial_password"])
    assert api.get("/api/v1/users", token).status_code == 200


def test_repeated_failures_lock_the_account_even_against_the_right_password(
    api, admin_token
) -> None:
    mobile = api.next_mobile()
    created = api.create_user(admin_token, JINAN, "secretary", mobile=mobile).json()
    for _ in range(3):
        wrong = api.token(mobile, "not-the-password-1")
        assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    locked = api.token(mobile, created["initial_password"])
    assert locked.status_code == 400 and locked.json()["type"].endswith("account-locked")
    user = api.get(f"/api/v1/users/{created['user']['id']}", admin_token).json()
    assert user["locked"] is True
    reset = api.http.post(
        f"/api/v1/users/{created['user']['id']}/password-reset", headers=api.auth(admin_token)
    )
    assert api.token(mobile, reset.json()["initial_password"]).status_code == 200


def test_logout_ends_the_session_on_the_next_request(api, admin_token) -> None:
    _, _, token = api.new_user(admin_token, JINAN, "secretary")
    assert api.get("/api/v1/me", token).status_code == 200
    assert api.http.post("/api/v1/auth/logout", headers=api.auth(token)).status_code == 204
    after = api.get("/api/v1/me", token)
    assert after.status_code == 401 and after.json()["type"].endswith("token-revoked")


def test_a_password_change_voids_older_tokens(api, admin_token) -> None:
    _, mobile, token = api.new_user(admin_token, JINAN, "secretary")
    other_device = api.login(mobile, "Passw0rd-for-e2e")
    changed = api.http.post(
        "/api/v1/auth/password",
        json={"current_password": "Passw0rd-for-e2e", "new_password": "An0ther-passw0rd"},
        headers=api.auth(token),
    )
    assert changed.status_code == 200
    assert api.get("/api/v1/me", other_device).status_code == 401
    assert api.get("/api/v1/me", changed.json()["access_token"]).status_code == 200


def test_disabling_a_user_stops_their_token_at_once(api, admin_token) -> None:
    user_id, mobile, token = api.new_user(admin_token, JINAN, "secretary")
    assert api.get("/api/v1/users", token).status_code == 200
    api.http.patch(
        f"/api/v1/users/{user_id}", json={"disabled": True}, headers=api.auth(admin_token)
    )
    assert api.get("/api/v1/users", token).status_code == 401
    assert api.token(mobile, "Passw0rd-for-e2e").status_code == 400


def test_revoking_a_role_takes_effect_on_the_next_request(api, admin_token) -> None:
    user_id, mobile, token = api.new_user(admin_token, JINAN, "admin")
    assert api.create_user(token, "370102000000", "helper").status_code == 201
    api.http.patch(
        f"/api/v1/users/{user_id}", json={"roles": ["secretary"]}, headers=api.auth(admin_token)
    )
    assert api.create_user(token, "370102000000", "helper").status_code == 401
    fresh = api.login(mobile, "Passw0rd-for-e2e")
    assert api.create_user(fresh, "370102000000", "helper").status_code == 403


def test_refresh_tokens_rotate_and_a_replayed_one_ends_the_session(api, admin_token) -> None:
    _, mobile, _ = api.new_user(admin_token, JINAN, "secretary")
    first = api.token(mobile, "Passw0rd-for-e2e").json()
    refresh = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    second = api.http.post("/api/v1/auth/token", data=refresh)
    assert second.status_code == 200 and second.json()["refresh_token"] != first["refresh_token"]
    replay = api.http.post("/api/v1/auth/token", data=refresh)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert api.get("/api/v1/me", second.json()["access_token"]).status_code == 401
    rotated = {"grant_type": "refresh_token", "refresh_token": second.json()["refresh_token"]}
    assert api.http.post("/api/v1/auth/token", data=rotated).status_code == 400


def test_revocations_survive_a_redis_that_lost_its_data(
    api, admin_token, platform: LocalPlatform
) -> None:
    user_id, _, token = api.new_user(admin_token, JINAN, "secretary")
    api.http.patch(
        f"/api/v1/users/{user_id}", json={"disabled": True}, headers=api.auth(admin_token)
    )
    client = redis.Redis.from_url(platform.config.redis_url)
    prefix = platform.config.redis_prefix
    client.delete(
        *client.keys(f"{prefix}rev:*")
    )  # as after a restart of a Redis that keeps nothing
    assert api.get("/api/v1/me", token).status_code == 401
    assert api.get("/api/v1/me", admin_token).status_code == 200
    assert client.exists(f"{prefix}rev:ready")
