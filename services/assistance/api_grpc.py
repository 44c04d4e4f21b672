"""AssistanceService over gRPC: translates proto <-> use-cases and nothing else."""

from __future__ import annotations

from grpc.aio import ServicerContext

from jingzhun.assistance.v1 import assistance_pb2 as pb
from jingzhun.assistance.v1 import assistance_pb2_grpc
from kit.access import Access
from kit.paging import decode_token, encode_token, page_size
from services.assistance import repository as repo
from services.assistance.alerts_service import AlertsService
from services.assistance.messages import (
    alert_message,
    frequency_message,
    menu_message,
    need_message,
    new_task,
    new_visit,
    period,
    task_message,
    visit_cursor,
    visit_message,
    visit_token,
)
from services.assistance.needs_service import NeedsService
from services.assistance.performance_service import PerformanceService
from services.assistance.tasks_service import TasksService
from services.assistance.visits_service import VisitsService
from services.assistance.work_messages import (
    attendance_message,
    performance_message,
    report_message,
    work_log_message,
)
from services.assistance.work_team_service import WorkTeamService


class AssistanceApi(assistance_pb2_grpc.AssistanceServiceServicer):
    def __init__(
        self,
        needs: NeedsService,
        tasks: TasksService,
        visits: VisitsService,
        alerts: AlertsService,
        work_team: WorkTeamService,
        performance: PerformanceService,
        access: Access,
    ) -> None:
        self.needs = needs
        self.tasks = tasks
        self.visits = visits
        self.alerts = alerts
        self.work_team = work_team
        self.performance = performance
        self._access = access

    async def FileNeed(self, request: pb.FileNeedRequest, context: ServicerContext) -> pb.Need:
        view = await self.needs.file(
            self._access.caller("needs", "create"),
            request.household_id,
            request.category,
            request.description,
            request.urgent,
        )
        return need_message(view)

    async def GetNeed(self, request: pb.GetNeedRequest, context: ServicerContext) -> pb.Need:
        return need_message(await self.needs.get(self._access.caller("needs", "read"), request.id))

    async def ActOnNeed(self, request: pb.ActOnNeedRequest, context: ServicerContext) -> pb.Need:
        view = await self.needs.act(
            self._access.caller("needs", "handle"),
            request.id,
            request.action,
            request.reason,
            request.expected_version,
        )
        return need_message(view)

    async def ListNeeds(
        self, request: pb.ListNeedsRequest, context: ServicerContext
    ) -> pb.ListNeedsResponse:
        limit = page_size(request.page_size)
        wanted = repo.NeedFilter(
            region_code=request.region_code,
            status=request.status,
            category=request.category,
            owner_level=request.owner_level,
        )
        views = await self.needs.ledger(
            self._access.caller("needs", "read"),
            wanted,
            after_id=decode_token(request.page_token),
            limit=limit,
        )
        next_token = encode_token(views[-1].need.id) if len(views) == limit else ""
        return pb.ListNeedsResponse(
            needs=[need_message(v) for v in views], next_page_token=next_token
        )

    async def GetNeedsMenu(
        self, request: pb.GetNeedsMenuRequest, context: ServicerContext
    ) -> pb.NeedsMenu:
        menu = await self.needs.menu(self._access.caller("needs", "read"), request.region_code)
        return menu_message(menu)

    async def AssignTask(self, request: pb.AssignTaskRequest, context: ServicerContext) -> pb.Task:
        view = await self.tasks.assign(self._access.caller("tasks", "assign"), new_task(request))
        return task_message(view)

    async def GetTask(self, request: pb.GetTaskRequest, context: ServicerContext) -> pb.Task:
        return task_message(await self.tasks.get(self._access.caller("tasks", "read"), request.id))

    async def RespondToTask(
        self, request: pb.RespondToTaskRequest, context: ServicerContext
    ) -> pb.Task:
        view = await self.tasks.respond(
            self._access.caller("tasks", "respond"), request.id, request.action, request.result
        )
        return task_message(view)

    async def ListTasks(
        self, request: pb.ListTasksRequest, context: ServicerContext
    ) -> pb.ListTasksResponse:
        limit = page_size(request.page_size)
        views = await self.tasks.list_tasks(
            self._access.caller("tasks", "read"),
            request.scope,
            request.overdue_only,
            decode_token(request.page_token),
            limit,
        )
        next_token = encode_token(views[-1].task.id) if len(views) == limit else ""
        return pb.ListTasksResponse(
            tasks=[task_message(v) for v in views], next_page_token=next_token
        )

    async def LogVisit(self, request: pb.LogVisitRequest, context: ServicerContext) -> pb.Visit:
        visit = await self.visits.log(self._access.caller("visits", "create"), new_visit(request))
        return visit_message(visit)

    async def ListVisits(
        self, request: pb.ListVisitsRequest, context: ServicerContext
    ) -> pb.ListVisitsResponse:
        limit = page_size(request.page_size)
        visits = await self.visits.list_visits(
            self._access.caller("visits", "read"),
            request.household_id,
            request.region_code,
            period(request),
            flagged_only=request.flagged_only,
            before=visit_cursor(request.page_token),
            limit=limit,
        )
        next_token = visit_token(visits[-1]) if len(visits) == limit else ""
        return pb.ListVisitsResponse(
            visits=[visit_message(v) for v in visits], next_page_token=next_token
        )

    async def GetVisitFrequency(
        self, request: pb.GetVisitFrequencyRequest, context: ServicerContext
    ) -> pb.VisitFrequency:
        found = await self.visits.frequency(
            self._access.caller("visits", "read"), request.region_code, period(request)
        )
        return frequency_message(found)

    async def RaiseAlert(self, request: pb.RaiseAlertRequest, context: ServicerContext) -> pb.Alert:
        view = await self.alerts.raise_alert(
            self._access.caller("alerts", "create"),
            request.household_id,
            request.kind,
            request.reason,
        )
        return alert_message(view)

    async def GetAlert(self, request: pb.GetAlertRequest, context: ServicerContext) -> pb.Alert:
        caller = self._access.caller("alerts", "read")
        return alert_message(await self.alerts.get(caller, request.id))

    async def ActOnAlert(self, request: pb.ActOnAlertRequest, context: ServicerContext) -> pb.Alert:
        view = await self.alerts.act(
            self._access.caller("alerts", "handle"),
            request.id,
            request.action,
            request.text,
            request.expected_version,
        )
        return alert_message(view)

    async def ListAlerts(
        self, request: pb.ListAlertsRequest, context: ServicerContext
    ) -> pb.ListAlertsResponse:
        limit = page_size(request.page_size)
        views = await self.alerts.list_alerts(
            self._access.caller("alerts", "read"),
            request.region_code,
            request.status,
            after_id=decode_token(request.page_token),
            limit=limit,
        )
        next_token = encode_token(views[-1].alert.id) if len(views) == limit else ""
        return pb.ListAlertsResponse(
            alerts=[alert_message(v) for v in views], next_page_token=next_token
        )

    async def CountAlerts(
        self, request: pb.CountAlertsRequest, context: ServicerContext
    ) -> pb.AlertCounts:
        found = await self.alerts.count_alerts(
            self._access.caller("alerts", "read"), request.region_code
        )
        return pb.AlertCounts(
            region_code=found.region_code,
            by_status=found.by_status,
            open=found.open,
            overdue=found.overdue,
        )

    async def CheckIn(self, request: pb.CheckInRequest, context: ServicerContext) -> pb.Attendance:
        attendance = await self.work_team.check_in(
            self._access.caller("work_logs", "create"),
            request.latitude if request.HasField("latitude") else None,
            request.longitude if request.HasField("longitude") else None,
            request.note,
        )
        return attendance_message(attendance)

    async def LogWork(self, request: pb.LogWorkRequest, context: ServicerContext) -> pb.WorkLog:
        entry = await self.work_team.log_work(
            self._access.caller("work_logs", "create"), request.day, request.content
        )
        return work_log_message(entry)

    async def SubmitMonthlyReport(
        self, request: pb.SubmitMonthlyReportRequest, context: ServicerContext
    ) -> pb.MonthlyReport:
        report = await self.work_team.submit_report(
            self._access.caller("work_logs", "create"), request.month, request.content
        )
        return report_message(report)

    async def ListWorkRecords(
        self, request: pb.ListWorkRecordsRequest, context: ServicerContext
    ) -> pb.WorkRecords:
        caller = self._access.caller("work_logs", "read")
        region, month = request.region_code, request.month
        return pb.WorkRecords(
            attendance=[
                attendance_message(a)
                for a in await self.work_team.attendance(caller, region, month)
            ],
            logs=[work_log_message(e) for e in await self.work_team.logs(caller, region, month)],
            reports=[
                report_message(r) for r in await self.work_team.reports(caller, region, month)
            ],
        )

    async def GetPerformance(
        self, request: pb.GetPerformanceRequest, context: ServicerContext
    ) -> pb.Performance:
        found = await self.performance.performance(
            self._access.caller("performance", "read"), request.region_code, period(request)
        )
        return performance_message(found)
