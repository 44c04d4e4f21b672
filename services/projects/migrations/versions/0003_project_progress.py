"""project progress: milestones, progress reports and their photos, the county's acceptances,
flags raised once each, and the benefits to households (带贫益贫)

Revision ID: 0003
Revises: 0001
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def instant(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def project_id() -> sa.Column:
    return sa.Column("project_id", sa.String(), sa.ForeignKey("projects.id"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "project_milestones",
        sa.Column("id", sa.String(), primary_key=True),
        project_id(),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(), nullable=False),
        instant("created_at"),
        sa.UniqueConstraint("project_id", "name", name="uq_project_milestones_name"),
    )
    op.create_index("ix_project_milestones_project_id", "project_milestones", ["project_id"])
    op.create_index("ix_project_milestones_open", "project_milestones", ["done_on", "planned_on"])
    op.create_table(
        "project_reports",
        sa.Column("id", sa.String(), primary_key=True),
        project_id(),
        sa.Column("percent_done", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reported_by", sa.String(), nullable=False),
        instant("reported_at"),
        sa.CheckConstraint("percent_done BETWEEN 0 AND 100", name="ck_project_reports_percent"),
    )
    op.create_index("ix_project_reports_project", "project_reports", ["project_id", "reported_at"])
    op.create_table(
        "project_report_photos",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("report_id", sa.String(), sa.ForeignKey("project_reports.id"), nullable=False),
        project_id(),
        sa.Column("object_key", sa.String(), nullable=False),
        sa.Column("file_name", sa.String(), nullable=False),
        sa.Column("content_type", sa.String(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("uploaded_by", sa.String(), nullable=False),
        instant("uploaded_at"),
    )
    op.create_index(
        "ix_project_report_photos_report", "project_report_photos", ["report_id", "uploaded_at"]
    )
    op.create_table(
        "project_acceptances",
        sa.Column("id", sa.String(), primary_key=True),
        project_id(),
        sa.Column("outcome", sa.String(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(), nullable=False),
        instant("decided_at"),
        sa.CheckConstraint(
            "outcome IN ('accepted', 'failed')", name="ck_project_acceptances_outcome"
        ),
    )
    op.create_index(
        "ix_project_acceptances_project", "project_acceptances", ["project_id", "decided_at"]
    )
    op.create_table(
        "project_flags",
        sa.Column("key", sa.String(), primary_key=True),
        project_id(),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("region_code", sa.String(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        instant("raised_at"),
    )
    op.create_index("ix_project_flags_project_id", "project_flags", ["project_id"])
    op.create_table(
        "project_household_benefits",
        sa.Column("id", sa.String(), primary_key=True),
        project_id(),
        sa.Column("household_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("recorded_by", sa.String(), nullable=False),
        instant("recorded_at"),
        sa.UniqueConstraint(
            "project_id", "household_id", "kind", "year", name="uq_project_household_benefits"
        ),
        sa.CheckConstraint("amount_fen > 0", name="ck_project_household_benefits_amount"),
        sa.CheckConstraint(
            "kind IN ('income', 'dividend', 'job', 'land_rent')",
            name="ck_project_household_benefits_kind",
        ),
    )
    op.create_index(
        "ix_project_household_benefits_project_id", "project_household_benefits", ["project_id"]
    )
    op.create_index(
        "ix_project_household_benefits_household_id",
        "project_household_benefits",
        ["household_id"],
    )


def downgrade() -> None:
    for table in (
        "project_household_benefits",
        "project_flags",
        "project_acceptances",
        "project_report_photos",
        "project_reports",
        "project_milestones",
    ):
        op.drop_table(table)
