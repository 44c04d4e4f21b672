"""Projects' funds on SQLite and PostgreSQL, migrated by Alembic, over the use-cases. A project
of the library is written as its own rows in the state a test needs (the library's review path
is the project library's own tests'); vouchers go to a local object store in the test's folder."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from kit import migrations
from kit.db import Database
from kit.object_store import LocalObjectStore
from kit.principal import Principal
from services.projects.funds_disbursements import DisbursementsService, VoucherUpload
from services.projects.funds_models import Disbursement
from services.projects.funds_service import FundsContext, FundsService, NewAllocation
from services.projects.models import Project, ProjectBudget
from tests.integration.support import Clock

COUNTY, OTHER_COUNTY = "371723000000", "371724000000"
VILLAGE = "371723001001"
YEAR = 2027
START = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def officer(subject: str, region: str) -> Principal:
    return Principal(subject=subject, kind="user", region_code=region, roles=("admin",))


COUNTY_OFFICER = officer("finance-1", COUNTY)
SECOND_OFFICER = officer("finance-2", COUNTY)
OTHER_COUNTY_OFFICER = officer("finance-9", OTHER_COUNTY)


def allocation(amount_fen: int, source: str = "central") -> NewAllocation:
    return NewAllocation(source, amount_fen, "财农〔2027〕8号", date(2027, 2, 20))


async def one_chunk(data: bytes) -> AsyncIterator[bytes]:
    yield data


@dataclass
class Funds:
    context: FundsContext
    clock: Clock
    service: FundsService
    disbursements: DisbursementsService

    async def fundable_project(self, budget: dict[str, int], status: str = "planned") -> str:
        """A project of the county's village, in `status`, with `budget` by source."""
        project_id = uuid.uuid4().hex
        async with self.context.db.unit_of_work() as session:
            now = self.clock()
            session.add(
                Project(
                    id=project_id,
                    region_code=VILLAGE,
                    proposer_level="village",
                    name="光伏电站",
                    type="industry",
                    year=YEAR,
                    status=status,
                    created_by="t",
                    created_at=now,
                    updated_at=now,
                )
            )
            await session.flush()
            for source, amount in budget.items():
                session.add(ProjectBudget(project_id=project_id, source=source, amount_fen=amount))
        return project_id

    async def pool(self, amount_fen: int, source: str = "central") -> None:
        await self.service.allocate_to_pool(
            COUNTY_OFFICER, COUNTY, YEAR, allocation(amount_fen, source)
        )

    async def pay(self, project_id: str, disbursement_id: str, data: bytes = PDF) -> Disbursement:
        voucher = VoucherUpload("付款凭证.pdf", one_chunk(data))
        return await self.disbursements.pay(COUNTY_OFFICER, project_id, disbursement_id, voucher)


async def _funds(url: str, folder: Path) -> Funds:
    await asyncio.to_thread(migrations.upgrade, "projects", url)
    clock = Clock(START)
    context = FundsContext(
        db=Database(url), store=LocalObjectStore(folder), idle_days=90, clock=clock
    )
    return Funds(context, clock, FundsService(context), DisbursementsService(context))


@pytest.fixture(params=["sqlite", "postgres"])
async def funds(
    request: pytest.FixtureRequest,
    sqlite_url: Callable[[str], str],
    postgres_database: Callable[[str], Awaitable[str]],
    tmp_path: Path,
) -> AsyncIterator[Funds]:
    url = (
        await postgres_database("projects")
        if request.param == "postgres"
        else sqlite_url("projects")
    )
    made = await _funds(url, tmp_path / "objects")
    yield made
    await made.context.db.dispose()
