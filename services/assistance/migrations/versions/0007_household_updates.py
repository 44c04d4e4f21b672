"""the household record updates the registry applied, counted by performance

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "household_updates",
        sa.Column("household_id", TEXT(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("actor_id", TEXT(), nullable=False),
        sa.Column("proposed_by", TEXT(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("household_id", "version"),
    )
    op.create_index(
        "ix_household_updates_village_time", "household_updates", ["village_code", "at"]
    )


def downgrade() -> None:
    op.drop_index("ix_household_updates_village_time", table_name="household_updates")
    op.drop_table("household_updates")
