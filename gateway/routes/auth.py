"""OAuth2 token endpoint (password, refresh_token, client_credentials), logout, password
change, and the caller's own account."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from gateway.console_cookies import refuse_console_cookie
from gateway.deps import Caller, OwnAccount, State, Token, limit_address, own_account, request_id
from gateway.fields import RequestModel
from gateway.problems import OAuthError, problem_responses
from gateway.responses import ModelResponse
from gateway.routes.users import UserOut, user_out
from jingzhun.identity.v1 import identity_pb2 as pb
from kit.errors import DomainError
from kit.grpc_client import ServiceClient
from kit.mapping import from_message, to_message

if TYPE_CHECKING:
    from jingzhun.identity.v1.identity_pb2_grpc import IdentityServiceAsyncStub

router = APIRouter(prefix="/api/v1", tags=["auth"])

# identity's reasons -> (HTTP status, RFC 6749 error)
OAUTH_ERRORS = {
    "INVALID_CLIENT": (401, "invalid_client"),
    "INVALID_SCOPE": (400, "invalid_scope"),
    "RATE_LIMITED": (429, "slow_down"),
}


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "Bearer"
    expires_in: int
    refresh_token: str | None = None
    scope: str = ""
    must_change_password: bool = False


class PasswordChange(RequestModel):
    current_password: str
    new_password: str


token_body = from_message(
    pb.TokenResponse,
    TokenOut,
    token_type=lambda reply: "Bearer",
    scope=lambda reply: " ".join(reply.scopes),
)


def token_out(reply: pb.TokenResponse) -> JSONResponse:
    body = token_body(reply)
    return JSONResponse(
        body.model_dump(exclude_none=True),
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


def basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return None
    try:
        client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise OAuthError(401, "invalid_client", "malformed Basic credentials") from exc
    return client_id, secret


def grant_request(
    request: Request, form: dict[str, str], identity: ServiceClient[IdentityServiceAsyncStub]
) -> Awaitable[pb.TokenResponse]:
    """The identity call a token request stands for, or an RFC 6749 error."""
    ip = request.client.host if request.client else ""
    stub, rid = identity.stub, request_id(request)
    grant = form.get("grant_type", "")
    if grant == "password":
        if not form.get("username") or not form.get("password"):
            raise OAuthError(400, "invalid_request", "username and password are required")
        message = pb.AuthenticateRequest(
            mobile=form["username"], password=form["password"], client_ip=ip
        )
        return identity.call(stub.Authenticate, message, request_id=rid)
    if grant == "refresh_token":
        if not form.get("refresh_token"):
            raise OAuthError(400, "invalid_request", "refresh_token is required")
        refresh = pb.RefreshTokenRequest(refresh_token=form["refresh_token"], client_ip=ip)
        return identity.call(stub.RefreshToken, refresh, request_id=rid)
    if grant == "client_credentials":
        client_id, secret = basic_credentials(request) or (
            form.get("client_id", ""),
            form.get("client_secret", ""),
        )
        if not client_id or not secret:
            raise OAuthError(401, "invalid_client", "client_id and client_secret are required")
        scopes = form.get("scope", "").split()
        credentials = pb.AuthenticateClientRequest(
            client_id=client_id, client_secret=secret, scopes=scopes, client_ip=ip
        )
        return identity.call(stub.AuthenticateClient, credentials, request_id=rid)
    raise OAuthError(
        400,
        "unsupported_grant_type",
        "grant_type must be password, refresh_token or client_credentials",
    )


change_password_message = to_message(PasswordChange, pb.ChangePasswordRequest)


async def own_account_by_bearer(request: Request, token: Token) -> Caller:
    """The caller's own account, for routes that answer with tokens: a bearer token only, never
    the console's cookie (gateway.console_cookies.refuse_console_cookie)."""
    refuse_console_cookie(request)
    return await own_account(request, token)


@router.post(
    "/auth/token",
    response_model=TokenOut,
    responses=problem_responses(),
    summary="OAuth2 token endpoint",
    description="Form-encoded. grant_type=password (username = mobile), refresh_token, or "
    "client_credentials (form fields or HTTP Basic). Errors carry the OAuth2 `error` member.",
)
async def token(
    request: Request,
    state: State,
    grant_type: Annotated[str, Form()] = "",
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    refresh_token: Annotated[str, Form()] = "",
    client_id: Annotated[str, Form()] = "",
    client_secret: Annotated[str, Form()] = "",
    scope: Annotated[str, Form()] = "",
) -> JSONResponse:
    await limit_address(request, state, "token")
    form = {
        "grant_type": grant_type,
        "username": username,
        "password": password,
        "refresh_token": refresh_token,
        "client_id": client_id,
        "client_secret": client_secret,
        "scope": scope,
    }
    call = grant_request(request, form, state.identity)
    try:
        reply = await call
    except DomainError as error:
        if error.http_status >= 500:
            raise
        status, code = OAUTH_ERRORS.get(error.reason, (400, "invalid_grant"))
        raise OAuthError(
            status, code, error.message, reason=error.reason, retry_after=error.retry_after
        ) from None
    return token_out(reply)


@router.post(
    "/auth/logout", status_code=204, responses=problem_responses(), summary="End this session"
)
async def logout(caller: OwnAccount) -> Response:
    await caller.call(caller.identity.Logout, pb.LogoutRequest())
    return Response(status_code=204)


@router.post(
    "/auth/password",
    response_model=TokenOut,
    responses=problem_responses(),
    summary="Change your password (ends your other sessions; returns fresh tokens)",
)
async def change_password(
    body: PasswordChange, caller: Annotated[Caller, Depends(own_account_by_bearer)]
) -> JSONResponse:
    message = change_password_message(body)
    return token_out(await caller.call(caller.identity.ChangePassword, message))


@router.get(
    "/me", response_model=UserOut, responses=problem_responses(), summary="Your own account"
)
async def me(caller: OwnAccount) -> ModelResponse:
    return ModelResponse(
        user_out(await caller.call(caller.identity.GetCurrentUser, pb.GetCurrentUserRequest()))
    )
