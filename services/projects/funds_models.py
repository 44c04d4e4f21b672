"""Tables of projects' funds. Money is whole fen (BIGINT). The balances of a county's pool and of
a project per source carry CHECK constraints, so the ledger's invariant (nothing allocated past
what was received, nothing paid or promised past what was allocated) is the database's own
rule: a statement breaking it is refused whatever code sends it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel


class FundPool(SQLModel, table=True):
    """A county's funds of one year from one source (县级资金池): received by allocations
    into it, allocated from it to projects."""

    __tablename__ = "fund_pools"
    __table_args__ = (
        UniqueConstraint("county_code", "year", "source", name="uq_fund_pools_county_year_source"),
        CheckConstraint("received_fen >= 0", name="ck_fund_pools_received"),
        CheckConstraint("allocated_fen >= 0", name="ck_fund_pools_allocated"),
        CheckConstraint("allocated_fen <= received_fen", name="ck_fund_pools_within_received"),
    )

    id: str = Field(primary_key=True)
    county_code: str = Field(sa_column=Column(String(12), nullable=False))
    year: int
    source: str
    received_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    allocated_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))


class FundAllocation(SQLModel, table=True):
    """One allocation (资金下达) with its document: into a pool, or from it to a project."""

    __tablename__ = "fund_allocations"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="ck_fund_allocations_amount"),
        Index("ix_fund_allocations_project", "project_id", "recorded_at"),
        Index("ix_fund_allocations_pool", "pool_id", "recorded_at"),
    )

    id: str = Field(primary_key=True)
    pool_id: str = Field(foreign_key="fund_pools.id")
    project_id: str = Field(default="")  # "" for an allocation into the pool
    source: str
    amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    document_number: str = Field(sa_column=Column(Text, nullable=False))
    issued_on: date = Field(sa_column=Column(Date, nullable=False))
    recorded_by: str
    recorded_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class ProjectFundBalance(SQLModel, table=True):
    """A project's funds from one source: allocated, promised (requested or approved, not yet
    paid) and disbursed (paid); remaining = allocated - disbursed."""

    __tablename__ = "project_fund_balances"
    __table_args__ = (
        CheckConstraint("allocated_fen >= 0", name="ck_project_fund_balances_allocated"),
        CheckConstraint("pending_fen >= 0", name="ck_project_fund_balances_pending"),
        CheckConstraint("disbursed_fen >= 0", name="ck_project_fund_balances_disbursed"),
        CheckConstraint(
            "disbursed_fen <= allocated_fen", name="ck_project_fund_balances_within_allocated"
        ),
        CheckConstraint(
            "disbursed_fen + pending_fen <= allocated_fen",
            name="ck_project_fund_balances_promised_within_allocated",
        ),
        Index("ix_project_fund_balances_region", "region_code", "last_moved_at"),
    )

    project_id: str = Field(foreign_key="projects.id", primary_key=True)
    source: str = Field(primary_key=True)
    region_code: str = Field(sa_column=Column(String(12), nullable=False))
    allocated_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    pending_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    disbursed_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    # The last allocation or payment: funds that stay still past a limit are idle.
    last_moved_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class Disbursement(SQLModel, table=True):
    """An instalment (拨付) of a project's funds from one source, and its voucher once paid."""

    __tablename__ = "fund_disbursements"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="ck_fund_disbursements_amount"),
        CheckConstraint(
            "status IN ('requested', 'approved', 'rejected', 'paid')",
            name="ck_fund_disbursements_status",
        ),
        CheckConstraint(
            "progress_percent IS NULL OR progress_percent BETWEEN 0 AND 100",
            name="ck_fund_disbursements_percent",
        ),
        Index("ix_fund_disbursements_project", "project_id", "requested_at"),
    )

    id: str = Field(primary_key=True)
    project_id: str = Field(foreign_key="projects.id")
    source: str
    region_code: str = Field(sa_column=Column(String(12), nullable=False))
    amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    status: str
    milestone: str = Field(default="", sa_column=Column(Text, nullable=False))
    progress_percent: int | None = None
    requested_by: str
    requested_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    decided_by: str = ""
    decided_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    reason: str = Field(default="", sa_column=Column(Text, nullable=False))
    paid_by: str = ""
    paid_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    voucher_key: str = ""
    voucher_file_name: str = ""
    voucher_content_type: str = ""
    voucher_size_bytes: int = 0
    voucher_sha256: str = ""
