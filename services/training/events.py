"""Training's event subjects and publishers (through the outbox): a candidate's every step,
and the texts (`notification.requested`) to the level whose turn it is and to the candidate, to
an institution's account holder on the county's decision, and to a trainee given a seat."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from jingzhun.notification.v1 import events_pb2 as notification_events
from jingzhun.training.v1 import events_pb2
from kit.clock import aware
from kit.outbox import enqueue
from kit.paging import stamp
from kit.territory import PREFIX_LENGTH, Level, code_from_prefix
from services.training.models import Candidate, Course, Enrolment, Institution

SERVICE = "training"  # whose acts these are in the audit log (kit.audit)
CANDIDATE_CHANGED = "training.candidate.changed"
NOTIFICATION_REQUESTED = "notification.requested"

# What the officers of the level whose turn it is are told, by the step that made it theirs.
NEXT_OWNER = {
    "registered": (Level.VILLAGE, "已登记，待村级考察推荐"),
    "nominated": (Level.VILLAGE, "已提名，待村级考察推荐"),
    "recommended": (Level.TOWN, "已获村级推荐，待乡镇审核并公示"),
    "objection_lodged": (Level.TOWN, "公示期间收到异议，待乡镇核实处理"),
    "notice_closed": (Level.COUNTY, "公示期满，待县级审批"),
}
DECIDED = {"approved": "已获批准，纳入致富带头人库", "rejected": "未获批准"}
SCREENED = {"approved": "已通过，可以发布课程", "rejected": "未通过"}
SUMMARY_LENGTH = 60  # characters of a free text (a reason, a title) quoted in a text
LOCAL_TIME = ZoneInfo("Asia/Shanghai")  # dates as the recipients read them


def region_at(village_code: str, level: Level) -> str:
    return code_from_prefix(village_code[: PREFIX_LENGTH[level]])


def publish_step(
    session: AsyncSession, candidate: Candidate, step: str, actor_id: str, role: str
) -> None:
    """The candidate's change, and a text to the holders of `role` at the level that acts
    next (or to the candidate, once decided)."""
    event = events_pb2.CandidateChanged(
        candidate_id=candidate.id,
        village_code=candidate.village_code,
        status=candidate.status,
        step=step,
        version=candidate.version,
        actor_id=actor_id,
        at=stamp(aware(candidate.updated_at)),
    )
    msg_id = f"candidate-{candidate.id}-{candidate.version}"
    enqueue(session, CANDIDATE_CHANGED, event, msg_id=msg_id)
    request = text_for(candidate, step, actor_id, role)
    if request is not None:
        enqueue(session, NOTIFICATION_REQUESTED, request, msg_id=f"{msg_id}-sms")


def text_for(
    candidate: Candidate, step: str, actor_id: str, role: str
) -> notification_events.NotificationRequested | None:
    source_id = f"candidate:{candidate.id}:{candidate.version}"
    if step in NEXT_OWNER:
        level, stage = NEXT_OWNER[step]
        return notification_events.NotificationRequested(
            source_id=source_id,
            template="leader_candidate_step",
            variables={
                "candidate": candidate.name,
                "village": candidate.village_name or candidate.village_code,
                "stage": stage,
            },
            audience=notification_events.Audience(
                role=role, region_code=region_at(candidate.village_code, level)
            ),
            requested_by=actor_id,
        )
    if step in DECIDED and candidate.user_id:
        return notification_events.NotificationRequested(
            source_id=source_id,
            template="leader_candidate_decided",
            variables={"result": DECIDED[step]},
            user_ids=[candidate.user_id],
            requested_by=actor_id,
        )
    return None


def summary(text: str) -> str:
    return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1] + "…"


def text_screening(session: AsyncSession, institution: Institution, actor_id: str) -> None:
    """Tell the institution's account holder the county's decision and its reason."""
    request = notification_events.NotificationRequested(
        source_id=f"institution:{institution.id}:{institution.version}",
        template="training_institution_screened",
        variables={
            "institution": summary(institution.name),
            "result": SCREENED[institution.status],
            "reason": summary(institution.reason),
        },
        user_ids=[institution.owner_user_id],
        requested_by=actor_id,
    )
    msg_id = f"institution-{institution.id}-{institution.version}-sms"
    enqueue(session, NOTIFICATION_REQUESTED, request, msg_id=msg_id)


def text_seat_granted(
    session: AsyncSession, enrolment: Enrolment, course: Course, actor_id: str
) -> None:
    """Tell a trainee with an account that they moved up from the waiting list (a registry
    household's member has none; their officers see it on the course's roster)."""
    if not enrolment.user_id:
        return
    starts = aware(course.starts_at).astimezone(LOCAL_TIME).strftime("%m月%d日%H:%M")
    request = notification_events.NotificationRequested(
        source_id=f"enrolment:{enrolment.id}:seated",
        template="training_seat_granted",
        variables={"course": summary(course.title), "starts": starts},
        user_ids=[enrolment.user_id],
        requested_by=actor_id,
    )
    enqueue(session, NOTIFICATION_REQUESTED, request, msg_id=f"enrolment-{enrolment.id}-sms")
