"""Attachments (附件) through the gateway: photos made with Pillow carrying EXIF GPS and time
near and far from a visit's check-in are flagged accordingly and come back with a thumbnail
that has no EXIF; the content decides the type (a PDF named .jpg is kept as a PDF; HTML, SVG
and executables are refused 415; a photo over 10 MB 413; nothing kept for either); a cadre of
another village or an unpaired helper finds nothing; work logs and needs take attachments too."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from tests.e2e.test_needs import file_need, paired_helper
from tests.e2e.test_visits import NEAR, log_visit

COUNTY = "370283000000"  # 平度市, used by no other test
TOWN, VILLAGE = "370283001000", "370283001001"
OTHER_TOWN, OTHER_VILLAGE = "370283002000", "370283002001"
FAR_POINT = (36.9, 118.3)  # about 8.6 km from the check-in
LOCAL = ZoneInfo("Asia/Shanghai")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
MISSING = "0" * 32


def _dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = (value - degrees - minutes / 60) * 3600
    return (
        IFDRational(degrees, 1),
        IFDRational(minutes, 1),
        IFDRational(round(seconds * 1e4), 10**4),
    )


def photo(point: tuple[float, float] | None, taken: datetime | None, fmt: str = "JPEG") -> bytes:
    """A 1024×768 photo as a phone takes it: GPS and time in its EXIF, turned by its tag."""
    image = Image.new("RGB", (1024, 768), (40, 130, 70))
    exif = Image.Exif()
    if point is not None:
        exif.get_ifd(0x8825).update({1: "N", 2: _dms(point[0]), 3: "E", 4: _dms(point[1])})
    if taken is not None:
        exif.get_ifd(0x8769)[36867] = taken.astimezone(LOCAL).strftime("%Y:%m:%d %H:%M:%S")
    exif[0x0112] = 6  # shot holding the phone upright
    out = io.BytesIO()
    image.save(out, fmt, exif=exif)
    return out.getvalue()


def upload(api, token, subjects, subject_id, name, data, declared="image/jpeg"):  # type: ignore[no-untyped-def]
    return api.http.post(
        f"/api/v1/{subjects}/{subject_id}/attachments",
        files={"file": (name, data, declared)},
        headers=api.auth(token),
    )


def stored_files(var_dir: Path) -> list[Path]:
    return sorted(p for p in (var_dir / "data" / "assistance-objects").rglob("*") if p.is_file())


def without_request(problem: dict) -> dict:  # type: ignore[type-arg]
    return {k: v for k, v in problem.items() if k not in ("instance", "request_id")}


def test_photos_on_a_visit_are_flagged_by_their_exif_and_served_with_a_clean_thumbnail(
    api, admin_token
) -> None:
    household_id, helper = paired_helper(api, admin_token, VILLAGE)
    _, _, town = api.new_user(admin_token, TOWN, "admin")
    visit = log_visit(api, helper, household_id, NEAR)
    assert visit.status_code == 201, visit.text
    visit_id = visit.json()["id"]
    now = datetime.now(LOCAL)
    here = (NEAR["latitude"] + 0.001, NEAR["longitude"])

    near = photo(here, now)
    good = upload(api, helper, "visits", visit_id, "IMG_0001.jpg", near)
    assert good.status_code == 201, good.text
    found = good.json()
    assert (found["content_type"], found["kind"], found["flags"]) == ("image/jpeg", "image", [])
    assert abs(found["exif"]["latitude"] - here[0]) < 1e-5
    assert abs(found["exif"]["longitude"] - here[1]) < 1e-5
    assert found["exif"]["distance_m"] < 150
    taken = datetime.fromisoformat(found["exif"]["taken_at"])
    assert abs(taken - now) < timedelta(seconds=2)
    assert found["sha256"] == hashlib.sha256(near).hexdigest()
    assert found["size_bytes"] == len(near)
    assert found["subject"] == {"kind": "visit", "id": visit_id}
    assert found["household_id"] == household_id and found["village_code"] == VILLAGE

    far = upload(
        api, helper, "visits", visit_id, "far.jpg", photo(FAR_POINT, now - timedelta(days=2))
    )
    assert far.status_code == 201, far.text
    assert far.json()["flags"] == ["exif_far", "exif_time_off"]
    assert far.json()["exif"]["distance_m"] > 8000
    png = upload(
        api, helper, "visits", visit_id, "screen.png", photo(None, None, "PNG"), "image/png"
    )
    assert png.status_code == 201, png.text
    assert (png.json()["content_type"], png.json()["flags"]) == ("image/png", ["no_exif"])
    assert png.json()["file_name"] == "screen.png"

    listed = api.get(f"/api/v1/visits/{visit_id}/attachments", town)
    assert listed.status_code == 200, listed.text
    assert [a["id"] for a in listed.json()["items"]] == [
        found["id"],
        far.json()["id"],
        png.json()["id"],
    ]

    served = api.get(found["url"], town)
    assert served.status_code == 200, served.text
    assert served.content == near
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["content-disposition"].startswith('attachment; filename="IMG_0001.jpg"')

    thumbnail = api.get(found["thumbnail_url"], town)
    assert thumbnail.status_code == 200, thumbnail.text
    assert thumbnail.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(thumbnail.content)) as small:
        assert small.format == "JPEG"
        assert small.size == (240, 320)  # turned upright, at most 320 px
        assert dict(small.getexif()) == {}
        assert "exif" not in small.info


def test_the_content_decides_the_type_and_refused_files_leave_nothing(
    api, admin_token, var_dir
) -> None:
    household_id, helper = paired_helper(api, admin_token, VILLAGE)
    visit_id = log_visit(api, helper, household_id, NEAR).json()["id"]

    renamed = upload(api, helper, "visits", visit_id, "scan.jpg", PDF)
    assert renamed.status_code == 201, renamed.text
    document = renamed.json()
    assert (document["content_type"], document["kind"]) == ("application/pdf", "document")
    assert (document["file_name"], document["declared_type"]) == ("scan.pdf", "image/jpeg")
    assert (document["has_thumbnail"], document["exif"], document["thumbnail_url"]) == (
        False,
        None,
        None,
    )
    served = api.get(document["url"], helper)
    assert (served.headers["content-type"], served.content) == ("application/pdf", PDF)
    assert api.get(f"/api/v1/attachments/{document['id']}/thumbnail", helper).status_code == 404

    before = stored_files(var_dir)
    refused_kinds = {
        "page.jpg": b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        "logo.jpg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "setup.jpg": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" * 64,
        "tool.jpg": b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64,
    }
    for name, data in refused_kinds.items():
        refused = upload(api, helper, "visits", visit_id, name, data)
        assert refused.status_code == 415, (name, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["type"] == "urn:jingzhun:problem:unsupported-media-type"
    huge = photo(None, None) + b"\0" * (10 * 1024 * 1024)
    oversize = upload(api, helper, "visits", visit_id, "huge.jpg", huge)
    assert oversize.status_code == 413, oversize.text
    assert oversize.json()["type"] == "urn:jingzhun:problem:file-too-large"
    assert stored_files(var_dir) == before
    listed = api.get(f"/api/v1/visits/{visit_id}/attachments", helper).json()["items"]
    assert [a["id"] for a in listed] == [document["id"]]


def test_attachments_exist_only_for_callers_whose_scope_holds_the_subject(api, admin_token) -> None:
    household_id, helper = paired_helper(api, admin_token, VILLAGE)
    _, _, unpaired = api.new_user(admin_token, VILLAGE, "helper")
    _, _, other_village = api.new_user(admin_token, OTHER_VILLAGE, "work_team")
    _, _, other_town = api.new_user(admin_token, OTHER_TOWN, "admin")
    _, _, county = api.new_user(admin_token, COUNTY, "inspector")
    visit_id = log_visit(api, helper, household_id, NEAR).json()["id"]
    attachment = upload(api, helper, "visits", visit_id, "a.jpg", photo(None, None)).json()

    missing = api.get(f"/api/v1/attachments/{MISSING}", other_town)
    assert missing.status_code == 404
    for stranger in (unpaired, other_village, other_town):
        for path in (attachment["url"], attachment["thumbnail_url"]):
            hidden = api.get(path, stranger)
            assert hidden.status_code == 404, hidden.text
            assert without_request(hidden.json()) == without_request(missing.json())
        assert api.get(f"/api/v1/visits/{visit_id}/attachments", stranger).status_code == 404
        assert (
            upload(api, stranger, "visits", visit_id, "x.png", photo(None, None, "PNG")).status_code
            == 404
        )
    assert api.get(attachment["url"], county).status_code == 200
    assert api.get(f"/api/v1/attachments/{MISSING}", county).status_code == 404
    assert upload(api, helper, "visits", MISSING, "x.png", photo(None, None)).status_code == 404


def test_work_logs_and_needs_take_attachments_in_their_village(api, admin_token) -> None:
    _, _, member = api.new_user(admin_token, VILLAGE, "work_team")
    _, _, town = api.new_user(admin_token, TOWN, "admin")
    household_id, helper = paired_helper(api, admin_token, VILLAGE)
    log = api.http.post(
        "/api/v1/work-team/logs", json={"content": "召开村民代表会"}, headers=api.auth(member)
    )
    assert log.status_code == 201, log.text
    minutes = upload(
        api, member, "work-logs", log.json()["id"], "会议纪要.pdf", PDF, "application/pdf"
    )
    assert minutes.status_code == 201, minutes.text
    assert minutes.json()["file_name"] == "会议纪要.pdf"
    assert minutes.json()["household_id"] == ""
    served = api.get(minutes.json()["url"], town)
    assert served.status_code == 200
    assert "filename*=UTF-8''%E4%BC%9A" in served.headers["content-disposition"]
    # A helper sees only their pairings: a village's work log is none of them.
    assert api.get(minutes.json()["url"], helper).status_code == 404

    need = file_need(api, helper, household_id)
    assert need.status_code == 201, need.text
    receipt = upload(
        api, helper, "needs", need.json()["id"], "receipt.png", photo(None, None, "PNG")
    )
    assert receipt.status_code == 201, receipt.text
    listed = api.get(f"/api/v1/needs/{need.json()['id']}/attachments", town).json()["items"]
    assert [a["id"] for a in listed] == [receipt.json()["id"]]
