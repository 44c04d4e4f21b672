"""Translation between the registry's protobuf messages and its domain objects."""

from __future__ import annotations

import json

from jingzhun.registry.v1 import registry_pb2 as pb
from kit.paging import stamp
from services.registry.edits import HouseholdChanges
from services.registry.households_service import HouseholdView, NewHousehold, NewMember
from services.registry.models import ChangeRequest, HistoryEntry, Member, Pairing


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
        members=[
            NewMember(
                name=m.name,
                id_number=m.id_number,
                relation=m.relation,
                education=m.education,
                health=m.health,
                disability=m.disability,
                labour_capacity=m.labour_capacity,
                schooling=m.schooling,
            )
            for m in request.members
        ],
    )


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
        changes=request.changes,
        base_version=request.base_version,
        status=request.status,
        reviewed_by=request.reviewed_by,
        review_reason=request.review_reason,
        created_at=stamp(request.created_at),
    )
    if request.reviewed_at is not None:
        message.reviewed_at.CopyFrom(stamp(request.reviewed_at))
    return message
