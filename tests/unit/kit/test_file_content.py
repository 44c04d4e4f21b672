"""A use that names the kinds it keeps refuses every other kind, however the file is named, and
stops reading a file as soon as it passes its kind's limit."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from kit.file_content import (
    JPEG,
    MIB,
    PDF,
    PNG,
    FileTooLarge,
    UnsupportedMediaType,
    read_limited,
    sniff,
)

VOUCHER_KINDS = (PDF, JPEG, PNG)
WEBP_HEAD = b"RIFF\x00\x00\x00\x00WEBPVP8 "


async def chunks_of(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


def test_a_kind_the_use_does_not_keep_is_refused_like_an_unknown_one() -> None:
    assert sniff(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", VOUCHER_KINDS) is PDF
    with pytest.raises(UnsupportedMediaType) as refused:
        sniff(WEBP_HEAD, VOUCHER_KINDS)
    assert "PDF, JPEG, PNG" in refused.value.message


async def test_reading_names_the_kind_found_in_the_content() -> None:
    data, kind = await read_limited(chunks_of(b"%PDF-1.4\n", b"x" * 100), VOUCHER_KINDS)
    assert kind is PDF and data.startswith(b"%PDF-1.4")


async def test_reading_stops_at_the_kinds_limit() -> None:
    big = b"\x89PNG\r\n\x1a\n" + b"\x00" * (10 * MIB)
    with pytest.raises(FileTooLarge):
        await read_limited(chunks_of(big[:MIB], big[MIB:]), VOUCHER_KINDS)


async def test_a_short_file_of_another_kind_is_refused() -> None:
    with pytest.raises(UnsupportedMediaType):
        await read_limited(chunks_of(b"<html>"), VOUCHER_KINDS)
