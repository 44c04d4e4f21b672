"""attachments: photos, small videos and documents on visits, work logs, needs and alerts

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "attachments",
        sa.Column("id", TEXT(), nullable=False),
        sa.Column("subject_kind", sa.String(length=16), nullable=False),
        sa.Column("subject_id", TEXT(), nullable=False),
        sa.Column("household_id", TEXT(), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("file_name", TEXT(), nullable=False),
        sa.Column("content_type", TEXT(), nullable=False),
        sa.Column("declared_type", TEXT(), nullable=False),
        sa.Column("kind", TEXT(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("object_key", TEXT(), nullable=False),
        sa.Column("thumbnail_key", TEXT(), nullable=False),
        sa.Column("exif_latitude", sa.Float(), nullable=True),
        sa.Column("exif_longitude", sa.Float(), nullable=True),
        sa.Column("exif_taken_at", WHEN, nullable=True),
        sa.Column("exif_distance_m", sa.Float(), nullable=True),
        sa.Column("flags", TEXT(), nullable=False),
        sa.Column("uploaded_by", TEXT(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_attachments_subject", "attachments", ["subject_kind", "subject_id", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_attachments_subject", table_name="attachments")
    op.drop_table("attachments")
