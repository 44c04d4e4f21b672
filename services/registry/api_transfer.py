"""RegistryTransferService over gRPC: templates, imports and their reports, reconciliation,
exports. Uploaded bytes are spooled to a temporary file (XLSX needs one) and read row by row."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

from grpc.aio import ServicerContext

from jingzhun.registry.v1 import transfer_pb2 as pb
from jingzhun.registry.v1 import transfer_pb2_grpc
from kit.access import Access
from kit.checks import parse
from kit.errors import InvalidArgument
from kit.paging import decode_token, encode_token, page_size
from kit.spreadsheets import Format, file_chunks
from services.registry.exports import Exports
from services.registry.imports_service import ImportRequest, ImportsService
from services.registry.messages import household_filter, import_job_message
from services.registry.templates import TemplateKind, template_rows

MAX_UPLOAD_BYTES = 512 * 1024 * 1024


async def rows_of(rows: list[list[str]]) -> AsyncIterator[list[str]]:
    for row in rows:
        yield row


async def chunks(
    rows: AsyncIterator[list[str]], file_format: str, title: str
) -> AsyncIterator[pb.FileChunk]:
    async for data in file_chunks(rows, parse(file_format or "csv", Format, "file_format"), title):
        yield pb.FileChunk(data=data)


class RegistryTransferApi(transfer_pb2_grpc.RegistryTransferServiceServicer):
    def __init__(
        self,
        imports: ImportsService,
        exports: Exports,
        access: Access,
    ) -> None:
        self.imports, self.exports = imports, exports
        self._caller = access.caller

    async def GetTemplate(
        self, request: pb.GetTemplateRequest, context: ServicerContext
    ) -> AsyncIterator[pb.FileChunk]:
        self._caller("households", "read")
        kind = parse(request.kind, TemplateKind, "kind")
        async for chunk in chunks(rows_of(template_rows(kind)), request.file_format, kind):
            yield chunk

    async def ImportFile(
        self, request_iterator: AsyncIterator[pb.ImportChunk], context: ServicerContext
    ) -> pb.ImportJob:
        first = await anext(aiter(request_iterator), None)
        if first is None or not first.HasField("options"):
            raise InvalidArgument(
                "the first message must carry the options", reason="OPTIONS_FIRST"
            )
        o = first.options
        request = ImportRequest(
            o.kind, o.file_format, o.file_name, o.mode, o.dry_run, o.region_code
        )
        caller = self._caller("households", "import")
        with tempfile.TemporaryDirectory(prefix="jz-import-") as folder:
            path = Path(folder) / f"upload.{request.file_format}"
            await spool(request_iterator, path)
            job = await self.imports.import_file(caller, request, path)
        return import_job_message(job)

    async def GetImportJob(
        self, request: pb.GetImportJobRequest, context: ServicerContext
    ) -> pb.ImportJob:
        return import_job_message(
            await self.imports.job(self._caller("households", "import"), request.id)
        )

    async def ListImportJobs(
        self, request: pb.ListImportJobsRequest, context: ServicerContext
    ) -> pb.ListImportJobsResponse:
        limit = page_size(request.page_size)
        jobs = await self.imports.jobs(
            self._caller("households", "import"),
            request.region_code,
            decode_token(request.page_token) or "",
            limit,
        )
        return pb.ListImportJobsResponse(
            jobs=[import_job_message(j) for j in jobs],
            next_page_token=encode_token(jobs[-1].id) if len(jobs) == limit else "",
        )

    async def GetImportReport(
        self, request: pb.GetImportReportRequest, context: ServicerContext
    ) -> AsyncIterator[pb.FileChunk]:
        caller = self._caller("households", "import")
        await self.imports.job(caller, request.id)  # a missing job fails before any byte
        async for chunk in chunks(
            self.imports.report_rows(caller, request.id), request.file_format, "report"
        ):
            yield chunk

    async def ExportHouseholds(
        self, request: pb.ExportHouseholdsRequest, context: ServicerContext
    ) -> AsyncIterator[pb.FileChunk]:
        caller = self._caller("households", "export")
        rows = self.exports.household_rows(
            caller, request.region_code, household_filter(request.filter)
        )
        async for chunk in chunks(rows, request.file_format, "households"):
            yield chunk


async def spool(messages: AsyncIterator[pb.ImportChunk], path: Path) -> None:
    size = 0
    with path.open("wb") as target:
        async for message in messages:
            size += len(message.data)
            if size > MAX_UPLOAD_BYTES:
                raise InvalidArgument("the file is larger than 512 MiB", reason="FILE_TOO_LARGE")
            target.write(message.data)
