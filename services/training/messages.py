"""Translation between training's protobuf messages and its domain objects."""

from __future__ import annotations

from jingzhun.training.v1 import training_pb2 as pb
from kit.clock import aware
from kit.mapping import from_message, to_message
from kit.public_notice import NoticeObjection
from services.training.candidates_service import CandidateView, NewCandidate
from services.training.leader_files_service import VillageCoverage
from services.training.lifecycle import CandidateStatus, owner_level
from services.training.models import Candidate, CandidateStep, LeaderPolicy, LedHousehold
from services.training.notices_service import PublicNotice

new_candidate = from_message(pb.RegisterCandidateRequest, NewCandidate)
policy_of = from_message(pb.LeaderPolicy, LeaderPolicy, candidate_id=lambda message: "")


def owner_level_name(candidate: Candidate) -> str:
    level = owner_level(CandidateStatus(candidate.status))
    return level.name.lower() if level is not None else ""


candidate_row_message = to_message(
    Candidate,
    pb.Candidate,
    given=(
        "steps",
        "objections",
        "households",
        "policies",
        "notice_ends_at",
        "open_objections",
    ),
    owner_level=owner_level_name,
)
step_message = to_message(CandidateStep, pb.CandidateStep)
objection_message = to_message(NoticeObjection, pb.Objection)
led_household_message = to_message(LedHousehold, pb.LedHousehold)
policy_message = to_message(LeaderPolicy, pb.LeaderPolicy)


def candidate_message(view: CandidateView) -> pb.Candidate:
    notice = view.notice
    return candidate_row_message(
        view.candidate,
        notice_ends_at=aware(notice.ends_at) if notice else None,
        open_objections=notice.open_objections if notice else 0,
        steps=[step_message(s) for s in view.steps],
        objections=[objection_message(o) for o in view.objections],
        households=[led_household_message(h) for h in view.households],
        policies=[policy_message(p) for p in view.policies],
    )


notice_message = to_message(PublicNotice, pb.PublicNotice)
coverage_message = to_message(VillageCoverage, pb.ListVillagesWithoutLeaderResponse)
