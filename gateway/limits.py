"""Request body limits, per route, enforced before a byte is parsed: a declared
Content-Length over the limit is refused at the first read, and a chunked body is counted as
it streams. A pure ASGI middleware; the refusal is an HTTPException (FastAPI lets those
through its body parsing), answered as a 413 problem."""

from __future__ import annotations

import re
from collections.abc import Sequence

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MIB = 1024 * 1024


def too_large(limit: int) -> HTTPException:
    return HTTPException(413, f"the request body is larger than {limit // 1024} KiB")


class BodyLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        default_bytes: int,
        by_path: dict[str, int],
        by_pattern: Sequence[tuple[re.Pattern[str], int]] = (),
    ) -> None:
        self.app = app
        self.default_bytes = default_bytes
        self.by_path = by_path
        self.by_pattern = by_pattern

    def limit_of(self, path: str) -> int:
        """The path's own limit, a pattern's (paths with ids in them), or the default."""
        if path in self.by_path:
            return self.by_path[path]
        return next(
            (n for pattern, n in self.by_pattern if pattern.match(path)), self.default_bytes
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_of(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length", b"")
        received = 0

        async def counted() -> Message:
            nonlocal received
            if declared.isdigit() and int(declared) > limit:
                raise too_large(limit)
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise too_large(limit)
            return message

        await self.app(scope, counted, send)
