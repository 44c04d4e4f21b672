"""The assessment (考核) of every cadre, village and town of a county on a province
(PostgreSQL, databases of this run's own): the registry's basis (households, incomplete
records, pairings: three GROUP BY counts; the helpers recorded with their units, and those
units: two selections — all in one UNION ALL) and assistance's counts of the month (visits,
needs, tasks, alerts: four in one UNION ALL) through the use-cases' SQL, with the scoring and
ranking (cadres, helping units, villages, towns), beside the same two statements hand-written
on asyncpg. The names identity gives the cadres and regions the registry does not name (one
more call, to another process) are not measured.

The province is loaded by the registry's validated import as `registry_province` does; each
household of the county gets a helper (five households each; every 50 helpers a helping unit
of the county), two visits in the month (every third flagged), and every 10th a need resolved, every 5th a task completed, every 20th an
alert verified (on time or late in turn).

Size: JZ_BENCH_HOUSEHOLDS (default 1,000,000; e.g. 20000 for a quick run)."""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from sqlmodel import SQLModel

from benchmarks.harness import postgres_database
from benchmarks.registry_province import COUNTY, import_province
from devstack.province import write_province
from kit import migrations
from kit.clock import utcnow
from kit.db import Database
from kit.protection import FieldProtector
from kit.territory import subtree_range
from services.assistance import assessment_repository as repo
from services.assistance.assessment_indicators import (
    assessed_period,
    indicators_for,
    load_indicator_sets,
)
from services.assistance.assessment_scoring import rankings
from services.assistance.assessment_service import counts_of
from services.assistance.models import Alert, AlertStep, Assignment, Need, NeedStep, Task, Visit
from services.registry.assessment_basis import assessment_basis, basis_parameters
from services.registry.components import Components

REPEATS = 15
PERIOD = "2026-11"
PAIR = """INSERT INTO pairings (household_id, helper_id, paired_by, paired_at)
   SELECT id, 'helper-' || (row_number() OVER (ORDER BY id) / 5), 'bench', now()
   FROM households WHERE village_code >= $1 AND village_code <= $2"""
UNITS = """INSERT INTO helping_units (id, name, kind, region_code, created_by, version, updated_at)
   SELECT 'unit-' || n, '帮扶单位' || n, 'department', $1, 'bench', 1, now()
   FROM generate_series(0, (SELECT count(DISTINCT helper_id) FROM pairings) / 50) n"""
HELPERS = """INSERT INTO helpers (helper_id, name, region_code, unit_id, updated_at)
   SELECT DISTINCT helper_id, '帮扶干部' || helper_id, $1,
          'unit-' || (substr(helper_id, 8)::int / 50), now() FROM pairings"""
HAND_WRITTEN_BASIS = """
    SELECT 'village', village_code, count(*), count(*) FILTER (WHERE latitude IS NULL
           OR identification_standard IS NULL OR identification_year IS NULL), '', ''
      FROM households WHERE village_code >= $1 AND village_code <= $2 GROUP BY 2
    UNION ALL
    SELECT 'paired', h.village_code, count(*), 0, '', '' FROM pairings p
      JOIN households h ON h.id = p.household_id
     WHERE h.village_code >= $1 AND h.village_code <= $2 GROUP BY 2
    UNION ALL
    SELECT 'helper', p.helper_id, count(*), 0, '', '' FROM pairings p
      JOIN households h ON h.id = p.household_id
     WHERE h.village_code >= $1 AND h.village_code <= $2 GROUP BY 2
    UNION ALL
    SELECT 'record', helper_id, 0, 0, coalesce(unit_id, ''), name FROM helpers
     WHERE region_code >= $1 AND region_code <= $2 OR region_code IN ($3, $4, $5, $6, $7)
    UNION ALL
    SELECT 'unit', id, 0, 0, region_code, name FROM helping_units
     WHERE id IN (SELECT unit_id FROM helpers WHERE region_code >= $1 AND region_code <= $2
                  OR region_code IN ($3, $4, $5, $6, $7))"""
HAND_WRITTEN_FACTS = """
    SELECT 'visits', village_code, helper_id, "check" = 'accepted', count(*) FROM visits
     WHERE village_code >= $1 AND village_code <= $2 AND visited_at >= $3 AND visited_at < $4
     GROUP BY 2, 3, 4
    UNION ALL
    SELECT 'needs_on_time', n.village_code, s.actor_id, s.at <= n.due_at, count(*) FROM needs n
      JOIN need_steps s ON s.need_id = n.id
     WHERE n.village_code >= $1 AND n.village_code <= $2 AND s.action = 'resolved'
       AND s.at >= $3 AND s.at < $4 GROUP BY 2, 3, 4
    UNION ALL
    SELECT 'tasks_on_time', a.assignee_region, a.assignee_id, a.completed_at <= t.due_at,
           count(*) FROM task_assignments a JOIN tasks t ON t.id = a.task_id
     WHERE a.assignee_region >= $1 AND a.assignee_region <= $2 AND a.status = 'completed'
       AND a.completed_at >= $3 AND a.completed_at < $4 GROUP BY 2, 3, 4
    UNION ALL
    SELECT 'alerts_in_time', a.village_code, s.actor_id, s.at <= a.verify_due_at, count(*)
      FROM alerts a JOIN alert_steps s ON s.alert_id = a.id
     WHERE a.village_code >= $1 AND a.village_code <= $2 AND s.seq = 2
       AND s.at >= $3 AND s.at < $4 GROUP BY 2, 3, 4"""


def run() -> list[dict]:
    households = int(os.environ.get("JZ_BENCH_HOUSEHOLDS", "1000000"))
    with (
        tempfile.TemporaryDirectory() as folder,
        postgres_database("assessment_registry") as registry_url,
        postgres_database("assessment_assistance") as assistance_url,
    ):
        path = Path(folder) / "province.csv"
        write_province(path, households)
        migrations.upgrade("registry", registry_url)
        migrations.upgrade("assistance", assistance_url)
        return asyncio.run(measure(registry_url, assistance_url, path, households))


def _plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def measure(
    registry_url: str, assistance_url: str, path: Path, households: int
) -> list[dict]:
    components = Components(Database(registry_url), FieldProtector.from_secrets("bench", "bench"))
    loaded = await import_province(components, path)
    assistance = Database(assistance_url)
    registry = await asyncpg.connect(_plain(registry_url))
    facts = await asyncpg.connect(_plain(assistance_url))
    low, high = subtree_range(COUNTY)
    covering = list(basis_parameters(COUNTY).values())  # low, high, the codes covering it
    period = assessed_period(PERIOD, utcnow())
    indicators = indicators_for(load_indicator_sets(), period)
    try:
        await registry.execute(PAIR, low, high)
        await registry.execute(UNITS, COUNTY)
        await registry.execute(HELPERS, COUNTY)
        county = await registry.fetch(
            "SELECT p.household_id, h.village_code, p.helper_id FROM pairings p"
            " JOIN households h ON h.id = p.household_id ORDER BY 1"
        )
        for rows in month_of_work(county, period.since):  # the needs, tasks, alerts first
            async with assistance.unit_of_work() as session:
                session.add_all(rows)
        for connection in (registry, facts):
            await connection.execute("ANALYZE")

        async def platform() -> int:
            basis = await assessment_basis(components.db, COUNTY)
            facts = await repo.fact_counts(assistance, COUNTY, period.since, period.until)
            ranked = rankings(COUNTY, counts_of(facts, basis), 1, indicators, period.kind)
            return sum(len(r.subjects) for r in ranked)

        async def hand() -> int:
            found = await registry.fetch(HAND_WRITTEN_BASIS, *covering)
            found += await facts.fetch(HAND_WRITTEN_FACTS, low, high, period.since, period.until)
            return len(found)

        subjects = await platform()
        platform_s = await median_seconds(platform)
        hand_s = await median_seconds(hand)
    finally:
        await registry.close()
        await facts.close()
        await components.db.dispose()
        await assistance.dispose()
    size = f"{households:,} households (loaded in {loaded:.0f} s), {len(county):,} in the county"
    return [
        {
            "benchmark": f"assessment of county {COUNTY} ({subjects:,} cadres, units, villages "
            f"and towns ranked) on {size}",
            "platform": f"{platform_s * 1000:.1f} ms (median of {REPEATS}), counts + scoring",
            "baseline": f"hand-written SQL (asyncpg), the same 2 statements: {hand_s * 1000:.1f} ms",
            "ratio": f"{platform_s / hand_s:.2f}x the time",
        }
    ]


def month_of_work(county: list[Any], start: datetime) -> tuple[list[SQLModel], list[SQLModel]]:
    """The county's month in assistance, as described above: the rows, then their steps."""
    rows: list[SQLModel] = []
    steps: list[SQLModel] = []
    for i, (household_id, village, helper) in enumerate(county):
        at = start + timedelta(hours=1 + i % 600)
        for n in (0, 1):
            flagged = (2 * i + n) % 3 == 0
            rows.append(
                Visit(
                    id=f"v-{i}-{n}",
                    household_id=household_id,
                    village_code=village,
                    helper_id=helper,
                    latitude=36.6,
                    longitude=117.0,
                    sent_latitude=36.6,
                    sent_longitude=117.0,
                    visited_at=at,
                    check="flagged" if flagged else "accepted",
                    created_at=at,
                )
            )
        late = timedelta(days=-1 if i % 2 else 1)
        if i % 10 == 0:
            rows.append(
                Need(
                    id=f"n-{i}",
                    household_id=household_id,
                    village_code=village,
                    category="medical",
                    description="住院费用高",
                    status="resolved",
                    owner_region=village,
                    owner_level="village",
                    due_at=at + late,
                    filed_by=helper,
                    created_at=at,
                    updated_at=at,
                )
            )
            steps.append(
                NeedStep(
                    need_id=f"n-{i}", seq=2, action="resolved", actor_id=f"team-{village}", at=at
                )
            )
        if i % 5 == 0:
            rows.append(
                Task(
                    id=f"t-{i}",
                    kind="visit",
                    title="入户走访",
                    region_code=village,
                    assigned_by="county",
                    due_at=at + late,
                    created_at=at,
                )
            )
            steps.append(
                Assignment(
                    task_id=f"t-{i}",
                    assignee_id=helper,
                    assignee_region=village,
                    status="completed",
                    completed_at=at,
                )
            )
        if i % 20 == 0:
            rows.append(
                Alert(
                    id=f"a-{i}",
                    household_id=household_id,
                    village_code=village,
                    kind="illness",
                    reason="突发重病",
                    status="verified",
                    owner_region=village[:9] + "000",
                    owner_level="town",
                    verify_due_at=at + late,
                    raised_by=helper,
                    created_at=at,
                    updated_at=at,
                )
            )
            steps.append(
                AlertStep(
                    alert_id=f"a-{i}",
                    seq=2,
                    action="verified",
                    actor_id=f"town-{village[:9]}",
                    at=at,
                )
            )
    return rows, steps


async def median_seconds(work: Any) -> float:
    """Seconds of the median of REPEATS runs, after one to warm plans and caches."""
    await work()
    found = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        await work()
        found.append(time.perf_counter() - started)
    return statistics.median(found)
