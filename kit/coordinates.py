"""The coordinate systems of Chinese map SDKs and the published transforms between them
(docs/coordinates.md): WGS-84 (GPS), GCJ-02 (the national "Mars" offset, AMap and Tencent)
and BD-09 (Baidu, a further offset of GCJ-02). Points are (latitude, longitude) in degrees.
Outside China's bounding box the offset is not applied: there GCJ-02 = WGS-84."""

from __future__ import annotations

import math
from enum import StrEnum

# Krasovsky 1940, the ellipsoid of the GCJ-02 offset.
SEMI_MAJOR_AXIS = 6378245.0
ECCENTRICITY_SQUARED = 0.00669342162296594323
BD_FACTOR = math.pi * 3000.0 / 180.0
BD_LONGITUDE_SHIFT, BD_LATITUDE_SHIFT = 0.0065, 0.006
INVERSE_TOLERANCE_DEG = 1e-9  # ~0.1 mm: the iterative inverse stops below it
INVERSE_ROUNDS = 30


class CoordinateSystem(StrEnum):
    WGS84 = "wgs84"
    GCJ02 = "gcj02"
    BD09 = "bd09"


Point = tuple[float, float]  # (latitude, longitude)


def in_china(latitude: float, longitude: float) -> bool:
    """The rough box the offset is applied in (as the published transforms do)."""
    return 0.8293 <= latitude <= 55.8271 and 72.004 <= longitude <= 137.8347


def _latitude_offset(x: float, y: float) -> float:
    offset = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    offset += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2 / 3
    offset += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2 / 3
    offset += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2 / 3
    return offset


def _longitude_offset(x: float, y: float) -> float:
    offset = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    offset += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2 / 3
    offset += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2 / 3
    offset += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2 / 3
    return offset


def wgs84_to_gcj02(latitude: float, longitude: float) -> Point:
    if not in_china(latitude, longitude):
        return latitude, longitude
    x, y = longitude - 105.0, latitude - 35.0
    d_lat, d_lon = _latitude_offset(x, y), _longitude_offset(x, y)
    radians = latitude / 180.0 * math.pi
    magic = 1 - ECCENTRICITY_SQUARED * math.sin(radians) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / (
        (SEMI_MAJOR_AXIS * (1 - ECCENTRICITY_SQUARED)) / (magic * sqrt_magic) * math.pi
    )
    d_lon = (d_lon * 180.0) / (SEMI_MAJOR_AXIS / sqrt_magic * math.cos(radians) * math.pi)
    return latitude + d_lat, longitude + d_lon


def gcj02_to_wgs84(latitude: float, longitude: float) -> Point:
    """The inverse by fixed-point iteration: refine a WGS-84 guess until its forward transform
    lands on the given point (sub-millimetre; the one-step inverse is metres off)."""
    if not in_china(latitude, longitude):
        return latitude, longitude
    guess_lat, guess_lon = latitude, longitude
    for _ in range(INVERSE_ROUNDS):
        forward_lat, forward_lon = wgs84_to_gcj02(guess_lat, guess_lon)
        d_lat, d_lon = latitude - forward_lat, longitude - forward_lon
        guess_lat, guess_lon = guess_lat + d_lat, guess_lon + d_lon
        if abs(d_lat) < INVERSE_TOLERANCE_DEG and abs(d_lon) < INVERSE_TOLERANCE_DEG:
            break
    return guess_lat, guess_lon


def gcj02_to_bd09(latitude: float, longitude: float) -> Point:
    x, y = longitude, latitude
    z = math.sqrt(x * x + y * y) + 0.00002 * math.sin(y * BD_FACTOR)
    theta = math.atan2(y, x) + 0.000003 * math.cos(x * BD_FACTOR)
    return z * math.sin(theta) + BD_LATITUDE_SHIFT, z * math.cos(theta) + BD_LONGITUDE_SHIFT


def bd09_to_gcj02(latitude: float, longitude: float) -> Point:
    x, y = longitude - BD_LONGITUDE_SHIFT, latitude - BD_LATITUDE_SHIFT
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * BD_FACTOR)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * BD_FACTOR)
    return z * math.sin(theta), z * math.cos(theta)


def to_wgs84(system: CoordinateSystem, latitude: float, longitude: float) -> Point:
    """The WGS-84 point of one given in `system` (BD-09 goes through GCJ-02)."""
    if system is CoordinateSystem.BD09:
        latitude, longitude = bd09_to_gcj02(latitude, longitude)
        system = CoordinateSystem.GCJ02
    if system is CoordinateSystem.GCJ02:
        return gcj02_to_wgs84(latitude, longitude)
    return latitude, longitude


def from_wgs84(system: CoordinateSystem, latitude: float, longitude: float) -> Point:
    """The point in `system` of a WGS-84 one (what a phone's SDK would report there)."""
    if system is CoordinateSystem.WGS84:
        return latitude, longitude
    gcj = wgs84_to_gcj02(latitude, longitude)
    return gcj02_to_bd09(*gcj) if system is CoordinateSystem.BD09 else gcj
