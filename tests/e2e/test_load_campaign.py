"""`make load` at its smallest: the campaign starts its own platform on PostgreSQL, seeds a
county and one account per simulated user, runs every group's journeys (the SMS round trip
included) for a few seconds without a failure, and leaves locust's CSV and HTML report and a
summary in one folder."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from tests.load.scenarios.accounts import WEIGHTS

ROOT = Path(__file__).resolve().parents[2]
FAST_HASHING = {"IDENTITY_ARGON2_TIME_COST": "1", "IDENTITY_ARGON2_MEMORY_KIB": "1024"}


@pytest.mark.postgres
async def test_a_short_campaign_of_every_group_has_no_failure_and_writes_its_report(
    postgres_database: Callable[[str], Awaitable[str]], tmp_path: Path
) -> None:
    probe = await postgres_database("campaign_probe")  # skipped (or failing on CI) without it
    server = probe.replace("+asyncpg", "").rsplit("/", 1)[0] + "/postgres"
    command = [sys.executable, "-m", "tests.load", "--users", str(len(WEIGHTS) + 2)]
    command += ["--households", "200", "--duration", "12s", "--rate", "8", "--think", "0.05"]
    command += ["--idle", "2", "--out", str(tmp_path)]
    env = {**os.environ, **FAST_HASHING, "JZ_BENCH_POSTGRES": server}
    run = await asyncio.create_subprocess_exec(
        *command,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    # A bound against a hang, not a timing claim: the platform's start on PostgreSQL (six services
    # migrated) takes ~40 s of it on a quiet machine and twice that on a loaded CI runner.
    output, _ = await asyncio.wait_for(run.communicate(), timeout=300)
    assert run.returncode == 0, output.decode()[-3000:]

    check_report(tmp_path)


def check_report(out: Path) -> None:
    (folder,) = out.iterdir()
    assert {"locust_stats.csv", "locust_failures.csv", "report.html", "summary.md"} <= {
        p.name for p in folder.iterdir()
    }
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["requests"] > 0 and summary["failures"] == 0, summary["failures_by_endpoint"]
    assert "gateway" in summary["cpu_ms_per_request"]
    assert "<html" in (folder / "report.html").read_text().lower()
