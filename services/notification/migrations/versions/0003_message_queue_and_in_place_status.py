"""the queue of messages waiting for a try moves to message_queue; message parts carry the
number and time of their submit; no index of messages covers a column that changes, so status
updates stay on their page

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNSETTLED_PART = "state = ''"
DUE = "next_attempt_at IS NOT NULL"
MESSAGE_INDEXES = {  # dropped: they cover columns that change
    "ix_messages_status_submitted": ["status", "submitted_at"],
    "ix_messages_phone_submitted": ["phone_index", "submitted_at"],
    "ix_messages_region_status": ["region_code", "status"],
    "ix_messages_broadcast_status": ["broadcast_id", "status"],
}
NEW_MESSAGE_INDEXES = {
    "ix_messages_phone_created": ["phone_index", "created_at"],
    "ix_messages_region": ["region_code"],
    "ix_messages_broadcast": ["broadcast_id"],
}


def upgrade() -> None:
    op.create_table(
        "message_queue",
        sa.Column("message_id", sa.String(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("message_id"),
    )
    op.create_index("ix_message_queue_due", "message_queue", ["urgent", "due_at"])
    op.execute("UPDATE messages SET status = 'queued' WHERE status = 'sending'")
    op.execute(
        "INSERT INTO message_queue (message_id, urgent, due_at) SELECT id, urgent,"
        f" next_attempt_at FROM messages WHERE {DUE} AND status IN ('queued', 'held')"
    )
    with op.batch_alter_table("message_parts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone_index", sa.LargeBinary(length=16), nullable=True))
        batch_op.add_column(sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE message_parts SET phone_index = (SELECT phone_index FROM messages"
        " WHERE messages.id = message_parts.message_id), submitted_at = (SELECT"
        " coalesce(submitted_at, updated_at) FROM messages"
        " WHERE messages.id = message_parts.message_id)"
    )
    with op.batch_alter_table("message_parts", schema=None) as batch_op:
        batch_op.alter_column("phone_index", nullable=False)
        batch_op.alter_column("submitted_at", nullable=False)
        batch_op.drop_index("ix_message_parts_message_id")
        batch_op.create_index(
            "ix_message_parts_phone_submitted", ["phone_index", "submitted_at"], unique=False
        )
        batch_op.create_index(
            "ix_message_parts_unsettled",
            ["submitted_at"],
            unique=False,
            postgresql_where=sa.text(UNSETTLED_PART),
            sqlite_where=sa.text(UNSETTLED_PART),
        )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        for name in ("ix_messages_due", *MESSAGE_INDEXES):
            batch_op.drop_index(name)
        for name, columns in NEW_MESSAGE_INDEXES.items():
            batch_op.create_index(name, columns, unique=False)
    if op.get_context().dialect.name == "postgresql":
        op.execute("ALTER TABLE messages SET (fillfactor = 70)")


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("ALTER TABLE messages RESET (fillfactor)")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        for name in NEW_MESSAGE_INDEXES:
            batch_op.drop_index(name)
        for name, columns in MESSAGE_INDEXES.items():
            batch_op.create_index(name, columns, unique=False)
        batch_op.create_index(
            "ix_messages_due",
            ["urgent", "next_attempt_at"],
            unique=False,
            postgresql_where=sa.text(DUE),
            sqlite_where=sa.text(DUE),
        )
    with op.batch_alter_table("message_parts", schema=None) as batch_op:
        batch_op.drop_index("ix_message_parts_unsettled")
        batch_op.drop_index("ix_message_parts_phone_submitted")
        batch_op.create_index("ix_message_parts_message_id", ["message_id"], unique=False)
        batch_op.drop_column("submitted_at")
        batch_op.drop_column("phone_index")
    op.drop_index("ix_message_queue_due", table_name="message_queue")
    op.drop_table("message_queue")
