"""What each role of a service runs: the API with its own tasks, the worker with the background
work, `all` with both; the outbox relay in every role. Streams get the configured replicas."""

from __future__ import annotations

import pytest
from nats.aio.client import Client as NATS

from kit.bus import Bus
from kit.db import Database
from kit.service_main import Role, ServiceProcess
from kit.settings import CommonSettings


async def relay() -> None: ...
async def load_policy() -> None: ...
async def consume() -> None: ...
async def schedule() -> None: ...


PROCESS = ServiceProcess(
    lambda _server: [],
    Database("sqlite+aiosqlite:///:memory:"),
    every_role=[relay],
    api=[load_policy],
    worker=[consume, schedule],
)


def test_the_api_runs_the_relay_and_its_own_tasks_but_no_background_work() -> None:
    assert PROCESS.tasks(Role.API) == [relay, load_policy]


def test_the_worker_runs_the_relay_and_the_background_work() -> None:
    assert PROCESS.tasks(Role.WORKER) == [relay, consume, schedule]


def test_all_runs_every_task_once() -> None:
    assert PROCESS.tasks(Role.ALL) == [relay, load_policy, consume, schedule]


def test_streams_have_the_replicas_named_by_jz_stream_replicas(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JZ_STREAM_REPLICAS", "3")
    replicas = CommonSettings().stream_replicas
    config = Bus(NATS(), "p.", replicas).stream_config("registry", ["registry.>"])
    assert (replicas, config.num_replicas, config.name) == (3, 3, "P_REGISTRY")


def test_streams_have_one_replica_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JZ_STREAM_REPLICAS", raising=False)
    assert Bus(NATS(), "").stream_config("training", ["training.>"]).num_replicas == 1
