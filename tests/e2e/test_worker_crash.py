"""A notification process killed in the middle of a request hands it on within seconds: a
notice stuck in the killed process is resolved by the next one within one short ack wait (it
took 600 s). Real processes, notification on PostgreSQL, through the gateway."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest

from devstack.platform import LocalPlatform
from tests.conftest import POSTGRES_ADMIN_URL
from tests.e2e.harness import Api, OwnPlatforms

pytestmark = [pytest.mark.postgres]
COUNTY, VILLAGE = "370126000000", "370126001001"
ACK_WAIT = 30.0  # kit.inbox's default
START = 30.0  # a bound on a notification process's start, not an expectation


@pytest.fixture(scope="module")
async def notification_url(postgres_database) -> str:  # type: ignore[no-untyped-def]
    return await postgres_database("crash_notification")


@pytest.fixture(scope="module")
def crashable(own_platforms: OwnPlatforms, notification_url: str) -> Iterator[LocalPlatform]:
    with own_platforms.start(
        "crash",
        services=("identity", "notification"),
        database_urls={"notification": notification_url},
    ) as own:
        yield own.local


def plain(url: str) -> str:
    """asyncpg's form of a SQLAlchemy URL."""
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def until_waiting_on_the_lock(database: str) -> None:
    """Until a statement of notification's waits for the test's lock: mid-request."""
    watcher = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        waiting = (
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'"
        )
        while True:
            if await watcher.fetchval(waiting, database):
                return
            await asyncio.sleep(0.1)
    finally:
        await watcher.close()


def notice_state(api: Api, token: str, notice_id: str) -> str:
    reply = api.get(f"/api/v1/notices/{notice_id}", token)
    return reply.json()["state"] if reply.status_code == 200 else f"({reply.status_code})"


async def test_a_request_of_a_killed_notification_process_is_handled_by_the_next_in_seconds(
    crashable: LocalPlatform, notification_url: str
) -> None:
    with httpx.Client(base_url=crashable.config.gateway_url, timeout=30) as http:
        api = Api(http)
        created = crashable.bootstrap_admin("13600000001", "省管理员")
        admin = api.activate("13600000001", created["initial_password"])
        # numbers of its own: the SMSC is the whole run's, the other tests count its texts
        helper = api.create_user(admin, VILLAGE, "helper", mobile="13600000101")
        assert helper.status_code == 201, helper.text
        holder = await asyncpg.connect(plain(notification_url))
        try:
            await holder.execute("BEGIN; LOCK TABLE inbox IN EXCLUSIVE MODE")
            sent = api.http.post(
                "/api/v1/notices",
                json={"role": "helper", "region_code": COUNTY, "text": "请核查。"},
                headers=api.auth(admin),
            )
            assert sent.status_code == 201, sent.text
            notice_id = sent.json()["id"]
            database = urlsplit(notification_url).path.lstrip("/")
            await asyncio.wait_for(until_waiting_on_the_lock(database), 30)
            (worker,) = [c for c in crashable.supervisor.children if c.name == "notification"]
            worker.process.kill()  # SIGKILL mid-request: no ack, no nak
            worker.process.wait()
            killed_at = time.monotonic()
            crashable.supervisor.spawn(
                "notification-next", "services.notification", crashable.environment()
            )
        finally:
            await holder.execute("ROLLBACK")
            await holder.close()
        while (state := notice_state(api, admin, notice_id)) not in ("sending", "done"):
            assert time.monotonic() - killed_at < ACK_WAIT + START, state
            await asyncio.sleep(0.2)
