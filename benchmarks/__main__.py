"""`python -m benchmarks [name ...]`: run the side-by-side benchmarks and print their ratios."""

from __future__ import annotations

import argparse
import importlib
import sys

BENCHMARKS = {
    "authz": "benchmarks.authz_decision",
    "gateway": "benchmarks.gateway_regions",
    "gateway_household": "benchmarks.gateway_household",
    "registry_province": "benchmarks.registry_province",
    "registry_search": "benchmarks.registry_search",
    "notification_broadcast": "benchmarks.notification_broadcast",
    "task_latency": "benchmarks.task_latency",
    "metrics": "benchmarks.metrics_overhead",
    "campaign": "benchmarks.campaign",
    "assessment": "benchmarks.assessment",
}


def print_table(rows: list[dict]) -> None:
    columns = ["benchmark", "platform", "baseline", "ratio"]
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    line = " | ".join(c.ljust(widths[c]) for c in columns)
    sys.stdout.write(f"{line}\n{'-' * len(line)}\n")
    for row in rows:
        sys.stdout.write(" | ".join(str(row.get(c, "")).ljust(widths[c]) for c in columns) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("names", nargs="*", help=f"any of {', '.join(BENCHMARKS)} (default: all)")
    args = parser.parse_args()
    unknown = set(args.names) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmarks: {', '.join(sorted(unknown))}")
    rows: list[dict] = []
    for name in args.names or list(BENCHMARKS):
        sys.stdout.write(f"running {name} ...\n")
        sys.stdout.flush()
        rows.extend(importlib.import_module(BENCHMARKS[name]).run())
    print_table(rows)


if __name__ == "__main__":
    main()
