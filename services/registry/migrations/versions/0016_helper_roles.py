"""helper roles: the registry records each helper's roles of identity's, which, with their
level, choose their pairing quota; helpers recorded before it have none recorded (NULL) until
the start-up backfill asks identity, as it does for helpers paired before revision 0014

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("helpers") as batch:
        batch.add_column(sa.Column("roles", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("helpers") as batch:
        batch.drop_column("roles")
