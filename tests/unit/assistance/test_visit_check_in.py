"""The geo check of a visit: haversine distances against known ones, and a check-in accepted
within the limit, flagged beyond it or when the household has no registered location."""

from __future__ import annotations

import pytest

from kit.errors import InvalidArgument
from services.assistance.domain import VisitFlag, check_in, distance_m, valid_position

JINAN = (36.6512, 117.1201)
QINGDAO = (36.0671, 120.3826)


def test_the_distance_between_two_cities_matches_the_great_circle() -> None:
    assert distance_m(*JINAN, *QINGDAO) == pytest.approx(298_400, rel=0.01)


def test_a_degree_of_latitude_is_about_111_km_and_a_point_is_zero_from_itself() -> None:
    assert distance_m(36.0, 118.0, 37.0, 118.0) == pytest.approx(111_195, rel=0.001)
    assert distance_m(*JINAN, *JINAN) == 0.0


def test_a_check_in_within_the_limit_is_accepted_with_its_distance() -> None:
    near = (36.8220, 118.3000)  # about 222 m north of the home below
    verdict = check_in(near, (36.8200, 118.3000), limit_m=500)
    assert verdict.flag is None and verdict.check == "accepted"
    assert verdict.distance_m == pytest.approx(222, abs=2)


def test_a_check_in_beyond_the_limit_is_flagged_too_far() -> None:
    verdict = check_in((36.8300, 118.3000), (36.8200, 118.3000), limit_m=500)
    assert (verdict.flag, verdict.check) == (VisitFlag.TOO_FAR, "flagged")
    assert verdict.distance_m == pytest.approx(1112, abs=2)


def test_a_household_without_a_registered_location_flags_every_check_in() -> None:
    verdict = check_in(JINAN, None, limit_m=500)
    assert (verdict.flag, verdict.distance_m) == (VisitFlag.NO_REGISTERED_LOCATION, None)


@pytest.mark.parametrize("position", [(None, 118.0), (36.0, None), (91.0, 118.0), (36.0, -181.0)])
def test_a_missing_or_impossible_position_is_refused(position) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidArgument):
        valid_position(*position)
