"""Steps the browser tests share. JZ_SCREENSHOTS=1 makes the tests that show a main page save
it to docs/console/<name>.png (CI leaves them alone)."""

from __future__ import annotations

import itertools
import os
import time
from pathlib import Path

from kit.id_numbers import check_character
from tests.e2e.harness import Api

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


def activated_account(api: Api, admin_token: str, region: str, *roles: str) -> str:
    """The mobile of a new account whose password is already STRONG_PASSWORD."""
    mobile = api.next_mobile()
    reply = api.create_user(admin_token, region, *roles, mobile=mobile)
    assert reply.status_code == 201, reply.text
    api.activate(mobile, reply.json()["initial_password"])
    return mobile


_serial = itertools.count(500)


def id_number(born: str) -> str:
    first = f"370102{born}{next(_serial):03d}"
    return first + check_character(first)


def new_household(api: Api, token: str, village: str) -> dict:
    body = {
        "number": f"HH-{time.time_ns()}",
        "village_code": village,
        "attribute": "general",
        "main_cause": "illness",
        "members": [
            {"name": "王大山", "id_number": id_number("19650304"), "relation": "head"},
            {"name": "赵春花", "id_number": id_number("19680512"), "relation": "spouse"},
        ],
    }
    reply = api.http.post("/api/v1/households", json=body, headers=api.auth(token))
    assert reply.status_code == 201, reply.text
    return reply.json()


def filed_need(api: Api, admin_token: str, village: str, description: str) -> dict:
    """A need filed by a helper paired with a new household of `village`."""
    household = new_household(api, admin_token, village)
    helper_id, _, helper = api.new_user(admin_token, village, "helper")
    paired = api.http.post(
        f"/api/v1/households/{household['id']}/pairings",
        json={"helper_id": helper_id},
        headers=api.auth(admin_token),
    )
    assert paired.status_code == 201, paired.text
    body = {"household_id": household["id"], "category": "medical", "description": description}
    filed = api.http.post("/api/v1/needs", json=body, headers=api.auth(helper))
    assert filed.status_code == 201, filed.text
    return filed.json()
