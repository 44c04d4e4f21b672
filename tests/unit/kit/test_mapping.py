"""kit.mapping: the compiled mappings give what the hand copies gave, byte for byte, at no
more cost, and a mapping that cannot be built fails when it is built."""

from __future__ import annotations

import timeit
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Literal

import pytest
from pydantic import BaseModel

from gateway.fields import Day, Instant
from jingzhun.identity.v1 import identity_pb2
from jingzhun.registry.v1 import registry_pb2 as pb
from kit.mapping import from_message, to_message

CREATED = datetime(2026, 3, 1, 8, 30, 15, 250000, tzinfo=UTC)


class MemberOut(BaseModel):
    id: str
    name: str
    birth_date: Day
    phone: str


class YearIncomeOut(BaseModel):
    year: int
    by_source: dict[str, int]
    total: int


class HouseholdOut(BaseModel):
    id: str
    latitude: float | None
    monitoring_category: str | None
    secondary_causes: list[str]
    members: list[MemberOut]
    incomes: list[YearIncomeOut]
    indicators: dict[str, bool]
    benefits_by_year: dict[int, int]
    version: int
    created_at: Instant


def household(**changes: object) -> pb.Household:
    message = pb.Household(
        id="h1",
        secondary_causes=["illness", "disability"],
        members=[pb.Member(id="m1", name="张三", birth_date="1960-02-29", phone="138****0000")],
        incomes=[pb.YearIncome(year=2025, by_source={"wages": 12000}, total=12000)],
        indicators={"housing": True},
        benefits_by_year={2025: 300},
        version=3,
        created_at=CREATED,
        **changes,
    )
    return message


def hand_copy(h: pb.Household) -> HouseholdOut:
    return HouseholdOut(
        id=h.id,
        latitude=h.latitude if h.HasField("latitude") else None,
        monitoring_category=h.monitoring_category or None,
        secondary_causes=list(h.secondary_causes),
        members=[
            MemberOut(
                id=m.id, name=m.name, birth_date=date.fromisoformat(m.birth_date), phone=m.phone
            )
            for m in h.members
        ],
        incomes=[
            YearIncomeOut(year=i.year, by_source=dict(i.by_source), total=i.total)
            for i in h.incomes
        ],
        indicators=dict(h.indicators),
        benefits_by_year=dict(h.benefits_by_year),
        version=h.version,
        created_at=h.created_at.ToDatetime(),
    )


household_out = from_message(pb.Household, HouseholdOut)


@pytest.mark.parametrize(
    "message",
    [household(), household(latitude=36.5, monitoring_category="edge"), pb.Household()],
    ids=["unset", "set", "empty"],
)
def test_a_message_maps_to_the_json_the_hand_copy_gave(message: pb.Household) -> None:
    if not message.members:
        message.created_at.FromDatetime(CREATED)
    assert household_out(message).model_dump_json() == hand_copy(message).model_dump_json()


def test_the_mapping_costs_no_more_than_the_hand_copy() -> None:
    """The best of interleaved rounds, so a busy machine slows both alike."""
    message = household(latitude=36.5)
    rounds, mapped, hand = 500, float("inf"), float("inf")
    for _ in range(15):
        mapped = min(mapped, timeit.timeit(lambda: household_out(message), number=rounds))
        hand = min(hand, timeit.timeit(lambda: hand_copy(message), number=rounds))
    assert mapped <= hand * 1.1, (
        f"mapped {mapped / rounds * 1e6:.1f} µs, hand {hand / rounds * 1e6:.1f} µs"
    )


class RegionOut(BaseModel):
    code: str
    level: Literal["province", "city", "county", "town", "village"]
    parent_code: str | None


def test_an_enum_is_the_lower_case_name_after_its_prefix_and_back() -> None:
    region = identity_pb2.Region(code="370102000000", level=identity_pb2.REGION_LEVEL_COUNTY)
    out = from_message(identity_pb2.Region, RegionOut)(region)
    assert out == RegionOut(code="370102000000", level="county", parent_code=None)
    assert to_message(RegionOut, identity_pb2.Region)(out) == region


@dataclass
class MemberRow:
    id: str
    name: str
    birth_date: date
    phone: str | None


@dataclass
class HouseholdView:
    id: str
    latitude: float | None
    monitoring_category: str | None
    members: list[MemberRow]
    created_at: datetime
    version: int = 1
    secondary_causes: list[str] = field(default_factory=list)


def test_a_row_maps_to_a_message_none_left_unset() -> None:
    view = HouseholdView(
        id="h1",
        latitude=None,
        monitoring_category=None,
        members=[MemberRow(id="m1", name="李四", birth_date=date(1990, 1, 2), phone=None)],
        created_at=CREATED,
        secondary_causes=["illness"],
    )
    message = to_message(HouseholdView, pb.Household, status=lambda v: "assisted")(view)
    expected = pb.Household(
        id="h1",
        status="assisted",
        members=[pb.Member(id="m1", name="李四", birth_date="1990-01-02")],
        created_at=CREATED,
        version=1,
        secondary_causes=["illness"],
    )
    assert message == expected
    assert not message.HasField("latitude")


def test_a_field_nothing_fills_is_refused_when_the_mapping_is_built() -> None:
    class Unfillable(BaseModel):
        id: str
        colour: str

    with pytest.raises(TypeError, match="colour"):
        from_message(pb.Household, Unfillable)
    with pytest.raises(TypeError, match="colour"):
        from_message(pb.Household, HouseholdOut, colour=lambda h: "red")


class TransitionIn(BaseModel):
    action: str
    reason: str


def test_given_fields_are_the_functions_keywords() -> None:
    message = to_message(TransitionIn, pb.TransitionHouseholdRequest, given=("id",))
    body = TransitionIn(action="exit", reason="income above the line")
    assert message(body, id="h1") == pb.TransitionHouseholdRequest(
        id="h1", action="exit", reason="income above the line"
    )


@dataclass
class Window:
    region_code: str
    since: datetime
    until: datetime


def test_a_field_named_like_a_python_keyword_is_mapped() -> None:
    from jingzhun.assistance.v1 import assistance_pb2

    window = Window(region_code="370102000000", since=CREATED, until=CREATED)
    message = to_message(
        Window, assistance_pb2.Performance, from_=lambda w: w.since, to=lambda w: w.until
    )(window)
    assert getattr(message, "from").ToDatetime(UTC) == CREATED == message.to.ToDatetime(UTC)


@dataclass(frozen=True)
class Narrowing:
    status: str = ""
    failing_indicators: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()


def test_a_repeated_field_reads_into_a_tuple_when_the_target_says_so() -> None:
    message = pb.HouseholdFilter(status="identified", ids=["h1", "h2"])
    narrowing = from_message(pb.HouseholdFilter, Narrowing)(message)
    assert narrowing == Narrowing(status="identified", ids=("h1", "h2"))
    assert hash(narrowing)  # frozen and hashable: tuples, not lists
