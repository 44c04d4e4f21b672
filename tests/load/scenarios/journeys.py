"""What each kind of user does, weighted like a campaign day."""

from __future__ import annotations

import random

from locust import HttpUser, between, task

from scenarios.accounts import PASSWORD, POOL


class _Authenticated(HttpUser):
    abstract = True
    wait_time = between(0.5, 2)
    headers: dict[str, str]

    def login(self, mobile: str) -> None:
        reply = self.client.post(
            "/api/v1/auth/token",
            data={"grant_type": "password", "username": mobile, "password": PASSWORD},
            name="/api/v1/auth/token [password]",
        )
        self.headers = {"Authorization": f"Bearer {reply.json()['access_token']}"}


class VillageCadre(_Authenticated):
    """A helper cadre in a village: their account, their village, its people."""

    weight = 8

    def on_start(self) -> None:
        self.mobile, self.village = random.choice(POOL.cadres)
        self.login(self.mobile)

    @task(4)
    def my_village(self) -> None:
        self.client.get(
            f"/api/v1/regions/{self.village}", headers=self.headers, name="/api/v1/regions/{code}"
        )

    @task(2)
    def my_account(self) -> None:
        self.client.get("/api/v1/me", headers=self.headers)

    @task(2)
    def people_of_my_village(self) -> None:
        self.client.get("/api/v1/users", headers=self.headers, name="/api/v1/users [village]")


class CountyAdministrator(_Authenticated):
    """A county administrator pages through the county's accounts and audit trail."""

    weight = 1

    def on_start(self) -> None:
        mobile, self.county = random.choice(POOL.admins)
        self.login(mobile)

    @task(3)
    def accounts_of_the_county(self) -> None:
        page = self.client.get(
            "/api/v1/users",
            params={"region_code": self.county, "page_size": 50},
            headers=self.headers,
            name="/api/v1/users [county]",
        ).json()
        if page.get("next_page_token"):
            self.client.get(
                "/api/v1/users",
                params={
                    "region_code": self.county,
                    "page_size": 50,
                    "page_token": page["next_page_token"],
                },
                headers=self.headers,
                name="/api/v1/users [county, next page]",
            )

    @task(1)
    def audit_trail(self) -> None:
        self.client.get("/api/v1/audit-records", headers=self.headers, name="/api/v1/audit-records")

    @task(2)
    def towns(self) -> None:
        self.client.get(
            f"/api/v1/regions/{self.county}/children",
            headers=self.headers,
            name="/api/v1/regions/{code}/children",
        )


class IntegratorSystem(HttpUser):
    """A city dashboard: client credentials, then regions."""

    weight = 1
    wait_time = between(1, 3)

    def on_start(self) -> None:
        assert POOL.client is not None
        client_id, secret = POOL.client
        reply = self.client.post(
            "/api/v1/auth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": secret,
            },
            name="/api/v1/auth/token [client_credentials]",
        )
        self.headers = {"Authorization": f"Bearer {reply.json()['access_token']}"}

    @task
    def city(self) -> None:
        self.client.get(
            "/api/v1/regions/370100000000/children",
            headers=self.headers,
            name="/api/v1/regions/{code}/children",
        )
