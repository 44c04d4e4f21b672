"""Use-cases of the village work team (驻村工作队): a member checks in once a day, keeps a work
log, and submits the village's monthly report once a month; the attendance, logs and reports
of a region are read within the caller's territory."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime

from kit.checks import required_text
from kit.errors import AlreadyExists, FailedPrecondition, FieldViolation, InvalidArgument
from kit.principal import Principal
from services.assistance import work_repository as repo
from services.assistance.components import Components
from services.assistance.domain import OwnerLevel, level_name, valid_position
from services.assistance.events import LOCAL_TIME
from services.assistance.models import Attendance, MonthlyReport, WorkLog
from services.assistance.needs_service import scope_of

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def village_of(caller: Principal) -> str:
    """The village the caller works in: work-team records belong to one village."""
    if level_name(caller.region_code) is not OwnerLevel.VILLAGE:
        raise FailedPrecondition(
            "work-team records are kept by members of a village", reason="NOT_A_VILLAGE_MEMBER"
        )
    return caller.region_code


def valid_month(month: str) -> str:
    if not MONTH.match(month):
        raise InvalidArgument(
            "month must be YYYY-MM",
            reason="INVALID_MONTH",
            violations=[FieldViolation("month", "YYYY-MM")],
        )
    return month


def valid_day(day: str, today: date) -> str:
    """A past or present day as YYYY-MM-DD (empty: today)."""
    try:
        wanted = date.fromisoformat(day) if day else today
    except ValueError:
        wanted = None
    if wanted is None or wanted > today:
        raise InvalidArgument(
            "day must be a date (YYYY-MM-DD) not after today",
            reason="INVALID_DAY",
            violations=[FieldViolation("day", "YYYY-MM-DD, not in the future")],
        )
    return wanted.isoformat()


class WorkTeamService:
    def __init__(self, components: Components) -> None:
        self.c = components

    def _now(self) -> tuple[datetime, date]:
        now = self.c.clock()
        return now, now.astimezone(LOCAL_TIME).date()

    async def check_in(
        self, caller: Principal, latitude: float | None, longitude: float | None, note: str
    ) -> Attendance:
        village = village_of(caller)
        position = valid_position(latitude, longitude)
        now, today = self._now()
        async with self.c.db.unit_of_work() as session:
            if await session.get(Attendance, (caller.subject, today.isoformat())) is not None:
                raise AlreadyExists("you have checked in today", reason="ALREADY_CHECKED_IN")
            attendance = Attendance(
                user_id=caller.subject,
                day=today.isoformat(),
                village_code=village,
                checked_in_at=now,
                latitude=position[0],
                longitude=position[1],
                note=note.strip(),
            )
            session.add(attendance)
        return attendance

    async def log_work(self, caller: Principal, day: str, content: str) -> WorkLog:
        village = village_of(caller)
        now, today = self._now()
        entry = WorkLog(
            id=uuid.uuid4().hex,
            user_id=caller.subject,
            village_code=village,
            day=valid_day(day, today),
            content=required_text(content, "content"),
            created_at=now,
        )
        async with self.c.db.unit_of_work() as session:
            session.add(entry)
        return entry

    async def submit_report(self, caller: Principal, month: str, content: str) -> MonthlyReport:
        village = village_of(caller)
        wanted = valid_month(month)
        text = required_text(content, "content", limit=20000)
        now, today = self._now()
        if wanted > today.isoformat()[:7]:
            raise InvalidArgument("a month not yet begun has no report", reason="INVALID_MONTH")
        async with self.c.db.unit_of_work() as session:
            if await session.get(MonthlyReport, (village, wanted)) is not None:
                raise AlreadyExists(
                    f"the report of {wanted} was submitted already", reason="REPORT_SUBMITTED"
                )
            report = MonthlyReport(
                village_code=village,
                month=wanted,
                content=text,
                submitted_by=caller.subject,
                submitted_at=now,
            )
            session.add(report)
        return report

    async def attendance(self, caller: Principal, region_code: str, month: str) -> list[Attendance]:
        scope, wanted = scope_of(caller, region_code), self._month(month)
        async with self.c.db.read_only() as session:
            return list(await repo.attendance_in(session, scope, wanted))

    async def logs(self, caller: Principal, region_code: str, month: str) -> list[WorkLog]:
        scope, wanted = scope_of(caller, region_code), self._month(month)
        async with self.c.db.read_only() as session:
            return list(await repo.logs_in(session, scope, wanted))

    async def reports(self, caller: Principal, region_code: str, month: str) -> list[MonthlyReport]:
        scope = scope_of(caller, region_code)
        wanted = valid_month(month) if month else None
        async with self.c.db.read_only() as session:
            return list(await repo.reports_in(session, scope, wanted))

    def _month(self, month: str) -> str:
        """The month asked for, or the current one."""
        return valid_month(month) if month else self._now()[1].isoformat()[:7]
