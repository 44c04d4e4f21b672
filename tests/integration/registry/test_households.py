"""The household archive's use-cases on SQLite and PostgreSQL: protected identity numbers,
territory ranges, households re-coded by a division change and monitored after a confirmed
return-to-poverty alert."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import pytest
from sqlmodel import SQLModel, select

from jingzhun.assistance.v1 import events_pb2 as assistance_events
from jingzhun.identity.v1 import events_pb2 as identity_events
from kit import migrations
from kit.clock import utcnow
from kit.db import Database
from kit.errors import AlreadyExists, InvalidArgument, NotFound
from kit.id_numbers import check_character
from kit.principal import Principal
from kit.protection import FieldProtector
from services.registry.components import Components
from services.registry.edits import HouseholdChanges
from services.registry.events import on_alert_confirmed, on_division_changed
from services.registry.household_filter import NO_FILTER, HouseholdFilter
from services.registry.households_service import (
    HouseholdsService,
    NewHousehold,
    NewMember,
    views_of,
)
from services.registry.indicator_sets import load_indicator_sets
from services.registry.livelihood_service import LivelihoodService
from services.registry.models import Benefit, HelperRecord, Household, Member, Pairing
from services.registry.statistics_service import StatisticsService

COUNTY_OFFICER = Principal(
    subject="u1", kind="user", region_code="370102000000", roles=("info_officer",)
)


def id_number(serial: int) -> str:
    first = f"37010219800101{serial:03d}"
    return first + check_character(first)


def household(number: str, village: str, *serials: int) -> NewHousehold:
    members = [
        NewMember(name=f"成员{s}", id_number=id_number(s), relation="head" if i == 0 else "child")
        for i, s in enumerate(serials)
    ]
    return NewHousehold(
        number=number,
        village_code=village,
        attribute="general",
        main_cause="illness",
        members=members,
    )


@pytest.fixture(params=["sqlite", "postgres"])
async def service(
    request: pytest.FixtureRequest,
    sqlite_url: Callable[[str], str],
    postgres_database: Callable[[str], Awaitable[str]],
) -> AsyncIterator[HouseholdsService]:
    url = (
        await postgres_database("registry")
        if request.param == "postgres"
        else sqlite_url("registry")
    )
    await asyncio.to_thread(migrations.upgrade, "registry", url)
    db = Database(url)
    yield HouseholdsService(Components(db=db, protector=FieldProtector.from_secrets("e", "i")))
    await db.dispose()


def columns(model: type[SQLModel], row: object) -> dict[str, object]:
    """A row's columns, whether the ORM's model or the lean read's row type made it."""
    return {c.name: getattr(row, c.name) for c in model.__table__.columns}  # type: ignore[attr-defined]


async def test_identity_numbers_are_stored_encrypted_and_registered_once(
    service: HouseholdsService,
) -> None:
    await service.create(COUNTY_OFFICER, household("A-1", "370102001002", 1, 2))
    async with service.c.db.read_only() as session:
        stored = (await session.exec(select(Member))).all()
    assert all(id_number(1).encode() not in m.id_number_cipher for m in stored)
    with pytest.raises(AlreadyExists):  # the same person in a second household
        await service.create(COUNTY_OFFICER, household("A-2", "370102001003", 2))
    with pytest.raises(NotFound):  # a village of another county
        await service.create(COUNTY_OFFICER, household("A-3", "370103002001", 3))


async def test_lists_follow_the_division_code_range(service: HouseholdsService) -> None:
    await service.create(COUNTY_OFFICER, household("B-1", "370102001002", 11))
    await service.create(COUNTY_OFFICER, household("B-2", "370102002002", 12))
    town = await service.list_households(
        COUNTY_OFFICER, region_code="370102001000", wanted=NO_FILTER, limit=50
    )
    county = await service.list_households(
        COUNTY_OFFICER,
        region_code="",
        wanted=HouseholdFilter(status="identified"),
        limit=50,
    )
    assert [v.household.number for v in town] == ["B-1"]
    assert sorted(v.household.number for v in county) == ["B-1", "B-2"]


async def test_a_division_change_recodes_households_and_records_it_and_the_helpers_follow(
    service: HouseholdsService,
) -> None:
    created = await service.create(COUNTY_OFFICER, household("C-1", "370102001002", 21))
    async with service.c.db.unit_of_work() as session:
        for helper_id, region in (("h-moved", "370102001002"), ("h-stays", "370103001001")):
            session.add(
                HelperRecord(
                    helper_id=helper_id,
                    name="李帮扶",
                    region_code=region,
                    roles="helper",
                    updated_at=utcnow(),
                )
            )
    change = identity_events.DivisionChanged(
        change_id="c1",
        kind="recode",
        mappings=[identity_events.CodeMapping(old_prefix="370102", new_prefix="370199")],
    )
    async with service.c.db.unit_of_work() as session:
        await on_division_changed(
            session, "identity.division.changed", change.SerializeToString(), {}
        )
    province = Principal(subject="p", kind="user", region_code="370000000000", roles=("admin",))
    moved = await service.get(province, created.household.id)
    assert moved.household.village_code == "370199001002" and moved.household.version == 2
    history = await service.history(province, created.household.id, None, 10)
    assert (history[-1].kind, history[-1].before, history[-1].after) == (
        "recoded",
        '"370102001002"',
        '"370199001002"',
    )
    async with service.c.db.read_only() as session:
        moved_helper = await session.get(HelperRecord, "h-moved")
        other_helper = await session.get(HelperRecord, "h-stays")
    assert moved_helper is not None and moved_helper.region_code == "370199001002"
    assert other_helper is not None and other_helper.region_code == "370103001001"


async def test_statistics_count_the_subtree_and_exits_by_year(service: HouseholdsService) -> None:

    first = await service.create(COUNTY_OFFICER, household("D-1", "370102001002", 31, 32))
    await service.create(COUNTY_OFFICER, household("D-2", "370102002002", 33))
    for action in ("start_assistance", "exit"):
        await service.transition(COUNTY_OFFICER, first.household.id, action, "核实", "")
    stats = await StatisticsService(service.c).region(COUNTY_OFFICER, "370102001000")
    assert (stats.households, stats.people) == (1, 2)
    assert stats.by_status == {"exited": 1}
    assert list(stats.exits_by_year.values()) == [1]


async def test_incomes_replace_a_year_and_indicators_are_counted(
    service: HouseholdsService,
) -> None:
    livelihood = LivelihoodService(service.c, service, load_indicator_sets())
    created = await service.create(COUNTY_OFFICER, household("E-1", "370102001002", 41, 42))
    await livelihood.set_incomes(
        COUNTY_OFFICER, created.household.id, 2024, {"wage": 5000, "property": 100}
    )
    view = await livelihood.set_incomes(COUNTY_OFFICER, created.household.id, 2024, {"wage": 6000})
    assert [(i.source, i.amount) for i in view.incomes] == [("wage", 6000)]
    await livelihood.set_indicators(
        COUNTY_OFFICER, created.household.id, {"food": True, "safe_housing": False}
    )
    view = await livelihood.set_indicators(
        COUNTY_OFFICER, created.household.id, {"safe_housing": True}
    )
    assert {i.indicator: i.compliant for i in view.indicators} == {
        "food": True,
        "safe_housing": True,
    }
    await livelihood.set_indicators(COUNTY_OFFICER, created.household.id, {"drinking_water": False})
    stats = await StatisticsService(service.c).region(COUNTY_OFFICER, "")
    assert stats.non_compliant_by_indicator == {"drinking_water": 1}


async def test_trends_progress_and_village_points_agree_on_both_databases(
    service: HouseholdsService,
) -> None:
    located = dataclasses.replace(
        household("F-1", "370102001002", 51, 52), latitude=36.6, longitude=117.0
    )
    first = await service.create(COUNTY_OFFICER, located)
    await service.create(
        COUNTY_OFFICER,
        dataclasses.replace(located, number="F-2", members=household("", "", 53).members),
    )
    for action in ("start_assistance", "exit", "return_to_poverty"):
        await service.transition(COUNTY_OFFICER, first.household.id, action, "核实", "")
    statistics = StatisticsService(service.c)
    now = datetime.now(UTC)
    by_month = await statistics.trends(COUNTY_OFFICER, "370102001000", "month")
    assert [(p.period, p.registered, p.exited, p.returned_to_poverty) for p in by_month.points] == [
        (f"{now:%Y-%m}", 2, 1, 1)
    ]
    by_year = await statistics.trends(COUNTY_OFFICER, "", "")
    assert (by_year.period, [p.period for p in by_year.points]) == ("year", [f"{now:%Y}"])
    stats = await statistics.region(COUNTY_OFFICER, "", population=30)
    assert (stats.progress.poor_households, stats.poor_people, stats.incidence) == (2, 3, 0.1)
    (village,) = await statistics.villages(COUNTY_OFFICER, "", None, "")
    assert (village.households, village.by_status, village.latitude) == (
        2,
        {"under_assistance": 1, "identified": 1},
        pytest.approx(36.6),
    )


async def confirm_alert(service: HouseholdsService, household_id: str) -> None:
    confirmed = assistance_events.AlertConfirmed(
        alert_id="a1", household_id=household_id, reason="户主重病", measures="大病救助"
    )
    async with service.c.db.unit_of_work() as session:
        await on_alert_confirmed(
            session, "assistance.alert.confirmed", confirmed.SerializeToString(), {}
        )


async def test_a_confirmed_alert_puts_an_exited_household_under_monitoring(
    service: HouseholdsService,
) -> None:
    created = await service.create(COUNTY_OFFICER, household("E-1", "370102001002", 41))
    for action in ("start_assistance", "exit"):
        await service.transition(COUNTY_OFFICER, created.household.id, action, "核实", "")
    await confirm_alert(service, created.household.id)
    found = (await service.get(COUNTY_OFFICER, created.household.id)).household
    assert (found.status, found.monitoring_category) == ("monitored", "sudden_hardship")
    last = (await service.history(COUNTY_OFFICER, created.household.id, None, 10))[-1]
    assert last.kind == "transitioned" and "a1" in last.reason and "大病救助" in last.reason


async def test_a_confirmed_alert_the_lifecycle_refuses_is_only_recorded(
    service: HouseholdsService,
) -> None:
    created = await service.create(COUNTY_OFFICER, household("E-2", "370102001002", 42))
    await confirm_alert(service, created.household.id)  # identified: cannot start monitoring
    found = (await service.get(COUNTY_OFFICER, created.household.id)).household
    assert (found.status, found.monitoring_category, found.version) == ("identified", None, 1)
    last = (await service.history(COUNTY_OFFICER, created.household.id, None, 10))[-1]
    assert last.kind == "alert_not_applied" and "a1" in last.reason


async def test_a_household_is_read_whole_and_only_in_the_callers_scope(
    service: HouseholdsService,
) -> None:
    """The hottest read (one statement on PostgreSQL) gives what the ORM gives, in register
    order, and nothing outside the caller's territory or a helper's pairings."""
    livelihood = LivelihoodService(service.c, service, load_indicator_sets())
    created = await service.create(COUNTY_OFFICER, household("G-1", "370102001002", 51, 52, 53))
    other = await service.create(COUNTY_OFFICER, household("G-2", "370102001003", 54))
    hid = created.household.id
    await livelihood.set_incomes(COUNTY_OFFICER, hid, 2024, {"wage": 5000, "property": 100})
    await livelihood.set_incomes(COUNTY_OFFICER, hid, 2023, {"wage": 4000})
    await livelihood.set_indicators(COUNTY_OFFICER, hid, {"food": True, "safe_housing": False})
    now = datetime.now(UTC)
    async with service.c.db.unit_of_work() as session:
        for quarter, amount in ((1, 300), (2, 200)):
            session.add(
                Benefit(
                    id=f"b{quarter}",
                    household_id=hid,
                    year=2024,
                    quarter=quarter,
                    department="民政",
                    program="低保",
                    amount=amount,
                    recorded_by="u1",
                    recorded_at=now,
                )
            )
        session.add(
            Pairing(household_id=other.household.id, helper_id="h1", paired_by="u1", paired_at=now)
        )

    view = await service.get(COUNTY_OFFICER, hid)
    async with service.c.db.read_only() as session:
        stored = await session.get(Household, hid)
        assert stored is not None
        (expected,) = await views_of(session, [stored])
    assert columns(Household, view.household) == columns(Household, expected.household)
    assert [columns(Member, m) for m in view.members] == [
        columns(Member, m) for m in expected.members
    ]
    assert [m.name for m in view.members] == ["成员51", "成员52", "成员53"]
    assert [(i.year, i.source, i.amount) for i in view.incomes] == [
        (i.year, i.source, i.amount) for i in expected.incomes
    ]
    assert {i.indicator: i.compliant for i in view.indicators} == {
        "food": True,
        "safe_housing": False,
    }
    assert view.benefits_by_year == expected.benefits_by_year == {2024: 500}

    elsewhere = dataclasses.replace(COUNTY_OFFICER, region_code="370103000000")
    helper = Principal(
        subject="h1", kind="user", region_code="370102000000", roles=("helper",), paired_only=True
    )
    with pytest.raises(NotFound):
        await service.get(elsewhere, hid)
    with pytest.raises(NotFound):  # in the helper's territory, but not paired with them
        await service.get(helper, hid)
    assert (await service.get(helper, other.household.id)).household.number == "G-2"


async def test_changes_since_page_by_the_latest_change_on_both_databases(
    service: HouseholdsService,
) -> None:
    first = await service.create(COUNTY_OFFICER, household("CH-1", "370102001002", 41))
    since = datetime.now(UTC)
    second = await service.create(
        COUNTY_OFFICER,
        dataclasses.replace(
            household("CH-2", "370102001002", 42),
            standard={"road_type": "gravel", "has_electricity": "true"},
            bank_account="6217001234567890123",
        ),
    )
    await service.update(
        COUNTY_OFFICER, first.household.id, 1, HouseholdChanges(standard={"exit_year": "2020"})
    )
    pages, after = [], None
    while True:
        page = await service.changes_since(
            COUNTY_OFFICER, region_code="", since=since, after=after, limit=1
        )
        pages += page
        if len(page) < 1:
            break
        after = page[-1].cursor
    assert [(c.number, c.kinds, c.fields) for c in pages] == [
        ("CH-2", ["created"], []),
        ("CH-1", ["changed"], ["exit_year"]),
    ]
    read = await service.get(COUNTY_OFFICER, second.household.id)  # the lean path of each
    assert (read.household.road_type, read.household.has_electricity) == ("gravel", True)
    assert read.household.bank_account_masked == "6217****0123"


async def test_many_households_villages_come_in_one_call_and_only_in_scope(
    service: HouseholdsService,
) -> None:
    """Another service checking many beneficiaries at once sees where each lives, and of those
    out of the caller's territory (or unknown) nothing, as if they did not exist."""
    first = await service.create(COUNTY_OFFICER, household("V-1", "370102001002", 61))
    second = await service.create(COUNTY_OFFICER, household("V-2", "370102002003", 62))
    ids = [first.household.id, second.household.id, "no-such-household"]
    assert await service.villages_of(COUNTY_OFFICER, ids) == {
        first.household.id: "370102001002",
        second.household.id: "370102002003",
    }
    town = dataclasses.replace(COUNTY_OFFICER, region_code="370102001000")
    assert await service.villages_of(town, ids) == {first.household.id: "370102001002"}
    with pytest.raises(InvalidArgument):
        await service.villages_of(COUNTY_OFFICER, [f"h{n}" for n in range(1001)])
