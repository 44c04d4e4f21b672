"""What training asks identity and the registry beyond kit.directory's shared questions (a
region's name, a registry household): the villages under a region, with the caller's token."""

from __future__ import annotations

from jingzhun.identity.v1 import identity_pb2
from kit.directory import Directory, HouseholdRef, RegionRef
from kit.principal import Principal
from kit.territory import Level, level_of

__all__ = ["HouseholdRef", "RegionRef", "TrainingDirectory"]

PAGE = 200


class TrainingDirectory(Directory):
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
