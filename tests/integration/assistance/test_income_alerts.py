"""Rule-raised alerts on SQLite and PostgreSQL: registry.household.at_risk opens an income_drop
alert at the household's town, raised by "rule:income" and texted to the town; while one is
being handled no second opens; once closed, a new low income raises a new one."""

from __future__ import annotations

from jingzhun.registry.v1 import events_pb2 as registry_events
from services.assistance.income_alerts import IncomeRule
from tests.integration.assistance.conftest import (
    COUNTY_ADMIN,
    TOWN_ADMIN,
    VILLAGE,
    Assistance,
)


async def deliver(service: Assistance, household_id: str, per_capita: int) -> None:
    """One delivery of the registry's event, as the durable consumer hands it over."""
    event = registry_events.HouseholdAtRisk(
        household_id=household_id,
        village_code=VILLAGE,
        year=2025,
        per_capita_income=per_capita,
        monitoring_line=6000,
        actor_id="u1",
    )
    async with service.components.db.unit_of_work() as session:
        await IncomeRule(service.components).on_household_at_risk(
            session, "registry.household.at_risk", event.SerializeToString(), {}
        )


async def test_a_low_income_opens_one_alert_at_the_town_until_it_is_handled(
    service: Assistance,
) -> None:
    await deliver(service, "hh-1", 5200)
    await deliver(service, "hh-1", 4800)  # the same household again: still one alert
    (view,) = await service.alerts.list_alerts(TOWN_ADMIN, "", "", after_id=None, limit=10)
    alert = view.alert
    assert (alert.kind, alert.status, alert.owner_region, alert.raised_by) == (
        "income_drop",
        "raised",
        TOWN_ADMIN.region_code,
        "rule:income",
    )
    assert alert.reason == "2025年人均纯收入5200元，低于监测线6000元"
    texts = await service.texts_requested()
    assert [(t.template, t.audience.region_code) for t in texts] == [
        ("alert_raised", TOWN_ADMIN.region_code)
    ]

    await service.alerts.act(TOWN_ADMIN, alert.id, "verify", "收入下降属实", 0)
    await service.alerts.act(COUNTY_ADMIN, alert.id, "review", "纳入监测，就业帮扶", 0)
    await deliver(service, "hh-1", 4000)  # reviewed is still being handled
    await service.alerts.act(COUNTY_ADMIN, alert.id, "close", "务工收入恢复", 0)
    await deliver(service, "hh-1", 3000)
    listed = await service.alerts.list_alerts(COUNTY_ADMIN, "", "", after_id=None, limit=10)
    assert sorted((v.alert.status, v.alert.reason) for v in listed) == [
        ("closed", "2025年人均纯收入5200元，低于监测线6000元"),
        ("raised", "2025年人均纯收入3000元，低于监测线6000元"),
    ]
