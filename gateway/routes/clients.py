"""Integrator clients: OAuth2 client credentials bound to a region and scopes, each with its
own quota at the gateway. The platform's own service clients (`svc-*`) are listed but never
changed here: 409 `platform-client`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.fields import REGION_CODE, Instant, RequestModel
from gateway.idempotency import respond_once
from gateway.pagination import Page, PageSize, PageToken
from gateway.params import RegionCode
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from jingzhun.identity.v1 import identity_pb2 as pb
from kit.mapping import from_message, to_message

router = APIRouter(prefix="/api/v1/clients", tags=["clients"])

ClientId = Annotated[str, Path(max_length=64, pattern=r"^[a-z0-9-]+$")]


# An integrator's own quota: requests per minute at the gateway (null: the platform's default).
Quota = Annotated[int | None, Field(ge=1, le=1_000_000, examples=[600])]


class ClientOut(BaseModel):
    client_id: str
    name: str
    region_code: str
    scopes: list[str]
    disabled: bool
    created_at: Instant
    requests_per_minute: Quota = None
    platform: bool = Field(
        False, description="a platform service's own client: managed by the operator only"
    )


class ClientCreate(RequestModel):
    name: str = Field(min_length=1, max_length=100)
    region_code: str = Field(pattern=REGION_CODE)
    scopes: list[str] = Field(min_length=1, examples=[["regions:read", "users:read"]])
    requests_per_minute: Quota = None


class ClientChanges(RequestModel):
    requests_per_minute: Quota = Field(
        None, description="its own quota; null: back to the platform's default"
    )


class ClientCreated(BaseModel):
    client: ClientOut
    client_secret: str = Field(description="shown once; store it in the integrator's vault")


client_out = from_message(pb.Client, ClientOut)
created_out = from_message(pb.CreateClientResponse, ClientCreated)
create_message = to_message(ClientCreate, pb.CreateClientRequest)


@router.post(
    "",
    status_code=201,
    response_model=ClientCreated,
    responses=problem_responses(),
    summary="Register",
)
async def create_client(
    body: ClientCreate,
    request: Request,
    caller: Annotated[Caller, caller_for("clients", "create")],
) -> JSONResponse:
    async def produce() -> ClientCreated:
        reply = await caller.call(caller.identity.CreateClient, create_message(body))
        return created_out(reply)

    return await respond_once(request, caller, 201, produce)


@router.get(
    "",
    response_model=Page[ClientOut],
    responses=problem_responses(),
    summary="Clients of a subtree",
)
async def list_clients(
    caller: Annotated[Caller, caller_for("clients", "read")],
    region_code: RegionCode = "",
    page_size: PageSize = 50,
    page_token: PageToken = "",
) -> ModelResponse:
    message = pb.ListClientsRequest(
        region_code=region_code, page_size=page_size, page_token=page_token
    )
    reply = await caller.call(caller.identity.ListClients, message)
    return ModelResponse(
        Page[ClientOut](
            items=[client_out(c) for c in reply.clients],
            next_page_token=reply.next_page_token or None,
        )
    )


@router.post(
    "/{client_id}/disable",
    response_model=ClientOut,
    responses=problem_responses(),
    summary="Disable a client; its tokens stop working at once",
)
async def disable_client(
    client_id: ClientId, caller: Annotated[Caller, caller_for("clients", "update")]
) -> ClientOut:
    return client_out(
        await caller.call(
            caller.identity.DisableClient, pb.DisableClientRequest(client_id=client_id)
        )
    )


@router.patch(
    "/{client_id}",
    response_model=ClientOut,
    responses=problem_responses(),
    summary="Change a client's own quota (its next tokens carry it)",
)
async def update_client(
    client_id: ClientId,
    body: ClientChanges,
    caller: Annotated[Caller, caller_for("clients", "update")],
) -> ClientOut:
    message = pb.UpdateClientRequest(client_id=client_id)
    if "requests_per_minute" in body.model_fields_set:
        message.requests_per_minute = body.requests_per_minute or 0
    return client_out(await caller.call(caller.identity.UpdateClient, message))
