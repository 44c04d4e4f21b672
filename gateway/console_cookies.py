"""The web console's session in cookies: the access and refresh tokens in HttpOnly cookies no
script can read, and a CSRF token (double-submit: a cookie the console's script reads and sends
back as the `X-CSRF-Token` header on every unsafe request, which another site cannot do).

A request with an Authorization header is the API's and never looks at the cookies; one without
is authenticated by the access cookie, through the very same guard (signature, expiry,
revocation, rate limit, function and territory) as a bearer token."""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request, Response
from starlette.requests import HTTPConnection

from jingzhun.identity.v1 import identity_pb2 as pb
from kit.errors import PermissionDenied

ACCESS_COOKIE = "jz_access"
REFRESH_COOKIE = "jz_refresh"
CSRF_COOKIE = "jz_csrf"
CSRF_HEADER = "X-CSRF-Token"
# The refresh token is sent to the session routes only, never with every API call.
REFRESH_PATH = "/console/session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def require_csrf(request: HTTPConnection) -> None:
    """PermissionDenied (403) unless the request's CSRF header equals its CSRF cookie."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    header = request.headers.get(CSRF_HEADER, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), header.encode()):
        raise PermissionDenied(
            "a request authenticated by the console's cookie needs its X-CSRF-Token header",
            reason="CSRF_TOKEN_INVALID",
        )


def cookie_token(request: HTTPConnection) -> str | None:
    """The access token of the console's cookie, when the request carries no Authorization
    header; an unsafe method must also prove it comes from the console (the CSRF header)."""
    if "authorization" in request.headers:
        return None
    token = request.cookies.get(ACCESS_COOKIE)
    if token and request.scope.get("method") not in SAFE_METHODS:
        require_csrf(request)
    return token or None


def refuse_console_cookie(request: HTTPConnection) -> None:
    """PermissionDenied (403) for a request the console's cookie would authenticate: the routes
    that answer with tokens are for bearer-token clients; a token in a JSON body is one a script
    could read (the console changes its password at /console/session/password)."""
    if "authorization" not in request.headers and request.cookies.get(ACCESS_COOKIE):
        raise PermissionDenied(
            "this route answers with tokens: call it with a bearer token "
            "(the console uses /console/session/password)",
            reason="BEARER_TOKEN_REQUIRED",
        )


def open_session(request: Request, response: Response, grant: pb.TokenResponse) -> None:
    """Put a grant's tokens in the cookies, with a fresh CSRF token beside them."""
    secure = request.url.scheme == "https"
    response.set_cookie(
        ACCESS_COOKIE,
        grant.access_token,
        max_age=grant.expires_in,
        path="/",
        secure=secure,
        httponly=True,
        samesite="strict",
    )
    response.set_cookie(
        REFRESH_COOKIE,
        grant.refresh_token,
        path=REFRESH_PATH,
        secure=secure,
        httponly=True,
        samesite="strict",
    )
    response.set_cookie(
        CSRF_COOKIE,
        secrets.token_urlsafe(32),
        path="/",
        secure=secure,
        httponly=False,
        samesite="strict",
    )
    response.headers["Cache-Control"] = "no-store"


def close_session(response: Response) -> None:
    for name, path in ((ACCESS_COOKIE, "/"), (REFRESH_COOKIE, REFRESH_PATH), (CSRF_COOKIE, "/")):
        response.delete_cookie(name, path=path, httponly=name != CSRF_COOKIE, samesite="strict")
    response.headers["Cache-Control"] = "no-store"
