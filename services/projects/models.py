"""Projects' tables: a project of the library (扶贫项目库), its budget by source in fen, the
poor households it benefits and how (带贫益贫机制), and every step of its path. Its public
notices and their objections are the tables of kit.public_notice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, DateTime, Index, String, Text
from sqlmodel import Field, SQLModel


class Project(SQLModel, table=True):
    """A project from its proposal by a village or town to the county's plan (and on)."""

    __tablename__ = "projects"
    __table_args__ = (
        Index("ix_projects_region_year", "region_code", "year"),
        Index("ix_projects_status_due", "status", "due_at"),
    )
    id: str = Field(primary_key=True)
    region_code: str = Field(sa_column=Column(String(12), nullable=False))
    region_name: str = ""
    proposer_level: str  # village | town
    name: str
    type: str
    place: str = ""
    year: int
    expected_results: str = Field(default="", sa_column=Column(Text, nullable=False))
    status: str
    # When the level whose turn it is must have acted; None once nobody must.
    due_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    version: int = 1
    created_by: str
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class ProjectBudget(SQLModel, table=True):
    """What one source puts into a project, in fen; positive (the database checks it)."""

    __tablename__ = "project_budgets"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="ck_project_budgets_positive"),)
    project_id: str = Field(foreign_key="projects.id", primary_key=True)
    source: str = Field(primary_key=True)
    amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))


class ProjectBeneficiary(SQLModel, table=True):
    """A registry household the project benefits, and how; the public sees only their number."""

    __tablename__ = "project_beneficiaries"
    project_id: str = Field(foreign_key="projects.id", primary_key=True)
    household_id: str = Field(primary_key=True)
    village_code: str = Field(sa_column=Column(String(12), nullable=False))
    mechanism: str  # dividend | job | land_rent | other
    note: str = Field(default="", sa_column=Column(Text, nullable=False))


class ProjectStep(SQLModel, table=True):
    """One step of a project's path: who, when, what it became, and their note."""

    __tablename__ = "project_steps"
    project_id: str = Field(foreign_key="projects.id", primary_key=True)
    seq: int = Field(primary_key=True)
    action: str
    status: str
    actor_id: str
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
