"""The public notice (公示) of leader candidates: what anyone may read while it runs (no identity
numbers, phones, bank or health data), objections anyone may lodge during it, the town's
finding on each, and the close of ended notices by the scheduler."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from kit.checks import required_text
from kit.clock import aware
from kit.errors import FailedPrecondition, InvalidArgument, NotFound
from kit.id_numbers import mask_mobile, normalize_mobile
from kit.principal import Principal
from kit.territory import Level, is_valid_code
from services.training import repository as repo
from services.training.candidates_service import CandidatesService, CandidateView, in_scope
from services.training.components import CONTACT_FIELD, Components
from services.training.lifecycle import CandidateStatus, accepts_objections, require_level
from services.training.models import Candidate, Objection

PUBLIC = "public"


@dataclass(frozen=True)
class PublicNotice:
    """A candidate as the public notice shows them: nothing personal beyond the name."""

    candidate_id: str
    name: str
    village_code: str
    village_name: str
    leader_type: str
    project: str
    scale: str
    years_in_business: int
    starts_at: datetime
    ends_at: datetime

    @classmethod
    def of(cls, c: Candidate) -> PublicNotice:
        assert c.notice_starts_at is not None and c.notice_ends_at is not None
        return cls(
            c.id,
            c.name,
            c.village_code,
            c.village_name,
            c.leader_type,
            c.project,
            c.scale,
            c.years_in_business,
            aware(c.notice_starts_at),
            aware(c.notice_ends_at),
        )


class NoticesService:
    def __init__(self, components: Components, candidates: CandidatesService) -> None:
        self.c = components
        self.candidates = candidates

    async def running(
        self, region_code: str, *, after_id: str | None, limit: int
    ) -> list[PublicNotice]:
        """The notices running now, in a region (default: everywhere); no login needed."""
        if region_code and not is_valid_code(region_code):
            raise InvalidArgument("region_code is not a division code", reason="INVALID_REGION")
        async with self.c.db.read_only() as session:
            found = await repo.running_notices(
                session, region_code or None, self.c.clock(), after_id=after_id, limit=limit
            )
        return [PublicNotice.of(c) for c in found]

    async def lodge(self, candidate_id: str, text: str, contact: str) -> Objection:
        """Anyone's objection to a candidate in notice; only while the notice runs."""
        body = required_text(text, "text", 2000)
        phone = normalize_mobile(contact, field="contact") if contact.strip() else ""
        now = self.c.clock()
        async with self.c.db.unit_of_work() as session:
            candidate = await repo.get_candidate(session, candidate_id)
            if candidate is None:
                raise NotFound("candidate not found", reason="CANDIDATE_NOT_FOUND")
            ends = aware(candidate.notice_ends_at) if candidate.notice_ends_at else None
            accepts_objections(CandidateStatus(candidate.status), ends, now)
            values = {"open_objections": Candidate.open_objections + 1, "updated_at": now}
            if not await self.candidates.advance(
                session, candidate, values, "objection_lodged", PUBLIC, "", running_at=now
            ):  # the notice closed meanwhile
                accepts_objections(CandidateStatus.NOTICE_CLOSED, ends, now)
            objection = Objection(
                id=uuid.uuid4().hex,
                candidate_id=candidate.id,
                text=body,
                contact_cipher=(self.c.protector.encrypt(phone, CONTACT_FIELD) if phone else None),
                contact_masked=mask_mobile(phone) if phone else "",
                lodged_at=now,
            )
            session.add(objection)
        return objection

    async def resolve(
        self, caller: Principal, candidate_id: str, objection_id: str, upheld: bool, note: str
    ) -> CandidateView:
        """The town's finding on an objection (during the notice or after it)."""
        resolution = required_text(note, "resolution")
        async with self.c.db.unit_of_work() as session:
            candidate = in_scope(caller, await repo.get_candidate(session, candidate_id))
            require_level(caller.region_code, Level.TOWN)
            await self.candidates.close_if_ended(session, candidate)
            objection = await repo.get_objection(session, objection_id)
            if objection is None or objection.candidate_id != candidate.id:
                raise NotFound("objection not found", reason="OBJECTION_NOT_FOUND")
            if objection.status != "open":
                raise FailedPrecondition(
                    "the objection is resolved already", reason="OBJECTION_RESOLVED"
                )
            now = self.c.clock()
            values = {"open_objections": candidate.open_objections - 1, "updated_at": now}
            step = "objection_resolved"
            if not await self.candidates.advance(
                session, candidate, values, step, caller.actor_id, resolution
            ):
                raise FailedPrecondition(
                    "the candidate changed meanwhile; read it again", reason="CONFLICT"
                )
            objection.status, objection.upheld, objection.resolution = (
                "resolved",
                upheld,
                resolution,
            )
            objection.resolved_by, objection.resolved_at = caller.actor_id, now
            session.add(objection)
            return await self.candidates.view(session, candidate)

    async def close_ended(self, batch: int) -> int:
        """Close one batch of ended notices; returns how many this replica closed."""
        async with self.c.db.read_only() as session:
            ended = list(await repo.ended_notices(session, self.c.clock(), batch))
        closed = 0
        for candidate in ended:
            async with self.c.db.unit_of_work() as session:
                session.add(candidate)
                closed += await self.candidates.close_if_ended(session, candidate)
        return closed
