"""statistics indexes: exits in the households index, history by household, kind and field

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_households_village_status", table_name="households")
    op.create_index(
        "ix_households_village_status", "households", ["village_code", "status", "has_exited"]
    )
    op.create_index(
        "ix_household_history_household_kind",
        "household_history",
        ["household_id", "kind", "field", "at"],
    )
    op.drop_index("ix_household_history_household_id", table_name="household_history")


def downgrade() -> None:
    op.create_index("ix_household_history_household_id", "household_history", ["household_id"])
    op.drop_index("ix_household_history_household_kind", table_name="household_history")
    op.drop_index("ix_households_village_status", table_name="households")
    op.create_index("ix_households_village_status", "households", ["village_code", "status"])
