"""AssistanceHandbookService over gRPC: translates proto <-> the handbook's use-cases."""

from __future__ import annotations

from grpc.aio import ServicerContext

from jingzhun.assistance.v1 import handbook_pb2 as pb
from jingzhun.assistance.v1 import handbook_pb2_grpc
from kit.access import Access
from services.assistance.handbook_messages import (
    ledger_entry_message,
    ledger_message,
    measure_message,
    menu_item_message,
    plan_message,
    responsibilities_message,
)
from services.assistance.handbook_service import (
    HandbookService,
    NewLedgerEntry,
    NewMeasure,
    NewProgress,
)


class AssistanceHandbookApi(handbook_pb2_grpc.AssistanceHandbookServiceServicer):
    def __init__(self, handbook: HandbookService, access: Access) -> None:
        self.handbook = handbook
        self._caller = access.caller

    async def CreatePlan(self, request: pb.CreatePlanRequest, context: ServicerContext) -> pb.Plan:
        view = await self.handbook.create_plan(
            self._caller("handbook", "write"), request.household_id, request.year, request.goals
        )
        return plan_message(view)

    async def GetPlan(self, request: pb.GetPlanRequest, context: ServicerContext) -> pb.Plan:
        view = await self.handbook.get_plan(
            self._caller("handbook", "read"), request.household_id, request.year
        )
        return plan_message(view)

    async def GetMeasureMenu(
        self, request: pb.GetMeasureMenuRequest, context: ServicerContext
    ) -> pb.MeasureMenu:
        household, items = await self.handbook.menu_for(
            self._caller("handbook", "read"), request.household_id
        )
        return pb.MeasureMenu(
            version=self.handbook.menu.version,
            causes=household.causes,
            items=[menu_item_message(i) for i in items],
        )

    async def AddMeasure(
        self, request: pb.AddMeasureRequest, context: ServicerContext
    ) -> pb.Measure:
        new = NewMeasure(
            plan_id=request.plan_id,
            kind=request.kind,
            other_text=request.other_text,
            planned_on=request.planned_on,
            responsible=request.responsible,
        )
        return measure_message(
            await self.handbook.add_measure(self._caller("handbook", "write"), new)
        )

    async def RecordProgress(
        self, request: pb.RecordProgressRequest, context: ServicerContext
    ) -> pb.Measure:
        new = NewProgress(
            measure_id=request.measure_id,
            on=request.on,
            result=request.result,
            amount_fen=request.amount_fen if request.HasField("amount_fen") else None,
            status=request.status,
        )
        view = await self.handbook.record_progress(self._caller("handbook", "write"), new)
        return measure_message(view)

    async def AddLedgerEntry(
        self, request: pb.AddLedgerEntryRequest, context: ServicerContext
    ) -> pb.LedgerEntry:
        new = NewLedgerEntry(
            household_id=request.household_id,
            on=request.on,
            kind=request.kind,
            source=request.source,
            amount_fen=request.amount_fen,
            note=request.note,
        )
        entry = await self.handbook.add_ledger_entry(self._caller("handbook", "write"), new)
        return ledger_entry_message(entry)

    async def GetLedger(self, request: pb.GetLedgerRequest, context: ServicerContext) -> pb.Ledger:
        view = await self.handbook.ledger(
            self._caller("handbook", "read"), request.household_id, request.year
        )
        return ledger_message(view)

    async def ApplyLedger(
        self, request: pb.ApplyLedgerRequest, context: ServicerContext
    ) -> pb.AppliedLedger:
        household_id, applied = await self.handbook.apply_ledger(
            self._caller("handbook", "apply"), request.household_id, request.year
        )
        return pb.AppliedLedger(household_id=household_id, year=request.year, by_source=applied)

    async def GetResponsibilities(
        self, request: pb.GetResponsibilitiesRequest, context: ServicerContext
    ) -> pb.Responsibilities:
        found = await self.handbook.responsibilities(
            self._caller("handbook", "read"), request.helper_id, request.year
        )
        return responsibilities_message(found)
