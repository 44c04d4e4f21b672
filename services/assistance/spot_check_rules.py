"""Spot checks' pure rules: a reproducible stratified sample (each stratum's households ranked
by a keyed hash of their id with the seed, the sample size shared out in proportion by the
largest remainder), the route to visit them (nearest neighbour from the start; households
without a location last), and the differences between what the inspector saw and the
archive."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from kit.coordinates import Point
from services.assistance.domain import distance_m

T = TypeVar("T")

INCOME_SOURCES = ("wage", "production", "property", "transfer")
ATTRIBUTES = ("general", "subsistence_allowance", "destitute_support")
SAFE_HOUSING = "safe_housing"


class Stratification(StrEnum):
    NONE = ""
    VILLAGE = "village"
    STATUS = "status"


class Outcome(StrEnum):
    VISITED = "visited"
    NOT_FOUND = "not_found"


def rank(seed: str, household_id: str) -> bytes:
    """The household's place in the seed's random order: HMAC-SHA256 keyed with the seed."""
    return hmac.new(seed.encode(), household_id.encode(), hashlib.sha256).digest()


def allocate(size: int, populations: Mapping[str, int]) -> dict[str, int]:
    """`size` shared out over the strata in proportion to their populations (largest
    remainder; ties to the stratum named first in sort order); all of them when fewer."""
    total = sum(populations.values())
    if size >= total:
        return dict(populations)
    quotas = {s: size * n / total for s, n in populations.items()}
    shares = {s: int(q) for s, q in quotas.items()}
    left = size - sum(shares.values())
    by_remainder = sorted(quotas, key=lambda s: (-(quotas[s] - shares[s]), s))
    for stratum in by_remainder[:left]:
        shares[stratum] += 1
    return shares


@dataclass(frozen=True)
class Sample(Generic[T]):
    chosen: list[tuple[T, str]]  # (item, its stratum) in rank order within each stratum
    strata: list[tuple[str, int, int]]  # (stratum, population, sampled), by stratum


def sample(
    items: Sequence[T],
    size: int,
    seed: str,
    stratum_of: Callable[[T], str],
    id_of: Callable[[T], str],
) -> Sample[T]:
    """The same items, size and seed always give the same sample, whatever order the items
    come in."""
    strata: dict[str, list[T]] = {}
    for item in items:
        strata.setdefault(stratum_of(item), []).append(item)
    shares = allocate(size, {s: len(members) for s, members in strata.items()})
    chosen: list[tuple[T, str]] = []
    counts = []
    for stratum in sorted(strata):
        ranked = sorted(strata[stratum], key=lambda item: rank(seed, id_of(item)))
        chosen += [(item, stratum) for item in ranked[: shares[stratum]]]
        counts.append((stratum, len(strata[stratum]), shares[stratum]))
    return Sample(chosen, counts)


def route(
    stops: Sequence[T], position: Callable[[T], Point | None], start: Point | None
) -> list[tuple[T, float | None]]:
    """The stops in visiting order, each with the distance from the previous one (the first
    from `start`, when given): always on to the nearest stop not yet visited; stops without
    a position after them, in the order given."""
    located = [s for s in stops if position(s) is not None]
    unlocated = [s for s in stops if position(s) is None]
    ordered: list[tuple[T, float | None]] = []
    here = start
    while located:
        if here is None:
            nearest, leg = 0, None
        else:
            legs = [distance_m(*here, *position_of(s, position)) for s in located]
            nearest = min(range(len(located)), key=legs.__getitem__)
            leg = legs[nearest]
        stop = located.pop(nearest)
        ordered.append((stop, leg))
        here = position_of(stop, position)
    return ordered + [(s, None) for s in unlocated]


def position_of(stop: T, position: Callable[[T], Point | None]) -> Point:
    found = position(stop)
    assert found is not None
    return found


@dataclass(frozen=True)
class Observation:
    """What the inspector saw; None (or no sources) where they did not check."""

    members_count: int | None = None
    attribute: str | None = None
    safe_housing: bool | None = None
    income_sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Difference:
    field: str
    archive: str
    observed: str


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return ",".join(value)
    return str(value)


def differences(outcome: Outcome, seen: Observation, archive: Observation) -> list[Difference]:
    """Each checked field whose archive value differs from what was seen; a household not
    found at all is the one difference."""
    if outcome is Outcome.NOT_FOUND:
        return [Difference("found", "registered", "not found")]
    found = []
    for name in ("members_count", "attribute", "safe_housing", "income_sources"):
        observed = getattr(seen, name)
        if observed is None or observed == ():
            continue
        recorded = getattr(archive, name)
        if recorded != observed:
            found.append(Difference(name, _text(recorded), _text(observed)))
    return found
