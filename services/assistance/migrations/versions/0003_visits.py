"""visits with their geo check-in

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
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
        "visits",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("household_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("helper_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("visited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("check", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("flag", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("distance_m", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.create_index(
            "ix_visits_household_time", ["household_id", "visited_at"], unique=False
        )
        batch_op.create_index(
            "ix_visits_village_time", ["village_code", "visited_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_index("ix_visits_village_time")
        batch_op.drop_index("ix_visits_household_time")
    op.drop_table("visits")
