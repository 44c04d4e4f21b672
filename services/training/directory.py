"""What training asks identity and the registry over gRPC, with the caller's own token (so
their territory applies there too): a region's name, the villages under a region, and a
registry household."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from jingzhun.identity.v1 import identity_pb2
from jingzhun.registry.v1 import registry_pb2
from kit.grpc_client import ServiceClient
from kit.principal import Principal
from kit.territory import Level, level_of

if TYPE_CHECKING:
    from jingzhun.identity.v1.identity_pb2_grpc import IdentityServiceAsyncStub
    from jingzhun.registry.v1.registry_pb2_grpc import RegistryServiceAsyncStub


PAGE = 200


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

    async def villages(self, caller: Principal, code: str) -> list[RegionRef]:
        """Every current village in the subtree of `code`, level by level."""
        if level_of(code) is Level.VILLAGE:
            return [await self.region(caller, code)]
        found: list[RegionRef] = []
        for child in await self._children(caller, code):
            if level_of(child.code) is Level.VILLAGE:  # the listing named it already
                found.append(child)
            else:
                found += await self.villages(caller, child.code)
        return found

    async def household(self, caller: Principal, household_id: str) -> HouseholdRef:
        """The registry household as the caller may see it (out of their territory: NotFound)."""
        found = await self.registry.call(
            self.registry.stub.GetHousehold,
            registry_pb2.GetHouseholdRequest(id=household_id),
            token=caller.token,
        )
        return HouseholdRef(found.id, found.village_code)

    async def _children(self, caller: Principal, code: str) -> list[RegionRef]:
        found: list[RegionRef] = []
        page_token = ""
        while True:
            request = identity_pb2.ListRegionsRequest(
                parent_code=code, page_size=PAGE, page_token=page_token
            )
            reply = await self.identity.call(
                self.identity.stub.ListRegions, request, token=caller.token
            )
            found += [RegionRef(r.code, r.name) for r in reply.regions if not r.retired]
            if not reply.next_page_token:
                return found
            page_token = reply.next_page_token
