"""What an uploaded file is, from its bytes: the kinds allowed, the name kept, a photo's EXIF
time at its own offset, and the flags against a visit's check-in."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from kit.file_content import MP4, PDF, PNG, WEBP, UnsupportedMediaType, safe_name, sniff
from services.assistance.attachment_content import PhotoFacts, photo_facts
from services.assistance.attachments_service import Subject, exif_flags


def image_bytes(fmt: str, exif: Image.Exif | None = None) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 10, 10)).save(
        out, fmt, **({"exif": exif} if exif is not None else {})
    )
    return out.getvalue()


def test_the_first_bytes_decide_the_kind() -> None:
    assert sniff(image_bytes("PNG")[:16]) is PNG
    assert sniff(image_bytes("WEBP")[:16]) is WEBP
    assert sniff(b"%PDF-1.7\n%\xe2\xe3") is PDF
    assert sniff(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00") is MP4


@pytest.mark.parametrize(
    "head",
    [
        b"<html><body>",
        b'<?xml version="1.0"?><svg',
        b"MZ\x90\x00\x03\x00\x00\x00",
        b"\x00\x00\x00\x18ftypheic\x00\x00",  # HEIC: not decoded here
        b"PK\x03\x04\x14\x00\x06\x00",
        b"",
    ],
)
def test_anything_else_is_refused(head: bytes) -> None:
    with pytest.raises(UnsupportedMediaType):
        sniff(head)


def test_bytes_that_only_start_like_a_jpeg_are_refused() -> None:
    with pytest.raises(UnsupportedMediaType):
        photo_facts(b"\xff\xd8\xff\xe0" + b"not a photo" * 10)


def test_the_name_kept_is_the_stem_with_the_extension_of_the_content() -> None:
    assert safe_name("../../etc/passwd.jpg", PDF) == "passwd.pdf"
    assert safe_name("C:\\Users\\x\\走访 照片.JPG", PNG) == "走访_照片.png"
    assert safe_name("", PNG) == "attachment.png"
    assert safe_name('"><script>.png', PNG) == "script.png"


def test_a_photos_time_is_read_at_its_own_offset() -> None:
    exif = Image.Exif()
    exif.get_ifd(0x8769).update({36867: "2026:03:01 10:00:00", 36881: "+09:00"})
    facts = photo_facts(image_bytes("JPEG", exif))
    assert facts.taken_at == datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
    assert (facts.latitude, facts.longitude) == (None, None)


def test_flags_compare_the_photo_with_the_check_in() -> None:
    at = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
    visit = Subject("h1", "370283001001", (36.82, 118.3), at)
    near = PhotoFacts(36.821, 118.3, at + timedelta(hours=1), b"")
    assert exif_flags(near, visit, 500, 6)[0] == []
    late = PhotoFacts(36.9, 118.3, at + timedelta(hours=7), b"")
    assert exif_flags(late, visit, 500, 6)[0] == ["exif_far", "exif_time_off"]
    assert exif_flags(PhotoFacts(None, None, None, b""), visit, 500, 6) == (["no_exif"], None)
    need = Subject("h1", "370283001001")  # no check-in: nothing to compare
    assert exif_flags(late, need, 500, 6) == ([], None)
