"""Registry's event subjects and publishers (through the outbox), and what it does when a
division change re-codes regions (identity.division.changed)."""

from __future__ import annotations

from google.protobuf.timestamp_pb2 import Timestamp
from sqlmodel.ext.asyncio.session import AsyncSession

from jingzhun.identity.v1 import events_pb2 as identity_events
from jingzhun.registry.v1 import events_pb2
from kit.outbox import enqueue
from kit.territory import code_from_prefix, recode
from services.registry import repository as repo
from services.registry.components import utcnow
from services.registry.models import Household

HOUSEHOLD_CREATED = "registry.household.created"
HOUSEHOLD_UPDATED = "registry.household.updated"
HOUSEHOLD_TRANSITIONED = "registry.household.transitioned"
HOUSEHOLD_RECODED = "registry.household.recoded"
DIVISION_CHANGED = "identity.division.changed"


def publish_household(
    session: AsyncSession, subject: str, household: Household, actor_id: str
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
    )
    enqueue(session, subject, event, msg_id=f"{household.id}-{household.version}-{subject}")


async def on_division_changed(
    session: AsyncSession, subject: str, payload: bytes, headers: dict[str, str]
) -> None:
    """Households follow their village to its new code; each move is in their history."""
    change = identity_events.DivisionChanged.FromString(payload)
    now = utcnow()
    for mapping in change.mappings:
        for household in await repo.households_in_subtree(
            session, code_from_prefix(mapping.old_prefix)
        ):
            old_code = household.village_code
            household.village_code = recode(old_code, mapping.old_prefix, mapping.new_prefix)
            household.version += 1
            household.updated_at = now
            session.add(household)
            repo.record(
                session,
                household_id=household.id,
                at=now,
                actor_id=f"division-change:{change.change_id}",
                kind="recoded",
                field="village_code",
                before=old_code,
                after=household.village_code,
                reason=change.kind,
            )
            publish_household(
                session, HOUSEHOLD_RECODED, household, f"division-change:{change.change_id}"
            )
