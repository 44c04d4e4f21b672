"""Reviewing a helper's proposal in a real browser: the work team sees it pending, a rejection
without a reason is the API's problem in Chinese, an approval makes the change count."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.console_pages import activated_account, new_household, screenshot, sign_in
from tests.e2e.harness import STRONG_PASSWORD

VILLAGE = "370102001002"


def test_the_work_team_approves_a_helpers_proposal(page, api, admin_token) -> None:
    household = new_household(api, admin_token, VILLAGE)
    helper_id, _, helper = api.new_user(admin_token, VILLAGE, "helper")
    paired = api.http.post(
        f"/api/v1/households/{household['id']}/pairings",
        json={"helper_id": helper_id},
        headers=api.auth(admin_token),
    )
    assert paired.status_code == 201, paired.text
    proposed = api.http.post(
        f"/api/v1/households/{household['id']}/change-requests",
        json={"expected_version": household["version"], "main_cause": "disability"},
        headers=api.auth(helper),
    )
    assert proposed.status_code == 201, proposed.text
    team = activated_account(api, admin_token, VILLAGE, "work_team")
    sign_in(page, team, STRONG_PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="待审核修改").click()

    card = page.get_by_role("article").filter(has_text=household["number"])
    expect(card).to_contain_text("主要致贫原因 →")
    village = api.get(f"/api/v1/regions/{VILLAGE}", admin_token).json()["name"]
    expect(card).to_contain_text("提交人：测试用户")  # the helper and the village by name
    expect(card).to_contain_text(f"村：{village}")
    expect(card).not_to_contain_text(helper_id)
    expect(card).not_to_contain_text(household["id"])  # the household by its archive number
    screenshot(page, "reviews")
    card.get_by_role("button", name="驳回").click()
    expect(card.get_by_role("alert")).to_be_visible()  # a rejection needs its reason
    card.get_by_role("button", name="通过").click()
    expect(page.get_by_role("article").filter(has_text=household["number"])).to_have_count(0)
    after = api.get(f"/api/v1/households/{household['id']}", admin_token).json()
    assert (after["main_cause"], after["version"]) == ("disability", household["version"] + 1)
