"""Seeding a campaign through the API, as the province administrator: the generated province
of one county imported as its officers would, then one account per simulated user — helpers
paired with households of their village, work teams of the same villages, town and county
officers, the county's administrator, and an integrator's client."""

from __future__ import annotations

import csv
import io
import random
import time
from collections import defaultdict
from pathlib import Path

import httpx

from devstack.province import HEADER, write_province
from services.registry.pairing_quotas import load_quotas, quotas_for
from tests.load.scenarios.accounts import (
    PASSWORD,
    Accounts,
    accounts_per_group,
    group_counts,
    next_address,
)


class Api:
    """The gateway as the seeding calls it: a 429 waits out its Retry-After and tries again
    (a deployment's real rate limits hold for the seeding too); anything else not 2xx fails."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    def call(self, method: str, path: str, token: str = "", **options: object) -> httpx.Response:
        headers = {"X-Forwarded-For": next_address()}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        while True:
            reply = self.http.request(method, path, headers=headers, **options)  # type: ignore[arg-type]
            if reply.status_code != 429:
                break
            time.sleep(float(reply.headers.get("Retry-After", "1")))
        if reply.is_error:
            raise RuntimeError(f"{method} {path}: {reply.status_code} {reply.text[:500]}")
        return reply

    def login(self, mobile: str, password: str) -> str:
        form = {"grant_type": "password", "username": mobile, "password": password}
        return self.call("POST", "/api/v1/auth/token", data=form).json()["access_token"]

    def activate(self, mobile: str, initial: str) -> str:
        first = self.login(mobile, initial)
        body = {"current_password": initial, "new_password": PASSWORD}
        return self.call("POST", "/api/v1/auth/password", first, json=body).json()["access_token"]

    def every(self, path: str, token: str, **params: object) -> list[dict]:
        items: list[dict] = []
        page_token = ""
        while True:
            query = {**params, "page_size": 200, "page_token": page_token}
            page = self.call("GET", path, token, params=query).json()
            items += page["items"]
            page_token = page.get("next_page_token") or ""
            if not page_token:
                return items


def import_province(api: Api, admin: str, folder: Path, households: int, county: str) -> Path:
    """The generated households of `county`, imported through the API; returns the file."""
    path = folder / f"province-{county}-{households}.csv"
    write_province(path, households, within=county[:6])
    with path.open("rb") as handle:
        job = api.call(
            "POST",
            "/api/v1/imports",
            admin,
            files={"file": (path.name, handle)},
            timeout=1800,
        ).json()
    if job["outcome"] not in {"applied", "unchanged"} and job["findings"]:
        raise RuntimeError(f"the province's import reported findings: {job}")
    return path


def subtree(region: str) -> str:
    """The code prefix of a county's or town's subtree."""
    return region[:6] if region.endswith("000000") else region[:9]


def small_files(province: Path, regions: set[str], households: int = 3) -> dict[str, str]:
    """For each region, the rows of its first `households` households: an officer's small
    import file (a dry run of data already there)."""
    with province.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))[1:]
    files: dict[str, str] = {}
    for region in regions:
        prefix = subtree(region)
        numbers: list[str] = []
        chosen = []
        for row in rows:
            if not row[1].startswith(prefix):
                continue
            if row[0] not in numbers:
                if len(numbers) == households:
                    break
                numbers.append(row[0])
            chosen.append(row)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(HEADER)
        writer.writerows(chosen)
        files[region] = buffer.getvalue()
    return files


class Seeder:
    def __init__(self, api: Api, admin: str) -> None:
        self.api = api
        self.admin = admin
        self.run = random.randrange(1000)
        self.serial = 0

    def account(self, region: str, role: str) -> dict:
        """A new account, activated with the campaign's password."""
        self.serial += 1
        mobile = f"17{self.run:03d}{self.serial:06d}"
        body = {"mobile": mobile, "name": "压测账号", "region_code": region, "roles": [role]}
        created = self.api.call("POST", "/api/v1/users", self.admin, json=body).json()
        self.api.activate(mobile, created["initial_password"])
        return {"mobile": mobile, "region": region, "user_id": created["user"]["id"]}

    def pair(self, household_id: str, helper_id: str) -> None:
        self.api.call(
            "POST",
            f"/api/v1/households/{household_id}/pairings",
            self.admin,
            json={"helper_id": helper_id},
        )


def seed(
    api: Api, admin: str, folder: Path, *, households: int, county: str, users: int, processes: int
) -> Accounts:
    province = import_province(api, admin, folder, households, county)
    by_village: dict[str, list[dict]] = defaultdict(list)
    for household in api.every("/api/v1/households", admin, region_code=county):
        by_village[household["village_code"]].append(household)
    villages = sorted(by_village, key=lambda v: (-len(by_village[v]), v))
    counts = group_counts(users)
    made = {g: accounts_per_group(n, processes) for g, n in counts.items()}
    accounts = Accounts(counts=counts, processes=processes)
    seeder = Seeder(api, admin)

    # Two helpers per village (more when the villages run out), sharing its households.
    quotas = load_quotas()
    helper_villages = villages[: max(1, -(-made["helper"] // 2))]
    helpers = []
    for index in range(made["helper"]):
        place = index % len(helper_villages)
        village = helper_villages[place]
        neighbours = len(range(place, made["helper"], len(helper_villages)))
        share = by_village[village][index // len(helper_villages) :: neighbours]
        most = quotas_for(quotas, village).of_cadre(village, ["helper"]).max_households  # else 409
        chosen = (share or by_village[village][:1])[:most]
        helper = seeder.account(village, "helper")
        for household in chosen:
            seeder.pair(household["id"], helper["user_id"])
        helper["households"] = [
            {"id": h["id"], "latitude": h["latitude"], "longitude": h["longitude"]} for h in chosen
        ]
        helpers.append(helper)
    accounts.groups["helper"] = helpers

    teams = []
    for index in range(made["work_team"]):
        village = helper_villages[index % len(helper_villages)]
        team = seeder.account(village, "work_team")
        first = by_village[village][0]
        teams.append({**team, "latitude": first["latitude"], "longitude": first["longitude"]})
    accounts.groups["work_team"] = teams

    towns = sorted({v[:9] + "000" for v in helper_villages})
    officers: dict[str, list[dict]] = {"town_officer": [], "county_officer": []}
    for group, regions in (("town_officer", towns), ("county_officer", [county])):
        for index in range(made[group]):
            region = regions[index % len(regions)]
            officer = seeder.account(region, "admin")
            officer["villages"] = [v for v in helper_villages if v.startswith(subtree(region))]
            officers[group].append(officer)
    accounts.groups.update(officers)
    accounts.groups["administrator"] = [
        seeder.account(county, "admin") for _ in range(made["administrator"])
    ]

    clients = []
    for index in range(made["integrator"]):
        body = {
            "name": f"压测大屏{index}",
            "region_code": county,
            "scopes": ["regions:read", "households:read", "needs:read"],
        }
        created = api.call("POST", "/api/v1/clients", admin, json=body).json()
        clients.append(
            {
                "client_id": created["client"]["client_id"],
                "secret": created["client_secret"],
                "region": county,
            }
        )
    accounts.groups["integrator"] = clients
    accounts.import_files = small_files(province, {*towns, county})
    return accounts
