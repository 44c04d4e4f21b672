"""A county information officer reconciles the registry with the national system's export
(区办 vs 国办): the report names every household and member missing on either side and every
field that differs, with both values; the registry is not changed."""

from __future__ import annotations

import itertools

from kit.id_numbers import check_character
from tests.e2e.test_imports import csv_file, household_rows, report, upload

COUNTY = "370124000000"  # 平阴县, used by no other test
TOWN, VILLAGE, SECOND_VILLAGE = "370124001000", "370124001001", "370124001002"
OTHER_TOWN_VILLAGE = "370124002001"
_serial = itertools.count(1)


def person() -> str:
    first = f"37012419920201{next(_serial):03d}"
    return first + check_character(first)


def rows_of(number: str, village: str = VILLAGE, people: int = 2) -> list[list[str]]:
    """The template's rows of a household, with identity numbers of this test's own range."""
    rows = household_rows(number, village, people)
    for row in rows:
        row[10] = person()
    return rows


def reconcile(api, token, content: bytes, region_code: str = TOWN):  # type: ignore[no-untyped-def]
    return api.http.post(
        "/api/v1/reconciliations",
        files={"file": ("国办导出.csv", content)},
        data={"region_code": region_code},
        headers=api.auth(token),
    )


def exported(api, token) -> bytes:  # type: ignore[no-untyped-def]
    reply = api.get("/api/v1/exports/households.csv", token, region_code=TOWN)
    assert reply.status_code == 200
    return reply.content


def test_reconciliation_reports_every_difference_and_changes_nothing(api, admin_token) -> None:
    registered = {number: rows_of(number) for number in ("REC-1", "REC-2", "REC-3", "REC-7")}
    applied = upload(
        api, admin_token, csv_file([row for rows in registered.values() for row in rows])
    )
    assert applied.json()["outcome"] == "applied", applied.text
    _, _, officer = api.new_user(admin_token, COUNTY, "info_officer")
    before = exported(api, officer)

    cause_changed = [[*row[:3], "因残", *row[4:]] for row in registered["REC-1"]]
    # a member only the national system knows
    newcomer = [*cause_changed[1][:9], "新成员", person(), *cause_changed[1][11:]]
    renamed = [row[:] for row in registered["REC-2"]]
    renamed[1][9] = "改名后"
    unreadable = rows_of("REC-6")
    unreadable[0][2] = unreadable[1][2] = "富裕户"
    national = (
        cause_changed  # lines 2-3
        + [newcomer]  # line 4
        + renamed  # lines 5-6
        + registered["REC-7"]  # lines 7-8, identical
        + rows_of("REC-4")  # lines 9-10, only in the national export
        + rows_of("REC-5", village=OTHER_TOWN_VILLAGE)  # lines 11-12
        + unreadable  # lines 13-14
    )  # REC-3 is missing from it
    reply = reconcile(api, officer, csv_file(national))
    assert reply.status_code == 201, reply.text
    job = reply.json()
    assert job["kind"] == "reconciliation" and job["outcome"] == "checked"
    assert job["summary"] == {
        "households_in_file": 6,
        "households_refused": 1,
        "outside_region": 1,
        "matched": 3,
        "identical": 1,
        "with_differences": 2,
        "missing_in_registry": 1,
        "missing_in_export": 1,
        "differences": 3,
    }
    assert job["findings"] == 7
    lines = report(api, officer, job)
    masked_newcomer = newcomer[10][:6] + "********" + newcomer[10][-4:]
    assert lines[0] == ["行号", "户编号", "列", "问题", "系统中的值", "文件中的值"]
    # (line, household, column, registry value, file value) -> problem
    rows = {(line[0], line[1], line[2], line[4], line[5]): line[3] for line in lines[1:]}
    assert rows.pop(("13", "REC-6", "户属性", "", "")).startswith("must be one of")
    assert rows == {
        ("2", "REC-1", "主要致贫原因", "因病", "因残"): "differs",
        ("4", "REC-1", "证件号码", "", masked_newcomer): "member missing in the registry",
        ("6", "REC-2", "姓名", "成员1", "改名后"): "differs",
        ("9", "REC-4", "户编号", "", ""): "missing in the registry",
        ("11", "REC-5", "村代码", "", ""): "outside the reconciled region",
        ("", "REC-3", "户编号", "", ""): "missing in the national export",
    }
    text = api.get(job["report_url"], officer).content.decode("utf-8-sig")
    assert not any(row[10] in text for row in national)  # identity numbers only masked
    assert exported(api, officer) == before
    assert api.get(f"/api/v1/imports/{job['id']}", officer).json()["summary"] == job["summary"]


def test_a_member_missing_from_the_national_export_is_shown_masked(api, admin_token) -> None:
    registered = rows_of("REC-8", village=SECOND_VILLAGE, people=3)
    upload(api, admin_token, csv_file(registered))
    reply = reconcile(api, admin_token, csv_file(registered[:2]), region_code=SECOND_VILLAGE)
    job = reply.json()
    assert job["summary"]["with_differences"] == 1, reply.text
    left_out = registered[2][10]
    assert report(api, admin_token, job)[1:] == [
        [
            "2",
            "REC-8",
            "证件号码",
            "member missing in the national export",
            left_out[:6] + "********" + left_out[-4:],
            "",
        ]
    ]


def test_an_officer_cannot_reconcile_another_countys_region(api, admin_token) -> None:
    _, _, other = api.new_user(admin_token, "370113000000", "info_officer")
    refused = reconcile(api, other, csv_file(rows_of("REC-9")))
    assert refused.status_code == 404
    assert refused.headers["content-type"] == "application/problem+json"
    elsewhere = api.get("/api/v1/statistics/households", other, region_code=TOWN)
    assert refused.json()["type"] == elsewhere.json()["type"]  # like any region not in scope
    jobs = api.get("/api/v1/imports", other).json()["items"]
    assert all(job["kind"] != "reconciliation" for job in jobs)  # none was recorded
