"""Use-cases of a village's record: read (within the caller's territory), and update whether it
is a poor village (贫困村), its yearly profile (村情), its first secretary and work-team leader.

Ownership: the registry records who the first secretary and the team leader are, by their
identity user id and the name identity gives when they are recorded; they must be work-team
(驻村工作队) accounts of that village. Their attendance, work logs and monthly reports stay in
assistance, keyed by the same user id and village code. Counts of poor households and people
are computed from the registry's households, never typed in."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel.ext.asyncio.session import AsyncSession

from jingzhun.identity.v1 import identity_pb2
from kit.clock import utcnow
from kit.errors import FailedPrecondition, FieldViolation, InvalidArgument, NotFound
from kit.grpc_client import ServiceClient
from kit.principal import Principal
from kit.territory import Level, is_valid_code, level_of
from services.registry import village_repository as repo
from services.registry.components import Components
from services.registry.models import Village, VillageHistoryEntry, VillageProfile
from services.registry.statistics_service import POOR

if TYPE_CHECKING:
    from jingzhun.identity.v1.identity_pb2_grpc import IdentityServiceAsyncStub

WORK_TEAM_ROLE = "work_team"
FIRST_YEAR = 1980


@dataclass(frozen=True)
class Cadre:
    user_id: str = ""
    name: str = ""


@dataclass(frozen=True)
class VillageView:
    code: str
    is_poor: bool
    poor_since: int | None
    has_exited: bool
    exit_year: int | None
    first_secretary: Cadre
    team_leader: Cadre
    profiles: list[VillageProfile]  # newest year first
    registered_households: int
    poor_households: int
    registered_people: int
    poor_people: int
    version: int
    updated_at: datetime


@dataclass(frozen=True)
class ProfileFigures:
    year: int
    population: int
    households: int
    arable_land_mu: float
    collective_income: int
    roads_hardened: bool
    drinking_water: bool
    broadband: bool
    clinic: bool
    school: bool


@dataclass(frozen=True)
class VillageUpdate:
    is_poor: bool
    poor_since: int | None
    first_secretary_id: str = ""
    team_leader_id: str = ""
    profile: ProfileFigures | None = None
    reason: str = ""
    expected_version: int = 0


def not_found() -> NotFound:
    return NotFound("village not found", reason="VILLAGE_NOT_FOUND")


def village_code(caller: Principal, code: str) -> str:
    """A village code of the caller's territory; otherwise the not-found a missing one gets."""
    if not is_valid_code(code) or level_of(code) is not Level.VILLAGE:
        raise not_found()
    if not caller.scope.covers_region(code):
        raise not_found()
    return code


def view_of(
    village: Village, profiles: list[VillageProfile], counts: tuple[int, int, int, int]
) -> VillageView:
    households, poor_households, people, poor_people = counts
    return VillageView(
        code=village.code,
        is_poor=village.is_poor,
        poor_since=village.poor_since,
        has_exited=village.has_exited,
        exit_year=village.exit_year,
        first_secretary=Cadre(village.first_secretary_id, village.first_secretary_name),
        team_leader=Cadre(village.team_leader_id, village.team_leader_name),
        profiles=profiles,
        registered_households=households,
        poor_households=poor_households,
        registered_people=people,
        poor_people=poor_people,
        version=village.version,
        updated_at=village.updated_at,
    )


async def views_of(session: AsyncSession, villages: list[Village]) -> list[VillageView]:
    """The villages with their profiles and the counts of their registered households."""
    codes = [v.code for v in villages]
    profiles = await repo.profiles_of(session, codes)
    counts = await repo.household_counts(session, codes, POOR)
    return [view_of(v, profiles[v.code], counts[v.code]) for v in villages]


def checked_year(year: int | None, name: str, now: datetime) -> int | None:
    if year is not None and not FIRST_YEAR <= year <= now.year:
        raise InvalidArgument(
            f"{name} must be a year from {FIRST_YEAR} to this year",
            reason="INVALID_YEAR",
            violations=[FieldViolation(name, f"{FIRST_YEAR}..{now.year}")],
        )
    return year


def snapshot(village: Village) -> dict[str, object]:
    return village.model_dump(exclude={"updated_at", "version"})


class VillagesService:
    def __init__(
        self, components: Components, identity: ServiceClient[IdentityServiceAsyncStub]
    ) -> None:
        self.c = components
        self.identity = identity

    async def visible(
        self, session: AsyncSession, caller: Principal, code: str, *, for_update: bool = False
    ) -> Village:
        """The village's record in the caller's territory; `for_update` locks it (PostgreSQL)
        so that concurrent decisions about one village take turns."""
        village = await session.get(Village, village_code(caller, code), with_for_update=for_update)
        if village is None:
            raise not_found()
        return village

    async def get(self, caller: Principal, code: str) -> VillageView:
        async with self.c.db.read_only() as session:
            return (await views_of(session, [await self.visible(session, caller, code)]))[0]

    async def list_villages(
        self,
        caller: Principal,
        region_code: str,
        *,
        is_poor: bool | None,
        has_exited: bool | None,
        after_code: str | None,
        limit: int,
    ) -> list[VillageView]:
        scope = caller.scope.within(region_code)
        async with self.c.db.read_only() as session:
            found = await repo.list_villages(
                session,
                scope.region_code,
                is_poor=is_poor,
                has_exited=has_exited,
                after_code=after_code,
                limit=limit,
            )
            return await views_of(session, list(found))

    async def history(
        self, caller: Principal, code: str, after_id: int | None, limit: int
    ) -> list[VillageHistoryEntry]:
        async with self.c.db.read_only() as session:
            await self.visible(session, caller, code)
            return list(await repo.history_of(session, code, after_id=after_id, limit=limit))

    async def update(self, caller: Principal, code: str, wanted: VillageUpdate) -> VillageView:
        """Create the record on first use, or change it; a profile replaces its year's."""
        code = village_code(caller, code)
        now = utcnow()
        checked_year(wanted.poor_since, "poor_since", now)
        if wanted.profile is not None:
            checked_year(wanted.profile.year, "profile.year", now)
        if wanted.is_poor != (wanted.poor_since is not None):
            raise InvalidArgument(
                "a poor village has the year it became one; another village has none",
                reason="POOR_SINCE_MISMATCH",
                violations=[FieldViolation("poor_since", "set exactly when is_poor")],
            )
        secretary = await self._cadre(caller, code, wanted.first_secretary_id)
        leader = await self._cadre(caller, code, wanted.team_leader_id)
        async with self.c.db.unit_of_work() as session:
            village = await repo.locked_village(session, code, now)
            if wanted.expected_version and wanted.expected_version != village.version:
                raise FailedPrecondition(
                    "the village changed since you read it", reason="VERSION_MISMATCH"
                )
            before = snapshot(village) if village.version else None
            designation = (wanted.is_poor, wanted.poor_since)
            if designation != (village.is_poor, village.poor_since):
                self._may_designate(caller, village)
            village.is_poor, village.poor_since = designation
            village.first_secretary_id, village.first_secretary_name = secretary
            village.team_leader_id, village.team_leader_name = leader
            after = snapshot(village)
            if before != after:
                village.version += 1
                village.updated_at = now
                session.add(village)
                repo.record(
                    session,
                    village_code=code,
                    at=now,
                    actor_id=caller.actor_id,
                    kind="updated" if before else "created",
                    before=before,
                    after=after,
                    reason=wanted.reason,
                )
            if wanted.profile is not None:
                await self._record_profile(session, caller, village, wanted.profile, now)
            await session.flush()
            return (await views_of(session, [village]))[0]

    def _may_designate(self, caller: Principal, village: Village) -> None:
        """Whether a village is a poor one is the county's (or a higher level's) decision, and
        an exited village stays one until its exit is revoked."""
        if level_of(caller.region_code) > Level.COUNTY:
            raise FailedPrecondition(
                "only the county or a higher level designates poor villages",
                reason="DESIGNATION_BY_COUNTY",
            )
        if village.has_exited:
            raise FailedPrecondition(
                "the village has exited: revoke the exit first", reason="VILLAGE_EXITED"
            )

    async def _record_profile(
        self,
        session: AsyncSession,
        caller: Principal,
        village: Village,
        figures: ProfileFigures,
        now: datetime,
    ) -> None:
        after = asdict(figures)
        old = await session.get(VillageProfile, (village.code, figures.year))
        before = None if old is None else {name: getattr(old, name) for name in after}
        if before == after:
            return
        profile = old or VillageProfile(village_code=village.code, **after)
        for name, value in after.items():
            setattr(profile, name, value)
        profile.recorded_by, profile.recorded_at = caller.actor_id, now
        session.add(profile)
        repo.record(
            session,
            village_code=village.code,
            at=now,
            actor_id=caller.actor_id,
            kind="profile_recorded",
            before=before,
            after=after,
        )

    async def _cadre(self, caller: Principal, code: str, user_id: str) -> tuple[str, str]:
        """(id, name) of a work-team account of the village, as identity shows it to the caller."""
        if not user_id:
            return "", ""
        try:
            user = await self.identity.call(
                self.identity.stub.GetUser,
                identity_pb2.GetUserRequest(id=user_id),
                token=caller.token,
            )
        except NotFound:
            raise NotFound("user not found", reason="USER_NOT_FOUND") from None
        if WORK_TEAM_ROLE not in user.roles or user.region_code != code:
            raise FailedPrecondition(
                "the first secretary and the team leader are work-team members of the village",
                reason="NOT_A_WORK_TEAM_MEMBER",
            )
        return user.id, user.name
