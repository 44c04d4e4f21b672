"""Assistance's tables: needs and every step of their path (the needs ledger); tasks and
each cadre's assignment of them; helpers' visits with their geo check-in; return-to-poverty
alerts and every step of their handling; the village work team's attendance, work logs and
monthly reports; the household record updates the registry applied (for performance); the
helper's handbook: plans, their measures and progress, and the income and spending ledger."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, DateTime, Float, Index, String, Text, text
from sqlmodel import Field, SQLModel


class Need(SQLModel, table=True):
    """A household's need (帮扶需求), owned by one level at a time."""

    __tablename__ = "needs"
    __table_args__ = (
        # The ledger and the menu of a subtree: a range on village_code.
        Index("ix_needs_village_status", "village_code", "status"),
        # The scheduler's look for overdue needs.
        Index("ix_needs_status_due", "status", "due_at"),
    )
    id: str = Field(primary_key=True)
    household_id: str = Field(index=True)
    village_code: str = Field(sa_column=Column(String(12), nullable=False))
    village_name: str = ""  # for the texts to the levels above
    category: str
    description: str = Field(sa_column=Column(Text, nullable=False))
    urgent: bool = False
    status: str
    owner_region: str = Field(sa_column=Column(String(12), nullable=False))
    owner_level: str
    due_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    filed_by: str = Field(index=True)
    version: int = 1
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class NeedStep(SQLModel, table=True):
    """One step of a need's path: who moved it, from which owner to which, when and why."""

    __tablename__ = "need_steps"
    need_id: str = Field(foreign_key="needs.id", primary_key=True)
    seq: int = Field(primary_key=True)
    action: str
    from_region: str = ""
    to_region: str = ""
    actor_id: str
    reason: str = Field(default="", sa_column=Column(Text, nullable=False))
    at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class Task(SQLModel, table=True):
    """Work an upper level assigns to cadres: visit, verify data, spot-check a household."""

    __tablename__ = "tasks"
    __table_args__ = (Index("ix_tasks_assigned_by", "assigned_by", "due_at"),)
    id: str = Field(primary_key=True)
    kind: str
    title: str = Field(sa_column=Column(Text, nullable=False))
    household_id: str = ""
    region_code: str = Field(sa_column=Column(String(12), nullable=False))
    assigned_by: str
    due_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class Assignment(SQLModel, table=True):
    """One cadre's copy of a task, answered by them alone (in the API or by an SMS reply)."""

    __tablename__ = "task_assignments"
    __table_args__ = (Index("ix_task_assignments_assignee", "assignee_id", "status"),)
    task_id: str = Field(foreign_key="tasks.id", primary_key=True)
    assignee_id: str = Field(primary_key=True)
    assignee_region: str = Field(sa_column=Column(String(12), nullable=False))
    status: str = "assigned"
    via: str = ""
    accepted_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    completed_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    result: str = ""  # what completed it: a spot_check task's spot check id


class Visit(SQLModel, table=True):
    """A helper's visit (帮扶记录) with where they checked in; flagged, never dropped, when the
    position is too far from the household's registered location or it has none."""

    __tablename__ = "visits"
    __table_args__ = (
        # A region's visits and frequency over a period: a range on village_code, then time.
        Index("ix_visits_village_time", "village_code", "visited_at"),
        Index("ix_visits_household_time", "household_id", "visited_at"),
    )
    id: str = Field(primary_key=True)
    household_id: str
    village_code: str = Field(sa_column=Column(String(12), nullable=False))
    helper_id: str
    latitude: float
    longitude: float
    visited_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    notes: str = Field(default="", sa_column=Column(Text, nullable=False))
    check: str  # accepted | flagged
    flag: str = ""  # too_far | no_registered_location
    distance_m: float | None = Field(default=None, sa_column=Column(Float))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    # What the phone sent (latitude/longitude above: converted to WGS-84).
    coordinate_system: str = "wgs84"  # wgs84 | gcj02 | bd09
    sent_latitude: float
    sent_longitude: float


OPEN_RULE_ALERT = text("raised_by LIKE 'rule:%' AND status IN ('raised', 'verified', 'reviewed')")


class Alert(SQLModel, table=True):
    """A return-to-poverty alert (返贫预警) about a household: the town verifies it, the county
    reviews it with the intervention measures and closes it with the outcome."""

    __tablename__ = "alerts"
    __table_args__ = (
        Index("ix_alerts_village_status", "village_code", "status"),
        # Two deliveries of registry.household.at_risk never open two rule-raised alerts.
        Index(
            "uq_alerts_open_rule_alert",
            "household_id",
            unique=True,
            postgresql_where=OPEN_RULE_ALERT,
            sqlite_where=OPEN_RULE_ALERT,
        ),
    )
    id: str = Field(primary_key=True)
    household_id: str = Field(index=True)
    village_code: str = Field(sa_column=Column(String(12), nullable=False))
    village_name: str = ""  # for the texts to the town and the county
    kind: str
    reason: str = Field(sa_column=Column(Text, nullable=False))
    status: str
    owner_region: str = Field(sa_column=Column(String(12), nullable=False))
    owner_level: str
    verify_due_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    measures: str = Field(default="", sa_column=Column(Text, nullable=False))
    outcome: str = Field(default="", sa_column=Column(Text, nullable=False))
    raised_by: str
    version: int = 1
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class AlertStep(SQLModel, table=True):
    """One step of an alert: raised, verified, reviewed, closed or dismissed, by whom, when,
    with its text (the reason, the findings, the measures, the outcome)."""

    __tablename__ = "alert_steps"
    alert_id: str = Field(foreign_key="alerts.id", primary_key=True)
    seq: int = Field(primary_key=True)
    action: str
    actor_id: str
    text: str = Field(default="", sa_column=Column(Text, nullable=False))
    at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class Attendance(SQLModel, table=True):
    """A village work-team member's check-in (考勤) for one day, once a day."""

    __tablename__ = "work_attendance"
    __table_args__ = (Index("ix_work_attendance_village_day", "village_code", "day"),)
    user_id: str = Field(primary_key=True)
    day: str = Field(sa_column=Column(String(10), primary_key=True))  # YYYY-MM-DD, local
    village_code: str = Field(sa_column=Column(String(12), nullable=False))
    checked_in_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    latitude: float
    longitude: float
    note: str = Field(default="", sa_column=Column(Text, nullable=False))


class WorkLog(SQLModel, table=True):
    """One entry of a work-team member's work log (工作日志)."""

    __tablename__ = "work_logs"
    __table_args__ = (Index("ix_work_logs_village_day", "village_code", "day"),)
    id: str = Field(primary_key=True)
    user_id: str
    village_code: str = Field(sa_column=Column(String(12), nullable=False))
    day: str = Field(sa_column=Column(String(10), nullable=False))  # YYYY-MM-DD, local
    content: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class MonthlyReport(SQLModel, table=True):
    """The work team's monthly report (月度工作报告) of a village, submitted once a month."""

    __tablename__ = "work_monthly_reports"
    village_code: str = Field(sa_column=Column(String(12), primary_key=True))
    month: str = Field(sa_column=Column(String(7), primary_key=True))  # YYYY-MM
    content: str = Field(sa_column=Column(Text, nullable=False))
    submitted_by: str
    submitted_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class HouseholdUpdate(SQLModel, table=True):
    """One change the registry applied to a household's record (registry.household.updated),
    kept for performance: one row per new version, so a redelivered event adds nothing."""

    __tablename__ = "household_updates"
    # A region's updates over a period: a range on village_code, then time.
    __table_args__ = (Index("ix_household_updates_village_time", "village_code", "at"),)
    household_id: str = Field(primary_key=True)
    version: int = Field(primary_key=True)
    village_code: str = Field(sa_column=Column(String(12), nullable=False))
    actor_id: str  # who applied it: the editor, or the reviewer of a proposal
    proposed_by: str = ""  # the helper whose approved proposal it was
    at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class Plan(SQLModel, table=True):
    """A household's assistance plan (帮扶计划) of a year: one per household and year."""

    __tablename__ = "handbook_plans"
    __table_args__ = (
        Index("ux_handbook_plans_household_year", "household_id", "year", unique=True),
        Index("ix_handbook_plans_village", "village_code"),
    )
    id: str = Field(primary_key=True)
    household_id: str
    village_code: str = Field(sa_column=Column(String(12), nullable=False))
    year: int
    goals: str = Field(sa_column=Column(Text, nullable=False))
    created_by: str
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class Measure(SQLModel, table=True):
    """A measure of a plan (帮扶措施), of a kind from the menu or "other" with its own text."""

    __tablename__ = "handbook_measures"
    id: str = Field(primary_key=True)
    plan_id: str = Field(index=True)
    kind: str
    label: str
    planned_on: str = Field(sa_column=Column(String(10), nullable=False))  # YYYY-MM-DD
    responsible: str
    status: str  # planned | in_progress | done | dropped
    created_by: str
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class MeasureProgress(SQLModel, table=True):
    """A dated result of a measure (措施与成效), with the measure's status after it."""

    __tablename__ = "handbook_progress"
    id: str = Field(primary_key=True)
    measure_id: str = Field(index=True)
    on: str = Field(sa_column=Column(String(10), nullable=False))  # YYYY-MM-DD
    result: str = Field(sa_column=Column(Text, nullable=False))
    amount_fen: int | None = Field(default=None, sa_column=Column(BigInteger))
    status: str
    recorded_by: str
    recorded_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class LedgerEntry(SQLModel, table=True):
    """A dated income or spending of a household (收支登记), in fen."""

    __tablename__ = "handbook_ledger"
    __table_args__ = (Index("ix_handbook_ledger_household_on", "household_id", "on"),)
    id: str = Field(primary_key=True)
    household_id: str
    village_code: str = Field(sa_column=Column(String(12), nullable=False))
    on: str = Field(sa_column=Column(String(10), nullable=False))  # YYYY-MM-DD
    kind: str  # income | spending
    source: str
    amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    recorded_by: str
    recorded_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class Attachment(SQLModel, table=True):
    """A photo, small video or document on a visit, work log, need or alert (附件): its bytes
    in the object store under `object_key` (a JPEG thumbnail under `thumbnail_key`), the
    content type found by sniffing, its sha256, and a photo's EXIF place and time with flags
    (no_exif, exif_far, exif_time_off) against the subject's check-in."""

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_subject", "subject_kind", "subject_id", "created_at"),)
    id: str = Field(primary_key=True)
    subject_kind: str = Field(sa_column=Column(String(16), nullable=False))
    subject_id: str
    household_id: str = ""  # "" for a work log
    village_code: str = Field(sa_column=Column(String(12), nullable=False))
    file_name: str
    content_type: str
    declared_type: str = ""
    kind: str  # image | video | document
    size_bytes: int
    sha256: str = Field(sa_column=Column(String(64), nullable=False))
    object_key: str
    thumbnail_key: str = ""
    exif_latitude: float | None = Field(default=None, sa_column=Column(Float))
    exif_longitude: float | None = Field(default=None, sa_column=Column(Float))
    exif_taken_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    exif_distance_m: float | None = Field(default=None, sa_column=Column(Float))
    flags: str = ""  # comma-separated
    uploaded_by: str
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class SpotCheck(SQLModel, table=True):
    """An inspector's spot check (督查抽查): the stored sample of a region's households."""

    __tablename__ = "spot_checks"
    id: str = Field(primary_key=True)
    region_code: str = Field(sa_column=Column(String(12), nullable=False))
    inspector_id: str = Field(index=True)
    stratify_by: str = ""  # "" | village | status
    seed: str
    population: int
    strata: str = Field(sa_column=Column(Text, nullable=False))  # JSON [[stratum, pop, n]]
    start_latitude: float | None = Field(default=None, sa_column=Column(Float))
    start_longitude: float | None = Field(default=None, sa_column=Column(Float))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class SpotCheckHousehold(SQLModel, table=True):
    """One sampled household, at its stop on the route."""

    __tablename__ = "spot_check_households"
    spot_check_id: str = Field(foreign_key="spot_checks.id", primary_key=True)
    household_id: str = Field(primary_key=True)
    position: int
    village_code: str = Field(sa_column=Column(String(12), nullable=False))
    village_name: str = ""
    stratum: str = ""
    latitude: float | None = Field(default=None, sa_column=Column(Float))
    longitude: float | None = Field(default=None, sa_column=Column(Float))
    leg_m: float | None = Field(default=None, sa_column=Column(Float))


class SpotCheckFinding(SQLModel, table=True):
    """What the inspector found at one sampled household, against its archive."""

    __tablename__ = "spot_check_findings"
    __table_args__ = (
        Index("uq_spot_check_findings_household", "spot_check_id", "household_id", unique=True),
    )
    id: str = Field(primary_key=True)
    spot_check_id: str = Field(foreign_key="spot_checks.id")
    household_id: str
    outcome: str  # visited | not_found
    observed: str = Field(sa_column=Column(Text, nullable=False))  # JSON
    differences: str = Field(sa_column=Column(Text, nullable=False))  # JSON
    notes: str = Field(default="", sa_column=Column(Text, nullable=False))
    task_id: str = ""
    recorded_by: str
    recorded_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class Circular(SQLModel, table=True):
    """The circular (通报) of a region's assessment for a period, issued once: the top and bottom
    of each ranking, as texted to the officers above those ranked."""

    __tablename__ = "assessment_circulars"
    region_code: str = Field(sa_column=Column(String(12), primary_key=True))
    period: str = Field(sa_column=Column(String(7), primary_key=True))  # YYYY-MM or YYYY
    indicators_version: str
    issued_by: str  # "scheduler" for the monthly one
    issued_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    top_n: int
    rankings: str = Field(sa_column=Column(Text, nullable=False))  # JSON, as in the API
