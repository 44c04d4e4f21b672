"""What assistance needs from the registry and identity, asked over gRPC with the caller's own
token (so their scope applies there too): a household, whether the caller is paired with it,
the caller's scope with a helper's paired households, a region's name, the cadres a task
goes to, a helper's pairings, and a year's incomes set in the registry."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from jingzhun.identity.v1 import identity_pb2
from jingzhun.registry.v1 import registry_pb2
from kit.errors import NotFound
from kit.grpc_client import ServiceClient
from kit.paging import every_page
from kit.principal import Principal
from kit.scope import Scope

if TYPE_CHECKING:
    from jingzhun.identity.v1.identity_pb2_grpc import IdentityServiceAsyncStub
    from jingzhun.registry.v1.registry_pb2_grpc import RegistryServiceAsyncStub


PAGE = 200


@dataclass(frozen=True)
class Cadre:
    id: str
    region_code: str


@dataclass(frozen=True)
class HouseholdRef:
    id: str
    village_code: str
    village_name: str = ""
    latitude: float | None = None
    longitude: float | None = None
    causes: tuple[str, ...] = ()  # its poverty causes, the main one first
    status: str = ""

    @classmethod
    def of(cls, found: registry_pb2.Household, village_name: str = "") -> HouseholdRef:
        return cls(
            id=found.id,
            village_code=found.village_code,
            village_name=village_name,
            latitude=found.latitude if found.HasField("latitude") else None,
            longitude=found.longitude if found.HasField("longitude") else None,
            status=found.status,
            causes=tuple(c for c in (found.main_cause, *found.secondary_causes) if c),
        )


class RegistryView:
    def __init__(
        self,
        registry: ServiceClient[RegistryServiceAsyncStub],
        identity: ServiceClient[IdentityServiceAsyncStub],
    ) -> None:
        self.registry = registry
        self.identity = identity

    async def household(
        self, caller: Principal, household_id: str, *, named: bool = False
    ) -> HouseholdRef:
        """The household as the caller may see it (out of their scope: NotFound); with
        `named`, its village's name too (one more call, for the texts that quote it)."""
        found = await self.archive(caller, household_id)
        village_name = (await self.region_name(caller, found.village_code)) if named else ""
        return HouseholdRef.of(found, village_name)

    async def archive(self, caller: Principal, household_id: str) -> registry_pb2.Household:
        """The household's whole record as the caller may see it (out of scope: NotFound)."""
        return await self.registry.call(
            self.registry.stub.GetHousehold,
            registry_pb2.GetHouseholdRequest(id=household_id),
            token=caller.token,
        )

    async def region_name(self, caller: Principal, code: str) -> str:
        region = await self.identity.call(
            self.identity.stub.GetRegion,
            identity_pb2.GetRegionRequest(code=code),
            token=caller.token,
        )
        return region.name

    async def households_in(self, caller: Principal, region_code: str) -> list[HouseholdRef]:
        """Every household of the subtree the caller may see, page after page (by id); only
        what a sample and its route need is kept of each."""

        def page(page_token: str) -> Awaitable[registry_pb2.ListHouseholdsResponse]:
            request = registry_pb2.ListHouseholdsRequest(
                region_code=region_code, page_size=PAGE, page_token=page_token
            )
            return self.registry.call(
                self.registry.stub.ListHouseholds, request, token=caller.token
            )

        return await every_page(page, lambda reply: map(HouseholdRef.of, reply.households))

    async def paired_household(
        self, caller: Principal, household_id: str, *, named: bool = False
    ) -> HouseholdRef:
        """The household, if the caller is one of its paired helpers; if not, not found — just
        as the registry answers for a household that does not exist."""
        household = await self.household(caller, household_id, named=named)
        reply = await self.registry.call(
            self.registry.stub.ListPairings,
            registry_pb2.ListPairingsRequest(household_id=household_id),
            token=caller.token,
        )
        if caller.subject not in {p.helper_id for p in reply.pairings}:
            raise NotFound("household not found", reason="HOUSEHOLD_NOT_FOUND")
        return household

    async def scope(self, caller: Principal, region_code: str = "") -> Scope:
        """The caller's scope narrowed to `region_code`; a helper's with the ids of the
        households paired with them (one call), so SQL here can apply it."""
        scope = caller.scope.within(region_code)
        if not scope.is_paired_only:
            return scope
        reply = await self.registry.call(
            self.registry.stub.ListPairings, registry_pb2.ListPairingsRequest(), token=caller.token
        )
        return replace(scope, households=frozenset(p.household_id for p in reply.pairings))

    async def cadres(
        self, caller: Principal, user_ids: list[str], role: str, region_code: str
    ) -> list[Cadre]:
        """Active accounts: these users, or every holder of `role` in the subtree of
        `region_code` — as the caller may see them (out of their territory: NotFound)."""
        if user_ids:
            # Asked all at once; the first refusal in the order given is the answer.
            answers = await asyncio.gather(
                *(
                    self.identity.call(
                        self.identity.stub.GetUser,
                        identity_pb2.GetUserRequest(id=user_id),
                        token=caller.token,
                    )
                    for user_id in dict.fromkeys(user_ids)
                ),
                return_exceptions=True,
            )
            chosen: list[Cadre] = []
            for user in answers:
                if isinstance(user, BaseException):
                    raise user
                if not user.disabled:
                    chosen.append(Cadre(user.id, user.region_code))
            return chosen

        def page(page_token: str) -> Awaitable[identity_pb2.ListUsersResponse]:
            request = identity_pb2.ListUsersRequest(
                region_code=region_code, role=role, page_size=PAGE, page_token=page_token
            )
            return self.identity.call(self.identity.stub.ListUsers, request, token=caller.token)

        return await every_page(
            page, lambda reply: [Cadre(u.id, u.region_code) for u in reply.users if not u.disabled]
        )

    async def reachable_household(self, caller: Principal, household_id: str) -> HouseholdRef:
        """The household for a helper paired with it, or for an officer in whose territory it
        lies; otherwise not found."""
        if caller.scope.is_paired_only:
            return await self.paired_household(caller, household_id)
        return await self.household(caller, household_id)

    async def households_of_helper(self, caller: Principal, helper_id: str) -> list[str]:
        """The ids of the households paired with a helper: the caller themselves, or a helper
        of the caller's territory (another: NotFound)."""
        if helper_id != caller.subject:
            if caller.scope.is_paired_only:
                raise NotFound("user not found", reason="USER_NOT_FOUND")
            await self.cadres(caller, [helper_id], "", "")
        reply = await self.registry.call(
            self.registry.stub.ListPairings,
            registry_pb2.ListPairingsRequest(helper_id=helper_id),
            token=caller.token,
        )
        return sorted({p.household_id for p in reply.pairings})

    async def set_incomes(
        self, caller: Principal, household_id: str, year: int, by_source: dict[str, int]
    ) -> dict[str, int]:
        """The registry's incomes of a year replaced (its checks and history apply): the
        figures it now holds for that year."""
        found = await self.registry.call(
            self.registry.stub.SetIncomes,
            registry_pb2.SetIncomesRequest(
                household_id=household_id, year=year, by_source=by_source
            ),
            token=caller.token,
        )
        return next((dict(i.by_source) for i in found.incomes if i.year == year), {})
