"""A province in the registry (PostgreSQL, a database of this run's own):

1. importing it — the registry's validated import (template parsing, GB 11643 check digits,
   AES-GCM encryption and blind index of every identity number, idempotency look-ups, bulk
   COPY of households, members and history) beside bare `COPY` (a) of the same final rows
   into the same tables and indexes, and (b) of the file's raw text into a table without
   indexes (the absolute ceiling);
2. a county's statistics through the registry's use-case beside the equivalent hand-written
   SQL on asyncpg (the same four statements, without the ORM), on the imported province.

Size: JZ_BENCH_HOUSEHOLDS (default 1,000,000; about 3 members each)."""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

import asyncpg

from benchmarks.harness import postgres_database
from devstack.province import HEADER, write_province
from kit import migrations
from kit.db import Database
from kit.principal import Principal
from kit.protection import FieldProtector
from kit.territory import subtree_range
from services.registry.components import Components
from services.registry.imports_service import ImportRequest, ImportsService
from services.registry.statistics_service import StatisticsService
from services.registry.templates import TemplateKind

COUNTY = "370102000000"
REPEATS = 15
PROVINCE_ADMIN = Principal(
    subject="bench", kind="user", region_code="370000000000", roles=("admin",)
)
COUNTY_ADMIN = Principal(subject="bench", kind="user", region_code=COUNTY, roles=("admin",))
TABLES = ("households", "members", "household_history")

HAND_WRITTEN = (
    """SELECT status, has_exited, attribute, main_cause, assistance_category,
              monitoring_category, count(*)
       FROM households WHERE village_code >= $1 AND village_code <= $2
       GROUP BY 1, 2, 3, 4, 5, 6""",
    """SELECT count(*), count(*) FILTER (WHERE h.status IN ('identified', 'under_assistance'))
       FROM members m JOIN households h ON h.id = m.household_id
       WHERE h.village_code >= $1 AND h.village_code <= $2""",
    """SELECT to_char(e.at, 'YYYY'), count(*) FROM household_history e
       JOIN households h ON h.id = e.household_id
       WHERE h.village_code >= $1 AND h.village_code <= $2
         AND e.kind = 'transitioned' AND e.field = 'exit' GROUP BY 1""",
    """SELECT i.indicator, count(*) FROM household_indicators i
       JOIN households h ON h.id = i.household_id
       WHERE h.village_code >= $1 AND h.village_code <= $2 AND NOT i.compliant GROUP BY 1""",
)


def run() -> list[dict]:
    households = int(os.environ.get("JZ_BENCH_HOUSEHOLDS", "1000000"))
    with tempfile.TemporaryDirectory() as folder, postgres_database("province") as url:
        path = Path(folder) / "province.csv"
        rows = write_province(path, households)
        migrations.upgrade("registry", url)
        return asyncio.run(measure(url, path, households, rows))


async def measure(url: str, path: Path, households: int, rows: int) -> list[dict]:
    raw_url = url.replace("postgresql+asyncpg://", "postgresql://")
    components = Components(Database(url), FieldProtector.from_secrets("bench", "bench"))
    imported = await import_province(components, path)
    connection = await asyncpg.connect(raw_url)
    try:
        same_rows = await copy_same_rows(connection)
        raw_text = await copy_raw_text(connection, path)
        await connection.execute("ANALYZE")
        platform = await median_seconds(
            lambda: StatisticsService(components).region(COUNTY_ADMIN, COUNTY)
        )
        low, high = subtree_range(COUNTY)
        hand = await median_seconds(lambda: hand_written(connection, low, high))
    finally:
        await connection.close()
        await components.db.dispose()
    written = rows + 2 * households  # members, households, history
    return [
        {
            "benchmark": f"validated import of {households:,} households ({rows:,} rows)",
            "platform": f"{rows / imported:,.0f} rows/s ({imported:.1f} s)",
            "baseline": f"(a) COPY of the same {written:,} final rows: {written / same_rows:,.0f} rows/s",
            "ratio": f"{(rows / imported) / (rows / same_rows):.2f} of (a)",
        },
        {
            "benchmark": "the same import",
            "platform": f"{rows / imported:,.0f} rows/s",
            "baseline": f"(b) COPY of the file's text, no indexes: {rows / raw_text:,.0f} rows/s",
            "ratio": f"{raw_text / imported:.2f} of (b)",
        },
        {
            "benchmark": f"statistics of county {COUNTY} on {households:,} households",
            "platform": f"{platform * 1000:.1f} ms (median of {REPEATS})",
            "baseline": f"hand-written SQL (asyncpg): {hand * 1000:.1f} ms",
            "ratio": f"{platform / hand:.2f}x the time",
        },
    ]


async def import_province(components: Components, path: Path) -> float:
    """Seconds the registry's validated import of the province file takes."""
    request = ImportRequest("households", "csv", path.name, "all_or_nothing", False)
    started = time.perf_counter()
    job = await ImportsService(components).import_rows(
        PROVINCE_ADMIN, request, path, TemplateKind.HOUSEHOLDS
    )
    assert job.outcome == "applied", job.summary
    return time.perf_counter() - started


async def copy_same_rows(connection: asyncpg.Connection) -> float:
    """Seconds to COPY the import's own output again into empty copies of its tables."""
    for table in TABLES:
        await connection.execute(f"CREATE TABLE copy_{table} (LIKE {table} INCLUDING ALL)")
    records = {table: await connection.fetch(f"SELECT * FROM {table}") for table in TABLES}
    started = time.perf_counter()
    async with connection.transaction():
        for table in TABLES:
            columns = list(records[table][0].keys()) if records[table] else []
            await connection.copy_records_to_table(
                f"copy_{table}", records=[tuple(r) for r in records[table]], columns=columns
            )
    return time.perf_counter() - started


async def copy_raw_text(connection: asyncpg.Connection, path: Path) -> float:
    columns = ", ".join(f"c{i} text" for i in range(len(HEADER)))
    await connection.execute(f"CREATE TABLE raw_rows ({columns})")
    started = time.perf_counter()
    await connection.copy_to_table("raw_rows", source=path, format="csv", header=True)
    return time.perf_counter() - started


async def hand_written(connection: asyncpg.Connection, low: str, high: str) -> list:  # type: ignore[type-arg]
    return [await connection.fetch(sql, low, high) for sql in HAND_WRITTEN]


async def median_seconds(work) -> float:  # type: ignore[no-untyped-def]
    await work()  # warm: plans, caches
    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        await work()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)
