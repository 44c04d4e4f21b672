"""The officers' other pages in a real browser: an import with a row error shows the row report;
a notice sent is watched until its messages are delivered; a need is escalated; a task is
assigned; a user is created (the one-time password shown once), paired with a household, and
the audit log shows it. Every page names the people and regions it lists (not their ids and
codes)."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from tests.browser.console_pages import (
    activated_account,
    filed_need,
    new_household,
    screenshot,
    sign_in,
)
from tests.e2e.harness import STRONG_PASSWORD
from tests.e2e.test_imports import csv_file, household_rows

LIXIA = "370102000000"
VILLAGE = "370102001002"
TOWN = "370102001000"
NAME = "测试用户"  # the harness's accounts' name


def region_name(api, token: str, code: str) -> str:  # type: ignore[no-untyped-def]
    return api.get(f"/api/v1/regions/{code}", token).json()["name"]


def test_an_import_with_a_row_error_shows_the_row_report(page, api, admin_token) -> None:
    officer = activated_account(api, admin_token, LIXIA, "info_officer")
    number = f"IMP-{time.time_ns()}"
    rows = household_rows(number, village=VILLAGE)
    for row in rows:
        row[2] = "富裕户"  # not an attribute
    sign_in(page, officer, STRONG_PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="批量导入").click()
    page.get_by_label("文件（.csv 或 .xlsx，按模板填写）").set_input_files(
        files=[{"name": "households.csv", "mimeType": "text/csv", "buffer": csv_file(rows)}]
    )
    page.get_by_role("button", name="上传").click()

    expect(page.locator("#import-outcome")).to_have_text("已检查（试导入）")
    report = page.get_by_role("table", name="错误行报告")
    expect(report).to_contain_text(number)
    expect(report).to_contain_text("户属性")
    expect(page.get_by_role("table", name="最近的导入")).to_contain_text("households.csv")
    screenshot(page, "imports")


def test_a_notice_sent_is_watched_until_delivered(page, api, admin_token) -> None:
    helper_id, _, _ = api.new_user(admin_token, VILLAGE, "helper")
    officer = activated_account(api, admin_token, LIXIA, "info_officer")
    sign_in(page, officer, STRONG_PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="通知公告").click()
    page.get_by_label("发给（角色）").select_option("helper")
    page.get_by_label("范围（区划代码）").fill(VILLAGE)
    page.get_by_label("通知内容（短信，最多 500 字）").fill("请于本周五前完成入户核查。")
    page.get_by_role("button", name="发送").click()

    expect(page.get_by_role("heading", name="通知发送情况")).to_be_visible()
    expect(page.locator("#notice-state")).to_have_text("发送完毕", timeout=30_000)
    recipients = page.get_by_role("table", name="收件人")
    expect(recipients).to_contain_text(NAME)
    expect(recipients).to_contain_text(region_name(api, admin_token, VILLAGE))
    expect(recipients).not_to_contain_text(helper_id)
    expect(recipients).not_to_contain_text(VILLAGE)
    expect(page.get_by_text("已全部处理完毕。")).to_be_visible(timeout=30_000)
    expect(recipients).to_contain_text("已送达")
    expect(recipients).not_to_contain_text("delivered")  # the statuses in Chinese
    screenshot(page, "notices")


def test_the_village_escalates_a_need_to_the_town(page, api, admin_token) -> None:
    description = f"住院费用高 {time.time_ns()}"
    need = filed_need(api, admin_token, VILLAGE, description)
    team = activated_account(api, admin_token, VILLAGE, "work_team")
    sign_in(page, team, STRONG_PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="需求台账").click()
    row = page.get_by_role("table", name="需求").get_by_role("row").filter(has_text=description)
    expect(row).to_contain_text("村级")
    expect(row).to_contain_text("医疗")
    expect(row).to_contain_text(region_name(api, admin_token, VILLAGE))
    expect(row).not_to_contain_text(VILLAGE)
    screenshot(page, "needs")
    row.get_by_role("link").click()

    page.get_by_label("处理方式").select_option("escalate")
    page.get_by_label("说明（上报原因、解决办法或答复内容）").fill("村级无力解决")
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#need-owner")).to_have_text(
        f"乡镇级（{region_name(api, admin_token, TOWN)}）"
    )
    expect(page.locator("#need-filed-by")).to_have_text(NAME)
    expect(page.get_by_role("table", name="处理经过")).to_contain_text("村级无力解决")
    assert api.get(f"/api/v1/needs/{need['id']}", admin_token).json()["owner_level"] == "town"
    screenshot(page, "need")


def test_an_officer_assigns_a_task_to_the_helpers_of_a_village(page, api, admin_token) -> None:
    api.new_user(admin_token, VILLAGE, "helper")
    household = new_household(api, admin_token, VILLAGE)
    officer = activated_account(api, admin_token, LIXIA, "info_officer")
    title = f"核实帮扶户收入 {time.time_ns()}"
    sign_in(page, officer, STRONG_PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="工作任务").click()
    page.get_by_label("任务类型").select_option("verify_data")
    page.get_by_label("任务名称").fill(title)
    page.get_by_label("角色").select_option("helper")
    page.get_by_label("区划代码").fill(VILLAGE)
    page.get_by_label("农户户编号（可不填）").fill("HH-NOT-IN-SCOPE")
    page.get_by_role("button", name="派发").click()
    expect(page.get_by_role("alert")).to_contain_text("HH-NOT-IN-SCOPE")  # nothing assigned
    page.get_by_label("农户户编号（可不填）").fill(household["number"])
    page.get_by_role("button", name="派发").click()

    row = page.get_by_role("table", name="任务").get_by_role("row").filter(has_text=title)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("核实数据")
    expect(row).to_contain_text(f"{household['number']} 王大山")  # the household, by number
    expect(row).to_contain_text(f"{NAME}：已派发")  # the assignee by name, not by id
    screenshot(page, "tasks")


def test_a_user_created_paired_and_audited(page, api, admin_token) -> None:
    household = new_household(api, admin_token, VILLAGE)
    admin = activated_account(api, admin_token, LIXIA, "admin")
    mobile = api.next_mobile()
    sign_in(page, admin, STRONG_PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="用户与结对").click()
    page.get_by_label("姓名").fill("李帮扶")
    page.get_by_label("手机号").fill(mobile)
    page.get_by_label("区划代码").first.fill(VILLAGE)
    page.get_by_role("checkbox", name="帮扶责任人").check()
    page.get_by_role("button", name="创建").click()
    shown = page.locator("#initial-password")
    expect(shown).to_contain_text("李帮扶")
    password = shown.locator(".secret").inner_text()
    assert api.token(mobile, password).status_code == 200  # the one-time password works
    users = page.get_by_role("table", name="用户")
    expect(users).to_contain_text("待首次登录")
    village = region_name(api, admin_token, VILLAGE)
    expect(users.get_by_role("row").filter(has_text="李帮扶")).to_contain_text(village)
    expect(users).not_to_contain_text(VILLAGE)
    screenshot(page, "users")

    page.get_by_label("结对的帮扶责任人").select_option(label=f"李帮扶（{village}）")
    page.get_by_label("农户户编号（多个用逗号或换行分隔）").fill(household["number"])
    page.get_by_role("button", name="结对").click()
    pairings = page.get_by_role("table", name="已结对的农户")
    expect(pairings).to_contain_text(household["number"])  # the household by number and head
    expect(pairings).to_contain_text(household["members"][0]["name"])
    expect(pairings).not_to_contain_text(household["id"])
    paired = api.get(f"/api/v1/households/{household['id']}/pairings", admin_token).json()
    assert len(paired["items"]) == 1

    page.goto("/console/#/audit?action=user.created")
    records = page.get_by_role("table", name="审计记录")
    expect(records).to_contain_text("创建用户")
    expect(records).not_to_contain_text("重置密码")  # the filter applied
    admin_id = api.get("/api/v1/me", api.login(admin, STRONG_PASSWORD)).json()["id"]
    mine = records.get_by_role("row").filter(has_text="李帮扶")
    expect(mine).to_contain_text(NAME)  # the actor by name
    expect(records).not_to_contain_text(admin_id)
    # Filters by name: the actor among the people of the county (their numbers masked).
    province_admin = api.get("/api/v1/me", admin_token).json()["id"]  # created this admin
    expect(records).to_contain_text(province_admin)  # out of the county: shown by id
    page.get_by_label("操作人").select_option(label=f"{NAME}（{admin[:3]}****{admin[-4:]}）")
    expect(page.get_by_label("区划")).to_contain_text(region_name(api, admin_token, LIXIA))
    page.get_by_role("button", name="筛选").click()
    expect(page).to_have_url(re.compile(f"actor_id={admin_id}"))
    records = page.get_by_role("table", name="审计记录")
    expect(records.get_by_role("row").filter(has_text="李帮扶")).to_have_count(1)
    expect(records).not_to_contain_text(province_admin)
    screenshot(page, "audit")
