"""RFC 9457 problem details for every error the gateway returns, with nothing internal in them."""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from gateway.deps import authenticate_if_required
from kit.errors import DomainError
from kit.redis_client import UNREACHABLE, RedisUnavailable

log = logging.getLogger(__name__)
MEDIA_TYPE = "application/problem+json"
# Every 429 and 503 tells the client when to try again (RFC 9110 §10.2.3): the cause's own
# delay when it knows one (the rate limit's window), else this (a service or Redis away).
RETRY_STATUSES = frozenset({429, 503})
DEFAULT_RETRY_AFTER_SECONDS = 5


class FieldError(BaseModel):
    field: str
    description: str


class Problem(BaseModel):
    type: str
    title: str
    status: int
    detail: str
    instance: str
    request_id: str
    errors: list[FieldError] | None = None
    error: str | None = None  # the OAuth2 error code, at the token endpoint only


def problem_type(reason: str) -> str:
    return "urn:jingzhun:problem:" + reason.lower().replace("_", "-")


def problem_response(
    request: Request,
    status: int,
    reason: str,
    detail: str,
    *,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
    oauth_error: str | None = None,
) -> JSONResponse:
    body = Problem(
        type=problem_type(reason),
        title=HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        instance=request.url.path,
        request_id=getattr(request.state, "request_id", ""),
        errors=errors,
        error=oauth_error,
    )
    if status in RETRY_STATUSES:
        headers = {"Retry-After": str(DEFAULT_RETRY_AFTER_SECONDS), **(headers or {})}
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        media_type=MEDIA_TYPE,
        headers=headers,
    )


class OAuthError(DomainError):
    """An error at the token endpoint, carrying the RFC 6749 `error` code."""

    def __init__(
        self,
        status: int,
        error: str,
        message: str,
        *,
        reason: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message, reason=reason or error.upper(), retry_after=retry_after)
        self.status = status
        self.error = error


class UnprocessableContent(DomainError):
    """A well-formed request whose content the gateway can tell is unusable (a 422): e.g. a
    file named .xlsx that is no workbook."""

    http_status = 422
    default_reason = "UNPROCESSABLE_CONTENT"


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    status = exc.status if isinstance(exc, OAuthError) else exc.http_status
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else None
    if status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
    errors = [FieldError(field=v.field, description=v.description) for v in exc.violations] or None
    oauth_error = exc.error if isinstance(exc, OAuthError) else None
    return problem_response(
        request,
        status,
        exc.reason,
        exc.message,
        errors=errors,
        headers=headers,
        oauth_error=oauth_error,
    )


async def _redis_unreachable(request: Request, exc: Exception) -> JSONResponse:
    """Redis away (the guard, the rate limit, idempotency): 503 with Retry-After, and the
    request went no further, so nothing Redis should have checked was let through."""
    log.warning("Redis unreachable on %s %s: %s", request.method, request.url.path, exc)
    return await _domain_error(request, RedisUnavailable())


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    if any(error["type"] == "json_invalid" for error in exc.errors()):
        # FastAPI parses a JSON body before the route's dependencies authenticate the caller:
        # without a good token the answer is 401, whatever the body.
        try:
            await authenticate_if_required(request)
        except DomainError as refused:
            return await _domain_error(request, refused)
    errors = [
        FieldError(field=".".join(str(part) for part in error["loc"]), description=error["msg"])
        for error in exc.errors()
    ]
    return problem_response(
        request, 422, "VALIDATION_FAILED", "the request is not valid", errors=errors
    )


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(request: Request) -> str:
    """Every method some route takes at this path (Starlette's 405 names only the first
    route's), and OPTIONS, which the gateway answers for every path it has."""
    routes = request.app.router.routes
    allowed = [
        method
        for method in METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    ]
    return ", ".join([*allowed, "OPTIONS"])


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 405:
        allow = {"Allow": allowed_methods(request)}
        if request.method == "OPTIONS":
            return Response(status_code=204, headers=allow)
        return problem_response(
            request, 405, "METHOD_NOT_ALLOWED", "method not allowed", headers=allow
        )
    reason = HTTPStatus(exc.status_code).phrase.upper().replace(" ", "_").replace("-", "_")
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).description
    return problem_response(
        request, exc.status_code, reason, detail, headers=dict(exc.headers) if exc.headers else None
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem_response(request, 500, "INTERNAL", "internal error")


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    for unreachable in UNREACHABLE:
        app.add_exception_handler(unreachable, _redis_unreachable)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)


PROBLEM_CONTENT = {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}


def problem_responses(*statuses: int) -> dict[int | str, dict]:
    """OpenAPI `responses=` entries documenting the problems a route may answer with."""
    common = (400, 401, 403, 404, 409, 422, 429, 503, 504)
    return {
        status: {
            "model": Problem,
            "description": HTTPStatus(status).phrase,
            "content": PROBLEM_CONTENT,
        }
        for status in sorted(set(common) | set(statuses))
    }
