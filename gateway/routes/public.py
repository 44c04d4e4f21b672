"""The QR code on a household's door and the public page it opens: a summary anyone may
read, without personal data; the full (masked) record only for a signed-in caller allowed to
read that household."""

from __future__ import annotations

import io
from typing import Annotated

import segno
from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel, Field

from gateway.deps import (
    Caller,
    State,
    Token,
    authenticate,
    caller_for,
    public_call,
    require_function,
)
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from gateway.routes.households import HouseholdId, HouseholdOut, household_out
from jingzhun.registry.v1 import registry_pb2 as pb
from kit.errors import NotFound, PermissionDenied

router = APIRouter(tags=["public"])

LinkToken = Annotated[str, Path(max_length=120, pattern=r"^[0-9a-f]+\.[A-Za-z0-9_-]+$")]


class PublicHousehold(BaseModel):
    household_id: str
    number: str
    village_code: str
    status: str
    attribute: str
    assistance_category: str | None
    members: int
    helpers: int
    household: HouseholdOut | None = Field(
        default=None,
        exclude_if=lambda record: record is None,
        description="the full record, identity numbers masked: only for a signed-in caller "
        "allowed to read households whose territory covers this one; absent for anyone else",
    )


class PublicLink(BaseModel):
    url: str


async def public_url(caller: Caller, household_id: str) -> str:
    link = await caller.call(
        caller.registry.GetPublicLink, pb.GetPublicLinkRequest(household_id=household_id)
    )
    return f"{caller.state.settings.public_base_url}/public/households/{link.token}"


@router.get(
    "/api/v1/households/{household_id}/public-link",
    response_model=PublicLink,
    responses=problem_responses(),
    summary="The public page of a household (what its QR code opens)",
)
async def household_public_link(
    household_id: HouseholdId, caller: Annotated[Caller, caller_for("households", "read")]
) -> ModelResponse:
    return ModelResponse(PublicLink(url=await public_url(caller, household_id)))


@router.get(
    "/api/v1/households/{household_id}/qr.png",
    responses={200: {"content": {"image/png": {}}}, **problem_responses()},
    response_class=Response,
    summary="The QR code to print on the household's door",
)
async def household_qr(
    household_id: HouseholdId, caller: Annotated[Caller, caller_for("households", "read")]
) -> Response:
    image = io.BytesIO()
    segno.make(await public_url(caller, household_id), error="m").save(image, kind="png", scale=8)
    return Response(image.getvalue(), media_type="image/png")


async def record_for(
    request: Request, access_token: str | None, household_id: str
) -> HouseholdOut | None:
    """The full household for a signed-in caller allowed to read it, else None — for every
    reason alike, so the page never tells who would be in scope. A bad token is still a 401."""
    if not access_token:
        return None
    caller = await authenticate(request, access_token)
    try:
        require_function(caller, "households", "read")
        found = await caller.call(
            caller.registry.GetHousehold, pb.GetHouseholdRequest(id=household_id)
        )
    except (PermissionDenied, NotFound):
        return None
    return household_out(found)


@router.get(
    "/public/households/{token}",
    response_model=PublicHousehold,
    responses=problem_responses(),
    summary="What scanning the door's QR code shows: a summary without personal data to "
    "anyone; with the full record to a signed-in caller allowed to read the household",
)
async def public_household(
    token: LinkToken, request: Request, state: State, access_token: Token
) -> ModelResponse:
    summary = await public_call(
        request,
        state,
        state.registry,
        state.registry.stub.GetPublicSummary,
        pb.GetPublicSummaryRequest(token=token),
    )
    return ModelResponse(
        PublicHousehold(
            household_id=summary.household_id,
            number=summary.number,
            village_code=summary.village_code,
            status=summary.status,
            attribute=summary.attribute,
            assistance_category=summary.assistance_category or None,
            members=summary.members,
            helpers=summary.helpers,
            household=await record_for(request, access_token, summary.household_id),
        )
    )
