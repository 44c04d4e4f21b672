"""The campaign's short summary from locust's CSV and the processes' CPU: requests, failures
by endpoint and error, p50/p95/p99, req/s, and CPU-ms per request of each process — written
as summary.md (to read) and summary.json (for the benchmark and the capacity model)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _number(value: str) -> float:
    try:
        return float(value)
    except ValueError:  # "N/A" when an endpoint had no request
        return 0.0


def summarize(
    folder: Path,
    options: dict,
    cpu_seconds: dict[str, float],
    busy_seconds: dict[str, float],
    journeys: dict[str, dict],
) -> dict:
    """`cpu_seconds`: each process's CPU during the run; `busy_seconds`: the same less what it
    spends idle (per process, when measured); `journeys`: per group run alone, its users and
    busy CPU-seconds (its locust CSV in journeys/<group>_stats.csv)."""
    stats = _rows(folder / "locust_stats.csv")
    endpoints: list[dict[str, Any]] = [
        {
            "method": row["Type"],
            "name": row["Name"],
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "p50_ms": _number(row["50%"]),
            "p95_ms": _number(row["95%"]),
            "p99_ms": _number(row["99%"]),
            "rps": _number(row["Requests/s"]),
        }
        for row in stats
        if row["Name"] != "Aggregated"
    ]
    total = next((row for row in stats if row["Name"] == "Aggregated"), None)
    requests = int(total["Request Count"]) if total else 0
    summary = {
        "options": options,
        "requests": requests,
        "failures": int(total["Failure Count"]) if total else 0,
        "rps": _number(total["Requests/s"]) if total else 0.0,
        "p50_ms": _number(total["50%"]) if total else 0.0,
        "p95_ms": _number(total["95%"]) if total else 0.0,
        "p99_ms": _number(total["99%"]) if total else 0.0,
        "paths": len(
            {(e["method"], e["name"].split(" [")[0]) for e in endpoints if e["method"] != "SMS"}
        ),
        "failures_by_endpoint": [
            {
                "method": row["Method"],
                "name": row["Name"],
                "error": row["Error"],
                "occurrences": int(row["Occurrences"]),
            }
            for row in _rows(folder / "locust_failures.csv")
        ],
        "cpu_ms_per_request": {
            name: used * 1000 / max(requests, 1) for name, used in cpu_seconds.items()
        },
        "busy_cpu_ms_per_request": {
            name: used * 1000 / max(requests, 1) for name, used in busy_seconds.items()
        },
        "endpoints": endpoints,
        "journeys": {
            group: journey(folder / "journeys" / f"{group}_stats.csv", run)
            for group, run in journeys.items()
        },
    }
    (folder / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1))
    (folder / "summary.md").write_text(markdown(summary))
    return summary


def journey(stats: Path, run: dict) -> dict:
    """One group alone: its request rate per user and the platform's CPU per request."""
    total = next((r for r in _rows(stats) if r["Name"] == "Aggregated"), None)
    requests = int(total["Request Count"]) if total else 0
    rps = _number(total["Requests/s"]) if total else 0.0
    return {
        "users": run["users"],
        "requests": requests,
        "failures": int(total["Failure Count"]) if total else 0,
        "requests_per_user_minute": rps * 60 / max(run["users"], 1),
        "average_ms": _number(total["Average Response Time"]) if total else 0.0,
        "busy_cpu_ms_per_request": {
            name: used * 1000 / max(requests, 1) for name, used in run["cpu_seconds"].items()
        },
    }


def markdown(s: dict) -> str:
    o = s["options"]
    lines = [
        f"# Campaign: {o['users']} users, {o['duration']}, {o['households']:,} households",
        "",
        f"{s['requests']:,} requests, {s['failures']:,} failures, {s['rps']:.1f} req/s, "
        f"p50 {s['p50_ms']:.0f} ms, p95 {s['p95_ms']:.0f} ms, p99 {s['p99_ms']:.0f} ms, "
        f"{s['paths']} API paths",
        "",
        "CPU-ms per request: "
        + ", ".join(f"{name} {ms:.2f}" for name, ms in s["cpu_ms_per_request"].items()),
        "",
        "CPU-ms per request less the processes' idle CPU: "
        + ", ".join(f"{name} {ms:.2f}" for name, ms in s["busy_cpu_ms_per_request"].items()),
        "",
    ]
    if s["failures_by_endpoint"]:
        lines += ["## Failures", "", "| endpoint | error | occurrences |", "|---|---|---|"]
        lines += [
            f"| {f['method']} {f['name']} | {f['error']} | {f['occurrences']} |"
            for f in s["failures_by_endpoint"]
        ]
        lines.append("")
    if s["journeys"]:
        lines += ["## Each group alone", "", "| group | users | requests | failures |"]
        lines[-1] += " req/user/min | CPU-ms/req less idle |"
        lines.append("|---|---|---|---|---|---|")
        for group, j in s["journeys"].items():
            cpu = ", ".join(f"{n} {ms:.2f}" for n, ms in j["busy_cpu_ms_per_request"].items())
            lines.append(
                f"| {group} | {j['users']} | {j['requests']} | {j['failures']} | "
                f"{j['requests_per_user_minute']:.1f} | {cpu} |"
            )
        lines.append("")
    lines += ["## Endpoints", "", "| endpoint | requests | failures | p50 | p95 | p99 |"]
    lines.append("|---|---|---|---|---|---|")
    lines += [
        f"| {e['method']} {e['name']} | {e['requests']} | {e['failures']} | "
        f"{e['p50_ms']:.0f} | {e['p95_ms']:.0f} | {e['p99_ms']:.0f} |"
        for e in s["endpoints"]
    ]
    return "\n".join(lines) + "\n"
