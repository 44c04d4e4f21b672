"""The QR code on a household's door opens a public page without personal data; only the
registry's own signed links open it. A signed-in cadre of the household's territory sees the
full (masked) record there too; anyone else sees exactly the public summary."""

from __future__ import annotations

import itertools
import time

from kit.id_numbers import check_character

VILLAGE, OTHER_COUNTY = "370102001002", "370103000000"
_serial = itertools.count(300)


def registered_household(api, token) -> tuple[dict, str, str]:  # type: ignore[no-untyped-def]
    """A new household, its head's full identity number, and the path of its public page."""
    first = f"37010219750505{next(_serial):03d}"
    number = first + check_character(first)
    body = {
        "number": f"QR-{time.time_ns()}",
        "village_code": VILLAGE,
        "attribute": "subsistence_allowance",
        "main_cause": "illness",
        "members": [{"name": "孙八", "id_number": number, "relation": "head"}],
    }
    household = api.http.post("/api/v1/households", json=body, headers=api.auth(token)).json()
    url = api.get(f"/api/v1/households/{household['id']}/public-link", token).json()["url"]
    return household, number, url[url.index("/public/") :]


def test_the_door_code_opens_a_summary_without_personal_data(api, admin_token) -> None:
    household, number, path = registered_household(api, admin_token)
    page = api.http.get(path)  # no login
    assert page.status_code == 200
    summary = page.json()
    assert (summary["household_id"], summary["members"], summary["attribute"]) == (
        household["id"],
        1,
        "subsistence_allowance",
    )
    assert "household" not in summary
    assert "孙八" not in page.text and number[:6] + "*" not in page.text and number not in page.text
    forged = path[:-4] + ("AAAA" if not path.endswith("AAAA") else "BBBB")
    assert api.http.get(forged).status_code == 404
    qr = api.get(f"/api/v1/households/{household['id']}/qr.png", admin_token)
    assert qr.headers["content-type"] == "image/png" and qr.content.startswith(b"\x89PNG")
    assert api.http.get(f"/api/v1/households/{household['id']}/qr.png").status_code == 401


def test_a_signed_in_cadre_of_the_village_also_sees_the_full_masked_record(
    api, admin_token
) -> None:
    household, number, path = registered_household(api, admin_token)
    _, _, team = api.new_user(admin_token, VILLAGE, "work_team")
    page = api.get(path, team)
    assert page.status_code == 200
    assert page.json()["household"] == household
    head = page.json()["household"]["members"][0]
    assert head["name"] == "孙八" and head["id_number"] == number[:6] + "********" + number[-4:]
    assert number not in page.text


def test_callers_out_of_scope_or_without_the_right_see_exactly_the_public_summary(
    api, admin_token
) -> None:
    _, _, path = registered_household(api, admin_token)
    anonymous = api.http.get(path)
    _, _, other_county = api.new_user(admin_token, OTHER_COUNTY, "admin")
    _, _, candidate = api.new_user(admin_token, VILLAGE, "leader_candidate")
    for token in (other_county, candidate):
        page = api.get(path, token)
        assert (page.status_code, page.content) == (200, anonymous.content)
    assert api.get(path, "not-a-token").status_code == 401
