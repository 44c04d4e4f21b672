"""What every gRPC list call shares: the page size cap, opaque page tokens (keyset cursors),
and timestamps in messages."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import Protocol, TypeVar

from google.protobuf.timestamp_pb2 import Timestamp

from kit.errors import InvalidArgument

MAX_PAGE = 200
DEFAULT_PAGE = 50
MAX_CURSOR_CHARS = 200
MAX_BIGINT = 2**63 - 1


def page_size(requested: int) -> int:
    if requested < 0 or requested > MAX_PAGE:
        raise InvalidArgument(
            f"page_size must be between 1 and {MAX_PAGE}", reason="INVALID_PAGE_SIZE"
        )
    return requested or DEFAULT_PAGE


def encode_token(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode()).decode() if value else ""


def invalid_token() -> InvalidArgument:
    return InvalidArgument("page_token is not valid", reason="INVALID_PAGE_TOKEN")


def decode_token(token: str) -> str | None:
    """The cursor a page token carries: printable text (a token is opaque to callers, but
    nothing they send reaches a query unless the platform could have made it)."""
    if not token:
        return None
    try:
        value = base64.b64decode(token.encode(), altchars=b"-_", validate=True).decode()
    except (ValueError, UnicodeDecodeError) as exc:
        raise invalid_token() from exc
    if not value.isprintable() or len(value) > MAX_CURSOR_CHARS:
        raise invalid_token()
    return value


def decode_number_token(token: str) -> int | None:
    """A cursor that is a row number (a BIGINT key), refused unless it could be one."""
    value = decode_token(token)
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()) or not 0 < int(value) <= MAX_BIGINT:
        raise invalid_token()
    return int(value)


def stamp(value: datetime) -> Timestamp:
    result = Timestamp()
    result.FromDatetime(value)
    return result


class PagedReply(Protocol):
    @property
    def next_page_token(self) -> str: ...


R = TypeVar("R", bound=PagedReply)
T = TypeVar("T")


async def every_page(
    fetch: Callable[[str], Awaitable[R]], items: Callable[[R], Iterable[T]]
) -> list[T]:
    """Every item of a paged list call: `fetch(page_token)` from the first page ("") until a
    reply names no next page."""
    found: list[T] = []
    page_token = ""
    while True:
        reply = await fetch(page_token)
        found += items(reply)
        page_token = reply.next_page_token
        if not page_token:
            return found
