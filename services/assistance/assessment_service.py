"""Use-cases of the assessment (考核排名): a region's scores and rankings for a month or a year
— the facts counted here with GROUP BY statements, the households and pairings by the
registry in one call, the cadres and regions it does not name by identity's batch reads — and its
circular (通报): the top and bottom of each ranking, stored once per (region, period) and texted
by name through notification to the officers of the region each ranking is made in. The
scheduler issues every active county's circular of the last month."""

from __future__ import annotations

import asyncio
import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from sqlmodel.ext.asyncio.session import AsyncSession

from jingzhun.identity.v1 import identity_pb2
from jingzhun.notification.v1 import events_pb2 as notification_events
from jingzhun.registry.v1 import assessment_basis_pb2 as basis_pb
from kit import audit
from kit.errors import AlreadyExists
from kit.grpc_client import ServiceClient
from kit.outbox import enqueue
from kit.paging import MAX_PAGE
from kit.principal import Principal
from kit.service_auth import ServiceCredentials
from kit.territory import code_from_prefix
from services.assistance import assessment_repository as repo
from services.assistance.assessment_indicators import (
    AssessedPeriod,
    IndicatorSet,
    assessed_period,
    indicators_for,
)
from services.assistance.assessment_scoring import (
    Counts,
    IndicatorScore,
    RankedSubject,
    Ranking,
    UnitBasis,
    VillageBasis,
    ends,
    named,
    rankings,
    unnamed,
)
from services.assistance.components import Components
from services.assistance.events import NOTIFICATION_REQUESTED, SERVICE
from services.assistance.models import Circular
from services.assistance.needs_service import scope_of

if TYPE_CHECKING:
    from jingzhun.identity.v1.identity_pb2_grpc import IdentityServiceAsyncStub
    from jingzhun.registry.v1.assessment_basis_pb2_grpc import RegistryAssessmentServiceAsyncStub

SCHEDULER = "scheduler"
KIND_LABELS = {"cadre": "干部", "unit": "帮扶单位", "village": "村", "town": "乡镇"}


@dataclass(frozen=True)
class Assessment:
    region_code: str
    period: AssessedPeriod
    indicators_version: str
    rankings: list[Ranking]


@dataclass(frozen=True)
class CircularView:
    circular: Circular
    rankings: list[Ranking]


class AssessmentService:
    def __init__(
        self,
        components: Components,
        registry: ServiceClient[RegistryAssessmentServiceAsyncStub],
        identity: ServiceClient[IdentityServiceAsyncStub],
        credentials: ServiceCredentials,
        indicator_sets: list[IndicatorSet],
        *,
        top_n: int = 3,
    ) -> None:
        self.c = components
        self.registry = registry
        self.identity = identity
        self.credentials = credentials  # names are asked as this service (users:read, regions:read)
        self.indicator_sets = indicator_sets
        self.top_n = top_n
        self._monthly_done = ""  # the period whose circulars are all issued

    async def assess(self, caller: Principal, region_code: str, period: str) -> Assessment:
        return await self._assess(scope_of(caller, region_code), period, caller.token)

    async def _assess(self, region_code: str, period_name: str, token: str) -> Assessment:
        now = self.c.clock()
        period = assessed_period(period_name, now)
        basis = await self.registry.call(
            self.registry.stub.GetAssessmentBasis,
            basis_pb.GetAssessmentBasisRequest(region_code=region_code),
            token=token,
        )
        facts = await repo.fact_counts(self.c.db, region_code, period.since, period.until)
        counts = counts_of(facts, basis)
        indicators = indicators_for(self.indicator_sets, period)
        ranked = rankings(region_code, counts, period.months_begun(now), indicators, period.kind)
        return Assessment(region_code, period, indicators.version, await self._named(ranked))

    async def _named(self, ranked: list[Ranking]) -> list[Ranking]:
        """The cadres and regions the registry did not name, named by identity's batch reads
        (`ListUsers` by ids, `BatchGetRegions`; a page of `MAX_PAGE` a call, all at once), as
        this service: the subjects are the assessed region's already."""
        users, regions = unnamed(ranked)
        if not users and not regions:
            return ranked
        token = await self.credentials.token()
        user_pages = [sorted(users)[i : i + MAX_PAGE] for i in range(0, len(users), MAX_PAGE)]
        code_pages = [sorted(regions)[i : i + MAX_PAGE] for i in range(0, len(regions), MAX_PAGE)]
        user_replies = [
            self.identity.call(
                self.identity.stub.ListUsers,
                identity_pb2.ListUsersRequest(ids=ids, include_disabled=True, page_size=MAX_PAGE),
                token=token,
            )
            for ids in user_pages
        ]
        region_replies = [
            self.identity.call(
                self.identity.stub.BatchGetRegions,
                identity_pb2.BatchGetRegionsRequest(codes=codes),
                token=token,
            )
            for codes in code_pages
        ]
        found_users = await asyncio.gather(*user_replies)
        found_regions = await asyncio.gather(*region_replies)
        return named(
            ranked,
            {u.id: u.name for reply in found_users for u in reply.users},
            {r.code: r.name for reply in found_regions for r in reply.regions},
        )

    async def issue(self, caller: Principal, region_code: str, period: str) -> CircularView:
        assessment = await self.assess(caller, region_code, period)
        return await self._issue(assessment, caller.actor_id)

    async def _issue(self, assessment: Assessment, actor_id: str) -> CircularView:
        """Stored and texted once: a second issue of the (region, period) texts nobody."""
        trimmed = [ends(r, self.top_n) for r in assessment.rankings]
        circular = Circular(
            region_code=assessment.region_code,
            period=assessment.period.name,
            indicators_version=assessment.indicators_version,
            issued_by=actor_id,
            issued_at=self.c.clock(),
            top_n=self.top_n,
            rankings=json.dumps([asdict(r) for r in trimmed], ensure_ascii=False),
        )
        async with self.c.db.unit_of_work() as session:
            if not await repo.add_circular(session, circular):
                raise AlreadyExists(
                    "this region's circular of the period is issued already",
                    reason="CIRCULAR_ALREADY_ISSUED",
                )
            for whole, ranking in zip(assessment.rankings, trimmed, strict=True):
                self._text(session, circular, ranking, len(whole.subjects))
            audit.record(
                session,
                SERVICE,
                actor_id=actor_id,
                action="assessment.circular.issued",
                target_id=f"{circular.region_code}:{circular.period}",
                region_code=circular.region_code,
                detail={"period": circular.period, "rankings": len(trimmed)},
            )
        return CircularView(circular, trimmed)

    def _text(
        self, session: AsyncSession, circular: Circular, ranking: Ranking, ranked: int
    ) -> None:
        """Ask notification to text the officers of the region the ranking is made in."""
        n, subjects = circular.top_n, ranking.subjects
        top = "、".join(_line(s) for s in subjects[:n])
        # The last n, worst first, none named twice: a short ranking has no bottom part.
        bottom = "、".join(_line(s) for s in subjects[max(n, len(subjects) - n) :][::-1])
        text = (
            f"{circular.period}考核通报（{KIND_LABELS[ranking.subject_kind]}排名，"
            f"共{ranked}名）：前列 {top}{f'；后列 {bottom}' if bottom else ''}。"
        )
        request = notification_events.NotificationRequested(
            source_id=f"circular:{circular.region_code}:{circular.period}:"
            f"{ranking.subject_kind}:{ranking.group_code}",
            template="notice",
            variables={"text": text},
            audience=notification_events.Audience(
                role=self.c.owner_role, region_code=ranking.group_code
            ),
            requested_by=circular.issued_by,
        )
        msg_id = f"circular-{circular.region_code}-{circular.period}-"
        enqueue(
            session,
            NOTIFICATION_REQUESTED,
            request,
            msg_id=msg_id + f"{ranking.subject_kind}-{ranking.group_code}",
        )

    async def circulars(self, caller: Principal, region_code: str) -> list[CircularView]:
        scope = scope_of(caller, region_code)
        async with self.c.db.read_only() as session:
            found = await repo.circulars(session, scope)
        return [CircularView(c, stored_rankings(c.rankings)) for c in found]

    async def issue_monthly(self) -> int:
        """The last month's circular of every county with visits in it not issued yet, as the
        scheduler (with this service's own token); returns how many it issued. Once every
        county's is issued, nothing is read again until the month turns."""
        period = assessed_period("", self.c.clock())
        if period.name == self._monthly_done:
            return 0
        async with self.c.db.read_only() as session:
            counties = await repo.active_counties(session, period.since, period.until)
            issued = await repo.issued_regions(session, period.name)
        done = 0
        for prefix in counties:
            county = code_from_prefix(prefix)
            if county in issued:
                continue
            assessment = await self._assess(county, period.name, await self.credentials.token())
            try:
                await self._issue(assessment, SCHEDULER)
            except AlreadyExists:
                continue  # another replica issued it a moment ago
            done += 1
        self._monthly_done = period.name
        return done


def counts_of(facts: dict[str, list[repo.Count]], basis: basis_pb.AssessmentBasis) -> Counts:
    return Counts(
        facts,
        villages=[
            VillageBasis(v.village_code, v.households, v.incomplete, v.pairings)
            for v in basis.villages
        ],
        helpers={h.helper_id: h.households for h in basis.helpers},
        helper_units={h.helper_id: h.unit_id for h in basis.helper_records if h.unit_id},
        units={u.unit_id: UnitBasis(u.name, u.region_code) for u in basis.units},
        helper_names={h.helper_id: h.name for h in basis.helper_records if h.name},
    )


def _line(subject: RankedSubject) -> str:
    return f"{subject.name or subject.id}（{subject.total:g}分）"


def stored_rankings(stored: str) -> list[Ranking]:
    return [
        Ranking(
            r["subject_kind"],
            r["group_code"],
            [
                RankedSubject(
                    s["id"],
                    s["rank"],
                    s["total"],
                    [IndicatorScore(**i) for i in s["indicators"]],
                    s.get("name", ""),  # circulars issued before subjects were named: none
                )
                for s in r["subjects"]
            ],
        )
        for r in json.loads(stored)
    ]
