"""ProjectsService over gRPC: translates proto <-> use-cases and nothing else."""

from __future__ import annotations

from grpc.aio import ServicerContext

from jingzhun.projects.v1 import projects_pb2 as pb
from jingzhun.projects.v1 import projects_pb2_grpc
from kit.access import Access
from kit.clock import aware
from kit.paging import decode_token, encode_token, page_size, stamp
from services.projects import repository as repo
from services.projects.edits_service import EditsService
from services.projects.messages import (
    new_project,
    project_message,
    proposal_edit,
    public_notice_message,
)
from services.projects.notices_service import NoticesService
from services.projects.projects_service import ProjectsService
from services.projects.review_service import ReviewService


class ProjectsApi(projects_pb2_grpc.ProjectsServiceServicer):
    def __init__(
        self,
        projects: ProjectsService,
        reviews: ReviewService,
        notices: NoticesService,
        access: Access,
        edits: EditsService,
    ) -> None:
        self.projects = projects
        self.edits = edits
        self.reviews = reviews
        self.notices = notices
        self._access = access

    async def CreateProject(
        self, request: pb.CreateProjectRequest, context: ServicerContext
    ) -> pb.Project:
        caller = self._access.caller("projects", "propose")
        view = await self.projects.create(caller, new_project(request))
        return project_message(view, self.projects.c.clock())

    async def GetProject(
        self, request: pb.GetProjectRequest, context: ServicerContext
    ) -> pb.Project:
        caller = self._access.caller("projects", "read")
        view = await self.projects.get(caller, request.id)
        return project_message(view, self.projects.c.clock())

    async def ListProjects(
        self, request: pb.ListProjectsRequest, context: ServicerContext
    ) -> pb.ListProjectsResponse:
        caller = self._access.caller("projects", "read")
        limit = page_size(request.page_size)
        now = self.projects.c.clock()
        wanted = repo.ProjectFilter(
            region_code=request.region_code,
            year=request.year,
            type=request.type,
            status=request.status,
            overdue_at=now if request.overdue_only else None,
        )
        views = await self.projects.list_projects(
            caller, wanted, after_id=decode_token(request.page_token), limit=limit
        )
        next_token = encode_token(views[-1].project.id) if len(views) == limit else ""
        return pb.ListProjectsResponse(
            projects=[project_message(v, now) for v in views], next_page_token=next_token
        )

    async def ActOnProject(
        self, request: pb.ActOnProjectRequest, context: ServicerContext
    ) -> pb.Project:
        # resubmitting is the proposer's; the other steps are reviews
        function = "propose" if request.action == "resubmit" else "review"
        view = await self.reviews.act(
            self._access.caller("projects", function),
            request.id,
            request.action,
            request.note,
            request.expected_version,
        )
        return project_message(view, self.projects.c.clock())

    async def EditProject(
        self, request: pb.EditProjectRequest, context: ServicerContext
    ) -> pb.Project:
        view = await self.edits.edit(
            self._access.caller("projects", "propose"),
            request.id,
            proposal_edit(request),
            request.expected_version,
        )
        return project_message(view, self.projects.c.clock())

    async def ResolveProjectObjection(
        self, request: pb.ResolveProjectObjectionRequest, context: ServicerContext
    ) -> pb.Project:
        view = await self.reviews.resolve(
            self._access.caller("projects", "review"),
            request.project_id,
            request.objection_id,
            request.upheld,
            request.resolution,
        )
        return project_message(view, self.projects.c.clock())

    async def ListProjectNotices(
        self, request: pb.ListProjectNoticesRequest, context: ServicerContext
    ) -> pb.ListProjectNoticesResponse:
        limit = page_size(request.page_size)
        found = await self.notices.running(
            request.region_code, after_id=decode_token(request.page_token), limit=limit
        )
        next_token = encode_token(found[-1].id) if len(found) == limit else ""
        return pb.ListProjectNoticesResponse(
            notices=[public_notice_message(n) for n in found], next_page_token=next_token
        )

    async def LodgeProjectObjection(
        self, request: pb.LodgeProjectObjectionRequest, context: ServicerContext
    ) -> pb.LodgeProjectObjectionResponse:
        objection = await self.notices.lodge(request.notice_id, request.text, request.contact)
        return pb.LodgeProjectObjectionResponse(
            objection_id=objection.id, lodged_at=stamp(aware(objection.lodged_at))
        )
