"""Proto mapping of the village work team's attendance, work logs and monthly reports, and of
performance (考核)."""

from __future__ import annotations

from jingzhun.assistance.v1 import assistance_pb2 as pb
from kit.mapping import to_message
from services.assistance.models import Attendance, MonthlyReport, WorkLog
from services.assistance.performance_service import Performance

attendance_message = to_message(Attendance, pb.Attendance)
work_log_message = to_message(WorkLog, pb.WorkLog)
report_message = to_message(MonthlyReport, pb.MonthlyReport)
performance_message = to_message(
    Performance,
    pb.Performance,
    from_=lambda found: found.since,
    to=lambda found: found.until,
)
