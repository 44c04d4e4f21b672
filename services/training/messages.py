"""Translation between training's protobuf messages and its domain objects."""

from __future__ import annotations

from datetime import datetime

from google.protobuf.timestamp_pb2 import Timestamp

from jingzhun.training.v1 import training_pb2 as pb
from kit.clock import aware
from kit.paging import stamp
from services.training.candidates_service import CandidateView, NewCandidate
from services.training.leader_files_service import VillageCoverage
from services.training.lifecycle import CandidateStatus, owner_level
from services.training.models import LeaderPolicy
from services.training.notices_service import PublicNotice


def _stamp_or_none(moment: datetime | None) -> Timestamp | None:
    return stamp(aware(moment)) if moment is not None else None


def new_candidate(request: pb.RegisterCandidateRequest) -> NewCandidate:
    return NewCandidate(
        name=request.name,
        id_number=request.id_number,
        phone=request.phone,
        village_code=request.village_code,
        leader_type=request.leader_type,
        project=request.project,
        scale=request.scale,
        years_in_business=request.years_in_business,
        skills=tuple(request.skills),
        annual_revenue_yuan=request.annual_revenue_yuan,
    )


def policy_of(message: pb.LeaderPolicy) -> LeaderPolicy:
    return LeaderPolicy(
        candidate_id="",
        name=message.name,
        year=message.year,
        amount_yuan=message.amount_yuan,
        department=message.department,
    )


def candidate_message(view: CandidateView) -> pb.Candidate:
    c = view.candidate
    level = owner_level(CandidateStatus(c.status))
    return pb.Candidate(
        id=c.id,
        user_id=c.user_id,
        nominated_by=c.nominated_by,
        name=c.name,
        id_number_masked=c.id_number_masked,
        phone_masked=c.phone_masked,
        village_code=c.village_code,
        village_name=c.village_name,
        leader_type=c.leader_type,
        project=c.project,
        scale=c.scale,
        years_in_business=c.years_in_business,
        skills=c.skills,
        annual_revenue_yuan=c.annual_revenue_yuan,
        status=c.status,
        owner_level=level.name.lower() if level is not None else "",
        notice_ends_at=_stamp_or_none(c.notice_ends_at),
        version=c.version,
        created_at=stamp(aware(c.created_at)),
        updated_at=stamp(aware(c.updated_at)),
        open_objections=c.open_objections,
        steps=[
            pb.CandidateStep(
                seq=s.seq,
                action=s.action,
                status=s.status,
                actor_id=s.actor_id,
                note=s.note,
                at=stamp(aware(s.at)),
            )
            for s in view.steps
        ],
        objections=[
            pb.Objection(
                id=o.id,
                text=o.text,
                contact_masked=o.contact_masked,
                status=o.status,
                upheld=o.upheld,
                resolution=o.resolution,
                resolved_by=o.resolved_by,
                lodged_at=stamp(aware(o.lodged_at)),
                resolved_at=_stamp_or_none(o.resolved_at),
            )
            for o in view.objections
        ],
        households=[
            pb.LedHousehold(
                household_id=h.household_id,
                village_code=h.village_code,
                how=h.how,
                note=h.note,
                added_by=h.added_by,
                added_at=stamp(aware(h.added_at)),
            )
            for h in view.households
        ],
        policies=[
            pb.LeaderPolicy(
                name=p.name, year=p.year, amount_yuan=p.amount_yuan, department=p.department
            )
            for p in view.policies
        ],
    )


def notice_message(notice: PublicNotice) -> pb.PublicNotice:
    return pb.PublicNotice(
        candidate_id=notice.candidate_id,
        name=notice.name,
        village_code=notice.village_code,
        village_name=notice.village_name,
        leader_type=notice.leader_type,
        project=notice.project,
        scale=notice.scale,
        years_in_business=notice.years_in_business,
        starts_at=stamp(notice.starts_at),
        ends_at=stamp(notice.ends_at),
    )


def coverage_message(coverage: VillageCoverage) -> pb.ListVillagesWithoutLeaderResponse:
    return pb.ListVillagesWithoutLeaderResponse(
        region_code=coverage.region_code,
        villages=coverage.villages,
        with_leader=coverage.with_leader,
        without_leader=[pb.VillageRef(code=v.code, name=v.name) for v in coverage.without_leader],
    )
