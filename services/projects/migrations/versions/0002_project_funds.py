"""projects' funds: county pools per year and source, allocations with their documents, each
project's balance per source and its disbursements; the ledger's invariant as CHECK constraints

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sa.String()


def upgrade() -> None:
    op.create_table(
        "fund_pools",
        sa.Column("id", TEXT, nullable=False),
        sa.Column("county_code", sa.String(length=12), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("source", TEXT, nullable=False),
        sa.Column("received_fen", sa.BigInteger(), nullable=False),
        sa.Column("allocated_fen", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "county_code", "year", "source", name="uq_fund_pools_county_year_source"
        ),
        sa.CheckConstraint("received_fen >= 0", name="ck_fund_pools_received"),
        sa.CheckConstraint("allocated_fen >= 0", name="ck_fund_pools_allocated"),
        sa.CheckConstraint("allocated_fen <= received_fen", name="ck_fund_pools_within_received"),
    )
    op.create_table(
        "fund_allocations",
        sa.Column("id", TEXT, nullable=False),
        sa.Column("pool_id", TEXT, sa.ForeignKey("fund_pools.id"), nullable=False),
        sa.Column("project_id", TEXT, nullable=False),
        sa.Column("source", TEXT, nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("document_number", sa.Text(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", TEXT, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint("amount_fen > 0", name="ck_fund_allocations_amount"),
    )
    op.create_index(
        "ix_fund_allocations_project", "fund_allocations", ["project_id", "recorded_at"]
    )
    op.create_index("ix_fund_allocations_pool", "fund_allocations", ["pool_id", "recorded_at"])
    op.create_table(
        "project_fund_balances",
        sa.Column("project_id", TEXT, sa.ForeignKey("projects.id"), nullable=False),
        sa.Column("source", TEXT, nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("allocated_fen", sa.BigInteger(), nullable=False),
        sa.Column("pending_fen", sa.BigInteger(), nullable=False),
        sa.Column("disbursed_fen", sa.BigInteger(), nullable=False),
        sa.Column("last_moved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("project_id", "source"),
        sa.CheckConstraint("allocated_fen >= 0", name="ck_project_fund_balances_allocated"),
        sa.CheckConstraint("pending_fen >= 0", name="ck_project_fund_balances_pending"),
        sa.CheckConstraint("disbursed_fen >= 0", name="ck_project_fund_balances_disbursed"),
        sa.CheckConstraint(
            "disbursed_fen <= allocated_fen", name="ck_project_fund_balances_within_allocated"
        ),
        sa.CheckConstraint(
            "disbursed_fen + pending_fen <= allocated_fen",
            name="ck_project_fund_balances_promised_within_allocated",
        ),
    )
    op.create_index(
        "ix_project_fund_balances_region",
        "project_fund_balances",
        ["region_code", "last_moved_at"],
    )
    op.create_table(
        "fund_disbursements",
        sa.Column("id", TEXT, nullable=False),
        sa.Column("project_id", TEXT, sa.ForeignKey("projects.id"), nullable=False),
        sa.Column("source", TEXT, nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("status", TEXT, nullable=False),
        sa.Column("milestone", sa.Text(), nullable=False),
        sa.Column("progress_percent", sa.Integer(), nullable=True),
        sa.Column("requested_by", TEXT, nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", TEXT, nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("paid_by", TEXT, nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voucher_key", TEXT, nullable=False),
        sa.Column("voucher_file_name", TEXT, nullable=False),
        sa.Column("voucher_content_type", TEXT, nullable=False),
        sa.Column("voucher_size_bytes", sa.Integer(), nullable=False),
        sa.Column("voucher_sha256", TEXT, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint("amount_fen > 0", name="ck_fund_disbursements_amount"),
        sa.CheckConstraint(
            "status IN ('requested', 'approved', 'rejected', 'paid')",
            name="ck_fund_disbursements_status",
        ),
        sa.CheckConstraint(
            "progress_percent IS NULL OR progress_percent BETWEEN 0 AND 100",
            name="ck_fund_disbursements_percent",
        ),
    )
    op.create_index(
        "ix_fund_disbursements_project", "fund_disbursements", ["project_id", "requested_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_fund_disbursements_project", table_name="fund_disbursements")
    op.drop_table("fund_disbursements")
    op.drop_index("ix_project_fund_balances_region", table_name="project_fund_balances")
    op.drop_table("project_fund_balances")
    op.drop_index("ix_fund_allocations_pool", table_name="fund_allocations")
    op.drop_index("ix_fund_allocations_project", table_name="fund_allocations")
    op.drop_table("fund_allocations")
    op.drop_table("fund_pools")
