"""the helper's handbook: plans per household and year, their measures and progress, and the
income and spending ledger

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def text(name: str) -> sa.Column:
    return sa.Column(name, sa.String(), nullable=False)


def moment(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def day(name: str) -> sa.Column:
    return sa.Column(name, sa.String(length=10), nullable=False)


def upgrade() -> None:
    op.create_table(
        "handbook_plans",
        text("id"),
        text("household_id"),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("goals", sa.Text(), nullable=False),
        text("created_by"),
        moment("created_at"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ux_handbook_plans_household_year", "handbook_plans", ["household_id", "year"], unique=True
    )
    op.create_index("ix_handbook_plans_village", "handbook_plans", ["village_code"])
    op.create_table(
        "handbook_measures",
        text("id"),
        text("plan_id"),
        text("kind"),
        text("label"),
        day("planned_on"),
        text("responsible"),
        text("status"),
        text("created_by"),
        moment("created_at"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_handbook_measures_plan_id", "handbook_measures", ["plan_id"])
    op.create_table(
        "handbook_progress",
        text("id"),
        text("measure_id"),
        day("on"),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=True),
        text("status"),
        text("recorded_by"),
        moment("recorded_at"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_handbook_progress_measure_id", "handbook_progress", ["measure_id"])
    op.create_table(
        "handbook_ledger",
        text("id"),
        text("household_id"),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        day("on"),
        text("kind"),
        text("source"),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        text("recorded_by"),
        moment("recorded_at"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_handbook_ledger_household_on", "handbook_ledger", ["household_id", "on"])


def downgrade() -> None:
    for table in ("handbook_ledger", "handbook_progress", "handbook_measures", "handbook_plans"):
        op.drop_table(table)
