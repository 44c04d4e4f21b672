"""Use-cases of spot checks (督查抽查): an inspector samples the households of a region in their
territory (reproducibly, with a seed; stratified by village or by status), gets them as a
route to visit, and records per household what they found against the archive; a finding
that differs opens a verify_data task to the village's work team. Both acts are audited."""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from jingzhun.registry.v1 import registry_pb2
from kit import audit
from kit.checks import parse
from kit.coordinates import CoordinateSystem, Point, to_wgs84
from kit.errors import AlreadyExists, FieldViolation, InvalidArgument, NotFound
from kit.principal import Principal
from services.assistance import spot_check_repository as repo
from services.assistance.components import Components
from services.assistance.domain import TaskKind, valid_position
from services.assistance.events import SERVICE
from services.assistance.models import (
    Assignment,
    SpotCheck,
    SpotCheckFinding,
    SpotCheckHousehold,
    Task,
)
from services.assistance.registry_view import HouseholdRef, RegistryView
from services.assistance.spot_check_rules import (
    ATTRIBUTES,
    INCOME_SOURCES,
    SAFE_HOUSING,
    Difference,
    Observation,
    Outcome,
    Stratification,
    differences,
    route,
    sample,
)
from services.assistance.tasks_service import NewTask, TasksService, add_task

LARGEST_SAMPLE = 500
SEED_LIMIT = 64
NOTES_LIMIT = 2000
FIX_WITHIN = timedelta(days=7)  # the work team's time to verify a finding's differences
NOT_SAMPLED = frozenset({"removed"})  # a household struck from the registry is not visited


@dataclass(frozen=True)
class NewSpotCheck:
    region_code: str = ""
    size: int = 0
    stratify_by: str = ""
    seed: str = ""
    start_latitude: float | None = None
    start_longitude: float | None = None
    coordinate_system: str = ""


@dataclass(frozen=True)
class NewFinding:
    spot_check_id: str
    household_id: str
    outcome: str
    observed: Observation = field(default_factory=Observation)
    notes: str = ""


@dataclass(frozen=True)
class SpotCheckView:
    spot_check: SpotCheck
    households: list[SpotCheckHousehold]
    findings: dict[str, SpotCheckFinding]

    @property
    def strata(self) -> list[tuple[str, int, int]]:
        return [(s, population, n) for s, population, n in json.loads(self.spot_check.strata)]


def not_found() -> NotFound:
    return NotFound("spot check not found", reason="SPOT_CHECK_NOT_FOUND")


def archive_observation(household: registry_pb2.Household) -> Observation:
    """The registry's record put the way an inspector states what they see."""
    latest = max(household.incomes, key=lambda y: y.year, default=None)
    sources = tuple(s for s in INCOME_SOURCES if latest and latest.by_source.get(s, 0) > 0)
    return Observation(
        members_count=len(household.members),
        attribute=household.attribute,
        safe_housing=household.indicators[SAFE_HOUSING]
        if SAFE_HOUSING in household.indicators
        else None,
        income_sources=sources,
    )


def checked(seen: Observation) -> Observation:
    violations = []
    if seen.members_count is not None and not 0 <= seen.members_count <= 50:
        violations.append(FieldViolation("observed.members_count", "0 to 50"))
    if seen.attribute is not None and seen.attribute not in ATTRIBUTES:
        violations.append(FieldViolation("observed.attribute", "one of " + ", ".join(ATTRIBUTES)))
    if not set(seen.income_sources) <= set(INCOME_SOURCES):
        violations.append(
            FieldViolation("observed.income_sources", "of " + ", ".join(INCOME_SOURCES))
        )
    if violations:
        raise InvalidArgument(
            "what was seen is not valid", reason="INVALID_OBSERVATION", violations=violations
        )
    return Observation(
        seen.members_count,
        seen.attribute,
        seen.safe_housing,
        tuple(s for s in INCOME_SOURCES if s in seen.income_sources),
    )


class SpotChecksService:
    def __init__(self, components: Components, registry: RegistryView, tasks: TasksService) -> None:
        self.c = components
        self.registry = registry
        self.tasks = tasks

    async def create(self, caller: Principal, new: NewSpotCheck) -> SpotCheckView:
        scope = caller.scope.within(new.region_code)
        stratify_by = parse(new.stratify_by, Stratification, "stratify_by")
        if not 1 <= new.size <= LARGEST_SAMPLE:
            raise InvalidArgument(
                f"size must be between 1 and {LARGEST_SAMPLE}",
                reason="INVALID_SAMPLE_SIZE",
                violations=[FieldViolation("size", f"1 to {LARGEST_SAMPLE}")],
            )
        seed = new.seed or secrets.token_hex(8)
        if len(seed) > SEED_LIMIT:
            raise InvalidArgument(
                f"the seed takes at most {SEED_LIMIT} characters", reason="SEED_TOO_LONG"
            )
        start = self._start(new)
        population = [
            h
            for h in await self.registry.households_in(caller, scope.region_code)
            if h.status not in NOT_SAMPLED
        ]
        stratum = {
            Stratification.NONE: lambda h: "",
            Stratification.VILLAGE: lambda h: h.village_code,
            Stratification.STATUS: lambda h: h.status,
        }[stratify_by]
        drawn = sample(population, new.size, seed, stratum, lambda h: h.id)
        names = {
            code: await self.registry.region_name(caller, code)
            for code in sorted({h.village_code for h, _ in drawn.chosen})
        }
        strata_of = {h.id: s for h, s in drawn.chosen}
        stops = route([h for h, _ in drawn.chosen], position_of, start)
        spot_check = SpotCheck(
            id=uuid.uuid4().hex,
            region_code=scope.region_code,
            inspector_id=caller.subject,
            stratify_by=stratify_by,
            seed=seed,
            population=len(population),
            strata=json.dumps(drawn.strata),
            start_latitude=start[0] if start else None,
            start_longitude=start[1] if start else None,
            created_at=self.c.clock(),
        )
        rows = [
            SpotCheckHousehold(
                spot_check_id=spot_check.id,
                household_id=h.id,
                position=n,
                village_code=h.village_code,
                village_name=names[h.village_code],
                stratum=strata_of[h.id],
                latitude=h.latitude,
                longitude=h.longitude,
                leg_m=leg,
            )
            for n, (h, leg) in enumerate(stops, start=1)
        ]
        async with self.c.db.unit_of_work() as session:
            session.add(spot_check)
            await session.flush()
            session.add_all(rows)
            audit.record(
                session,
                SERVICE,
                actor_id=caller.actor_id,
                action="spot_check.created",
                target_id=spot_check.id,
                region_code=spot_check.region_code,
                detail={
                    "seed": seed,
                    "size": new.size,
                    "stratify_by": stratify_by.value,
                    "population": spot_check.population,
                    "households": [r.household_id for r in rows],
                },
            )
        return SpotCheckView(spot_check, rows, {})

    async def get(self, caller: Principal, spot_check_id: str) -> SpotCheckView:
        """Seen by whoever's territory covers its region (out of it: not found)."""
        async with self.c.db.read_only() as session:
            found = await repo.get_spot_check(session, spot_check_id)
            if found is None or not caller.scope.covers_region(found.region_code):
                raise not_found()
            households = list(await repo.sampled(session, found.id))
            return SpotCheckView(found, households, await repo.findings(session, found.id))

    async def list_spot_checks(
        self,
        caller: Principal,
        region_code: str,
        inspector_id: str,
        *,
        after: tuple[datetime, str] | None,
        limit: int,
    ) -> list[repo.SpotCheckCounts]:
        """The spot checks of a subtree of the caller's territory (another region: not found),
        newest first, with how far each has got."""
        scope = caller.scope.within(region_code)
        async with self.c.db.read_only() as session:
            return await repo.list_spot_checks(
                session, scope.region_code, inspector_id, after=after, limit=limit
            )

    async def record_finding(self, caller: Principal, new: NewFinding) -> SpotCheckFinding:
        """Once per sampled household; differences open a task to the village's work team."""
        outcome = parse(new.outcome, Outcome, "outcome")
        seen = checked(new.observed)
        if len(new.notes) > NOTES_LIMIT:
            raise InvalidArgument(
                f"notes take at most {NOTES_LIMIT} characters", reason="NOTES_TOO_LONG"
            )
        view = await self.get(caller, new.spot_check_id)
        if new.household_id not in {h.household_id for h in view.households}:
            raise NotFound("household not found", reason="HOUSEHOLD_NOT_FOUND")
        if new.household_id in view.findings:
            raise AlreadyExists(
                "a finding was recorded for this household already", reason="FINDING_EXISTS"
            )
        archive = await self.registry.archive(caller, new.household_id)
        found = differences(outcome, seen, archive_observation(archive))
        now = self.c.clock()
        task = await self._fix_task(caller, archive, found) if found else None
        finding = SpotCheckFinding(
            id=uuid.uuid4().hex,
            spot_check_id=view.spot_check.id,
            household_id=new.household_id,
            outcome=outcome,
            observed=json.dumps(asdict(seen), ensure_ascii=False),
            differences=json.dumps([asdict(d) for d in found], ensure_ascii=False),
            notes=new.notes.strip(),
            task_id=task[0].id if task else "",
            recorded_by=caller.actor_id,
            recorded_at=now,
        )
        async with self.c.db.unit_of_work() as session:
            if task:
                await add_task(session, *task)
            session.add(finding)
            audit.record(
                session,
                SERVICE,
                actor_id=caller.actor_id,
                action="spot_check.finding_recorded",
                target_id=finding.id,
                region_code=archive.village_code,
                detail={
                    "spot_check_id": finding.spot_check_id,
                    "household_id": finding.household_id,
                    "outcome": outcome.value,
                    "differences": [d.field for d in found],
                    "task_id": finding.task_id,
                },
            )
        return finding

    async def _fix_task(
        self, caller: Principal, archive: registry_pb2.Household, found: list[Difference]
    ) -> tuple[Task, list[Assignment]] | None:
        """A verify_data task to the work team of the household's village (none when the
        village has no work team yet: the finding stands alone)."""
        wanted = NewTask(
            kind=TaskKind.VERIFY_DATA,
            title=f"督查抽查发现档案不符，请核实户{archive.number}："
            + "、".join(d.field for d in found),
            due_at=self.c.clock() + FIX_WITHIN,
            household_id=archive.id,
            role="work_team",
        )
        try:
            return await self.tasks.prepare(caller, wanted)
        except InvalidArgument as exc:
            if exc.reason != "NO_ASSIGNEES":
                raise
            return None

    def _start(self, new: NewSpotCheck) -> Point | None:
        if new.start_latitude is None and new.start_longitude is None:
            return None
        system = parse(new.coordinate_system or "wgs84", CoordinateSystem, "coordinate_system")
        return to_wgs84(system, *valid_position(new.start_latitude, new.start_longitude))


def position_of(household: HouseholdRef) -> Point | None:
    if household.latitude is None or household.longitude is None:
        return None
    return household.latitude, household.longitude
