"""A project's whole path through the gateway, and its money where the projects service shows
money: proposed by a town, noticed, approved into the plan by the county, funded from the
county's pool, part of it paid with a voucher, its milestone done and reported with a photo,
accepted by the county — completed, with its completion notice public without login; its
region's project statistics show what was allocated and disbursed by source, and the finance
office's export the same figures in yuan. This test owns 巨野县 (371724)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.e2e.test_project_funds import PDF
from tests.e2e.test_project_progress import household_in, into_the_plan, jpeg, proposed

COUNTY, TOWN, VILLAGE = "371724000000", "371724001000", "371724001001"
YEAR = 2026  # the year test_project_progress's proposals are for


def test_a_project_from_proposal_to_completion_with_its_money_in_the_figures(
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

    base = f"/api/v1/projects/{project}"
    plan = {"milestones": [{"name": "建成投用", "planned_on": "2027-06-30"}]}
    planned = api.http.post(f"{base}/milestones", json=plan, headers=api.auth(town))
    assert planned.status_code == 201, planned.text
    report = api.http.post(f"{base}/reports", json={"percent_done": 100}, headers=api.auth(town))
    assert report.status_code == 201, report.text
    photo = api.http.post(
        f"{base}/reports/{report.json()['id']}/photos",
        files={"file": ("现场.jpg", jpeg(), "image/jpeg")},
        headers=api.auth(town),
    )
    assert photo.status_code == 201, photo.text
    (milestone,) = planned.json()["milestones"]
    done = api.http.post(
        f"{base}/milestones/{milestone['id']}/done",
        json={"done_on": "2026-12-01"},
        headers=api.auth(town),
    )
    assert done.status_code == 200, done.text
    accepted = api.http.post(
        f"{base}/acceptance", json={"outcome": "accepted"}, headers=api.auth(county)
    )
    assert accepted.status_code == 200, accepted.text
    assert api.get(base, county).json()["status"] == "completed"
    public = api.http.get("/public/project-notices", params={"region_code": TOWN})
    assert public.status_code == 200, public.text
    (completion,) = [
        n
        for n in public.json()["items"]
        if (n["kind"], n["project_id"]) == ("project_completion", project)
    ]
    assert (completion["beneficiary_count"], completion["budget_total_fen"]) == (
        1,
        50_000_000 + 1_234_567,
    )
    assert "household" not in str(completion)  # the number of households, never one of them
