"""On a machine with no NATS or Redis (a newcomer's laptop), the project starts its own."""

from __future__ import annotations

from pathlib import Path

import redis

from devstack.infra import ensure_nats, ensure_redis, nats_answers, redis_answers
from devstack.processes import free_port


def test_the_projects_own_nats_starts_where_none_answers_and_stops_again(tmp_path: Path) -> None:
    url = f"nats://127.0.0.1:{free_port()}"
    assert not nats_answers(url)
    started = ensure_nats(url, tmp_path / "js")
    try:
        assert started is not None and nats_answers(url)
        assert ensure_nats(url, tmp_path / "js") is None  # it answers now: used as it is
    finally:
        started.stop()
    assert not nats_answers(url)


def test_the_projects_own_redis_starts_where_none_answers(tmp_path: Path) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    started = ensure_redis(url, tmp_path)
    try:
        assert started is not None and redis_answers(url)
        client = redis.Redis.from_url(url)
        client.set("k", "v")
        assert client.get("k") == b"v"
        client.close()
    finally:
        started.stop()
    assert not redis_answers(url)
