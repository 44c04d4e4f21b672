"""Translation between the registry's protobuf messages and its domain objects."""

from __future__ import annotations

import json

from jingzhun.registry.v1 import registry_pb2 as pb
from jingzhun.registry.v1 import transfer_pb2
from kit.paging import stamp
from services.registry.edits import HouseholdChanges
from services.registry.households_service import HouseholdView, NewHousehold, NewMember
from services.registry.map_areas import Box, VillageAggregate
from services.registry.member_proposals import shown_changes
from services.registry.members_service import EDITABLE
from services.registry.models import (
    Benefit,
    ChangeRequest,
    HistoryEntry,
    Household,
    ImportJob,
    Member,
    Pairing,
)
from services.registry.statistics_service import RegionStatistics


def member_message(member: Member) -> pb.Member:
    return pb.Member(
        id=member.id,
        name=member.name,
        id_number=member.id_number_masked,
        relation=member.relation,
        sex=member.sex,
        birth_date=member.birth_date.isoformat(),
        education=member.education,
        health=member.health,
        disability=member.disability,
        labour_capacity=member.labour_capacity,
        schooling=member.schooling,
        phone=member.phone_masked,
    )


def year_incomes(view: HouseholdView) -> list[pb.YearIncome]:
    by_year: dict[int, dict[str, int]] = {}
    for income in view.incomes:
        by_year.setdefault(income.year, {})[income.source] = income.amount
    people = max(len(view.members), 1)
    return [
        pb.YearIncome(
            year=year,
            by_source=sources,
            total=sum(sources.values()),
            per_capita=sum(sources.values()) // people,
        )
        for year, sources in sorted(by_year.items())
    ]


def household_message(view: HouseholdView) -> pb.Household:
    h = view.household
    message = pb.Household(
        id=h.id,
        number=h.number,
        village_code=h.village_code,
        attribute=h.attribute,
        status=h.status,
        monitoring_category=h.monitoring_category or "",
        main_cause=h.main_cause,
        secondary_causes=json.loads(h.secondary_causes),
        assistance_category=h.assistance_category or "",
        members=[member_message(m) for m in view.members],
        version=h.version,
        incomes=year_incomes(view),
        indicators={i.indicator: i.compliant for i in view.indicators},
        benefits_by_year=view.benefits_by_year,
        created_at=stamp(h.created_at),
        updated_at=stamp(h.updated_at),
    )
    if h.latitude is not None and h.longitude is not None:
        message.latitude, message.longitude = h.latitude, h.longitude
    return message


def new_household(request: pb.CreateHouseholdRequest) -> NewHousehold:
    return NewHousehold(
        number=request.number,
        village_code=request.village_code,
        attribute=request.attribute,
        main_cause=request.main_cause,
        secondary_causes=list(request.secondary_causes),
        assistance_category=request.assistance_category,
        latitude=request.latitude if request.HasField("latitude") else None,
        longitude=request.longitude if request.HasField("longitude") else None,
        monitoring_category=request.monitoring_category,
        members=[new_member(m) for m in request.members],
    )


def new_member(m: pb.NewMember) -> NewMember:
    return NewMember(
        name=m.name,
        id_number=m.id_number,
        relation=m.relation,
        education=m.education,
        health=m.health,
        disability=m.disability,
        labour_capacity=m.labour_capacity,
        schooling=m.schooling,
        phone=m.phone,
    )


def member_changes(request: pb.UpdateMemberRequest) -> dict[str, str]:
    present = request.HasField
    return {name: getattr(request, name) for name in EDITABLE if present(name)}  # type: ignore[arg-type]


def history_message(entry: HistoryEntry) -> pb.HistoryEntry:
    return pb.HistoryEntry(
        id=str(entry.id),
        at=stamp(entry.at),
        actor_id=entry.actor_id,
        kind=entry.kind,
        field=entry.field,
        before=entry.before,
        after=entry.after,
        reason=entry.reason,
    )


def household_changes(request: pb.UpdateHouseholdRequest) -> HouseholdChanges:
    return HouseholdChanges(
        attribute=request.attribute if request.HasField("attribute") else None,
        main_cause=request.main_cause if request.HasField("main_cause") else None,
        secondary_causes=list(request.secondary_causes)
        if request.replace_secondary_causes
        else None,
        assistance_category=request.assistance_category
        if request.HasField("assistance_category")
        else None,
        latitude=request.latitude if request.HasField("latitude") else None,
        longitude=request.longitude if request.HasField("longitude") else None,
    )


def pairing_message(pairing: Pairing) -> pb.Pairing:
    return pb.Pairing(
        household_id=pairing.household_id,
        helper_id=pairing.helper_id,
        paired_by=pairing.paired_by,
        paired_at=stamp(pairing.paired_at),
    )


def change_request_message(request: ChangeRequest) -> pb.ChangeRequest:
    message = pb.ChangeRequest(
        id=request.id,
        household_id=request.household_id,
        village_code=request.village_code,
        requested_by=request.requested_by,
        changes=shown_changes(request.changes),
        base_version=request.base_version,
        status=request.status,
        reviewed_by=request.reviewed_by,
        review_reason=request.review_reason,
        created_at=stamp(request.created_at),
    )
    if request.reviewed_at is not None:
        message.reviewed_at.CopyFrom(stamp(request.reviewed_at))
    return message


def benefit_message(benefit: Benefit) -> pb.Benefit:
    return pb.Benefit(
        id=benefit.id,
        household_id=benefit.household_id,
        year=benefit.year,
        quarter=benefit.quarter,
        department=benefit.department,
        program=benefit.program,
        amount=benefit.amount,
        recorded_by=benefit.recorded_by,
        recorded_at=stamp(benefit.recorded_at),
        source=benefit.source,
    )


def benefits_message(benefits: list[Benefit]) -> pb.ListBenefitsResponse:
    totals: dict[int, int] = {}
    for benefit in benefits:
        totals[benefit.year] = totals.get(benefit.year, 0) + benefit.amount
    return pb.ListBenefitsResponse(
        benefits=[benefit_message(b) for b in benefits], totals_by_year=totals
    )


def import_job_message(job: ImportJob) -> transfer_pb2.ImportJob:
    return transfer_pb2.ImportJob(
        id=job.id,
        kind=job.kind,
        region_code=job.region_code,
        file_name=job.file_name,
        file_format=job.file_format,
        mode=job.mode,
        dry_run=job.dry_run,
        outcome=job.outcome,
        summary=json.loads(job.summary),
        findings=job.findings,
        created_by=job.created_by,
        created_at=stamp(job.created_at),
        finished_at=stamp(job.finished_at),
    )


def map_box(request: pb.ListHouseholdLocationsRequest) -> Box | None:
    box = (request.west, request.south, request.east, request.north)
    return box if any(box) else None


def location_message(household: Household) -> pb.HouseholdLocation:
    return pb.HouseholdLocation(
        id=household.id,
        village_code=household.village_code,
        latitude=household.latitude or 0.0,
        longitude=household.longitude or 0.0,
        status=household.status,
    )


def village_message(village: VillageAggregate) -> pb.VillageAggregate:
    return pb.VillageAggregate(
        village_code=village.village_code,
        latitude=village.latitude,
        longitude=village.longitude,
        households=village.households,
        by_status=village.by_status,
    )


def statistics_message(found: RegionStatistics) -> pb.Statistics:
    return pb.Statistics(
        region_code=found.region_code,
        households=found.households,
        people=found.people,
        by_status=found.by_status,
        by_attribute=found.by_attribute,
        by_main_cause=found.by_main_cause,
        by_assistance_category=found.by_assistance_category,
        by_monitoring_category=found.by_monitoring_category,
        non_compliant_by_indicator=found.non_compliant_by_indicator,
        exits_by_year=found.exits_by_year,
        poor_households=found.progress.poor_households,
        poor_people=found.poor_people,
        exited_households=found.progress.exited_households,
        exit_rate=found.progress.exit_rate,
        incidence=found.incidence,
    )
