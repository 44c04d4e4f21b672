"""Assistance's pure rules: the vocabularies, the owner level of a region, the deadline a level
has to act on a need, and the geo check of a visit against the household's location."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from kit.errors import FieldViolation, InvalidArgument
from kit.territory import Level, level_of

E = TypeVar("E", bound=StrEnum)


class Category(StrEnum):
    MEDICAL = "medical"
    SCHOOLING = "schooling"
    HOUSING = "housing"
    EMPLOYMENT = "employment"
    INDUSTRY = "industry"
    FUNDS = "funds"
    OTHER = "other"


CATEGORY_LABELS = {
    Category.MEDICAL: "医疗",
    Category.SCHOOLING: "就学",
    Category.HOUSING: "住房",
    Category.EMPLOYMENT: "就业",
    Category.INDUSTRY: "产业",
    Category.FUNDS: "资金",
    Category.OTHER: "其他",
}


class AlertKind(StrEnum):
    """Why a household may return to poverty (返贫预警)."""

    ILLNESS = "illness"
    DISABILITY = "disability"
    DISASTER = "disaster"
    ACCIDENT = "accident"
    INCOME_DROP = "income_drop"
    OTHER = "other"


ALERT_KIND_LABELS = {
    AlertKind.ILLNESS: "因病",
    AlertKind.DISABILITY: "因残",
    AlertKind.DISASTER: "因灾",
    AlertKind.ACCIDENT: "因意外事故",
    AlertKind.INCOME_DROP: "收入骤减",
    AlertKind.OTHER: "其他",
}


class OwnerLevel(StrEnum):
    VILLAGE = "village"
    TOWN = "town"
    COUNTY = "county"
    CITY = "city"
    PROVINCE = "province"


class TaskKind(StrEnum):
    VISIT = "visit"
    VERIFY_DATA = "verify_data"
    SPOT_CHECK = "spot_check"


LEVEL_NAMES = {
    Level.PROVINCE: OwnerLevel.PROVINCE,
    Level.CITY: OwnerLevel.CITY,
    Level.COUNTY: OwnerLevel.COUNTY,
    Level.TOWN: OwnerLevel.TOWN,
    Level.VILLAGE: OwnerLevel.VILLAGE,
}


def level_name(region_code: str) -> OwnerLevel:
    return LEVEL_NAMES[level_of(region_code)]


@dataclass(frozen=True)
class Deadlines:
    """Hours each level owns a need before it escalates by itself."""

    hours: Mapping[str, float]
    urgent_hours: Mapping[str, float]

    def due(self, region_code: str, urgent: bool, start: datetime) -> datetime:
        table = self.urgent_hours if urgent else self.hours
        return start + timedelta(hours=table[level_name(region_code)])


EARTH_RADIUS_M = 6_371_008.8  # the mean radius (IUGG)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle (haversine) distance in metres between two WGS-84 positions."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


class VisitFlag(StrEnum):
    TOO_FAR = "too_far"
    NO_REGISTERED_LOCATION = "no_registered_location"


@dataclass(frozen=True)
class CheckIn:
    """The verdict on a check-in: accepted, or flagged with why; the distance when known."""

    flag: VisitFlag | None
    distance_m: float | None

    @property
    def check(self) -> str:
        return "flagged" if self.flag else "accepted"


def check_in(
    position: tuple[float, float], home: tuple[float, float] | None, limit_m: float
) -> CheckIn:
    """Accept a check-in within `limit_m` metres of the registered `home`; flag it otherwise."""
    if home is None:
        return CheckIn(VisitFlag.NO_REGISTERED_LOCATION, None)
    distance = distance_m(*position, *home)
    return CheckIn(VisitFlag.TOO_FAR if distance > limit_m else None, distance)


def valid_position(latitude: float | None, longitude: float | None) -> tuple[float, float]:
    if (
        latitude is None
        or longitude is None
        or not -90 <= latitude <= 90
        or not -180 <= longitude <= 180
    ):
        raise InvalidArgument(
            "give the check-in position: latitude in [-90, 90], longitude in [-180, 180]",
            reason="POSITION_REQUIRED",
            violations=[
                FieldViolation("latitude", "-90 to 90"),
                FieldViolation("longitude", "-180 to 180"),
            ],
        )
    return latitude, longitude
