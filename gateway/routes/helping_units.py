"""Helping units (帮扶单位/后盾单位) of the caller's territory: their record, their helpers (a
helper belongs to at most one unit), the villages assigned to them (单位包村), each with its
figures; and the pairing quotas (结对户数) of helper cadres by level and role."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.fields import REGION_CODE, Instant, ProtoModel, RequestModel
from gateway.idempotency import respond_once
from gateway.pagination import Page, PageSize, PageToken
from gateway.params import HexId, RegionCode
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from jingzhun.registry.v1 import helping_units_pb2 as pb
from kit.mapping import from_message, to_message

router = APIRouter(prefix="/api/v1", tags=["helping units"])
Reader = Annotated[Caller, caller_for("helping_units", "read")]
Changer = Annotated[Caller, caller_for("helping_units", "change")]
VillageCode = Annotated[str, Path(pattern=REGION_CODE, examples=["370304106023"])]
Kind = Literal["department", "enterprise", "other"]
Name = Annotated[str, Field(min_length=1, max_length=100)]


class UnitIn(RequestModel):
    name: Name
    kind: Kind
    region_code: str = Field(
        pattern=REGION_CODE, description="the unit's territory (not a village)"
    )


class UnitChange(ProtoModel, proto=pb.UpdateHelpingUnitRequest):
    name: Name
    kind: Kind
    expected_version: int = Field(default=0, ge=0, description="0: whatever the version")


class UnitOut(BaseModel):
    id: str
    name: str
    kind: Kind
    level: Literal["province", "city", "county", "town"]
    region_code: str
    village_codes: list[str] = Field(description="villages assigned to the unit (单位包村)")
    helpers: int
    paired_households: int = Field(description="households paired with the unit's helpers")
    version: int
    updated_at: Instant


class UnitHelperOut(BaseModel):
    helper_id: str
    name: str
    region_code: str
    unit_id: str | None
    paired_households: int
    min_households: int = Field(description="the helper's quota: fewer is reported")
    max_households: int = Field(description="the helper's quota: more is refused")
    quota_role: str = Field(
        description="the role whose row set the quota; `*`: their level's row for any role"
    )


class UnitHelpers(BaseModel):
    items: list[UnitHelperOut]


class QuotaOut(BaseModel):
    level: Literal["province", "city", "county", "town", "village", "default"]
    role: str = Field(
        description="the cadre's role the row is for (secretary, work_team, …); `*`: any role."
        " A cadre holding a role with a row at their level gets it rather than the `*` row;"
        " holding several, the one with the lowest most"
    )
    min_households: int
    max_households: int


class QuotasOut(BaseModel):
    version: str
    province: str
    quotas: list[QuotaOut]


unit_out = from_message(pb.HelpingUnit, UnitOut)
helper_out = from_message(pb.UnitHelper, UnitHelperOut)
quotas_out = from_message(pb.ListPairingQuotasResponse, QuotasOut)
create_message = to_message(UnitIn, pb.CreateHelpingUnitRequest)
change_message = to_message(UnitChange, pb.UpdateHelpingUnitRequest, given=("id",))


@router.post(
    "/helping-units",
    status_code=201,
    response_model=UnitOut,
    responses=problem_responses(),
    summary="Record a helping unit (帮扶单位) of your territory",
)
async def create_unit(body: UnitIn, request: Request, caller: Changer) -> JSONResponse:
    async def produce() -> UnitOut:
        return unit_out(await caller.call(caller.helping.CreateHelpingUnit, create_message(body)))

    return await respond_once(request, caller, 201, produce)


@router.get(
    "/helping-units",
    response_model=Page[UnitOut],
    responses=problem_responses(),
    summary="Helping units of a region, each with its helpers, paired households and villages",
)
async def list_units(
    caller: Reader,
    region_code: RegionCode = "",
    page_size: PageSize = 50,
    page_token: PageToken = "",
) -> ModelResponse:
    message = pb.ListHelpingUnitsRequest(
        region_code=region_code, page_size=page_size, page_token=page_token
    )
    reply = await caller.call(caller.helping.ListHelpingUnits, message)
    return ModelResponse(
        Page[UnitOut](
            items=[unit_out(u) for u in reply.units], next_page_token=reply.next_page_token or None
        )
    )


@router.get(
    "/helping-units/{unit_id}",
    response_model=UnitOut,
    responses=problem_responses(),
    summary="One helping unit",
)
async def get_unit(unit_id: HexId, caller: Reader) -> ModelResponse:
    found = await caller.call(caller.helping.GetHelpingUnit, pb.GetHelpingUnitRequest(id=unit_id))
    return ModelResponse(unit_out(found))


@router.put(
    "/helping-units/{unit_id}",
    response_model=UnitOut,
    responses=problem_responses(),
    summary="Change a helping unit's name or kind",
)
async def change_unit(unit_id: HexId, body: UnitChange, caller: Changer) -> ModelResponse:
    message = change_message(body, id=unit_id)
    return ModelResponse(unit_out(await caller.call(caller.helping.UpdateHelpingUnit, message)))


@router.get(
    "/helping-units/{unit_id}/helpers",
    response_model=UnitHelpers,
    responses=problem_responses(),
    summary="The unit's helpers, each with their paired households and quota",
)
async def unit_helpers(unit_id: HexId, caller: Reader) -> ModelResponse:
    reply = await caller.call(caller.helping.ListUnitHelpers, pb.GetHelpingUnitRequest(id=unit_id))
    return ModelResponse(UnitHelpers(items=[helper_out(h) for h in reply.helpers]))


@router.put(
    "/helping-units/{unit_id}/helpers/{helper_id}",
    response_model=UnitHelperOut,
    responses=problem_responses(),
    summary="Make a helper cadre of the unit's territory the unit's (leaving any other unit)",
)
async def assign_helper(unit_id: HexId, helper_id: HexId, caller: Changer) -> ModelResponse:
    message = pb.UnitHelperRequest(unit_id=unit_id, helper_id=helper_id)
    return ModelResponse(helper_out(await caller.call(caller.helping.AssignUnitHelper, message)))


@router.delete(
    "/helping-units/{unit_id}/helpers/{helper_id}",
    status_code=204,
    responses=problem_responses(),
    summary="The helper no longer belongs to the unit",
)
async def remove_helper(unit_id: HexId, helper_id: HexId, caller: Changer) -> Response:
    message = pb.UnitHelperRequest(unit_id=unit_id, helper_id=helper_id)
    await caller.call(caller.helping.RemoveUnitHelper, message)
    return Response(status_code=204)


@router.put(
    "/helping-units/{unit_id}/villages/{village_code}",
    response_model=UnitOut,
    responses=problem_responses(),
    summary="Assign a village of the unit's territory to the unit (单位包村)",
)
async def assign_village(
    unit_id: HexId, village_code: VillageCode, caller: Changer
) -> ModelResponse:
    message = pb.UnitVillageRequest(unit_id=unit_id, village_code=village_code)
    return ModelResponse(unit_out(await caller.call(caller.helping.AssignUnitVillage, message)))


@router.delete(
    "/helping-units/{unit_id}/villages/{village_code}",
    response_model=UnitOut,
    responses=problem_responses(),
    summary="The village is no longer the unit's",
)
async def remove_village(
    unit_id: HexId, village_code: VillageCode, caller: Changer
) -> ModelResponse:
    message = pb.UnitVillageRequest(unit_id=unit_id, village_code=village_code)
    return ModelResponse(unit_out(await caller.call(caller.helping.RemoveUnitVillage, message)))


@router.get(
    "/pairing-quotas",
    response_model=QuotasOut,
    responses=problem_responses(),
    summary="The pairing quota (结对户数) of helper cadres by level and role in a region's province",
)
async def pairing_quotas(caller: Reader, region_code: RegionCode = "") -> ModelResponse:
    message = pb.ListPairingQuotasRequest(region_code=region_code)
    return ModelResponse(quotas_out(await caller.call(caller.helping.ListPairingQuotas, message)))
