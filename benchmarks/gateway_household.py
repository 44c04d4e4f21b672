"""An authenticated GET /api/v1/households/{id} through the gateway and the registry's gRPC
(token check, revocation and rate limit in Redis, Casbin, territory; then the household, its
members, incomes and indicators from the registry's database), at 64 connections, for random
households of a county read by that county's administrator, beside (a) bare FastAPI returning
the same JSON and (b) FastAPI forwarding one grpc.aio echo call.

The registry's database is PostgreSQL (a database of this run's own, dropped afterwards; the
server at JZ_BENCH_POSTGRES), or its SQLite file with JZ_BENCH_STORE=sqlite."""

from __future__ import annotations

import json
import os
import random
import tempfile
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path

import httpx

from benchmarks.harness import (
    activate,
    admin_token,
    compare,
    load,
    measure_baselines,
    pid_of,
    postgres_database,
    running_platform,
)
from kit.id_numbers import check_character

COUNTY = "370102000000"
HOUSEHOLDS = 300
RELATIONS = ("head", "spouse", "child", "child", "parent")
CAUSES = ("illness", "disability", "schooling", "lack_of_labour", "lack_of_skills", "disaster")
INDICATORS = ("food", "clothing", "compulsory_education", "basic_medical", "safe_housing")


def county_admin_token(http: httpx.Client, province_token: str) -> str:
    mobile = "13900000001"
    body = {"mobile": mobile, "name": "县管理员", "region_code": COUNTY, "roles": ["admin"]}
    reply = http.post("/api/v1/users", json=body, headers=bearer(province_token))
    reply.raise_for_status()
    return activate(http, mobile, reply.json()["initial_password"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def villages_of_county(http: httpx.Client, token: str) -> list[str]:
    def children(code: str) -> list[str]:
        reply = http.get(
            f"/api/v1/regions/{code}/children", params={"page_size": 50}, headers=bearer(token)
        )
        reply.raise_for_status()
        return [region["code"] for region in reply.json()["items"]]

    return [village for town in children(COUNTY)[:4] for village in children(town)]


def new_household(index: int, village: str, rng: random.Random) -> dict:
    def id_number(person: int) -> str:
        born = date(1940, 1, 1) + timedelta(days=(index * 5 + person) * 29 % 25_000)
        first = f"{COUNTY[:6]}{born:%Y%m%d}{rng.randrange(1000):03d}"
        return first + check_character(first)

    return {
        "number": f"BENCH-{index:05d}",
        "village_code": village,
        "latitude": 36.6 + rng.random() / 10,
        "longitude": 117.0 + rng.random() / 10,
        "attribute": rng.choice(["general", "subsistence_allowance", "destitute_support"]),
        "main_cause": rng.choice(CAUSES),
        "secondary_causes": rng.sample(CAUSES, 2),
        "members": [
            {"name": f"成员{person}", "id_number": id_number(person), "relation": relation}
            for person, relation in enumerate(RELATIONS[: rng.randint(1, len(RELATIONS))])
        ],
    }


def seed(http: httpx.Client, token: str) -> dict[str, dict]:
    """Households with members, a year's incomes and their indicators: id -> the household's
    JSON as the gateway returns it."""
    rng = random.Random(3)
    villages = villages_of_county(http, token)
    households: dict[str, dict] = {}
    for index in range(HOUSEHOLDS):
        created = http.post(
            "/api/v1/households",
            json=new_household(index, rng.choice(villages), rng),
            headers=bearer(token),
        )
        created.raise_for_status()
        path = f"/api/v1/households/{created.json()['id']}"
        incomes = {source: rng.randrange(20_000) for source in ("wage", "production", "transfer")}
        http.put(
            f"{path}/incomes/{date.today().year - 1}",
            json={"by_source": incomes},
            headers=bearer(token),
        ).raise_for_status()
        indicators = {name: rng.random() < 0.9 for name in INDICATORS}
        household = http.put(
            f"{path}/indicators", json={"values": indicators}, headers=bearer(token)
        )
        household.raise_for_status()
        households[household.json()["id"]] = household.json()
    return households


def random_reads(ids: list[str], folder: Path) -> Path:
    """A wrk script that GETs a random one of `ids` per request."""
    script = folder / "random_households.lua"
    script.write_text(
        f"local ids = {{{', '.join(json.dumps(i) for i in ids)}}}\n"
        "request = function()\n"
        '  return wrk.format("GET", "/api/v1/households/" .. ids[math.random(#ids)])\n'
        "end\n"
    )
    return script


def run() -> list[dict]:
    store = os.environ.get("JZ_BENCH_STORE", "postgresql")
    folder = Path(tempfile.mkdtemp(prefix="jz-bench-households-"))
    with ExitStack() as stack:
        urls = {}
        if store == "postgresql":
            urls["registry"] = stack.enter_context(postgres_database("registry"))
        platform = stack.enter_context(running_platform(urls))
        with httpx.Client(base_url=platform.config.gateway_url, timeout=30) as http:
            token = county_admin_token(http, admin_token(platform))
            households = seed(http, token)
        script = random_reads(list(households), folder)
        ours = load(
            platform.config.gateway_url,
            {name: [pid_of(platform, name)] for name in ("gateway", "registry")},
            headers=bearer(token),
            script=script,
            with_postgres=bool(urls),
        )
        responses = folder / "households.json"
        responses.write_text(json.dumps(households, ensure_ascii=False))
        first = f"/api/v1/households/{next(iter(households))}"
        echo, bare = measure_baselines(
            platform, first, "--households", str(responses), script=script
        )
    return compare(f"GET /households/{{id}} ({store}), 64 conn", ours, echo, bare)
