"""message parts know how many their message has; the due index holds only rows with a next
attempt

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DUE = "next_attempt_at IS NOT NULL"


def upgrade() -> None:
    with op.batch_alter_table("message_parts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parts", sa.Integer(), nullable=False, server_default="1"))
    op.execute(
        "UPDATE message_parts SET parts = (SELECT count(*) FROM message_parts AS siblings"
        " WHERE siblings.message_id = message_parts.message_id)"
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_due")
        batch_op.create_index(
            "ix_messages_due",
            ["urgent", "next_attempt_at"],
            unique=False,
            postgresql_where=sa.text(DUE),
            sqlite_where=sa.text(DUE),
        )


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_due")
        batch_op.create_index("ix_messages_due", ["urgent", "next_attempt_at"], unique=False)
    with op.batch_alter_table("message_parts", schema=None) as batch_op:
        batch_op.drop_column("parts")
