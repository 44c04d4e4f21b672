"""Use-cases of helping units (帮扶单位/后盾单位): officers of a region covering a unit's
territory create and change it, assign it helpers (a helper belongs to at most one unit and must
be a helper account of identity within the unit's territory) and villages (单位包村, within its
territory); lists carry each unit's helpers, paired households and villages. Out of the
caller's territory a unit does not exist."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel.ext.asyncio.session import AsyncSession

from kit import audit
from kit.clock import utcnow
from kit.errors import FailedPrecondition, FieldViolation, InvalidArgument, NotFound
from kit.grpc_client import ServiceClient
from kit.principal import Principal
from kit.territory import Level, is_valid_code, is_within, level_of
from services.registry import helping_repository as repo
from services.registry.components import Components
from services.registry.events import SERVICE
from services.registry.models import HelperRecord, HelpingUnit, UnitVillage
from services.registry.pairing_quotas import LEVEL_NAMES, QuotaRow, quotas_for
from services.registry.pairings_service import active_helper
from services.registry.villages_service import village_code

if TYPE_CHECKING:
    from jingzhun.identity.v1.identity_pb2_grpc import IdentityServiceAsyncStub

KINDS = ("department", "enterprise", "other")
MAX_NAME = 100


@dataclass(frozen=True)
class UnitView:
    id: str
    name: str
    kind: str
    level: str
    region_code: str
    village_codes: list[str]
    helpers: int
    paired_households: int
    version: int
    updated_at: datetime


@dataclass(frozen=True)
class HelperView:
    helper_id: str
    name: str
    region_code: str
    unit_id: str | None
    paired_households: int
    min_households: int
    max_households: int
    quota_role: str  # the role whose row set the quota, "*": the level's row for any role


def helper_view(helper: HelperRecord, paired_households: int, quotas: list[QuotaRow]) -> HelperView:
    """The helper with their quota, chosen as a pairing chooses it (from the roles recorded)."""
    quota = quotas_for(quotas, helper.region_code).of_cadre(
        helper.region_code, repo.roles_of(helper)
    )
    return HelperView(
        helper.helper_id,
        helper.name,
        helper.region_code,
        helper.unit_id,
        paired_households,
        quota.min_households,
        quota.max_households,
        quota.role,
    )


def not_found() -> NotFound:
    return NotFound("helping unit not found", reason="HELPING_UNIT_NOT_FOUND")


def checked_fields(name: str, kind: str) -> tuple[str, str]:
    if not name.strip() or len(name) > MAX_NAME or name.strip() != name:
        raise InvalidArgument(
            f"name is 1 to {MAX_NAME} characters without surrounding spaces",
            violations=[FieldViolation("name", f"1..{MAX_NAME} characters, trimmed")],
        )
    if kind not in KINDS:
        raise InvalidArgument(
            f"kind is one of {', '.join(KINDS)}",
            reason="INVALID_VALUE",
            violations=[FieldViolation("kind", "|".join(KINDS))],
        )
    return name, kind


def snapshot(unit: HelpingUnit) -> dict[str, object]:
    return {"name": unit.name, "kind": unit.kind, "region_code": unit.region_code}


def record(
    session: AsyncSession, caller: Principal, action: str, unit: HelpingUnit, **detail: object
) -> None:
    audit.record(
        session,
        SERVICE,
        actor_id=caller.actor_id,
        action=action,
        target_id=unit.id,
        region_code=unit.region_code,
        detail=detail,
    )


async def views_of(session: AsyncSession, units: list[HelpingUnit]) -> list[UnitView]:
    ids = [u.id for u in units]
    figures = await repo.unit_figures(session, ids)
    villages = await repo.villages_of(session, ids)
    return [
        UnitView(
            u.id,
            u.name,
            u.kind,
            LEVEL_NAMES[level_of(u.region_code)],
            u.region_code,
            villages[u.id],
            *figures[u.id],
            u.version,
            u.updated_at,
        )
        for u in units
    ]


class HelpingUnitsService:
    def __init__(
        self,
        components: Components,
        identity: ServiceClient[IdentityServiceAsyncStub],
        quotas: list[QuotaRow],
    ) -> None:
        self.c = components
        self.identity = identity
        self.quotas = quotas

    async def visible(
        self, session: AsyncSession, caller: Principal, unit_id: str, *, for_update: bool = False
    ) -> HelpingUnit:
        unit = await session.get(HelpingUnit, unit_id, with_for_update=for_update)
        if unit is None or not caller.scope.covers_region(unit.region_code):
            raise not_found()
        return unit

    async def create(self, caller: Principal, name: str, kind: str, region_code: str) -> UnitView:
        name, kind = checked_fields(name, kind)
        if not is_valid_code(region_code) or level_of(region_code) is Level.VILLAGE:
            raise InvalidArgument(
                "a unit's region is a province, city, county or town",
                violations=[FieldViolation("region_code", "a division code above a village")],
            )
        caller.scope.within(region_code)
        now = utcnow()
        unit = HelpingUnit(
            id=uuid.uuid4().hex,
            name=name,
            kind=kind,
            region_code=region_code,
            created_by=caller.actor_id,
            updated_at=now,
        )
        async with self.c.db.unit_of_work() as session:
            session.add(unit)
            record(session, caller, "helping_unit.created", unit, after=snapshot(unit))
            await session.flush()
            return (await views_of(session, [unit]))[0]

    async def update(
        self, caller: Principal, unit_id: str, name: str, kind: str, expected_version: int
    ) -> UnitView:
        name, kind = checked_fields(name, kind)
        async with self.c.db.unit_of_work() as session:
            unit = await self.visible(session, caller, unit_id, for_update=True)
            if expected_version and expected_version != unit.version:
                raise FailedPrecondition(
                    "the unit changed since you read it", reason="VERSION_MISMATCH"
                )
            before = snapshot(unit)
            unit.name, unit.kind = name, kind
            if snapshot(unit) != before:
                unit.version += 1
                unit.updated_at = utcnow()
                session.add(unit)
                record(
                    session,
                    caller,
                    "helping_unit.changed",
                    unit,
                    before=before,
                    after=snapshot(unit),
                )
            await session.flush()
            return (await views_of(session, [unit]))[0]

    async def get(self, caller: Principal, unit_id: str) -> UnitView:
        async with self.c.db.read_only() as session:
            return (await views_of(session, [await self.visible(session, caller, unit_id)]))[0]

    async def list_units(
        self, caller: Principal, region_code: str, after_id: str | None, limit: int
    ) -> list[UnitView]:
        scope = caller.scope.within(region_code)
        async with self.c.db.read_only() as session:
            units = await repo.units_in(session, scope.region_code, after_id=after_id, limit=limit)
            return await views_of(session, list(units))

    async def assign_helper(self, caller: Principal, unit_id: str, helper_id: str) -> HelperView:
        """Make the helper the unit's (moving them from another unit, if any)."""
        async with self.c.db.read_only() as session:
            unit = await self.visible(session, caller, unit_id)
        helper = await active_helper(self.identity, caller, helper_id)
        if not is_within(helper.region_code, unit.region_code):
            raise FailedPrecondition(
                "the helper's territory is not within the unit's", reason="OUT_OF_UNIT_TERRITORY"
            )
        async with self.c.db.unit_of_work() as session:
            now = utcnow()
            found = await repo.locked_helper(session, helper, now)
            if found.unit_id != unit_id:
                previous, found.unit_id, found.updated_at = found.unit_id, unit_id, now
                session.add(found)
                record(
                    session,
                    caller,
                    "helping_unit.helper_assigned",
                    unit,
                    helper_id=helper_id,
                    previous_unit=previous,
                )
            return await self._helper_view(session, found)

    async def remove_helper(self, caller: Principal, unit_id: str, helper_id: str) -> None:
        async with self.c.db.unit_of_work() as session:
            unit = await self.visible(session, caller, unit_id)
            found = await session.get(HelperRecord, helper_id, with_for_update=True)
            if found is None or found.unit_id != unit_id:
                raise NotFound("the helper is not the unit's", reason="UNIT_HELPER_NOT_FOUND")
            found.unit_id, found.updated_at = None, utcnow()
            session.add(found)
            record(session, caller, "helping_unit.helper_removed", unit, helper_id=helper_id)

    async def helpers(self, caller: Principal, unit_id: str) -> list[HelperView]:
        async with self.c.db.read_only() as session:
            await self.visible(session, caller, unit_id)
            return [
                helper_view(h, n, self.quotas) for h, n in await repo.helpers_of(session, unit_id)
            ]

    async def assign_village(self, caller: Principal, unit_id: str, code: str) -> UnitView:
        async with self.c.db.unit_of_work() as session:
            unit = await self.visible(session, caller, unit_id)
            if not is_within(village_code(caller, code), unit.region_code):
                raise FailedPrecondition(
                    "the village is not within the unit's territory",
                    reason="OUT_OF_UNIT_TERRITORY",
                )
            if await session.get(UnitVillage, (unit_id, code)) is None:
                session.add(
                    UnitVillage(
                        unit_id=unit_id,
                        village_code=code,
                        assigned_by=caller.actor_id,
                        assigned_at=utcnow(),
                    )
                )
                record(session, caller, "helping_unit.village_assigned", unit, village_code=code)
            await session.flush()
            return (await views_of(session, [unit]))[0]

    async def remove_village(self, caller: Principal, unit_id: str, code: str) -> UnitView:
        async with self.c.db.unit_of_work() as session:
            unit = await self.visible(session, caller, unit_id)
            assigned = await session.get(UnitVillage, (unit_id, code))
            if assigned is None:
                raise NotFound("the village is not the unit's", reason="UNIT_VILLAGE_NOT_FOUND")
            await session.delete(assigned)
            record(session, caller, "helping_unit.village_removed", unit, village_code=code)
            await session.flush()
            return (await views_of(session, [unit]))[0]

    async def _helper_view(self, session: AsyncSession, helper: HelperRecord) -> HelperView:
        await session.flush()
        return helper_view(helper, await repo.paired_count(session, helper.helper_id), self.quotas)
