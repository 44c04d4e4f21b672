"""Use-cases of the helper's handbook (帮扶手册): a household's plan of a year, made by its
paired helper or an officer of its territory; its measures chosen from the menu matched to the
household's poverty causes, and their dated progress (措施与成效); the household's income and
spending ledger (收支登记), whose year totals an officer applies to the registry's incomes of
that year; and a helper's responsibilities list (帮扶责任清单)."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from kit import audit
from kit.checks import required_text
from kit.errors import AlreadyExists, FieldViolation, InvalidArgument, NotFound
from kit.principal import Principal
from services.assistance import handbook_repository as repo
from services.assistance.components import Components
from services.assistance.events import LOCAL_TIME, SERVICE
from services.assistance.handbook_rules import (
    OTHER,
    PLANNED,
    MenuItem,
    check_source,
    load_duties,
    load_menu,
    next_status,
    registry_incomes,
)
from services.assistance.models import LedgerEntry, Measure, MeasureProgress, Plan
from services.assistance.registry_view import HouseholdRef, RegistryView
from services.assistance.work_team_service import valid_day

TEXT_LIMIT = 2000
LARGEST_AMOUNT_FEN = 10**12  # 100 亿元: more is a typing error


@dataclass(frozen=True)
class MeasureView:
    measure: Measure
    progress: list[MeasureProgress]


@dataclass(frozen=True)
class PlanView:
    plan: Plan
    measures: list[MeasureView]


@dataclass(frozen=True)
class NewMeasure:
    plan_id: str
    kind: str
    other_text: str
    planned_on: str
    responsible: str


@dataclass(frozen=True)
class NewProgress:
    measure_id: str
    on: str
    result: str
    amount_fen: int | None
    status: str


@dataclass(frozen=True)
class NewLedgerEntry:
    household_id: str
    on: str
    kind: str
    source: str
    amount_fen: int
    note: str


@dataclass(frozen=True)
class LedgerView:
    household_id: str
    year: int
    entries: list[LedgerEntry]

    @property
    def totals_fen(self) -> dict[str, int]:
        totals: Counter[str] = Counter()
        for entry in self.entries:
            totals[entry.source] += entry.amount_fen
        return dict(totals)


@dataclass(frozen=True)
class Responsibilities:
    helper_id: str
    year: int
    duties_version: str
    duties: list[str]
    households: list[tuple[str, PlanView | None]]


def plan_not_found() -> NotFound:
    return NotFound("plan not found", reason="PLAN_NOT_FOUND")


def measure_not_found() -> NotFound:
    return NotFound("measure not found", reason="MEASURE_NOT_FOUND")


def valid_year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise InvalidArgument(
            "year is out of range",
            reason="INVALID_YEAR",
            violations=[FieldViolation("year", "2000 to 2100")],
        )
    return year


def planned_date(value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise InvalidArgument(
            "planned_on must be a date (YYYY-MM-DD)",
            reason="INVALID_DAY",
            violations=[FieldViolation("planned_on", "YYYY-MM-DD")],
        ) from exc


def valid_amount(amount_fen: int, field: str) -> int:
    if not 0 <= amount_fen <= LARGEST_AMOUNT_FEN:
        raise InvalidArgument(
            f"{field} is a whole number of fen, 0 to {LARGEST_AMOUNT_FEN}",
            reason="INVALID_AMOUNT",
            violations=[FieldViolation(field, f"0 to {LARGEST_AMOUNT_FEN}")],
        )
    return amount_fen


def optional_text(value: str, field: str) -> str:
    text = value.strip()
    if len(text) > TEXT_LIMIT:
        raise InvalidArgument(
            f"{field} takes at most {TEXT_LIMIT} characters", reason=f"{field.upper()}_TOO_LONG"
        )
    return text


class HandbookService:
    def __init__(self, components: Components, registry: RegistryView) -> None:
        self.c = components
        self.registry = registry
        self.menu = load_menu()
        self.duties = load_duties()

    def _today(self) -> date:
        return self.c.clock().astimezone(LOCAL_TIME).date()

    async def create_plan(
        self, caller: Principal, household_id: str, year: int, goals: str
    ) -> PlanView:
        wanted = valid_year(year)
        text = required_text(goals, "goals", limit=TEXT_LIMIT)
        household = await self.registry.reachable_household(caller, household_id)
        plan = Plan(
            id=uuid.uuid4().hex,
            household_id=household.id,
            village_code=household.village_code,
            year=wanted,
            goals=text,
            created_by=caller.actor_id,
            created_at=self.c.clock(),
        )
        try:
            async with self.c.db.unit_of_work() as session:
                if await repo.plan_of(session, household.id, wanted) is not None:
                    raise self._plan_exists(wanted)
                session.add(plan)
        except IntegrityError as exc:  # the same plan, made meanwhile by somebody else
            raise self._plan_exists(wanted) from exc
        return PlanView(plan, [])

    @staticmethod
    def _plan_exists(year: int) -> AlreadyExists:
        return AlreadyExists(f"the household has a plan for {year} already", reason="PLAN_EXISTS")

    async def get_plan(self, caller: Principal, household_id: str, year: int) -> PlanView:
        household = await self.registry.reachable_household(caller, household_id)
        async with self.c.db.read_only() as session:
            plan = await repo.plan_of(session, household.id, valid_year(year))
            if plan is None:
                raise plan_not_found()
            return (await self._views(session, [plan]))[0]

    async def menu_for(
        self, caller: Principal, household_id: str
    ) -> tuple[HouseholdRef, list[MenuItem]]:
        household = await self.registry.reachable_household(caller, household_id)
        return household, self.menu.for_causes(household.causes)

    async def add_measure(self, caller: Principal, new: NewMeasure) -> MeasureView:
        label = (
            required_text(new.other_text, "other_text", limit=200)
            if new.kind == OTHER
            else self.menu.label_of(new.kind)
        )
        planned_on = planned_date(new.planned_on)
        responsible = required_text(new.responsible, "responsible", limit=100)
        async with self.c.db.read_only() as session:
            plan = await session.get(Plan, new.plan_id)
        if plan is None:
            raise plan_not_found()
        await self._reach(caller, plan.household_id, plan_not_found)
        measure = Measure(
            id=uuid.uuid4().hex,
            plan_id=plan.id,
            kind=new.kind,
            label=label,
            planned_on=planned_on,
            responsible=responsible,
            status=PLANNED,
            created_by=caller.actor_id,
            created_at=self.c.clock(),
        )
        async with self.c.db.unit_of_work() as session:
            session.add(measure)
        return MeasureView(measure, [])

    async def record_progress(self, caller: Principal, new: NewProgress) -> MeasureView:
        on = valid_day(new.on, self._today())
        result = required_text(new.result, "result", limit=TEXT_LIMIT)
        amount = None if new.amount_fen is None else valid_amount(new.amount_fen, "amount_fen")
        async with self.c.db.read_only() as session:
            found = await session.get(Measure, new.measure_id)
            plan = await session.get(Plan, found.plan_id) if found else None
        if plan is None:
            raise measure_not_found()
        await self._reach(caller, plan.household_id, measure_not_found)
        async with self.c.db.unit_of_work() as session:
            measure = await repo.measure_for_update(session, new.measure_id)
            if measure is None:
                raise measure_not_found()
            measure.status = next_status(measure.status, new.status)
            session.add(measure)
            session.add(
                MeasureProgress(
                    id=uuid.uuid4().hex,
                    measure_id=measure.id,
                    on=on,
                    result=result,
                    amount_fen=amount,
                    status=measure.status,
                    recorded_by=caller.actor_id,
                    recorded_at=self.c.clock(),
                )
            )
            await session.flush()
            progress = (await repo.progress_of(session, [measure.id]))[measure.id]
            return MeasureView(measure, progress)

    async def add_ledger_entry(self, caller: Principal, new: NewLedgerEntry) -> LedgerEntry:
        check_source(new.kind, new.source)
        on = valid_day(new.on, self._today())
        amount = valid_amount(new.amount_fen, "amount_fen")
        note = optional_text(new.note, "note")
        household = await self.registry.reachable_household(caller, new.household_id)
        entry = LedgerEntry(
            id=uuid.uuid4().hex,
            household_id=household.id,
            village_code=household.village_code,
            on=on,
            kind=new.kind,
            source=new.source,
            amount_fen=amount,
            note=note,
            recorded_by=caller.actor_id,
            recorded_at=self.c.clock(),
        )
        async with self.c.db.unit_of_work() as session:
            session.add(entry)
        return entry

    async def ledger(self, caller: Principal, household_id: str, year: int) -> LedgerView:
        household = await self.registry.reachable_household(caller, household_id)
        return await self._ledger_of(household, year)

    async def _ledger_of(self, household: HouseholdRef, year: int) -> LedgerView:
        async with self.c.db.read_only() as session:
            entries = await repo.ledger_of(session, household.id, valid_year(year))
        return LedgerView(household.id, year, entries)

    async def apply_ledger(
        self, caller: Principal, household_id: str, year: int
    ) -> tuple[str, dict[str, int]]:
        """The year's totals become the registry's incomes of that year, set with the caller's
        token (the registry checks them and keeps their history); audited here."""
        household = await self.registry.reachable_household(caller, household_id)
        view = await self._ledger_of(household, year)
        figures = registry_incomes(view.totals_fen)
        if not figures:
            raise InvalidArgument(
                f"the ledger has no income or production expense in {year}",
                reason="LEDGER_EMPTY",
            )
        applied = await self.registry.set_incomes(caller, household.id, year, figures)
        async with self.c.db.unit_of_work() as session:
            audit.record(
                session,
                SERVICE,
                actor_id=caller.actor_id,
                action="handbook.ledger_applied",
                target_id=household.id,
                region_code=household.village_code,
                detail={"year": year, "by_source": applied, "entries": len(view.entries)},
            )
        return household.id, applied

    async def responsibilities(
        self, caller: Principal, helper_id: str, year: int
    ) -> Responsibilities:
        wanted = valid_year(year or self._today().year)
        helper = helper_id or caller.subject
        households = await self.registry.households_of_helper(caller, helper)
        async with self.c.db.read_only() as session:
            plans = await repo.plans_of(session, households, wanted)
            views = {v.plan.household_id: v for v in await self._views(session, plans)}
        version, duties = self.duties
        return Responsibilities(
            helper, wanted, version, duties, [(h, views.get(h)) for h in households]
        )

    async def _reach(
        self, caller: Principal, household_id: str, missing: Callable[[], NotFound]
    ) -> None:
        """Whether the caller reaches the household a plan or measure is of; if not, the plan
        or measure is what they do not find."""
        try:
            await self.registry.reachable_household(caller, household_id)
        except NotFound as exc:
            raise missing() from exc

    async def _views(self, session: AsyncSession, plans: list[Plan]) -> list[PlanView]:
        measures = await repo.measures_of(session, [p.id for p in plans])
        return [
            PlanView(p, [MeasureView(m, progress) for m, progress in measures[p.id]]) for p in plans
        ]
