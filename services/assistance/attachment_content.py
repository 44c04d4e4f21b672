"""A photo's content beyond its kind (kit.file_content finds the kind from its first bytes):
its EXIF place and time, and its JPEG thumbnail — turned upright, without EXIF."""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from PIL import Image, ImageOps, UnidentifiedImageError

from kit.file_content import UnsupportedMediaType
from services.assistance.events import LOCAL_TIME

THUMBNAIL_PX = 320
MAX_PIXELS = 60_000_000  # a 10 MB photo is far below; a decompression bomb is not
GPS_IFD, EXIF_IFD = 0x8825, 0x8769
DATE_TIME, DATE_TIME_ORIGINAL, OFFSET_TIME_ORIGINAL = 306, 36867, 36881


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
