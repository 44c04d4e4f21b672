"""Registry's event subjects and publishers (through the outbox), the one way a lifecycle
transition is written, how households follow a division change (identity.division.changed;
kit.division_changes re-codes the registry's other records), and what it does when the county confirms a return-to-poverty alert
(assistance.alert.confirmed)."""

from __future__ import annotations

from datetime import UTC

from google.protobuf.timestamp_pb2 import Timestamp
from sqlmodel.ext.asyncio.session import AsyncSession

from jingzhun.assistance.v1 import events_pb2 as assistance_events
from jingzhun.identity.v1 import events_pb2 as identity_events
from jingzhun.registry.v1 import events_pb2
from kit.clock import utcnow
from kit.division_changes import division_change_handler, region_columns
from kit.errors import FailedPrecondition
from kit.outbox import enqueue
from kit.territory import code_from_prefix, recode
from services.registry import helping_repository as helping_repo
from services.registry import models
from services.registry import repository as repo
from services.registry.lifecycle import Action, Lifecycle, apply
from services.registry.models import Household
from services.registry.vocabulary import MonitoringCategory, Status

SERVICE = "registry"  # whose acts these are in the audit log (kit.audit)
HOUSEHOLD_CREATED = "registry.household.created"
HOUSEHOLD_UPDATED = "registry.household.updated"
HOUSEHOLD_TRANSITIONED = "registry.household.transitioned"
HOUSEHOLD_RECODED = "registry.household.recoded"
ALERT_CONFIRMED = "assistance.alert.confirmed"
USER_UPDATED = "identity.user.updated"


def publish_household(
    session: AsyncSession, subject: str, household: Household, actor_id: str, proposed_by: str = ""
) -> None:
    at = Timestamp()
    at.FromDatetime(household.updated_at)
    event = events_pb2.HouseholdChanged(
        household_id=household.id,
        village_code=household.village_code,
        status=household.status,
        monitoring_category=household.monitoring_category or "",
        version=household.version,
        actor_id=actor_id,
        at=at,
        proposed_by=proposed_by,
    )
    enqueue(session, subject, event, msg_id=f"{household.id}-{household.version}-{subject}")


async def recode_households(
    session: AsyncSession,
    change: identity_events.DivisionChanged,
    old_prefix: str,
    new_prefix: str,
) -> None:
    """Households follow their village to its new code; each move is in their history and
    published (the registry's other records follow by their region columns, kit.division_changes)."""
    now, actor_id = utcnow(), f"division-change:{change.change_id}"
    for household in await repo.households_in_subtree(session, code_from_prefix(old_prefix)):
        old_code = household.village_code
        household.village_code = recode(old_code, old_prefix, new_prefix)
        household.version += 1
        household.updated_at = now
        session.add(household)
        repo.record(
            session,
            household_id=household.id,
            at=now,
            actor_id=actor_id,
            kind="recoded",
            field="village_code",
            before=old_code,
            after=household.village_code,
            reason=change.kind,
        )
        publish_household(session, HOUSEHOLD_RECODED, household, actor_id)


async def on_alert_confirmed(
    session: AsyncSession, subject: str, payload: bytes, headers: dict[str, str]
) -> None:
    """The household enters monitoring as a sudden-hardship household (突发严重困难户) where its
    lifecycle allows it; where not, its history says so and nothing else changes."""
    alert = assistance_events.AlertConfirmed.FromString(payload)
    household = await repo.get_household(session, alert.household_id, for_update=True)
    if household is None:  # removed since: nothing to follow
        return
    actor_id = f"alert:{alert.alert_id}"
    reason = f"返贫预警{alert.alert_id}经县级审核确认：{alert.reason}；帮扶措施：{alert.measures}"
    before = lifecycle_of(household)
    try:
        after = apply(
            before,
            Action.START_MONITORING,
            reason=reason,
            category=MonitoringCategory.SUDDEN_HARDSHIP,
        )
    except FailedPrecondition as refused:
        states = lifecycle_fields(before)
        repo.record(
            session,
            household_id=household.id,
            at=utcnow(),
            actor_id=actor_id,
            kind="alert_not_applied",
            field=Action.START_MONITORING,
            before=states,
            after=states,
            reason=f"{reason}（未纳入监测：{refused.message}）",
        )
        return
    commit_transition(session, household, Action.START_MONITORING, before, after, actor_id, reason)


def lifecycle_of(household: Household) -> Lifecycle:
    category = household.monitoring_category
    return Lifecycle(
        Status(household.status),
        MonitoringCategory(category) if category else None,
        household.has_exited,
    )


def lifecycle_fields(state: Lifecycle) -> dict[str, str | None]:
    """What a transition's history entry shows of a state."""
    return {"status": state.status, "monitoring_category": state.monitoring_category}


def commit_transition(
    session: AsyncSession,
    household: Household,
    step: Action,
    before: Lifecycle,
    after: Lifecycle,
    actor_id: str,
    reason: str,
) -> None:
    """`household` moved from `before` to `after` by `step` (an officer's transition or a
    confirmed alert): a new version, its history entry and one event."""
    household.status, household.monitoring_category = after.status, after.monitoring_category
    household.has_exited = after.has_exited
    household.version += 1
    household.updated_at = utcnow()
    session.add(household)
    repo.record(
        session,
        household_id=household.id,
        at=household.updated_at,
        actor_id=actor_id,
        kind="transitioned",
        field=step,
        before=lifecycle_fields(before),
        after=lifecycle_fields(after),
        reason=reason,
    )
    publish_household(session, HOUSEHOLD_TRANSITIONED, household, actor_id)


# The registry's other records follow by their region columns, after the households.
on_division_changed = division_change_handler(
    region_columns(models, but=("households.village_code",)), recode_households
)


async def on_user_updated(
    session: AsyncSession, subject: str, payload: bytes, headers: dict[str, str]
) -> None:
    """A helper's record follows their account: a new name, territory or roles (which choose
    their quota's row) count in the coverage at once, not only at their next pairing."""
    user = identity_events.UserChanged.FromString(payload)
    cadre = helping_repo.Cadre(user.user_id, user.name, user.region_code, tuple(user.roles))
    await helping_repo.refresh_helper(session, cadre, user.at.ToDatetime(UTC))
