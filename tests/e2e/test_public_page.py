"""The QR code on a household's door opens a public page without personal data; only the
registry's own signed links open it."""

from __future__ import annotations

import time

from kit.id_numbers import check_character


def test_the_door_code_opens_a_summary_without_personal_data(api, admin_token) -> None:
    first = "37010219750505123"
    number = first + check_character(first)
    body = {
        "number": f"QR-{time.time_ns()}",
        "village_code": "370102001002",
        "attribute": "subsistence_allowance",
        "main_cause": "illness",
        "members": [{"name": "孙八", "id_number": number, "relation": "head"}],
    }
    household = api.http.post("/api/v1/households", json=body, headers=api.auth(admin_token)).json()
    url = api.get(f"/api/v1/households/{household['id']}/public-link", admin_token).json()["url"]
    path = url[url.index("/public/") :]
    page = api.http.get(path)  # no login
    assert page.status_code == 200
    summary = page.json()
    assert (summary["household_id"], summary["members"], summary["attribute"]) == (
        household["id"],
        1,
        "subsistence_allowance",
    )
    assert "孙八" not in page.text and number[:6] + "*" not in page.text and number not in page.text
    forged = path[:-4] + ("AAAA" if not path.endswith("AAAA") else "BBBB")
    assert api.http.get(forged).status_code == 404
    qr = api.get(f"/api/v1/households/{household['id']}/qr.png", admin_token)
    assert qr.headers["content-type"] == "image/png" and qr.content.startswith(b"\x89PNG")
    assert api.http.get(f"/api/v1/households/{household['id']}/qr.png").status_code == 401
