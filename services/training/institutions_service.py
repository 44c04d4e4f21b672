"""Use-cases of training institutions (培训机构): a user with the institution role registers
its institution and applies; the county approves or rejects it with a reason. An institution
sees only itself; officers see the institutions of the counties in their territory, with the
ratings trainees gave them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from kit import audit
from kit.checks import parse, required_text
from kit.errors import Aborted, AlreadyExists, InvalidArgument, NotFound
from kit.principal import Principal
from kit.territory import Level, is_valid_code, is_within, level_of
from services.training import courses_repository as repo
from services.training.candidates_service import scope_of
from services.training.components import Components
from services.training.courses_domain import InstitutionStatus, screened
from services.training.events import SERVICE, region_at, text_screening
from services.training.lifecycle import require_level
from services.training.models import Institution

INSTITUTION_ROLE = "training_institution"
NO_RATING = (0.0, 0)


@dataclass(frozen=True)
class NewInstitution:
    name: str
    county_code: str
    contact: str
    description: str


@dataclass(frozen=True)
class InstitutionView:
    institution: Institution
    rating: tuple[float, int] = NO_RATING


def is_institution(caller: Principal) -> bool:
    return set(caller.roles) <= {INSTITUTION_ROLE}


def not_found() -> NotFound:
    return NotFound("institution not found", reason="INSTITUTION_NOT_FOUND")


def visible(caller: Principal, institution: Institution | None) -> Institution:
    """The institution if the caller may see it (an institution: itself); else not found."""
    if institution is None:
        raise not_found()
    if is_institution(caller):
        if institution.owner_user_id != caller.subject:
            raise not_found()
    elif not is_within(institution.county_code, caller.region_code):
        raise not_found()
    return institution


def county_of(caller: Principal, county_code: str) -> str:
    """The institution's county: the one asked for, or the caller's own."""
    home = caller.region_code
    if not county_code and level_of(home) >= Level.COUNTY:
        county_code = region_at(home, Level.COUNTY)
    if not is_valid_code(county_code) or level_of(county_code) is not Level.COUNTY:
        raise InvalidArgument("county_code must be a county", reason="NOT_A_COUNTY")
    if not (is_within(county_code, home) or is_within(home, county_code)):
        raise NotFound("region not found", reason="REGION_NOT_FOUND")
    return county_code


class InstitutionsService:
    def __init__(self, components: Components) -> None:
        self.c = components

    async def apply(self, caller: Principal, new: NewInstitution) -> InstitutionView:
        now = self.c.clock()
        institution = Institution(
            id=uuid.uuid4().hex,
            owner_user_id=caller.subject,
            name=required_text(new.name, "name", 100),
            county_code=county_of(caller, new.county_code),
            contact=new.contact.strip()[:100],
            description=new.description.strip()[:2000],
            status=InstitutionStatus.APPLIED,
            created_at=now,
            updated_at=now,
        )
        async with self.c.db.unit_of_work() as session:
            if await repo.institution_of_owner(session, caller.subject) is not None:
                raise AlreadyExists(
                    "you have registered an institution already", reason="INSTITUTION_EXISTS"
                )
            session.add(institution)
        return InstitutionView(institution)

    async def get(self, caller: Principal, institution_id: str) -> InstitutionView:
        async with self.c.db.read_only() as session:
            found = visible(caller, await session.get(Institution, institution_id))
            return (await self.views(session, [found]))[0]

    async def list_institutions(
        self, caller: Principal, region_code: str, status: str, after_id: str | None, limit: int
    ) -> list[InstitutionView]:
        wanted = parse(status, InstitutionStatus, "status") if status else None
        async with self.c.db.read_only() as session:
            if is_institution(caller):
                own = await repo.institution_of_owner(session, caller.subject)
                found = [own] if own is not None and after_id is None else []
            else:
                scope = scope_of(caller, region_code)
                found = list(await repo.list_institutions(session, scope, wanted, after_id, limit))
            return await self.views(session, found)

    async def screen(
        self, caller: Principal, institution_id: str, approve: bool, reason: str, version: int
    ) -> InstitutionView:
        note = required_text(reason, "reason")
        async with self.c.db.unit_of_work() as session:
            institution = visible(caller, await session.get(Institution, institution_id))
            require_level(caller.region_code, Level.COUNTY)
            if version and version != institution.version:
                raise Aborted("the institution changed meanwhile", reason="VERSION_CONFLICT")
            values = {
                "status": screened(institution.status, approve).value,
                "reason": note,
                "screened_by": caller.actor_id,
                "updated_at": self.c.clock(),
            }
            if not await repo.screen_institution(session, institution, values):
                raise Aborted("the institution changed meanwhile", reason="CONFLICT")
            await session.refresh(institution)
            text_screening(session, institution, caller.actor_id)
            audit.record(
                session,
                SERVICE,
                actor_id=caller.actor_id,
                action="institution.screened",
                target_id=institution.id,
                region_code=institution.county_code,
                detail={"status": institution.status, "reason": note},
            )
            return (await self.views(session, [institution]))[0]

    async def views(self, session: AsyncSession, found: list[Institution]) -> list[InstitutionView]:
        ratings = await repo.institution_ratings(session, [i.id for i in found])
        return [InstitutionView(i, ratings.get(i.id, NO_RATING)) for i in found]
