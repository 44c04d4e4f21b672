"""Use-cases of needs (帮扶需求): a helper files one for a household paired with them; the
owning level (or one above it) resolves, answers or escalates it; the ledger and the menu of a
region. Every move is one conditional update, so a person and the scheduler never both win."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.checks import parse, required_text
from kit.clock import aware
from kit.errors import Aborted, NotFound, PermissionDenied
from kit.principal import Principal
from kit.scope import Scope
from kit.territory import is_valid_code, is_within
from services.assistance import repository as repo
from services.assistance.components import Components
from services.assistance.domain import Category, OwnerLevel, level_name
from services.assistance.events import (
    NEED_CLOSED,
    NEED_ESCALATED,
    NEED_FILED,
    publish_need,
    text_new_owner,
)
from services.assistance.lifecycle import (
    FILED,
    STEP_NAMES,
    NeedAction,
    NeedState,
    NeedStatus,
    apply,
)
from services.assistance.models import Need, NeedStep
from services.assistance.registry_view import RegistryView


@dataclass(frozen=True)
class NeedView:
    need: Need
    steps: list[NeedStep]
    overdue: bool


@dataclass(frozen=True)
class NeedsMenu:
    region_code: str
    cells: list[tuple[str, str, str, int]]  # category, owner level, status, count
    overdue: int

    @property
    def total(self) -> int:
        return sum(cell[3] for cell in self.cells)

    @property
    def open(self) -> int:
        return sum(cell[3] for cell in self.cells if cell[2] == NeedStatus.OPEN)


def not_found() -> NotFound:
    return NotFound("need not found", reason="NEED_NOT_FOUND")


def in_scope(scope: Scope, need: Need | None) -> Need:
    """The need, if its household lies in the caller's scope; out of it, it does not."""
    if need is None or not scope.covers(need.village_code, need.household_id):
        raise not_found()
    return need


def scope_of(caller: Principal, region_code: str) -> str:
    scope = region_code or caller.region_code
    if not is_valid_code(scope) or not is_within(scope, caller.region_code):
        raise NotFound("region not found", reason="REGION_NOT_FOUND")
    return scope


class NeedsService:
    def __init__(self, components: Components, registry: RegistryView) -> None:
        self.c = components
        self.registry = registry

    async def file(
        self, caller: Principal, household_id: str, category: str, description: str, urgent: bool
    ) -> NeedView:
        wanted = parse(category, Category, "category")
        text = required_text(description, "description")
        household = await self.registry.paired_household(caller, household_id, named=True)
        now = self.c.clock()
        need = Need(
            id=uuid.uuid4().hex,
            household_id=household.id,
            village_code=household.village_code,
            village_name=household.village_name,
            category=wanted,
            description=text,
            urgent=urgent,
            status=NeedStatus.OPEN,
            owner_region=household.village_code,
            owner_level=level_name(household.village_code),
            due_at=self.c.deadlines.due(household.village_code, urgent, now),
            filed_by=caller.actor_id,
            created_at=now,
            updated_at=now,
        )
        step = NeedStep(
            need_id=need.id,
            seq=1,
            action=FILED,
            to_region=need.owner_region,
            actor_id=caller.actor_id,
            at=now,
        )
        async with self.c.db.unit_of_work() as session:
            session.add(need)
            session.add(step)
            publish_need(session, NEED_FILED, need, caller.actor_id)
        return NeedView(need, [step], overdue=False)

    async def get(self, caller: Principal, need_id: str) -> NeedView:
        scope = await self.registry.scope(caller)
        async with self.c.db.read_only() as session:
            need = in_scope(scope, await repo.get_need(session, need_id))
            return (await self._views(session, [need]))[0]

    async def act(
        self, caller: Principal, need_id: str, action: str, reason: str, expected_version: int
    ) -> NeedView:
        wanted = parse(action, NeedAction, "action")
        scope = await self.registry.scope(caller)
        async with self.c.db.unit_of_work() as session:
            need = in_scope(scope, await repo.get_need(session, need_id))
            if not is_within(need.owner_region, caller.region_code):
                raise PermissionDenied(
                    f"the {need.owner_level} level owns this need: only it or a level above acts",
                    reason="NOT_THE_OWNER",
                )
            if expected_version and expected_version != need.version:
                raise Aborted(
                    f"the need changed since version {expected_version} (now {need.version})",
                    reason="VERSION_CONFLICT",
                )
            state = apply(
                NeedState(NeedStatus(need.status), need.owner_region), wanted, reason=reason
            )
            await self.move(session, need, state, STEP_NAMES[wanted], caller.actor_id, reason)
            return (await self._views(session, [need]))[0]

    async def move(
        self,
        session: AsyncSession,
        need: Need,
        state: NeedState,
        step: str,
        actor_id: str,
        reason: str,
        *,
        due_by: datetime | None = None,
    ) -> bool:
        """Record `need`'s move to `state` if nobody moved it first (False: somebody did; with
        `due_by`, the scheduler's move, that is no error)."""
        now = self.c.clock()
        escalated = state.owner_region != need.owner_region
        values = {"status": state.status.value, "updated_at": now}
        if escalated:
            values |= {
                "owner_region": state.owner_region,
                "owner_level": level_name(state.owner_region),
                "due_at": self.c.deadlines.due(state.owner_region, need.urgent, now),
            }
        before = need.owner_region
        if not await repo.move_need(session, need.id, need.version, values, due_by=due_by):
            if due_by is not None:
                return False
            raise Aborted("the need changed meanwhile; read it again", reason="VERSION_CONFLICT")
        await session.refresh(need)
        session.add(
            NeedStep(
                need_id=need.id,
                seq=need.version,
                action=step,
                from_region=before,
                to_region=need.owner_region,
                actor_id=actor_id,
                reason=reason,
                at=now,
            )
        )
        publish_need(session, NEED_ESCALATED if escalated else NEED_CLOSED, need, actor_id)
        if escalated:
            text_new_owner(session, need, self.c.owner_role, actor_id)
        return True

    async def ledger(
        self,
        caller: Principal,
        wanted: repo.NeedFilter,
        *,
        after_id: str | None,
        limit: int,
    ) -> list[NeedView]:
        """问题解决台账: every need of a region in scope, each with its whole path."""
        scope = await self.registry.scope(caller, wanted.region_code)
        filters = repo.NeedFilter(
            region_code=scope.region_code,
            status=parse(wanted.status, NeedStatus, "status") if wanted.status else None,
            category=parse(wanted.category, Category, "category") if wanted.category else None,
            owner_level=(
                parse(wanted.owner_level, OwnerLevel, "owner_level") if wanted.owner_level else None
            ),
        )
        async with self.c.db.read_only() as session:
            needs = await repo.list_needs(session, scope, filters, after_id=after_id, limit=limit)
            return await self._views(session, list(needs))

    async def menu(self, caller: Principal, region_code: str) -> NeedsMenu:
        scope = await self.registry.scope(caller, region_code)
        async with self.c.db.read_only() as session:
            cells = await repo.needs_menu(session, scope)
            overdue = await repo.count_overdue(session, scope, self.c.clock())
        return NeedsMenu(scope.region_code, cells, overdue)

    async def _views(self, session: AsyncSession, needs: list[Need]) -> list[NeedView]:
        steps = await repo.steps_of(session, [n.id for n in needs])
        now = self.c.clock()
        return [
            NeedView(n, steps[n.id], n.status == NeedStatus.OPEN and aware(n.due_at) <= now)
            for n in needs
        ]
