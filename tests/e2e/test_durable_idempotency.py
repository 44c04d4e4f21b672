"""Idempotency-Key survives Redis: a POST, then the platform's own Redis flushed, then the same
POST retried answers with the first response and writes (and texts) nothing twice, because
the service that owns the write kept the key in its own database; the same key with another
body is still refused."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from devstack.platform import LocalPlatform
from kit.id_numbers import check_character
from tests.e2e.harness import Api, OwnRedis
from tests.e2e.smsc import SmscThread, eventually

pytestmark = pytest.mark.e2e

COUNTY, VILLAGE = "370305000000", "370305003009"


@pytest.fixture(scope="module")
def own_api(own_redis_platform: LocalPlatform) -> Iterator[Api]:
    with httpx.Client(base_url=own_redis_platform.config.gateway_url, timeout=30) as http:
        yield Api(http)


@pytest.fixture(scope="module")
def admin(own_redis_platform: LocalPlatform, own_api: Api) -> str:
    created = own_redis_platform.bootstrap_admin("13822220000", "省管理员")
    return own_api.activate("13822220000", created["initial_password"])


def post_twice_around_a_flush(
    api: Api, redis: OwnRedis, path: str, token: str, body: dict
) -> tuple[httpx.Response, httpx.Response]:
    headers = {**api.auth(token), "Idempotency-Key": uuid.uuid4().hex}
    first = api.http.post(path, json=body, headers=headers)
    assert first.status_code in (200, 201), first.text
    redis.flush()  # the gateway's copy of the key, and everything else in Redis, gone
    again = api.http.post(path, json=body, headers=headers)
    return first, again


def test_a_retried_task_after_a_flush_is_one_task_and_one_text(
    own_api: Api, admin: str, own_redis: OwnRedis, smsc: SmscThread
) -> None:
    _, _, county = own_api.new_user(admin, COUNTY, "admin")
    helper_id, helper_mobile, _ = own_api.new_user(admin, VILLAGE, "helper")
    title = f"核实收入{time.time_ns() % 100000}"
    body = {
        "kind": "verify_data",
        "title": title,
        "due_at": (datetime.now(UTC) + timedelta(days=2)).isoformat(),
        "assignee_ids": [helper_id],
    }
    first, again = post_twice_around_a_flush(own_api, own_redis, "/api/v1/tasks", county, body)

    assert again.status_code == first.status_code and again.json() == first.json()
    mine = own_api.get("/api/v1/tasks", county, scope="assigned_by_me").json()["items"]
    assert [t["id"] for t in mine] == [first.json()["id"]]
    marker = {**body, "title": f"{title}之后"}  # texted after the retry: once it is there,
    assert own_api.http.post("/api/v1/tasks", json=marker, headers=own_api.auth(county)).is_success
    eventually(lambda: smsc.texts_to(helper_mobile, marker["title"]), what="the later task's text")
    assert len([t for t in smsc.texts_to(helper_mobile, title) if marker["title"] not in t]) == 1


def test_a_retried_user_after_a_flush_is_one_account_and_one_welcome(
    own_api: Api, admin: str, own_redis: OwnRedis, smsc: SmscThread
) -> None:
    mobile = own_api.next_mobile()
    body = {"mobile": mobile, "name": "测试用户", "region_code": VILLAGE, "roles": ["helper"]}
    first, again = post_twice_around_a_flush(own_api, own_redis, "/api/v1/users", admin, body)

    assert again.status_code == 201 and again.json() == first.json()
    eventually(lambda: smsc.texts_to(mobile), what="the welcome")
    assert own_api.login(mobile, first.json()["initial_password"])
    assert len(smsc.texts_to(mobile)) == 1


def test_a_retried_household_after_a_flush_is_one_household(
    own_api: Api, admin: str, own_redis: OwnRedis
) -> None:
    head = f"37030519650304{time.time_ns() % 900 + 100:03d}"
    body = {
        "number": f"HH-{time.time_ns()}",
        "village_code": VILLAGE,
        "attribute": "general",
        "main_cause": "illness",
        "members": [
            {"name": "张三", "id_number": head + check_character(head), "relation": "head"}
        ],
    }
    first, again = post_twice_around_a_flush(own_api, own_redis, "/api/v1/households", admin, body)

    assert again.status_code == 201 and again.json() == first.json()
    listed = own_api.get("/api/v1/households", admin, region_code=VILLAGE, page_size=200).json()
    assert [h["id"] for h in listed["items"] if h["number"] == body["number"]] == [
        first.json()["id"]
    ]


def test_the_same_key_for_another_request_after_a_flush_is_refused_and_changes_nothing(
    own_api: Api, admin: str, own_redis: OwnRedis
) -> None:
    key = uuid.uuid4().hex
    headers = {**own_api.auth(admin), "Idempotency-Key": key}
    body = {
        "mobile": own_api.next_mobile(),
        "name": "测试",
        "region_code": VILLAGE,
        "roles": ["helper"],
    }
    assert own_api.http.post("/api/v1/users", json=body, headers=headers).status_code == 201
    own_redis.flush()
    before = own_api.get("/api/v1/users", admin, region_code=VILLAGE, page_size=200).json()
    other = {**body, "mobile": own_api.next_mobile()}
    refused = own_api.http.post("/api/v1/users", json=other, headers=headers)

    assert refused.status_code == 400, refused.text
    assert refused.json()["type"] == "urn:jingzhun:problem:idempotency-key-reused"
    after = own_api.get("/api/v1/users", admin, region_code=VILLAGE, page_size=200).json()
    assert after["items"] == before["items"]
