"""The map SDKs' coordinate transforms against the published reference pairs, the iterative
inverse to sub-metre accuracy, and no offset outside China."""

from __future__ import annotations

import pytest

from kit.coordinates import (
    CoordinateSystem,
    bd09_to_gcj02,
    from_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    to_wgs84,
    wgs84_to_gcj02,
)
from services.assistance.domain import distance_m

TIAN_AN_MEN = (39.915, 116.404)
# The reference outputs published with the transforms (see docs/coordinates.md) for the point
# (39.915, 116.404) taken in each system.
PUBLISHED = [
    (wgs84_to_gcj02, (39.91640428150164, 116.41024449916938)),
    (gcj02_to_bd09, (39.92133699351022, 116.41036949371029)),
    (bd09_to_gcj02, (39.90865673957631, 116.39762729119315)),
]


@pytest.mark.parametrize(("transform", "expected"), PUBLISHED)
def test_the_transforms_give_the_published_reference_points(transform, expected) -> None:  # type: ignore[no-untyped-def]
    assert transform(*TIAN_AN_MEN) == pytest.approx(expected, abs=1e-9)


def test_the_gcj02_offset_is_hundreds_of_metres_and_the_inverse_is_sub_metre() -> None:
    gcj = wgs84_to_gcj02(*TIAN_AN_MEN)
    assert 400 < distance_m(*TIAN_AN_MEN, *gcj) < 700
    # The one-step inverse published with the transforms is some 0.6 m off; the iteration is not.
    back = gcj02_to_wgs84(*gcj)
    assert distance_m(*TIAN_AN_MEN, *back) < 0.01


@pytest.mark.parametrize("system", list(CoordinateSystem))
@pytest.mark.parametrize(
    "point", [(36.82, 118.3), (22.54, 114.06), (45.75, 126.65), (29.65, 91.13), (18.25, 109.5)]
)
def test_every_round_trip_through_a_system_is_within_half_a_metre(system, point) -> None:  # type: ignore[no-untyped-def]
    there = from_wgs84(system, *point)
    assert distance_m(*point, *to_wgs84(system, *there)) < 0.5
    if system is not CoordinateSystem.WGS84:
        assert distance_m(*point, *there) > 100  # really offset


def test_outside_china_gcj02_is_wgs84() -> None:
    tokyo, london = (35.68, 139.77), (51.5, -0.12)
    for point in (tokyo, london):
        assert wgs84_to_gcj02(*point) == point
        assert to_wgs84(CoordinateSystem.GCJ02, *point) == point
