"""Projects' funds through the gateway: the county's pool of a year → an allocation to an
approved project → a disbursement requested → approved by a second officer → paid with its
voucher; over-allocation, over-disbursement, a wrong voucher type and bad amounts are refused
with a problem+json and nothing changes; another county's officer finds nothing.

These tests own 鄄城县 (371726) and 成武县 (371723). A project reaches the plan by the project
library's own path: the town forwards it, its public notice runs out, the county approves."""

from __future__ import annotations

from tests.e2e.test_project_progress import into_the_plan
from tests.e2e.test_projects import project_body

COUNTY, OTHER_COUNTY = "371726000000", "371723000000"
TOWN, VILLAGE = "371726001000", "371726001001"
YEAR = 2028
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML = b"<!doctype html><script>alert(1)</script>"
PROBLEM = "application/problem+json"


def planned_project(api, admin_token: str, county: str, budgets: dict[str, int]) -> str:  # type: ignore[no-untyped-def]
    """A project of the county's village, proposed by its town and approved into the plan."""
    _, _, town = api.new_user(admin_token, TOWN, "admin")
    body = project_body(
        region_code=VILLAGE,
        year=YEAR,
        budgets=[{"source": s, "amount_fen": a} for s, a in budgets.items()],
    )
    reply = api.http.post("/api/v1/projects", json=body, headers=api.auth(town))
    assert reply.status_code == 201, reply.text
    project_id = reply.json()["id"]
    into_the_plan(api, town, county, project_id)
    return project_id


def fund_pool(api, token: str, amount_fen: int, source: str = "central"):  # type: ignore[no-untyped-def]
    body = {
        "county_code": COUNTY,
        "year": YEAR,
        "source": source,
        "amount_fen": amount_fen,
        "document_number": "鄄财农〔2028〕3号",
        "issued_on": "2028-02-10",
    }
    return api.http.post("/api/v1/fund-pools/allocations", json=body, headers=api.auth(token))


def allocate(api, token: str, project_id: str, amount_fen, source: str = "central"):  # type: ignore[no-untyped-def]
    body = {
        "source": source,
        "amount_fen": amount_fen,
        "document_number": "鄄财农〔2028〕9号",
        "issued_on": "2028-03-01",
    }
    path = f"/api/v1/projects/{project_id}/fund-allocations"
    return api.http.post(path, json=body, headers=api.auth(token))


def request_disbursement(api, token: str, project_id: str, amount_fen):  # type: ignore[no-untyped-def]
    body = {
        "source": "central",
        "amount_fen": amount_fen,
        "milestone": "主体工程完工",
        "progress_percent": 60,
    }
    path = f"/api/v1/projects/{project_id}/disbursements"
    return api.http.post(path, json=body, headers=api.auth(token))


def ledger(api, token: str, project_id: str) -> dict:  # type: ignore[no-untyped-def]
    reply = api.get(f"/api/v1/projects/{project_id}/ledger", token)
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_funds_flow_from_the_pool_to_a_paid_disbursement_with_its_voucher(api, admin_token) -> None:
    _, _, officer = api.new_user(admin_token, COUNTY, "admin")
    _, _, second = api.new_user(admin_token, COUNTY, "info_officer")
    _, _, inspector = api.new_user(admin_token, COUNTY, "inspector")
    project = planned_project(api, admin_token, officer, {"central": 800_000_00})

    funded = fund_pool(api, officer, 1_000_000_00)
    assert funded.status_code == 201, funded.text
    assert funded.json()["pool"]["received_fen"] >= 1_000_000_00
    assert funded.json()["allocation"]["project_id"] is None  # into the pool, no project
    allocated = allocate(api, officer, project, 500_000_00)
    assert allocated.status_code == 201, allocated.text
    assert allocated.json()["allocation"]["project_id"] == project
    asked = request_disbursement(api, officer, project, 200_000_00)
    assert asked.status_code == 201, asked.text
    disbursement = asked.json()
    assert disbursement["status"] == "requested" and disbursement["progress_percent"] == 60
    base = f"/api/v1/projects/{project}/disbursements/{disbursement['id']}"

    own = api.http.post(f"{base}/approve", headers=api.auth(officer))
    assert own.status_code == 403 and own.headers["content-type"].startswith(PROBLEM)
    approved = api.http.post(f"{base}/approve", headers=api.auth(second))
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    files = {"file": ("凭证.pdf", PDF, "application/pdf")}
    paid = api.http.post(f"{base}/payment", files=files, headers=api.auth(second))
    assert paid.status_code == 200, paid.text
    assert paid.json()["status"] == "paid"
    assert paid.json()["voucher"]["content_type"] == "application/pdf"

    read = ledger(api, inspector, project)
    (balance,) = read["balances"]
    assert (balance["allocated_fen"], balance["disbursed_fen"]) == (500_000_00, 200_000_00)
    assert balance["remaining_fen"] == 300_000_00 == balance["available_fen"]
    assert [d["status"] for d in read["disbursements"]] == ["paid"]
    voucher = api.get(read["disbursements"][0]["voucher"]["url"], inspector)
    assert voucher.status_code == 200 and voucher.content == PDF
    assert voucher.headers["content-type"] == "application/pdf"
    pools = api.get("/api/v1/fund-pools", inspector, county_code=COUNTY, year=YEAR)
    assert pools.status_code == 200, pools.text
    (central,) = [p for p in pools.json()["items"] if p["source"] == "central"]
    assert central["received_fen"] - central["allocated_fen"] == central["unallocated_fen"]


def test_over_allocation_over_disbursement_bad_vouchers_and_amounts_change_nothing(
    api, admin_token
) -> None:
    _, _, officer = api.new_user(admin_token, COUNTY, "admin")
    _, _, second = api.new_user(admin_token, COUNTY, "admin")
    project = planned_project(api, admin_token, officer, {"central": 100_00, "county": 50_00})
    assert fund_pool(api, officer, 300_00).status_code == 201
    assert allocate(api, officer, project, 100_00).status_code == 201
    before = ledger(api, officer, project)

    over_budget = allocate(api, officer, project, 1)
    assert over_budget.status_code == 400, over_budget.text
    assert over_budget.json()["type"] == "urn:jingzhun:problem:over-budget"
    no_pool = allocate(api, officer, project, 10_00, source="county")
    assert no_pool.status_code == 409, no_pool.text
    over_drawn = request_disbursement(api, officer, project, 100_01)
    assert over_drawn.status_code == 409 and over_drawn.headers["content-type"].startswith(PROBLEM)
    for amount in (0, -5, 12.5, "100", True, None):
        refused = request_disbursement(api, officer, project, amount)
        assert refused.status_code == 422, (amount, refused.text)
        assert refused.headers["content-type"].startswith(PROBLEM)
        assert allocate(api, officer, project, amount).status_code == 422
    assert ledger(api, officer, project) == before

    asked = request_disbursement(api, officer, project, 60_00).json()
    base = f"/api/v1/projects/{project}/disbursements/{asked['id']}"
    assert api.http.post(f"{base}/approve", headers=api.auth(second)).status_code == 200
    html = {"file": ("凭证.pdf", HTML, "application/pdf")}
    wrong = api.http.post(f"{base}/payment", files=html, headers=api.auth(second))
    assert wrong.status_code == 415, wrong.text
    assert wrong.headers["content-type"].startswith(PROBLEM)
    after = ledger(api, officer, project)
    assert after["disbursements"][0]["status"] == "approved"
    assert after["disbursements"][0]["voucher"] is None
    assert after["balances"][0]["disbursed_fen"] == 0
    assert api.get(f"{base}/voucher", officer).status_code == 404


def test_another_countys_officer_finds_nothing(api, admin_token) -> None:
    _, _, officer = api.new_user(admin_token, COUNTY, "admin")
    _, _, stranger = api.new_user(admin_token, OTHER_COUNTY, "admin")
    project = planned_project(api, admin_token, officer, {"central": 100_00})
    assert fund_pool(api, officer, 100_00).status_code == 201
    assert allocate(api, officer, project, 100_00).status_code == 201
    asked = request_disbursement(api, officer, project, 10_00).json()
    base = f"/api/v1/projects/{project}/disbursements/{asked['id']}"

    for reply in (
        api.get(f"/api/v1/projects/{project}/ledger", stranger),
        allocate(api, stranger, project, 1_00),
        request_disbursement(api, stranger, project, 1_00),
        api.http.post(f"{base}/approve", headers=api.auth(stranger)),
        fund_pool(api, stranger, 1_00),
        api.get("/api/v1/fund-pools", stranger, county_code=COUNTY, year=YEAR),
        api.get("/api/v1/project-funds/idle", stranger, region_code=COUNTY),
    ):
        assert reply.status_code == 404, reply.text
        assert reply.headers["content-type"].startswith(PROBLEM)
    assert ledger(api, officer, project)["disbursements"][0]["status"] == "requested"
