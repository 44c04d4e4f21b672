"""the circulars (通报) of the assessment, one per region and period

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "assessment_circulars",
        sa.Column("region_code", sa.String(12), primary_key=True),
        sa.Column("period", sa.String(7), primary_key=True),
        sa.Column("indicators_version", TEXT(), nullable=False),
        sa.Column("issued_by", TEXT(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("top_n", sa.Integer(), nullable=False),
        sa.Column("rankings", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("assessment_circulars")
