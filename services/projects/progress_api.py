"""ProgressService over gRPC: translates proto <-> use-cases and nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator

from grpc.aio import ServicerContext

from jingzhun.projects.v1 import progress_pb2 as pb
from jingzhun.projects.v1 import progress_pb2_grpc
from kit.access import Access
from kit.errors import InvalidArgument
from services.projects.exports_service import ExportsService
from services.projects.progress_benefits import BenefitsService
from services.projects.progress_messages import (
    benefit_message,
    day_of,
    new_benefit,
    new_milestones,
    photo_message,
    progress_message,
    report_message,
)
from services.projects.progress_service import ProgressService
from services.projects.statistics_service import StatisticsService, statistics_message

CHUNK_BYTES = 256 * 1024


async def _data(chunks: AsyncIterator[pb.UploadReportPhotoChunk]) -> AsyncIterator[bytes]:
    async for chunk in chunks:
        yield chunk.data


class ProgressApi(progress_pb2_grpc.ProgressServiceServicer):
    def __init__(
        self,
        progress: ProgressService,
        benefits: BenefitsService,
        statistics: StatisticsService,
        exports: ExportsService,
        access: Access,
    ) -> None:
        self.progress, self.benefits = progress, benefits
        self.statistics, self.exports = statistics, exports
        self._caller = access.caller

    async def AddMilestones(
        self, request: pb.AddMilestonesRequest, context: ServicerContext
    ) -> pb.ProjectProgress:
        caller = self._caller("projects", "report")
        view = await self.progress.add_milestones(
            caller, request.project_id, new_milestones(request)
        )
        return progress_message(view)

    async def CompleteMilestone(
        self, request: pb.CompleteMilestoneRequest, context: ServicerContext
    ) -> pb.ProjectProgress:
        caller = self._caller("projects", "report")
        done_on = day_of(request.done_on, "done_on")
        view = await self.progress.complete_milestone(
            caller, request.project_id, request.milestone_id, done_on
        )
        return progress_message(view)

    async def ReportProgress(
        self, request: pb.ReportProgressRequest, context: ServicerContext
    ) -> pb.ProgressReport:
        caller = self._caller("projects", "report")
        report, photos = await self.progress.report(
            caller, request.project_id, request.percent_done, request.note
        )
        return report_message(report, photos)

    async def UploadReportPhoto(
        self, request_iterator: AsyncIterator[pb.UploadReportPhotoChunk], context: ServicerContext
    ) -> pb.ReportPhoto:
        caller = self._caller("projects", "report")
        chunks = aiter(request_iterator)
        first = await anext(chunks, None)
        if first is None or not first.HasField("header"):
            raise InvalidArgument("the first message must carry the header", reason="HEADER_FIRST")
        header = first.header
        photo = await self.progress.add_photo(
            caller, header.project_id, header.report_id, header.file_name, _data(chunks)
        )
        return photo_message(photo)

    async def ReadReportPhoto(
        self, request: pb.ReadReportPhotoRequest, context: ServicerContext
    ) -> AsyncIterator[pb.ReportPhotoChunk]:
        caller = self._caller("projects", "read")
        photo, data = await self.progress.photo(caller, request.project_id, request.photo_id)
        yield pb.ReportPhotoChunk(photo=photo_message(photo))
        for start in range(0, len(data), CHUNK_BYTES):
            yield pb.ReportPhotoChunk(data=data[start : start + CHUNK_BYTES])

    async def GetProgress(
        self, request: pb.GetProgressRequest, context: ServicerContext
    ) -> pb.ProjectProgress:
        caller = self._caller("projects", "read")
        return progress_message(await self.progress.get(caller, request.project_id))

    async def AcceptProject(
        self, request: pb.AcceptProjectRequest, context: ServicerContext
    ) -> pb.ProjectProgress:
        caller = self._caller("projects", "accept")
        view = await self.progress.accept(
            caller, request.project_id, request.outcome, request.findings
        )
        return progress_message(view)

    async def RecordBenefit(
        self, request: pb.RecordProjectBenefitRequest, context: ServicerContext
    ) -> pb.ProjectBenefit:
        caller = self._caller("projects", "report")
        benefit = await self.benefits.record(caller, request.project_id, new_benefit(request))
        return benefit_message(benefit)

    async def ListBenefits(
        self, request: pb.ListProjectBenefitsRequest, context: ServicerContext
    ) -> pb.ListProjectBenefitsResponse:
        caller = self._caller("projects", "read")
        found = await self.benefits.list_benefits(caller, request.project_id)
        return pb.ListProjectBenefitsResponse(
            benefits=[benefit_message(b) for b in found],
            total_fen=sum(b.amount_fen for b in found),
        )

    async def GetStatistics(
        self, request: pb.GetProjectStatisticsRequest, context: ServicerContext
    ) -> pb.ProjectStatistics:
        caller = self._caller("projects", "read")
        found = await self.statistics.of_region(caller, request.region_code, request.year)
        return statistics_message(found)

    async def ExportProjects(
        self, request: pb.ExportProjectsRequest, context: ServicerContext
    ) -> AsyncIterator[pb.ExportChunk]:
        caller = self._caller("projects", "export")
        async for data in self.exports.projects_xlsx(caller, request.region_code, request.year):
            yield pb.ExportChunk(data=data)
