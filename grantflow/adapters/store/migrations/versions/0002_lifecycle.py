"""The programme lifecycle: audit log, reviewers, assignments, scorecards, rankings,
lump-sum ledger, donors and partnerships.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Frozen copies of the column types as they were at this revision.
_json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_timestamp = sa.DateTime(timezone=True)
# Exact cents: NUMERIC on PostgreSQL, text on SQLite (whose NUMERIC is a float).
_money = sa.Numeric(14, 2).with_variant(sa.String(24), "sqlite")


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    referred = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=f"fk_{table}_{column}_{referred}", ondelete="RESTRICT"
    )


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", _timestamp, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("payload", _json, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_log"),
        sa.UniqueConstraint("hash", name="uq_audit_log_hash"),
    )
    op.create_table(
        "reviewers",
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("languages", _json, nullable=False),
        sa.Column("conflicts", _json, nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_reviewers"),
    )
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_code", sa.String(40), nullable=False),
        sa.Column("declaration", sa.String(20), nullable=False),
        sa.Column("declared_at", _timestamp, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_assignments"),
        _fk("assignments", "application_id", "applications.id"),
        _fk("assignments", "reviewer_code", "reviewers.code"),
        sa.UniqueConstraint(
            "application_id", "reviewer_code", name="uq_assignments_application_id_reviewer_code"
        ),
    )
    op.create_index("ix_assignments_application_id", "assignments", ["application_id"])
    op.create_table(
        "scorecards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_code", sa.String(40), nullable=False),
        sa.Column("points", _json, nullable=False),
        sa.Column("submitted_at", _timestamp, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_scorecards"),
        _fk("scorecards", "application_id", "applications.id"),
        _fk("scorecards", "reviewer_code", "reviewers.code"),
        sa.UniqueConstraint(
            "application_id", "reviewer_code", name="uq_scorecards_application_id_reviewer_code"
        ),
    )
    op.create_index("ix_scorecards_application_id", "scorecards", ["application_id"])
    op.create_table(
        "rankings",
        sa.Column("call_code", sa.String(64), nullable=False),
        sa.Column("allocation_eur", _money, nullable=True),
        sa.Column("entries", _json, nullable=False),
        sa.PrimaryKeyConstraint("call_code", name="pk_rankings"),
    )
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("city", sa.String(7), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("amount", _money, nullable=False),
        sa.Column("at", _timestamp, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_entries"),
        sa.UniqueConstraint("key", name="uq_ledger_entries_key"),
    )
    op.create_index("ix_ledger_entries_city", "ledger_entries", ["city"])
    op.create_table(
        "donors",
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("region", sa.String(100), nullable=False),
        sa.Column("themes", _json, nullable=False),
        sa.Column("involvement_forms", _json, nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("contact", sa.String(200), nullable=False),
        sa.Column("languages", _json, nullable=False),
        sa.Column("intermediary", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_donors"),
    )
    op.create_table(
        "partnerships",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("donor_code", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("application_id", name="pk_partnerships"),
        _fk("partnerships", "application_id", "applications.id"),
        _fk("partnerships", "donor_code", "donors.code"),
    )
    op.create_index("ix_partnerships_donor_code", "partnerships", ["donor_code"])


def downgrade() -> None:
    op.drop_index("ix_partnerships_donor_code", table_name="partnerships")
    op.drop_table("partnerships")
    op.drop_table("donors")
    op.drop_index("ix_ledger_entries_city", table_name="ledger_entries")
    op.drop_table("ledger_entries")
    op.drop_table("rankings")
    op.drop_index("ix_scorecards_application_id", table_name="scorecards")
    op.drop_table("scorecards")
    op.drop_index("ix_assignments_application_id", table_name="assignments")
    op.drop_table("assignments")
    op.drop_table("reviewers")
    op.drop_table("audit_log")
