"""The data-update campaign of `make load` (tests/load: every user group's journeys, think
times, the SMS round trip, PostgreSQL) beside the gateway benchmark's region read
(benchmarks.gateway_regions: GET /api/v1/regions/{code} at 64 connections), in one run on the
same platform: req/s, and the platform's CPU per request — the figure that shows whether a
change made the campaign cheaper. JZ_BENCH_CAMPAIGN_USERS and _DURATION size it."""

from __future__ import annotations

import os

from benchmarks.gateway_regions import REGION
from benchmarks.harness import describe, load
from benchmarks.load import LoadResult
from tests.load.campaign import Target, parse
from tests.load.campaign import run as run_campaign

# Not the platform's own cost: the shared database server and the load generator.
OUTSIDE = ("postgres (whole server)", "locust (the load generator)")


def region_reads(target: Target) -> LoadResult:
    return load(
        f"{target.url}/api/v1/regions/{REGION}",
        {name: [target.pids[name]] for name in ("gateway", "identity")},
        headers={"Authorization": f"Bearer {target.admin}"},
    )


def run() -> list[dict]:
    users = os.environ.get("JZ_BENCH_CAMPAIGN_USERS", "30")
    duration = os.environ.get("JZ_BENCH_CAMPAIGN_DURATION", "60s")
    options = parse(["--users", users, "--duration", duration, "--out", "var/bench/campaign"])
    status, summary, baseline = run_campaign(options, region_reads)
    if status or summary["failures"] or baseline is None:
        raise RuntimeError(f"the campaign failed: {summary['failures_by_endpoint']}")
    gross = sum(ms for n, ms in summary["cpu_ms_per_request"].items() if n not in OUTSIDE)
    by_process = {n: ms for n, ms in summary["busy_cpu_ms_per_request"].items() if n not in OUTSIDE}
    cpu = sum(by_process.values())  # less the processes' idle CPU: the requests' own cost
    shown = ", ".join(f"{name} {ms:.2f}" for name, ms in by_process.items())
    return [
        {
            "benchmark": f"campaign, {users} users with think times, {duration}",
            "platform": f"{summary['rps']:,.1f} req/s, p99 {summary['p99_ms']:.0f} ms, "
            f"{cpu:.2f} CPU-ms/req less idle ({shown}); {gross:.2f} with idle",
            "baseline": f"GET /regions/{{code}}, 64 conn: {describe(baseline)}",
            "ratio": f"{cpu / baseline.cpu_ms_per_request:.1f}x its CPU per request, "
            f"{summary['rps'] / baseline.requests_per_second:.1%} of its req/s",
        }
    ]
