"""The helper's handbook (帮扶手册) through the gateway: a paired helper makes a household's plan
of a year (one per year) with measures from the menu matched to its poverty causes and their
dated progress; the ledger's year totals by source, applied by the county to the registry's
incomes; the helper's responsibilities list. An unpaired helper and another county find nothing."""

from __future__ import annotations

import itertools
from datetime import date

from kit.id_numbers import check_character
from tests.e2e.test_attachments import photo, upload
from tests.e2e.test_audit import audited

COUNTY = "370404000000"  # 峄城区, used by no other test
VILLAGE = "370404001006"
OTHER_COUNTY = "370405000000"  # 台儿庄区, used by no other test
YEAR = date.today().year - 1
_serial = itertools.count(1)


def register(api, token, main_cause, *secondary):  # type: ignore[no-untyped-def]
    serial = next(_serial)
    first = f"370404198002{serial % 28 + 1:02d}{serial:03d}"
    body = {
        "number": f"HB-{VILLAGE}-{serial}",
        "village_code": VILLAGE,
        "attribute": "general",
        "main_cause": main_cause,
        "secondary_causes": list(secondary),
        "members": [
            {"name": "户主", "id_number": first + check_character(first), "relation": "head"}
        ],
    }
    reply = api.http.post("/api/v1/households", json=body, headers=api.auth(token))
    assert reply.status_code == 201, reply.text
    return reply.json()["id"]


def paired(api, admin_token, household_id):  # type: ignore[no-untyped-def]
    """(helper id, helper token) of a new helper paired with the household."""
    helper_id, _, helper = api.new_user(admin_token, VILLAGE, "helper")
    reply = api.http.post(
        f"/api/v1/households/{household_id}/pairings",
        json={"helper_id": helper_id},
        headers=api.auth(admin_token),
    )
    assert reply.status_code == 201, reply.text
    return helper_id, helper


def post(api, token, path, body):  # type: ignore[no-untyped-def]
    return api.http.post(f"/api/v1/handbook{path}", json=body, headers=api.auth(token))


def test_a_plan_with_measures_from_the_menu_and_their_progress(api, admin_token) -> None:
    household_id = register(api, admin_token, "illness", "lack_of_skills")
    helper_id, helper = paired(api, admin_token, household_id)
    _, _, stranger = api.new_user(admin_token, VILLAGE, "helper")
    _, _, other_county = api.new_user(admin_token, OTHER_COUNTY, "admin")
    _, _, county = api.new_user(admin_token, COUNTY, "admin")

    menu = api.get(f"/api/v1/handbook/households/{household_id}/menu", helper).json()
    assert menu["causes"] == ["illness", "lack_of_skills"]
    kinds = [(item["kind"], item["matched"]) for item in menu["items"]]
    first = [kind for kind, matched in kinds if matched]
    assert first[:2] == ["medical_assistance", "critical_illness_insurance"]
    assert "skills_training" in first and ("microcredit", False) in kinds
    assert kinds.index(("skills_training", True)) < kinds.index(("microcredit", False))

    plan_body = {"year": YEAR, "goals": "稳定增收，大病有保障"}
    refused = post(api, stranger, f"/households/{household_id}/plans", plan_body)
    assert refused.status_code == 404  # not paired with it: as if it were not there
    assert refused.headers["content-type"].startswith("application/problem+json")
    elsewhere = post(api, other_county, f"/households/{household_id}/plans", plan_body)
    assert (elsewhere.status_code, elsewhere.json()["detail"]) == (404, refused.json()["detail"])
    made = post(api, helper, f"/households/{household_id}/plans", plan_body)
    assert made.status_code == 201, made.text
    plan = made.json()
    assert (plan["year"], plan["village_code"], plan["created_by"]) == (YEAR, VILLAGE, helper_id)
    again = post(api, county, f"/households/{household_id}/plans", plan_body)
    assert again.status_code == 409

    measure_body = {
        "kind": "medical_assistance",
        "planned_on": f"{YEAR}-03-01",
        "responsible": "王村医",
    }
    bad = post(api, helper, f"/plans/{plan['id']}/measures", {**measure_body, "kind": "lottery"})
    assert bad.status_code == 400 and "menu" in bad.json()["detail"]
    assert post(api, stranger, f"/plans/{plan['id']}/measures", measure_body).status_code == 404
    measure = post(api, helper, f"/plans/{plan['id']}/measures", measure_body).json()
    assert (measure["label"], measure["status"]) == ("医疗救助", "planned")
    other = post(
        api,
        helper,
        f"/plans/{plan['id']}/measures",
        {**measure_body, "kind": "other", "other_text": "修缮厨房"},
    ).json()
    assert other["label"] == "修缮厨房"

    pictured = upload(api, helper, "measures", measure["id"], "病历.jpg", photo(None, None))
    assert pictured.status_code == 201, pictured.text
    assert pictured.json()["flags"] == ["no_exif"]
    seen = api.get(f"/api/v1/measures/{measure['id']}/attachments", county).json()["items"]
    assert [a["id"] for a in seen] == [pictured.json()["id"]]
    assert api.get(f"/api/v1/attachments/{pictured.json()['id']}", stranger).status_code == 404
    assert (
        upload(api, stranger, "measures", measure["id"], "x.jpg", photo(None, None)).status_code
        == 404
    )

    started = post(
        api,
        helper,
        f"/measures/{measure['id']}/progress",
        {"on": f"{YEAR}-04-02", "result": "申请医疗救助", "status": "in_progress"},
    )
    assert started.status_code == 201, started.text
    done = post(
        api,
        helper,
        f"/measures/{measure['id']}/progress",
        {"on": f"{YEAR}-06-10", "result": "报销住院费用", "amount_fen": 352050, "status": "done"},
    ).json()
    assert done["status"] == "done"
    assert [(p["on"], p["status"], p["amount_fen"]) for p in done["progress"]] == [
        (f"{YEAR}-04-02", "in_progress", None),
        (f"{YEAR}-06-10", "done", 352050),
    ]
    late = post(
        api,
        helper,
        f"/measures/{measure['id']}/progress",
        {"on": f"{YEAR}-07-01", "result": "再次报销"},
    )
    assert late.status_code == 409  # a finished measure takes no more progress
    skip = post(
        api,
        helper,
        f"/measures/{other['id']}/progress",
        {"on": f"{YEAR}-04-02", "result": "完工", "status": "done"},
    )
    assert skip.status_code == 400  # a planned measure starts before it is done

    shown = api.get(f"/api/v1/handbook/households/{household_id}/plans/{YEAR}", county).json()
    assert [(m["id"], m["status"], len(m["progress"])) for m in shown["measures"]] == [
        (measure["id"], "done", 2),
        (other["id"], "planned", 0),
    ]
    path = f"/api/v1/handbook/households/{household_id}/plans/{YEAR}"
    assert api.get(path, other_county).status_code == 404
    assert api.get(path, stranger).status_code == 404

    duties = api.get("/api/v1/handbook/responsibilities", helper, year=YEAR).json()
    assert duties["helper_id"] == helper_id and duties["duties"]
    assert [(h["household_id"], h["plan"]["id"]) for h in duties["households"]] == [
        (household_id, plan["id"])
    ]
    statuses = [m["status"] for m in duties["households"][0]["plan"]["measures"]]
    assert statuses == ["done", "planned"]
    by_officer = api.get(
        "/api/v1/handbook/responsibilities", county, helper_id=helper_id, year=YEAR
    )
    assert by_officer.json()["households"] == duties["households"]
    listed = "/api/v1/handbook/responsibilities"
    assert api.get(listed, other_county, helper_id=helper_id, year=YEAR).status_code == 404
    assert api.get(listed, stranger, helper_id=helper_id, year=YEAR).status_code == 404


def test_the_ledger_totals_feed_the_registry_incomes_of_the_year(api, admin_token) -> None:
    household_id = register(api, admin_token, "lack_of_funds")
    _, helper = paired(api, admin_token, household_id)
    _, _, county = api.new_user(admin_token, COUNTY, "admin")
    _, _, other_county = api.new_user(admin_token, OTHER_COUNTY, "admin")

    entries = [
        ("income", "wage", 1200000, f"{YEAR}-02-01"),
        ("income", "wage", 800050, f"{YEAR}-08-01"),
        ("income", "transfer_pension", 180000, f"{YEAR}-05-01"),
        ("spending", "production_expense", 300000, f"{YEAR}-03-15"),
        ("spending", "living", 99900, f"{YEAR}-04-01"),
        ("income", "wage", 500000, f"{YEAR - 1}-12-31"),  # another year's
    ]
    for kind, source, amount, on in entries:
        body = {"on": on, "kind": kind, "source": source, "amount_fen": amount, "note": "登记"}
        reply = post(api, helper, f"/households/{household_id}/ledger", body)
        assert reply.status_code == 201, reply.text
    wrong = {"on": f"{YEAR}-02-01", "kind": "spending", "source": "wage", "amount_fen": 1}
    assert post(api, helper, f"/households/{household_id}/ledger", wrong).status_code == 400
    assert (
        post(
            api, other_county, f"/households/{household_id}/ledger", {**wrong, "kind": "income"}
        ).status_code
        == 404
    )

    ledger = api.get(f"/api/v1/handbook/households/{household_id}/ledger/{YEAR}", helper).json()
    assert len(ledger["entries"]) == 5
    assert [e["on"] for e in ledger["entries"]] == sorted(e["on"] for e in ledger["entries"])
    assert ledger["totals_fen"] == {
        "wage": 2000050,
        "transfer_pension": 180000,
        "production_expense": 300000,
        "living": 99900,
    }

    apply = f"/households/{household_id}/ledger/{YEAR}/apply"
    assert post(api, helper, apply, None).status_code == 403  # a helper proposes, not sets
    assert post(api, other_county, apply, None).status_code == 404
    applied = post(api, county, apply, None)
    assert applied.status_code == 200, applied.text
    figures = {
        "wage": 20001,
        "transfer_pension": 1800,
        "transfer": 1800,
        "production_expense": 3000,
    }
    assert applied.json()["by_source"] == figures

    household = api.get(f"/api/v1/households/{household_id}", county).json()
    year = next(i for i in household["incomes"] if i["year"] == YEAR)
    assert year["by_source"] == figures

    wanted = {"target_id": household_id, "action": "handbook.ledger_applied"}
    (record,) = audited(api, admin_token, "the ledger applied", **wanted)
    assert (record["detail"]["year"], record["detail"]["by_source"]) == (YEAR, figures)
