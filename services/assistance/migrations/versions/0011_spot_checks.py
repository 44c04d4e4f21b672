"""spot checks (督查抽查): their samples and findings; what a visit's phone sent (its
coordinate system and raw point); what completed a task assignment

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("visits") as batch:
        batch.add_column(
            sa.Column("coordinate_system", TEXT(), nullable=False, server_default="wgs84")
        )
        batch.add_column(sa.Column("sent_latitude", sa.Float(), nullable=True))
        batch.add_column(sa.Column("sent_longitude", sa.Float(), nullable=True))
    # Every visit logged before was sent in WGS-84: what was sent is what was checked.
    op.execute("UPDATE visits SET sent_latitude = latitude, sent_longitude = longitude")
    with op.batch_alter_table("visits") as batch:
        batch.alter_column("sent_latitude", existing_type=sa.Float(), nullable=False)
        batch.alter_column("sent_longitude", existing_type=sa.Float(), nullable=False)
    with op.batch_alter_table("task_assignments") as batch:
        batch.add_column(sa.Column("result", TEXT(), nullable=False, server_default=""))
    op.create_table(
        "spot_checks",
        sa.Column("id", TEXT(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("inspector_id", TEXT(), nullable=False),
        sa.Column("stratify_by", TEXT(), nullable=False),
        sa.Column("seed", TEXT(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("strata", sa.Text(), nullable=False),
        sa.Column("start_latitude", sa.Float(), nullable=True),
        sa.Column("start_longitude", sa.Float(), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_spot_checks_inspector_id", "spot_checks", ["inspector_id"])
    op.create_table(
        "spot_check_households",
        sa.Column("spot_check_id", TEXT(), nullable=False),
        sa.Column("household_id", TEXT(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("village_name", TEXT(), nullable=False),
        sa.Column("stratum", TEXT(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("leg_m", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["spot_check_id"], ["spot_checks.id"]),
        sa.PrimaryKeyConstraint("spot_check_id", "household_id"),
    )
    op.create_table(
        "spot_check_findings",
        sa.Column("id", TEXT(), nullable=False),
        sa.Column("spot_check_id", TEXT(), nullable=False),
        sa.Column("household_id", TEXT(), nullable=False),
        sa.Column("outcome", TEXT(), nullable=False),
        sa.Column("observed", sa.Text(), nullable=False),
        sa.Column("differences", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("task_id", TEXT(), nullable=False),
        sa.Column("recorded_by", TEXT(), nullable=False),
        sa.Column("recorded_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(["spot_check_id"], ["spot_checks.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "uq_spot_check_findings_household",
        "spot_check_findings",
        ["spot_check_id", "household_id"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_table("spot_check_findings")
    op.drop_table("spot_check_households")
    op.drop_table("spot_checks")
    with op.batch_alter_table("task_assignments") as batch:
        batch.drop_column("result")
    with op.batch_alter_table("visits") as batch:
        batch.drop_column("sent_longitude")
        batch.drop_column("sent_latitude")
        batch.drop_column("coordinate_system")
