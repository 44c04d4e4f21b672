"""The console's shell in a real browser: sign-in with the one-time password and its forced
change, the territory shown, lockout messages in Chinese, sign-out, the session kept in cookies
no script can read, CSRF refused, the session refreshed when its access cookie is gone."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.console_pages import screenshot, sign_in
from tests.e2e.harness import LOCKOUT_THRESHOLD, STRONG_PASSWORD, Api

JINAN_LIXIA = "370102000000"


def new_account(api: Api, admin_token: str, region: str, *roles: str) -> tuple[str, str]:
    """(mobile, one-time password) of a new account."""
    mobile = api.next_mobile()
    reply = api.create_user(admin_token, region, *roles, mobile=mobile)
    assert reply.status_code == 201, reply.text
    return mobile, reply.json()["initial_password"]


def test_first_sign_in_changes_the_password_then_shows_the_territory(
    page, api, admin_token
) -> None:
    mobile, initial = new_account(api, admin_token, JINAN_LIXIA, "info_officer")
    sign_in(page, mobile, initial)
    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()
    expect(page.get_by_text("首次登录，请先把初始密码改为您自己的密码")).to_be_visible()
    # Every other page waits until the password is changed.
    page.goto("/console/#/households")
    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()

    page.get_by_label("当前密码").fill(initial)
    page.get_by_label("新密码（至少 8 位，含字母和数字）").fill("short")
    page.get_by_label("再次输入新密码").fill("short")
    page.get_by_role("button", name="保存新密码").click()
    expect(page.get_by_role("alert")).to_contain_text("新密码强度不够")

    page.get_by_label("新密码（至少 8 位，含字母和数字）").fill(STRONG_PASSWORD)
    page.get_by_label("再次输入新密码").fill(STRONG_PASSWORD)
    page.get_by_role("button", name="保存新密码").click()
    expect(page.get_by_role("heading", name="您好，测试用户")).to_be_visible()
    expect(page.locator("#home-territory")).to_have_text(re.compile(r"山东省 › 济南市 › 历下区$"))
    navigation = page.get_by_role("navigation", name="主导航")
    expect(navigation.get_by_role("link", name="农户档案")).to_be_visible()
    expect(navigation.get_by_role("link", name="审计日志")).to_have_count(0)  # not an officer's
    screenshot(page, "home")

    # Signed out: the page says so and the session's token no longer opens anything.
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    assert page.context.request.get("/api/v1/me").status == 401


def test_wrong_passwords_then_the_lockout_are_told_in_chinese(page, api, admin_token) -> None:
    mobile, _ = new_account(api, admin_token, JINAN_LIXIA, "info_officer")
    sign_in(page, mobile, "not-the-password-1")
    expect(page.get_by_role("alert")).to_have_text("手机号或密码不正确。")
    for _ in range(LOCKOUT_THRESHOLD):
        page.get_by_label("密码", exact=True).fill("not-the-password-1")
        page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("账户已被临时锁定")
    screenshot(page, "sign-in-locked")


def test_the_session_is_in_cookies_no_script_reads_and_unsafe_calls_need_the_csrf_header(
    page, api, admin_token
) -> None:
    mobile, initial = new_account(api, admin_token, JINAN_LIXIA, "info_officer")
    api.activate(mobile, initial)
    sign_in(page, mobile, STRONG_PASSWORD)
    expect(page.get_by_role("heading", name="您好，测试用户")).to_be_visible()

    readable = page.evaluate("() => [document.cookie, JSON.stringify(localStorage)]")
    assert "jz_csrf=" in readable[0] and "jz_access" not in readable[0]
    assert "jz_refresh" not in readable[0] and readable[1] == "{}"
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["jz_access"]["httpOnly"] and cookies["jz_access"]["sameSite"] == "Strict"
    assert cookies["jz_refresh"]["httpOnly"] and cookies["jz_refresh"]["path"] == "/console/session"

    request = page.context.request
    body = {
        "mobile": api.next_mobile(),
        "name": "跨站",
        "region_code": JINAN_LIXIA,
        "roles": ["helper"],
    }
    forged = request.post("/api/v1/users", data=body)
    assert forged.status == 403
    assert forged.headers["content-type"] == "application/problem+json"
    assert forged.json()["type"] == "urn:jingzhun:problem:csrf-token-invalid"
    wrong = request.post("/api/v1/users", data=body, headers={"X-CSRF-Token": "guessed"})
    assert wrong.status == 403
    csrf = cookies["jz_csrf"]["value"]
    made = request.post("/api/v1/users", data=body, headers={"X-CSRF-Token": csrf})
    assert made.status == 201, made.text()
    # A route that answers with tokens never does so to the cookie (a script would read them).
    change = {"current_password": STRONG_PASSWORD, "new_password": f"{STRONG_PASSWORD}x"}
    refused = request.post("/api/v1/auth/password", data=change, headers={"X-CSRF-Token": csrf})
    assert refused.status == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"] == "urn:jingzhun:problem:bearer-token-required"
    assert "access_token" not in refused.text()
    assert api.token(mobile, STRONG_PASSWORD).status_code == 200  # the password is unchanged

    # The console's pages allow no inline script and nothing from elsewhere.
    policy = request.get("/console/").headers["content-security-policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy


def test_a_lost_access_cookie_is_renewed_from_the_refresh_cookie(page, api, admin_token) -> None:
    mobile, initial = new_account(api, admin_token, JINAN_LIXIA, "info_officer")
    api.activate(mobile, initial)
    sign_in(page, mobile, STRONG_PASSWORD)
    expect(page.get_by_role("heading", name="您好，测试用户")).to_be_visible()
    first = {c["name"]: c["value"] for c in page.context.cookies()}["jz_access"]
    page.context.clear_cookies(name="jz_access")  # as the browser does when it expires

    page.reload()
    expect(page.get_by_role("heading", name="您好，测试用户")).to_be_visible()
    renewed = {c["name"]: c["value"] for c in page.context.cookies()}["jz_access"]
    assert renewed != first
