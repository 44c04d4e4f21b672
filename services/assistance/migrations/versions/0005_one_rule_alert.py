"""at most one rule-raised alert being handled per household

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_RULE_ALERT = sa.text(
    "raised_by LIKE 'rule:%' AND status IN ('raised', 'verified', 'reviewed')"
)


def upgrade() -> None:
    op.create_index(
        "uq_alerts_open_rule_alert",
        "alerts",
        ["household_id"],
        unique=True,
        postgresql_where=OPEN_RULE_ALERT,
        sqlite_where=OPEN_RULE_ALERT,
    )


def downgrade() -> None:
    op.drop_index("uq_alerts_open_rule_alert", table_name="alerts")
