"""return-to-poverty alerts and their steps

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", TEXT(), nullable=False),
        sa.Column("household_id", TEXT(), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("village_name", TEXT(), nullable=False),
        sa.Column("kind", TEXT(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", TEXT(), nullable=False),
        sa.Column("owner_region", sa.String(length=12), nullable=False),
        sa.Column("owner_level", TEXT(), nullable=False),
        sa.Column("verify_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("measures", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("raised_by", TEXT(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index("ix_alerts_household_id", ["household_id"], unique=False)
        batch_op.create_index("ix_alerts_village_status", ["village_code", "status"], unique=False)
    op.create_table(
        "alert_steps",
        sa.Column("alert_id", TEXT(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("action", TEXT(), nullable=False),
        sa.Column("actor_id", TEXT(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["alert_id"], ["alerts.id"]),
        sa.PrimaryKeyConstraint("alert_id", "seq"),
    )


def downgrade() -> None:
    op.drop_table("alert_steps")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_alerts_village_status")
        batch_op.drop_index("ix_alerts_household_id")
    op.drop_table("alerts")
