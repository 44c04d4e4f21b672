"""RegistryService over gRPC: translates proto <-> use-cases and nothing else."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC

from grpc.aio import ServicerContext

from jingzhun.registry.v1 import registry_pb2 as pb
from jingzhun.registry.v1 import registry_pb2_grpc
from kit.access import Access
from kit.errors import FieldViolation, InvalidArgument
from kit.paging import decode_number_token, decode_token, encode_token, page_size
from services.registry.api_household_notices import HouseholdNoticesApi
from services.registry.benefits_service import BenefitsService, NewBenefit
from services.registry.household_notices import HouseholdNotices
from services.registry.household_order import cursor_of, ordering_of
from services.registry.households_service import HouseholdsService
from services.registry.livelihood_service import LivelihoodService
from services.registry.member_proposals import MemberChange
from services.registry.members_service import MembersService
from services.registry.messages import (
    benefit_message,
    benefits_message,
    change_request_message,
    child_figures_message,
    history_message,
    household_change_message,
    household_changes,
    household_filter,
    household_message,
    location_message,
    map_box,
    member_changes,
    new_household,
    new_member,
    pairing_message,
    statistics_message,
    village_message,
    vocabularies_message,
)
from services.registry.national_codes import vocabularies
from services.registry.pairings_service import PairingsService
from services.registry.public_links import PublicLinks
from services.registry.reviews_service import Proposal, ReviewsService, YearIncomes
from services.registry.statistics_service import StatisticsService


class RegistryApi(HouseholdNoticesApi, registry_pb2_grpc.RegistryServiceServicer):
    def __init__(
        self,
        households: HouseholdsService,
        pairings: PairingsService,
        reviews: ReviewsService,
        statistics: StatisticsService,
        links: PublicLinks,
        livelihood: LivelihoodService,
        members: MembersService,
        access: Access,
        *,
        benefits: BenefitsService,
        notices: HouseholdNotices,
    ) -> None:
        self.notices = notices
        self.benefits = benefits
        self.members = members
        self.livelihood = livelihood
        self.links = links
        self.households, self.pairings, self.reviews = households, pairings, reviews
        self.statistics = statistics
        self._caller = access.caller

    async def CreateHousehold(
        self, request: pb.CreateHouseholdRequest, context: ServicerContext
    ) -> pb.Household:
        view = await self.households.create(
            self._caller("households", "create"), new_household(request)
        )
        return household_message(view)

    async def GetHousehold(
        self, request: pb.GetHouseholdRequest, context: ServicerContext
    ) -> pb.Household:
        return household_message(
            await self.households.get(self._caller("households", "read"), request.id)
        )

    async def BatchGetHouseholdVillages(
        self, request: pb.BatchGetHouseholdVillagesRequest, context: ServicerContext
    ) -> pb.BatchGetHouseholdVillagesResponse:
        caller = self._caller("households", "read")
        found = await self.households.villages_of(caller, list(request.ids))
        return pb.BatchGetHouseholdVillagesResponse(
            households=[pb.HouseholdVillage(id=i, village_code=v) for i, v in found.items()]
        )

    async def ListHouseholds(
        self, request: pb.ListHouseholdsRequest, context: ServicerContext
    ) -> pb.ListHouseholdsResponse:
        limit = page_size(request.page_size)
        ordering = ordering_of(request.sort, decode_token(request.page_token))
        views = await self.households.list_households(
            self._caller("households", "read"),
            region_code=request.region_code,
            wanted=household_filter(request.filter),
            ordering=ordering,
            limit=limit,
        )
        last = views[-1] if len(views) == limit else None
        next_token = (
            encode_token(cursor_of(ordering.sort, last.household, last.members)) if last else ""
        )
        return pb.ListHouseholdsResponse(
            households=[household_message(v) for v in views], next_page_token=next_token
        )

    async def UpdateHousehold(
        self, request: pb.UpdateHouseholdRequest, context: ServicerContext
    ) -> pb.Household:
        wanted = household_changes(request)
        view = await self.households.update(
            self._caller("households", "update"),
            request.id,
            request.expected_version,
            wanted,
            request.bank_account if request.HasField("bank_account") else None,
        )
        return household_message(view)

    async def TransitionHousehold(
        self, request: pb.TransitionHouseholdRequest, context: ServicerContext
    ) -> pb.Household:
        view = await self.households.transition(
            self._caller("households", "transition"),
            request.id,
            request.action,
            request.reason,
            request.monitoring_category,
        )
        return household_message(view)

    async def ListHouseholdHistory(
        self, request: pb.ListHouseholdHistoryRequest, context: ServicerContext
    ) -> pb.ListHouseholdHistoryResponse:
        limit = page_size(request.page_size)
        after = decode_number_token(request.page_token)
        entries = await self.households.history(
            self._caller("households", "read"), request.id, after, limit
        )
        next_token = encode_token(str(entries[-1].id)) if len(entries) == limit else ""
        return pb.ListHouseholdHistoryResponse(
            entries=[history_message(e) for e in entries], next_page_token=next_token
        )

    async def RevealIdNumber(
        self, request: pb.RevealIdNumberRequest, context: ServicerContext
    ) -> pb.RevealIdNumberResponse:
        number = await self._reveal(request, "id_number")
        return pb.RevealIdNumberResponse(id_number=number)

    async def RevealPhone(
        self, request: pb.RevealIdNumberRequest, context: ServicerContext
    ) -> pb.RevealPhoneResponse:
        return pb.RevealPhoneResponse(phone=await self._reveal(request, "phone"))

    async def _reveal(self, request: pb.RevealIdNumberRequest, what: str) -> str:
        return await self.households.reveal(
            self._caller("members", "reveal"),
            request.household_id,
            request.member_id,
            request.purpose,
            what,
        )

    async def RevealBankAccount(
        self, request: pb.RevealBankAccountRequest, context: ServicerContext
    ) -> pb.RevealBankAccountResponse:
        account = await self.households.reveal_bank_account(
            self._caller("members", "reveal"), request.household_id, request.purpose
        )
        return pb.RevealBankAccountResponse(bank_account=account)

    async def ListVocabularies(
        self, request: pb.ListVocabulariesRequest, context: ServicerContext
    ) -> pb.ListVocabulariesResponse:
        self._caller("households", "read")
        return vocabularies_message(vocabularies())

    async def ListHouseholdChanges(
        self, request: pb.ListHouseholdChangesRequest, context: ServicerContext
    ) -> pb.ListHouseholdChangesResponse:
        limit = page_size(request.page_size)
        found = await self.households.changes_since(
            self._caller("households", "read"),
            region_code=request.region_code,
            since=request.since.ToDatetime(tzinfo=UTC),
            after=decode_token(request.page_token),
            limit=limit,
        )
        next_token = encode_token(found[-1].cursor) if len(found) == limit else ""
        return pb.ListHouseholdChangesResponse(
            changes=[household_change_message(c) for c in found], next_page_token=next_token
        )

    async def PairHelper(
        self, request: pb.PairHelperRequest, context: ServicerContext
    ) -> pb.Pairing:
        pairing = await self.pairings.pair(
            self._caller("households", "pair"), request.household_id, request.helper_id
        )
        return pairing_message(pairing)

    async def ListPairings(
        self, request: pb.ListPairingsRequest, context: ServicerContext
    ) -> pb.ListPairingsResponse:
        caller = self._caller("households", "read")
        if request.household_id:
            found = await self.pairings.of_household(caller, request.household_id)
        else:
            found = await self.pairings.of_helper(caller, request.helper_id or caller.subject)
        return pb.ListPairingsResponse(pairings=[pairing_message(p) for p in found])

    async def UnpairHelper(
        self, request: pb.UnpairHelperRequest, context: ServicerContext
    ) -> pb.UnpairHelperResponse:
        await self.pairings.unpair(
            self._caller("households", "pair"), request.household_id, request.helper_id
        )
        return pb.UnpairHelperResponse()

    async def ProposeChange(
        self, request: pb.ProposeChangeRequest, context: ServicerContext
    ) -> pb.ChangeRequest:
        change = request.change
        if change.HasField("bank_account"):
            raise InvalidArgument(
                "a bank account is recorded by an officer, not proposed",
                reason="BANK_ACCOUNT_NOT_PROPOSED",
                violations=[FieldViolation("bank_account", "not part of a proposal")],
            )
        incomes = (
            YearIncomes(request.incomes.year, dict(request.incomes.by_source))
            if request.HasField("incomes")
            else None
        )
        wanted = Proposal(
            fields=household_changes(change),
            incomes=incomes,
            indicators=dict(request.indicators.values) if request.HasField("indicators") else None,
            new_member=new_member(request.new_member) if request.HasField("new_member") else None,
            member_change=MemberChange(
                request.member_change.member_id, member_changes(request.member_change)
            )
            if request.HasField("member_change")
            else None,
        )
        proposal = await self.reviews.propose(
            self._caller("households", "propose"), change.id, change.expected_version, wanted
        )
        return change_request_message(proposal)

    async def ListChangeRequests(
        self, request: pb.ListChangeRequestsRequest, context: ServicerContext
    ) -> pb.ListChangeRequestsResponse:
        limit = page_size(request.page_size)
        found = await self.reviews.list_requests(
            self._caller("households", "read"),
            region_code=request.region_code,
            status=request.status,
            after_id=decode_token(request.page_token),
            limit=limit,
        )
        next_token = encode_token(found[-1].id) if len(found) == limit else ""
        return pb.ListChangeRequestsResponse(
            requests=[change_request_message(r) for r in found], next_page_token=next_token
        )

    async def ReviewChangeRequest(
        self, request: pb.ReviewChangeRequestRequest, context: ServicerContext
    ) -> pb.ChangeRequest:
        reviewed = await self.reviews.review(
            self._caller("households", "review"), request.id, request.approve, request.reason
        )
        return change_request_message(reviewed)

    async def GetStatistics(
        self, request: pb.GetStatisticsRequest, context: ServicerContext
    ) -> pb.Statistics:
        found = await self.statistics.region(
            self._caller("households", "read"),
            request.region_code,
            request.population,
            household_filter(request.filter),
        )
        return statistics_message(found)

    async def GetChildStatistics(
        self, request: pb.GetChildStatisticsRequest, context: ServicerContext
    ) -> pb.ChildStatistics:
        found = await self.statistics.children(
            self._caller("households", "read"),
            request.region_code,
            household_filter(request.filter),
        )
        return pb.ChildStatistics(
            region_code=found.region_code,
            children=[child_figures_message(child) for child in found.children],
        )

    async def GetTrends(self, request: pb.GetTrendsRequest, context: ServicerContext) -> pb.Trends:
        found = await self.statistics.trends(
            self._caller("households", "read"), request.region_code, request.period
        )
        return pb.Trends(
            region_code=found.region_code,
            period=found.period,
            points=[pb.TrendPoint(**asdict(point)) for point in found.points],
        )

    async def ListHouseholdLocations(
        self, request: pb.ListHouseholdLocationsRequest, context: ServicerContext
    ) -> pb.ListHouseholdLocationsResponse:
        found, truncated = await self.statistics.locations(
            self._caller("households", "read"),
            request.region_code,
            map_box(request),
            request.polygon,
            request.limit,
            household_filter(request.filter),
        )
        return pb.ListHouseholdLocationsResponse(
            locations=[location_message(h) for h in found], truncated=truncated
        )

    async def ListVillageAggregates(
        self, request: pb.ListHouseholdLocationsRequest, context: ServicerContext
    ) -> pb.ListVillageAggregatesResponse:
        found = await self.statistics.villages(
            self._caller("households", "read"),
            request.region_code,
            map_box(request),
            request.polygon,
            household_filter(request.filter),
        )
        return pb.ListVillageAggregatesResponse(villages=[village_message(v) for v in found])

    async def GetPublicLink(
        self, request: pb.GetPublicLinkRequest, context: ServicerContext
    ) -> pb.PublicLink:
        household = await self.households.get(
            self._caller("households", "read"), request.household_id
        )
        return pb.PublicLink(token=self.links.token_for(household.household.id))

    async def GetPublicSummary(
        self, request: pb.GetPublicSummaryRequest, context: ServicerContext
    ) -> pb.PublicSummary:
        found = await self.links.summary(request.token)
        return pb.PublicSummary(
            household_id=found.household_id,
            number=found.number,
            village_code=found.village_code,
            status=found.status,
            attribute=found.attribute,
            assistance_category=found.assistance_category,
            members=found.members,
            helpers=found.helpers,
        )

    async def SetIncomes(
        self, request: pb.SetIncomesRequest, context: ServicerContext
    ) -> pb.Household:
        view = await self.livelihood.set_incomes(
            self._caller("households", "update"),
            request.household_id,
            request.year,
            dict(request.by_source),
        )
        return household_message(view)

    async def SetIndicators(
        self, request: pb.SetIndicatorsRequest, context: ServicerContext
    ) -> pb.Household:
        view = await self.livelihood.set_indicators(
            self._caller("households", "update"),
            request.household_id,
            dict(request.values),
            request.year,
        )
        return household_message(view)

    async def AddMember(
        self, request: pb.AddMemberRequest, context: ServicerContext
    ) -> pb.Household:
        view = await self.members.add(
            self._caller("households", "update"),
            request.household_id,
            new_member(request.member),
            request.reason,
        )
        return household_message(view)

    async def UpdateMember(
        self, request: pb.UpdateMemberRequest, context: ServicerContext
    ) -> pb.Household:
        view = await self.members.update(
            self._caller("households", "update"),
            request.household_id,
            request.member_id,
            member_changes(request),
            request.reason,
        )
        return household_message(view)

    async def RecordBenefit(
        self, request: pb.RecordBenefitRequest, context: ServicerContext
    ) -> pb.Benefit:
        new = NewBenefit(
            year=request.year,
            quarter=request.quarter,
            department=request.department,
            program=request.program,
            amount=request.amount,
        )
        benefit = await self.benefits.record(
            self._caller("households", "update"), request.household_id, new
        )
        return benefit_message(benefit)

    async def ListBenefits(
        self, request: pb.ListBenefitsRequest, context: ServicerContext
    ) -> pb.ListBenefitsResponse:
        found = await self.benefits.list_benefits(
            self._caller("households", "read"), request.household_id, request.year or None
        )
        return benefits_message(found)
