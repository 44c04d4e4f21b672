"""Statistics of the projects of a region in the caller's scope, in total and per child region:
projects by type and status, money by source (the budget; allocated, disbursed and remaining
from the funds ledger when it is given), beneficiary households, overdue projects and the
benefits to households recorded. Every figure comes from a GROUP BY (statistics_repository)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from jingzhun.projects.v1 import progress_pb2 as pb
from kit.errors import FieldViolation, InvalidArgument
from kit.principal import Principal
from kit.scope import Scope
from kit.territory import PREFIX_LENGTH, Level, code_from_prefix, level_of
from services.projects import statistics_repository as repo
from services.projects.progress_projects import ProjectAccess
from services.projects.statistics_repository import Where

# The funds ledger's figures, (child or project, source, allocated fen, disbursed fen), by the
# same GROUP BY key as the caller asks: given by the composition root once the ledger is there.
FundsFigures = Callable[[AsyncSession, Where], Awaitable[Sequence[Any]]]


@dataclass
class Money:
    budget_fen: int = 0
    allocated_fen: int = 0
    disbursed_fen: int = 0

    @property
    def remaining_fen(self) -> int:
        return self.allocated_fen - self.disbursed_fen


@dataclass
class RegionFigures:
    region_code: str
    by_type: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    by_status: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    by_source: dict[str, Money] = field(default_factory=lambda: defaultdict(Money))
    beneficiary_households: int = 0
    overdue_projects: int = 0
    benefits_fen: int = 0

    @property
    def projects(self) -> int:
        return sum(self.by_type.values())


@dataclass(frozen=True)
class RegionStatistics:
    region_code: str
    year: int
    total: RegionFigures
    children: list[RegionFigures]


def check_year(year: int) -> int:
    if year and not 2013 <= year <= 2100:
        raise InvalidArgument(
            "year is out of range",
            reason="INVALID_YEAR",
            violations=[FieldViolation("year", "2013 to 2100, or 0 for every year")],
        )
    return year


def child_length(region_code: str) -> int:
    level = level_of(region_code)
    return PREFIX_LENGTH[Level(min(level + 1, Level.VILLAGE))]


class StatisticsService:
    def __init__(self, projects: ProjectAccess, funds: FundsFigures | None = None) -> None:
        self.projects = projects
        self.c = projects.c
        self.funds = funds

    async def of_region(self, caller: Principal, region_code: str, year: int) -> RegionStatistics:
        scope = Scope(caller.region_code).within(region_code)
        where = Where(scope.region_code, check_year(year), child_length(scope.region_code))
        children: dict[str, RegionFigures] = {}

        def of(child: str) -> RegionFigures:
            code = code_from_prefix(child)
            return children.setdefault(code, RegionFigures(code))

        async with self.c.db.read_only() as session:
            for child, kind, status, count in await repo.counts(session, where):
                of(child).by_type[kind] += count
                of(child).by_status[status] += count
            for child, source, amount in await repo.budgets(session, where):
                of(child).by_source[source].budget_fen += int(amount or 0)
            for child, allocated_source, allocated, disbursed in (
                await self.funds(session, where) if self.funds else []
            ):
                money = of(child).by_source[allocated_source]
                money.allocated_fen += int(allocated or 0)
                money.disbursed_fen += int(disbursed or 0)
            for child, households in await repo.beneficiaries(session, where, by_child=True):
                of(child).beneficiary_households = households
            for child, projects in await repo.overdue(session, where, self.projects.today()):
                of(child).overdue_projects = projects
            for child, amount in await repo.benefits(session, where):
                of(child).benefits_fen = int(amount or 0)
            (households,) = await repo.beneficiaries(session, where, by_child=False)
        total = RegionFigures(scope.region_code, beneficiary_households=households)
        for figures in children.values():
            for kind, count in figures.by_type.items():
                total.by_type[kind] += count
            for status, count in figures.by_status.items():
                total.by_status[status] += count
            for source, money in figures.by_source.items():
                summed = total.by_source[source]
                summed.budget_fen += money.budget_fen
                summed.allocated_fen += money.allocated_fen
                summed.disbursed_fen += money.disbursed_fen
            total.overdue_projects += figures.overdue_projects
            total.benefits_fen += figures.benefits_fen
        ordered = [children[code] for code in sorted(children)]
        return RegionStatistics(scope.region_code, where.year, total, ordered)


def figures_message(figures: RegionFigures) -> pb.RegionStatistics:
    return pb.RegionStatistics(
        region_code=figures.region_code,
        projects=figures.projects,
        by_type=[pb.ProjectCount(key=k, projects=n) for k, n in sorted(figures.by_type.items())],
        by_status=[
            pb.ProjectCount(key=k, projects=n) for k, n in sorted(figures.by_status.items())
        ],
        by_source=[
            pb.SourceMoney(
                source=source,
                budget_fen=money.budget_fen,
                allocated_fen=money.allocated_fen,
                disbursed_fen=money.disbursed_fen,
                remaining_fen=money.remaining_fen,
            )
            for source, money in sorted(figures.by_source.items())
        ],
        beneficiary_households=figures.beneficiary_households,
        overdue_projects=figures.overdue_projects,
        benefits_fen=figures.benefits_fen,
    )


def statistics_message(found: RegionStatistics) -> pb.ProjectStatistics:
    return pb.ProjectStatistics(
        region_code=found.region_code,
        year=found.year,
        total=figures_message(found.total),
        children=[figures_message(c) for c in found.children],
    )
