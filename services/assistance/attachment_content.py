"""What an uploaded file really is, found from its first bytes (the name and type the uploader
declared are not trusted): the allowed kinds with their size limits, a photo's EXIF place and
time, and its JPEG thumbnail — turned upright, without EXIF."""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from PIL import Image, ImageOps, UnidentifiedImageError

from kit.errors import FieldViolation, InvalidArgument
from services.assistance.events import LOCAL_TIME

MIB = 1024 * 1024
SNIFF_BYTES = 16
THUMBNAIL_PX = 320
MAX_PIXELS = 60_000_000  # a 10 MB photo is far below; a decompression bomb is not
MP4_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash"}
)
GPS_IFD, EXIF_IFD = 0x8825, 0x8769
DATE_TIME, DATE_TIME_ORIGINAL, OFFSET_TIME_ORIGINAL = 306, 36867, 36881


@dataclass(frozen=True)
class ContentKind:
    content_type: str
    extension: str
    kind: str  # image | video | document
    max_bytes: int


JPEG = ContentKind("image/jpeg", "jpg", "image", 10 * MIB)
PNG = ContentKind("image/png", "png", "image", 10 * MIB)
WEBP = ContentKind("image/webp", "webp", "image", 10 * MIB)
MP4 = ContentKind("video/mp4", "mp4", "video", 30 * MIB)
PDF = ContentKind("application/pdf", "pdf", "document", 10 * MIB)
LARGEST = max(kind.max_bytes for kind in (JPEG, PNG, WEBP, MP4, PDF))
ALLOWED = "JPEG, PNG or WebP photos, MP4 videos and PDF documents"


class UnsupportedMediaType(InvalidArgument):
    """Content that is none of the allowed kinds (a 415 at the gateway)."""

    default_reason = "UNSUPPORTED_MEDIA_TYPE"


class FileTooLarge(InvalidArgument):
    """A file over its kind's size limit (a 413 at the gateway)."""

    default_reason = "FILE_TOO_LARGE"


def sniff(head: bytes) -> ContentKind:
    """The kind of content whose first bytes are `head`; anything else is refused."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if head[4:8] == b"ftyp" and head[8:12] in MP4_BRANDS:
        return MP4
    raise UnsupportedMediaType(
        f"the file is not one of the allowed kinds: {ALLOWED}",
        violations=[FieldViolation("file", ALLOWED)],
    )


def too_large(kind: ContentKind) -> FileTooLarge:
    return FileTooLarge(
        f"a {kind.extension.upper()} file may be at most {kind.max_bytes // MIB} MB",
        violations=[FieldViolation("file", f"at most {kind.max_bytes // MIB} MB")],
    )


def safe_name(declared: str, kind: ContentKind) -> str:
    """The uploader's file name without folders, odd characters or its own extension, with
    the extension of the content found."""
    stem = declared.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    stem = re.sub(r"[^\w-]+", "_", stem).strip("_")[:80]
    return f"{stem or 'attachment'}.{kind.extension}"


@dataclass(frozen=True)
class PhotoFacts:
    latitude: float | None
    longitude: float | None
    taken_at: datetime | None
    thumbnail: bytes

    @property
    def has_exif(self) -> bool:
        return self.latitude is not None or self.taken_at is not None


def _degrees(value: object) -> float:
    d, m, s = (float(part) for part in value)  # type: ignore[attr-defined]
    return d + m / 60 + s / 3600


def _position(gps: dict[int, object]) -> tuple[float | None, float | None]:
    try:
        latitude = _degrees(gps[2]) * (-1 if str(gps.get(1, "N")).startswith("S") else 1)
        longitude = _degrees(gps[4]) * (-1 if str(gps.get(3, "E")).startswith("W") else 1)
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None, None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None, None
    return latitude, longitude


def _taken_at(raw: object, offset: object) -> datetime | None:
    """EXIF's "YYYY:MM:DD HH:MM:SS", at its offset if it says one, else in local time."""
    try:
        naive = datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    zone = LOCAL_TIME
    found = re.fullmatch(r"([+-])(\d\d):(\d\d)", str(offset or "").strip("\x00 "))
    if found:
        sign = -1 if found[1] == "-" else 1
        zone = timezone(sign * timedelta(hours=int(found[2]), minutes=int(found[3])))  # type: ignore[assignment]
    return naive.replace(tzinfo=zone)


def photo_facts(data: bytes) -> PhotoFacts:
    """A photo's EXIF place and time and its thumbnail; content that only looks like an image
    is refused."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise UnsupportedMediaType("the photo has too many pixels")
                exif = image.getexif()
                details = exif.get_ifd(EXIF_IFD)
                latitude, longitude = _position(exif.get_ifd(GPS_IFD))
                taken_at = _taken_at(
                    details.get(DATE_TIME_ORIGINAL) or exif.get(DATE_TIME),
                    details.get(OFFSET_TIME_ORIGINAL),
                )
                upright = ImageOps.exif_transpose(image)
                upright.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
                out = io.BytesIO()
                upright.convert("RGB").save(out, "JPEG", quality=80)
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as error:
        raise UnsupportedMediaType(f"the photo cannot be read: {error}") from None
    return PhotoFacts(latitude, longitude, taken_at, out.getvalue())
