"""the national 建档立卡 standard: households' identification, conditions, bank account and
assistance categories as a set; members' national codes

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HOUSEHOLD_COLUMNS = (
    ("identification_standard", sa.String()),
    ("identification_year", sa.Integer()),
    ("exit_year", sa.Integer()),
    ("arable_land_mu", sa.Float()),
    ("forest_land_mu", sa.Float()),
    ("housing_area_m2", sa.Float()),
    ("dilapidated_grade", sa.String()),
    ("safe_drinking_water", sa.Boolean()),
    ("drinking_water_difficulty", sa.Boolean()),
    ("has_electricity", sa.Boolean()),
    ("road_type", sa.String()),
    ("distance_to_road_km", sa.Float()),
    ("bank_account_cipher", sa.LargeBinary()),
)
MEMBER_COLUMNS = (
    ("ethnicity", sa.String()),
    ("education_level", sa.String()),
    ("schooling_status", sa.String()),
    ("health_status", sa.String()),
    ("labour_skill", sa.String()),
    ("employment_status", sa.String()),
    ("employment_months", sa.Integer()),
    ("medical_insurance", sa.Boolean()),
    ("critical_illness_insurance", sa.Boolean()),
    ("pension_insurance", sa.Boolean()),
    ("disability_grade", sa.String()),
)


def upgrade() -> None:
    with op.batch_alter_table("households") as batch:
        batch.add_column(
            sa.Column("assistance_categories", sa.String(), nullable=False, server_default="[]")
        )
        batch.add_column(
            sa.Column("bank_account_masked", sa.String(), nullable=False, server_default="")
        )
        for name, kind in HOUSEHOLD_COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))
        batch.create_index("ix_households_updated_at", ["updated_at"])
    # Existing rows: their one assistance category becomes the set; the national standard is
    # the identification standard of every household registered before it was recorded, and
    # the year of its registration its identification year.
    op.execute(
        "UPDATE households SET assistance_categories = '[\"' || assistance_category || '\"]'"
        " WHERE assistance_category IS NOT NULL"
    )
    op.execute("UPDATE households SET identification_standard = 'national'")
    year = (
        "CAST(EXTRACT(YEAR FROM created_at) AS INTEGER)"
        if op.get_bind().dialect.name == "postgresql"
        else "CAST(substr(created_at, 1, 4) AS INTEGER)"  # ISO text on SQLite
    )
    op.execute(f"UPDATE households SET identification_year = {year}")
    with op.batch_alter_table("members") as batch:
        for name, kind in MEMBER_COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))
    op.create_table(
        "household_indicator_years",
        sa.Column("household_id", sa.String(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(), nullable=False),
        sa.Column("compliant", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"]),
        sa.PrimaryKeyConstraint("household_id", "year", "indicator"),
    )
    # Indicators recorded before they were per year: the year of the household's last change.
    op.execute(
        "INSERT INTO household_indicator_years (household_id, year, indicator, compliant)"
        f" SELECT x.household_id, {year.replace('created_at', 'h.updated_at')}, x.indicator,"
        " x.compliant FROM household_indicators x JOIN households h ON h.id = x.household_id"
    )


def downgrade() -> None:
    op.drop_table("household_indicator_years")
    with op.batch_alter_table("members") as batch:
        for name, _ in reversed(MEMBER_COLUMNS):
            batch.drop_column(name)
    with op.batch_alter_table("households") as batch:
        batch.drop_index("ix_households_updated_at")
        for name, _ in reversed(HOUSEHOLD_COLUMNS):
            batch.drop_column(name)
        batch.drop_column("bank_account_masked")
        batch.drop_column("assistance_categories")
