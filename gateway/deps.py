"""Dependencies of the routes: the gateway state, and the caller — authenticated, and allowed
the route's function — as one flat dependency (FastAPI spends real time per dependency node
on the hot path, so the checks run in one function rather than a chain)."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.security import OAuth2PasswordBearer
from grpc.aio import StreamUnaryMultiCallable, UnaryStreamMultiCallable, UnaryUnaryMultiCallable
from starlette.requests import HTTPConnection

from gateway.console_cookies import cookie_token
from gateway.state import GatewayState
from kit.errors import PermissionDenied, Unauthenticated, Unavailable
from kit.grpc_client import ServiceClient, metadata
from kit.principal import Principal

if TYPE_CHECKING:
    from jingzhun.assistance.v1.assessment_pb2_grpc import AssistanceAssessmentServiceAsyncStub
    from jingzhun.assistance.v1.assistance_pb2_grpc import AssistanceServiceAsyncStub
    from jingzhun.assistance.v1.attachments_pb2_grpc import AssistanceAttachmentServiceAsyncStub
    from jingzhun.assistance.v1.handbook_pb2_grpc import AssistanceHandbookServiceAsyncStub
    from jingzhun.assistance.v1.spot_checks_pb2_grpc import AssistanceSpotCheckServiceAsyncStub
    from jingzhun.identity.v1.identity_pb2_grpc import IdentityServiceAsyncStub
    from jingzhun.notification.v1.notification_pb2_grpc import NotificationServiceAsyncStub
    from jingzhun.projects.v1.funds_pb2_grpc import FundsServiceAsyncStub
    from jingzhun.projects.v1.progress_pb2_grpc import ProgressServiceAsyncStub
    from jingzhun.projects.v1.projects_pb2_grpc import ProjectsServiceAsyncStub
    from jingzhun.registry.v1.boundaries_pb2_grpc import RegistryMapServiceAsyncStub
    from jingzhun.registry.v1.helping_units_pb2_grpc import RegistryHelpingServiceAsyncStub
    from jingzhun.registry.v1.registry_pb2_grpc import RegistryServiceAsyncStub
    from jingzhun.registry.v1.transfer_pb2_grpc import RegistryTransferServiceAsyncStub
    from jingzhun.registry.v1.villages_pb2_grpc import RegistryVillageServiceAsyncStub
    from jingzhun.training.v1.training_pb2_grpc import TrainingServiceAsyncStub

Req = TypeVar("Req")
Resp = TypeVar("Resp")


class BearerOrConsoleCookie(OAuth2PasswordBearer):
    """The bearer token of the Authorization header; without that header, the web console's
    access cookie (CSRF-checked on unsafe methods: gateway.console_cookies)."""

    async def __call__(self, request: HTTPConnection) -> str | None:
        return await super().__call__(request) or cookie_token(request)


# The scheme keeps its public name in the OpenAPI document (integrators generate clients from it).
oauth2 = BearerOrConsoleCookie(
    tokenUrl="/api/v1/auth/token", scheme_name="OAuth2PasswordBearer", auto_error=False
)
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


async def public_call(
    request: Request,
    state: GatewayState,
    client: ServiceClient[Any],
    method: UnaryUnaryMultiCallable[Req, Resp],
    message: Req,
) -> Resp:
    """A call for a visitor without an account (public notices, their objections, a
    household's public page): counted against the address's limit, made with the gateway's own
    service token."""
    await limit_address(request, state, "public")
    return await client.call(
        method, message, token=await state.credentials.token(), request_id=request_id(request)
    )


@dataclass(frozen=True)
class Caller:
    """The authenticated principal of one request, calling services on its own behalf."""

    principal: Principal
    request_id: str
    state: GatewayState

    async def call(self, method: UnaryUnaryMultiCallable[Req, Resp], request: Req) -> Resp:
        """One of a service's methods (`caller.registry.GetHousehold`) on the caller's behalf."""
        return await method(request, metadata=metadata(self.principal.token, self.request_id))

    async def upload(
        self, method: StreamUnaryMultiCallable[Req, Resp], requests: AsyncIterator[Req]
    ) -> Resp:
        return await method(requests, metadata=metadata(self.principal.token, self.request_id))

    def stream(
        self, method: UnaryStreamMultiCallable[Req, Resp], request: Req
    ) -> AsyncIterator[Resp]:
        return aiter(method(request, metadata=metadata(self.principal.token, self.request_id)))  # type: ignore[arg-type]

    @property
    def identity(self) -> "IdentityServiceAsyncStub":
        return self.state.identity.stub

    @property
    def registry(self) -> "RegistryServiceAsyncStub":
        return self.state.registry.stub

    @property
    def transfer(self) -> "RegistryTransferServiceAsyncStub":
        return self.state.transfer.stub

    @property
    def villages(self) -> "RegistryVillageServiceAsyncStub":
        return self.state.villages.stub

    @property
    def maps(self) -> "RegistryMapServiceAsyncStub":
        return self.state.maps.stub

    @property
    def helping(self) -> "RegistryHelpingServiceAsyncStub":
        return self.state.helping.stub

    @property
    def notification(self) -> "NotificationServiceAsyncStub":
        return self.state.notification.stub

    @property
    def assistance(self) -> "AssistanceServiceAsyncStub":
        return self.state.assistance.stub

    @property
    def handbook(self) -> "AssistanceHandbookServiceAsyncStub":
        return self.state.handbook.stub

    @property
    def attachments(self) -> "AssistanceAttachmentServiceAsyncStub":
        return self.state.attachments.stub

    @property
    def assessment(self) -> "AssistanceAssessmentServiceAsyncStub":
        return self.state.assessment.stub

    @property
    def training(self) -> "TrainingServiceAsyncStub":
        return self.state.training.stub

    @property
    def spot_checks(self) -> "AssistanceSpotCheckServiceAsyncStub":
        return self.state.spot_checks.stub

    @property
    def projects(self) -> "ProjectsServiceAsyncStub":
        return self.state.projects.stub

    @property
    def progress(self) -> "ProgressServiceAsyncStub":
        return self.state.progress.stub

    @property
    def funds(self) -> "FundsServiceAsyncStub":
        return self.state.funds.stub


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
