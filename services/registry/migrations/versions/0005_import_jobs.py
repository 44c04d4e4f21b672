"""import jobs and their findings

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_jobs",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("file_name", sa.String(), nullable=False),
        sa.Column("file_format", sa.String(), nullable=False),
        sa.Column("mode", sa.String(), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.String(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("findings", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_import_jobs_region", "import_jobs", ["region_code", "created_at"])
    op.create_table(
        "import_findings",
        sa.Column("job_id", sa.String(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("household_number", sa.String(), nullable=False),
        sa.Column("column", sa.String(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("registry_value", sa.String(), nullable=False),
        sa.Column("file_value", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["import_jobs.id"]),
        sa.PrimaryKeyConstraint("job_id", "seq"),
    )


def downgrade() -> None:
    op.drop_table("import_findings")
    op.drop_index("ix_import_jobs_region", table_name="import_jobs")
    op.drop_table("import_jobs")
