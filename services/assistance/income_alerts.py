"""Rule-raised return-to-poverty alerts: when the registry finds a household's latest year of
income under the monitoring line (registry.household.at_risk), an income_drop alert goes to its
town, raised by "rule:income" — unless the household has an alert being handled already."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from jingzhun.registry.v1 import events_pb2 as registry_events
from services.assistance import alert_repository as repo
from services.assistance.alerts_service import add_alert
from services.assistance.components import Components
from services.assistance.domain import AlertKind
from services.assistance.registry_view import HouseholdRef

HOUSEHOLD_AT_RISK = "registry.household.at_risk"
RULE_ACTOR = "rule:income"


def reason_of(event: registry_events.HouseholdAtRisk) -> str:
    return (
        f"{event.year}年人均纯收入{event.per_capita_income}元，低于监测线{event.monitoring_line}元"
    )


class IncomeRule:
    def __init__(self, components: Components) -> None:
        self.c = components

    async def on_household_at_risk(
        self, session: AsyncSession, subject: str, payload: bytes, headers: dict[str, str]
    ) -> None:
        """At most one alert being handled per household: a further low income adds none."""
        event = registry_events.HouseholdAtRisk.FromString(payload)
        if await repo.open_alert_of(session, event.household_id) is not None:
            return
        household = HouseholdRef(event.household_id, event.village_code)
        add_alert(
            session, self.c, household, AlertKind.INCOME_DROP, reason_of(event), actor_id=RULE_ACTOR
        )
