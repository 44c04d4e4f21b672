"""Assistance's event subjects and publishers (through the outbox): a need's changes, an
alert confirmed by the county, the texts (`notification.requested`) to the level a need or an
alert reaches and to a task's assignees."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from jingzhun.assistance.v1 import events_pb2
from jingzhun.notification.v1 import events_pb2 as notification_events
from kit.outbox import enqueue
from kit.paging import stamp
from services.assistance.domain import ALERT_KIND_LABELS, CATEGORY_LABELS, AlertKind, Category
from services.assistance.models import Alert, Need, Task

SERVICE = "assistance"  # whose acts these are in the audit log (kit.audit)
NEED_FILED = "assistance.need.filed"
NEED_ESCALATED = "assistance.need.escalated"
NEED_CLOSED = "assistance.need.closed"
ALERT_CONFIRMED = "assistance.alert.confirmed"
NOTIFICATION_REQUESTED = "notification.requested"
REPLY_RECEIVED = "notification.reply.received"
SUMMARY_LENGTH = 40  # characters of the description quoted in a text
LOCAL_TIME = ZoneInfo("Asia/Shanghai")  # due dates as the cadres read them


def publish_need(session: AsyncSession, subject: str, need: Need, actor_id: str) -> None:
    event = events_pb2.NeedChanged(
        need_id=need.id,
        household_id=need.household_id,
        village_code=need.village_code,
        category=need.category,
        status=need.status,
        owner_region=need.owner_region,
        owner_level=need.owner_level,
        version=need.version,
        actor_id=actor_id,
        at=stamp(need.updated_at),
    )
    enqueue(session, subject, event, msg_id=f"need-{need.id}-{need.version}")


def text_new_owner(session: AsyncSession, need: Need, role: str, actor_id: str) -> None:
    """Ask notification to text the holders of `role` at the level that now owns the need."""
    summary = need.description[:SUMMARY_LENGTH]
    request = notification_events.NotificationRequested(
        source_id=f"need:{need.id}:{need.version}",
        template="need_escalated",
        variables={
            "region": need.village_name or need.village_code,
            "need": f"{CATEGORY_LABELS[Category(need.category)]}，{summary}",
        },
        audience=notification_events.Audience(role=role, region_code=need.owner_region),
        urgent=need.urgent,
        requested_by=actor_id,
    )
    enqueue(session, NOTIFICATION_REQUESTED, request, msg_id=f"need-{need.id}-{need.version}-sms")


def text_assignees(session: AsyncSession, task: Task, user_ids: list[str]) -> None:
    """Ask notification to text each assignee; their replies come back about `task:<id>`."""
    due = task.due_at.astimezone(LOCAL_TIME).strftime("%m月%d日%H:%M")
    request = notification_events.NotificationRequested(
        source_id=f"task:{task.id}:assigned",
        template="task_assigned",
        variables={"task": task.title, "due": due},
        user_ids=user_ids,
        reply_reference=f"task:{task.id}",
        requested_by=task.assigned_by,
    )
    enqueue(session, NOTIFICATION_REQUESTED, request, msg_id=f"task-{task.id}-sms")


def publish_alert_confirmed(session: AsyncSession, alert: Alert, actor_id: str) -> None:
    event = events_pb2.AlertConfirmed(
        alert_id=alert.id,
        household_id=alert.household_id,
        village_code=alert.village_code,
        kind=alert.kind,
        reason=alert.reason,
        measures=alert.measures,
        actor_id=actor_id,
        at=stamp(alert.updated_at),
    )
    enqueue(session, ALERT_CONFIRMED, event, msg_id=f"alert-{alert.id}-confirmed")


def text_alert_owner(session: AsyncSession, alert: Alert, role: str, actor_id: str) -> None:
    """Ask notification to text the holders of `role` at the level that now handles the alert:
    the town to verify it, then the county to review it."""
    label = ALERT_KIND_LABELS[AlertKind(alert.kind)]
    request = notification_events.NotificationRequested(
        source_id=f"alert:{alert.id}:{alert.version}",
        template="alert_raised" if alert.status == "raised" else "alert_verified",
        variables={
            "household": f"{alert.village_name or alert.village_code}一户（{label}）",
            "reason": alert.reason[:SUMMARY_LENGTH],
        },
        audience=notification_events.Audience(role=role, region_code=alert.owner_region),
        urgent=True,
        requested_by=actor_id,
    )
    enqueue(
        session, NOTIFICATION_REQUESTED, request, msg_id=f"alert-{alert.id}-{alert.version}-sms"
    )
