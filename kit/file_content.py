"""What an uploaded file really is, found from its first bytes (the name and type the uploader
declared are not trusted): the kinds the platform keeps with their size limits, the name it is
kept under, and the reading of an upload that stops as soon as a file passes its kind's limit.
Each use names the kinds it accepts (assistance's attachments, projects' vouchers)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from kit.errors import FieldViolation, InvalidArgument

MIB = 1024 * 1024
SNIFF_BYTES = 16
MP4_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash"}
)


@dataclass(frozen=True)
class ContentKind:
    content_type: str
    extension: str
    kind: str  # image | video | document
    max_bytes: int
    label: str  # how a refusal names it: "JPEG photos"


JPEG = ContentKind("image/jpeg", "jpg", "image", 10 * MIB, "JPEG")
PNG = ContentKind("image/png", "png", "image", 10 * MIB, "PNG")
WEBP = ContentKind("image/webp", "webp", "image", 10 * MIB, "WebP")
MP4 = ContentKind("video/mp4", "mp4", "video", 30 * MIB, "MP4")
PDF = ContentKind("application/pdf", "pdf", "document", 10 * MIB, "PDF")
EVERY_KIND = (JPEG, PNG, WEBP, MP4, PDF)
LARGEST = max(kind.max_bytes for kind in EVERY_KIND)


class UnsupportedMediaType(InvalidArgument):
    """Content that is none of the allowed kinds (a 415 at the gateway)."""

    default_reason = "UNSUPPORTED_MEDIA_TYPE"


class FileTooLarge(InvalidArgument):
    """A file over its kind's size limit (a 413 at the gateway)."""

    default_reason = "FILE_TOO_LARGE"


def _kind_of(head: bytes) -> ContentKind | None:
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
    return None


def allowed_text(allowed: Sequence[ContentKind]) -> str:
    return ", ".join(kind.label for kind in allowed)


def sniff(head: bytes, allowed: Sequence[ContentKind] = EVERY_KIND) -> ContentKind:
    """The kind of content whose first bytes are `head`; anything not `allowed` is refused."""
    kind = _kind_of(head)
    if kind is None or kind not in allowed:
        text = allowed_text(allowed)
        raise UnsupportedMediaType(
            f"the file is not one of the allowed kinds: {text}",
            violations=[FieldViolation("file", text)],
        )
    return kind


def too_large(kind: ContentKind) -> FileTooLarge:
    return FileTooLarge(
        f"a {kind.extension.upper()} file may be at most {kind.max_bytes // MIB} MB",
        violations=[FieldViolation("file", f"at most {kind.max_bytes // MIB} MB")],
    )


def safe_name(declared: str, kind: ContentKind, fallback: str = "attachment") -> str:
    """The uploader's file name without folders, odd characters or its own extension, with
    the extension of the content found."""
    stem = declared.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    stem = re.sub(r"[^\w-]+", "_", stem).strip("_")[:80]
    return f"{stem or fallback}.{kind.extension}"


async def read_limited(
    chunks: AsyncIterator[bytes], allowed: Sequence[ContentKind] = EVERY_KIND
) -> tuple[bytes, ContentKind]:
    """The whole file, refused as soon as it passes its kind's limit (or, before its kind is
    known, the largest allowed), and its kind."""
    largest = max(kind.max_bytes for kind in allowed)
    data = bytearray()
    kind: ContentKind | None = None
    async for chunk in chunks:
        data += chunk
        if kind is None and len(data) >= SNIFF_BYTES:
            kind = sniff(bytes(data[:SNIFF_BYTES]), allowed)
        if len(data) > (kind.max_bytes if kind else largest):
            raise too_large(kind or sniff(bytes(data[:SNIFF_BYTES]), allowed))
    return bytes(data), kind or sniff(bytes(data), allowed)
