"""What every gRPC list call shares: the page size cap, opaque page tokens (keyset cursors),
and timestamps in messages."""

from __future__ import annotations

import base64
from datetime import datetime

from google.protobuf.timestamp_pb2 import Timestamp

from kit.errors import InvalidArgument

MAX_PAGE = 200
DEFAULT_PAGE = 50


def page_size(requested: int) -> int:
    if requested < 0 or requested > MAX_PAGE:
        raise InvalidArgument(
            f"page_size must be between 1 and {MAX_PAGE}", reason="INVALID_PAGE_SIZE"
        )
    return requested or DEFAULT_PAGE


def encode_token(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode()).decode() if value else ""


def decode_token(token: str) -> str | None:
    try:
        return base64.urlsafe_b64decode(token.encode()).decode() if token else None
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidArgument("page_token is not valid", reason="INVALID_PAGE_TOKEN") from exc


def stamp(value: datetime) -> Timestamp:
    result = Timestamp()
    result.FromDatetime(value)
    return result
