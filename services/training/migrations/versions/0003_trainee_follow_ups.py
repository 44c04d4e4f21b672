"""trainee archives: the outcomes officers follow up after training

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "training_follow_ups",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("household_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("trainee_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("happened_on", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("amount_yuan", sa.BigInteger(), nullable=True),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("training_follow_ups", schema=None) as batch_op:
        batch_op.create_index(
            "ix_training_follow_ups_trainee",
            ["user_id", "household_id", "trainee_name"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("training_follow_ups", schema=None) as batch_op:
        batch_op.drop_index("ix_training_follow_ups_trainee")

    op.drop_table("training_follow_ups")
