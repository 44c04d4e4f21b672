"""villages: the record of each village (贫困村, first secretary, exit), its yearly profile
(村情) and its history

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "villages",
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("is_poor", sa.Boolean(), nullable=False),
        sa.Column("poor_since", sa.Integer(), nullable=True),
        sa.Column("has_exited", sa.Boolean(), nullable=False),
        sa.Column("exit_year", sa.Integer(), nullable=True),
        sa.Column("first_secretary_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("first_secretary_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("team_leader_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("team_leader_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_villages_poor_exited", "villages", ["is_poor", "has_exited"])
    op.create_table(
        "village_profiles",
        sa.Column("village_code", sa.String(12), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("arable_land_mu", sa.Float(), nullable=False),
        sa.Column("collective_income", sa.Integer(), nullable=False),
        sa.Column("roads_hardened", sa.Boolean(), nullable=False),
        sa.Column("drinking_water", sa.Boolean(), nullable=False),
        sa.Column("broadband", sa.Boolean(), nullable=False),
        sa.Column("clinic", sa.Boolean(), nullable=False),
        sa.Column("school", sa.Boolean(), nullable=False),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "village_history",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("village_code", sa.String(12), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    )
    op.create_index("ix_village_history_village", "village_history", ["village_code", "id"])


def downgrade() -> None:
    op.drop_index("ix_village_history_village", table_name="village_history")
    op.drop_table("village_history")
    op.drop_table("village_profiles")
    op.drop_index("ix_villages_poor_exited", table_name="villages")
    op.drop_table("villages")
