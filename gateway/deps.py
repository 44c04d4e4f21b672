"""Dependencies of the routes: the gateway state, and the caller — authenticated, and allowed
the route's function — as one flat dependency (FastAPI spends real time per dependency node
on the hot path, so the checks run in one function rather than a chain)."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.security import OAuth2PasswordBearer

from gateway.state import GatewayState
from kit.errors import PermissionDenied, Unauthenticated, Unavailable
from kit.principal import Principal

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)
Token = Annotated[str | None, Depends(oauth2)]


async def gateway_state(request: Request) -> GatewayState:
    return request.app.state.gateway


State = Annotated[GatewayState, Depends(gateway_state)]


def request_id(request: Request) -> str:
    return getattr(request.state, "request_id", "")


async def limit_address(request: Request, state: GatewayState, purpose: str) -> None:
    """Count a request without an account against its address's per-minute limit
    (ResourceExhausted, a 429, once over)."""
    ip = request.client.host if request.client else "unknown"
    await state.limiter.hit(f"{purpose}:{ip}", state.settings.token_rate_limit_per_minute)


@dataclass(frozen=True)
class Caller:
    """The authenticated principal of one request, calling services on its own behalf."""

    principal: Principal
    request_id: str
    state: GatewayState

    async def identity(self, method: str, message: Any) -> Any:
        return await self.state.identity.call(
            method, message, token=self.principal.token, request_id=self.request_id
        )

    async def registry(self, method: str, message: Any) -> Any:
        return await self.state.registry.call(
            method, message, token=self.principal.token, request_id=self.request_id
        )

    async def notification(self, method: str, message: Any) -> Any:
        return await self.state.notification.call(
            method, message, token=self.principal.token, request_id=self.request_id
        )

    async def assistance(self, method: str, message: Any) -> Any:
        return await self.state.assistance.call(
            method, message, token=self.principal.token, request_id=self.request_id
        )

    async def training(self, method: str, message: Any) -> Any:
        return await self.state.training.call(
            method, message, token=self.principal.token, request_id=self.request_id
        )

    async def transfer(self, method: str, message: Any) -> Any:
        return await self.state.transfer.call(
            method, message, token=self.principal.token, request_id=self.request_id
        )

    def transfer_stream(self, method: str, message: Any) -> AsyncIterator[Any]:
        return self.state.transfer.stream(
            method, message, token=self.principal.token, request_id=self.request_id
        )


async def authenticate(request: Request, token: str | None) -> Caller:
    if not token:
        raise Unauthenticated("authentication required", reason="TOKEN_MISSING")
    state: GatewayState = request.app.state.gateway
    return Caller(await state.guard.admit(token), request_id(request), state)


def requires_token(dependant: Dependant) -> bool:
    return any(sub.call is oauth2 or requires_token(sub) for sub in dependant.dependencies)


async def authenticate_if_required(request: Request) -> None:
    """Unauthenticated unless the request's route takes no token or its token is good: for the
    errors FastAPI finds before it runs the route's dependencies (a body that is not JSON)."""
    dependant = getattr(request.scope.get("route"), "dependant", None)
    if dependant is not None and requires_token(dependant):
        await authenticate(request, await oauth2(request))


def require_function(caller: Caller, resource: str, action: str) -> None:
    """PermissionDenied unless the caller may use that function; a token still bound to its
    one-time password may do nothing but change it."""
    if caller.principal.must_change_password:
        raise PermissionDenied(
            "change your initial password first", reason="PASSWORD_CHANGE_REQUIRED"
        )
    authorizer = caller.state.authorizer
    if authorizer is None:
        raise Unavailable("the authorization policy is not loaded yet", reason="POLICY_UNAVAILABLE")
    authorizer.require(caller.principal, resource, action)


def caller_for(resource: str, action: str) -> Any:
    """`Annotated[Caller, caller_for("users", "read")]`: the caller, allowed that function."""

    async def build(request: Request, token: Token) -> Caller:
        caller = await authenticate(request, token)
        require_function(caller, resource, action)
        return caller

    return Depends(build)


async def own_account(request: Request, token: Token) -> Caller:
    """Any authenticated caller acting on their own account (allowed before a password change)."""
    return await authenticate(request, token)


OwnAccount = Annotated[Caller, Depends(own_account)]
