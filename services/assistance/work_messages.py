"""Proto mapping of the village work team's attendance, work logs and monthly reports, and of
performance (考核)."""

from __future__ import annotations

from dataclasses import asdict

from jingzhun.assistance.v1 import assistance_pb2 as pb
from kit.paging import stamp
from services.assistance.models import Attendance, MonthlyReport, WorkLog
from services.assistance.performance_service import Performance


def attendance_message(a: Attendance) -> pb.Attendance:
    return pb.Attendance(
        user_id=a.user_id,
        village_code=a.village_code,
        day=a.day,
        checked_in_at=stamp(a.checked_in_at),
        latitude=a.latitude,
        longitude=a.longitude,
        note=a.note,
    )


def work_log_message(entry: WorkLog) -> pb.WorkLog:
    return pb.WorkLog(
        id=entry.id,
        user_id=entry.user_id,
        village_code=entry.village_code,
        day=entry.day,
        content=entry.content,
        created_at=stamp(entry.created_at),
    )


def report_message(report: MonthlyReport) -> pb.MonthlyReport:
    return pb.MonthlyReport(
        village_code=report.village_code,
        month=report.month,
        content=report.content,
        submitted_by=report.submitted_by,
        submitted_at=stamp(report.submitted_at),
    )


def performance_message(found: Performance) -> pb.Performance:
    message = pb.Performance(
        region_code=found.region_code,
        to=stamp(found.until),
        by_town=[pb.Score(**asdict(s)) for s in found.by_town],
        by_cadre=[pb.Score(**asdict(s)) for s in found.by_cadre],
    )
    getattr(message, "from").CopyFrom(stamp(found.since))
    return message
