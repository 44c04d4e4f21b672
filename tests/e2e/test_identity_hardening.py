"""What the outside checks found at identity's door, through the real gateway, on a platform
of identity alone (on PostgreSQL): parallel password guesses, the platform's own clients at
the mercy of `/clients`, integrators sharing one quota, and 503s without `Retry-After`."""

from __future__ import annotations

import asyncio
import base64
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from devstack.platform import LocalPlatform
from tests.e2e.harness import LOCKOUT_THRESHOLD, Api, OwnPlatforms

pytestmark = [pytest.mark.postgres]
PROBLEM = "application/problem+json"
PROVINCE, JINAN = "370000000000", "370100000000"
GUESSES = 40


@pytest.fixture(scope="module")
async def identity_url(postgres_database) -> str:  # type: ignore[no-untyped-def]
    return await postgres_database("hardening_identity")


@pytest.fixture(scope="module")
def identity_only(own_platforms: OwnPlatforms, identity_url: str) -> Iterator[LocalPlatform]:
    with own_platforms.start(
        "hardening",
        services=("identity",),
        database_urls={"identity": identity_url},
    ) as own:
        yield own.local


@pytest.fixture(scope="module")
def door(identity_only: LocalPlatform) -> Iterator[Api]:
    with httpx.Client(base_url=identity_only.config.gateway_url, timeout=30) as http:
        yield Api(http)


@pytest.fixture(scope="module")
def admin(identity_only: LocalPlatform, door: Api) -> str:
    created = identity_only.bootstrap_admin("13700000001", "省管理员")
    return door.activate("13700000001", created["initial_password"])


def problem_code(reply: httpx.Response) -> str:
    assert reply.headers["content-type"].startswith(PROBLEM), reply.text
    return reply.json()["type"].rsplit(":", 1)[1]


# ------------------------------------------------------------------ lockout


async def test_parallel_wrong_passwords_are_checked_at_most_up_to_the_lockout_threshold(
    identity_only: LocalPlatform, door: Api, admin: str
) -> None:
    _, mobile, _ = door.new_user(admin, JINAN, "inspector")
    async with httpx.AsyncClient(base_url=identity_only.config.gateway_url, timeout=60) as http:
        replies = await asyncio.gather(
            *(
                http.post(
                    "/api/v1/auth/token",
                    data={"grant_type": "password", "username": mobile, "password": f"x{n}"},
                )
                for n in range(GUESSES)
            )
        )
    answers = Counter(problem_code(reply) for reply in replies)
    assert answers == {
        "invalid-grant": LOCKOUT_THRESHOLD,
        "account-locked": GUESSES - LOCKOUT_THRESHOLD,
    }
    # locked: even the right password is refused now
    assert problem_code(door.token(mobile, "Passw0rd-for-e2e")) == "account-locked"


# ------------------------------------------------------------------ platform clients


def clients_of(door: Api, admin: str) -> dict[str, dict]:
    reply = door.http.get(
        "/api/v1/clients",
        params={"region_code": PROVINCE, "page_size": 200},
        headers=door.auth(admin),
    )
    assert reply.status_code == 200, reply.text
    return {c["client_id"]: c for c in reply.json()["items"]}


def client_token(door: Api, client_id: str, secret: str) -> httpx.Response:
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return door.http.post(
        "/api/v1/auth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )


def test_a_platform_service_client_is_never_disabled_or_changed_through_the_api(
    identity_only: LocalPlatform, door: Api, admin: str
) -> None:
    before = clients_of(door, admin)
    assert before["svc-notification"]["platform"] is True
    attempts = [
        door.http.post("/api/v1/clients/svc-notification/disable", headers=door.auth(admin)),
        door.http.patch(
            "/api/v1/clients/svc-notification",
            json={"requests_per_minute": 1},
            headers=door.auth(admin),
        ),
    ]
    for reply in attempts:
        assert reply.status_code == 409 and problem_code(reply) == "platform-client", reply.text
    assert clients_of(door, admin)["svc-notification"] == before["svc-notification"]
    secret = Path(identity_only.config.client_secret("notification")).read_text().strip()
    assert client_token(door, "svc-notification", secret).status_code == 200


# ------------------------------------------------------------------ integrators' quotas


def create_client(door: Api, admin: str, **quota: int) -> tuple[dict, str]:
    created = door.http.post(
        "/api/v1/clients",
        json={"name": "济南市大屏", "region_code": JINAN, "scopes": ["regions:read"], **quota},
        headers=door.auth(admin),
    )
    assert created.status_code == 201, created.text
    return created.json()["client"], created.json()["client_secret"]


def within_one_window() -> None:
    """The limiter counts fixed minutes: start a burst that must fit in one well inside it."""
    if time.time() % 60 > 45:
        time.sleep(60 - time.time() % 60)


def test_each_integrator_has_its_own_quota_answered_429_with_retry_after(
    door: Api, admin: str
) -> None:
    limited, limited_secret = create_client(door, admin, requests_per_minute=5)
    assert limited["requests_per_minute"] == 5
    other, other_secret = create_client(door, admin)
    assert other["requests_per_minute"] is None  # the platform's default
    within_one_window()
    token = client_token(door, limited["client_id"], limited_secret).json()["access_token"]
    replies = [door.get(f"/api/v1/regions/{JINAN}", token) for _ in range(7)]
    assert [r.status_code for r in replies] == [200] * 5 + [429] * 2
    refused = replies[-1]
    assert problem_code(refused) == "rate-limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    token = client_token(door, other["client_id"], other_secret).json()["access_token"]
    assert {door.get(f"/api/v1/regions/{JINAN}", token).status_code for _ in range(7)} == {200}

    raised = door.http.patch(
        f"/api/v1/clients/{limited['client_id']}",
        json={"requests_per_minute": 100},
        headers=door.auth(admin),
    )
    assert raised.status_code == 200 and raised.json()["requests_per_minute"] == 100
    token = client_token(door, limited["client_id"], limited_secret).json()["access_token"]
    assert door.get(f"/api/v1/regions/{JINAN}", token).status_code == 200
    assert clients_of(door, admin)[limited["client_id"]]["requests_per_minute"] == 100

    invalid = door.http.patch(
        f"/api/v1/clients/{limited['client_id']}",
        json={"requests_per_minute": 0},
        headers=door.auth(admin),
    )
    assert invalid.status_code == 422
    reset = door.http.patch(
        f"/api/v1/clients/{limited['client_id']}",
        json={"requests_per_minute": None},
        headers=door.auth(admin),
    )
    assert reset.status_code == 200 and reset.json()["requests_per_minute"] is None


# ------------------------------------------------------------------ Retry-After


def test_a_service_that_is_away_answers_503_with_retry_after(door: Api, admin: str) -> None:
    reply = door.get("/api/v1/households", admin)  # the registry is not running
    assert reply.status_code == 503, reply.text
    assert problem_code(reply) == "unavailable"
    assert int(reply.headers["Retry-After"]) >= 1
