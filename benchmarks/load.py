"""Load from `wrk` (a second process, light enough to leave the servers most of the CPU), and
the CPU the servers spent per request, read from /proc — the steadiest figure on this machine."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class LoadResult:
    requests_per_second: float
    p99_ms: float
    non_2xx: int
    cpu_ms_by_server: dict[str, float]  # server name -> CPU-ms per request

    @property
    def cpu_ms_per_request(self) -> float:
        return sum(self.cpu_ms_by_server.values())


def _stat(pid: int) -> list[str]:
    """The fields of /proc/pid/stat after the command name: state, ppid, ... utime is [11]."""
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = _stat(pid)
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / CLOCK_TICKS


def parent_of(pid: int) -> int:
    return int(_stat(pid)[1])


def tree_cpu_seconds(parent: int) -> float:
    """CPU of a server that forks a process per connection (PostgreSQL): the parent's own and
    its reaped children's (cutime + cstime), plus its live children's, so connections opened
    and closed between two readings count too."""
    fields = _stat(parent)
    total = sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                child = _stat(int(entry.name))
            except OSError:  # exited meanwhile: now in the parent's cutime
                continue
            if int(child[1]) == parent:
                total += int(child[11]) + int(child[12])
    return total / CLOCK_TICKS


def _milliseconds(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(
    url: str,
    *,
    seconds: int,
    connections: int,
    headers: dict[str, str],
    servers: dict[str, Callable[[], float]],
    script: Path | None = None,
) -> LoadResult:
    """Load `url` (or the requests `script` makes, a wrk Lua file) after a 2 s warm-up;
    `servers` gives, by name, each server's CPU-seconds so far (`cpu_seconds`,
    `tree_cpu_seconds`)."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("the benchmarks need wrk: apt-get install wrk")
    command = [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    subprocess.run([*command[:3], "-d2s", *command[4:]], capture_output=True, check=True)  # warm-up
    cpu_before = {name: cpu() for name, cpu in servers.items()}
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    cpu_used = {name: cpu() - cpu_before[name] for name, cpu in servers.items()}
    requests = max(int(re.search(r"(\d+) requests in", output).group(1)), 1)  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return LoadResult(
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        p99_ms=_milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)),  # type: ignore[union-attr]
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        cpu_ms_by_server={name: used * 1000 / requests for name, used in cpu_used.items()},
    )
