"""The public notice (公示) of households proposed for identification and exit, through the
gateway: the town publishes the list, anyone reads it without logging in and sees only the
head's name and the village, objects anonymously; the county cannot approve before the notice
ends nor while an objection is open (and nothing changes), the town resolves it, the county
approves and the household moves through its lifecycle with the notice in its history;
another town sees none of it."""

from __future__ import annotations

from kit.id_numbers import check_character
from tests.e2e.smsc import eventually

COUNTY = "370212000000"  # 崂山区, used by no other test
TOWN, VILLAGE = "370212001000", "370212001001"
OTHER_TOWN = "370212002000"
NOTICES, PUBLIC = "/api/v1/household-notices", "/public/household-notices"


def register(api, token, number, born, phone):  # type: ignore[no-untyped-def]
    first = f"370212{born}0{number[-2:]}"
    body = {
        "number": f"HN-{number}",
        "village_code": VILLAGE,
        "attribute": "general",
        "main_cause": "illness",
        "members": [
            {
                "name": f"张{number[-1]}民",
                "id_number": first + check_character(first),
                "relation": "head",
                "health": "long_term_illness",
                "phone": phone,
            }
        ],
    }
    reply = api.http.post("/api/v1/households", json=body, headers=api.auth(token))
    assert reply.status_code == 201, reply.text
    return reply.json()["id"], first + check_character(first)


def test_identification_and_exit_are_noticed_objected_resolved_and_approved(
    api, admin_token
) -> None:
    _, _, town = api.new_user(admin_token, TOWN, "admin")
    _, _, county = api.new_user(admin_token, COUNTY, "admin")
    _, _, other_town = api.new_user(admin_token, OTHER_TOWN, "admin")
    post = api.http.post
    proposed, proposed_id_number = register(api, admin_token, "01", "19700101", "13812340001")
    exiting, _ = register(api, admin_token, "02", "19650505", "13812340002")
    moved = post(
        f"/api/v1/households/{exiting}/transitions",
        json={"action": "start_assistance", "reason": "纳入帮扶"},
        headers=api.auth(admin_token),
    )
    assert moved.status_code == 200, moved.text

    def publish(token, kind, *ids):  # type: ignore[no-untyped-def]
        body = {"kind": kind, "household_ids": list(ids)}
        return post(NOTICES, json=body, headers=api.auth(token))

    assert publish(other_town, "identification", proposed).status_code == 404
    assert publish(county, "exit", proposed).status_code == 409  # not under assistance
    published = publish(town, "identification", proposed)
    assert published.status_code == 201, published.text
    (identification,) = published.json()
    assert (identification["head_name"], identification["state"]) == ("张1民", "running")
    assert publish(town, "identification", proposed).status_code == 409  # noticed already
    keyed = {**api.auth(town), "Idempotency-Key": f"exit-{exiting}"}
    body = {"kind": "exit", "household_ids": [exiting]}
    (exit_notice,) = post(NOTICES, json=body, headers=keyed).json()
    retried = post(NOTICES, json=body, headers=keyed)  # a retry: the same list, not a second
    assert retried.status_code == 201 and retried.json() == [exit_notice]

    public = api.http.get(PUBLIC, params={"region_code": TOWN})  # no login
    assert public.status_code == 200, public.text
    shown = {n["id"]: n for n in public.json()["items"]}
    assert shown[identification["id"]] == {
        "id": identification["id"],
        "kind": "identification",
        "head_name": "张1民",
        "village_code": VILLAGE,
        "starts_at": identification["starts_at"],
        "ends_at": identification["ends_at"],
    }
    assert proposed_id_number[6:14] not in public.text and "id_number" not in public.text
    assert "illness" not in public.text and "phone" not in public.text

    objected = post(
        f"{PUBLIC}/{identification['id']}/objections",
        json={"text": "该户家中有营运车辆", "contact": "13712340000"},
    )
    assert objected.status_code == 201, objected.text
    assert post(f"{PUBLIC}/{'f' * 32}/objections", json={"text": "无"}).status_code == 404

    approval = f"{NOTICES}/{identification['id']}/approval"
    early = post(approval, json={"note": "同意"}, headers=api.auth(county))
    assert early.status_code == 409 and early.json()["type"].endswith("notice-not-ended")
    assert api.get(f"/api/v1/households/{proposed}", county).json()["status"] == "identified"
    assert post(approval, json={}, headers=api.auth(town)).status_code == 403  # the county's
    assert post(approval, json={}, headers=api.auth(other_town)).status_code == 404
    assert api.get(NOTICES, other_town).json()["items"] == []

    eventually(
        lambda: identification["id"] not in api.http.get(PUBLIC, params={"region_code": TOWN}).text,
        seconds=30,
        what="the notice's end",
    )
    late = post(f"{PUBLIC}/{identification['id']}/objections", json={"text": "迟到的异议"})
    assert late.status_code == 409
    blocked = post(approval, json={}, headers=api.auth(county))
    assert blocked.status_code == 409 and blocked.json()["type"].endswith("objections-open")
    assert api.get(f"/api/v1/households/{proposed}", county).json()["status"] == "identified"

    listed = {n["id"]: n for n in api.get(NOTICES, town, region_code=VILLAGE).json()["items"]}
    (objection,) = listed[identification["id"]]["objections"]
    assert listed[identification["id"]]["state"] == "ended"
    assert (objection["contact_masked"], objection["status"]) == ("137****0000", "open")
    resolution = f"{NOTICES}/{identification['id']}/objections/{objection['id']}/resolution"
    finding = {"upheld": False, "resolution": "经核实车辆已转让"}
    assert post(resolution, json=finding, headers=api.auth(other_town)).status_code == 404
    resolved = post(resolution, json=finding, headers=api.auth(town))
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["open_objections"] == 0
    assert post(resolution, json=finding, headers=api.auth(town)).status_code == 409

    approved = post(approval, json={"note": "同意识别"}, headers=api.auth(county))
    assert approved.status_code == 200, approved.text
    assert (approved.json()["state"], approved.json()["decided_by"]) != ("running", "")
    assert post(approval, json={}, headers=api.auth(county)).status_code == 409  # once
    household = api.get(f"/api/v1/households/{proposed}", county).json()
    assert household["status"] == "under_assistance"
    history = api.get(f"/api/v1/households/{proposed}/history", county).json()["items"]
    assert any(identification["id"] in entry["reason"] for entry in history)

    exited = post(f"{NOTICES}/{exit_notice['id']}/approval", json={}, headers=api.auth(county))
    assert exited.status_code == 200, exited.text
    assert api.get(f"/api/v1/households/{exiting}", county).json()["status"] == "exited"

    acts = {
        "household_notice.published.identification",
        "household_notice.objection_resolved",
        "household_notice.approved.identification",
    }

    def audited() -> bool:
        found = api.get("/api/v1/audit-records", admin_token, target_id=identification["id"])
        return acts <= {record["action"] for record in found.json()["items"]}

    eventually(audited, what="the publication, resolution and approval in the audit log")
