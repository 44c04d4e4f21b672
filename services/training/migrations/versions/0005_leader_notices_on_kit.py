"""leader candidates' public notices move onto the platform's one notice mechanism
(kit.public_notice): each candidate's notice becomes a row of public_notices (the migrated
ones take the candidate's id), their objections rows of public_notice_objections; the
candidate keeps its status

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from kit.public_notice import create_public_notice_tables, drop_public_notice_tables

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KIND = "leader_candidate"
STATES = {"in_notice": "running", "notice_closed": "ended"}  # otherwise decided
OBJECTION_COLUMNS = (
    "id, {notice}, text, contact_cipher, contact_masked, status, upheld, resolution, "
    "resolved_by, lodged_at, resolved_at"
)

notices = sa.table(
    "public_notices",
    *(sa.column(name) for name in ("id", "kind", "subject_id", "region_code", "region_name")),
    *(sa.column(name) for name in ("title", "state", "starts_at", "ends_at", "open_objections")),
    *(sa.column(name) for name in ("published_by", "decided_by", "decision", "version")),
    sa.column("fields", sa.JSON()),
)


def upgrade() -> None:
    create_public_notice_tables()
    bind = op.get_bind()
    candidates = bind.execute(
        sa.text(
            "SELECT c.id, c.village_code, c.village_name, c.name, c.leader_type, c.project, "
            "c.scale, c.years_in_business, c.status, c.notice_starts_at, c.notice_ends_at, "
            "c.open_objections, (SELECT s.actor_id FROM leader_candidate_steps s "
            "WHERE s.candidate_id = c.id AND s.action = 'notice_published' "
            "ORDER BY s.seq DESC LIMIT 1) AS published_by "
            "FROM leader_candidates c WHERE c.notice_starts_at IS NOT NULL"
        )
    ).mappings()
    rows = [
        {
            "id": c["id"],
            "kind": KIND,
            "subject_id": c["id"],
            "region_code": c["village_code"],
            "region_name": c["village_name"],
            "title": c["name"],
            "fields": {
                "leader_type": c["leader_type"],
                "project": c["project"],
                "scale": c["scale"],
                "years_in_business": c["years_in_business"],
            },
            "state": STATES.get(c["status"], "decided"),
            "starts_at": c["notice_starts_at"],
            "ends_at": c["notice_ends_at"],
            "open_objections": c["open_objections"],
            "published_by": c["published_by"] or "",
            "decided_by": "",
            "decision": "" if c["status"] in STATES else c["status"],
            "version": 1,
        }
        for c in candidates
    ]
    if rows:
        op.bulk_insert(notices, rows)
    op.execute(
        f"INSERT INTO public_notice_objections ({OBJECTION_COLUMNS.format(notice='notice_id')}) "
        f"SELECT {OBJECTION_COLUMNS.format(notice='candidate_id')} FROM leader_objections"
    )
    with op.batch_alter_table("leader_objections") as batch_op:
        batch_op.drop_index("ix_leader_objections_candidate_id")
    op.drop_table("leader_objections")
    with op.batch_alter_table("leader_candidates") as batch_op:
        batch_op.drop_index("ix_leader_candidates_status_notice")
        batch_op.drop_column("notice_starts_at")
        batch_op.drop_column("notice_ends_at")
        batch_op.drop_column("open_objections")


def downgrade() -> None:
    with op.batch_alter_table("leader_candidates") as batch_op:
        batch_op.add_column(sa.Column("notice_starts_at", sa.DateTime(timezone=True)))
        batch_op.add_column(sa.Column("notice_ends_at", sa.DateTime(timezone=True)))
        batch_op.add_column(
            sa.Column("open_objections", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.create_index("ix_leader_candidates_status_notice", ["status", "notice_ends_at"])
    op.execute(
        "UPDATE leader_candidates SET "
        "notice_starts_at = (SELECT n.starts_at FROM public_notices n WHERE n.subject_id = "
        f"leader_candidates.id AND n.kind = '{KIND}'), "
        "notice_ends_at = (SELECT n.ends_at FROM public_notices n WHERE n.subject_id = "
        f"leader_candidates.id AND n.kind = '{KIND}'), "
        "open_objections = COALESCE((SELECT n.open_objections FROM public_notices n "
        f"WHERE n.subject_id = leader_candidates.id AND n.kind = '{KIND}'), 0)"
    )
    op.create_table(
        "leader_objections",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column(
            "candidate_id", sa.String(), sa.ForeignKey("leader_candidates.id"), nullable=False
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("contact_cipher", sa.LargeBinary(), nullable=True),
        sa.Column("contact_masked", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("upheld", sa.Boolean(), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.Column("resolved_by", sa.String(), nullable=False),
        sa.Column("lodged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_leader_objections_candidate_id", "leader_objections", ["candidate_id"])
    op.execute(
        f"INSERT INTO leader_objections ({OBJECTION_COLUMNS.format(notice='candidate_id')}) "
        "SELECT o.id, n.subject_id, o.text, o.contact_cipher, o.contact_masked, o.status, "
        "o.upheld, o.resolution, o.resolved_by, o.lodged_at, o.resolved_at "
        "FROM public_notice_objections o JOIN public_notices n ON n.id = o.notice_id "
        f"WHERE n.kind = '{KIND}'"
    )
    drop_public_notice_tables()
