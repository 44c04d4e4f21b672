"""Statistics of a region, its trends over time, and the map of its households (一张图), within
the caller's territory."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.fields import proto_range
from gateway.household_filter import HouseholdFilterQuery, filter_message
from gateway.params import RegionCode
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from jingzhun.registry.v1 import boundaries_pb2
from jingzhun.registry.v1 import registry_pb2 as pb
from kit.errors import InvalidArgument
from kit.mapping import from_message

router = APIRouter(prefix="/api/v1", tags=["statistics"])
Reader = Annotated[Caller, caller_for("households", "read")]
# Characters of a polygon: percent-encoded at up to 12 bytes each, one past the limit still fits
# in the request line the HTTP server reads (64 KiB), so the gateway answers it (422), not the
# server in text/plain.
POLYGON_LENGTH = 4_000
GEOJSON = {200: {"content": {"application/geo+json": {}}}, **problem_responses()}


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
    poor_households: int = Field(description="identified or under assistance")
    poor_people: int = Field(description="members of the poor households")
    exited_households: int = Field(description="exited poverty and not returned to it")
    exit_rate: float | None = Field(
        description="exited / (poor + exited), 0..1; null when the region has neither"
    )
    incidence: float | None = Field(
        description="贫困发生率: poor people / the `population` given (a village: its 村情's); "
        "null without it"
    )


class ChildFigures(BaseModel):
    region_code: str
    households: int
    people: int
    by_status: dict[str, int]
    poor_households: int
    poor_people: int
    exited_households: int
    exit_rate: float | None
    incidence: float | None = Field(description="a village's, from its latest 村情 population")


class ChildStatistics(BaseModel):
    region_code: str
    items: list[ChildFigures] = Field(
        description="the children with households (in your scope and the filter), by code; a "
        "child not listed has none"
    )


class TrendPoint(BaseModel):
    period: str = Field(description='"2024", or "2024-05" by month')
    registered: int
    exited: int
    returned_to_poverty: int
    entered_monitoring: int


class HouseholdTrends(BaseModel):
    region_code: str
    period: str
    items: list[TrendPoint] = Field(description="oldest first; periods with nothing left out")


statistics_out = from_message(pb.Statistics, HouseholdStatistics)
child_figures = from_message(pb.ChildFigures, ChildFigures)
children_out = from_message(
    pb.ChildStatistics, ChildStatistics, items=lambda s: list(map(child_figures, s.children))
)
trend_point = from_message(pb.TrendPoint, TrendPoint)
trends_out = from_message(
    pb.Trends, HouseholdTrends, items=lambda t: list(map(trend_point, t.points))
)


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
    summary="Households and people of a region by status, attribute, cause, category; exits by "
    "year; incidence and exit progress",
    description="Pass the region's rural population as `population` to get the incidence (poor "
    "people / population); a village without it takes its latest profile's (村情, "
    "docs/villages.md); otherwise `incidence` is null.",
)
async def household_statistics(
    caller: Reader,
    wanted: Annotated[HouseholdFilterQuery, Query()],
    region_code: RegionCode = "",
    population: Annotated[
        int | None,
        Query(
            gt=0,
            le=proto_range(pb.GetStatisticsRequest, "population")[1],
            description="the region's rural population, for the incidence",
        ),
    ] = None,
) -> ModelResponse:
    s = await caller.call(
        caller.registry.GetStatistics,
        pb.GetStatisticsRequest(
            region_code=region_code, population=population or 0, filter=filter_message(wanted)
        ),
    )
    return ModelResponse(statistics_out(s))


@router.get(
    "/statistics/households/children",
    response_model=ChildStatistics,
    responses=problem_responses(),
    summary="The main figures of each child region of a region, in one answer (the leaders' "
    "screen, the map's colours)",
    description="Each item counts as `/statistics/households?region_code=<child>` does; a "
    "village has no children (empty `items`).",
)
async def child_statistics(
    caller: Reader,
    wanted: Annotated[HouseholdFilterQuery, Query()],
    region_code: RegionCode = "",
) -> ModelResponse:
    found = await caller.call(
        caller.registry.GetChildStatistics,
        pb.GetChildStatisticsRequest(region_code=region_code, filter=filter_message(wanted)),
    )
    return ModelResponse(children_out(found))


@router.get(
    "/statistics/households/trends",
    response_model=HouseholdTrends,
    responses=problem_responses(),
    summary="Households registered, exited, returned to poverty and entering monitoring, per "
    "calendar year or month (UTC)",
)
async def household_trends(
    caller: Reader,
    region_code: RegionCode = "",
    period: Literal["year", "month"] = "year",
) -> ModelResponse:
    reply = await caller.call(
        caller.registry.GetTrends, pb.GetTrendsRequest(region_code=region_code, period=period)
    )
    return ModelResponse(trends_out(reply))


def point(key: str, longitude: float, latitude: float, properties: dict) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": key,
        "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
        "properties": properties,
    }


def village_features(villages: Iterable[pb.VillageAggregate]) -> list[dict[str, Any]]:
    return [
        point(
            v.village_code,
            v.longitude,
            v.latitude,
            {
                "village_code": v.village_code,
                "households": v.households,
                "by_status": dict(v.by_status),
                "is_poor_village": v.is_poor_village,
                "has_exited": v.has_exited,
            },
        )
        for v in villages
    ]


def household_features(locations: Iterable[pb.HouseholdLocation]) -> list[dict[str, Any]]:
    return [
        point(h.id, h.longitude, h.latitude, {"village_code": h.village_code, "status": h.status})
        for h in locations
    ]


@router.get(
    "/map/households",
    responses=GEOJSON,
    summary="GeoJSON of the located households of a region, in a box and/or a polygon; "
    "one point per village with aggregate=village",
    description="`polygon` is a GeoJSON Polygon geometry as JSON text (longitude, latitude "
    "degrees); an invalid one is a 400 INVALID_POLYGON. With `aggregate=village` each feature "
    "is a village at the mean position of its located households in the area, with "
    "`households`, `by_status`, and `is_poor_village` / `has_exited` from its village record; "
    "`limit` applies to households only.",
)
async def household_map(
    caller: Reader,
    wanted: Annotated[HouseholdFilterQuery, Query()],
    region_code: RegionCode = "",
    bbox: Annotated[str, Query(max_length=100, description="west,south,east,north")] = "",
    polygon: Annotated[
        str, Query(max_length=POLYGON_LENGTH, description="a GeoJSON Polygon (≈ 170 vertices)")
    ] = "",
    aggregate: Literal["village"] | None = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 5000,
) -> JSONResponse:
    request = pb.ListHouseholdLocationsRequest(
        region_code=region_code, limit=limit, polygon=polygon, filter=filter_message(wanted)
    )
    box = parse_bbox(bbox)
    if box is not None:
        request.west, request.south, request.east, request.north = box
    if aggregate == "village":
        villages = await caller.call(caller.registry.ListVillageAggregates, request)
        features, truncated = village_features(villages.villages), False
    else:
        reply = await caller.call(caller.registry.ListHouseholdLocations, request)
        features, truncated = household_features(reply.locations), reply.truncated
    body = {"type": "FeatureCollection", "features": features, "truncated": truncated}
    return JSONResponse(body, media_type="application/geo+json")


def boundary_feature(b: boundaries_pb2.Boundary) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": b.code,
        "geometry": json.loads(b.geometry),
        "properties": {"code": b.code, "name": b.name, "level": b.level, "generated": b.generated},
    }


@router.get(
    "/map/boundaries",
    responses=GEOJSON,
    summary="GeoJSON of the boundaries of a region's children (cities, counties, towns), "
    "shipped with the platform: no tile server",
    description="A FeatureCollection of the children's outlines (Polygon or MultiPolygon, "
    "longitude/latitude degrees) with `code`, `name`, `level` and `generated` (town cells are "
    "generated: a schematic equal-area division of the county, not a surveyed line); "
    "`outline` is the region's own (a village: its town's) or null; `missing` lists children "
    "with no outline shipped (development zones); `source` says where the lines come from.",
)
async def boundaries(caller: Reader, region_code: RegionCode = "") -> JSONResponse:
    found = await caller.call(
        caller.maps.GetBoundaries, boundaries_pb2.GetBoundariesRequest(region_code=region_code)
    )
    body = {
        "type": "FeatureCollection",
        "region_code": found.region_code,
        "features": [boundary_feature(b) for b in found.children],
        "outline": boundary_feature(found.outline) if found.HasField("outline") else None,
        "missing": list(found.missing),
        "source": found.source,
    }
    return JSONResponse(body, media_type="application/geo+json")
