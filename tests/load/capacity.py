"""`python -m tests.load.capacity <run>/summary.json`: the province's peak from a campaign run
measured with `--journeys` — each group's requests per person at people's think times and the
platform's CPU per request of its journey, times the peak's people, per tier; and the replicas
(the HPA ceilings) that holds at the HPAs' CPU targets. docs/capacity.md is its output."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import yaml

from tests.load.scenarios.accounts import THINK_SECONDS

# People at once at the peak of a province's campaign (SPEC §9: tens of thousands of cadres).
PEAK = {
    "helper": 40_000,
    "work_team": 6_000,
    "town_officer": 1_500,
    "county_officer": 400,
    "administrator": 150,
    "integrator": 200,
}
BASE = Path(__file__).resolve().parents[2] / "deploy/k8s/base"
TIER_NAMES = (
    "gateway",
    "identity",
    "registry",
    "assistance",
    "training",
    "notification",
    "projects",
)


def cores(quantity: str) -> float:
    """A Kubernetes CPU quantity ("500m", "1") in cores."""
    return float(quantity[:-1]) / 1000 if quantity.endswith("m") else float(quantity)


def tiers() -> dict[str, tuple[float, float]]:
    """Tier -> (CPU its API pod requests, its HPA's CPU target), as deploy/k8s/base has them."""
    found: dict[str, tuple[float, float]] = {}
    for tier in TIER_NAMES:
        objects = list(yaml.safe_load_all((BASE / f"{tier}.yaml").read_text()))
        (deployment,) = [
            o for o in objects if o["kind"] == "Deployment" and o["metadata"]["name"] == tier
        ]
        (scaler,) = [
            o
            for o in objects
            if o["kind"] == "HorizontalPodAutoscaler" and o["metadata"]["name"] == tier
        ]
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        target = scaler["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"]
        found[tier] = (cores(container["resources"]["requests"]["cpu"]), target / 100)
    return found


def per_person_per_second(journey: dict, scale: float, group: str) -> float:
    """Requests per second of one person at think times x1, from the run at `scale`: a task
    cycle is the think time plus the time its requests take (average response time each)."""
    mean_think = sum(THINK_SECONDS[group]) / 2
    rate = journey["requests_per_user_minute"] / 60
    busy = journey["average_ms"] / 1000
    cycle = scale * mean_think / max(1 - busy * rate, 0.05)
    requests_per_cycle = rate * cycle
    return requests_per_cycle / (mean_think + busy * requests_per_cycle)


def model(summary: dict) -> str:
    scale = float(summary["options"]["think"])
    journeys = summary["journeys"]
    lines = [
        "| group | people at the peak | req/s per person | req/s | CPU-ms/req (platform) |",
        "|---|---|---|---|---|",
    ]
    sizes = tiers()
    busy_cores = dict.fromkeys(sizes, 0.0)
    total_rps = 0.0
    for group, people in PEAK.items():
        journey = journeys[group]
        rate = per_person_per_second(journey, scale, group)
        rps = people * rate
        total_rps += rps
        cpu = {t: journey["busy_cpu_ms_per_request"].get(t, 0.0) for t in sizes}
        for tier, ms in cpu.items():
            busy_cores[tier] += rps * ms / 1000
        lines.append(
            f"| {group} | {people:,} | {rate:.3f} | {rps:,.0f} | {sum(cpu.values()):.1f} |"
        )
    lines += [
        f"| **all** | {sum(PEAK.values()):,} | | **{total_rps:,.0f}** | |",
        "",
        "| tier | cores busy at the peak | pod's CPU request | HPA target | replicas (ceiling) |",
        "|---|---|---|---|---|",
    ]
    for tier, busy in busy_cores.items():
        request, target = sizes[tier]
        replicas = max(2, math.ceil(busy / (request * target)))
        lines.append(f"| {tier} | {busy:.1f} | {request:g} | {target:.0%} | {replicas} |")
    lines.append(f"| **all** | **{sum(busy_cores.values()):.1f}** | | | |")
    return "\n".join(lines) + "\n"


def main() -> None:
    summary = json.loads(Path(sys.argv[1]).read_text())
    if not summary.get("journeys"):
        raise SystemExit("the run was made without --journeys: no CPU per journey to model")
    sys.stdout.write(model(summary))


if __name__ == "__main__":
    main()
