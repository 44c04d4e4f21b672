"""Browser tests: Debian's Chromium driven by Playwright against the real platform (the e2e
harness's processes), the console served by the gateway under /console/.

The steps the tests share are in tests/browser/console_pages.py."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from devstack.platform import LocalPlatform
from tests.e2e.harness import Api, closing_smsc, running_platform
from tests.e2e.smsc import SmscThread

playwright_sync = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("JZ_CHROMIUM", "/usr/bin/chromium")
ADMIN_MOBILES = itertools.count(13700000000)
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="package")
def smsc() -> Iterator[SmscThread]:
    with closing_smsc() as simulator:
        yield simulator


@pytest.fixture(scope="package")
def platform(
    tmp_path_factory: pytest.TempPathFactory,
    nats_url: str,
    redis_url: str,
    bus_prefix: str,
    redis_prefix: str,
    smsc: SmscThread,
) -> Iterator[LocalPlatform]:
    with running_platform(
        tmp_path_factory.mktemp("console-platform"),
        nats_url=nats_url,
        redis_url=redis_url,
        bus_prefix=f"{bus_prefix}console.",
        redis_prefix=f"{redis_prefix}console:",
        smsc_port=smsc.port,
    ) as local:
        yield local


@pytest.fixture(scope="package")
def api(platform: LocalPlatform) -> Iterator[Api]:
    with httpx.Client(base_url=platform.config.gateway_url, timeout=30) as http:
        yield Api(http)


@pytest.fixture(scope="module")
def admin_token(platform: LocalPlatform, api: Api) -> str:
    mobile = str(next(ADMIN_MOBILES))
    created = platform.bootstrap_admin(mobile, "省管理员")
    return api.activate(mobile, created["initial_password"])


@pytest.fixture(scope="package")
def browser(platform: LocalPlatform) -> Iterator[object]:
    """Started after the platform: Playwright's sync driver keeps an event loop running in this
    thread, and the platform's migrations run one of their own. Package-scoped, like the
    platform: both are gone before the tests of the other folders (their asyncio tests need a
    thread without a running loop, and the suite no second platform)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium chromium-driver)")
    with playwright_sync.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def context(browser, platform: LocalPlatform) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A fresh browser profile (no cookies) in Chinese, at a laptop's width."""
    opened = browser.new_context(
        base_url=platform.config.gateway_url,
        locale="zh-CN",
        viewport={"width": 1280, "height": 800},
    )
    opened.set_default_timeout(10_000)
    yield opened
    opened.close()


@pytest.fixture
def page(context):  # type: ignore[no-untyped-def]
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    assert errors == [], f"script errors in the console: {errors}"
