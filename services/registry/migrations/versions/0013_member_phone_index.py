"""members found by phone: the blind index of each phone (kit.protection), as identity numbers

The column is empty for members registered before it: `python -m services.registry
index-phones` fills it (it needs the protection keys, which migrations do not hold).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("members") as batch_op:
        batch_op.add_column(sa.Column("phone_index", sa.LargeBinary(length=16), nullable=True))
        batch_op.create_index("ix_members_phone_index", ["phone_index"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("members") as batch_op:
        batch_op.drop_index("ix_members_phone_index")
        batch_op.drop_column("phone_index")
