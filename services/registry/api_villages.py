"""RegistryVillageService over gRPC: translates proto <-> the villages' use-cases."""

from __future__ import annotations

from grpc.aio import ServicerContext

from jingzhun.registry.v1 import villages_pb2 as pb
from jingzhun.registry.v1 import villages_pb2_grpc
from kit.access import Access
from kit.errors import InvalidArgument
from kit.paging import decode_number_token, decode_token, encode_token, page_size
from services.registry.village_exits_service import VillageExitsService
from services.registry.village_messages import (
    exit_check_message,
    history_entry_message,
    profile_figures,
    village_message,
)
from services.registry.villages_service import VillagesService, VillageUpdate

CHOICES = {"": None, "yes": True, "no": False}


def choice(value: str, name: str) -> bool | None:
    if value not in CHOICES:
        raise InvalidArgument(f"{name} is yes, no or empty", reason="INVALID_FILTER")
    return CHOICES[value]


class RegistryVillageApi(villages_pb2_grpc.RegistryVillageServiceServicer):
    def __init__(
        self, villages: VillagesService, exits: VillageExitsService, access: Access
    ) -> None:
        self.villages, self.exits = villages, exits
        self._caller = access.caller

    async def ListVillages(
        self, request: pb.ListVillagesRequest, context: ServicerContext
    ) -> pb.ListVillagesResponse:
        limit = page_size(request.page_size)
        found = await self.villages.list_villages(
            self._caller("villages", "read"),
            request.region_code,
            is_poor=choice(request.poor, "poor"),
            has_exited=choice(request.exited, "exited"),
            after_code=decode_token(request.page_token),
            limit=limit,
        )
        return pb.ListVillagesResponse(
            villages=[village_message(v) for v in found],
            next_page_token=encode_token(found[-1].code) if len(found) == limit else "",
        )

    async def GetVillage(
        self, request: pb.GetVillageRequest, context: ServicerContext
    ) -> pb.Village:
        return village_message(
            await self.villages.get(self._caller("villages", "read"), request.code)
        )

    async def UpdateVillage(
        self, request: pb.UpdateVillageRequest, context: ServicerContext
    ) -> pb.Village:
        wanted = VillageUpdate(
            is_poor=request.is_poor,
            poor_since=request.poor_since or None,
            first_secretary_id=request.first_secretary_id,
            team_leader_id=request.team_leader_id,
            profile=profile_figures(request.profile) if request.HasField("profile") else None,
            reason=request.reason,
            expected_version=request.expected_version,
        )
        view = await self.villages.update(self._caller("villages", "update"), request.code, wanted)
        return village_message(view)

    async def CheckVillageExit(
        self, request: pb.GetVillageRequest, context: ServicerContext
    ) -> pb.VillageExitCheck:
        check = await self.exits.check(self._caller("villages", "read"), request.code)
        return exit_check_message(check)

    async def DecideVillageExit(
        self, request: pb.DecideVillageExitRequest, context: ServicerContext
    ) -> pb.Village:
        view = await self.exits.decide(
            self._caller("villages", "exit"),
            request.code,
            request.action,
            request.year or None,
            request.reason,
        )
        return village_message(view)

    async def ListVillageHistory(
        self, request: pb.ListVillageHistoryRequest, context: ServicerContext
    ) -> pb.ListVillageHistoryResponse:
        limit = page_size(request.page_size)
        entries = await self.villages.history(
            self._caller("villages", "read"),
            request.code,
            decode_number_token(request.page_token),
            limit,
        )
        return pb.ListVillageHistoryResponse(
            entries=[history_entry_message(e) for e in entries],
            next_page_token=encode_token(str(entries[-1].id)) if len(entries) == limit else "",
        )
