"""The public notice (公示) of leader candidates, on the platform's one notice mechanism
(kit.public_notice): what anyone may read while it runs (no identity numbers, phones, bank or
health data), objections anyone may lodge during it, the town's finding on each, and the close
of ended notices by the scheduler."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kit import public_notice as notices
from kit.clock import aware
from kit.errors import FailedPrecondition, InvalidArgument, NotFound
from kit.principal import Principal
from kit.public_notice import PUBLIC, NoticeObjection
from kit.territory import Level, is_valid_code
from services.training import repository as repo
from services.training.candidates_service import (
    LEADER_NOTICE,
    CandidatesService,
    CandidateView,
    in_scope,
    not_found,
)
from services.training.components import Components
from services.training.lifecycle import require_level


@dataclass(frozen=True)
class PublicNotice:
    """A candidate as the public notice shows them: nothing personal beyond the name."""

    notice_id: str
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
    def of(cls, n: notices.PublicNotice) -> PublicNotice:
        return cls(
            n.id,
            n.subject_id,
            n.title,
            n.region_code,
            n.region_name,
            n.fields["leader_type"],
            n.fields["project"],
            n.fields["scale"],
            n.fields["years_in_business"],
            aware(n.starts_at),
            aware(n.ends_at),
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
            found = await notices.listed(
                session,
                [LEADER_NOTICE],
                region_code or None,
                running_at=self.c.clock(),
                after_id=after_id,
                limit=limit,
            )
        return [PublicNotice.of(n) for n in found]

    async def lodge(self, candidate_id: str, text: str, contact: str) -> NoticeObjection:
        """Anyone's objection to a candidate in notice; only while the notice runs."""
        now = self.c.clock()
        async with self.c.db.unit_of_work() as session:
            candidate = await repo.get_candidate(session, candidate_id)
            if candidate is None:
                raise not_found()
            notice = await self.candidates.notice_of(session, candidate)
            if notice is None:
                raise notices.not_running()
            objection = await notices.lodge(session, self.c.protector, notice, text, contact, now)
            values = {"updated_at": now}
            if not await self.candidates.advance(
                session, candidate, values, "objection_lodged", PUBLIC, "", same_version=False
            ):  # the candidate left the notice meanwhile
                raise notices.not_running()
        return objection

    async def resolve(
        self, caller: Principal, candidate_id: str, objection_id: str, upheld: bool, note: str
    ) -> CandidateView:
        """The town's finding on an objection (during the notice or after it)."""
        async with self.c.db.unit_of_work() as session:
            candidate = in_scope(caller, await repo.get_candidate(session, candidate_id))
            require_level(caller.region_code, Level.TOWN)
            notice = await self.candidates.notice_of(session, candidate)
            if notice is None:
                raise NotFound("objection not found", reason="OBJECTION_NOT_FOUND")
            await self.candidates.close_if_ended(session, candidate, notice)
            now = self.c.clock()
            await notices.resolve(session, notice, objection_id, upheld, note, caller.actor_id, now)
            if not await self.candidates.advance(
                session, candidate, {"updated_at": now}, "objection_resolved", caller.actor_id, note
            ):
                raise FailedPrecondition(
                    "the candidate changed meanwhile; read it again", reason="CONFLICT"
                )
            return await self.candidates.view(session, candidate)

    async def close_ended(self, batch: int) -> int:
        """Close one batch of ended notices; returns how many this replica closed."""
        async with self.c.db.read_only() as session:
            ended = list(
                await notices.ended_running(session, [LEADER_NOTICE], self.c.clock(), batch)
            )
        closed = 0
        for notice in ended:
            async with self.c.db.unit_of_work() as session:
                session.add(notice)
                candidate = await repo.get_candidate(session, notice.subject_id)
                if candidate is not None:
                    closed += await self.candidates.close_if_ended(session, candidate, notice)
        return closed
