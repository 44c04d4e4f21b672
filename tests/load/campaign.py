"""`python -m tests.load` (`make load`): the data-update campaign end to end — a platform on
PostgreSQL of its own (or the one at --host), a generated county seeded through the API with
one account per simulated user, locust headless, and one report folder under var/load/ with
locust's CSV and HTML and a short summary (tests/load/README.md)."""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TypeVar

import httpx

from tests.load.scenarios.accounts import ACCOUNTS_ENV, PHONES_ENV, THINK_ENV, group_counts
from tests.load.seed import Api, seed
from tests.load.summary import summarize

T = TypeVar("T")
HERE = Path(__file__).resolve().parent
ADMIN_MOBILE = "13800000000"
# The local platform runs with production settings but for these: texts at any hour, and the
# gateway trusting the local hop's X-Forwarded-For (as it trusts the ingress in a cluster), so
# each simulated phone has an address of its own for the per-address limits.
CAMPAIGN_ENV = {
    "GATEWAY_RATE_LIMIT_PER_MINUTE": "1200",
    "GATEWAY_TRUSTED_PROXIES": "127.0.0.1",
    "NOTIFICATION_QUIET_HOURS": "",
}


@dataclass(frozen=True)
class Options:
    households: int
    users: int
    rate: float
    duration: str
    host: str
    processes: int
    county: str
    think: float
    idle: float
    journeys: float
    out: Path


@dataclass
class Target:
    """A platform to run the campaign against: its URL, its administrator's token, the phones
    (the SMSC simulator's front, or "" when texts go to real phones), and the CPU-seconds so
    far of each of its processes that this machine can see."""

    url: str
    admin: str
    phones: str
    cpu: dict[str, Callable[[], float]]
    logs: Path | None = None
    pids: dict[str, int] = field(default_factory=dict)  # a local platform's processes


@contextmanager
def local_target(stack: ExitStack) -> Iterator[Target]:
    """The whole platform on this machine's PostgreSQL (databases of its own, dropped after)."""
    # Imported here: seeding a deployment (the campaign's image) needs none of the platform.
    from benchmarks.harness import (
        activate,
        postgres_database,
        postgres_server_pid,
        running_platform,
    )
    from benchmarks.load import cpu_seconds, tree_cpu_seconds
    from devstack.platform import SERVICE_PORTS
    from tests.load.phones import phones

    smsc, phones_url = stack.enter_context(phones())
    urls = {name: stack.enter_context(postgres_database(name, "load")) for name in SERVICE_PORTS}
    platform = stack.enter_context(
        running_platform(urls, smsc_port=smsc.port, extra_env=CAMPAIGN_ENV)
    )
    created = platform.bootstrap_admin(ADMIN_MOBILE, "省管理员")
    with httpx.Client(base_url=platform.config.gateway_url, timeout=60) as http:
        admin = activate(http, ADMIN_MOBILE, created["initial_password"])
    cpu: dict[str, Callable[[], float]] = {
        child.name: partial(cpu_seconds, [child.process.pid])
        for child in platform.supervisor.children
    }
    cpu["postgres (whole server)"] = partial(tree_cpu_seconds, postgres_server_pid())
    pids = {child.name: child.process.pid for child in platform.supervisor.children}
    yield Target(platform.config.gateway_url, admin, phones_url, cpu, platform.config.var_dir, pids)


def setting(name: str, default: str = "") -> str:
    """$name, or the content of the file $name_FILE names (a mounted Secret's)."""
    path = os.environ.get(f"{name}_FILE")
    return Path(path).read_text().strip() if path else os.environ.get(name, default)


def remote_target(host: str) -> Target:
    """A running deployment: its administrator's credentials from the environment."""
    mobile = setting("JZ_LOAD_ADMIN_MOBILE", ADMIN_MOBILE)
    password = setting("JZ_LOAD_ADMIN_PASSWORD")
    if not password:
        raise SystemExit("HOST= needs JZ_LOAD_ADMIN_PASSWORD (and JZ_LOAD_ADMIN_MOBILE)")
    with httpx.Client(base_url=host, timeout=60) as http:
        admin = Api(http).login(mobile, password)
    return Target(host, admin, os.environ.get(PHONES_ENV, ""), {})


def class_name(group: str) -> str:
    """The locust user class of a group (scenarios.journeys): work_team -> WorkTeam."""
    return "".join(word.title() for word in group.split("_"))


def measured(
    target: Target,
    idle: dict[str, float],
    command: list[str],
    env: dict[str, str],
    steady: bool = False,
) -> tuple[int, dict[str, float], dict[str, float]]:
    """Run locust; (its exit status, each process's CPU-seconds meanwhile, the same less its
    idle CPU). With `steady`, from the moment every user is logged in and running (locust
    resets its statistics then too): the journey's own cost, not the logins'."""
    if steady:
        command = [*command, "--reset-stats"]
    process = subprocess.Popen(
        command, env=env, cwd=HERE, stderr=subprocess.PIPE, text=True, bufsize=1
    )
    assert process.stderr is not None
    before = {name: cpu() for name, cpu in target.cpu.items()}
    generator_before, started = children_cpu_seconds(), time.monotonic()
    for line in process.stderr:
        sys.stderr.write(line)
        if steady and "All users spawned" in line:
            before = {name: cpu() for name, cpu in target.cpu.items()}
            started = time.monotonic()
    status = process.wait()
    elapsed = time.monotonic() - started
    used = {name: cpu() - before[name] for name, cpu in target.cpu.items()}
    used["locust (the load generator)"] = children_cpu_seconds() - generator_before
    busy = {name: max(0.0, used[name] - rate * elapsed) for name, rate in idle.items()}
    return status, used, busy


def locust_command(options: Options, url: str, prefix: Path, users: int) -> list[str]:
    command = [
        str(Path(sys.executable).parent / "locust"),
        "-f",
        str(HERE / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(options.rate),
        "--run-time",
        options.duration,
        "--host",
        url,
        "--csv",
        str(prefix),
        "--html",
        str(prefix.parent / ("report.html" if prefix.name == "locust" else f"{prefix.name}.html")),
        "--only-summary",
        "--stop-timeout",
        "10",
    ]
    if options.processes > 1:
        command += ["--processes", str(options.processes)]
    return command


def idle_cpu_rates(target: Target, seconds: float) -> dict[str, float]:
    """Each process's CPU-seconds per second while nobody uses the platform (its schedulers,
    relays and metrics), measured for `seconds`: subtracted, the rest is the requests' cost."""
    before = {name: cpu() for name, cpu in target.cpu.items()}
    if seconds <= 0:
        return {}
    time.sleep(seconds)
    return {name: (cpu() - before[name]) / seconds for name, cpu in target.cpu.items()}


def children_cpu_seconds() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def seed_only(options: Options, path: Path) -> None:
    """Seed the deployment at --host and write the accounts file (a cluster's locust pods
    read it from a Secret: deploy/k8s/load)."""
    target = remote_target(options.host)
    with httpx.Client(base_url=target.url, timeout=120) as http:
        accounts = seed(
            Api(http),
            target.admin,
            path.parent,
            households=options.households,
            county=options.county,
            users=options.users,
            processes=options.processes,
        )
    accounts.save(path)
    say(f"accounts of {options.users} users for {options.processes} locust processes: {path}")


def run(options: Options, then: Callable[[Target], T] | None = None) -> tuple[int, dict, T | None]:
    """The campaign; (locust's exit status, the summary, and what `then` measured on the
    target after it, before a local platform stops)."""
    folder = options.out.resolve() / datetime.now().strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True)
    say(f"report folder: {folder}")
    group_counts(options.users)  # refuses too few users before anything starts
    with ExitStack() as stack:
        if options.host:
            target = remote_target(options.host)
        else:
            say("starting the platform on PostgreSQL ...")
            target = stack.enter_context(local_target(stack))
        say(f"seeding {options.households:,} households and {options.users} accounts ...")
        started = time.monotonic()
        with httpx.Client(base_url=target.url, timeout=120) as http:
            accounts = seed(
                Api(http),
                target.admin,
                folder,
                households=options.households,
                county=options.county,
                users=options.users,
                processes=options.processes,
            )
        accounts.save(folder / "accounts.json")
        say(f"seeded in {time.monotonic() - started:.0f} s; locust for {options.duration} ...")
        env = {
            **os.environ,
            ACCOUNTS_ENV: str(folder / "accounts.json"),
            PHONES_ENV: target.phones,
            THINK_ENV: str(options.think),
            "JZ_LOAD_USERS": str(options.users),
        }
        idle = idle_cpu_rates(target, options.idle)
        command = locust_command(options, target.url, folder / "locust", options.users)
        status, cpu_used, busy = measured(target, idle, command, env)
        journeys: dict[str, dict] = {}
        for group, users in group_counts(options.users).items() if options.journeys else ():
            say(f"the {group} journey alone for {options.journeys:.0f} s ...")
            alone = replace(options, duration=f"{options.journeys:.0f}s")
            prefix = folder / "journeys" / group
            prefix.parent.mkdir(exist_ok=True)
            command = [*locust_command(alone, target.url, prefix, users), class_name(group)]
            alone_status, _, alone_busy = measured(target, idle, command, env, steady=True)
            journeys[group] = {"users": users, "cpu_seconds": alone_busy}
            status = status or alone_status
        after = then(target) if then else None
        if target.logs:
            shutil.copytree(target.logs / "logs", folder / "logs", dirs_exist_ok=True)
    summary = summarize(
        folder, options.__dict__ | {"out": str(options.out)}, cpu_used, busy, journeys
    )
    say((folder / "summary.md").read_text())
    return status, summary, after


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def parse(argv: list[str] | None = None) -> Options:
    arguments = vars(arguments_of(argv))
    arguments.pop("seed_only")
    return Options(**arguments)


def arguments_of(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.load", description=__doc__)
    add = parser.add_argument
    add("--households", type=int, default=2000, help="the generated county's households")
    add("--users", type=int, default=20, help="simulated users, one account each")
    add("--rate", type=float, default=2, help="users started per second")
    add("--duration", default="60s", help="locust's --run-time (30s, 2m)")
    add("--host", default="", help="a running platform's URL (default: start one here)")
    add("--processes", type=int, default=1, help="locust processes (distributed mode)")
    add("--county", default="370124000000", help="the county the campaign runs in")
    add("--think", type=float, default=1.0, help="think times times this")
    add("--idle", type=float, default=10, help="seconds of idle CPU measured before")
    add("--journeys", type=float, default=0, help="then each group alone for this many s")
    add("--out", type=Path, default=Path("var/load"), help="report folders go here")
    add("--seed-only", type=Path, help="seed --host, write the accounts file here, stop")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = arguments_of(argv)
    if arguments.seed_only:
        if not arguments.host:
            raise SystemExit("--seed-only seeds a deployment: say --host")
        seed_only(parse(argv), arguments.seed_only)
        return 0
    return run(parse(argv))[0]
