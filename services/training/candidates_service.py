"""Use-cases of leader candidates (致富带头人培育): a candidate registers themselves or an officer
nominates one; the village recommends, the town publishes the public notice, the county
decides; each level may reject at its stage. Every move is one conditional update, recorded as
a step and announced to whoever acts next."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from kit import audit
from kit import public_notice as notices
from kit.checks import parse, required_text
from kit.clock import aware
from kit.errors import Aborted, AlreadyExists, InvalidArgument, NotFound
from kit.id_numbers import mask_id_number, mask_mobile, normalize_id_number, normalize_mobile
from kit.principal import Principal
from kit.public_notice import NoticeObjection, PublicNotice
from kit.territory import Level, is_valid_code, is_within, level_of
from services.training import repository as repo
from services.training.components import ID_NUMBER_FIELD, PHONE_FIELD, Components
from services.training.directory import TrainingDirectory
from services.training.domain import LeaderType, within_range
from services.training.events import SERVICE, publish_step
from services.training.lifecycle import (
    STEP_NAMES,
    CandidateAction,
    CandidateState,
    CandidateStatus,
    decide,
    needed_level,
    require_level,
)
from services.training.models import Candidate, CandidateStep, LeaderPolicy, LedHousehold

SELF_SERVICE_ROLES = {"leader_candidate"}
SCHEDULER = "scheduler"
LEADER_NOTICE = "leader_candidate"  # the kind of a candidate's kit.public_notice
FINAL = (CandidateStatus.APPROVED, CandidateStatus.REJECTED)


@dataclass(frozen=True)
class NewCandidate:
    name: str
    id_number: str
    phone: str
    village_code: str
    leader_type: str
    project: str
    scale: str = ""
    years_in_business: int = 0
    skills: tuple[str, ...] = ()
    annual_revenue_yuan: int = 0


@dataclass(frozen=True)
class CandidateView:
    candidate: Candidate
    steps: list[CandidateStep] = field(default_factory=list)
    objections: list[NoticeObjection] = field(default_factory=list)
    households: list[LedHousehold] = field(default_factory=list)
    policies: list[LeaderPolicy] = field(default_factory=list)
    notice: PublicNotice | None = None  # kit.public_notice's, once published


def not_found() -> NotFound:
    return NotFound("candidate not found", reason="CANDIDATE_NOT_FOUND")


def sees_only_own(caller: Principal) -> bool:
    return set(caller.roles) <= SELF_SERVICE_ROLES


def in_scope(caller: Principal, candidate: Candidate | None) -> Candidate:
    """The candidate, if in the caller's territory (a candidate: their own); else not found."""
    if candidate is None or not is_within(candidate.village_code, caller.region_code):
        raise not_found()
    if sees_only_own(caller) and candidate.user_id != caller.subject:
        raise not_found()
    return candidate


def scope_of(caller: Principal, region_code: str) -> str:
    scope = region_code or caller.region_code
    if not is_valid_code(scope) or not is_within(scope, caller.region_code):
        raise NotFound("region not found", reason="REGION_NOT_FOUND")
    return scope


class CandidatesService:
    def __init__(self, components: Components, directory: TrainingDirectory) -> None:
        self.c = components
        self.directory = directory

    async def register(self, caller: Principal, new: NewCandidate) -> CandidateView:
        is_self = sees_only_own(caller)
        village = new.village_code or (caller.region_code if is_self else "")
        if not is_valid_code(village) or level_of(village) is not Level.VILLAGE:
            raise InvalidArgument("village_code must be a village", reason="NOT_A_VILLAGE")
        scope_of(caller, village)
        number = normalize_id_number(new.id_number)
        phone = normalize_mobile(new.phone) if new.phone.strip() else ""
        region = await self.directory.region(caller, village)
        now = self.c.clock()
        protector = self.c.protector
        candidate = Candidate(
            id=uuid.uuid4().hex,
            user_id=caller.subject if is_self else "",
            nominated_by="" if is_self else caller.actor_id,
            name=required_text(new.name, "name", 50),
            id_number_cipher=protector.encrypt(number, ID_NUMBER_FIELD),
            id_number_index=protector.blind_index(number, ID_NUMBER_FIELD),
            id_number_masked=mask_id_number(number),
            phone_cipher=protector.encrypt(phone, PHONE_FIELD) if phone else None,
            phone_masked=mask_mobile(phone) if phone else "",
            village_code=village,
            village_name=region.name,
            leader_type=parse(new.leader_type, LeaderType, "leader_type"),
            project=required_text(new.project, "project", 500),
            scale=new.scale.strip()[:200],
            years_in_business=within_range(new.years_in_business, "years_in_business", 0, 80),
            skills=[s.strip() for s in new.skills if s.strip()][:20],
            annual_revenue_yuan=within_range(
                new.annual_revenue_yuan, "annual_revenue_yuan", 0, 10**12
            ),
            status=CandidateStatus.REGISTERED,
            created_at=now,
            updated_at=now,
        )
        step = CandidateStep(
            candidate_id=candidate.id,
            seq=1,
            action="registered" if is_self else "nominated",
            status=candidate.status,
            actor_id=caller.actor_id,
            at=now,
        )
        async with self.c.db.unit_of_work() as session:
            if await repo.active_with_index(session, candidate.id_number_index) is not None:
                raise AlreadyExists("this person is a candidate already", reason="CANDIDATE_EXISTS")
            session.add(candidate)
            session.add(step)
            publish_step(session, candidate, step.action, caller.actor_id, self.c.reviewer_role)
        return CandidateView(candidate, [step])

    async def get(self, caller: Principal, candidate_id: str) -> CandidateView:
        async with self.c.db.read_only() as session:
            candidate = in_scope(caller, await repo.get_candidate(session, candidate_id))
            return await self.view(session, candidate)

    async def list_candidates(
        self, caller: Principal, wanted: repo.CandidateFilter, *, after_id: str | None, limit: int
    ) -> list[CandidateView]:
        """The candidates of a region in scope (a candidate: their own); `approved`: the
        leader database."""
        filters = repo.CandidateFilter(
            region_code=scope_of(caller, wanted.region_code),
            status=parse(wanted.status, CandidateStatus, "status") if wanted.status else None,
            user_id=caller.subject if sees_only_own(caller) else None,
        )
        async with self.c.db.read_only() as session:
            found = await repo.list_candidates(session, filters, after_id=after_id, limit=limit)
            return await self.views(session, list(found))

    async def act(
        self, caller: Principal, candidate_id: str, action: str, note: str, expected_version: int
    ) -> CandidateView:
        wanted = parse(action, CandidateAction, "action")
        async with self.c.db.unit_of_work() as session:
            candidate = in_scope(caller, await repo.get_candidate(session, candidate_id))
            notice = await self.notice_of(session, candidate)
            await self.close_if_ended(session, candidate, notice)
            state = CandidateState(
                CandidateStatus(candidate.status), notice.open_objections if notice else 0
            )
            require_level(caller.region_code, needed_level(state, wanted))
            if expected_version and expected_version != candidate.version:
                raise Aborted(
                    f"the candidate changed since version {expected_version} "
                    f"(now {candidate.version})",
                    reason="VERSION_CONFLICT",
                )
            target = decide(state, wanted, note)
            now = self.c.clock()
            values: dict[str, Any] = {"status": target.value, "updated_at": now}
            step = STEP_NAMES[wanted]
            if not await self.advance(session, candidate, values, step, caller.actor_id, note):
                raise Aborted("the candidate changed meanwhile; read it again", reason="CONFLICT")
            if target is CandidateStatus.IN_NOTICE:
                await self.publish(session, candidate, caller.actor_id, now)
            elif notice is not None and target in FINAL:
                await notices.decide(session, notice, target.value, caller.actor_id, now)
            audit.record(
                session,
                SERVICE,
                actor_id=caller.actor_id,
                action=f"leader_candidate.{step}",
                target_id=candidate.id,
                region_code=candidate.village_code,
                detail={"status": target.value, "note": note.strip()},
            )
            return await self.view(session, candidate)

    async def publish(
        self, session: AsyncSession, candidate: Candidate, actor_id: str, now: datetime
    ) -> None:
        """The candidate's public notice: the name, village and project, nothing personal."""
        await notices.publish(
            session,
            kind=LEADER_NOTICE,
            subject_id=candidate.id,
            region_code=candidate.village_code,
            region_name=candidate.village_name,
            title=candidate.name,
            fields={
                "leader_type": candidate.leader_type,
                "project": candidate.project,
                "scale": candidate.scale,
                "years_in_business": candidate.years_in_business,
            },
            period=self.c.notice_period,
            actor_id=actor_id,
            now=now,
        )

    async def notice_of(self, session: AsyncSession, candidate: Candidate) -> PublicNotice | None:
        """The candidate's public notice, once the town has published it."""
        return (await notices.latest_of(session, LEADER_NOTICE, [candidate.id])).get(candidate.id)

    async def close_if_ended(
        self, session: AsyncSession, candidate: Candidate, notice: PublicNotice | None = None
    ) -> bool:
        """Close the candidate's notice if it has ended (the scheduler's move, done here when
        someone acts first): exactly once, whoever gets there first."""
        if candidate.status != CandidateStatus.IN_NOTICE:
            return False
        notice = notice or await self.notice_of(session, candidate)
        now = self.c.clock()
        if notice is None or not await notices.close_if_ended(session, notice, now):
            await session.refresh(candidate)  # another replica may have closed it first
            return False
        values = {"status": CandidateStatus.NOTICE_CLOSED.value, "updated_at": now}
        return await self.advance(
            session, candidate, values, "notice_closed", SCHEDULER, "", same_version=False
        )

    async def advance(
        self,
        session: AsyncSession,
        candidate: Candidate,
        values: dict[str, Any],
        step: str,
        actor_id: str,
        note: str,
        *,
        same_version: bool = True,
    ) -> bool:
        """Record the candidate's move if nobody moved it first (False: somebody did);
        `same_version=False`: moves that may come together (objections) each count."""
        if not await repo.move_candidate(session, candidate, values, same_version=same_version):
            return False
        await session.refresh(candidate)
        session.add(
            CandidateStep(
                candidate_id=candidate.id,
                seq=candidate.version,
                action=step,
                status=candidate.status,
                actor_id=actor_id,
                note=note.strip(),
                at=aware(candidate.updated_at),
            )
        )
        publish_step(session, candidate, step, actor_id, self.c.reviewer_role)
        return True

    async def views(self, session: AsyncSession, found: list[Candidate]) -> list[CandidateView]:
        ids = [c.id for c in found]
        steps = await repo.rows_of(session, CandidateStep, ids, *repo.ORDER[CandidateStep])
        noticed = await notices.latest_of(session, LEADER_NOTICE, ids)
        objections = await notices.objections_of(session, [n.id for n in noticed.values()])
        households = await repo.rows_of(session, LedHousehold, ids, *repo.ORDER[LedHousehold])
        policies = await repo.rows_of(session, LeaderPolicy, ids, *repo.ORDER[LeaderPolicy])
        return [
            CandidateView(
                c,
                steps[c.id],
                objections[noticed[c.id].id] if c.id in noticed else [],
                households[c.id],
                policies[c.id],
                noticed.get(c.id),
            )
            for c in found
        ]

    async def view(self, session: AsyncSession, candidate: Candidate) -> CandidateView:
        return (await self.views(session, [candidate]))[0]
