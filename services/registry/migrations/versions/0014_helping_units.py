"""helping units: the units (帮扶单位), the helpers the registry knows (territory, unit) and the
villages assigned to units (单位包村)

Helpers paired before this revision are recorded on their next pairing or unit assignment.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Text = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "helping_units",
        sa.Column("id", Text(), primary_key=True),
        sa.Column("name", Text(), nullable=False),
        sa.Column("kind", Text(), nullable=False),
        sa.Column("region_code", sa.String(12), nullable=False),
        sa.Column("created_by", Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_helping_units_region", "helping_units", ["region_code", "id"])
    op.create_table(
        "helpers",
        sa.Column("helper_id", Text(), primary_key=True),
        sa.Column("name", Text(), nullable=False),
        sa.Column("region_code", sa.String(12), nullable=False),
        sa.Column("unit_id", Text(), sa.ForeignKey("helping_units.id"), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_helpers_region", "helpers", ["region_code"])
    op.create_index("ix_helpers_unit_id", "helpers", ["unit_id"])
    op.create_table(
        "unit_villages",
        sa.Column("unit_id", Text(), sa.ForeignKey("helping_units.id"), primary_key=True),
        sa.Column("village_code", sa.String(12), primary_key=True),
        sa.Column("assigned_by", Text(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("unit_villages")
    op.drop_index("ix_helpers_unit_id", table_name="helpers")
    op.drop_index("ix_helpers_region", table_name="helpers")
    op.drop_table("helpers")
    op.drop_index("ix_helping_units_region", table_name="helping_units")
    op.drop_table("helping_units")
