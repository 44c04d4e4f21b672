"""Where the map (一张图) looks: a bounding box and an optional GeoJSON polygon, tested exactly
with shapely; and one mean point per village for low zoom. Pure functions, no I/O."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NoReturn

import shapely
from shapely.geometry import box as box_shape
from shapely.geometry import shape as geojson_shape
from shapely.geometry.base import BaseGeometry

from kit.errors import InvalidArgument

Box = tuple[float, float, float, float]  # west, south, east, north, in degrees
MAX_POLYGON_CHARS = 100_000


def check_box(box: Box) -> Box:
    west, south, east, north = box
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise InvalidArgument(
            "the box must be west < east and south < north, in degrees", reason="INVALID_BOX"
        )
    return box


def _no_constants(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a coordinate")


def parse_polygon(text: str) -> BaseGeometry:
    """The shapely polygon of a GeoJSON Polygon geometry in longitude/latitude degrees."""
    try:
        if len(text) > MAX_POLYGON_CHARS:
            raise ValueError("too long")
        geometry = json.loads(text, parse_constant=_no_constants)
        if not isinstance(geometry, dict) or geometry.get("type") != "Polygon":
            raise ValueError("not a Polygon")
        polygon = geojson_shape(geometry)
    except (ValueError, TypeError, LookupError, RecursionError, shapely.errors.ShapelyError) as e:
        raise invalid_polygon() from e
    west, south, east, north = polygon.bounds
    if polygon.is_empty or not polygon.is_valid:
        raise invalid_polygon()
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise invalid_polygon()
    return polygon


def invalid_polygon() -> InvalidArgument:
    return InvalidArgument(
        "polygon must be a valid GeoJSON Polygon geometry: rings of [longitude, latitude] "
        "positions in degrees, not crossing themselves",
        reason="INVALID_POLYGON",
    )


@dataclass(frozen=True)
class Area:
    """`bounds` narrows the search in SQL (a box predicate); `shape`, when set, decides exactly."""

    bounds: Box | None
    shape: BaseGeometry | None = None

    @property
    def empty(self) -> bool:
        return self.shape is not None and self.shape.is_empty


def area_of(box: Box | None, polygon: str) -> Area:
    """The box, the polygon, or where both overlap; errors name what is wrong."""
    if box is not None:
        check_box(box)
    if not polygon:
        return Area(box)
    region = parse_polygon(polygon)
    if box is not None:
        region = region.intersection(box_shape(*box))
    if region.is_empty:
        return Area(box, region)
    shapely.prepare(region)
    return Area(region.bounds, region)


def inside(area: Area, points: Sequence[tuple[float, float]]) -> list[bool]:
    """Which (longitude, latitude) points lie in the area, its edges included."""
    if area.shape is None:
        return [True] * len(points)
    if not points:
        return []
    longitudes, latitudes = zip(*points, strict=True)
    return [bool(hit) for hit in shapely.intersects_xy(area.shape, longitudes, latitudes)]


@dataclass
class VillageAggregate:
    village_code: str
    households: int = 0
    latitude_sum: float = 0.0
    longitude_sum: float = 0.0
    by_status: dict[str, int] = field(default_factory=dict)
    is_poor_village: bool = False  # from the village's record, when it has one
    has_exited: bool = False

    @property
    def latitude(self) -> float:
        return self.latitude_sum / self.households

    @property
    def longitude(self) -> float:
        return self.longitude_sum / self.households


def village_aggregates(
    rows: Iterable[tuple[str, str, int, float, float]],
) -> list[VillageAggregate]:
    """(village, status, households, sum of latitudes, sum of longitudes) rows -> one aggregate
    per village, at the mean position of its households, by village code."""
    villages: dict[str, VillageAggregate] = {}
    for village, status, households, latitude_sum, longitude_sum in rows:
        found = villages.setdefault(village, VillageAggregate(village))
        found.households += households
        found.latitude_sum += latitude_sum
        found.longitude_sum += longitude_sum
        found.by_status[status] = found.by_status.get(status, 0) + households
    return [villages[code] for code in sorted(villages)]
