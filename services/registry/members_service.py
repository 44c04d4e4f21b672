"""Use-cases of members after registration: a newborn, a marriage, a changed health or
schooling situation. One head per household; identity numbers stay protected; every change
is in the household's history. An officer's edit and an approved helper proposal both go
through `add_member` and `update_member`."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.errors import AlreadyExists, NotFound
from kit.principal import Principal
from services.registry import repository as repo
from services.registry.components import Components
from services.registry.domain import check_members, check_relation
from services.registry.edits import record_changes
from services.registry.households_service import HouseholdsService, HouseholdView, NewMember
from services.registry.models import Household, Member
from services.registry.national_codes import MEMBER_FIELDS, checked

EDITABLE = ("relation", "education", "health", "disability", "labour_capacity", "schooling")


def standard_changes(changes: dict[str, str]) -> dict[str, Any]:
    """The national standard's fields among a member's `changes`, checked and typed (names
    that are neither editable text nor a field of the standard are refused)."""
    return checked(
        MEMBER_FIELDS,
        {name: value for name, value in changes.items() if name not in EDITABLE},
        prefix="standard.",
    )


async def checked_new_member(
    session: AsyncSession, households: HouseholdsService, household: Household, new: NewMember
) -> Member:
    """`new` as the household's next member, once every rule of a registration holds: a valid
    identity number of nobody registered yet, a known relation, one head."""
    check_relation(new.relation, "member.relation")
    members = (await repo.members_of(session, [household.id]))[household.id]
    check_members([m.relation for m in members] + [new.relation])
    member = households.build_member(household.id, len(members), new)
    if await repo.member_with_index(session, member.id_number_index) is not None:
        raise AlreadyExists(
            "a person with this identity number is already registered", reason="PERSON_REGISTERED"
        )
    return member


async def add_member(
    session: AsyncSession,
    households: HouseholdsService,
    household: Household,
    new: NewMember,
    actor_id: str,
    reason: str,
    *,
    proposed_by: str = "",
) -> None:
    member = await checked_new_member(session, households, household, new)
    session.add(member)
    added = {"id": member.id, "name": member.name, "relation": member.relation}
    record_changes(
        session, household, actor_id, [("members", None, added)], reason, proposed_by=proposed_by
    )


async def checked_member(
    session: AsyncSession, household: Household, member_id: str, changes: dict[str, str]
) -> Member:
    """The member `changes` apply to, once the changed household still has one head."""
    standard_changes(changes)
    if "relation" in changes:
        check_relation(changes["relation"], "relation")
    members = (await repo.members_of(session, [household.id]))[household.id]
    member = next((m for m in members if m.id == member_id), None)
    if member is None:
        raise NotFound("member not found", reason="MEMBER_NOT_FOUND")
    if "relation" in changes:
        check_members([changes["relation"] if m.id == member_id else m.relation for m in members])
    return member


async def update_member(
    session: AsyncSession,
    household: Household,
    member_id: str,
    changes: dict[str, str],
    actor_id: str,
    reason: str,
    *,
    proposed_by: str = "",
) -> None:
    member = await checked_member(session, household, member_id, changes)
    wanted = {**{n: changes[n] for n in EDITABLE if n in changes}, **standard_changes(changes)}
    differences = []
    for name, value in wanted.items():
        if getattr(member, name) != value:
            differences.append((f"members.{member.id}.{name}", getattr(member, name), value))
            setattr(member, name, value)
    session.add(member)
    record_changes(session, household, actor_id, differences, reason, proposed_by=proposed_by)


class MembersService:
    def __init__(self, components: Components, households: HouseholdsService) -> None:
        self.c = components
        self.households = households

    async def add(
        self, caller: Principal, household_id: str, new: NewMember, reason: str
    ) -> HouseholdView:
        async with self.c.db.unit_of_work() as session:
            household = await self.households.visible(
                session, caller, household_id, for_update=True
            )
            await add_member(
                session, self.households, household, new, caller.actor_id, reason.strip()
            )
        return await self.households.get(caller, household_id)

    async def update(
        self,
        caller: Principal,
        household_id: str,
        member_id: str,
        changes: dict[str, str],
        reason: str,
    ) -> HouseholdView:
        async with self.c.db.unit_of_work() as session:
            household = await self.households.visible(
                session, caller, household_id, for_update=True
            )
            await update_member(
                session, household, member_id, changes, caller.actor_id, reason.strip()
            )
        return await self.households.get(caller, household_id)
