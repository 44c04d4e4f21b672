"""member phones, encrypted and masked

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("phone_cipher", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("phone_masked", sa.String(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.drop_column("phone_masked")
        batch.drop_column("phone_cipher")
