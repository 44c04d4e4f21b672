"""Household record updates for performance: each registry.household.updated (fields, location,
members, incomes, indicators, benefits, as applied; not creations, transitions or re-codings) is
one update of its village, credited to the helper who proposed it when it applies an approved
proposal (the event's proposed_by; the reviewer is its actor_id), otherwise to its actor_id."""

from __future__ import annotations

from datetime import UTC

from sqlmodel.ext.asyncio.session import AsyncSession

from jingzhun.registry.v1 import events_pb2 as registry_events
from services.assistance import performance_repository as repo
from services.assistance.models import HouseholdUpdate

HOUSEHOLD_UPDATED = "registry.household.updated"


async def on_household_updated(
    session: AsyncSession, subject: str, payload: bytes, headers: dict[str, str]
) -> None:
    """Recorded once per household version: a redelivered or replayed event adds nothing."""
    event = registry_events.HouseholdChanged.FromString(payload)
    await repo.record_update(
        session,
        HouseholdUpdate(
            household_id=event.household_id,
            version=event.version,
            village_code=event.village_code,
            actor_id=event.actor_id,
            proposed_by=event.proposed_by,
            at=event.at.ToDatetime(tzinfo=UTC),
        ),
    )
