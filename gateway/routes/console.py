"""The web console: its static pages under /console/ (with a Content-Security-Policy that allows
no inline script and nothing from another origin) and its cookie session — sign in, refresh,
change the password, sign out — over the same identity calls as the OAuth2 endpoints. The pages
then call the REST API like any client; the gateway admits their cookie as it admits a bearer
token (gateway.console_cookies)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from gateway.console_cookies import (
    REFRESH_COOKIE,
    close_session,
    open_session,
    require_csrf,
)
from gateway.deps import OwnAccount, State, limit_address, request_id
from gateway.fields import RequestModel
from gateway.routes.auth import PasswordChange, change_password_message
from jingzhun.identity.v1 import identity_pb2 as pb
from kit.errors import Unauthenticated

PAGES = Path(__file__).resolve().parent.parent / "console"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-cache",
}

router = APIRouter(prefix="/console", tags=["console"], include_in_schema=False)


class SignIn(RequestModel):
    mobile: str
    password: str


class SessionOut(BaseModel):
    must_change_password: bool
    expires_in: int


def session_response(request: Request, grant: pb.TokenResponse) -> JSONResponse:
    """The session's state for the page; its tokens only in the cookies."""
    body = SessionOut(must_change_password=grant.must_change_password, expires_in=grant.expires_in)
    response = JSONResponse(body.model_dump())
    open_session(request, response, grant)
    return response


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


@router.post("/session", summary="Sign in to the console (mobile and password)")
async def sign_in(body: SignIn, request: Request, state: State) -> JSONResponse:
    await limit_address(request, state, "token")
    message = pb.AuthenticateRequest(
        mobile=body.mobile, password=body.password, client_ip=client_ip(request)
    )
    grant = await state.identity.call(
        state.identity.stub.Authenticate, message, request_id=request_id(request)
    )
    return session_response(request, grant)


@router.post("/session/refresh", summary="A fresh access cookie from the refresh cookie")
async def refresh(request: Request, state: State) -> JSONResponse:
    require_csrf(request)
    await limit_address(request, state, "token")
    token = request.cookies.get(REFRESH_COOKIE, "")
    if not token:
        raise Unauthenticated("sign in to the console", reason="TOKEN_MISSING")
    message = pb.RefreshTokenRequest(refresh_token=token, client_ip=client_ip(request))
    grant = await state.identity.call(
        state.identity.stub.RefreshToken, message, request_id=request_id(request)
    )
    return session_response(request, grant)


@router.post("/session/password", summary="Change your password (fresh cookies)")
async def change_password(body: PasswordChange, request: Request, caller: OwnAccount) -> Response:
    grant = await caller.call(caller.identity.ChangePassword, change_password_message(body))
    return session_response(request, grant)


@router.delete("/session", status_code=204, summary="Sign out: end the session, clear cookies")
async def sign_out(caller: OwnAccount) -> Response:
    await caller.call(caller.identity.Logout, pb.LogoutRequest())
    response = Response(status_code=204)
    close_session(response)
    return response


class ConsolePages(StaticFiles):
    """The console's files, each with the security headers."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers.update(SECURITY_HEADERS)
        return response


def mount_console(app: FastAPI) -> None:
    """After the routers: /console/session* are routes, everything else under /console a file."""
    app.mount("/console", ConsolePages(directory=PAGES, html=True), name="console")
