"""The handbook between its use-cases and the messages of AssistanceHandbookService."""

from __future__ import annotations

from jingzhun.assistance.v1 import handbook_pb2 as pb
from kit.mapping import to_message
from services.assistance.handbook_rules import MenuItem
from services.assistance.handbook_service import (
    LedgerView,
    MeasureView,
    PlanView,
    Responsibilities,
)
from services.assistance.models import LedgerEntry, Measure, MeasureProgress, Plan

progress_message = to_message(MeasureProgress, pb.Progress)
_measure = to_message(Measure, pb.Measure, given=("progress",))
_plan = to_message(Plan, pb.Plan, given=("measures",))
ledger_entry_message = to_message(LedgerEntry, pb.LedgerEntry)
menu_item_message = to_message(MenuItem, pb.MenuItem)
_ledger = to_message(LedgerView, pb.Ledger)


def measure_message(view: MeasureView) -> pb.Measure:
    return _measure(view.measure, progress=[progress_message(p) for p in view.progress])


def plan_message(view: PlanView) -> pb.Plan:
    return _plan(view.plan, measures=[measure_message(m) for m in view.measures])


def ledger_message(view: LedgerView) -> pb.Ledger:
    return _ledger(view)


def responsibilities_message(found: Responsibilities) -> pb.Responsibilities:
    return pb.Responsibilities(
        helper_id=found.helper_id,
        year=found.year,
        duties_version=found.duties_version,
        duties=found.duties,
        households=[
            pb.Responsibilities.Household(
                household_id=household_id, plan=plan_message(view) if view else None
            )
            for household_id, view in found.households
        ],
    )
