"""project benefits: a household's benefit from a poverty-alleviation project (带贫益贫) carries
the version of it the registry applied, so a late, older delivery changes nothing

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("household_benefits") as batch:
        batch.add_column(
            sa.Column("source_version", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("household_benefits") as batch:
        batch.drop_column("source_version")
