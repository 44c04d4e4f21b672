"""The registry's gRPC methods of the households' public notice (公示): publish, list, resolve
an objection, approve; the running notices and lodging an objection without login. A part of
`RegistryApi` (api_grpc.py), which sets `notices` and `_caller`."""

from __future__ import annotations

from collections.abc import Callable

from grpc.aio import ServicerContext

from jingzhun.registry.v1 import registry_pb2 as pb
from kit.clock import aware
from kit.paging import decode_token, encode_token, page_size, stamp
from kit.principal import Principal
from services.registry.household_notices import HouseholdNotices
from services.registry.messages import notice_message, public_notice_message


class HouseholdNoticesApi:
    notices: HouseholdNotices
    _caller: Callable[[str, str], Principal]

    async def PublishHouseholdNotices(
        self, request: pb.PublishHouseholdNoticesRequest, context: ServicerContext
    ) -> pb.ListHouseholdNoticesResponse:
        views = await self.notices.publish(
            self._caller("households", "transition"), request.kind, list(request.household_ids)
        )
        return pb.ListHouseholdNoticesResponse(notices=[notice_message(v) for v in views])

    async def ListHouseholdNotices(
        self, request: pb.ListHouseholdNoticesRequest, context: ServicerContext
    ) -> pb.ListHouseholdNoticesResponse:
        limit = page_size(request.page_size)
        views = await self.notices.in_scope(
            self._caller("households", "transition"),
            request.region_code,
            after_id=decode_token(request.page_token),
            limit=limit,
        )
        next_token = encode_token(views[-1].notice.id) if len(views) == limit else ""
        return pb.ListHouseholdNoticesResponse(
            notices=[notice_message(v) for v in views], next_page_token=next_token
        )

    async def ResolveHouseholdObjection(
        self, request: pb.ResolveHouseholdObjectionRequest, context: ServicerContext
    ) -> pb.HouseholdNotice:
        view = await self.notices.resolve(
            self._caller("households", "transition"),
            request.notice_id,
            request.objection_id,
            request.upheld,
            request.resolution,
        )
        return notice_message(view)

    async def ApproveHouseholdNotice(
        self, request: pb.ApproveHouseholdNoticeRequest, context: ServicerContext
    ) -> pb.HouseholdNotice:
        view = await self.notices.approve(
            self._caller("households", "transition"), request.notice_id, request.note
        )
        return notice_message(view)

    async def ListPublicHouseholdNotices(
        self, request: pb.ListHouseholdNoticesRequest, context: ServicerContext
    ) -> pb.ListPublicHouseholdNoticesResponse:
        limit = page_size(request.page_size)
        found = await self.notices.running(
            request.region_code, after_id=decode_token(request.page_token), limit=limit
        )
        next_token = encode_token(found[-1].id) if len(found) == limit else ""
        return pb.ListPublicHouseholdNoticesResponse(
            notices=[public_notice_message(n) for n in found], next_page_token=next_token
        )

    async def LodgeHouseholdObjection(
        self, request: pb.LodgeHouseholdObjectionRequest, context: ServicerContext
    ) -> pb.LodgeHouseholdObjectionResponse:
        objection = await self.notices.lodge(request.notice_id, request.text, request.contact)
        return pb.LodgeHouseholdObjectionResponse(
            objection_id=objection.id, lodged_at=stamp(aware(objection.lodged_at))
        )
