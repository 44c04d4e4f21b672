"""public notices (公示) of households proposed for identification or exit, and objections

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from kit.public_notice import create_public_notice_tables, drop_public_notice_tables

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_public_notice_tables()


def downgrade() -> None:
    drop_public_notice_tables()
