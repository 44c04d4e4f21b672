"""Registry's tables: households, their members (identity numbers encrypted, with a blind
index), and the history of every change."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, DateTime, Index, LargeBinary, String, Text
from sqlmodel import Field, SQLModel


class Household(SQLModel, table=True):
    __tablename__ = "households"
    __table_args__ = (Index("ix_households_village_status", "village_code", "status"),)
    id: str = Field(primary_key=True)
    number: str = Field(unique=True)
    village_code: str = Field(sa_column=Column(String(12), nullable=False))
    latitude: float | None = None
    longitude: float | None = None
    attribute: str
    status: str
    monitoring_category: str | None = None
    has_exited: bool = False
    main_cause: str
    secondary_causes: str = "[]"  # JSON list
    assistance_category: str | None = None
    version: int = 1
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class Member(SQLModel, table=True):
    __tablename__ = "members"
    id: str = Field(primary_key=True)
    household_id: str = Field(foreign_key="households.id", index=True)
    position: int  # the order of the household's register
    name: str
    id_number_cipher: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    id_number_index: bytes = Field(sa_column=Column(LargeBinary(16), nullable=False, unique=True))
    id_number_masked: str
    relation: str
    sex: str
    birth_date: date
    education: str = ""
    health: str = ""
    disability: str = ""
    labour_capacity: str = ""
    schooling: str = ""


class HistoryEntry(SQLModel, table=True):
    """全周期留痕: who changed what, when, from what to what, and why."""

    __tablename__ = "household_history"
    id: int | None = Field(default=None, primary_key=True)
    household_id: str = Field(index=True)
    at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    actor_id: str
    kind: str
    field: str = ""
    before: str = Field(default="null", sa_column=Column(Text, nullable=False))
    after: str = Field(default="null", sa_column=Column(Text, nullable=False))
    reason: str = ""


class Pairing(SQLModel, table=True):
    """A helper cadre paired with a household (帮扶结对)."""

    __tablename__ = "pairings"
    household_id: str = Field(foreign_key="households.id", primary_key=True)
    helper_id: str = Field(primary_key=True, index=True)
    paired_by: str
    paired_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class ChangeRequest(SQLModel, table=True):
    """A helper's proposed edit; it counts only once the village work team approves it."""

    __tablename__ = "change_requests"
    __table_args__ = (Index("ix_change_requests_village_status", "village_code", "status"),)
    id: str = Field(primary_key=True)
    household_id: str = Field(foreign_key="households.id", index=True)
    village_code: str = Field(sa_column=Column(String(12), nullable=False))
    requested_by: str
    changes: str = Field(sa_column=Column(Text, nullable=False))  # JSON of HouseholdChanges
    base_version: int
    status: str = "pending"
    reviewed_by: str = ""
    review_reason: str = ""
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    reviewed_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class Income(SQLModel, table=True):
    """Net income of one household, one year, one source, in yuan."""

    __tablename__ = "household_incomes"
    household_id: str = Field(foreign_key="households.id", primary_key=True)
    year: int = Field(primary_key=True)
    source: str = Field(primary_key=True)
    amount: int


class Indicator(SQLModel, table=True):
    """Whether a household meets one guarantee indicator (两不愁三保障, 八有一超, ...)."""

    __tablename__ = "household_indicators"
    __table_args__ = (Index("ix_household_indicators_indicator", "indicator", "compliant"),)
    household_id: str = Field(foreign_key="households.id", primary_key=True)
    indicator: str = Field(primary_key=True)
    compliant: bool
