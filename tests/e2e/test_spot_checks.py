"""Spot checks (督查抽查) through the gateway: an inspector's seeded sample is the same again with
the same seed, shared out in proportion per village, ordered as a nearest-neighbour route
(households without a location last); out of their territory nothing is found; a finding
that differs from the archive opens a task the village's work team sees; an inspector
completes a spot-check task with their spot check, and both acts are in the audit log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.test_attachments import photo, upload
from tests.e2e.test_audit import audited
from tests.e2e.test_needs import register

COUNTY, TOWN = "371602000000", "371602001000"  # 滨城区 市中街道, used by no other test
VILLAGE_A, VILLAGE_B = "371602001200", "371602001201"  # 刘桥村, 户家村
OTHER_TOWN = "371602002000"
LATITUDE = 37.38


@pytest.fixture(scope="module")
def town(api, admin_token):  # type: ignore[no-untyped-def]
    """The households of two villages of the town, west to east: village A's at 118.00, 118.02,
    118.04, 118.06; village B's at 118.01 and one without a location."""
    a = [
        register(api, admin_token, VILLAGE_A, (LATITUDE, lon))
        for lon in (118.00, 118.02, 118.04, 118.06)
    ]
    b = [
        register(api, admin_token, VILLAGE_B, (LATITUDE, 118.01)),
        register(api, admin_token, VILLAGE_B, None),
    ]
    _, _, inspector = api.new_user(admin_token, TOWN, "inspector")
    return {"a": a, "b": b, "inspector": inspector}


def draw(api, token, **body):  # type: ignore[no-untyped-def]
    return api.http.post("/api/v1/spot-checks", json=body, headers=api.auth(token))


def record(api, token, spot_check_id, household_id, **body):  # type: ignore[no-untyped-def]
    return api.http.post(
        f"/api/v1/spot-checks/{spot_check_id}/findings",
        json={"household_id": household_id, **body},
        headers=api.auth(token),
    )


def test_the_same_seed_draws_the_same_sample_shared_out_per_village(api, town) -> None:
    first = draw(api, town["inspector"], size=3, stratify_by="village", seed="2026-q4")
    assert first.status_code == 201, first.text
    again = draw(api, town["inspector"], size=3, stratify_by="village", seed="2026-q4").json()
    sampled = [h["household_id"] for h in first.json()["households"]]
    assert [h["household_id"] for h in again["households"]] == sampled
    assert first.json()["id"] != again["id"]  # each draw is stored on its own
    assert first.json()["strata"] == [
        {"stratum": VILLAGE_A, "population": 4, "sampled": 2},
        {"stratum": VILLAGE_B, "population": 2, "sampled": 1},
    ]
    by_village = {h["household_id"]: h["village_code"] for h in first.json()["households"]}
    assert sorted(by_village.values()) == [VILLAGE_A, VILLAGE_A, VILLAGE_B]
    assert set(by_village) <= set(town["a"] + town["b"])
    others = [
        draw(api, town["inspector"], size=3, stratify_by="village", seed=f"other-{n}").json()
        for n in range(4)
    ]
    assert any({h["household_id"] for h in o["households"]} != set(sampled) for o in others)
    stored = api.get(f"/api/v1/spot-checks/{first.json()['id']}", town["inspector"])
    assert [h["household_id"] for h in stored.json()["households"]] == sampled
    by_status = draw(api, town["inspector"], size=2, stratify_by="status", seed="x").json()
    assert by_status["strata"] == [{"stratum": "identified", "population": 6, "sampled": 2}]
    assert audited(api, town["inspector"], "the draw", target_id=first.json()["id"])


def test_the_sample_is_a_nearest_neighbour_route_with_unlocated_households_last(api, town) -> None:
    # The start lies west of every household, given as Baidu (BD-09) reports it.
    start = {"start_latitude": 37.386749, "start_longitude": 117.992406}
    drawn = draw(api, town["inspector"], size=6, seed="route", coordinate_system="bd09", **start)
    assert drawn.status_code == 201, drawn.text
    stops = drawn.json()["households"]
    a, b = town["a"], town["b"]
    assert [s["household_id"] for s in stops] == [a[0], b[0], a[1], a[2], a[3], b[1]]
    assert [s["position"] for s in stops] == [1, 2, 3, 4, 5, 6]
    assert drawn.json()["start_latitude"] == pytest.approx(LATITUDE, abs=1e-4)
    assert drawn.json()["start_longitude"] == pytest.approx(117.98, abs=1e-4)
    assert 1700 < stops[0]["leg_m"] < 1850  # 0.02° of longitude at 37.38°N
    assert (stops[-1]["latitude"], stops[-1]["leg_m"]) == (None, None)
    assert stops[0]["village_name"] == "刘桥村村委会"
    assert stops[1]["village_name"] == "户家村村委会"


def test_out_of_territory_nothing_is_found_and_bad_draws_change_nothing(
    api, admin_token, town
) -> None:
    _, _, elsewhere = api.new_user(admin_token, OTHER_TOWN, "inspector")
    _, _, helper = api.new_user(admin_token, VILLAGE_A, "helper")
    mine = draw(api, town["inspector"], size=2, seed="scope").json()
    refused = draw(api, elsewhere, size=2, region_code=TOWN)
    assert refused.status_code == 404
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert draw(api, town["inspector"], size=2, region_code=COUNTY).status_code == 404
    assert api.get(f"/api/v1/spot-checks/{mine['id']}", elsewhere).status_code == 404
    household = mine["households"][0]["household_id"]
    assert record(api, elsewhere, mine["id"], household, outcome="visited").status_code == 404
    assert draw(api, helper, size=2).status_code == 403
    assert draw(api, town["inspector"], size=0).status_code == 422
    assert draw(api, town["inspector"], size=2, stratify_by="age").status_code == 422
    unsampled = next(
        h for h in town["a"] if h not in {s["household_id"] for s in mine["households"]}
    )
    assert (
        record(api, town["inspector"], mine["id"], unsampled, outcome="visited").status_code == 404
    )


def test_a_finding_that_differs_opens_a_task_the_work_team_sees(api, admin_token, town) -> None:
    _, _, team = api.new_user(admin_token, VILLAGE_A, "work_team")
    drawn = draw(api, town["inspector"], size=4, stratify_by="village", seed="findings").json()
    in_a = [h["household_id"] for h in drawn["households"] if h["village_code"] == VILLAGE_A]
    seen = {"members_count": 3, "safe_housing": False, "income_sources": ["wage"]}
    differing = record(
        api,
        town["inspector"],
        drawn["id"],
        in_a[0],
        outcome="visited",
        observed=seen,
        notes="实际居住三人",
    )
    assert differing.status_code == 201, differing.text
    finding = differing.json()
    assert {d["field"]: (d["archive"], d["observed"]) for d in finding["differences"]} == {
        "members_count": ("1", "3"),
        "income_sources": ("", "wage"),
        "safe_housing": ("", "no"),  # not recorded in the archive: to be recorded
    }
    assert finding["task_id"]
    tasks = api.get("/api/v1/tasks", team).json()["items"]
    (task,) = [t for t in tasks if t["id"] == finding["task_id"]]
    assert (task["kind"], task["household_id"]) == ("verify_data", in_a[0])
    same = record(
        api,
        town["inspector"],
        drawn["id"],
        in_a[1],
        outcome="visited",
        observed={"members_count": 1, "attribute": "general"},
    )
    assert same.status_code == 201, same.text
    assert (same.json()["differences"], same.json()["task_id"]) == ([], None)
    again = record(api, town["inspector"], drawn["id"], in_a[0], outcome="not_found")
    assert again.status_code == 409
    stored = api.get(f"/api/v1/spot-checks/{drawn['id']}", town["inspector"]).json()
    recorded = {h["household_id"]: h["finding"] for h in stored["households"]}
    assert recorded[in_a[0]]["id"] == finding["id"]  # the finding's id is stable
    assert recorded[in_a[0]]["observed"]["members_count"] == 3
    assert audited(api, town["inspector"], "the finding", target_id=finding["id"])

    pictured = upload(
        api, town["inspector"], "spot-check-findings", finding["id"], "户内.jpg", photo(None, None)
    )
    assert pictured.status_code == 201, pictured.text
    listed = api.get(f"/api/v1/spot-check-findings/{finding['id']}/attachments", team).json()
    assert [a["id"] for a in listed["items"]] == [pictured.json()["id"]]
    _, _, elsewhere = api.new_user(admin_token, OTHER_TOWN, "inspector")
    hidden = api.get(f"/api/v1/attachments/{pictured.json()['id']}", elsewhere)
    assert hidden.status_code == 404


def test_an_inspector_completes_a_spot_check_task_with_their_spot_check(
    api, admin_token, town
) -> None:
    _, _, county = api.new_user(admin_token, COUNTY, "admin")
    _, _, colleague = api.new_user(admin_token, TOWN, "inspector")
    due = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    body = {"kind": "spot_check", "title": "抽查市中街道", "due_at": due, "role": "inspector"}
    created = api.http.post(
        "/api/v1/tasks", json={**body, "region_code": TOWN}, headers=api.auth(county)
    )
    assert created.status_code == 201, created.text
    task_id = created.json()["id"]
    theirs = draw(api, colleague, size=1, seed="theirs").json()
    mine = draw(api, town["inspector"], size=2, seed="task").json()

    def answer(**extra):  # type: ignore[no-untyped-def]
        return api.http.post(
            f"/api/v1/tasks/{task_id}/answers",
            json={"action": "complete", **extra},
            headers=api.auth(town["inspector"]),
        )

    assert answer().status_code == 400
    assert answer(result=theirs["id"]).status_code == 400
    done = answer(result=mine["id"])
    assert done.status_code == 200, done.text
    (assignment,) = done.json()["assignments"]
    assert (assignment["status"], assignment["result"]) == ("completed", mine["id"])


def test_the_spot_checks_of_a_region_are_listed_newest_first_with_their_progress(
    api, admin_token, town
) -> None:
    inspector_id, _, inspector = api.new_user(admin_token, TOWN, "inspector")
    drawn = [draw(api, inspector, size=2, seed=f"list-{n}").json() for n in range(3)]
    colleagues = draw(api, town["inspector"], size=1, seed="list-colleague").json()
    first = drawn[0]
    household = first["households"][0]["household_id"]
    seen = {"members_count": 9}  # every archive here has one member: it differs
    found = record(api, inspector, first["id"], household, outcome="visited", observed=seen)
    assert found.status_code == 201, found.text

    def listed(token: str, **query: object):  # type: ignore[no-untyped-def]
        return api.http.get("/api/v1/spot-checks", params=query, headers=api.auth(token))

    mine = listed(inspector, inspector_id=inspector_id)
    assert mine.status_code == 200, mine.text
    items = mine.json()["items"]
    assert [i["id"] for i in items] == [d["id"] for d in reversed(drawn)]
    assert {k: items[-1][k] for k in ("sampled", "recorded", "differing", "seed")} == {
        "sampled": 2,
        "recorded": 1,
        "differing": 1,
        "seed": "list-0",
    }
    assert (items[0]["recorded"], items[0]["differing"]) == (0, 0)
    pages, token = [], None
    while True:
        query = {"inspector_id": inspector_id, "page_size": 1}
        page = listed(inspector, **query, **({"page_token": token} if token else {})).json()
        pages += [i["id"] for i in page["items"]]
        token = page["next_page_token"]
        if not token:
            break
    assert pages == [i["id"] for i in items]
    everyone = [i["id"] for i in listed(inspector, region_code=TOWN, page_size=200).json()["items"]]
    assert set(pages) | {colleagues["id"]} <= set(everyone)

    _, _, elsewhere = api.new_user(admin_token, OTHER_TOWN, "inspector")
    refused = listed(elsewhere, region_code=TOWN)
    assert refused.status_code == 404
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert listed(elsewhere).json()["items"] == []
    assert listed(inspector, page_token="bm90LWEtY3Vyc29y").status_code == 400
    assert listed(inspector, inspector_id="NOT-HEX").status_code == 422
