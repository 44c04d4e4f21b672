"""Officers' household pages in a real browser: search → archive (members masked) → an edit
that meets someone else's newer edit (the API's 409 and the current values) → the history; and
a village cadre's pages (households, needs, users) show nothing of another village."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.console_pages import (
    activated_account,
    filed_need,
    new_household,
    screenshot,
    sign_in,
)
from tests.e2e.harness import STRONG_PASSWORD

LIXIA = "370102000000"
VILLAGE = "370102001002"
NEIGHBOUR_VILLAGE = "370102001003"


def test_search_archive_edit_with_a_conflict_then_the_history(page, api, admin_token) -> None:
    household = new_household(api, admin_token, VILLAGE)
    helper_id, _, _ = api.new_user(admin_token, VILLAGE, "helper")
    paired = api.http.post(
        f"/api/v1/households/{household['id']}/pairings",
        json={"helper_id": helper_id},
        headers=api.auth(admin_token),
    )
    assert paired.status_code == 201, paired.text
    village = api.get(f"/api/v1/regions/{VILLAGE}", admin_token).json()["name"]
    officer = activated_account(api, admin_token, LIXIA, "info_officer")
    sign_in(page, officer, STRONG_PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="农户档案").click()
    page.get_by_label("户编号").fill(household["number"])
    page.get_by_role("button", name="查询").click()
    results = page.get_by_role("table", name="农户")
    expect(results.get_by_role("row")).to_have_count(2)  # the header and the one household
    expect(results).to_contain_text("王大山")
    expect(results).to_contain_text(village)  # the village by its name, not its code
    expect(results).not_to_contain_text(VILLAGE)
    screenshot(page, "households")
    results.get_by_role("link", name=household["number"]).click()

    expect(page.get_by_role("heading", name=f"农户档案 {household['number']}")).to_be_visible()
    members = page.get_by_role("table", name="家庭成员")
    expect(members).to_contain_text("赵春花")
    expect(page.locator("#household-village")).to_have_text(village)
    pairings = page.get_by_role("table", name="结对")
    expect(pairings).to_contain_text("测试用户")  # the helper by name
    expect(pairings).not_to_contain_text(helper_id)
    expect(members).to_contain_text("****")  # identity numbers masked
    expect(members).not_to_contain_text("19650304")  # the birth date inside the number
    qr = page.locator("#household-qr")
    expect(qr).to_have_attribute(
        "alt", f"农户 {household['number']} 的门牌二维码（扫码打开公开页）"
    )
    page.wait_for_function("document.querySelector('#household-qr').complete")
    assert qr.evaluate("img => img.naturalWidth") > 0  # the API's PNG, signed in by the cookie
    expect(page.get_by_role("button", name="打印二维码")).to_be_visible()
    page.evaluate("document.body.classList.add('printing-qr')")  # what the button does first
    page.emulate_media(media="print")
    expect(qr).to_be_visible()
    expect(page.get_by_role("heading", name=f"农户档案 {household['number']}")).to_be_hidden()
    page.emulate_media(media="screen")
    page.evaluate("document.body.classList.remove('printing-qr')")

    # Someone else edits the archive after this page read it.
    path = f"/api/v1/households/{household['id']}"
    other = api.http.patch(
        path,
        json={"expected_version": 1, "attribute": "destitute_support"},
        headers=api.auth(admin_token),
    )
    assert other.status_code == 200, other.text
    page.get_by_label("主要致贫原因").select_option("disability")
    page.get_by_role("button", name="保存修改").click()
    expect(page.get_by_role("alert")).to_contain_text("该记录已被他人修改")
    expect(page.locator("#conflict-current")).to_contain_text("版本 2")
    expect(page.locator("#conflict-current")).to_contain_text("户属性：")
    screenshot(page, "household-conflict")

    before = page.locator("#household-main-cause").inner_text()
    page.get_by_role("button", name="载入最新内容").click()
    expect(page.locator("#conflict-current")).to_have_count(0)
    expect(page.get_by_text("当前版本：2")).to_be_visible()
    page.get_by_label("主要致贫原因").select_option("disability")
    page.get_by_role("button", name="保存修改").click()
    expect(page.get_by_text("当前版本：3")).to_be_visible()
    expect(page.locator("#household-main-cause")).not_to_have_text(before)
    assert api.get(path, admin_token).json()["main_cause"] == "disability"
    history = page.get_by_role("table", name="变更记录")
    expect(history.get_by_role("row")).to_have_count(
        1 + len(api.get(f"{path}/history", admin_token).json()["items"])
    )
    expect(history).to_contain_text("修改")
    screenshot(page, "household")


def test_a_village_cadre_sees_nothing_of_another_village(page, api, admin_token) -> None:
    own = new_household(api, admin_token, VILLAGE)
    neighbours = new_household(api, admin_token, NEIGHBOUR_VILLAGE)
    own_need = filed_need(api, admin_token, VILLAGE, "本村的需求")
    neighbours_need = filed_need(api, admin_token, NEIGHBOUR_VILLAGE, "邻村的需求")
    cadre = activated_account(api, admin_token, VILLAGE, "work_team")
    sign_in(page, cadre, STRONG_PASSWORD)
    expect(page.locator("#account-territory")).to_contain_text("历下区")

    page.goto("/console/#/households")
    results = page.get_by_role("table", name="农户")
    expect(results).to_contain_text(own["number"])
    expect(results).not_to_contain_text(neighbours["number"])
    page.get_by_label("户编号").fill(neighbours["number"])
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("没有符合条件的农户。")).to_be_visible()

    page.goto(f"/console/#/household/{neighbours['id']}")
    expect(page.get_by_role("alert")).to_have_text("未找到（或不在您的辖区内）。")
    expect(page.get_by_role("main")).not_to_contain_text("王大山")

    page.goto("/console/#/needs")
    ledger = page.get_by_role("table", name="需求")
    expect(ledger).to_contain_text(own_need["description"])
    expect(ledger).not_to_contain_text(neighbours_need["description"])
    page.goto(f"/console/#/needs/{neighbours_need['id']}")
    expect(page.get_by_role("alert")).to_have_text("未找到（或不在您的辖区内）。")

    page.goto("/console/#/users")
    users = page.get_by_role("table", name="用户")
    codes = [VILLAGE, NEIGHBOUR_VILLAGE]
    village, neighbour = (
        r["name"] for r in api.get("/api/v1/regions", admin_token, code=codes).json()["items"]
    )
    expect(users).to_contain_text(village)  # the region by its name
    expect(users).not_to_contain_text(neighbour)  # the neighbours' helper is not listed
    named = api.get("/api/v1/regions", api.login(cadre, STRONG_PASSWORD), code=codes).json()
    assert [r["code"] for r in named["items"]] == [VILLAGE]  # nor named to the cadre
