"""A helper cadre (帮扶干部) is limited to the households paired with them (SPEC §4): through the
gateway, a household of their own village that is not paired with them is exactly like one that
does not exist — in every read, list, count, map, public page and write naming it."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass

import pytest

from kit.id_numbers import check_character
from tests.e2e.test_visits import NEAR, log_visit

COUNTY = "370403000000"  # 薛城区, used by no other test
VILLAGE = "370403001001"
_serial = itertools.count(1)


def register(api, token, people):  # type: ignore[no-untyped-def]
    """A household of the village at the visits' test position, with `people` members."""
    members = []
    for position in range(people):
        first = f"37040319800101{next(_serial):03d}"
        members.append(
            {
                "name": f"成员{position}",
                "id_number": first + check_character(first),
                "relation": "head" if position == 0 else "child",
            }
        )
    body = {
        "number": f"HP-{uuid.uuid4().hex[:12]}",
        "village_code": VILLAGE,
        "attribute": "general",
        "main_cause": "illness",
        "latitude": 36.82,
        "longitude": 118.3,
        "members": members,
    }
    reply = api.http.post("/api/v1/households", json=body, headers=api.auth(token))
    assert reply.status_code == 201, reply.text
    return reply.json()


def pair(api, token, household_id, helper_id) -> None:  # type: ignore[no-untyped-def]
    reply = api.http.post(
        f"/api/v1/households/{household_id}/pairings",
        json={"helper_id": helper_id},
        headers=api.auth(token),
    )
    assert reply.status_code == 201, reply.text


def record_benefit(api, token, household_id) -> None:  # type: ignore[no-untyped-def]
    body = {"year": 2025, "quarter": 1, "department": "民政局", "program": "低保金", "amount": 600}
    reply = api.http.post(
        f"/api/v1/households/{household_id}/benefits", json=body, headers=api.auth(token)
    )
    assert reply.status_code == 201, reply.text


@dataclass(frozen=True)
class Village:
    paired: dict  # type: ignore[type-arg]  # household A, paired with the helper
    unpaired: dict  # type: ignore[type-arg]  # household B of the same village, paired with another
    helper: str  # the helper's token
    other_helper_id: str
    other_helper: str
    officer: str  # a village officer, who sees both


@pytest.fixture(scope="module")
def village(api, admin_token) -> Village:  # type: ignore[no-untyped-def]
    paired, unpaired = register(api, admin_token, 2), register(api, admin_token, 3)
    helper_id, _, helper = api.new_user(admin_token, VILLAGE, "helper")
    other_helper_id, _, other_helper = api.new_user(admin_token, VILLAGE, "helper")
    _, _, officer = api.new_user(admin_token, VILLAGE, "info_officer")
    pair(api, admin_token, paired["id"], helper_id)
    pair(api, admin_token, unpaired["id"], other_helper_id)
    for household in (paired, unpaired):
        record_benefit(api, admin_token, household["id"])
    return Village(paired, unpaired, helper, other_helper_id, other_helper, officer)


def missing_id() -> str:
    return uuid.uuid4().hex


def answer(reply):  # type: ignore[no-untyped-def]
    """What a reply tells: its status and body, less what names the request itself."""
    if not reply.headers["content-type"].startswith("application/problem+json"):
        return reply.status_code, reply.content
    body = {k: v for k, v in reply.json().items() if k not in ("instance", "request_id")}
    return reply.status_code, body


READS = (
    "/api/v1/households/{}",
    "/api/v1/households/{}/history",
    "/api/v1/households/{}/benefits",
    "/api/v1/households/{}/pairings",
    "/api/v1/households/{}/public-link",
    "/api/v1/households/{}/qr.png",
)


@pytest.mark.parametrize("path", READS)
def test_a_helper_reads_an_unpaired_household_of_their_village_as_a_missing_one(
    api, village, path
) -> None:
    unpaired = api.get(path.format(village.unpaired["id"]), village.helper)
    missing = api.get(path.format(missing_id()), village.helper)
    assert missing.status_code == 404, missing.text
    assert answer(unpaired) == answer(missing)
    assert api.get(path.format(village.paired["id"]), village.helper).status_code == 200
    assert api.get(path.format(village.unpaired["id"]), village.officer).status_code == 200


def test_a_helper_lists_counts_and_maps_only_the_households_paired_with_them(api, village) -> None:
    listed = api.get("/api/v1/households", village.helper).json()["items"]
    assert [h["id"] for h in listed] == [village.paired["id"]]
    stats = api.get("/api/v1/statistics/households", village.helper).json()
    assert (stats["households"], stats["people"]) == (1, 2)
    everyone = api.get("/api/v1/statistics/households", village.officer).json()
    assert (everyone["households"], everyone["people"]) == (2, 5)
    mapped = api.get("/api/v1/map/households", village.helper, bbox="118,36,119,37").json()
    assert [f["id"] for f in mapped["features"]] == [village.paired["id"]]
    # The other helper's pairings name only households this helper may see: none.
    theirs = api.get("/api/v1/pairings", village.helper, helper_id=village.other_helper_id)
    assert theirs.status_code == 200 and theirs.json()["items"] == []


def test_the_door_code_of_an_unpaired_household_shows_a_helper_only_the_public_summary(
    api, admin_token, village
) -> None:
    def door(household):  # type: ignore[no-untyped-def]
        link = api.get(f"/api/v1/households/{household['id']}/public-link", admin_token)
        return link.json()["url"].split("/public/", 1)[1]

    unpaired = door(village.unpaired)
    anonymous = api.http.get(f"/public/{unpaired}")
    assert api.get(f"/public/{unpaired}", village.helper).content == anonymous.content
    own = api.get(f"/public/{door(village.paired)}", village.helper).json()
    assert own["household"]["id"] == village.paired["id"]


def write(api, token, path, household_id):  # type: ignore[no-untyped-def]
    if path == "change-requests":
        version = api.get(f"/api/v1/households/{household_id}", token).json().get("version", 1)
        body = {"expected_version": version, "main_cause": "disability"}
        url = f"/api/v1/households/{household_id}/change-requests"
        return api.http.post(url, json=body, headers=api.auth(token))
    if path == "visits":
        return log_visit(api, token, household_id, NEAR)
    body = {
        "needs": {"category": "medical", "description": "住院费用高"},
        "alerts": {"kind": "illness", "reason": "户主突发重病住院"},
    }[path]
    return api.http.post(
        f"/api/v1/{path}", json={"household_id": household_id, **body}, headers=api.auth(token)
    )


@pytest.mark.parametrize("path", ["change-requests", "needs", "visits", "alerts"])
def test_a_helpers_write_naming_an_unpaired_household_is_answered_as_for_a_missing_one(
    api, village, path
) -> None:
    unpaired = write(api, village.helper, path, village.unpaired["id"])
    missing = write(api, village.helper, path, missing_id())
    assert missing.status_code == 404, missing.text
    assert answer(unpaired) == answer(missing)
    paired = write(api, village.helper, path, village.paired["id"])
    assert paired.status_code == 201, paired.text


@pytest.mark.parametrize("path", ["needs", "visits", "alerts"])
def test_a_helper_lists_no_assistance_of_an_unpaired_household(api, village, path) -> None:
    theirs = write(api, village.other_helper, path, village.unpaired["id"])
    assert theirs.status_code == 201, theirs.text
    listed = api.get(f"/api/v1/{path}", village.helper).json()["items"]
    assert village.unpaired["id"] not in {item["household_id"] for item in listed}
    assert theirs.json()["id"] in {
        item["id"] for item in api.get(f"/api/v1/{path}", village.officer).json()["items"]
    }
    if path != "visits":  # visits are read in lists only
        one = api.get(f"/api/v1/{path}/{theirs.json()['id']}", village.helper)
        missing = api.get(f"/api/v1/{path}/{missing_id()}", village.helper)
        assert missing.status_code == 404 and answer(one) == answer(missing)


OFFICERS_WRITES = (  # a helper's household edits go through change requests
    ("PUT", "/api/v1/households/{}/incomes/2025", {"by_source": {"wages": 9000}}),
    ("PUT", "/api/v1/households/{}/indicators", {"values": {"safe_housing": True}}),
    ("POST", "/api/v1/households/{}/members", {"member": {"name": "乙"}, "reason": "新增"}),
)


@pytest.mark.parametrize(("method", "path", "body"), OFFICERS_WRITES)
def test_a_helpers_direct_edit_of_an_unpaired_household_answers_as_for_a_missing_one(
    api, village, method, path, body
) -> None:
    def send(household_id):  # type: ignore[no-untyped-def]
        url = path.format(household_id)
        return api.http.request(method, url, json=body, headers=api.auth(village.helper))

    unpaired, missing = send(village.unpaired["id"]), send(missing_id())
    assert missing.status_code in (403, 404, 422), missing.text
    assert answer(unpaired) == answer(missing)
