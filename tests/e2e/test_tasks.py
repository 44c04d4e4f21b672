"""Tasks through the gateway and the SMSC simulator: a county administrator assigns a task to
every helper of a town; each is texted, a reply `2` with the code completes exactly the
replier's own task, a reply quoting another cadre's code changes nothing, answers work in the
API too, and the assigner sees who is late."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

from tests.e2e.smsc import eventually

COUNTY, TOWN, VILLAGE = "370305000000", "370305003000", "370305003009"  # 临淄区 辛店街道
CODE = re.compile(r"回复2 (\w+)。")


def assign(api, token, due_in: timedelta, **target):  # type: ignore[no-untyped-def]
    body = {
        "kind": "verify_data",
        "title": "核实帮扶户收入",
        "due_at": (datetime.now(UTC) + due_in).isoformat(),
        **target,
    }
    return api.http.post("/api/v1/tasks", json=body, headers=api.auth(token))


def code_texted_to(smsc, mobile: str) -> str:  # type: ignore[no-untyped-def]
    def code() -> str:
        texts = [m.text for m in smsc.messages() if m.phone.endswith(mobile)]
        found = [CODE.search(t) for t in texts]
        return next((m.group(1) for m in found if m), "")

    return eventually(code, what=f"a task text to {mobile}")


def assignment_of(api, token, task_id, user_id):  # type: ignore[no-untyped-def]
    task = api.get(f"/api/v1/tasks/{task_id}", token).json()
    return next(a for a in task["assignments"] if a["assignee_id"] == user_id)


def test_a_reply_completes_the_repliers_own_task_and_nobody_elses(api, admin_token, smsc) -> None:
    _, _, county = api.new_user(admin_token, COUNTY, "admin")
    first_id, first_mobile, _ = api.new_user(admin_token, VILLAGE, "helper")
    second_id, second_mobile, second = api.new_user(admin_token, VILLAGE, "helper")
    created = assign(api, county, timedelta(days=2), role="helper", region_code=TOWN)
    assert created.status_code == 201, created.text
    task = created.json()
    assert {a["assignee_id"] for a in task["assignments"]} == {first_id, second_id}

    first_code = code_texted_to(smsc, first_mobile)
    code_texted_to(smsc, second_mobile)
    smsc.send_mo(second_mobile, f"2 {first_code}")  # the other cadre's code: not theirs
    smsc.send_mo(first_mobile, f"2 {first_code}")
    done = eventually(
        lambda: assignment_of(api, county, task["id"], first_id)["status"] == "completed",
        what="the reply applied",
    )
    assert done
    assert assignment_of(api, county, task["id"], first_id)["via"] == "sms"
    assert assignment_of(api, county, task["id"], second_id)["status"] == "assigned"

    answered = api.http.post(
        f"/api/v1/tasks/{task['id']}/answers", json={"action": "accept"}, headers=api.auth(second)
    )
    assert answered.status_code == 200, answered.text
    assert [a["status"] for a in answered.json()["assignments"]] == ["accepted"]  # theirs only
    mine = api.get("/api/v1/tasks", second).json()["items"]
    assert [t["id"] for t in mine] == [task["id"]]


def test_the_assigner_sees_overdue_tasks_and_bad_assignments_change_nothing(
    api, admin_token
) -> None:
    _, _, county = api.new_user(admin_token, COUNTY, "admin")
    helper_id, _, helper = api.new_user(admin_token, VILLAGE, "helper")
    late = assign(api, county, timedelta(seconds=2), assignee_ids=[helper_id]).json()
    assert assign(api, helper, timedelta(days=1), assignee_ids=[helper_id]).status_code == 403
    assert assign(api, county, timedelta(days=-1), assignee_ids=[helper_id]).status_code == 400
    elsewhere = assign(api, county, timedelta(days=1), role="helper", region_code="370102000000")
    assert elsewhere.status_code == 404
    time.sleep(2.5)
    overdue = api.get("/api/v1/tasks", county, scope="assigned_by_me", overdue="true").json()
    assert [t["id"] for t in overdue["items"]] == [late["id"]]
    assert overdue["items"][0]["assignments"][0]["overdue"] is True
    _, _, other_county = api.new_user(admin_token, "370302000000", "admin")
    assert api.get(f"/api/v1/tasks/{late['id']}", other_county).status_code == 404
