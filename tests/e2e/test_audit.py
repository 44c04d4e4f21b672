"""The one audit log through the gateway and identity's command line: a reveal in the registry,
a review in assistance, an import, an export and a pairing are read back by an inspector of
the territory (and by nobody outside it); a record changed in the database is named by
`verify-audit`."""

from __future__ import annotations

import itertools
import json
import sqlite3
import subprocess
import sys
import time

from sqlalchemy.engine import make_url

from kit.id_numbers import check_character
from tests.e2e.test_alerts import act
from tests.e2e.test_households import new_household
from tests.e2e.test_imports import csv_file, household_rows, upload
from tests.e2e.test_needs import paired_helper

# 泰安市 is used by no other test.
COUNTY, TOWN, VILLAGE = "370902000000", "370902001000", "370902001001"
OTHER_COUNTY, OTHER_VILLAGE = "370911000000", "370911001001"
RECORDS = "/api/v1/audit-records"
_serial = itertools.count(1)


def audited(api, token, what, **filters):  # type: ignore[no-untyped-def]
    """The records matching `filters`, once identity has appended them to the log (it does
    after the act's commit, from the acting service's stream); asked four times a second, well
    within the account's rate limit."""
    deadline = time.monotonic() + 20
    while True:
        reply = api.get(RECORDS, token, **filters)
        assert reply.status_code == 200, reply.text
        if reply.json()["items"]:
            return reply.json()["items"]
        assert time.monotonic() < deadline, f"not in the audit log within 20 s: {what}"
        time.sleep(0.25)


def reveal(api, token, village):  # type: ignore[no-untyped-def]
    """(household, member id): a new household whose head's identity number was revealed."""
    first = f"370902197001{next(_serial) % 28 + 1:02d}{next(_serial):03d}"
    head = {"name": "赵六", "id_number": first + check_character(first), "relation": "head"}
    household = new_household(api, token, village=village, members=[head]).json()
    member = household["members"][0]["id"]
    path = f"/api/v1/households/{household['id']}/members/{member}/id-number"
    revealed = api.http.post(path, json={"purpose": "医保核对"}, headers=api.auth(token))
    assert revealed.status_code == 200, revealed.text
    return household, member


def test_reveals_reviews_imports_and_exports_of_every_service_are_in_the_one_log(
    api, admin_token
) -> None:
    household, member = reveal(api, admin_token, VILLAGE)
    (revealed,) = audited(
        api, admin_token, "the reveal", action="member.revealed", target_id=member
    )
    assert (revealed["service"], revealed["region_code"]) == ("registry", VILLAGE)
    assert revealed["detail"] == {
        "household_id": household["id"],
        "field": "id_number",
        "purpose": "医保核对",
    }

    household_id, helper = paired_helper(api, admin_token, VILLAGE)
    (paired,) = audited(api, admin_token, "the pairing", target_id=household_id)
    assert (paired["service"], paired["action"]) == ("registry", "pairing.created")
    _, _, town = api.new_user(admin_token, TOWN, "admin")
    county_id, _, county = api.new_user(admin_token, COUNTY, "admin")
    body = {"household_id": household_id, "kind": "illness", "reason": "户主突发重病住院"}
    alert = api.http.post("/api/v1/alerts", json=body, headers=api.auth(helper)).json()
    assert act(api, town, alert["id"], "verify", "属实").status_code == 200
    assert act(api, county, alert["id"], "review", "落实临时救助").status_code == 200
    (reviewed,) = audited(
        api, admin_token, "the review", service="assistance", action="alert.reviewed"
    )
    assert (reviewed["target_id"], reviewed["actor_id"]) == (alert["id"], county_id)
    assert reviewed["detail"]["text"] == "落实临时救助"

    job = upload(api, admin_token, csv_file(household_rows("AUDIT-1", village=VILLAGE))).json()
    (imported,) = audited(api, admin_token, "the import", target_id=job["id"])
    assert imported["action"] == "import.finished" and imported["detail"]["outcome"] == "applied"
    assert imported["region_code"] == "370000000000"  # the importer's territory

    exported = api.get("/api/v1/exports/households.csv", admin_token, region_code=VILLAGE)
    assert exported.status_code == 200
    (export,) = audited(
        api, admin_token, "the export", action="households.exported", target_id=VILLAGE
    )
    assert export["service"] == "registry"

    by_registry = api.get(RECORDS, admin_token, service="registry", region_code=VILLAGE).json()
    assert {r["action"] for r in by_registry["items"]} >= {
        "member.revealed",
        "pairing.created",
        "households.exported",
    }
    later = api.get(RECORDS, admin_token, region_code=VILLAGE, **{"from": export["at"]}).json()
    assert export["id"] in [r["id"] for r in later["items"]]
    assert revealed["id"] not in [r["id"] for r in later["items"]]


def test_inspectors_read_the_log_of_their_territory_and_nothing_outside_it(
    api, admin_token
) -> None:
    _, inside = reveal(api, admin_token, VILLAGE)
    _, outside = reveal(api, admin_token, OTHER_VILLAGE)
    audited(api, admin_token, "both reveals", target_id=outside)
    _, _, inspector = api.new_user(admin_token, COUNTY, "inspector")
    (seen,) = audited(api, inspector, "the reveal in the county", target_id=inside)
    assert seen["region_code"] == VILLAGE
    assert api.get(RECORDS, inspector, target_id=outside).json()["items"] == []
    hidden = api.get(RECORDS, inspector, region_code=OTHER_COUNTY)
    missing = api.get(RECORDS, inspector, region_code="370999000000")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["type"] == missing.json()["type"]
    _, _, helper = api.new_user(admin_token, VILLAGE, "helper")
    assert api.get(RECORDS, helper).status_code == 403


def verify_audit(platform) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    done = subprocess.run(
        [sys.executable, "-m", "services.identity", "verify-audit"],
        env=platform.environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, json.loads((done.stdout or done.stderr).strip().splitlines()[-1])


def test_a_record_changed_in_the_database_is_named_by_verify_audit(
    platform, api, admin_token
) -> None:
    _, member = reveal(api, admin_token, VILLAGE)
    (record,) = audited(api, admin_token, "the reveal", target_id=member)
    code, verified = verify_audit(platform)
    assert code == 0 and verified["verified"] is True and verified["records"] >= int(record["id"])

    database = make_url(platform.config.database_url("identity")).database
    with sqlite3.connect(database) as connection:
        try:
            connection.execute("UPDATE audit_records SET actor_id = 'someone' WHERE id = ?", [1])
        except sqlite3.DatabaseError as refused:
            assert "append-only" in str(refused)
        else:
            raise AssertionError("the log let a record be changed")
        connection.execute("DROP TRIGGER audit_records_no_update")
        connection.execute(
            "UPDATE audit_records SET detail = ? WHERE id = ?", ['{"purpose":"无"}', record["id"]]
        )
    code, broken = verify_audit(platform)
    assert code != 0 and broken["verified"] is False
    assert broken["broken_record"]["id"] == int(record["id"])
    assert broken["records"] == int(record["id"]) - 1
