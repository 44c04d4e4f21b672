"""Who the recipients are and what their numbers: identity's ListContacts, called with this
service's own credentials (phone numbers are never shown to people), and identity's view of a
region for the caller (a region out of their territory is not found)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from jingzhun.identity.v1 import identity_pb2 as pb
from kit.grpc_client import ServiceClient
from kit.principal import Principal
from kit.service_auth import ServiceCredentials

if TYPE_CHECKING:
    from jingzhun.identity.v1.identity_pb2_grpc import IdentityServiceAsyncStub


PAGE = 2000


@dataclass(frozen=True)
class Audience:
    """Users by id, or every holder of `role` in the subtree of `region_code`."""

    user_ids: Sequence[str] = ()
    role: str = ""
    region_code: str = ""


class Directory:
    def __init__(
        self, identity: ServiceClient[IdentityServiceAsyncStub], credentials: ServiceCredentials
    ) -> None:
        self.identity = identity
        self.credentials = credentials

    async def contacts(self, audience: Audience) -> AsyncIterator[list[pb.Contact]]:
        """Pages of the audience's contacts (active accounts only)."""
        request = pb.ListContactsRequest(
            user_ids=audience.user_ids,
            role=audience.role,
            region_code=audience.region_code,
            page_size=PAGE,
        )
        token = await self.credentials.token()
        async for page in self.identity.stream(
            self.identity.stub.ListContacts, request, token=token
        ):
            yield list(page.contacts)

    async def check_region(self, caller: Principal, region_code: str) -> None:
        """NotFound unless the region exists and lies in the caller's territory."""
        await self.identity.call(
            self.identity.stub.GetRegion, pb.GetRegionRequest(code=region_code), token=caller.token
        )
