"""household search: members by name prefix (binary order)

A name prefix is a range on this index: COLLATE "C" on PostgreSQL (byte order, whatever the
database's collation), SQLite's default BINARY order. Identity numbers are searched by their
existing blind index (unique), archive numbers by theirs.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute('CREATE INDEX ix_members_name ON members ((name COLLATE "C"), household_id)')
    else:
        op.execute("CREATE INDEX ix_members_name ON members (name, household_id)")


def downgrade() -> None:
    op.drop_index("ix_members_name", table_name="members")
