"""A generated province imported through the registry's bulk path on SQLite (executemany) and
PostgreSQL (COPY in the import's own transaction): everything valid lands, the same file again
changes nothing, and the statistics see exactly what the file holds."""

from __future__ import annotations

import asyncio
import csv
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from devstack.province import write_province
from kit import migrations
from kit.db import Database
from kit.principal import Principal
from kit.protection import FieldProtector
from services.registry.components import Components
from services.registry.imports_service import ImportRequest, ImportsService
from services.registry.statistics_service import StatisticsService
from services.registry.templates import TemplateKind

PROVINCE = Principal(subject="u1", kind="user", region_code="370000000000", roles=("admin",))
HOUSEHOLDS = 400


@pytest.fixture(params=["sqlite", "postgres"])
async def components(
    request: pytest.FixtureRequest,
    sqlite_url: Callable[[str], str],
    postgres_database: Callable[[str], Awaitable[str]],
) -> AsyncIterator[Components]:
    url = (
        await postgres_database("imports") if request.param == "postgres" else sqlite_url("imports")
    )
    await asyncio.to_thread(migrations.upgrade, "registry", url)
    db = Database(url)
    yield Components(db=db, protector=FieldProtector.from_secrets("e", "i"))
    await db.dispose()


async def test_a_generated_province_imports_whole_and_once(
    components: Components, tmp_path: Path
) -> None:
    path = tmp_path / "province.csv"
    rows = write_province(path, HOUSEHOLDS)
    imports = ImportsService(components)
    request = ImportRequest("households", "csv", path.name, "all_or_nothing", False)
    first = await imports.import_rows(PROVINCE, request, path, TemplateKind.HOUSEHOLDS)
    assert first.outcome == "applied" and first.findings == 0
    again = await imports.import_rows(PROVINCE, request, path, TemplateKind.HOUSEHOLDS)
    assert again.outcome == "applied" and '"unchanged_households": 400' in again.summary
    found = await StatisticsService(components).region(PROVINCE, "370000000000")
    assert found.households == HOUSEHOLDS and found.people == rows
    with path.open(encoding="utf-8-sig") as handle:
        first_county = next(csv.DictReader(handle))["村代码"][:6]
    county = await StatisticsService(components).region(PROVINCE, first_county + "000000")
    assert 0 < county.households < HOUSEHOLDS
