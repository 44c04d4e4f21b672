"""The pool of accounts the simulated users log in as, created once when the test starts."""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field

import httpx
from locust import events

ADMIN_MOBILE = os.environ.get("JZ_LOAD_ADMIN_MOBILE", "13800000000")
PASSWORD = "Load-test-passw0rd"
# Villages of three counties of Jinan; every cadre of the pool lives in one of them.
COUNTIES = ["370102000000", "370103000000", "370104000000"]


@dataclass
class Pool:
    cadres: list[tuple[str, str]] = field(default_factory=list)  # (mobile, village code)
    admins: list[tuple[str, str]] = field(default_factory=list)  # (mobile, county code)
    client: tuple[str, str] | None = None  # (client id, secret)


POOL = Pool()


def _token(http: httpx.Client, mobile: str, password: str) -> str:
    reply = http.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": mobile, "password": password},
    )
    reply.raise_for_status()
    return reply.json()["access_token"]


def _activate(http: httpx.Client, mobile: str, initial: str) -> None:
    token = _token(http, mobile, initial)
    http.post(
        "/api/v1/auth/password",
        json={"current_password": initial, "new_password": PASSWORD},
        headers={"Authorization": f"Bearer {token}"},
    ).raise_for_status()


def _villages(http: httpx.Client, admin: dict[str, str], county: str) -> list[str]:
    towns = http.get(
        f"/api/v1/regions/{county}/children", params={"page_size": 200}, headers=admin
    ).json()["items"]
    villages: list[str] = []
    for town in towns[:5]:
        children = http.get(
            f"/api/v1/regions/{town['code']}/children", params={"page_size": 20}, headers=admin
        )
        villages += [v["code"] for v in children.json()["items"]]
    return villages


def _create(http: httpx.Client, admin: dict[str, str], mobile: str, region: str, role: str) -> None:
    body = {"mobile": mobile, "name": "压测账号", "region_code": region, "roles": [role]}
    reply = http.post("/api/v1/users", json=body, headers=admin)
    if reply.status_code == 409:  # created by an earlier run; its password was set then
        return
    reply.raise_for_status()
    _activate(http, mobile, reply.json()["initial_password"])


@events.test_start.add_listener
def prepare_pool(environment, **_: object) -> None:  # type: ignore[no-untyped-def]
    password = os.environ["JZ_LOAD_ADMIN_PASSWORD"]
    cadres = int(os.environ.get("JZ_LOAD_CADRES", "60"))
    with httpx.Client(base_url=environment.host, timeout=30) as http:
        admin = {"Authorization": f"Bearer {_token(http, ADMIN_MOBILE, password)}"}
        rng = random.Random(37)
        for index, county in enumerate(COUNTIES):
            mobile = f"1770000{index:04d}"
            _create(http, admin, mobile, county, "admin")
            POOL.admins.append((mobile, county))
        villages = [v for county in COUNTIES for v in _villages(http, admin, county)]
        for index in range(cadres):
            mobile, village = f"1771{index:07d}", rng.choice(villages)
            _create(http, admin, mobile, village, "helper")
            POOL.cadres.append((mobile, village))
        reply = http.post(
            "/api/v1/clients",
            json={
                "name": "压测大屏",
                "region_code": "370100000000",
                "scopes": ["regions:read", "users:read"],
            },
            headers=admin,
        )
        reply.raise_for_status()
        POOL.client = (reply.json()["client"]["client_id"], reply.json()["client_secret"])
