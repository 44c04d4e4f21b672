"""Use-cases of members after registration: a newborn, a marriage, a changed health or
schooling situation. One head per household; identity numbers stay protected; every change
is in the household's history."""

from __future__ import annotations

from kit.errors import AlreadyExists, NotFound
from kit.principal import Principal
from services.registry import repository as repo
from services.registry.components import Components
from services.registry.domain import check_members, check_relation
from services.registry.edits import record_changes
from services.registry.households_service import HouseholdsService, HouseholdView, NewMember

EDITABLE = ("relation", "education", "health", "disability", "labour_capacity", "schooling")


class MembersService:
    def __init__(self, components: Components, households: HouseholdsService) -> None:
        self.c = components
        self.households = households

    async def add(
        self, caller: Principal, household_id: str, new: NewMember, reason: str
    ) -> HouseholdView:
        check_relation(new.relation, "member.relation")
        async with self.c.db.unit_of_work() as session:
            household = await self.households.visible(session, caller, household_id)
            members = (await repo.members_of(session, [household.id]))[household.id]
            check_members([m.relation for m in members] + [new.relation])
            member = self.households.build_member(household.id, len(members), new)
            if await repo.member_with_index(session, member.id_number_index) is not None:
                raise AlreadyExists(
                    "a person with this identity number is already registered",
                    reason="PERSON_REGISTERED",
                )
            session.add(member)
            added = {"id": member.id, "name": member.name, "relation": member.relation}
            record_changes(
                session, household, caller.actor_id, [("members", None, added)], reason.strip()
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
        if "relation" in changes:
            check_relation(changes["relation"], "relation")
        async with self.c.db.unit_of_work() as session:
            household = await self.households.visible(session, caller, household_id)
            members = (await repo.members_of(session, [household.id]))[household.id]
            member = next((m for m in members if m.id == member_id), None)
            if member is None:
                raise NotFound("member not found", reason="MEMBER_NOT_FOUND")
            if "relation" in changes:
                check_members(
                    [changes["relation"] if m.id == member_id else m.relation for m in members]
                )
            differences = []
            for name in EDITABLE:
                if name in changes and getattr(member, name) != changes[name]:
                    differences.append(
                        (f"members.{member.id}.{name}", getattr(member, name), changes[name])
                    )
                    setattr(member, name, changes[name])
            session.add(member)
            record_changes(session, household, caller.actor_id, differences, reason.strip())
        return await self.households.get(caller, household_id)
