"""Steps the browser tests share. JZ_SCREENSHOTS=1 makes the tests that show a main page save
it to docs/console/<name>.png (CI leaves them alone)."""

from __future__ import annotations

import os
from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "console"


def screenshot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Save the page as docs/console/<name>.png when JZ_SCREENSHOTS=1."""
    if os.environ.get("JZ_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in(page, mobile: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/console/")
    page.get_by_label("手机号").fill(mobile)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
