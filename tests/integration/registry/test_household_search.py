"""Finding households on SQLite and PostgreSQL: name prefixes, identity numbers and phones by
their blind indexes, the filters and sorts of a list, and the lean PostgreSQL list path giving
exactly what the ORM's gives."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import UTC, datetime

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from kit.errors import InvalidArgument
from kit.principal import Principal
from services.registry import repository as repo
from services.registry.edits import HouseholdChanges
from services.registry.household_filter import NO_FILTER, HouseholdFilter, search_of
from services.registry.household_order import HouseholdSort, Ordering, cursor_of, ordering_of
from services.registry.households_service import (
    HouseholdsService,
    HouseholdView,
    views_of,
)
from services.registry.indicator_sets import load_indicator_sets
from services.registry.livelihood_service import LivelihoodService
from services.registry.models import Benefit, Household, Income, IndicatorYear, Member, Pairing
from services.registry.phone_indexes import index_phones
from tests.integration.registry.test_households import (
    COUNTY_OFFICER,
    columns,
    household,
    id_number,
    service,
)

__all__ = ["service"]


async def test_a_name_prefix_and_an_identity_number_find_households_on_both_databases(
    service: HouseholdsService,
) -> None:
    await service.create(COUNTY_OFFICER, household("S-1", "370102001002", 31, 32))
    await service.create(COUNTY_OFFICER, household("S-2", "370102002002", 33))

    async def numbers(**wanted: str) -> list[str]:
        found = await service.list_households(
            COUNTY_OFFICER,
            region_code="",
            wanted=HouseholdFilter(**wanted),
            limit=50,
        )
        return sorted(v.household.number for v in found)

    assert await numbers(name_prefix="成员3") == ["S-1", "S-2"]
    assert await numbers(name_prefix="成员32") == ["S-1"]
    assert await numbers(name_prefix="成员4") == []
    assert await numbers(id_number=id_number(33)) == ["S-2"]
    assert await numbers(number="S-1", cause="illness") == ["S-1"]


async def test_a_phone_is_found_by_its_blind_index_once_indexed_on_both_databases(
    service: HouseholdsService,
) -> None:
    wanted = household("P-1", "370102001002", 81)
    head = dataclasses.replace(wanted.members[0], phone="13912345678")
    created = await service.create(COUNTY_OFFICER, dataclasses.replace(wanted, members=[head]))

    async def by_phone() -> list[str]:
        found = await service.list_households(
            COUNTY_OFFICER, region_code="", wanted=HouseholdFilter(phone="139-1234-5678"), limit=9
        )
        return [v.household.id for v in found]

    assert await by_phone() == [created.household.id]
    async with service.c.db.unit_of_work() as session:  # a member from before migration 0013
        await session.exec(update(Member).values(phone_index=None))
        stored = (await session.exec(select(Member.phone_cipher))).all()
    assert await by_phone() == [] and all(b"13912345678" not in (c or b"") for c in stored)
    assert await index_phones(service.c, batch=1) == 1
    assert await by_phone() == [created.household.id]
    assert await index_phones(service.c) == 0
    async with service.c.db.read_only() as session:
        indexed = await session.exec(select(Member).where(col(Member.phone_index).is_not(None)))
        assert len(indexed.all()) == 1


async def test_exit_year_and_changed_since_narrow_the_list_on_both_databases(
    service: HouseholdsService,
) -> None:
    older = await service.create(COUNTY_OFFICER, household("E-1", "370102001002", 51))
    newer = await service.create(COUNTY_OFFICER, household("E-2", "370102001002", 52))

    async def numbers(wanted: HouseholdFilter) -> list[str]:
        found = await service.list_households(
            COUNTY_OFFICER, region_code="", wanted=wanted, limit=50
        )
        return sorted(v.household.number for v in found)

    since = newer.household.updated_at
    assert await numbers(HouseholdFilter(changed_since=since)) == ["E-2"]
    await service.update(
        COUNTY_OFFICER, older.household.id, 1, HouseholdChanges(standard={"exit_year": "2020"})
    )
    assert await numbers(HouseholdFilter(changed_since=since)) == ["E-1", "E-2"]
    assert await numbers(HouseholdFilter(exit_year=2020)) == ["E-1"]
    assert await numbers(HouseholdFilter(exit_year=2020, changed_since=since)) == ["E-1"]
    assert await numbers(HouseholdFilter(exit_year=2021)) == []


async def test_income_below_takes_the_latest_years_net_income_per_person_in_sql(
    service: HouseholdsService,
) -> None:
    livelihood = LivelihoodService(service.c, service, load_indicator_sets())
    pair = await service.create(COUNTY_OFFICER, household("I-1", "370102001002", 61, 62))
    single = await service.create(COUNTY_OFFICER, household("I-2", "370102001002", 63))
    recovered = await service.create(COUNTY_OFFICER, household("I-3", "370102001002", 64))
    await service.create(COUNTY_OFFICER, household("I-4", "370102001002", 65))  # no incomes
    for household_id, year, figures in (
        (pair.household.id, 2023, {"wage": 20000}),
        # 7001 yuan net (production expense subtracted) for two: 3500 each, rounded down
        (pair.household.id, 2024, {"wage": 6001, "production": 2000, "production_expense": 1000}),
        (single.household.id, 2024, {"wage": 4000}),
        (recovered.household.id, 2023, {"wage": 1000}),
        (recovered.household.id, 2024, {"wage": 9000}),
    ):
        await livelihood.set_incomes(COUNTY_OFFICER, household_id, year, figures)

    async def numbers(below: int) -> list[str]:
        found = await service.list_households(
            COUNTY_OFFICER,
            region_code="",
            wanted=HouseholdFilter(income_below=below),
            limit=50,
        )
        return sorted(v.household.number for v in found)

    assert await numbers(3500) == []
    assert await numbers(3501) == ["I-1"]
    assert await numbers(4001) == ["I-1", "I-2"]
    assert await numbers(9001) == ["I-1", "I-2", "I-3"]
    with pytest.raises(InvalidArgument):
        await numbers(-1)


async def test_households_are_paged_in_each_sort_order_on_both_databases(
    service: HouseholdsService,
) -> None:
    for number, serial in (("O-2", 83), ("O-3", 81), ("O-1", 82)):  # heads 成员83, 成员81, 成员82
        await service.create(COUNTY_OFFICER, household(number, "370102001002", serial))
    views = await service.list_households(COUNTY_OFFICER, region_code="", wanted=NO_FILTER, limit=9)
    by_number = {v.household.number: v.household for v in views}
    await service.update(
        COUNTY_OFFICER, by_number["O-3"].id, 1, HouseholdChanges(standard={"exit_year": "2020"})
    )

    async def paged(sort: str) -> list[str]:
        seen: list[str] = []
        cursor: str | None = None
        while True:
            page = await service.list_households(
                COUNTY_OFFICER,
                region_code="",
                wanted=NO_FILTER,
                limit=1,
                ordering=ordering_of(sort, cursor),
            )
            seen += [v.household.number for v in page]
            if not page:
                return seen
            cursor = cursor_of(HouseholdSort(sort), page[-1].household, page[-1].members)

    assert await paged("number") == ["O-1", "O-2", "O-3"]
    assert await paged("name") == ["O-3", "O-1", "O-2"]
    assert await paged("id") == sorted(by_number, key=lambda n: by_number[n].id)
    assert await paged("updated") == ["O-3", "O-1", "O-2"]  # the latest change first
    name_cursor = cursor_of(HouseholdSort.NAME, by_number["O-1"], [])
    for sort, cursor in (("height", None), ("number", name_cursor), ("id", "O-1")):
        with pytest.raises(InvalidArgument):
            ordering_of(sort, cursor)


def dumped(views: list[HouseholdView]) -> list[tuple]:
    return [
        (
            columns(Household, v.household),
            [columns(Member, m) for m in v.members],
            [columns(Income, i) for i in v.incomes],
            sorted((i.indicator, i.compliant) for i in v.indicators),
            v.benefits_by_year,
            [columns(IndicatorYear, y) for y in v.indicator_years],
        )
        for v in views
    ]


async def test_a_list_gives_what_the_orm_gives_for_every_filter_scope_and_page(
    service: HouseholdsService,
) -> None:
    """The list (one statement on PostgreSQL) gives, page by page, the households and parts the
    ORM's list gives: for each filter, in a territory and for a helper's pairings."""
    livelihood = LivelihoodService(service.c, service, load_indicator_sets())
    made = [
        await service.create(COUNTY_OFFICER, household(f"L-{n}", village, 60 + 2 * n, 61 + 2 * n))
        for n, village in enumerate(["370102001002", "370102001003", "370102002002"] * 2)
    ]
    first, second = made[0].household.id, made[1].household.id
    await livelihood.set_incomes(COUNTY_OFFICER, first, 2024, {"wage": 5000, "property": 100})
    await livelihood.set_indicators(COUNTY_OFFICER, first, {"food": True, "safe_housing": False})
    await livelihood.set_indicators(COUNTY_OFFICER, second, {"safe_housing": False})
    now = datetime.now(UTC)
    async with service.c.db.unit_of_work() as session:
        session.add(
            Benefit(
                id="b1",
                household_id=first,
                year=2024,
                quarter=1,
                department="民政",
                program="低保",
                amount=300,
                recorded_by="u1",
                recorded_at=now,
            )
        )
        for paired in (first, made[2].household.id, made[4].household.id):
            session.add(Pairing(household_id=paired, helper_id="h1", paired_by="u1", paired_at=now))
    helper = Principal(
        subject="h1", kind="user", region_code="370102000000", roles=("helper",), paired_only=True
    )
    filters = [
        NO_FILTER,
        HouseholdFilter(name_prefix="成员6"),
        HouseholdFilter(name_prefix="成员7", status="identified"),
        HouseholdFilter(id_number=id_number(63)),
        HouseholdFilter(number="L-2", cause="illness", attribute="general"),
        HouseholdFilter(failing_indicators=("safe_housing",)),
        HouseholdFilter(failing_indicators=("food", "safe_housing")),
        HouseholdFilter(pairing="paired"),
        HouseholdFilter(pairing="unpaired", main_cause="illness"),
        HouseholdFilter(helper_id="h1", changed_since=now.replace(year=2020)),
        HouseholdFilter(exit_year=2030),
        HouseholdFilter(income_below=3000),
    ]

    async def orm(caller: Principal, region: str, wanted: HouseholdFilter, ordering: Ordering):
        search = search_of(wanted, service.c.protector)
        async with service.c.db.read_only() as session:
            households = await repo.list_households(
                session,
                scope=caller.scope.within(region),
                narrowed=await repo.filtered(session, search),
                ordering=ordering,
                limit=2,
            )
            return await views_of(session, list(households))

    callers = ((COUNTY_OFFICER, ""), (COUNTY_OFFICER, "370102001000"), (helper, ""))
    for (caller, region), wanted, sort in itertools.product(callers, filters, HouseholdSort):
        cursor, pages = None, 0
        while True:
            ordering = ordering_of(sort, cursor)
            page = await service.list_households(
                caller, region_code=region, wanted=wanted, ordering=ordering, limit=2
            )
            assert dumped(page) == dumped(await orm(caller, region, wanted, ordering)), wanted
            if len(page) < 2:
                break
            cursor = cursor_of(sort, page[-1].household, page[-1].members)
            pages += 1
        assert pages <= 3
    everything = await service.list_households(
        COUNTY_OFFICER, region_code="", wanted=NO_FILTER, limit=50
    )
    assert [v.household.id for v in everything] == sorted(m.household.id for m in made)
    (paid,) = [v for v in everything if v.household.id == first]
    assert paid.benefits_by_year == {2024: 300}
    assert [m.name for m in paid.members] == ["成员60", "成员61"]
    seen = await service.list_households(helper, region_code="", wanted=NO_FILTER, limit=50)
    assert sorted(v.household.number for v in seen) == ["L-0", "L-2", "L-4"]
