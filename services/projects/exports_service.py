"""The finance office's export (XLSX) of a region's projects with their money figures, through
the platform's one file mechanism (kit.spreadsheets: every text cell spreadsheet-safe). Amounts
are yuan with two decimals, exact (from whole fen). The export is audited."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from decimal import Decimal
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from kit import audit
from kit.principal import Principal
from kit.scope import Scope
from kit.spreadsheets import Format, file_chunks
from services.projects import statistics_repository as repo
from services.projects.progress_projects import SOURCES, ProjectAccess
from services.projects.statistics_repository import Where
from services.projects.statistics_service import check_year

PAGE = 500
SERVICE = "projects"
# The funds ledger's figures per project, (project, source, allocated fen, disbursed fen).
FundsOfProjects = Callable[[AsyncSession, Sequence[str]], Awaitable[Sequence[Any]]]
HEADER = [
    "项目编号",
    "项目名称",
    "项目类型",
    "状态",
    "年度",
    "区划代码",
    "地点",
    "预算合计（元）",
    *(f"预算·{label}（元）" for label in SOURCES.values()),
    "已下达（元）",
    "已拨付（元）",
    "结余（元）",
    "受益户数",
    "带贫益贫金额（元）",
    "完成进度（%）",
    "逾期里程碑",
]


def yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


class ExportsService:
    def __init__(self, projects: ProjectAccess, funds: FundsOfProjects | None = None) -> None:
        self.projects = projects
        self.c = projects.c
        self.funds = funds

    async def rows(
        self, caller: Principal, region_code: str, year: int
    ) -> AsyncIterator[list[Any]]:
        scope = Scope(caller.region_code).within(region_code)
        where = Where(scope.region_code, check_year(year), 12)
        async with self.c.db.unit_of_work() as session:
            audit.record(
                session,
                SERVICE,
                actor_id=caller.actor_id,
                action="projects.exported",
                target_id=scope.region_code,
                region_code=scope.region_code,
                detail={"year": year or None},
            )
        yield HEADER
        after = ""
        while True:
            async with self.c.db.read_only() as session:
                page = list(await repo.projects_page(session, where, after, PAGE))
                ids = [p.id for p in page]
                budgets: dict[str, dict[str, int]] = defaultdict(dict)
                for project_id, source, amount in await repo.budgets_of(session, ids):
                    budgets[project_id][source] = int(amount or 0)
                money: dict[str, list[int]] = defaultdict(lambda: [0, 0])
                for project_id, _, allocated, disbursed in (
                    await self.funds(session, ids) if self.funds else []
                ):
                    money[project_id][0] += int(allocated or 0)
                    money[project_id][1] += int(disbursed or 0)
                figures = await repo.figures_of(session, ids, self.projects.today())
            for project in page:
                by_source = budgets[project.id]
                allocated, disbursed = money[project.id]
                found = figures[project.id]
                yield [
                    project.id,
                    project.name,
                    project.type,
                    project.status,
                    project.year,
                    project.region_code,
                    project.place,
                    yuan(sum(by_source.values())),
                    *(yuan(by_source.get(source, 0)) for source in SOURCES),
                    yuan(allocated),
                    yuan(disbursed),
                    yuan(allocated - disbursed),
                    found.get("households", 0),
                    yuan(found.get("benefits_fen", 0)),
                    found.get("percent_done", 0),
                    found.get("overdue", 0),
                ]
            if len(page) < PAGE:
                return
            after = page[-1].id

    def projects_xlsx(self, caller: Principal, region_code: str, year: int) -> AsyncIterator[bytes]:
        return file_chunks(self.rows(caller, region_code, year), Format.XLSX, "projects")
