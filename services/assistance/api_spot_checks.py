"""AssistanceSpotCheckService over gRPC: translates proto <-> use-cases and nothing else."""

from __future__ import annotations

from grpc.aio import ServicerContext

from jingzhun.assistance.v1 import spot_checks_pb2 as pb
from jingzhun.assistance.v1 import spot_checks_pb2_grpc
from kit.access import Access
from kit.paging import page_size
from services.assistance.spot_check_messages import (
    finding_message,
    list_cursor,
    list_token,
    new_finding,
    new_spot_check,
    spot_check_message,
    summary_message,
)
from services.assistance.spot_checks_service import SpotChecksService


class SpotCheckApi(spot_checks_pb2_grpc.AssistanceSpotCheckServiceServicer):
    def __init__(self, spot_checks: SpotChecksService, access: Access) -> None:
        self.spot_checks = spot_checks
        self._access = access

    async def CreateSpotCheck(
        self, request: pb.CreateSpotCheckRequest, context: ServicerContext
    ) -> pb.SpotCheck:
        view = await self.spot_checks.create(
            self._access.caller("spot_checks", "create"), new_spot_check(request)
        )
        return spot_check_message(view)

    async def GetSpotCheck(
        self, request: pb.GetSpotCheckRequest, context: ServicerContext
    ) -> pb.SpotCheck:
        caller = self._access.caller("spot_checks", "read")
        return spot_check_message(await self.spot_checks.get(caller, request.id))

    async def ListSpotChecks(
        self, request: pb.ListSpotChecksRequest, context: ServicerContext
    ) -> pb.ListSpotChecksResponse:
        limit = page_size(request.page_size)
        found = await self.spot_checks.list_spot_checks(
            self._access.caller("spot_checks", "read"),
            request.region_code,
            request.inspector_id,
            after=list_cursor(request.page_token),
            limit=limit,
        )
        last = found[-1].spot_check if len(found) == limit else None
        return pb.ListSpotChecksResponse(
            spot_checks=[summary_message(f) for f in found],
            next_page_token=list_token(last) if last else "",
        )

    async def RecordFinding(
        self, request: pb.RecordFindingRequest, context: ServicerContext
    ) -> pb.Finding:
        finding = await self.spot_checks.record_finding(
            self._access.caller("spot_checks", "record"), new_finding(request)
        )
        return finding_message(finding)
