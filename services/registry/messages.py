"""Translation between the registry's protobuf messages and its domain objects."""

from __future__ import annotations

import json
from collections.abc import Callable

from jingzhun.registry.v1 import registry_pb2 as pb
from jingzhun.registry.v1 import transfer_pb2
from kit.mapping import from_message, to_message
from kit.public_notice import NoticeObjection, PublicNotice
from services.registry.edits import HouseholdChanges
from services.registry.household_filter import HouseholdFilter
from services.registry.household_notices import PREFIX, NoticeView
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
from services.registry.national_changes import HouseholdChange
from services.registry.national_codes import HOUSEHOLD_FIELDS, MEMBER_FIELDS, Term, as_text
from services.registry.net_income import net_income
from services.registry.statistics_service import ChildFigures, RegionStatistics

household_filter = from_message(pb.HouseholdFilter, HouseholdFilter)
member_message = to_message(
    Member,
    pb.Member,
    id_number=lambda member: member.id_number_masked,
    phone=lambda member: member.phone_masked,
    standard=lambda member: as_text(MEMBER_FIELDS, member),
)


def both_or_neither(name: str) -> Callable[[Household], float | None]:
    """The household's coordinate `name`, sent only when it has both."""
    return lambda h: getattr(h, name) if None not in (h.latitude, h.longitude) else None


def year_incomes(view: HouseholdView) -> list[pb.YearIncome]:
    by_year: dict[int, dict[str, int]] = {}
    for income in view.incomes:
        by_year.setdefault(income.year, {})[income.source] = income.amount
    people = max(len(view.members), 1)
    return [
        pb.YearIncome(
            year=year,
            by_source=sources,
            total=net_income(sources),
            per_capita=net_income(sources) // people,
        )
        for year, sources in sorted(by_year.items())
    ]


household_row_message = to_message(
    Household,
    pb.Household,
    given=("members", "incomes", "indicators", "benefits_by_year", "indicators_by_year"),
    secondary_causes=lambda h: json.loads(h.secondary_causes),
    assistance_categories=lambda h: json.loads(h.assistance_categories),
    standard=lambda h: as_text(HOUSEHOLD_FIELDS, h),
    bank_account=lambda h: h.bank_account_masked,
    latitude=both_or_neither("latitude"),
    longitude=both_or_neither("longitude"),
)


def household_message(view: HouseholdView) -> pb.Household:
    return household_row_message(
        view.household,
        members=[member_message(m) for m in view.members],
        incomes=year_incomes(view),
        indicators={i.indicator: i.compliant for i in view.indicators},
        benefits_by_year=view.benefits_by_year,
        indicators_by_year=indicators_by_year(view),
    )


def indicators_by_year(view: HouseholdView) -> dict[int, pb.YearIndicators]:
    by_year: dict[int, dict[str, bool]] = {}
    for i in view.indicator_years:
        by_year.setdefault(i.year, {})[i.indicator] = i.compliant
    return {year: pb.YearIndicators(values=values) for year, values in by_year.items()}


new_household = from_message(pb.CreateHouseholdRequest, NewHousehold)
new_member = from_message(pb.NewMember, NewMember)


def member_changes(request: pb.UpdateMemberRequest) -> dict[str, str]:
    present = request.HasField
    given = {name: getattr(request, name) for name in EDITABLE if present(name)}  # type: ignore[arg-type]
    return {**given, **request.standard}


household_change_message = to_message(HouseholdChange, pb.HouseholdChange)


def vocabularies_message(found: dict[str, tuple[Term, ...]]) -> pb.ListVocabulariesResponse:
    return pb.ListVocabulariesResponse(
        vocabularies=[
            pb.Vocabulary(name=name, terms=[term_message(t) for t in terms])
            for name, terms in found.items()
        ]
    )


term_message = to_message(Term, pb.VocabularyTerm)
history_message = to_message(HistoryEntry, pb.HistoryEntry, id=lambda entry: str(entry.id))
household_changes = from_message(
    pb.UpdateHouseholdRequest,
    HouseholdChanges,
    secondary_causes=lambda r: list(r.secondary_causes) if r.replace_secondary_causes else None,
    standard=lambda r: dict(r.standard) or None,
    assistance_categories=lambda r: (
        list(r.assistance_categories) if r.replace_assistance_categories else None
    ),
)
pairing_message = to_message(Pairing, pb.Pairing)
change_request_message = to_message(
    ChangeRequest, pb.ChangeRequest, changes=lambda request: shown_changes(request.changes)
)
benefit_message = to_message(Benefit, pb.Benefit)


def benefits_message(benefits: list[Benefit]) -> pb.ListBenefitsResponse:
    totals: dict[int, int] = {}
    for benefit in benefits:
        totals[benefit.year] = totals.get(benefit.year, 0) + benefit.amount
    return pb.ListBenefitsResponse(
        benefits=[benefit_message(b) for b in benefits], totals_by_year=totals
    )


import_job_message = to_message(
    ImportJob, transfer_pb2.ImportJob, summary=lambda job: json.loads(job.summary)
)


def map_box(request: pb.ListHouseholdLocationsRequest) -> Box | None:
    box = (request.west, request.south, request.east, request.north)
    return box if any(box) else None


location_message = to_message(Household, pb.HouseholdLocation)
village_message = to_message(VillageAggregate, pb.VillageAggregate)
statistics_message = to_message(
    RegionStatistics,
    pb.Statistics,
    poor_households=lambda found: found.progress.poor_households,
    exited_households=lambda found: found.progress.exited_households,
    exit_rate=lambda found: found.progress.exit_rate,
)
child_figures_message = to_message(
    ChildFigures,
    pb.ChildFigures,
    poor_households=lambda found: found.progress.poor_households,
    exited_households=lambda found: found.progress.exited_households,
    exit_rate=lambda found: found.progress.exit_rate,
)


objection_message = to_message(NoticeObjection, pb.NoticeObjection)
notice_row_message = to_message(
    PublicNotice,
    pb.HouseholdNotice,
    given=("objections", "state"),
    kind=lambda n: n.kind.removeprefix(PREFIX),
    household_id=lambda n: n.subject_id,
    head_name=lambda n: n.title,
    village_code=lambda n: n.region_code,
)
public_notice_message = to_message(
    PublicNotice,
    pb.PublicHouseholdNotice,
    kind=lambda n: n.kind.removeprefix(PREFIX),
    head_name=lambda n: n.title,
    village_code=lambda n: n.region_code,
)


def notice_message(view: NoticeView) -> pb.HouseholdNotice:
    return notice_row_message(
        view.notice, objections=[objection_message(o) for o in view.objections], state=view.state
    )
