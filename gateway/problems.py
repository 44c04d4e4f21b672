"""RFC 9457 problem details for every error the gateway returns, with nothing internal in them."""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from kit.errors import DomainError

log = logging.getLogger(__name__)
MEDIA_TYPE = "application/problem+json"


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
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        media_type=MEDIA_TYPE,
        headers=headers,
    )


class OAuthError(DomainError):
    """An error at the token endpoint, carrying the RFC 6749 `error` code."""

    def __init__(self, status: int, error: str, message: str, *, reason: str | None = None) -> None:
        super().__init__(message, reason=reason or error.upper())
        self.status = status
        self.error = error


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


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        FieldError(field=".".join(str(part) for part in error["loc"]), description=error["msg"])
        for error in exc.errors()
    ]
    return problem_response(
        request, 422, "VALIDATION_FAILED", "the request is not valid", errors=errors
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
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
