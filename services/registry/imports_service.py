"""Use-cases of imports: a file checked row by row and written batch by batch in one
transaction — all or nothing, or the valid households only, or nothing at all for a dry run —
with a summary that says exactly what happened and a downloadable report of every problem."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path

from kit import audit
from kit.checks import parse
from kit.clock import utcnow
from kit.errors import InvalidArgument, NotFound
from kit.principal import Principal
from kit.territory import is_within
from services.registry import bulk_repository as bulk
from services.registry.benefit_import import BenefitImport
from services.registry.components import Components
from services.registry.events import SERVICE
from services.registry.household_import import HouseholdImport
from services.registry.household_rows import (
    Finding,
)
from services.registry.models import ImportFinding, ImportJob
from services.registry.reconciliation import Reconciliation
from services.registry.statistics_service import scope_of
from services.registry.tabular import Format, read_rows
from services.registry.templates import COLUMNS, TemplateKind, column_positions

REPORT_HEADER = ("行号", "户编号", "列", "问题", "系统中的值", "文件中的值")
HEADERS = {c.key: c.header for columns in COLUMNS.values() for c in columns}
MAX_FINDINGS = 50_000  # a report lists this many; the summary counts them all


class ImportMode(StrEnum):
    ALL_OR_NOTHING = "all_or_nothing"
    VALID_ROWS_ONLY = "valid_rows_only"


class JobKind(StrEnum):
    HOUSEHOLDS = "households"
    BENEFITS = "benefits"
    RECONCILIATION = "reconciliation"


class Outcome(StrEnum):
    APPLIED = "applied"
    PARTIALLY_APPLIED = "partially_applied"
    NOTHING_APPLIED = "nothing_applied"
    CHECKED = "checked"


@dataclass(frozen=True)
class ImportRequest:
    kind: str
    file_format: str
    file_name: str
    mode: str
    dry_run: bool
    region_code: str = ""


def new_job_id() -> str:
    """Hex, and in creation order: the newest jobs list first by id alone."""
    return f"{time.time_ns() // 1_000_000:012x}{secrets.token_hex(8)}"


def template_rows_of(
    request: ImportRequest, path: Path, kind: TemplateKind
) -> tuple[Iterator[tuple[int, list[str]]], dict[str, int]]:
    """The uploaded file's rows after its header, and where the template's columns are."""
    rows = read_rows(path, parse(request.file_format, Format, "file_format"), request.file_name)
    header = next(rows, None)
    if header is None:
        raise InvalidArgument("the file has no header row", reason="EMPTY_FILE")
    return rows, column_positions(kind, header[1])


class DiscardWork(Exception):
    """Raised inside the import's unit of work to roll everything back (dry run, or all or
    nothing with problems)."""


class FindingLog:
    """Every finding is counted; the first MAX_FINDINGS are kept for the report."""

    def __init__(self) -> None:
        self.kept: list[Finding] = []
        self.count = 0

    def extend(self, findings: list[Finding]) -> None:
        self.count += len(findings)
        self.kept.extend(findings[: max(MAX_FINDINGS - len(self.kept), 0)])


class ImportsService:
    def __init__(self, components: Components) -> None:
        self.c = components

    async def import_file(self, caller: Principal, request: ImportRequest, path: Path) -> ImportJob:
        kind = parse(request.kind, JobKind, "kind")
        if kind is JobKind.RECONCILIATION:
            return await self.reconcile(caller, request, path)
        return await self.import_rows(caller, request, path, TemplateKind(kind))

    async def reconcile(self, caller: Principal, request: ImportRequest, path: Path) -> ImportJob:
        """The national system's export (the households template) against the registry of a
        region in the caller's territory: every difference is a finding; nothing changes."""
        scope = scope_of(caller, request.region_code)
        rows, positions = template_rows_of(request, path, TemplateKind.HOUSEHOLDS)
        job = self.new_job(caller, request, JobKind.RECONCILIATION, "")
        run, log = Reconciliation(self.c, caller, scope), FindingLog()
        async with self.c.db.read_only() as session:
            await run.run(session, rows, positions, log.extend)
        job.summary = json.dumps(asdict(run.tally))
        await self.save(job, log)
        return job

    async def import_rows(
        self, caller: Principal, request: ImportRequest, path: Path, kind: TemplateKind
    ) -> ImportJob:
        """Check and write a filled-in template in one transaction, kept or rolled back as the
        mode says; the job records what happened either way."""
        mode = parse(request.mode or ImportMode.ALL_OR_NOTHING, ImportMode, "mode")
        rows, positions = template_rows_of(request, path, kind)
        job = self.new_job(caller, request, kind, mode)
        run: HouseholdImport | BenefitImport = (
            HouseholdImport(self.c, caller, job.id)
            if kind is TemplateKind.HOUSEHOLDS
            else BenefitImport(caller, job.id)
        )
        log = FindingLog()
        try:
            async with self.c.db.unit_of_work() as session:
                await run.run(session, rows, positions, log.extend)
                if request.dry_run or (mode is ImportMode.ALL_OR_NOTHING and log.count):
                    raise DiscardWork
            job.outcome = Outcome.PARTIALLY_APPLIED if log.count else Outcome.APPLIED
        except DiscardWork:
            job.outcome = Outcome.CHECKED if request.dry_run else Outcome.NOTHING_APPLIED
        job.summary = json.dumps(asdict(run.tally))
        await self.save(job, log)
        return job

    @staticmethod
    def new_job(caller: Principal, request: ImportRequest, kind: str, mode: str) -> ImportJob:
        now = utcnow()
        return ImportJob(
            id=new_job_id(),
            kind=kind,
            region_code=caller.region_code,
            file_name=request.file_name[:200],
            file_format=request.file_format,
            mode=mode,
            dry_run=request.dry_run,
            outcome=Outcome.CHECKED,
            summary="{}",
            findings=0,
            created_by=caller.actor_id,
            created_at=now,
            finished_at=now,
        )

    async def save(self, job: ImportJob, log: FindingLog) -> None:
        findings = [
            ImportFinding(
                job_id=job.id,
                seq=seq,
                line=f.line,
                household_number=f.household_number,
                column=f.column,
                message=f.message,
                registry_value=f.registry_value,
                file_value=f.file_value,
            )
            for seq, f in enumerate(log.kept, start=1)
        ]
        job.findings, job.finished_at = log.count, utcnow()
        async with self.c.db.unit_of_work() as session:
            await bulk.save_job(session, job, findings)
            audit.record(
                session,
                SERVICE,
                actor_id=job.created_by,
                action="import.finished",
                target_id=job.id,
                region_code=job.region_code,
                detail={
                    "kind": job.kind,
                    "file_name": job.file_name,
                    "mode": job.mode,
                    "dry_run": job.dry_run,
                    "outcome": job.outcome,
                    "findings": job.findings,
                },
            )

    async def job(self, caller: Principal, job_id: str) -> ImportJob:
        async with self.c.db.read_only() as session:
            job = await bulk.get_job(session, job_id)
        if job is None or not is_within(job.region_code, caller.region_code):
            raise NotFound("import not found", reason="IMPORT_NOT_FOUND")
        return job

    async def jobs(
        self, caller: Principal, region_code: str, before_id: str, limit: int
    ) -> list[ImportJob]:
        scope = scope_of(caller, region_code)
        async with self.c.db.read_only() as session:
            return list(await bulk.jobs_in(session, scope.region_code, before_id, limit))

    async def report_rows(self, caller: Principal, job_id: str) -> AsyncIterator[list[str]]:
        """The job's report: the header, then one row per finding, page by page."""
        job = await self.job(caller, job_id)
        yield list(REPORT_HEADER)
        after = 0
        while True:
            async with self.c.db.read_only() as session:
                page = await bulk.findings_page(session, job.id, after, 1000)
            for f in page:
                yield [
                    str(f.line) if f.line else "",
                    f.household_number,
                    HEADERS.get(f.column, f.column),
                    f.message,
                    f.registry_value,
                    f.file_value,
                ]
            if len(page) < 1000:
                return
            after = page[-1].seq
