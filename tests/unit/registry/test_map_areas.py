"""Map areas: boxes, GeoJSON polygons (exact, edges included), and villages' mean points."""

from __future__ import annotations

import json

import pytest

from kit.errors import InvalidArgument
from services.registry.map_areas import area_of, inside, parse_polygon, village_aggregates

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[117, 36], [118, 36], [118, 37], [117, 37], [117, 36]]],
}
TRIANGLE = {"type": "Polygon", "coordinates": [[[117, 36], [118, 36], [117, 37], [117, 36]]]}


def test_a_polygon_is_searched_by_its_box_and_decided_exactly() -> None:
    area = area_of(None, json.dumps(TRIANGLE))
    assert area.bounds == (117, 36, 118, 37)
    # inside, on an edge, and inside the box but beyond the hypotenuse
    assert inside(area, [(117.2, 36.2), (117.5, 36.0), (117.9, 36.9)]) == [True, True, False]


def test_a_box_and_a_polygon_together_keep_only_where_they_overlap() -> None:
    area = area_of((117.5, 36.0, 119.0, 37.0), json.dumps(SQUARE))
    assert area.bounds == (117.5, 36.0, 118.0, 37.0)
    assert inside(area, [(117.2, 36.5), (117.7, 36.5)]) == [False, True]
    assert area_of((119.0, 36.0, 120.0, 37.0), json.dumps(SQUARE)).empty


def test_without_a_polygon_the_box_alone_decides() -> None:
    area = area_of((117.0, 36.0, 118.0, 37.0), "")
    assert (area.bounds, area.shape, area.empty) == ((117.0, 36.0, 118.0, 37.0), None, False)
    assert inside(area, [(0.0, 0.0)]) == [True]  # the SQL box predicate already filtered


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        json.dumps({"type": "Point", "coordinates": [117, 36]}),
        json.dumps({"type": "Polygon"}),
        json.dumps({"type": "Polygon", "coordinates": [[[117, 36], [118, 36]]]}),
        json.dumps({"type": "Polygon", "coordinates": [[["a", 36], [118, 36], [118, 37]]]}),
        # a bow tie crosses itself
        json.dumps({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}),
        json.dumps({"type": "Polygon", "coordinates": [[[0, 0], [200, 0], [200, 1], [0, 0]]]}),
        '{"type": "Polygon", "coordinates": [[[0, 0], [NaN, 0], [1, 1], [0, 0]]]}',
    ],
)
def test_anything_but_a_valid_polygon_is_refused_by_name(text: str) -> None:
    with pytest.raises(InvalidArgument) as refused:
        parse_polygon(text)
    assert refused.value.reason == "INVALID_POLYGON"


def test_a_box_the_wrong_way_round_is_refused() -> None:
    with pytest.raises(InvalidArgument) as refused:
        area_of((118.0, 36.0, 117.0, 37.0), "")
    assert refused.value.reason == "INVALID_BOX"


def test_a_village_sits_at_the_mean_of_its_households_across_statuses() -> None:
    rows = [
        ("370105001002", "identified", 2, 73.0, 234.0),  # (36.5, 117.0) twice
        ("370105001001", "exited", 1, 36.0, 117.5),
        ("370105001002", "exited", 1, 37.0, 118.5),
    ]
    first, second = village_aggregates(rows)
    assert (first.village_code, first.households, first.by_status) == (
        "370105001001",
        1,
        {"exited": 1},
    )
    assert (second.households, second.by_status) == (3, {"identified": 2, "exited": 1})
    assert (second.latitude, second.longitude) == pytest.approx((110.0 / 3, 352.5 / 3))
