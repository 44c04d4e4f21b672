"""Pairings of helper cadres with households (帮扶结对)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.fields import Instant, RequestModel
from gateway.params import HexId
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from gateway.routes.households import HouseholdId
from jingzhun.registry.v1 import registry_pb2 as pb
from kit.mapping import from_message, to_message

router = APIRouter(prefix="/api/v1", tags=["pairings"])

UserId = HexId


class PairingIn(RequestModel):
    helper_id: str = Field(pattern=r"^[0-9a-f]{1,64}$", description="the helper cadre's user id")


class PairingOut(BaseModel):
    household_id: str
    helper_id: str
    paired_by: str
    paired_at: Instant


class Pairings(BaseModel):
    items: list[PairingOut]


pairing_out = from_message(pb.Pairing, PairingOut)
pairing_message = to_message(PairingIn, pb.PairHelperRequest, given=("household_id",))


@router.post(
    "/households/{household_id}/pairings",
    status_code=201,
    response_model=PairingOut,
    responses=problem_responses(),
    summary="Pair a helper cadre with a household",
)
async def pair_helper(
    household_id: HouseholdId,
    body: PairingIn,
    caller: Annotated[Caller, caller_for("households", "pair")],
) -> ModelResponse:
    message = pairing_message(body, household_id=household_id)
    return ModelResponse(
        pairing_out(await caller.call(caller.registry.PairHelper, message)), status_code=201
    )


@router.get(
    "/households/{household_id}/pairings",
    response_model=Pairings,
    responses=problem_responses(),
    summary="The helpers paired with a household",
)
async def household_pairings(
    household_id: HouseholdId, caller: Annotated[Caller, caller_for("households", "read")]
) -> ModelResponse:
    reply = await caller.call(
        caller.registry.ListPairings, pb.ListPairingsRequest(household_id=household_id)
    )
    return ModelResponse(Pairings(items=[pairing_out(p) for p in reply.pairings]))


@router.delete(
    "/households/{household_id}/pairings/{helper_id}",
    status_code=204,
    responses=problem_responses(),
    summary="End a pairing",
)
async def unpair_helper(
    household_id: HouseholdId,
    helper_id: UserId,
    caller: Annotated[Caller, caller_for("households", "pair")],
) -> Response:
    await caller.call(
        caller.registry.UnpairHelper,
        pb.UnpairHelperRequest(household_id=household_id, helper_id=helper_id),
    )
    return Response(status_code=204)


@router.get(
    "/pairings",
    response_model=Pairings,
    responses=problem_responses(),
    summary="The households paired with a helper (yours by default)",
)
async def helper_pairings(
    caller: Annotated[Caller, caller_for("households", "read")],
    helper_id: Annotated[str, Query(pattern=r"^([0-9a-f]{1,64})?$")] = "",
) -> ModelResponse:
    reply = await caller.call(
        caller.registry.ListPairings, pb.ListPairingsRequest(helper_id=helper_id)
    )
    return ModelResponse(Pairings(items=[pairing_out(p) for p in reply.pairings]))
