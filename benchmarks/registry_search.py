"""Finding households on a province (PostgreSQL, a database of this run's own): a name prefix
in a county and an identity-number look-up through the registry's use-case (the filter, its
SQL, the households with their members, incomes, indicators and benefits) beside hand-written
SQL on asyncpg — the same statements on the same indexes (`ix_members_name`, the blind index),
without the ORM.

Size: JZ_BENCH_HOUSEHOLDS (default 1,000,000; about 3 members each), loaded by the registry's
validated import as `registry_province` does."""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg

from benchmarks.harness import postgres_database
from benchmarks.registry_province import COUNTY, COUNTY_ADMIN, import_province
from devstack.province import write_province
from kit import migrations
from kit.db import Database
from kit.protection import FieldProtector
from kit.territory import subtree_range
from services.registry.components import ID_NUMBER_FIELD, Components
from services.registry.household_filter import HouseholdFilter
from services.registry.households_service import HouseholdsService

REPEATS = 200
PAGE = 50
LOOK_UPS = 500

_PARTS = (
    "SELECT * FROM members WHERE household_id = ANY($1) ORDER BY position",
    "SELECT * FROM household_incomes WHERE household_id = ANY($1) ORDER BY year",
    "SELECT * FROM household_indicators WHERE household_id = ANY($1)",
    """SELECT household_id, year, sum(amount) FROM household_benefits
       WHERE household_id = ANY($1) GROUP BY household_id, year""",
)
BY_NAME = """SELECT * FROM households h
   WHERE h.village_code >= $1 AND h.village_code <= $2
     AND h.id IN (SELECT household_id FROM members
                  WHERE name COLLATE "C" >= $3 AND name COLLATE "C" < $4)
   ORDER BY h.id LIMIT $5"""
BY_ID_NUMBER = """SELECT * FROM households h
   WHERE h.village_code >= $1 AND h.village_code <= $2
     AND h.id IN (SELECT household_id FROM members WHERE id_number_index = $3)
   ORDER BY h.id LIMIT $4"""


def run() -> list[dict]:
    households = int(os.environ.get("JZ_BENCH_HOUSEHOLDS", "1000000"))
    with tempfile.TemporaryDirectory() as folder, postgres_database("search") as url:
        path = Path(folder) / "province.csv"
        write_province(path, households)
        migrations.upgrade("registry", url)
        return asyncio.run(measure(url, path, households))


async def measure(url: str, path: Path, households: int) -> list[dict]:
    protector = FieldProtector.from_secrets("bench", "bench")
    components = Components(Database(url), protector)
    loaded = await import_province(components, path)
    service = HouseholdsService(components)
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    low, high = subtree_range(COUNTY)
    try:
        await connection.execute("ANALYZE")
        prefix, numbers = await samples(connection, low, high, protector)
        indexes = [protector.blind_index(number, ID_NUMBER_FIELD) for number in numbers]

        async def search(wanted: HouseholdFilter) -> list[Any]:
            return await service.list_households(
                COUNTY_ADMIN, region_code="", wanted=wanted, limit=PAGE
            )

        async def hand(sql: str, *arguments: Any) -> list[Any]:
            found = await connection.fetch(sql, low, high, *arguments, PAGE)
            ids = [row["id"] for row in found]
            return [found, *[await connection.fetch(part, ids) for part in _PARTS]]

        assert await search(HouseholdFilter(name_prefix=prefix)), prefix

        by_name = await timings(lambda: search(HouseholdFilter(name_prefix=prefix)), REPEATS)
        by_name_hand = await timings(lambda: hand(BY_NAME, prefix, prefix + "\U0010ffff"), REPEATS)
        cycle = iter(range(10**9))
        by_number = await timings(
            lambda: search(HouseholdFilter(id_number=numbers[next(cycle) % len(numbers)])),
            LOOK_UPS,
        )
        by_number_hand = await timings(
            lambda: hand(BY_ID_NUMBER, indexes[next(cycle) % len(indexes)]), LOOK_UPS
        )
    finally:
        await connection.close()
        await components.db.dispose()
    size = f"{households:,} households (loaded in {loaded:.0f} s)"
    name_ms, name_hand_ms = statistics.median(by_name), statistics.median(by_name_hand)
    number_ms, number_hand_ms = statistics.median(by_number), statistics.median(by_number_hand)
    return [
        {
            "benchmark": f"name prefix {prefix!r} in county {COUNTY}, first {PAGE}, on {size}",
            "platform": f"{name_ms:.1f} ms (median of {REPEATS}), p99 {p99(by_name):.1f} ms",
            "baseline": f"hand-written SQL (asyncpg): {name_hand_ms:.1f} ms",
            "ratio": f"{name_ms / name_hand_ms:.2f}x the time",
        },
        {
            "benchmark": f"identity-number look-up in county {COUNTY} on {size}",
            "platform": f"{number_ms:.2f} ms (median of {LOOK_UPS}), p99 {p99(by_number):.2f} ms",
            "baseline": f"hand-written SQL (asyncpg): {number_hand_ms:.2f} ms",
            "ratio": f"{number_ms / number_hand_ms:.2f}x the time",
        },
    ]


async def samples(
    connection: asyncpg.Connection, low: str, high: str, protector: FieldProtector
) -> tuple[str, list[str]]:
    """A surname (one-character name prefix) of the county, and identity numbers of its members."""
    rows = await connection.fetch(
        """SELECT m.name, m.id_number_cipher FROM members m
           JOIN households h ON h.id = m.household_id
           WHERE h.village_code >= $1 AND h.village_code <= $2 ORDER BY m.id LIMIT 200""",
        low,
        high,
    )
    numbers = [protector.decrypt(row["id_number_cipher"], ID_NUMBER_FIELD) for row in rows]
    return rows[0]["name"][:1], numbers


async def timings(work: Callable[[], Awaitable[Any]], repeats: int) -> list[float]:
    """Milliseconds of each of `repeats` runs, after one to warm plans and caches."""
    await work()
    found = []
    for _ in range(repeats):
        started = time.perf_counter()
        await work()
        found.append((time.perf_counter() - started) * 1000)
    return found


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]
