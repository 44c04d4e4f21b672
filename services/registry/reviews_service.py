"""Use-cases of helper proposals: a helper proposes a change to a household paired with them;
the village work team (or an officer above) approves it — then it counts, through the same
path as a direct edit — or rejects it with a reason. Both are in the household's history."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from kit import audit
from kit.checks import parse
from kit.clock import utcnow
from kit.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from kit.principal import Principal
from services.registry import repository as repo
from services.registry.components import Components
from services.registry.edits import HouseholdChanges, check_version, commit_changes, validate
from services.registry.events import SERVICE
from services.registry.households_service import HouseholdsService, NewMember
from services.registry.livelihood_service import (
    apply_incomes,
    apply_indicators,
    check_incomes,
    check_indicators,
)
from services.registry.member_proposals import (
    MemberChange,
    apply_member_parts,
    member_parts,
    shown_changes,
)
from services.registry.models import ChangeRequest, Household


@dataclass(frozen=True)
class YearIncomes:
    year: int
    by_source: dict[str, int]


@dataclass(frozen=True)
class Proposal:
    """What a helper wants changed; at least one part is set."""

    fields: HouseholdChanges = field(default_factory=HouseholdChanges)
    incomes: YearIncomes | None = None
    indicators: dict[str, bool] | None = None
    new_member: NewMember | None = None
    member_change: MemberChange | None = None


class ReviewStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ReviewsService:
    def __init__(
        self, components: Components, households: HouseholdsService, known_indicators: set[str]
    ) -> None:
        self.c = components
        self.households = households
        self.known_indicators = known_indicators

    async def propose(
        self, caller: Principal, household_id: str, expected_version: int, wanted: Proposal
    ) -> ChangeRequest:
        fields = self._checked_fields(wanted)
        async with self.c.db.unit_of_work() as session:
            # Proposing is a helper's function: their scope is their pairings, and a household
            # not paired with them is not found.
            household = await self.households.visible(session, caller, household_id)
            check_version(household, expected_version)
            members = await member_parts(
                session, self.households, household, wanted.new_member, wanted.member_change
            )
            request = ChangeRequest(
                id=uuid.uuid4().hex,
                household_id=household_id,
                village_code=household.village_code,
                requested_by=caller.actor_id,
                changes=json.dumps(
                    {
                        "fields": fields,
                        # the figures as checked: transfer derived from its items
                        "incomes": {
                            "year": wanted.incomes.year,
                            "by_source": check_incomes(
                                wanted.incomes.year, wanted.incomes.by_source
                            ),
                        }
                        if wanted.incomes
                        else None,
                        "indicators": wanted.indicators,
                        **members,
                    },
                    ensure_ascii=False,
                ),
                base_version=household.version,
                created_at=utcnow(),
            )
            session.add(request)
            repo.record(
                session,
                household_id=household_id,
                at=request.created_at,
                actor_id=caller.actor_id,
                kind="proposed",
                field="change_request",
                after=json.loads(shown_changes(request.changes)),
            )
        return request

    def _checked_fields(self, wanted: Proposal) -> dict[str, object]:
        """The proposed household fields; every part checked that needs no database."""
        proposal = validate(wanted.fields)
        if wanted.incomes is not None:
            check_incomes(wanted.incomes.year, wanted.incomes.by_source)
        if wanted.indicators is not None:
            check_indicators(wanted.indicators, self.known_indicators)
        fields = {name: value for name, value in asdict(proposal).items() if value is not None}
        parts = (wanted.incomes, wanted.indicators, wanted.new_member, wanted.member_change)
        if not fields and all(part is None for part in parts):
            raise InvalidArgument(
                "a proposal must change at least one field", reason="EMPTY_PROPOSAL"
            )
        return fields

    async def list_requests(
        self, caller: Principal, *, region_code: str, status: str, after_id: str | None, limit: int
    ) -> list[ChangeRequest]:
        scope = caller.scope.within(region_code)
        wanted = parse(status, ReviewStatus, "status") if status else None
        async with self.c.db.read_only() as session:
            return list(
                await repo.list_change_requests(
                    session, scope=scope, status=wanted, after_id=after_id, limit=limit
                )
            )

    async def review(
        self, caller: Principal, request_id: str, approve: bool, reason: str
    ) -> ChangeRequest:
        if not approve and not reason.strip():
            raise InvalidArgument("a rejection needs a reason", reason="REASON_REQUIRED")
        async with self.c.db.unit_of_work() as session:
            request = await repo.change_request_in(
                session, caller.scope, request_id, for_update=True
            )
            if request is None:
                raise NotFound("change request not found", reason="CHANGE_REQUEST_NOT_FOUND")
            if request.status != ReviewStatus.PENDING:
                raise FailedPrecondition(
                    f"the change request is {request.status} already", reason="ALREADY_REVIEWED"
                )
            if request.requested_by == caller.actor_id:
                raise PermissionDenied("nobody reviews their own proposal", reason="OWN_PROPOSAL")
            household = await repo.get_household(session, request.household_id, for_update=True)
            assert household is not None  # households are never deleted
            request.status = ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED
            request.reviewed_by, request.review_reason, request.reviewed_at = (
                caller.actor_id,
                reason.strip(),
                utcnow(),
            )
            session.add(request)
            note = f"change request {request.id} by {request.requested_by}: {request.status}"
            if approve:
                await self._apply(session, household, request, caller.actor_id, note)
            repo.record(
                session,
                household_id=household.id,
                at=request.reviewed_at,
                actor_id=caller.actor_id,
                kind="reviewed",
                field="change_request",
                after=request.status,
                reason=reason.strip() or note,
            )
            audit.record(
                session,
                SERVICE,
                actor_id=caller.actor_id,
                action="change_request.reviewed",
                target_id=request.id,
                region_code=household.village_code,
                detail={
                    "household_id": household.id,
                    "requested_by": request.requested_by,
                    "status": request.status,
                    "reason": reason.strip(),
                },
            )
        return request

    async def _apply(
        self,
        session: AsyncSession,
        household: Household,
        request: ChangeRequest,
        actor_id: str,
        note: str,
    ) -> None:
        """An approved proposal goes through the same paths as an officer's own edits; its
        events name the reviewer as actor and the helper as proposer (credited for the update)."""
        proposal = json.loads(request.changes)
        proposer = request.requested_by
        commit_changes(
            session,
            household,
            HouseholdChanges(**proposal["fields"]),
            request.base_version,
            actor_id,
            note,
            proposed_by=proposer,
        )
        if proposal["incomes"]:
            incomes = proposal["incomes"]
            await apply_incomes(
                session,
                household,
                incomes["year"],
                incomes["by_source"],
                actor_id,
                note,
                monitoring_line=self.c.monitoring_line,
                proposed_by=proposer,
            )
        if proposal["indicators"]:
            await apply_indicators(
                session, household, proposal["indicators"], actor_id, note, proposed_by=proposer
            )
        await apply_member_parts(
            session, self.households, household, proposal, actor_id, note, proposed_by=proposer
        )
