"""The hottest reads (a region, a household) answered by their own routes' endpoints without
FastAPI's per-request routing and dependency solving.

FastAPI finds a request's route by trying the included routers in turn (~40–60 µs a request
here) and then solves its dependencies; for a read that is a tenth of the gateway's CPU. This
pure ASGI layer, inside the request-id and metrics middlewares, matches a GET against the few
declared routes it is given, validates the path parameter with the route's own field, and
calls the route's own caller dependency (token, revocation, rate limit, function) and endpoint,
so the checks and the response bytes are the route's. Errors are answered by the app's own
problem handlers. Anything it does not recognise — another method or path, a path parameter
the route's field refuses (FastAPI then writes its 422) — goes on to FastAPI unchanged."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.routing import APIRoute
from opentelemetry import trace
from starlette.routing import compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.deps import oauth2


@dataclass(frozen=True)
class HotRoute:
    """One declared route, taken apart once: its path's regex, its one path parameter's field,
    and its caller dependency's function."""

    route: APIRoute
    regex: re.Pattern[str]
    parameter: Any  # FastAPI's ModelField of the path parameter
    caller_name: str
    authorize: Callable[[Request, str | None], Awaitable[Any]]

    @classmethod
    def of(cls, route: APIRoute) -> HotRoute:
        (parameter,) = route.dependant.path_params
        (dependency,) = route.dependant.dependencies
        if route.dependant.query_params or route.dependant.body_params or dependency.call is None:
            raise ValueError(f"{route.path} is not a plain read: it cannot be a hot route")
        regex, _, _ = compile_path(route.path)
        return cls(route, regex, parameter, str(dependency.name), dependency.call)


def hot_routes(*endpoints: Callable[..., Any], among: list[Any]) -> list[HotRoute]:
    """The declared routes of these endpoints, found in the routers `among`."""
    by_endpoint = {
        route.endpoint: route
        for router in among
        for route in router.routes
        if isinstance(route, APIRoute) and "GET" in (route.methods or ())
    }
    return [HotRoute.of(by_endpoint[endpoint]) for endpoint in endpoints]


class HotRoutesMiddleware:
    def __init__(self, app: ASGIApp, routes: list[HotRoute]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            for hot in self.routes:
                matched = hot.regex.match(scope["path"])
                if matched is None:
                    continue
                (raw,) = matched.groups()
                value, errors = hot.parameter.validate(raw, {}, loc=("path", hot.parameter.name))
                if errors:
                    break  # FastAPI writes the route's own 422
                scope["route"] = hot.route
                scope["path_params"] = {hot.parameter.name: value}
                await self._answer(hot, value, scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _answer(
        self, hot: HotRoute, value: Any, scope: Scope, receive: Receive, send: Send
    ) -> None:
        span = trace.get_current_span()
        span.update_name(f"GET {hot.route.path}")
        span.set_attribute("http.route", hot.route.path)
        request = Request(scope, receive)
        try:
            caller = await hot.authorize(request, await oauth2(request))
            response = await hot.route.endpoint(
                **{hot.parameter.name: value, hot.caller_name: caller}
            )
        except Exception as exc:  # answered as the app would: its handler for the error's type
            response = await problem_handler(scope["app"], exc)(request, exc)
        await response(scope, receive, send)


def problem_handler(app: FastAPI, exc: Exception) -> Any:
    """The app's exception handler for `exc`'s nearest class (every app has one for Exception)."""
    handlers = app.exception_handlers
    return next(handlers[cls] for cls in type(exc).__mro__ if cls in handlers)
