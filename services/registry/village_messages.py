"""Villages between the registry's use-cases and the proto messages of RegistryVillageService."""

from __future__ import annotations

from jingzhun.registry.v1 import villages_pb2 as pb
from kit.mapping import from_message, to_message
from services.registry.models import VillageHistoryEntry
from services.registry.village_exit import CriterionResult
from services.registry.village_exits_service import ExitCheck
from services.registry.villages_service import ProfileFigures, VillageView

village_message = to_message(VillageView, pb.Village)
history_entry_message = to_message(VillageHistoryEntry, pb.VillageHistoryEntry)
criterion_message = to_message(CriterionResult, pb.CriterionResult)
exit_check_message = to_message(ExitCheck, pb.VillageExitCheck)
profile_figures = from_message(pb.VillageProfile, ProfileFigures)
