"""the project library: projects, their budgets by source (fen, positive), beneficiary
households and steps; the public notice tables (kit.public_notice), the outbox and the
replies of idempotent calls

Revision ID: 0001
Revises:
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from kit.idempotency import create_idempotency_table
from kit.outbox import create_outbox_tables, drop_outbox_tables
from kit.public_notice import create_public_notice_tables, drop_public_notice_tables

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_outbox_tables()
    create_idempotency_table()
    create_public_notice_tables()
    op.create_table(
        "projects",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("region_name", sa.String(), nullable=False),
        sa.Column("proposer_level", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("place", sa.String(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("expected_results", sa.Text(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_projects_region_year", "projects", ["region_code", "year"])
    op.create_index("ix_projects_status_due", "projects", ["status", "due_at"])
    op.create_table(
        "project_budgets",
        sa.Column("project_id", sa.String(), sa.ForeignKey("projects.id"), primary_key=True),
        sa.Column("source", sa.String(), primary_key=True),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("amount_fen > 0", name="ck_project_budgets_positive"),
    )
    op.create_table(
        "project_beneficiaries",
        sa.Column("project_id", sa.String(), sa.ForeignKey("projects.id"), primary_key=True),
        sa.Column("household_id", sa.String(), primary_key=True),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("mechanism", sa.String(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
    )
    op.create_table(
        "project_steps",
        sa.Column("project_id", sa.String(), sa.ForeignKey("projects.id"), primary_key=True),
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("actor_id", sa.String(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("project_steps")
    op.drop_table("project_beneficiaries")
    op.drop_table("project_budgets")
    op.drop_index("ix_projects_status_due", table_name="projects")
    op.drop_index("ix_projects_region_year", table_name="projects")
    op.drop_table("projects")
    drop_public_notice_tables()
    op.drop_table("idempotent_replies")
    drop_outbox_tables()
