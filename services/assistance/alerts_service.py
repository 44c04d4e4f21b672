"""Use-cases of return-to-poverty alerts (返贫预警): a helper paired with a household raises
one; the town verifies it within its time limit, the county reviews it with the intervention
measures (which the registry follows) and closes it with the outcome; either may dismiss it.
Every step is one conditional update by the level that owns the alert, and texts the next."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from kit import audit
from kit.checks import parse, required_text
from kit.clock import aware
from kit.errors import Aborted, NotFound, PermissionDenied
from kit.principal import Principal
from kit.scope import Scope
from services.assistance import alert_repository as repo
from services.assistance.components import Components
from services.assistance.domain import AlertKind, level_name
from services.assistance.events import SERVICE, publish_alert_confirmed, text_alert_owner
from services.assistance.lifecycle import (
    ALERT_STEP_NAMES,
    RAISED,
    AlertAction,
    AlertState,
    AlertStatus,
    act_on_alert,
)
from services.assistance.models import Alert, AlertStep
from services.assistance.registry_view import HouseholdRef, RegistryView


@dataclass(frozen=True)
class AlertCounts:
    region_code: str
    by_status: dict[str, int]
    open: int
    overdue: int


@dataclass(frozen=True)
class AlertView:
    alert: Alert
    steps: list[AlertStep]
    verify_overdue: bool


def in_scope(scope: Scope, alert: Alert | None) -> Alert:
    """The alert, if its household lies in the caller's scope; out of it, it does not."""
    if alert is None or not scope.covers(alert.village_code, alert.household_id):
        raise NotFound("alert not found", reason="ALERT_NOT_FOUND")
    return alert


# What each step records on the alert besides its status.
RECORDED = {
    AlertAction.REVIEW: "measures",
    AlertAction.CLOSE: "outcome",
    AlertAction.DISMISS: "outcome",
}


def add_alert(
    session: AsyncSession,
    c: Components,
    household: HouseholdRef,
    kind: AlertKind,
    reason: str,
    *,
    actor_id: str,
) -> tuple[Alert, AlertStep]:
    """A new alert about the household, owned by its town, which is texted to verify it."""
    state = AlertState.raised(household.village_code)
    now = c.clock()
    alert = Alert(
        id=uuid.uuid4().hex,
        household_id=household.id,
        village_code=household.village_code,
        village_name=household.village_name,
        kind=kind,
        reason=reason,
        status=state.status,
        owner_region=state.owner_region,
        owner_level=level_name(state.owner_region),
        verify_due_at=now + timedelta(hours=c.alert_verify_hours),
        raised_by=actor_id,
        created_at=now,
        updated_at=now,
    )
    step = AlertStep(
        alert_id=alert.id, seq=1, action=RAISED, actor_id=actor_id, text=reason, at=now
    )
    session.add(alert)
    session.add(step)
    text_alert_owner(session, alert, c.owner_role, actor_id)
    return alert, step


class AlertsService:
    def __init__(self, components: Components, registry: RegistryView) -> None:
        self.c = components
        self.registry = registry

    async def raise_alert(
        self, caller: Principal, household_id: str, kind: str, reason: str
    ) -> AlertView:
        wanted = parse(kind, AlertKind, "kind")
        text = required_text(reason, "reason")
        household = await self.registry.paired_household(caller, household_id, named=True)
        async with self.c.db.unit_of_work() as session:
            alert, step = add_alert(
                session, self.c, household, wanted, text, actor_id=caller.actor_id
            )
        return AlertView(alert, [step], verify_overdue=False)

    async def get(self, caller: Principal, alert_id: str) -> AlertView:
        scope = await self.registry.scope(caller)
        async with self.c.db.read_only() as session:
            alert = in_scope(scope, await repo.get_alert(session, alert_id))
            return (await self._views(session, [alert]))[0]

    async def act(
        self, caller: Principal, alert_id: str, action: str, text: str, expected_version: int
    ) -> AlertView:
        wanted = parse(action, AlertAction, "action")
        scope = await self.registry.scope(caller)
        async with self.c.db.unit_of_work() as session:
            alert = in_scope(scope, await repo.get_alert(session, alert_id))
            if caller.region_code != alert.owner_region:
                raise PermissionDenied(
                    f"the {alert.owner_level} level handles this alert now", reason="NOT_THE_OWNER"
                )
            if expected_version and expected_version != alert.version:
                raise Aborted(
                    f"the alert changed since version {expected_version} (now {alert.version})",
                    reason="VERSION_CONFLICT",
                )
            state = act_on_alert(
                AlertState(AlertStatus(alert.status), alert.owner_region), wanted, text=text
            )
            await self._move(session, alert, state, wanted, caller.actor_id, text.strip())
            return (await self._views(session, [alert]))[0]

    async def _move(
        self,
        session: AsyncSession,
        alert: Alert,
        state: AlertState,
        action: AlertAction,
        actor_id: str,
        text: str,
    ) -> None:
        now = self.c.clock()
        values: dict[str, Any] = {
            "status": state.status.value,
            "owner_region": state.owner_region,
            "owner_level": level_name(state.owner_region),
            "updated_at": now,
        }
        if action in RECORDED:
            values[RECORDED[action]] = text
        if not await repo.move_alert(session, alert.id, alert.version, values):
            raise Aborted("the alert changed meanwhile; read it again", reason="VERSION_CONFLICT")
        await session.refresh(alert)
        session.add(
            AlertStep(
                alert_id=alert.id,
                seq=alert.version,
                action=ALERT_STEP_NAMES[action],
                actor_id=actor_id,
                text=text,
                at=now,
            )
        )
        audit.record(
            session,
            SERVICE,
            actor_id=actor_id,
            action=f"alert.{ALERT_STEP_NAMES[action]}",
            target_id=alert.id,
            region_code=alert.village_code,
            detail={"household_id": alert.household_id, "status": alert.status, "text": text},
        )
        if state.status is AlertStatus.VERIFIED:
            text_alert_owner(session, alert, self.c.owner_role, actor_id)
        if state.status is AlertStatus.REVIEWED:
            publish_alert_confirmed(session, alert, actor_id)

    async def list_alerts(
        self, caller: Principal, region_code: str, status: str, *, after_id: str | None, limit: int
    ) -> list[AlertView]:
        """The alerts of a region in scope, each with its steps."""
        scope = await self.registry.scope(caller, region_code)
        wanted = parse(status, AlertStatus, "status") if status else None
        async with self.c.db.read_only() as session:
            alerts = await repo.list_alerts(session, scope, wanted, after_id=after_id, limit=limit)
            return await self._views(session, list(alerts))

    async def count_alerts(self, caller: Principal, region_code: str) -> AlertCounts:
        scope = await self.registry.scope(caller, region_code)
        async with self.c.db.read_only() as session:
            by_status, overdue = await repo.count_alerts(session, scope, self.c.clock())
        open_ = sum(by_status.get(s, 0) for s in repo.OPEN_STATUSES)
        return AlertCounts(scope.region_code, by_status, open_, overdue)

    async def _views(self, session: AsyncSession, alerts: list[Alert]) -> list[AlertView]:
        steps = await repo.steps_of(session, [a.id for a in alerts])
        now = self.c.clock()
        return [
            AlertView(
                a, steps[a.id], a.status == AlertStatus.RAISED and aware(a.verify_due_at) <= now
            )
            for a in alerts
        ]
