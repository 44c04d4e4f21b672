"""What a service asks identity and the registry over gRPC with the caller's own token (so
their territory applies there too): a region's name, a registry household, and where many
households live in one call. Each service adds its own questions in a subclass."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from jingzhun.identity.v1 import identity_pb2
from jingzhun.registry.v1 import registry_pb2
from kit.grpc_client import ServiceClient
from kit.principal import Principal

if TYPE_CHECKING:
    from jingzhun.identity.v1.identity_pb2_grpc import IdentityServiceAsyncStub
    from jingzhun.registry.v1.registry_pb2_grpc import RegistryServiceAsyncStub

HOUSEHOLDS_PER_CALL = 1000  # the registry's bound on BatchGetHouseholdVillages


@dataclass(frozen=True)
class RegionRef:
    code: str
    name: str


@dataclass(frozen=True)
class HouseholdRef:
    id: str
    village_code: str


class Directory:
    def __init__(
        self,
        identity: ServiceClient[IdentityServiceAsyncStub],
        registry: ServiceClient[RegistryServiceAsyncStub],
    ) -> None:
        self.identity = identity
        self.registry = registry

    async def region(self, caller: Principal, code: str) -> RegionRef:
        """The region as the caller may see it (out of their territory: NotFound)."""
        found = await self.identity.call(
            self.identity.stub.GetRegion,
            identity_pb2.GetRegionRequest(code=code),
            token=caller.token,
        )
        return RegionRef(found.code, found.name)

    async def household(self, caller: Principal, household_id: str) -> HouseholdRef:
        """The registry household as the caller may see it (out of their territory: NotFound)."""
        found = await self.registry.call(
            self.registry.stub.GetHousehold,
            registry_pb2.GetHouseholdRequest(id=household_id),
            token=caller.token,
        )
        return HouseholdRef(found.id, found.village_code)

    async def villages_of(self, caller: Principal, household_ids: list[str]) -> dict[str, str]:
        """Each household's village, of those the caller may see (the others are absent), one
        registry call per `HOUSEHOLDS_PER_CALL` households."""
        found: dict[str, str] = {}
        for start in range(0, len(household_ids), HOUSEHOLDS_PER_CALL):
            request = registry_pb2.BatchGetHouseholdVillagesRequest(
                ids=household_ids[start : start + HOUSEHOLDS_PER_CALL]
            )
            reply = await self.registry.call(
                self.registry.stub.BatchGetHouseholdVillages, request, token=caller.token
            )
            found.update((h.id, h.village_code) for h in reply.households)
        return found
