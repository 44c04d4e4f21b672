"""one chained, append-only audit log of every service's acts

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07

The records kept so far are chained in their order; from here on UPDATE and DELETE (and, on
PostgreSQL, TRUNCATE) of the log are refused by triggers.
"""

from collections.abc import Sequence
from types import SimpleNamespace

import sqlalchemy as sa
import sqlmodel
from alembic import op

from services.identity.audit_chain import GENESIS, chain_hash

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFUSED = "audit records are append-only"
POSTGRES_TRIGGERS = [
    f"""
    CREATE FUNCTION audit_records_refuse_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{REFUSED}' USING ERRCODE = 'insufficient_privilege';
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER audit_records_append_only BEFORE UPDATE OR DELETE ON audit_records
    FOR EACH ROW EXECUTE FUNCTION audit_records_refuse_change()
    """,
    """
    CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records
    FOR EACH STATEMENT EXECUTE FUNCTION audit_records_refuse_change()
    """,
]
SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records
    BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END
    """,
    f"""
    CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records
    BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END
    """,
]

records = sa.table(
    "audit_records",
    sa.column("id", sa.Integer()),
    sa.column("at", sqlmodel.sql.sqltypes.UTCDateTime()),
    sa.column("service", sa.String()),
    sa.column("event_id", sa.String()),
    sa.column("actor_id", sa.String()),
    sa.column("action", sa.String()),
    sa.column("target_id", sa.String()),
    sa.column("region_code", sa.String()),
    sa.column("detail", sa.Text()),
    sa.column("client_ip", sa.String()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)


def chain_kept_records() -> None:
    """The records written before the chain, chained in their order as they are."""
    bind = op.get_bind()
    prev_hash = GENESIS
    for row in bind.execute(sa.select(records).order_by(records.c.id)).all():
        values = {"service": "identity", "event_id": f"identity-{row.id}", "prev_hash": prev_hash}
        kept = SimpleNamespace(**{**row._mapping, **values})
        values["hash"] = prev_hash = chain_hash(prev_hash, kept)  # type: ignore[arg-type]
        bind.execute(records.update().where(records.c.id == row.id).values(**values))


def upgrade() -> None:
    with op.batch_alter_table("audit_records", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("service", sa.String(), nullable=False, server_default="identity")
        )
        batch_op.add_column(sa.Column("event_id", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    chain_kept_records()
    with op.batch_alter_table("audit_records", schema=None) as batch_op:
        batch_op.alter_column("service", server_default=None)
        batch_op.alter_column("event_id", nullable=False)
        batch_op.alter_column("prev_hash", nullable=False)
        batch_op.alter_column("hash", nullable=False)
        batch_op.create_index("ix_audit_records_event_id", ["event_id"], unique=True)
        batch_op.create_index("ux_audit_records_prev_hash", ["prev_hash"], unique=True)
        batch_op.create_index("ix_audit_records_at", ["at"], unique=False)
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRES_TRIGGERS if postgres else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_records_no_truncate ON audit_records")
        op.execute("DROP TRIGGER audit_records_append_only ON audit_records")
        op.execute("DROP FUNCTION audit_records_refuse_change()")
    else:
        op.execute("DROP TRIGGER audit_records_no_delete")
        op.execute("DROP TRIGGER audit_records_no_update")
    with op.batch_alter_table("audit_records", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_records_at")
        batch_op.drop_index("ux_audit_records_prev_hash")
        batch_op.drop_index("ix_audit_records_event_id")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("event_id")
        batch_op.drop_column("service")
