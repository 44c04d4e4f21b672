"""The assessment's repository on SQLite and PostgreSQL: a month's facts counted per (where,
who, in time) with GROUP BY, covering exactly the subtree; the scores and rankings made of
them; a circular stored once per (region, period)."""

from __future__ import annotations

from services.assistance import assessment_repository as repo
from services.assistance.assessment_indicators import (
    assessed_period,
    indicators_for,
    load_indicator_sets,
)
from services.assistance.assessment_scoring import Counts, VillageBasis, rankings
from services.assistance.models import Circular
from tests.integration.assistance.conftest import (
    COUNTY_ADMIN,
    HELPER,
    NEIGHBOUR,
    TOWN_ADMIN,
    VILLAGE,
    VILLAGE_TEAM,
    Assistance,
)
from tests.integration.assistance.test_performance import record_a_month_of_work

COUNTY, TOWN = COUNTY_ADMIN.region_code, TOWN_ADMIN.region_code


async def test_a_months_facts_are_counted_by_group_and_ranked(service: Assistance) -> None:
    await record_a_month_of_work(service)
    period = assessed_period("2026-11", service.clock.now)
    db = service.components.db
    facts = await repo.fact_counts(db, TOWN, period.since, period.until)
    december = assessed_period("2026-12", service.clock.now)
    later = await repo.fact_counts(db, COUNTY, december.since, december.until)
    async with db.read_only() as session:
        counties = await repo.active_counties(session, period.since, period.until)
    assert later == {name: [] for name in repo.FACTS}
    visits, needs, tasks = facts["visits"], facts["needs_on_time"], facts["tasks_on_time"]
    assert sorted(visits) == [
        (VILLAGE, HELPER.subject, False, 1),
        (VILLAGE, HELPER.subject, True, 1),
    ]  # helper-3's visit lies in the neighbouring town
    assert sorted(needs) == [
        (VILLAGE, VILLAGE_TEAM.subject, False, 1),
        (VILLAGE, VILLAGE_TEAM.subject, True, 1),
    ]
    assert sorted(tasks) == [
        (VILLAGE, HELPER.subject, True, 1),
        (VILLAGE, VILLAGE_TEAM.subject, False, 1),
    ]
    assert facts["alerts_in_time"] == [(VILLAGE, TOWN_ADMIN.subject, False, 1)]
    assert counties == [COUNTY[:6]]

    counts = Counts(
        facts,
        villages=[VillageBasis(VILLAGE, 4, 1, 2)],
        helpers={HELPER.subject: 2},
    )
    indicators = indicators_for(load_indicator_sets(), period)
    cadres, villages, towns = rankings(TOWN, counts, 1, indicators, period.kind)
    assert [(s.id, s.total) for s in cadres.subjects] == [
        (HELPER.subject, 80.0),  # visits 1 of 2: 0.4 × 50 + 0.6 × 100
        (TOWN_ADMIN.subject, 80.0),  # alerts 0 of 1 in time: 0.2 × 0, no visits owed
        (VILLAGE_TEAM.subject, 60.0),  # needs 1 of 2 and tasks 0 of 1 on time: floors at 50 %
    ]  # the tie broken by id
    assert [s.rank for s in cadres.subjects] == [1, 2, 3]
    (village,) = villages.subjects
    explained = {i.indicator: (i.achieved, i.required, i.score) for i in village.indicators}
    assert explained["data_quality"] == (3, 4, 0.0)  # 75 % complete, below the 80 % floor
    assert explained["visits"] == (1, 2, 50.0)
    assert (towns.group_code, [s.id for s in towns.subjects]) == (COUNTY, [TOWN])
    assert NEIGHBOUR not in {s.id for s in villages.subjects}


async def test_a_circular_is_stored_once_per_region_and_period(service: Assistance) -> None:
    def circular(by: str) -> Circular:
        return Circular(
            region_code=TOWN,
            period="2026-11",
            indicators_version="2026",
            issued_by=by,
            issued_at=service.clock.now,
            top_n=3,
            rankings="[]",
        )

    async with service.components.db.unit_of_work() as session:
        assert await repo.add_circular(session, circular(COUNTY_ADMIN.subject))
    async with service.components.db.unit_of_work() as session:
        assert not await repo.add_circular(session, circular("scheduler"))
    async with service.components.db.read_only() as session:
        (stored,) = await repo.circulars(session, COUNTY)
        assert await repo.issued_regions(session, "2026-11") == {TOWN}
        assert await repo.circulars(session, "370102002000") == []
    assert stored.issued_by == COUNTY_ADMIN.subject
