"""What an integrator's fuzzer and a hostile spreadsheet found at the API's edge: formulas in
files, oversized bodies, validation before authentication, integers protobuf cannot hold,
broken workbooks, tampered cursors, timestamps without an offset and the `Allow` header."""

from __future__ import annotations

import base64
import csv
import io
import itertools
import re
from collections.abc import Iterator
from datetime import datetime

import openpyxl

from kit.id_numbers import check_character

VILLAGE, TOWN = "370112001001", "370112001000"
HEADER = "户编号,村代码,户属性,主要致贫原因,其他致贫原因,帮扶类别,监测类别,纬度,经度,姓名,证件号码,与户主关系,文化程度,健康状况,残疾情况,劳动能力,在校生状况,联系电话"
PROBLEM = "application/problem+json"
FORMULA = "=cmd|' /C calc'!A0"
MIB = 1024 * 1024
_serial = itertools.count(1)


def person() -> str:
    first = f"37011219850505{next(_serial):03d}"
    return first + check_character(first)


def household_row(number: str, name: str, *, id_number: str = "") -> list[str]:
    return [
        number,
        VILLAGE,
        "一般贫困户",
        "因病",
        "",
        "",
        "",
        "36.68",
        "-117.06",
        name,
        id_number or person(),
        "户主",
        "初中",
        "健康",
        "",
        "",
        "",
        "",
    ]


def csv_file(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    buffer.write("\ufeff" + HEADER + "\n")
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def upload(api, token, content: bytes, name="households.csv", path="/api/v1/imports", **form):  # type: ignore[no-untyped-def]
    return api.http.post(path, files={"file": (name, content)}, data=form, headers=api.auth(token))


def assert_problem(reply, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"].startswith(PROBLEM)
    return reply.json()


def test_formulas_in_imported_names_come_back_as_text_in_every_export_and_report(
    api, admin_token
) -> None:
    applied = upload(api, admin_token, csv_file([household_row("HARD-F-1", FORMULA)]))
    assert applied.status_code == 201 and applied.json()["outcome"] == "applied", applied.text
    as_csv = api.get("/api/v1/exports/households.csv", admin_token, region_code=VILLAGE)
    header, *rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    name, longitude = header.index("姓名"), header.index("经度")
    exported = next(row for row in rows if row[0] == "HARD-F-1")
    assert exported[name] == "'" + FORMULA
    assert exported[longitude] == "-117.06"  # a negative number is no formula: it stays as it was
    as_xlsx = api.get("/api/v1/exports/households.xlsx", admin_token, region_code=VILLAGE)
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content)).active
    cells = next(row for row in sheet.iter_rows() if row[0].value == "HARD-F-1")
    assert cells[name].data_type == "s" and cells[name].value == "'" + FORMULA
    # The file's own values come back in the report of a refused row, neutralised too.
    refused = upload(
        api,
        admin_token,
        csv_file([household_row("@SUM(1+1)*cmd|' /C calc'!A0", "张三", id_number="1")]),
        dry_run="true",
    )
    assert refused.status_code == 201, refused.text
    job = refused.json()
    for file_format in ("csv", "xlsx"):
        report = api.get(f"/api/v1/imports/{job['id']}/report.{file_format}", admin_token)
        assert report.status_code == 200
        if file_format == "csv":
            cells_text = report.content.decode("utf-8-sig")
        else:
            book = openpyxl.load_workbook(io.BytesIO(report.content)).active
            cells_text = "\n".join(str(c.value) for row in book.iter_rows() for c in row)
        assert "'@SUM(1+1)" in cells_text and not re.search(r"(^|[,\n])@SUM", cells_text)


def test_bodies_over_the_limits_are_refused_with_413_before_they_are_read(api, admin_token) -> None:
    big_json = b'{"mobile": "' + b"1" * (10 * MIB) + b'"}'
    too_big = api.http.post(
        "/api/v1/users",
        content=big_json,
        headers={**api.auth(admin_token), "Content-Type": "application/json"},
    )
    assert assert_problem(too_big, 413)["type"].endswith("too-large")

    def chunked() -> Iterator[bytes]:
        yield b'{"mobile": "'
        for _ in range(4):
            yield b"1" * MIB
        yield b'"}'

    streamed = api.http.post(
        "/api/v1/users",
        content=chunked(),
        headers={**api.auth(admin_token), "Content-Type": "application/json"},
    )
    assert_problem(streamed, 413)
    huge_import = upload(api, admin_token, b"x" * (25 * MIB), name="huge.csv")
    assert_problem(huge_import, 413)
    # Below the limits all is as before.
    assert upload(api, admin_token, csv_file([]), name="empty.csv").status_code != 413


def test_a_malformed_body_without_a_token_is_401_not_422(api) -> None:
    for path in ("/api/v1/users", "/api/v1/households", "/api/v1/needs"):
        reply = api.http.post(
            path, content=b"{not json", headers={"Content-Type": "application/json"}
        )
        assert assert_problem(reply, 401)["type"].endswith("token-missing")
        forged = api.http.post(
            path,
            content=b"{not json",
            headers={"Content-Type": "application/json", **api.auth("e30.e30.e30")},
        )
        assert_problem(forged, 401)


def test_integers_beyond_the_proto_fields_are_422_problems(api, admin_token) -> None:
    household = "ab" * 8
    auth = api.auth(admin_token)
    big32, big64 = 2**31, 2**63
    attempts = [
        ("PATCH", f"/api/v1/households/{household}", {"expected_version": big32}),
        ("PUT", f"/api/v1/households/{household}/incomes/2024", {"by_source": {"wage": big64}}),
        (
            "POST",
            f"/api/v1/leaders/{household}/policies",
            {"name": "x", "year": 2024, "amount_yuan": big64},
        ),
        (
            "POST",
            f"/api/v1/needs/{household}/actions",
            {"action": "resolve", "reason": "x", "expected_version": big32},
        ),
        (
            "POST",
            f"/api/v1/alerts/{household}/actions",
            {"action": "verify", "text": "x", "expected_version": big32},
        ),
    ]
    for method, path, body in attempts:
        reply = api.http.request(method, path, json=body, headers=auth)
        fields = [error["field"] for error in assert_problem(reply, 422)["errors"]]
        assert any(
            name in field for field in fields for name in ("version", "by_source", "amount")
        ), fields
    _, _, helper = api.new_user(admin_token, VILLAGE, "helper")  # who may propose changes
    proposal = {"expected_version": 1, "incomes": {"year": 2024, "by_source": {"wage": big64}}}
    proposed = api.http.post(
        f"/api/v1/households/{household}/change-requests", json=proposal, headers=api.auth(helper)
    )
    assert assert_problem(proposed, 422)["errors"][0]["field"].endswith("by_source.wage")
    population = api.get("/api/v1/statistics/households", admin_token, population=big64)
    assert_problem(population, 422)


def test_a_workbook_that_is_not_a_zip_is_a_422_naming_the_file(api, admin_token) -> None:
    for path, form in (("/api/v1/imports", {}), ("/api/v1/reconciliations", {"region_code": TOWN})):
        reply = upload(
            api, admin_token, b"this is no workbook", name="村表.xlsx", path=path, **form
        )
        problem = assert_problem(reply, 422)
        assert "村表.xlsx" in problem["detail"] and problem["errors"][0]["field"] == "file"
    # A file that starts like a ZIP but is cut short is refused as unreadable, not a 500.
    truncated = upload(api, admin_token, b"PK\x03\x04" + b"\0" * 64, name="cut.xlsx")
    assert "cut.xlsx" in assert_problem(truncated, 400)["detail"]


def test_every_list_answers_a_tampered_cursor_with_a_400_problem(api, admin_token) -> None:
    household = upload(api, admin_token, csv_file([household_row("HARD-C-1", "李四")]))
    assert household.status_code == 201
    some_id = api.get("/api/v1/households", admin_token, region_code=VILLAGE).json()["items"][0][
        "id"
    ]
    keyed_by_number = [
        "/api/v1/audit-records",
        "/api/v1/division-changes",
        f"/api/v1/households/{some_id}/history",
    ]
    keyed_by_text = [
        "/api/v1/users",
        "/api/v1/households",
        "/api/v1/imports",
        "/api/v1/visits",
        "/api/v1/needs",
        "/api/v1/leader-candidates",
        "/api/v1/clients",
        "/api/v1/household-notices",
        "/public/household-notices",
        "/api/v1/projects",
        "/public/project-notices",
    ]
    not_text = [
        base64.urlsafe_b64encode(b"\x00\xff").decode(),  # not UTF-8
        base64.urlsafe_b64encode(b"a\x00b").decode(),  # a NUL PostgreSQL will not take
        "not base64!",
    ]
    not_a_number = [
        "MWU5",  # "1e9": text where a number is expected
        base64.urlsafe_b64encode(b"99999999999999999999999").decode(),  # beyond BIGINT
    ]
    for paths, tokens in ((keyed_by_number, not_text + not_a_number), (keyed_by_text, not_text)):
        for path in paths:
            for token in tokens:
                reply = api.get(path, admin_token, page_token=token)
                problem = assert_problem(reply, 400)
                assert problem["type"].endswith("invalid-page-token"), (path, token)
    visit_token = base64.urlsafe_b64encode(b"2026-01-01T00:00:00|ab").decode()  # no offset
    assert_problem(api.get("/api/v1/visits", admin_token, page_token=visit_token), 400)


def test_every_timestamp_written_carries_its_offset(api, admin_token) -> None:
    applied = upload(api, admin_token, csv_file([household_row("HARD-T-1", "王五")]))
    assert applied.status_code == 201
    replies = [
        applied.json(),
        api.get("/api/v1/households", admin_token, region_code=VILLAGE).json(),
        api.get("/api/v1/users", admin_token).json(),
        api.get("/api/v1/audit-records", admin_token).json(),
    ]
    stamps = [
        value
        for reply in replies
        for value in re.findall(r'"(\d{4}-\d\d-\d\dT[^"]+)"', str(reply).replace("'", '"'))
    ]
    assert stamps
    for value in stamps:
        assert datetime.fromisoformat(value).tzinfo is not None, value


def test_options_and_405_answers_name_the_methods_of_the_path(api, admin_token) -> None:
    options = api.http.options("/api/v1/users")
    assert options.status_code == 204
    assert set(options.headers["allow"].split(", ")) == {"GET", "POST", "OPTIONS"}
    wrong = api.http.delete("/api/v1/users", headers=api.auth(admin_token))
    assert_problem(wrong, 405)
    assert set(wrong.headers["allow"].split(", ")) == {"GET", "POST", "OPTIONS"}
    one = api.http.put("/api/v1/households/" + "ab" * 8)
    assert set(one.headers["allow"].split(", ")) == {"GET", "PATCH", "OPTIONS"}
