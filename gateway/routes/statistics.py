"""Statistics of a region and the map of its households (一张图), within the caller's territory."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from gateway.deps import Caller, caller_for
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from jingzhun.registry.v1 import registry_pb2 as pb
from kit.errors import InvalidArgument

router = APIRouter(prefix="/api/v1", tags=["statistics"])
RegionCode = Annotated[str, Query(pattern=r"^(\d{12})?$", description="default: your own region")]


class HouseholdStatistics(BaseModel):
    region_code: str
    households: int
    people: int
    by_status: dict[str, int]
    by_attribute: dict[str, int]
    by_main_cause: dict[str, int]
    by_assistance_category: dict[str, int]
    by_monitoring_category: dict[str, int]
    exits_by_year: dict[str, int]
    non_compliant_by_indicator: dict[str, int]


def parse_bbox(bbox: str) -> tuple[float, float, float, float] | None:
    if not bbox:
        return None
    try:
        west, south, east, north = (float(part) for part in bbox.split(","))
    except ValueError as exc:
        raise InvalidArgument(
            "bbox is west,south,east,north in degrees", reason="INVALID_BOX"
        ) from exc
    return west, south, east, north


@router.get(
    "/statistics/households",
    response_model=HouseholdStatistics,
    responses=problem_responses(),
    summary="Households and people of a region by status, attribute, cause, category; exits by year",
)
async def household_statistics(
    caller: Annotated[Caller, caller_for("households", "read")], region_code: RegionCode = ""
) -> ModelResponse:
    s = await caller.registry("GetStatistics", pb.GetStatisticsRequest(region_code=region_code))
    return ModelResponse(
        HouseholdStatistics(
            region_code=s.region_code,
            households=s.households,
            people=s.people,
            by_status=dict(s.by_status),
            by_attribute=dict(s.by_attribute),
            by_main_cause=dict(s.by_main_cause),
            by_assistance_category=dict(s.by_assistance_category),
            by_monitoring_category=dict(s.by_monitoring_category),
            exits_by_year=dict(s.exits_by_year),
            non_compliant_by_indicator=dict(s.non_compliant_by_indicator),
        )
    )


@router.get(
    "/map/households",
    responses={200: {"content": {"application/geo+json": {}}}, **problem_responses()},
    summary="GeoJSON of the located households of a region, optionally inside a box",
)
async def household_map(
    caller: Annotated[Caller, caller_for("households", "read")],
    region_code: RegionCode = "",
    bbox: Annotated[str, Query(max_length=100, description="west,south,east,north")] = "",
    limit: Annotated[int, Query(ge=1, le=5000)] = 5000,
) -> JSONResponse:
    box = parse_bbox(bbox)
    request = pb.ListHouseholdLocationsRequest(region_code=region_code, limit=limit)
    if box is not None:
        request.west, request.south, request.east, request.north = box
    reply = await caller.registry("ListHouseholdLocations", request)
    features: list[dict[str, Any]] = [
        {
            "type": "Feature",
            "id": location.id,
            "geometry": {"type": "Point", "coordinates": [location.longitude, location.latitude]},
            "properties": {"village_code": location.village_code, "status": location.status},
        }
        for location in reply.locations
    ]
    body = {"type": "FeatureCollection", "features": features, "truncated": reply.truncated}
    return JSONResponse(body, media_type="application/geo+json")
