"""the village work team's attendance, work logs and monthly reports

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "work_attendance",
        sa.Column("user_id", TEXT(), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("checked_in_at", WHEN, nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "day"),
    )
    op.create_index("ix_work_attendance_village_day", "work_attendance", ["village_code", "day"])
    op.create_table(
        "work_logs",
        sa.Column("id", TEXT(), nullable=False),
        sa.Column("user_id", TEXT(), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_work_logs_village_day", "work_logs", ["village_code", "day"])
    op.create_table(
        "work_monthly_reports",
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("submitted_by", TEXT(), nullable=False),
        sa.Column("submitted_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("village_code", "month"),
    )


def downgrade() -> None:
    op.drop_table("work_monthly_reports")
    op.drop_index("ix_work_logs_village_day", table_name="work_logs")
    op.drop_table("work_logs")
    op.drop_index("ix_work_attendance_village_day", table_name="work_attendance")
    op.drop_table("work_attendance")
