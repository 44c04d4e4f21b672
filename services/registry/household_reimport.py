"""Importing a household the registry has already: nothing when the file agrees with it, else
the differing fields, members' details and new members through the officers' own edit paths,
with history. Refused when the number belongs elsewhere or the change is not an import's."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.errors import InvalidArgument
from kit.principal import Principal
from kit.territory import is_within
from services.registry.domain import changes, check_members
from services.registry.edits import HouseholdChanges, apply_changes, record_changes
from services.registry.household_rows import Finding, ParsedHousehold
from services.registry.members_service import EDITABLE
from services.registry.models import Household, Member
from services.registry.protected_members import Protected, member_row

ELSEWHERE = "this person is already registered in another household"


@dataclass(frozen=True)
class Reimport:
    household: ParsedHousehold  # as the file has it
    current: Household  # as the registry has it
    members: list[Member]  # the registry's, in register order
    people: list[Protected]
    registered: dict[bytes, str]  # blind index -> household, for the batch's people


@dataclass
class ReimportResult:
    problems: list[Finding] = field(default_factory=list)
    new_members: int = 0
    changed: bool = False


def refusal(work: Reimport) -> list[Finding]:
    """Why the file's household cannot be applied to the registry's, if it cannot."""
    household, current = work.household, work.current
    line, number = household.first_line, household.number
    if current.village_code != household.village_code:
        where = f"registered in village {current.village_code}; moving it is not an import"
        return [Finding(line, "village_code", f"the household is {where}", number)]
    if (household.monitoring_category or None) != (current.monitoring_category or None):
        message = "differs from the registry: monitoring changes are lifecycle transitions"
        return [Finding(line, "monitoring_category", message, number)]
    return [
        Finding(p.member.line, "id_number", ELSEWHERE, number)
        for p in work.people
        if work.registered.get(p.index, current.id) != current.id
    ]


def reimport_household(
    session: AsyncSession, caller: Principal, reason: str, work: Reimport
) -> ReimportResult:
    household, current = work.household, work.current
    if not is_within(current.village_code, caller.region_code):
        message = "this household number is already in use"
        return ReimportResult(
            [Finding(household.first_line, "household_number", message, household.number)]
        )
    if problems := refusal(work):
        return ReimportResult(problems)
    members = work.members
    by_index = {m.id_number_index: m for m in members}
    joining = [p for p in work.people if p.index not in by_index]
    relations = {m.id: m.relation for m in members}
    relations.update(
        {by_index[p.index].id: p.member.relation for p in work.people if p.index in by_index}
    )
    try:
        check_members([*relations.values(), *(p.member.relation for p in joining)])
    except InvalidArgument as error:
        return ReimportResult(
            [Finding(household.first_line, "relation", error.message, household.number)]
        )
    differences = apply_changes(current, household_changes(household))
    differences += member_changes(session, work.people, by_index)
    for position, p in enumerate(joining, start=len(members)):
        row = member_row(current.id, position, p)
        session.add(Member(**row))
        joined = {"id": row["id"], "name": row["name"], "relation": row["relation"]}
        differences.append(("members", None, joined))
    record_changes(session, current, caller.actor_id, differences, reason)
    return ReimportResult(new_members=len(joining), changed=bool(differences))


def member_changes(
    session: AsyncSession, people: list[Protected], by_index: dict[bytes, Member]
) -> list[tuple[str, Any, Any]]:
    differences: list[tuple[str, Any, Any]] = []
    for p in people:
        member = by_index.get(p.index)
        if member is None:
            continue
        wanted = {name: getattr(p.member, name) for name in EDITABLE} | p.member.standard
        found = changes({name: getattr(member, name) for name in wanted}, wanted)
        for name, before, after in found:
            setattr(member, name, after)
            differences.append((f"members.{member.id}.{name}", before, after))
        if found:
            session.add(member)
    return differences


def household_changes(household: ParsedHousehold) -> HouseholdChanges:
    return HouseholdChanges(
        attribute=household.attribute,
        main_cause=household.main_cause,
        secondary_causes=household.secondary_causes,
        assistance_category=household.assistance_category,
        latitude=household.latitude,
        longitude=household.longitude,
        standard=household.standard or None,
        assistance_categories=household.assistance_categories,
    )
