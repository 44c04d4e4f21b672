"""Tables of projects' progress: milestones, progress reports and their photos, the county's
acceptances, the flags raised once each (overdue, idle funds) and the benefits to households.
Percentages and amounts carry CHECK constraints: the database refuses what the rules refuse."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Index,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel


def instant() -> Column:  # type: ignore[type-arg]
    return Column(DateTime(timezone=True), nullable=False)


class Milestone(SQLModel, table=True):
    """A step of a project with its planned day, and the day it was done."""

    __tablename__ = "project_milestones"
    __table_args__ = (
        UniqueConstraint("project_id", "name", name="uq_project_milestones_name"),
        Index("ix_project_milestones_open", "done_on", "planned_on"),
    )

    id: str = Field(primary_key=True)
    project_id: str = Field(foreign_key="projects.id", index=True)
    name: str
    planned_on: date = Field(sa_column=Column(Date, nullable=False))
    done_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    created_by: str
    created_at: datetime = Field(sa_column=instant())


class ProgressReport(SQLModel, table=True):
    """A report of how far a project is (percent done), with a note and photos."""

    __tablename__ = "project_reports"
    __table_args__ = (
        CheckConstraint("percent_done BETWEEN 0 AND 100", name="ck_project_reports_percent"),
        Index("ix_project_reports_project", "project_id", "reported_at"),
    )

    id: str = Field(primary_key=True)
    project_id: str = Field(foreign_key="projects.id")
    percent_done: int
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    reported_by: str
    reported_at: datetime = Field(sa_column=instant())


class ReportPhoto(SQLModel, table=True):
    """A photo of a report; its bytes are in the object store under `object_key`."""

    __tablename__ = "project_report_photos"
    __table_args__ = (Index("ix_project_report_photos_report", "report_id", "uploaded_at"),)

    id: str = Field(primary_key=True)
    report_id: str = Field(foreign_key="project_reports.id")
    project_id: str = Field(foreign_key="projects.id")
    object_key: str
    file_name: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime = Field(sa_column=instant())


class Acceptance(SQLModel, table=True):
    """The county's acceptance (验收) of a project: accepted, or failed with its findings."""

    __tablename__ = "project_acceptances"
    __table_args__ = (
        CheckConstraint("outcome IN ('accepted', 'failed')", name="ck_project_acceptances_outcome"),
        Index("ix_project_acceptances_project", "project_id", "decided_at"),
    )

    id: str = Field(primary_key=True)
    project_id: str = Field(foreign_key="projects.id")
    outcome: str
    findings: str = Field(default="", sa_column=Column(Text, nullable=False))
    decided_by: str
    decided_at: datetime = Field(sa_column=instant())


class ProjectFlag(SQLModel, table=True):
    """A flag raised on a project (a milestone overdue, funds idle, a review overdue), once per
    cause: the key names the cause (`overdue:<milestone id>`, `idle:<source>:<since>`,
    `review:<project>:<status>:<due>`), so a scheduler that restarts or runs twice raises and
    texts it once."""

    __tablename__ = "project_flags"

    key: str = Field(primary_key=True)
    project_id: str = Field(foreign_key="projects.id", index=True)
    kind: str  # overdue | idle_funds | review_overdue
    region_code: str
    detail: str = Field(default="", sa_column=Column(Text, nullable=False))
    raised_at: datetime = Field(sa_column=instant())


class HouseholdBenefit(SQLModel, table=True):
    """A beneficiary household's benefit of one kind in one year from a project (带贫益贫), in fen;
    recorded again, its amount is replaced and its version rises."""

    __tablename__ = "project_household_benefits"
    __table_args__ = (
        UniqueConstraint(
            "project_id", "household_id", "kind", "year", name="uq_project_household_benefits"
        ),
        CheckConstraint("amount_fen > 0", name="ck_project_household_benefits_amount"),
        CheckConstraint(
            "kind IN ('income', 'dividend', 'job', 'land_rent')",
            name="ck_project_household_benefits_kind",
        ),
    )

    id: str = Field(primary_key=True)
    project_id: str = Field(foreign_key="projects.id", index=True)
    household_id: str = Field(index=True)
    kind: str
    year: int
    amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    version: int = 1
    recorded_by: str
    recorded_at: datetime = Field(sa_column=instant())
