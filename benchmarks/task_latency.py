"""How long a task takes to reach a cadre's phone: `POST /api/v1/tasks` to one cadre through the
gateway (assistance's use-case, its `notification.requested` through the outbox and NATS, then
notification's consumer and dispatcher) until its submit_sm arrives at the SMSC simulator, under
a steady load; beside notification's own latency, the same event published straight on NATS.

The simulator runs in this process and stamps each message's arrival; quiet hours are off and
the daily cap lifted; assistance and notification keep their data in PostgreSQL (databases of
this run's own, dropped afterwards). Size: JZ_BENCH_RATE (per second, default 10), JZ_BENCH_SECONDS (30)."""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import time
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta

import httpx

from benchmarks.gateway_household import bearer, county_admin_token, villages_of_county
from benchmarks.harness import admin_token, postgres_database, running_platform
from devstack.platform import LocalPlatform
from jingzhun.notification.v1 import events_pb2
from kit.bus import Bus
from services.notification.sms.simulator import SmscSimulator

CADRE_MOBILE = "13900000002"
STORED_IN_POSTGRES = ("assistance", "notification")  # the services on the measured path
DRAIN_SECONDS = 60.0
MARKED = re.compile(r"(任务|事件)bench-\d{5}")


async def steady(rate: float, seconds: float, send: Callable[[int], Awaitable[None]]) -> dict:
    """`send(n)` at `rate` per second for `seconds`, each on schedule whatever the others take:
    marker -> when it was sent (monotonic)."""
    sent: dict[str, float] = {}

    async def one(n: int) -> None:
        sent[marker(n)] = time.monotonic()
        await send(n)

    started, pending = time.monotonic(), []
    for n in range(int(rate * seconds)):
        await asyncio.sleep(max(0.0, started + n / rate - time.monotonic()))
        pending.append(asyncio.create_task(one(n)))
    await asyncio.gather(*pending)
    return sent


def marker(n: int) -> str:
    return f"bench-{n:05d}"


async def latencies(
    simulator: SmscSimulator, phone: str, prefix: str, sent: dict[str, float]
) -> list[float]:
    """Milliseconds from each send to its text's arrival at the simulator (`prefix` + marker)."""
    deadline = time.monotonic() + DRAIN_SECONDS
    texts = {f"{prefix}{key}": key for key in sent}
    arrived: dict[str, float] = {}
    while len(arrived) < len(sent):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{len(sent) - len(arrived)} texts of {prefix} never arrived")
        await asyncio.sleep(0.2)
        for message in simulator.messages:
            found = MARKED.search(message.text)
            if message.phone == phone and found and found.group(0) in texts:
                arrived[texts[found.group(0)]] = message.received_at
    return [(arrived[key] - sent[key]) * 1000 for key in sent]


def percentiles(values: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[98]


async def through_gateway(
    http: httpx.AsyncClient, token: str, cadre_id: str, rate: float, seconds: float
) -> dict:
    due = (datetime.now(UTC) + timedelta(days=3)).isoformat()

    async def assign(n: int) -> None:
        body = {"kind": "visit", "title": f"任务{marker(n)}", "due_at": due}
        reply = await http.post(
            "/api/v1/tasks", json={**body, "assignee_ids": [cadre_id]}, headers=bearer(token)
        )
        reply.raise_for_status()

    return await steady(rate, seconds, assign)


async def straight_on_nats(bus: Bus, cadre_id: str, rate: float, seconds: float) -> dict:
    async def publish(n: int) -> None:
        request = events_pb2.NotificationRequested(  # as assistance asks for it
            source_id=f"bench:{marker(n)}",
            template="task_assigned",
            variables={"task": f"事件{marker(n)}", "due": "11月30日"},
            user_ids=[cadre_id],
            reply_reference=f"bench:{marker(n)}",
        )
        await bus.publish(
            "notification.requested", request.SerializeToString(), msg_id=f"bench-{n}"
        )

    return await steady(rate, seconds, publish)


def new_cadre(platform: LocalPlatform) -> tuple[str, str]:
    """The county administrator's token and the id of a helper of one of its villages."""
    with httpx.Client(base_url=platform.config.gateway_url, timeout=30) as http:
        county = county_admin_token(http, admin_token(platform))
        village = villages_of_county(http, county)[0]
        body = {"mobile": CADRE_MOBILE, "name": "帮扶干部", "region_code": village}
        reply = http.post(
            "/api/v1/users", json={**body, "roles": ["helper"]}, headers=bearer(county)
        )
        reply.raise_for_status()
        return county, reply.json()["user"]["id"]


async def measure(rate: float, seconds: float) -> list[dict]:
    simulator = SmscSimulator(failing_suffix="", receipt_delay=0.05)
    await simulator.start()
    quiet = {"NOTIFICATION_QUIET_HOURS": "", "NOTIFICATION_DAILY_CAP": str(10**9)}
    stack = ExitStack()  # the platform starts and stops off the event loop
    try:
        urls = {
            name: await asyncio.to_thread(stack.enter_context, postgres_database(name))
            for name in STORED_IN_POSTGRES
        }
        context = running_platform(urls, smsc_port=simulator.port, extra_env=quiet)
        platform = await asyncio.to_thread(stack.enter_context, context)
        token, cadre_id = await asyncio.to_thread(new_cadre, platform)
        config = platform.config
        bus = await Bus.connect(config.nats_url, config.bus_prefix, name="bench-tasks")
        try:
            sent = await straight_on_nats(bus, cadre_id, rate, seconds)
            direct = await latencies(simulator, CADRE_MOBILE, "事件", sent)
        finally:
            await bus.close()
        async with httpx.AsyncClient(base_url=config.gateway_url, timeout=30) as http:
            sent = await through_gateway(http, token, cadre_id, rate, seconds)
            tasks = await latencies(simulator, CADRE_MOBILE, "任务", sent)
    finally:
        await asyncio.to_thread(stack.close)
        await simulator.stop()
    return report(rate, seconds, tasks, direct)


def report(rate: float, seconds: float, tasks: list[float], direct: list[float]) -> list[dict]:
    (task_p50, task_p99), (direct_p50, direct_p99) = percentiles(tasks), percentiles(direct)
    return [
        {
            "benchmark": f"task to one cadre → SMS at the SMSC, {rate:g}/s for {seconds:g} s",
            "platform": f"POST /tasks: p50 {task_p50:.0f} ms, p99 {task_p99:.0f} ms",
            "baseline": f"notification.requested on NATS: p50 {direct_p50:.0f} ms, "
            f"p99 {direct_p99:.0f} ms",
            "ratio": f"{task_p50 / direct_p50:.1f}x at p50, {task_p99 / direct_p99:.1f}x at p99",
        }
    ]


def run() -> list[dict]:
    rate = float(os.environ.get("JZ_BENCH_RATE", "10"))
    seconds = float(os.environ.get("JZ_BENCH_SECONDS", "30"))
    return asyncio.run(measure(rate, seconds))
