"""Dependencies of the routes: the gateway state, the authenticated caller, function-level
authorization, and a per-request handle for calling services on the caller's behalf."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from gateway.clients import ServiceClient
from gateway.state import GatewayState
from kit.authz import Authorizer
from kit.errors import PermissionDenied, Unauthenticated, Unavailable
from kit.principal import Principal

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def gateway_state(request: Request) -> GatewayState:
    return request.app.state.gateway


State = Annotated[GatewayState, Depends(gateway_state)]


def request_id(request: Request) -> str:
    return getattr(request.state, "request_id", "")


async def authenticated(
    request: Request, state: State, token: Annotated[str | None, Depends(oauth2)]
) -> Principal:
    if not token:
        raise Unauthenticated("authentication required", reason="TOKEN_MISSING")
    return await state.guard.admit(token)


Authenticated = Annotated[Principal, Depends(authenticated)]


def authorizer_of(state: GatewayState) -> Authorizer:
    if state.authorizer is None:
        raise Unavailable("the authorization policy is not loaded yet", reason="POLICY_UNAVAILABLE")
    return state.authorizer


def require(resource: str, action: str) -> Callable[..., Awaitable[Principal]]:
    """Dependency: the caller, after checking their roles (or scopes) grant the function."""

    async def check(principal: Authenticated, state: State) -> Principal:
        if principal.must_change_password:
            raise PermissionDenied(
                "change your initial password first", reason="PASSWORD_CHANGE_REQUIRED"
            )
        authorizer_of(state).require(principal, resource, action)
        return principal

    return check


@dataclass(frozen=True)
class Caller:
    """Calls a service as the authenticated principal, with this request's id."""

    principal: Principal
    request_id: str

    async def call(self, client: ServiceClient, method: str, message: Any) -> Any:
        return await client.call(
            method, message, token=self.principal.token, request_id=self.request_id
        )


def caller_for(resource: str, action: str) -> Any:
    async def build(
        request: Request, principal: Annotated[Principal, Depends(require(resource, action))]
    ) -> Caller:
        return Caller(principal, request_id(request))

    return Depends(build)


async def own_account(request: Request, principal: Authenticated) -> Caller:
    """Any authenticated caller acting on their own account (allowed before a password change)."""
    return Caller(principal, request_id(request))


OwnAccount = Annotated[Caller, Depends(own_account)]
