"""Final reports (uploaded versions) and generated documents.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Frozen copies of the column types as they were at this revision.
_json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_timestamp = sa.DateTime(timezone=True)


def _application_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["application_id"],
        ["applications.id"],
        name=f"fk_{table}_application_id_applications",
        ondelete="RESTRICT",
    )


def upgrade() -> None:
    op.create_table(
        "final_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("version_no", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("stored_path", sa.String(255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column("warning_count", sa.Integer(), nullable=False),
        sa.Column("report", _json, nullable=False),
        sa.Column("final_report", _json, nullable=True),
        sa.Column("submitted_by", sa.String(200), nullable=False),
        sa.Column("submitted_at", _timestamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_final_reports"),
        _application_fk("final_reports"),
        sa.UniqueConstraint(
            "application_id", "sha256", name="uq_final_reports_application_id_sha256"
        ),
        sa.UniqueConstraint(
            "application_id", "version_no", name="uq_final_reports_application_id_version_no"
        ),
    )
    op.create_index("ix_final_reports_application_id", "final_reports", ["application_id"])
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("lang", sa.String(5), nullable=False),
        sa.Column("fmt", sa.String(5), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("path", sa.String(500), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("generated_at", _timestamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_documents"),
        _application_fk("documents"),
        sa.UniqueConstraint(
            "kind",
            "lang",
            "fmt",
            "application_id",
            "sha256",
            name="uq_documents_kind_lang_fmt_application_id_sha256",
        ),
    )
    op.create_index("ix_documents_application_id", "documents", ["application_id"])
    op.create_index(
        "uq_documents_programme_wide",
        "documents",
        ["kind", "lang", "fmt", "sha256"],
        unique=True,
        sqlite_where=sa.text("application_id IS NULL"),
        postgresql_where=sa.text("application_id IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_documents_programme_wide", table_name="documents")
    op.drop_index("ix_documents_application_id", table_name="documents")
    op.drop_table("documents")
    op.drop_index("ix_final_reports_application_id", table_name="final_reports")
    op.drop_table("final_reports")
