"""The public notice (公示) of households proposed for identification or for exit, on the
platform's one notice mechanism (kit.public_notice): a town publishes the list (the head's name
and the village only), anyone reads it and objects while it runs, the town resolves each
objection, and only once the notice has ended with none open does the county approve — the
approval is the household's lifecycle transition, with the notice as its record."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from kit import audit
from kit import public_notice as notices
from kit.checks import parse
from kit.errors import AlreadyExists, InvalidArgument, NotFound, PermissionDenied
from kit.principal import Principal
from kit.public_notice import NoticeObjection, PublicNotice
from kit.territory import Level, is_valid_code, is_within, level_of
from services.registry import events
from services.registry import repository as repo
from services.registry.components import Components
from services.registry.households_service import found
from services.registry.lifecycle import Action, apply


class NoticeKind(StrEnum):
    IDENTIFICATION = "identification"  # approval: the identified household enters assistance
    EXIT = "exit"  # approval: the household exits poverty (脱贫)


# The lifecycle transition each notice's approval performs.
ACTIONS = {NoticeKind.IDENTIFICATION: Action.START_ASSISTANCE, NoticeKind.EXIT: Action.EXIT}
PREFIX = "household_"
KINDS = [PREFIX + kind for kind in NoticeKind]
MAX_PUBLISHED = 200


@dataclass(frozen=True)
class NoticeView:
    notice: PublicNotice
    state: str
    objections: list[NoticeObjection] = field(default_factory=list)


def require_level(caller: Principal, needed: Level) -> None:
    if level_of(caller.region_code) > needed:
        raise PermissionDenied(
            f"the {needed.name.lower()} level does this", reason="NOT_THE_RESPONSIBLE_LEVEL"
        )


def scope_of(caller: Principal, region_code: str) -> str:
    scope = region_code or caller.region_code
    if not is_valid_code(scope) or not is_within(scope, caller.region_code):
        raise NotFound("region not found", reason="REGION_NOT_FOUND")
    return scope


class HouseholdNotices:
    def __init__(self, components: Components) -> None:
        self.c = components

    async def publish(
        self, caller: Principal, kind: str, household_ids: list[str]
    ) -> list[NoticeView]:
        """The town's list of households proposed for identification or exit, in notice from
        now for the notice period; each household is noticed once at a time."""
        wanted = parse(kind, NoticeKind, "kind")
        if not household_ids or len(household_ids) > MAX_PUBLISHED:
            raise InvalidArgument(
                f"between 1 and {MAX_PUBLISHED} households", reason="INVALID_HOUSEHOLDS"
            )
        require_level(caller, Level.TOWN)
        now = self.c.clock()
        published: list[NoticeView] = []
        async with self.c.db.unit_of_work() as session:
            heads = await repo.members_of(session, household_ids)
            for household_id in dict.fromkeys(household_ids):
                household = found(await repo.household_in(session, caller.scope, household_id))
                apply(events.lifecycle_of(household), ACTIONS[wanted], reason="公示")
                if await notices.undecided_of(session, PREFIX + wanted, household.id):
                    raise AlreadyExists(
                        "the household is in public notice already", reason="NOTICE_EXISTS"
                    )
                head = next((m for m in heads[household.id] if m.relation == "head"), None)
                notice = await notices.publish(
                    session,
                    kind=PREFIX + wanted,
                    subject_id=household.id,
                    region_code=household.village_code,
                    region_name="",
                    title=head.name if head else "",
                    fields={},
                    period=self.c.notice_period,
                    actor_id=caller.actor_id,
                    now=now,
                )
                audit.record(
                    session,
                    events.SERVICE,
                    actor_id=caller.actor_id,
                    action=f"household_notice.published.{wanted}",
                    target_id=notice.id,
                    region_code=household.village_code,
                    detail={"household_id": household.id, "ends_at": notice.ends_at.isoformat()},
                )
                published.append(NoticeView(notice, notices.NoticeState.RUNNING))
        return published

    async def in_scope(
        self, caller: Principal, region_code: str, *, after_id: str | None, limit: int
    ) -> list[NoticeView]:
        """Every notice (running, ended, decided) of the caller's territory, with objections."""
        region = scope_of(caller, region_code)
        async with self.c.db.read_only() as session:
            found_notices = list(
                await notices.listed(session, KINDS, region, after_id=after_id, limit=limit)
            )
            objections = await notices.objections_of(session, [n.id for n in found_notices])
        now = self.c.clock()
        return [NoticeView(n, notices.state_at(n, now), objections[n.id]) for n in found_notices]

    async def running(
        self, region_code: str, *, after_id: str | None, limit: int
    ) -> list[PublicNotice]:
        """The notices running now, for anyone (no login): the head's name and village."""
        if region_code and not is_valid_code(region_code):
            raise InvalidArgument("region_code is not a division code", reason="INVALID_REGION")
        async with self.c.db.read_only() as session:
            return list(
                await notices.listed(
                    session,
                    KINDS,
                    region_code or None,
                    running_at=self.c.clock(),
                    after_id=after_id,
                    limit=limit,
                )
            )

    async def lodge(self, notice_id: str, text: str, contact: str) -> NoticeObjection:
        """Anyone's objection while the notice runs."""
        async with self.c.db.unit_of_work() as session:
            notice = await notices.get(session, notice_id, KINDS)
            if notice is None:
                raise notices.notice_not_found()
            return await notices.lodge(
                session, self.c.protector, notice, text, contact, self.c.clock()
            )

    async def resolve(
        self, caller: Principal, notice_id: str, objection_id: str, upheld: bool, note: str
    ) -> NoticeView:
        """The town's finding on an objection."""
        async with self.c.db.unit_of_work() as session:
            notice = await self.visible(session, caller, notice_id)
            require_level(caller, Level.TOWN)
            objection = await notices.resolve(
                session, notice, objection_id, upheld, note, caller.actor_id, self.c.clock()
            )
            audit.record(
                session,
                events.SERVICE,
                actor_id=caller.actor_id,
                action="household_notice.objection_resolved",
                target_id=notice.id,
                region_code=notice.region_code,
                detail={"objection_id": objection.id, "upheld": upheld},
            )
            return await self.view(session, notice, self.c.clock())

    async def approve(self, caller: Principal, notice_id: str, note: str) -> NoticeView:
        """The county's approval, once the notice ended with no open objection: the household's
        transition (identified → under assistance, or exit), recorded with the notice's id."""
        async with self.c.db.unit_of_work() as session:
            notice = await self.visible(session, caller, notice_id)
            require_level(caller, Level.COUNTY)
            now = self.c.clock()
            household = found(
                await repo.household_in(session, caller.scope, notice.subject_id, for_update=True)
            )
            kind = NoticeKind(notice.kind.removeprefix(PREFIX))
            reason = f"公示 {notice.id} 期满无异议" + (f": {note.strip()}" if note.strip() else "")
            before = events.lifecycle_of(household)
            after = apply(before, ACTIONS[kind], reason=reason)
            await notices.decide(session, notice, "approved", caller.actor_id, now)
            events.commit_transition(
                session, household, ACTIONS[kind], before, after, caller.actor_id, reason
            )
            audit.record(
                session,
                events.SERVICE,
                actor_id=caller.actor_id,
                action=f"household_notice.approved.{kind}",
                target_id=notice.id,
                region_code=notice.region_code,
                detail={"household_id": household.id, "status": after.status},
            )
            return await self.view(session, notice, now)

    @staticmethod
    async def visible(session: AsyncSession, caller: Principal, notice_id: str) -> PublicNotice:
        notice = await notices.get(session, notice_id, KINDS)
        if notice is None or not is_within(notice.region_code, caller.region_code):
            raise notices.notice_not_found()
        return notice

    @staticmethod
    async def view(session: AsyncSession, notice: PublicNotice, now: datetime) -> NoticeView:
        objections = (await notices.objections_of(session, [notice.id]))[notice.id]
        return NoticeView(notice, notices.state_at(notice, now), objections)
