"""Idempotency-Key survives Redis: a POST, then the platform's own Redis flushed, then the same
POST retried answers with the first response and writes (and texts) nothing twice, because
the service that owns the write kept the key in its own database; the same key with another
body is still refused."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from kit.id_numbers import check_character
from tests.e2e.harness import Api, OwnPlatform, OwnRedis
from tests.e2e.smsc import SmscThread, eventually

pytestmark = pytest.mark.e2e

COUNTY, TOWN, VILLAGE = "370305000000", "370305003000", "370305003009"
TODAY = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture(scope="module")
def admin(own_redis_platform: OwnPlatform, own_api: Api) -> str:
    created = own_redis_platform.local.bootstrap_admin("13822220000", "省管理员")
    return own_api.activate("13822220000", created["initial_password"])


def post_twice_around_a_flush(
    api: Api, redis: OwnRedis, path: str, token: str, body: dict | None
) -> tuple[httpx.Response, httpx.Response]:
    headers = {**api.auth(token), "Idempotency-Key": uuid.uuid4().hex}
    first = api.http.post(path, json=body, headers=headers)
    assert first.status_code in (200, 201), first.text
    redis.flush()  # the gateway's copy of the key, and everything else in Redis, gone
    again = api.http.post(path, json=body, headers=headers)
    return first, again


def test_a_retried_task_after_a_flush_is_one_task_and_one_text(
    own_api: Api, admin: str, own_redis: OwnRedis, own_smsc: SmscThread
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
    eventually(
        lambda: own_smsc.texts_to(helper_mobile, marker["title"]), what="the later task's text"
    )
    assert (
        len([t for t in own_smsc.texts_to(helper_mobile, title) if marker["title"] not in t]) == 1
    )


def test_a_retried_user_after_a_flush_is_one_account_and_one_welcome(
    own_api: Api, admin: str, own_redis: OwnRedis, own_smsc: SmscThread
) -> None:
    mobile = own_api.next_mobile()
    body = {"mobile": mobile, "name": "测试用户", "region_code": VILLAGE, "roles": ["helper"]}
    first, again = post_twice_around_a_flush(own_api, own_redis, "/api/v1/users", admin, body)

    assert again.status_code == 201 and again.json() == first.json()
    eventually(lambda: own_smsc.texts_to(mobile), what="the welcome")
    assert own_api.login(mobile, first.json()["initial_password"])
    assert len(own_smsc.texts_to(mobile)) == 1


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


def id_number(first_six: str, born: str) -> str:
    first = f"{first_six}{born}{time.time_ns() % 900 + 100:03d}"
    return first + check_character(first)


@dataclass(frozen=True)
class World:
    """What the keyed routes need: accounts of each role, a paired household, a course."""

    admin: str
    county: str
    helper: str
    household_id: str
    team: str
    institution: str
    course_id: str
    trainee: str
    candidate: str
    applicant: str  # a training institution still to apply
    user_id: str


@pytest.fixture(scope="module")
def world(own_api: Api, admin: str) -> World:
    api = own_api

    def ok(reply: httpx.Response) -> dict:
        assert reply.is_success, reply.text
        return reply.json()

    def post(path: str, token: str, body: dict) -> dict:
        return ok(api.http.post(path, json=body, headers=api.auth(token)))

    _, _, county = api.new_user(admin, COUNTY, "admin")
    helper_id, _, helper = api.new_user(admin, VILLAGE, "helper")
    household = post(
        "/api/v1/households",
        admin,
        {
            "number": f"ID-{time.time_ns()}",
            "village_code": VILLAGE,
            "latitude": 36.82,
            "longitude": 118.3,
            "attribute": "general",
            "main_cause": "illness",
            "members": [
                {"name": "户主", "id_number": id_number("370305", "19700101"), "relation": "head"}
            ],
        },
    )
    post(f"/api/v1/households/{household['id']}/pairings", admin, {"helper_id": helper_id})
    for action in ("start_assistance", "exit"):
        post(
            f"/api/v1/households/{household['id']}/transitions",
            admin,
            {"action": action, "reason": "入户核实"},
        )
    _, _, team = api.new_user(admin, VILLAGE, "work_team")
    _, _, institution = api.new_user(admin, COUNTY, "training_institution")
    applied = post("/api/v1/training-institutions", institution, {"name": "临淄职业农民学校"})
    screening = {"approve": True, "reason": "资质齐全"}
    post(f"/api/v1/training-institutions/{applied['id']}/screening", county, screening)
    course = post("/api/v1/courses", institution, course_body("设施蔬菜种植"))
    _, _, trainee = api.new_user(admin, VILLAGE, "leader_candidate")
    _, _, candidate = api.new_user(admin, VILLAGE, "leader_candidate")
    _, _, applicant = api.new_user(admin, COUNTY, "training_institution")
    user_id, _, _ = api.new_user(admin, VILLAGE, "helper")
    return World(
        admin,
        county,
        helper,
        household["id"],
        team,
        institution,
        course["id"],
        trainee,
        candidate,
        applicant,
        user_id,
    )


def course_body(title: str) -> dict:
    return {
        "title": title,
        "category": "planting_breeding",
        "mode": "offline",
        "starts_at": TODAY.isoformat(),
        "ends_at": (TODAY + timedelta(days=3)).isoformat(),
        "capacity": 5,
        "region_codes": [VILLAGE],
    }


# Each keyed route but the three above: who posts what where.
KEYED: dict[str, Callable[[World], tuple[str, str, dict | None]]] = {
    "password reset": lambda w: (f"/api/v1/users/{w.user_id}/password-reset", w.admin, None),
    "client": lambda w: (
        "/api/v1/clients",
        w.admin,
        {"name": "大屏", "region_code": COUNTY, "scopes": ["regions:read"]},
    ),
    "division change": lambda w: (
        "/api/v1/division-changes",
        w.admin,
        {
            "kind": "rename",
            "reason": "更名",
            "steps": [{"old_code": TOWN, "new_code": TOWN, "new_name": "辛店新街道"}],
            "effective_date": "2026-01-01",
        },
    ),
    "need": lambda w: (
        "/api/v1/needs",
        w.helper,
        {"household_id": w.household_id, "category": "medical", "description": "住院费用高"},
    ),
    "visit": lambda w: (
        "/api/v1/visits",
        w.helper,
        {"household_id": w.household_id, "latitude": 36.82, "longitude": 118.3, "notes": "走访"},
    ),
    "alert": lambda w: (
        "/api/v1/alerts",
        w.helper,
        {"household_id": w.household_id, "kind": "illness", "reason": "户主突发重病住院"},
    ),
    "attendance": lambda w: (
        "/api/v1/work-team/attendance",
        w.team,
        {"latitude": 36.4, "longitude": 117.9},
    ),
    "work log": lambda w: ("/api/v1/work-team/logs", w.team, {"content": "走访监测户3户"}),
    "monthly report": lambda w: (
        "/api/v1/work-team/reports",
        w.team,
        {"month": datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m"), "content": "月报"},
    ),
    "notice": lambda w: (
        "/api/v1/notices",
        w.county,
        {"role": "helper", "region_code": COUNTY, "text": "请于周五前完成走访"},
    ),
    "institution": lambda w: (
        "/api/v1/training-institutions",
        w.applicant,
        {"name": "第二职业学校"},
    ),
    "course": lambda w: ("/api/v1/courses", w.institution, course_body("肉牛养殖")),
    "enrolment": lambda w: (f"/api/v1/courses/{w.course_id}/enrolments", w.trainee, {}),
    "leader candidate": lambda w: (
        "/api/v1/leader-candidates",
        w.candidate,
        {
            "name": "王富民",
            "id_number": id_number("370305", "19850612"),
            "phone": "13612345678",
            "leader_type": "breeding",
            "project": "生态养殖合作社",
            "scale": "存栏肉牛300头",
            "years_in_business": 8,
            "skills": ["肉牛养殖"],
            "annual_revenue_yuan": 1_200_000,
        },
    ),
}


@pytest.mark.parametrize("route", KEYED)
def test_every_keyed_route_retried_after_a_flush_answers_its_first_response(
    own_api: Api, own_redis: OwnRedis, world: World, route: str
) -> None:
    path, token, body = KEYED[route](world)
    first, again = post_twice_around_a_flush(own_api, own_redis, path, token, body)

    assert (again.status_code, again.json()) == (first.status_code, first.json())
