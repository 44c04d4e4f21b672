"""A town information officer imports households from the published template: a dry run with
a row-by-row report first, then for real (all or nothing, or valid rows only); the same file
again changes nothing; exports of a subtree show identity numbers masked."""

from __future__ import annotations

import csv
import io
import itertools

import openpyxl

from kit.id_numbers import check_character

VILLAGE, OTHER_COUNTY_VILLAGE = "370112001001", "370113001001"
HEADER = "户编号,村代码,户属性,主要致贫原因,其他致贫原因,帮扶类别,监测类别,纬度,经度,姓名,证件号码,与户主关系,文化程度,健康状况,残疾情况,劳动能力,在校生状况,联系电话"
# The template as published: the columns above (an older file's header still imports) with the
# national standard's columns of households after 经度 and of members at the end.
TEMPLATE = (
    HEADER.split(",")[:9]
    + "识别标准,识别年度,脱贫年度,耕地面积(亩),林地面积(亩),住房面积(平方米),危房等级,饮水是否安全,"
    "饮水是否困难,是否通生活用电,入户路类型,距村主干路距离(公里),补贴发放银行账号,五个一批帮扶类别".split(
        ","
    )
    + HEADER.split(",")[9:]
    + "民族,文化程度代码,在校生状况代码,健康状况代码,劳动技能,务工状况,务工时间(月),"
    "参加城乡居民基本医疗保险,参加大病保险,参加城乡居民基本养老保险,残疾等级".split(",")
)
_serial = itertools.count(1)


def person() -> str:
    first = f"37011219910101{next(_serial):03d}"
    return first + check_character(first)


def household_rows(number: str, village: str = VILLAGE, people: int = 2) -> list[list[str]]:
    rows = []
    for position in range(people):
        relation = "户主" if position == 0 else "子女"
        rows.append(
            [
                number,
                village,
                "一般贫困户",
                "因病",
                "缺技术、缺资金",
                "发展生产脱贫一批",
                "",
                "36.68",
                "117.06",
                f"成员{position}",
                person(),
                relation,
                "初中",
                "健康",
                "",
                "",
                "",
                "138 0013 8000" if position == 0 else "",
            ]
        )
    return rows


def csv_file(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    buffer.write("\ufeff" + HEADER + "\n")
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def upload(api, token, content: bytes, name="households.csv", **form):  # type: ignore[no-untyped-def]
    return api.http.post(
        "/api/v1/imports",
        files={"file": (name, content)},
        data={
            key: str(value).lower() if isinstance(value, bool) else value
            for key, value in form.items()
        },
        headers=api.auth(token),
    )


def count_in(api, token, region=VILLAGE) -> int:  # type: ignore[no-untyped-def]
    return api.get("/api/v1/statistics/households", token, region_code=region).json()["households"]


def report(api, token, job) -> list[list[str]]:  # type: ignore[no-untyped-def]
    reply = api.get(job["report_url"], token)
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(reply.content.decode("utf-8-sig"))))


def test_the_published_templates_carry_the_chinese_headers(api, admin_token) -> None:
    as_csv = api.get("/api/v1/imports/templates/households.csv", admin_token)
    assert as_csv.status_code == 200 and as_csv.content.startswith(b"\xef\xbb\xbf")
    assert as_csv.content.decode("utf-8-sig").strip() == ",".join(TEMPLATE)
    as_xlsx = api.get("/api/v1/imports/templates/benefits.xlsx", admin_token)
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content)).active
    assert [cell.value for cell in sheet[1]][:3] == ["户编号", "年度", "季度"]


def test_a_dry_run_reports_every_bad_row_and_changes_nothing(api, admin_token) -> None:
    good = household_rows("IMP-DRY-1")
    bad = household_rows("IMP-DRY-2")
    bad[0][2] = bad[1][2] = "富裕户"  # not an attribute
    bad[1][10] = bad[1][10][:-1] + ("0" if bad[1][10][-1] != "0" else "1")  # wrong check digit
    outside = household_rows("IMP-DRY-3", village=OTHER_COUNTY_VILLAGE)
    before = count_in(api, admin_token)
    reply = upload(api, admin_token, csv_file(good + bad + outside), dry_run=True)
    assert reply.status_code == 201, reply.text
    job = reply.json()
    assert job["outcome"] == "checked" and job["findings"] == 2
    assert job["summary"]["households"] == 3 and job["summary"]["households_refused"] == 1
    assert job["summary"]["new_households"] == 2
    assert count_in(api, admin_token) == before
    lines = report(api, admin_token, job)
    assert lines[0] == ["行号", "户编号", "列", "问题", "系统中的值", "文件中的值"]
    assert {(line[0], line[1], line[2]) for line in lines[1:]} == {
        ("4", "IMP-DRY-2", "户属性"),
        ("5", "IMP-DRY-2", "证件号码"),
    }
    assert "一般贫困户" in next(line[3] for line in lines if line[2] == "户属性")


def test_all_or_nothing_applies_nothing_when_a_row_is_bad(api, admin_token) -> None:
    rows = household_rows("IMP-AON-1") + household_rows("IMP-AON-2")
    rows[3][11] = "户主"  # a second head
    rows[0][17] = "12345"  # not a mobile number
    before = count_in(api, admin_token)
    job = upload(api, admin_token, csv_file(rows)).json()
    assert job["outcome"] == "nothing_applied" and job["findings"] == 2
    assert {line[2] for line in report(api, admin_token, job)[1:]} == {"与户主关系", "联系电话"}
    assert count_in(api, admin_token) == before


def test_valid_rows_only_applies_the_good_households_and_a_reimport_changes_nothing(
    api, admin_token
) -> None:
    rows = household_rows("IMP-VRO-1") + household_rows("IMP-VRO-2", people=3)
    rows += household_rows("IMP-VRO-3")
    rows[-1][3] = rows[-2][3] = ""  # main cause is required
    content = csv_file(rows)
    before = count_in(api, admin_token)
    first = upload(api, admin_token, content, mode="valid_rows_only").json()
    assert first["outcome"] == "partially_applied"
    assert first["summary"]["new_households"] == 2 and first["summary"]["new_members"] == 5
    assert count_in(api, admin_token) == before + 2
    again = upload(api, admin_token, content, mode="valid_rows_only").json()
    assert again["summary"]["new_households"] == 0 and again["summary"]["unchanged_households"] == 2
    assert count_in(api, admin_token) == before + 2
    listed = api.get("/api/v1/households", admin_token, region_code=VILLAGE, page_size=200).json()
    imported = next(h for h in listed["items"] if h["number"] == "IMP-VRO-2")
    assert len(imported["members"]) == 3 and imported["version"] == 1
    assert imported["secondary_causes"] == ["lack_of_funds", "lack_of_skills"]
    history = api.get(f"/api/v1/households/{imported['id']}/history", admin_token).json()["items"]
    assert [entry["kind"] for entry in history] == ["created"]
    assert first["id"] in history[0]["reason"]


def test_a_corrected_file_updates_the_household_with_history(api, admin_token) -> None:
    rows = household_rows("IMP-UPD-1")
    assert upload(api, admin_token, csv_file(rows)).json()["outcome"] == "applied"
    for row in rows:
        row[3] = "因残"
    rows[1][13] = "残疾"
    job = upload(api, admin_token, csv_file(rows)).json()
    assert job["outcome"] == "applied" and job["summary"]["changed_households"] == 1
    listed = api.get("/api/v1/households", admin_token, region_code=VILLAGE, page_size=200).json()
    household = next(h for h in listed["items"] if h["number"] == "IMP-UPD-1")
    assert household["main_cause"] == "disability" and household["version"] == 2
    history = api.get(f"/api/v1/households/{household['id']}/history", admin_token).json()["items"]
    changed = {entry["field"] for entry in history if entry["kind"] == "changed"}
    assert "main_cause" in changed and any(field.endswith(".health") for field in changed)


def test_a_person_joining_two_households_in_one_file_is_refused_once(api, admin_token) -> None:
    existing = household_rows("IMP-JOIN-1")
    assert upload(api, admin_token, csv_file(existing)).json()["outcome"] == "applied"
    newcomer = household_rows("IMP-JOIN-2", people=1)
    joiner = household_rows("IMP-JOIN-1", people=2)[1]
    joiner[10] = newcomer[0][10]  # the new household's head joins the known one as well
    content = csv_file(newcomer + existing + [joiner])
    job = upload(api, admin_token, content, mode="valid_rows_only").json()
    assert job["outcome"] == "partially_applied", job
    assert job["summary"]["new_households"] == 1 and job["summary"]["households_refused"] == 1
    assert [line[1:3] for line in report(api, admin_token, job)[1:]] == [["IMP-JOIN-1", "证件号码"]]


def test_an_excel_file_imports_like_a_csv(api, admin_token) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    for row in household_rows("IMP-XLSX-1"):
        sheet.append(row)
    content = io.BytesIO()
    workbook.save(content)
    reply = upload(api, admin_token, content.getvalue(), name="导入.xlsx")
    assert reply.status_code == 201, reply.text
    job = reply.json()
    assert job["outcome"] == "applied" and job["summary"]["new_households"] == 1


def test_a_file_that_is_not_the_template_is_refused_as_a_whole(api, admin_token) -> None:
    reply = upload(api, admin_token, "姓名,电话\n张三,138\n".encode())
    assert reply.status_code == 400
    assert reply.headers["content-type"] == "application/problem+json"
    assert reply.json()["type"].endswith("template-mismatch")


def test_imports_and_exports_stay_in_the_callers_territory(api, admin_token) -> None:
    upload(api, admin_token, csv_file(household_rows("IMP-EXP-1")))
    _, _, county = api.new_user(admin_token, "370113000000", "info_officer")
    job = upload(api, county, csv_file(household_rows("IMP-EXP-2"))).json()
    assert job["outcome"] == "nothing_applied" and job["findings"] == 1  # another county's village
    own = upload(api, admin_token, csv_file(household_rows("IMP-EXP-3"))).json()
    hidden = api.get(f"/api/v1/imports/{own['id']}", county)
    missing = api.get(f"/api/v1/imports/{'0' * 28}", county)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["type"] == missing.json()["type"]
    exported = api.get("/api/v1/exports/households.csv", admin_token, region_code=VILLAGE)
    assert exported.status_code == 200
    lines = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert lines[0] == TEMPLATE
    column = {header: lines[0].index(header) for header in ("证件号码", "与户主关系", "联系电话")}
    mine = [line for line in lines if line[0] == "IMP-EXP-1"]
    assert len(mine) == 2 and all("********" in line[column["证件号码"]] for line in mine)
    assert mine[0][2] == "一般贫困户" and mine[0][column["与户主关系"]] == "户主"
    assert mine[0][column["联系电话"]] == "138****8000" and mine[1][column["联系电话"]] == ""
    by_phone = api.get("/api/v1/households", admin_token, phone="13800138000", number="IMP-EXP-1")
    assert [h["number"] for h in by_phone.json()["items"]] == ["IMP-EXP-1"]  # an imported phone
    refused = api.get("/api/v1/exports/households.csv", county, region_code=VILLAGE)
    assert refused.status_code == 404
    assert refused.headers["content-type"] == "application/problem+json"


def test_departments_policy_subsidies_are_imported_per_household(api, admin_token) -> None:
    upload(api, admin_token, csv_file(household_rows("IMP-BEN-1")))
    listed = api.get("/api/v1/households", admin_token, region_code=VILLAGE, page_size=200).json()
    household = next(h for h in listed["items"] if h["number"] == "IMP-BEN-1")
    rows = [
        "户编号,年度,季度,部门,政策项目,金额(元)",
        "IMP-BEN-1,2025,3,民政局,低保金,1860",
        "IMP-BEN-1,2025,4,民政局,低保金,1860",
        "IMP-BEN-1,2025,4,教育局,教育资助,500",
        "IMP-NOBODY,2025,4,教育局,教育资助,500",
        "IMP-BEN-1,2025,5,教育局,教育资助,500",
    ]
    content = ("\ufeff" + "\n".join(rows) + "\n").encode()
    job = upload(
        api, admin_token, content, name="benefits.csv", kind="benefits", mode="valid_rows_only"
    ).json()
    assert job["kind"] == "benefits" and job["outcome"] == "partially_applied"
    assert job["summary"]["new_benefits"] == 3 and job["summary"]["rows_refused"] == 2
    assert {line[0] for line in report(api, admin_token, job)[1:]} == {"5", "6"}
    benefits = api.get(f"/api/v1/households/{household['id']}/benefits", admin_token).json()
    assert benefits["totals_by_year"] == {"2025": 4220}
    again = upload(
        api, admin_token, content, name="benefits.csv", kind="benefits", mode="valid_rows_only"
    ).json()
    assert again["summary"]["new_benefits"] == 0 and again["summary"]["unchanged_benefits"] == 3
    detail = api.get(f"/api/v1/households/{household['id']}", admin_token).json()
    assert detail["benefits_by_year"] == {"2025": 4220}
