"""Scoring helping units (帮扶单位): a unit's counts are the sum of its helpers' within the
assessed region, ranked within the county like the cadres; every subject carries a name."""

from __future__ import annotations

from datetime import UTC, datetime

from services.assistance.assessment_indicators import (
    assessed_period,
    indicators_for,
    load_indicator_sets,
)
from services.assistance.assessment_scoring import (
    Counts,
    UnitBasis,
    VillageBasis,
    named,
    rankings,
    unnamed,
)

COUNTY, TOWN, VILLAGE, OTHER = "370102000000", "370102001000", "370102001001", "370102001002"
PERIOD = assessed_period("2026-11", datetime(2026, 12, 7, tzinfo=UTC))
INDICATORS = indicators_for(load_indicator_sets(), PERIOD)


def county_counts() -> Counts:
    """Unit A: helpers a (2 households, visited both) and b (2, visited none, one task late);
    unit B: helper c (1 household, visited); helper d in no unit."""
    return Counts(
        facts={
            "visits": [
                (VILLAGE, "a", True, 2),
                (OTHER, "c", True, 1),
                (OTHER, "c", False, 3),  # flagged visits are not counted
            ],
            "needs_on_time": [],
            "tasks_on_time": [(VILLAGE, "b", False, 1), (VILLAGE, "a", True, 1)],
            "alerts_in_time": [(VILLAGE, "town-officer", True, 1)],
        },
        villages=[VillageBasis(VILLAGE, 5, 0, 4), VillageBasis(OTHER, 2, 0, 2)],
        helpers={"a": 2, "b": 2, "c": 1, "d": 1},
        helper_units={"a": "unit-a", "b": "unit-a", "c": "unit-b"},
        units={
            "unit-a": UnitBasis("区民政局", COUNTY),
            "unit-b": UnitBasis("某某公司", TOWN),
            "unit-idle": UnitBasis("无人单位", COUNTY),  # none of its helpers here
        },
        helper_names={"a": "张三", "b": "李四"},
    )


def test_a_units_counts_are_its_helpers_summed_and_it_is_ranked_within_the_county() -> None:
    found = {r.subject_kind: r for r in rankings(COUNTY, county_counts(), 1, INDICATORS, "month")}
    units = found["unit"]
    assert units.group_code == COUNTY
    assert [(s.id, s.name, s.rank) for s in units.subjects] == [
        ("unit-b", "某某公司", 1),
        ("unit-a", "区民政局", 2),
    ]  # the idle unit is not assessed
    explained = {
        i.indicator: (i.achieved, i.required, i.score) for i in units.subjects[1].indicators
    }
    assert explained == {
        "visits": (2, 4, 50.0),  # a's 2 of 2 and b's 0 of 2
        "needs_on_time": (0, 0, 100.0),
        "tasks_on_time": (1, 2, 0.0),  # half on time: at the floor
    }
    assert units.subjects[1].total == 50.0  # 0.5 × 50 + 0.25 × 100 + 0.25 × 0
    assert units.subjects[0].total == 100.0


def test_units_are_ranked_per_county_when_a_city_is_assessed_and_by_name_everywhere() -> None:
    counts = county_counts()
    counts.units["unit-a"] = UnitBasis("市税务局", "370100000000")  # covers the whole city
    found = [r for r in rankings("370100000000", counts, 1, INDICATORS, "month")]
    groups = {
        (r.group_code, tuple(s.id for s in r.subjects)) for r in found if r.subject_kind == "unit"
    }
    assert groups == {("370100000000", ("unit-a",)), (COUNTY, ("unit-b",))}

    users, regions = unnamed(found)
    assert users == {"c", "d", "town-officer"}  # a and b are named by the registry
    assert regions == {VILLAGE, OTHER, TOWN}
    given = named(found, {"c": "王五", "town-officer": "赵六"}, {VILLAGE: "一村", TOWN: "某镇"})
    by_id = {s.id: s.name for r in given for s in r.subjects}
    assert (by_id["a"], by_id["c"], by_id["d"]) == ("张三", "王五", "d")  # unknown: the id
    assert (by_id[VILLAGE], by_id[OTHER], by_id[TOWN]) == ("一村", OTHER, "某镇")
    assert unnamed(given) == (set(), set())
