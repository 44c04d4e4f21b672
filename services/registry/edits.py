"""Changing a household's fields: one path for an officer's direct edit and for a helper's
proposal once the village work team approves it — version check, field-by-field history,
one event."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.checks import parse
from kit.clock import utcnow
from kit.errors import Aborted
from services.registry import events
from services.registry import repository as repo
from services.registry.domain import changes, check_location, parse_all
from services.registry.models import Household
from services.registry.national_codes import HOUSEHOLD_FIELDS, checked, code_of
from services.registry.vocabulary import AssistanceCategory, Attribute, PovertyCause


@dataclass(frozen=True)
class HouseholdChanges:
    attribute: str | None = None
    main_cause: str | None = None
    secondary_causes: list[str] | None = None
    assistance_category: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    standard: dict[str, Any] | None = None  # national_codes.HOUSEHOLD_FIELDS, as text
    assistance_categories: list[str] | None = None


def assistance_categories(values: list[str]) -> list[str]:
    """五个一批 as a set, each of the province's list (vocabularies/assistance_category.csv)."""
    return sorted({code_of("assistance_category", v, "assistance_categories") for v in values if v})


def set_standard(household: Household, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(household, name, value)


def editable_fields(household: Household) -> dict[str, object]:
    return {
        **{spec.name: getattr(household, spec.name) for spec in HOUSEHOLD_FIELDS},
        "assistance_categories": json.loads(household.assistance_categories),
        "attribute": household.attribute,
        "main_cause": household.main_cause,
        "secondary_causes": json.loads(household.secondary_causes),
        "assistance_category": household.assistance_category,
        "latitude": household.latitude,
        "longitude": household.longitude,
    }


def validate(wanted: HouseholdChanges) -> HouseholdChanges:
    """The same changes with every value checked against its vocabulary."""
    if wanted.latitude is not None or wanted.longitude is not None:
        check_location(wanted.latitude, wanted.longitude)
    return HouseholdChanges(
        attribute=parse(wanted.attribute, Attribute, "attribute")
        if wanted.attribute is not None
        else None,
        main_cause=parse(wanted.main_cause, PovertyCause, "main_cause")
        if wanted.main_cause is not None
        else None,
        secondary_causes=[
            str(c) for c in parse_all(wanted.secondary_causes, PovertyCause, "secondary_causes")
        ]
        if wanted.secondary_causes is not None
        else None,
        assistance_category=parse(
            wanted.assistance_category, AssistanceCategory, "assistance_category"
        )
        if wanted.assistance_category is not None
        else None,
        latitude=wanted.latitude,
        longitude=wanted.longitude,
        standard=checked(HOUSEHOLD_FIELDS, wanted.standard, "standard.")
        if wanted.standard
        else None,
        assistance_categories=assistance_categories(wanted.assistance_categories)
        if wanted.assistance_categories is not None
        else None,
    )


def check_version(household: Household, expected_version: int) -> None:
    if expected_version and expected_version != household.version:
        raise Aborted(
            f"the household changed since version {expected_version} (now {household.version})",
            reason="VERSION_CONFLICT",
        )


def commit_changes(
    session: AsyncSession,
    household: Household,
    wanted: HouseholdChanges,
    expected_version: int,
    actor_id: str,
    reason: str = "",
    *,
    proposed_by: str = "",
) -> None:
    check_version(household, expected_version)
    differences = apply_changes(household, wanted)
    record_changes(session, household, actor_id, differences, reason, proposed_by=proposed_by)


def apply_changes(household: Household, wanted: HouseholdChanges) -> list[tuple[str, Any, Any]]:
    """Set the wanted fields (checked first); (field, before, after) of those that changed."""
    valid = validate(wanted)
    before = editable_fields(household)
    for name in ("attribute", "main_cause", "assistance_category"):
        if getattr(valid, name) is not None:
            setattr(household, name, getattr(valid, name))
    if valid.secondary_causes is not None:
        household.secondary_causes = json.dumps(valid.secondary_causes)
    if valid.latitude is not None:
        household.latitude, household.longitude = valid.latitude, valid.longitude
    if valid.standard:
        set_standard(household, valid.standard)
    if valid.assistance_categories is not None:
        household.assistance_categories = json.dumps(valid.assistance_categories)
    return changes(before, editable_fields(household))


def record_changes(
    session: AsyncSession,
    household: Household,
    actor_id: str,
    differences: list[tuple[str, Any, Any]],
    reason: str = "",
    *,
    proposed_by: str = "",
) -> None:
    """A new version, one history entry per changed field, one event; nothing when nothing
    changed. `proposed_by`: the helper whose approved proposal this is, carried by the event."""
    if not differences:
        return
    household.version += 1
    household.updated_at = utcnow()
    session.add(household)
    for name, old, new in differences:
        repo.record(
            session,
            household_id=household.id,
            at=household.updated_at,
            actor_id=actor_id,
            kind="changed",
            field=name,
            before=old,
            after=new,
            reason=reason,
        )
    events.publish_household(session, events.HOUSEHOLD_UPDATED, household, actor_id, proposed_by)
