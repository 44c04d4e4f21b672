"""Needs (帮扶需求) through the gateway: a paired helper files one, the village owns it, each
level escalates it with a reason up to the level that resolves it, the ledger shows the whole
path and the menu counts it; an urgent need nobody acts on escalates by itself at the
deadline and the new owner is texted (seen at the SMSC simulator)."""

from __future__ import annotations

import itertools

from kit.id_numbers import check_character
from tests.e2e.smsc import eventually

COUNTY = "370305000000"  # 临淄区, used by no other test
TOWN, VILLAGE = "370305001000", "370305001005"
URGENT_TOWN, URGENT_VILLAGE = "370305002000", "370305002001"
OTHER_TOWN = "370305003000"
_serial = itertools.count(1)


def register(api, token, village, position=(36.82, 118.3)):  # type: ignore[no-untyped-def]
    """A new household of `village` with one member, at `position` (None: no location)."""
    serial = next(_serial)
    first = f"370305198001{serial % 28 + 1:02d}{serial:03d}"
    body = {
        "number": f"ND-{village}-{serial}",
        "village_code": village,
        **(dict(zip(("latitude", "longitude"), position, strict=True)) if position else {}),
        "attribute": "general",
        "main_cause": "illness",
        "members": [
            {"name": "户主", "id_number": first + check_character(first), "relation": "head"}
        ],
    }
    reply = api.http.post("/api/v1/households", json=body, headers=api.auth(token))
    assert reply.status_code == 201, reply.text
    return reply.json()["id"]


def paired_helper(api, admin_token, village):  # type: ignore[no-untyped-def]
    """(household id, helper token): a new household and a helper paired with it."""
    household_id = register(api, admin_token, village)
    helper_id, _, helper = api.new_user(admin_token, village, "helper")
    paired = api.http.post(
        f"/api/v1/households/{household_id}/pairings",
        json={"helper_id": helper_id},
        headers=api.auth(admin_token),
    )
    assert paired.status_code == 201, paired.text
    return household_id, helper


def file_need(api, token, household_id, **extra):  # type: ignore[no-untyped-def]
    body = {"household_id": household_id, "category": "medical", "description": "住院费用高"}
    return api.http.post("/api/v1/needs", json={**body, **extra}, headers=api.auth(token))


def act(api, token, need_id, action, reason="已研究"):  # type: ignore[no-untyped-def]
    return api.http.post(
        f"/api/v1/needs/{need_id}/actions",
        json={"action": action, "reason": reason},
        headers=api.auth(token),
    )


def texts_to(smsc, mobile: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [m.text for m in smsc.messages() if m.phone.endswith(mobile)]


def test_a_need_goes_up_level_by_level_and_the_ledger_shows_its_whole_path(
    api, admin_token, smsc
) -> None:
    household_id, helper = paired_helper(api, admin_token, VILLAGE)
    _, _, stranger = api.new_user(admin_token, VILLAGE, "helper")
    _, _, team = api.new_user(admin_token, VILLAGE, "work_team")
    _, town_mobile, town = api.new_user(admin_token, TOWN, "admin")
    _, _, county = api.new_user(admin_token, COUNTY, "admin")
    _, _, other_town = api.new_user(admin_token, OTHER_TOWN, "admin")

    assert file_need(api, stranger, household_id).status_code == 404  # not paired: not there
    assert file_need(api, helper, household_id, category="lottery").status_code == 422
    filed = file_need(api, helper, household_id)
    assert filed.status_code == 201, filed.text
    need = filed.json()
    assert (need["status"], need["owner_level"], need["owner_region"]) == (
        "open",
        "village",
        VILLAGE,
    )
    assert act(api, helper, need["id"], "resolve").status_code == 403  # helpers do not handle

    assert act(api, team, need["id"], "escalate", "村级无力解决").json()["owner_level"] == "town"
    assert act(api, team, need["id"], "resolve").status_code == 403  # the town owns it now
    assert act(api, town, need["id"], "escalate", "需县医保统筹").json()["owner_level"] == "county"
    done = act(api, county, need["id"], "resolve", "已纳入大病救助")
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    assert act(api, county, need["id"], "answer").status_code == 409

    ledger = api.get("/api/v1/needs", county, region_code=TOWN).json()["items"]
    (entry,) = [n for n in ledger if n["id"] == need["id"]]
    assert [(s["action"], s["to_region"], s["reason"]) for s in entry["steps"]] == [
        ("filed", VILLAGE, ""),
        ("escalated", TOWN, "村级无力解决"),
        ("escalated", COUNTY, "需县医保统筹"),
        ("resolved", COUNTY, "已纳入大病救助"),
    ]
    menu = api.get("/api/v1/needs/menu", town).json()
    assert {"category": "medical", "owner_level": "county", "status": "resolved", "count": 1} in (
        menu["cells"]
    )
    assert api.get(f"/api/v1/needs/{need['id']}", other_town).status_code == 404
    assert api.get("/api/v1/needs", other_town, region_code=TOWN).status_code == 404
    assert api.get(f"/api/v1/needs/{'f' * 32}", county).status_code == 404
    eventually(lambda: any("帮扶需求" in t for t in texts_to(smsc, town_mobile)), what="town text")


def test_an_urgent_need_nobody_acts_on_escalates_at_its_deadline_and_the_town_is_texted(
    api, admin_token, smsc
) -> None:
    household_id, helper = paired_helper(api, admin_token, URGENT_VILLAGE)
    _, town_mobile, town = api.new_user(admin_token, URGENT_TOWN, "admin")
    need = file_need(api, helper, household_id, category="housing", urgent=True).json()

    def escalated():  # type: ignore[no-untyped-def]
        found = api.get(f"/api/v1/needs/{need['id']}", town).json()
        return found if found["owner_level"] == "town" else None

    found = eventually(escalated, seconds=30, what="the automatic escalation")
    assert [(s["action"], s["actor_id"]) for s in found["steps"]] == [
        ("filed", need["filed_by"]),
        ("auto_escalated", "scheduler"),
    ]
    assert not found["overdue"]  # the town's own time runs now

    def escalation_texts() -> list[str]:
        return [t for t in texts_to(smsc, town_mobile) if "帮扶需求" in t]

    (text,) = eventually(escalation_texts, what="the town's text")
    assert "住房" in text and "桓公路社区居委会" in text
