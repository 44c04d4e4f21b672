"""The funds ledger where the projects service shows money: a project brought into the plan by
the library's own path, funded from the county's pool, part of it paid with a voucher; its
region's project statistics show what was allocated and disbursed by source, and the finance
office's export shows the same figures in yuan. This test owns 巨野县 (371724)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.e2e.test_project_funds import PDF
from tests.e2e.test_project_progress import household_in, into_the_plan, proposed

COUNTY, TOWN, VILLAGE = "371724000000", "371724001000", "371724001001"
YEAR = 2026  # the year test_project_progress's proposals are for


def test_the_statistics_and_the_export_show_the_funds_allocated_and_disbursed(
    api, admin_token
) -> None:
    _, _, county = api.new_user(admin_token, COUNTY, "admin")
    _, _, second = api.new_user(admin_token, COUNTY, "info_officer")
    _, _, town = api.new_user(admin_token, TOWN, "admin")
    project = proposed(api, town, VILLAGE, [household_in(api, county, VILLAGE)])
    into_the_plan(api, town, county, project)

    pool = {
        "county_code": COUNTY,
        "year": YEAR,
        "source": "central",
        "amount_fen": 60_000_000,
        "document_number": "巨财农〔2026〕1号",
        "issued_on": "2026-02-10",
    }
    funded = api.http.post("/api/v1/fund-pools/allocations", json=pool, headers=api.auth(county))
    assert funded.status_code == 201, funded.text
    allocation = {
        "source": "central",
        "amount_fen": 30_000_000,
        "document_number": "巨财农〔2026〕2号",
        "issued_on": "2026-03-01",
    }
    path = f"/api/v1/projects/{project}/fund-allocations"
    allocated = api.http.post(path, json=allocation, headers=api.auth(county))
    assert allocated.status_code == 201, allocated.text
    asked = api.http.post(
        f"/api/v1/projects/{project}/disbursements",
        json={"source": "central", "amount_fen": 12_345_600, "milestone": "开工"},
        headers=api.auth(county),
    )
    assert asked.status_code == 201, asked.text
    base = f"/api/v1/projects/{project}/disbursements/{asked.json()['id']}"
    assert api.http.post(f"{base}/approve", headers=api.auth(second)).status_code == 200
    files = {"file": ("凭证.pdf", PDF, "application/pdf")}
    paid = api.http.post(f"{base}/payment", files=files, headers=api.auth(second))
    assert paid.status_code == 200, paid.text

    statistics = api.get("/api/v1/project-statistics", county, region_code=TOWN, year=YEAR)
    assert statistics.status_code == 200, statistics.text
    by_source = {s["source"]: s for s in statistics.json()["total"]["by_source"]}
    central = by_source["central"]
    assert (central["allocated_fen"], central["disbursed_fen"]) == (30_000_000, 12_345_600)
    assert central["remaining_fen"] == 30_000_000 - 12_345_600
    assert (by_source["county"]["allocated_fen"], by_source["county"]["disbursed_fen"]) == (0, 0)

    exported = api.http.get(
        "/api/v1/exports/projects.xlsx",
        params={"region_code": TOWN, "year": YEAR},
        headers=api.auth(county),
    )
    assert exported.status_code == 200, exported.text
    sheet = load_workbook(io.BytesIO(exported.content)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    (row,) = [r for r in rows if r[0] == project]
    figures = dict(zip(header, row, strict=True))
    assert (figures["已下达（元）"], figures["已拨付（元）"], figures["结余（元）"]) == (
        300000,
        123456,
        176544,
    )
