"""The national 建档立卡 standard through the gateway: the code lists with their Chinese labels,
households' identification and living conditions, the subsidy bank account (masked, revealed
on purpose and audited), members' national codes, 纯收入 derived, 五个一批 as a set, and the
list and export of households changed since an instant for the national system."""

from __future__ import annotations

import csv
import io
import itertools
import time
from datetime import UTC, datetime

from kit.id_numbers import check_character
from tests.e2e.test_audit import audited
from tests.e2e.test_imports import TEMPLATE, report, upload

# 威海市环翠区 is used by no other test.
COUNTY, VILLAGE = "371002000000", "371002001001"
OTHER_COUNTY = "371003000000"
_serial = itertools.count(1)


def id_number() -> str:
    first = f"37100219750101{next(_serial):03d}"
    return first + check_character(first)


def register(api, token, **extra):  # type: ignore[no-untyped-def]
    body = {
        "number": f"NS-{time.time_ns()}",
        "village_code": VILLAGE,
        "attribute": "general",
        "main_cause": "illness",
        "members": [
            {
                "name": "王五",
                "id_number": id_number(),
                "relation": "head",
                "standard": {
                    "ethnicity": "01",
                    "education_level": "junior_secondary",
                    "labour_skill": "ordinary",
                    "employment_status": "outside_province",
                    "employment_months": "8",
                    "medical_insurance": "true",
                    "pension_insurance": "false",
                },
            }
        ],
        **extra,
    }
    return api.http.post("/api/v1/households", json=body, headers=api.auth(token))


def test_the_code_lists_are_published_with_their_chinese_labels(api, admin_token) -> None:
    reply = api.get("/api/v1/vocabularies", admin_token)
    assert reply.status_code == 200, reply.text
    lists = {v["name"]: v["terms"] for v in reply.json()["items"]}
    assert len(lists["ethnicity"]) == 56 and lists["ethnicity"][0]["label"] == "汉族"
    assert {t["label"] for t in lists["assistance_category"]} >= {"发展生产脱贫一批"}
    assert all(t["valid_from"] == "2014-01-01" for t in lists["road_type"])


def test_a_household_is_registered_with_the_national_standard(api, admin_token) -> None:
    created = register(
        api,
        admin_token,
        standard={
            "identification_standard": "national",
            "identification_year": "2015",
            "arable_land_mu": "3.5",
            "housing_area_m2": "96",
            "dilapidated_grade": "C级",  # a Chinese label is taken for its code
            "safe_drinking_water": "true",
            "has_electricity": "true",
            "road_type": "cement",
            "distance_to_road_km": "0.8",
        },
        assistance_categories=["production", "education"],
    )
    assert created.status_code == 201, created.text
    household = created.json()
    assert household["standard"]["dilapidated_grade"] == "c"
    assert household["standard"]["arable_land_mu"] == "3.5"
    assert household["standard"]["identification_year"] == "2015"
    assert household["assistance_categories"] == ["education", "production"]
    head = household["members"][0]
    assert head["standard"]["employment_status"] == "outside_province"
    assert head["standard"]["medical_insurance"] == "true"
    assert api.get(f"/api/v1/households/{household['id']}", admin_token).json() == household

    changed = api.http.patch(
        f"/api/v1/households/{household['id']}",
        json={"expected_version": 1, "standard": {"exit_year": "2020", "arable_land_mu": ""}},
        headers=api.auth(admin_token),
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["standard"]["exit_year"] == "2020"
    assert "arable_land_mu" not in changed.json()["standard"]
    member = api.http.patch(
        f"/api/v1/households/{household['id']}/members/{head['id']}",
        json={"standard": {"disability_grade": "grade_2"}, "reason": "办理残疾人证"},
        headers=api.auth(admin_token),
    )
    assert member.status_code == 200, member.text
    assert member.json()["members"][0]["standard"]["disability_grade"] == "grade_2"


def test_unknown_codes_are_refused_and_change_nothing(api, admin_token) -> None:
    for extra in (
        {"standard": {"road_type": "highway"}},
        {"standard": {"exit_year": "1999"}},
        {"standard": {"favourite_colour": "red"}},
        {"assistance_categories": ["lottery"]},
        {"bank_account": "12ab"},
    ):
        number = f"NS-BAD-{time.time_ns()}"
        refused = register(api, admin_token, number=number, **extra)
        assert refused.status_code == 400, (extra, refused.text)
        assert refused.headers["content-type"] == "application/problem+json"
    household = register(api, admin_token).json()
    head = household["members"][0]["id"]
    path = f"/api/v1/households/{household['id']}/members/{head}"
    refused = api.http.patch(
        path,
        json={"standard": {"ethnicity": "99"}, "reason": "核实"},
        headers=api.auth(admin_token),
    )
    assert refused.status_code == 400 and refused.json()["type"].endswith("unknown-code")
    after = api.get(f"/api/v1/households/{household['id']}", admin_token).json()
    assert after["members"][0]["standard"]["ethnicity"] == "01" and after["version"] == 1


def test_the_bank_account_is_masked_and_revealed_only_on_purpose(api, admin_token) -> None:
    household = register(api, admin_token, bank_account="6217 0012 3456 7890 123").json()
    assert household["bank_account"] == "6217****0123"
    path = f"/api/v1/households/{household['id']}/bank-account"
    _, _, other = api.new_user(admin_token, OTHER_COUNTY, "admin")  # may reveal, not here
    hidden = api.http.post(path, json={"purpose": "补贴发放"}, headers=api.auth(other))
    missing = api.http.post(
        f"/api/v1/households/{'0' * 32}/bank-account",
        json={"purpose": "补贴发放"},
        headers=api.auth(admin_token),
    )
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["type"] == missing.json()["type"]
    revealed = api.http.post(path, json={"purpose": "补贴发放"}, headers=api.auth(admin_token))
    assert revealed.status_code == 200, revealed.text
    assert revealed.json() == {"bank_account": "6217001234567890123"}
    assert revealed.headers["cache-control"] == "no-store"
    (record,) = audited(
        api,
        admin_token,
        "the reveal",
        action="household.bank_account_revealed",
        target_id=household["id"],
    )
    assert record["detail"] == {"purpose": "补贴发放"} and record["region_code"] == VILLAGE
    history = api.get(f"/api/v1/households/{household['id']}/history", admin_token).json()
    assert history["items"][-1]["field"] == "bank_account"


def test_net_income_is_derived_with_the_items_of_transfer_income(api, admin_token) -> None:
    household = register(api, admin_token).json()
    path = f"/api/v1/households/{household['id']}/incomes/2024"
    figures = {
        "wage": 12000,
        "production": 5000,
        "production_expense": 2000,
        "transfer_subsistence": 1800,
        "transfer_pension": 1200,
    }
    reply = api.http.put(path, json={"by_source": figures}, headers=api.auth(admin_token))
    assert reply.status_code == 200, reply.text
    (year,) = reply.json()["incomes"]
    assert year["by_source"]["transfer"] == 3000  # the sum of its items
    assert year["total"] == 12000 + 5000 + 3000 - 2000 and year["per_capita"] == 18000
    wrong = api.http.put(
        path,
        json={"by_source": {**figures, "transfer": 100}},
        headers=api.auth(admin_token),
    )
    assert wrong.status_code == 400 and wrong.json()["type"].endswith("transfer-items-differ")


def test_households_changed_since_are_listed_and_exported_for_the_national_system(
    api, admin_token
) -> None:
    before = register(api, admin_token).json()
    since = datetime.now(UTC).isoformat()
    time.sleep(0.01)  # the instant `since` lies strictly between the two registrations
    created = register(api, admin_token).json()
    changed = api.http.patch(
        f"/api/v1/households/{before['id']}",
        json={"expected_version": 1, "standard": {"road_type": "asphalt"}},
        headers=api.auth(admin_token),
    )
    assert changed.status_code == 200, changed.text
    seen: list[dict] = []
    token = ""
    while True:
        params = {"since": since, "region_code": COUNTY, "page_size": 1}
        page = api.get(
            "/api/v1/household-changes",
            admin_token,
            **params,
            **({"page_token": token} if token else {}),
        ).json()
        seen += page["items"]
        if not page["next_page_token"]:
            break
        token = page["next_page_token"]
    by_id = {c["household_id"]: c for c in seen}
    assert by_id[created["id"]]["kinds"] == ["created"]
    assert by_id[before["id"]]["kinds"] == ["changed"]
    assert by_id[before["id"]]["fields"] == ["road_type"]
    assert [c["household_id"] for c in seen][-1] == before["id"]  # oldest change first

    _, _, other = api.new_user(admin_token, OTHER_COUNTY, "info_officer")
    theirs = api.get("/api/v1/household-changes", other, since=since).json()
    assert not {c["household_id"] for c in theirs["items"]} & set(by_id)

    exported = api.get(
        "/api/v1/exports/households.csv", admin_token, region_code=COUNTY, changed_since=since
    )
    assert exported.status_code == 200, exported.text
    lines = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    numbers = {line[0] for line in lines[1:]}
    assert {before["number"], created["number"]} <= numbers
    assert numbers == {c["number"] for c in seen}
    road = lines[0].index("入户路类型")
    assert next(line for line in lines if line[0] == before["number"])[road] == "沥青路"


def test_guarantee_indicators_are_recorded_per_year(api, admin_token) -> None:
    household = register(api, admin_token).json()
    path = f"/api/v1/households/{household['id']}/indicators"
    this_year = datetime.now(UTC).year

    def assess(year: int, housing: bool):  # type: ignore[no-untyped-def]
        body = {"year": year, "values": {"safe_housing": housing, "drinking_water": True}}
        reply = api.http.put(path, json=body, headers=api.auth(admin_token))
        assert reply.status_code == 200, reply.text
        return reply.json()

    assess(this_year, True)
    corrected = assess(this_year - 1, False)  # an earlier year's record does not move today's
    assert corrected["indicators"]["safe_housing"] is True
    assert corrected["indicators_by_year"][str(this_year - 1)]["safe_housing"] is False
    assert corrected["indicators_by_year"][str(this_year)]["safe_housing"] is True
    assert api.get(f"/api/v1/households/{household['id']}", admin_token).json() == corrected
    future = api.http.put(
        path, json={"year": this_year + 1, "values": {"food": True}}, headers=api.auth(admin_token)
    )
    assert future.status_code == 400


def template_file(rows: list[dict[str, str]]) -> bytes:
    """A file in the published template's layout (every column), cells by Chinese header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(TEMPLATE)
    writer.writerows([[row.get(header, "") for header in TEMPLATE] for row in rows])
    return ("\ufeff" + buffer.getvalue()).encode()


def national_row(number: str, **cells: str) -> dict[str, str]:
    return {
        "户编号": number,
        "村代码": VILLAGE,
        "户属性": "一般贫困户",
        "主要致贫原因": "因病",
        "识别标准": "国家标准",
        "识别年度": "2016",
        "住房面积(平方米)": "80",
        "危房等级": "D级",
        "饮水是否安全": "是",
        "入户路类型": "水泥路",
        "补贴发放银行账号": "6217001234567890123",
        "五个一批帮扶类别": "发展教育脱贫一批、社会保障兜底一批",
        "姓名": "刘七",
        "证件号码": id_number(),
        "与户主关系": "户主",
        "民族": "汉族",
        "文化程度代码": "初中",
        "务工状况": "省外务工",
        "务工时间(月)": "10",
        "参加城乡居民基本医疗保险": "是",
        **cells,
    }


def test_imports_and_reconciliation_follow_the_national_standard(api, admin_token) -> None:
    row = national_row(f"NS-IMP-{time.time_ns()}")
    job = upload(api, admin_token, template_file([row])).json()
    assert job["outcome"] == "applied", job
    listed = api.get("/api/v1/households", admin_token, region_code=VILLAGE, page_size=200)
    household = next(h for h in listed.json()["items"] if h["number"] == row["户编号"])
    assert household["standard"]["dilapidated_grade"] == "d"
    assert household["standard"]["safe_drinking_water"] == "true"
    assert household["bank_account"] == "6217****0123"
    assert household["assistance_categories"] == ["education", "social_security"]
    head = household["members"][0]["standard"]
    assert (head["ethnicity"], head["employment_months"]) == ("01", "10")

    bad = national_row(f"NS-IMP-BAD-{time.time_ns()}", 民族="火星族")
    refused = upload(api, admin_token, template_file([bad])).json()
    assert refused["outcome"] == "nothing_applied"
    assert [line[1:3] for line in report(api, admin_token, refused)[1:]] == [
        [bad["户编号"], "民族"]
    ]

    national = {**row, "民族": "回族", "危房等级": "C级"}
    checked = api.http.post(
        "/api/v1/reconciliations",
        files={"file": ("国办导出.csv", template_file([national]))},
        data={"region_code": VILLAGE},
        headers=api.auth(admin_token),
    ).json()
    differences = {line[2]: line[4:6] for line in report(api, admin_token, checked)[1:]}
    assert differences["民族"] == ["汉族", "回族"]
    assert differences["危房等级"] == ["D级", "C级"]
    assert "补贴发放银行账号" not in differences  # compared masked, and the same


def test_a_helper_proposes_national_codes_and_never_a_bank_account(api, admin_token) -> None:
    household = register(api, admin_token).json()
    helper_id, _, helper = api.new_user(admin_token, VILLAGE, "helper")
    paired = api.http.post(
        f"/api/v1/households/{household['id']}/pairings",
        json={"helper_id": helper_id},
        headers=api.auth(admin_token),
    )
    assert paired.status_code == 201, paired.text
    path = f"/api/v1/households/{household['id']}/change-requests"
    head = household["members"][0]["id"]
    proposed = api.http.post(
        path,
        json={
            "expected_version": 1,
            "standard": {"road_type": "cement"},
            "member_change": {"member_id": head, "standard": {"health_status": "chronic_illness"}},
        },
        headers=api.auth(helper),
    )
    assert proposed.status_code == 201, proposed.text
    account = api.http.post(
        path,
        json={"expected_version": 1, "bank_account": "6217001234567890123"},
        headers=api.auth(helper),
    )
    assert account.status_code == 400 and account.json()["type"].endswith("not-proposed")
    reviewed = api.http.post(
        f"/api/v1/change-requests/{proposed.json()['id']}/review",
        json={"decision": "approve"},
        headers=api.auth(admin_token),
    )
    assert reviewed.status_code == 200, reviewed.text
    after = api.get(f"/api/v1/households/{household['id']}", admin_token).json()
    assert after["standard"]["road_type"] == "cement"
    assert after["members"][0]["standard"]["health_status"] == "chronic_illness"
