"""RegistryHelpingService over gRPC: translates proto <-> the helping units', quotas' and
coverage's use-cases."""

from __future__ import annotations

from grpc.aio import ServicerContext

from jingzhun.registry.v1 import helping_units_pb2 as pb
from jingzhun.registry.v1 import helping_units_pb2_grpc
from kit.access import Access
from kit.mapping import to_message
from kit.paging import decode_token, encode_token, page_size
from services.registry.coverage_service import Coverage, CoverageService
from services.registry.helping_units_service import HelperView, HelpingUnitsService, UnitView
from services.registry.pairing_quotas import Quota, QuotaRow, quotas_for

unit_message = to_message(UnitView, pb.HelpingUnit)
helper_message = to_message(HelperView, pb.UnitHelper)
coverage_message = to_message(Coverage, pb.Coverage)
quota_message = to_message(Quota, pb.PairingQuota)


class RegistryHelpingApi(helping_units_pb2_grpc.RegistryHelpingServiceServicer):
    def __init__(
        self,
        units: HelpingUnitsService,
        coverage: CoverageService,
        quotas: list[QuotaRow],
        access: Access,
    ) -> None:
        self.units, self.coverage, self.quotas = units, coverage, quotas
        self._caller = access.caller

    async def CreateHelpingUnit(
        self, request: pb.CreateHelpingUnitRequest, context: ServicerContext
    ) -> pb.HelpingUnit:
        caller = self._caller("helping_units", "change")
        view = await self.units.create(caller, request.name, request.kind, request.region_code)
        return unit_message(view)

    async def UpdateHelpingUnit(
        self, request: pb.UpdateHelpingUnitRequest, context: ServicerContext
    ) -> pb.HelpingUnit:
        view = await self.units.update(
            self._caller("helping_units", "change"),
            request.id,
            request.name,
            request.kind,
            request.expected_version,
        )
        return unit_message(view)

    async def GetHelpingUnit(
        self, request: pb.GetHelpingUnitRequest, context: ServicerContext
    ) -> pb.HelpingUnit:
        return unit_message(await self.units.get(self._caller("helping_units", "read"), request.id))

    async def ListHelpingUnits(
        self, request: pb.ListHelpingUnitsRequest, context: ServicerContext
    ) -> pb.ListHelpingUnitsResponse:
        limit = page_size(request.page_size)
        found = await self.units.list_units(
            self._caller("helping_units", "read"),
            request.region_code,
            decode_token(request.page_token),
            limit,
        )
        return pb.ListHelpingUnitsResponse(
            units=[unit_message(u) for u in found],
            next_page_token=encode_token(found[-1].id) if len(found) == limit else "",
        )

    async def AssignUnitHelper(
        self, request: pb.UnitHelperRequest, context: ServicerContext
    ) -> pb.UnitHelper:
        caller = self._caller("helping_units", "change")
        view = await self.units.assign_helper(caller, request.unit_id, request.helper_id)
        return helper_message(view)

    async def RemoveUnitHelper(
        self, request: pb.UnitHelperRequest, context: ServicerContext
    ) -> pb.RemoveUnitHelperResponse:
        caller = self._caller("helping_units", "change")
        await self.units.remove_helper(caller, request.unit_id, request.helper_id)
        return pb.RemoveUnitHelperResponse()

    async def ListUnitHelpers(
        self, request: pb.GetHelpingUnitRequest, context: ServicerContext
    ) -> pb.ListUnitHelpersResponse:
        found = await self.units.helpers(self._caller("helping_units", "read"), request.id)
        return pb.ListUnitHelpersResponse(helpers=[helper_message(h) for h in found])

    async def AssignUnitVillage(
        self, request: pb.UnitVillageRequest, context: ServicerContext
    ) -> pb.HelpingUnit:
        caller = self._caller("helping_units", "change")
        view = await self.units.assign_village(caller, request.unit_id, request.village_code)
        return unit_message(view)

    async def RemoveUnitVillage(
        self, request: pb.UnitVillageRequest, context: ServicerContext
    ) -> pb.HelpingUnit:
        caller = self._caller("helping_units", "change")
        view = await self.units.remove_village(caller, request.unit_id, request.village_code)
        return unit_message(view)

    async def ListPairingQuotas(
        self, request: pb.ListPairingQuotasRequest, context: ServicerContext
    ) -> pb.ListPairingQuotasResponse:
        caller = self._caller("helping_units", "read")
        found = quotas_for(self.quotas, caller.scope.within(request.region_code).region_code)
        return pb.ListPairingQuotasResponse(
            version=found.version,
            province=found.province,
            quotas=[quota_message(q) for q in found.quotas],
        )

    async def GetCoverage(
        self, request: pb.GetCoverageRequest, context: ServicerContext
    ) -> pb.Coverage:
        caller = self._caller("coverage", "read")
        return coverage_message(await self.coverage.coverage(caller, request.region_code))
