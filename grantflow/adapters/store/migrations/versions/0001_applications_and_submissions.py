"""Applications and their uploaded versions (submissions).

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Frozen copies of the column types as they were at this revision: a
# migration never imports the live models, which keep changing.
_json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_code", sa.String(64), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("teryt", sa.String(7), nullable=False),
        sa.Column("city_name", sa.String(200), nullable=False),
        sa.Column("state", sa.String(40), nullable=False),
        sa.Column("created_at", _timestamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_applications"),
        sa.UniqueConstraint("call_code", "teryt", name="uq_applications_call_code_teryt"),
    )
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("version_no", sa.Integer(), nullable=True),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("stored_path", sa.String(255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column("warning_count", sa.Integer(), nullable=False),
        sa.Column("report", _json, nullable=False),
        sa.Column("outline", _json, nullable=True),
        sa.Column("submitted_by", sa.String(200), nullable=False),
        sa.Column("submitted_at", _timestamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_submissions"),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name="fk_submissions_application_id_applications",
            ondelete="RESTRICT",
        ),
        sa.UniqueConstraint(
            "application_id", "sha256", name="uq_submissions_application_id_sha256"
        ),
        sa.UniqueConstraint(
            "application_id", "version_no", name="uq_submissions_application_id_version_no"
        ),
    )
    op.create_index(
        "ix_submissions_application_id", "submissions", ["application_id"], unique=False
    )
    op.create_index(
        "uq_submissions_sha256_unidentified",
        "submissions",
        ["sha256"],
        unique=True,
        sqlite_where=sa.text("application_id IS NULL"),
        postgresql_where=sa.text("application_id IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_submissions_sha256_unidentified", table_name="submissions")
    op.drop_index("ix_submissions_application_id", table_name="submissions")
    op.drop_table("submissions")
    op.drop_table("applications")
