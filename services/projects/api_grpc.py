"""ProjectsService over gRPC: translates proto <-> use-cases and nothing else."""

from __future__ import annotations

from grpc.aio import ServicerContext

from jingzhun.projects.v1 import projects_pb2 as pb
from jingzhun.projects.v1 import projects_pb2_grpc
from kit.access import Access
from kit.paging import decode_token, encode_token, page_size
from services.projects import repository as repo
from services.projects.messages import new_project, project_message
from services.projects.projects_service import ProjectsService


class ProjectsApi(projects_pb2_grpc.ProjectsServiceServicer):
    def __init__(self, projects: ProjectsService, access: Access) -> None:
        self.projects = projects
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
