"""Projects' event subjects and publishers (through the outbox): a project's every step, and
the text (`notification.requested`) to the holders of the reviewer role at the level whose turn
it becomes."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from jingzhun.notification.v1 import events_pb2 as notification_events
from jingzhun.projects.v1 import events_pb2
from kit.clock import aware
from kit.outbox import enqueue
from kit.paging import stamp
from kit.territory import PREFIX_LENGTH, Level, code_from_prefix
from services.projects.models import Project

SERVICE = "projects"  # whose acts these are in the audit log (kit.audit)
PROJECT_CHANGED = "projects.project.changed"
NOTIFICATION_REQUESTED = "notification.requested"
SUMMARY_LENGTH = 40  # characters of a project's name quoted in a text

# What the officers of the level whose turn it is are told, by the step that made it theirs.
NEXT_OWNER = {
    "proposed": (Level.TOWN, "已申报，待乡镇审核"),
    "resubmitted": (Level.TOWN, "已重新申报，待乡镇审核"),
    "objection_lodged": (Level.TOWN, "公示期间收到异议，待乡镇核实处理"),
    "notice_ended": (Level.COUNTY, "公示期满，待县级审批入库"),
}
# What the proposer's level is told of a decision on their project.
TO_PROPOSER = {
    "returned": "被乡镇退回，请修改后重新申报",
    "approved": "已获县级批准，纳入年度项目计划",
    "rejected": "未获县级批准",
}


def region_at(region_code: str, level: Level) -> str:
    return code_from_prefix(region_code[: PREFIX_LENGTH[level]])


def summary(text: str) -> str:
    return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1] + "…"


def publish_step(
    session: AsyncSession,
    project: Project,
    step: str,
    actor_id: str,
    role: str,
    budget_total_fen: int,
    *,
    msg_id: str = "",
) -> None:
    """The project's change, and a text to the holders of `role` at the level that acts next
    (or at the proposer's, on a decision)."""
    event = events_pb2.ProjectChanged(
        project_id=project.id,
        region_code=project.region_code,
        status=project.status,
        step=step,
        version=project.version,
        actor_id=actor_id,
        at=stamp(aware(project.updated_at)),
        year=project.year,
        budget_total_fen=budget_total_fen,
    )
    msg_id = msg_id or f"project-{project.id}-{project.version}-{step}"
    enqueue(session, PROJECT_CHANGED, event, msg_id=msg_id)
    request = text_for(project, step, actor_id, role)
    if request is not None:
        enqueue(session, NOTIFICATION_REQUESTED, request, msg_id=f"{msg_id}-sms")


def text_for(
    project: Project, step: str, actor_id: str, role: str
) -> notification_events.NotificationRequested | None:
    if step in NEXT_OWNER:
        level, stage = NEXT_OWNER[step]
        region = region_at(project.region_code, level)
    elif step in TO_PROPOSER:
        stage, region = TO_PROPOSER[step], project.region_code
    else:
        return None
    return notification_events.NotificationRequested(
        source_id=f"project:{project.id}:{project.version}:{step}",
        template="project_step",
        variables={
            "project": summary(project.name),
            "region": project.region_name or project.region_code,
            "stage": stage,
        },
        audience=notification_events.Audience(role=role, region_code=region),
        requested_by=actor_id,
    )
