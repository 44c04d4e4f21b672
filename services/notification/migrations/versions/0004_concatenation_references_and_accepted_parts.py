"""a long text keeps, in its place in the queue, the concatenation reference drawn for it from
its number's counter and the parts the provider already accepted (a retry sends only the rest)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("message_queue", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reference", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("accepted", sa.Text(), nullable=False, server_default=""))
    op.create_table(
        "concatenation_counters",
        sa.Column("phone_index", sa.LargeBinary(length=16), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("phone_index"),
    )


def downgrade() -> None:
    op.drop_table("concatenation_counters")
    with op.batch_alter_table("message_queue", schema=None) as batch_op:
        batch_op.drop_column("accepted")
        batch_op.drop_column("reference")
