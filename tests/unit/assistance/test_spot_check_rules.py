"""Spot checks' rules: the sample size shared out per stratum by the largest remainder, a
sample that depends on the seed and the households but not on their order, a nearest-
neighbour route, and the differences from the archive."""

from __future__ import annotations

import random

from services.assistance.spot_check_rules import (
    Difference,
    Observation,
    Outcome,
    allocate,
    differences,
    route,
    sample,
)


def test_the_size_is_shared_in_proportion_with_the_largest_remainders() -> None:
    assert allocate(3, {"a": 4, "b": 2}) == {"a": 2, "b": 1}
    assert allocate(5, {"a": 10, "b": 7, "c": 3}) == {"a": 2, "b": 2, "c": 1}
    assert allocate(2, {"a": 1, "b": 1, "c": 1}) == {"a": 1, "b": 1, "c": 0}
    assert allocate(50, {"a": 4, "b": 2}) == {"a": 4, "b": 2}  # fewer than asked: all


def test_the_sample_depends_on_the_seed_not_on_the_order_households_come_in() -> None:
    ids = [f"{n:04x}" for n in range(300)]
    shuffled = random.Random(7).sample(ids, len(ids))

    def drawn(items: list[str], seed: str) -> list[str]:
        return [i for i, _ in sample(items, 20, seed, lambda i: i[-1], lambda i: i).chosen]

    assert drawn(ids, "s") == drawn(shuffled, "s")
    assert set(drawn(ids, "s")) != set(drawn(ids, "t"))
    strata = sample(ids, 20, "s", lambda i: "even" if int(i, 16) % 2 == 0 else "odd", str).strata
    assert strata == [("even", 150, 10), ("odd", 150, 10)]


def test_the_route_goes_to_the_nearest_stop_next_and_ends_with_the_unlocated() -> None:
    stops = {"far": (36.0, 118.5), "near": (36.0, 118.1), "none": None, "mid": (36.0, 118.3)}
    ordered = route(list(stops), stops.__getitem__, start=(36.0, 118.0))
    assert [s for s, _ in ordered] == ["near", "mid", "far", "none"]
    assert ordered[-1][1] is None and all(leg and leg > 8000 for _, leg in ordered[:-1])
    assert route(["far", "mid"], stops.__getitem__, None)[0] == ("far", None)  # no start


def test_only_checked_fields_that_differ_count_and_not_found_is_one_difference() -> None:
    archive = Observation(members_count=4, attribute="general", safe_housing=True)
    seen = Observation(members_count=4, attribute="destitute_support", income_sources=("wage",))
    assert differences(Outcome.VISITED, seen, archive) == [
        Difference("attribute", "general", "destitute_support"),
        Difference("income_sources", "", "wage"),
    ]
    assert differences(Outcome.VISITED, Observation(), archive) == []
    assert differences(Outcome.NOT_FOUND, seen, archive) == [
        Difference("found", "registered", "not found")
    ]
