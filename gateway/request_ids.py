"""Request ids: taken from `X-Request-ID` (when sane) or made, kept in `request.state`,
returned on the response, and set on the request's span (FastAPI's own, current here), so the
trace of a request a client reports by its id can be found. A pure ASGI middleware, so it costs
nothing measurable per request."""

from __future__ import annotations

import re
import uuid

from opentelemetry import trace
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = b"x-request-id"
ACCEPTABLE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
SPAN_ATTRIBUTE = "jingzhun.request_id"


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(HEADER, b"").decode("latin-1")
        request_id = given if ACCEPTABLE.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        trace.get_current_span().set_attribute(SPAN_ATTRIBUTE, request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (HEADER, request_id.encode())]
            await send(message)

        await self.app(scope, receive, send_with_id)
