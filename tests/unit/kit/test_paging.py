"""Page tokens: only a cursor the platform could have made reaches a query."""

from __future__ import annotations

import base64

import pytest

from kit.errors import InvalidArgument
from kit.paging import decode_number_token, decode_token, encode_token


def token(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


def test_a_token_the_platform_made_decodes_to_its_cursor() -> None:
    assert decode_token(encode_token("0190abc")) == "0190abc"
    assert decode_number_token(encode_token("42")) == 42
    assert decode_token("") is None and decode_number_token("") is None


@pytest.mark.parametrize("bad", ["not base64!", token(b"\x00\xff"), token(b"a\x00b"), "a" * 3])
def test_a_token_that_is_not_printable_base64_text_is_refused(bad: str) -> None:
    with pytest.raises(InvalidArgument) as refused:
        decode_token(bad)
    assert refused.value.reason == "INVALID_PAGE_TOKEN"


@pytest.mark.parametrize(
    "bad",
    ["MWU5", token(b"0"), token(b"-1"), token(b"\xc2\xb2".decode().encode()), token(b"9" * 20)],
)
def test_a_numeric_cursor_must_be_a_positive_bigint(bad: str) -> None:
    with pytest.raises(InvalidArgument):
        decode_number_token(bad)
