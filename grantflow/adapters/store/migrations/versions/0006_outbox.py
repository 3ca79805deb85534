"""The outbox of notifications and reminders; experts' e-mail and mail language.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Frozen copies of the column types as they were at this revision.
_json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("topic", sa.String(40), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("lang", sa.String(2), nullable=False),
        sa.Column("link", sa.String(300), nullable=False),
        sa.Column("params", _json, nullable=False),
        sa.Column("created_at", _timestamp, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("last_attempt_at", _timestamp, nullable=True),
        sa.Column("sent_at", _timestamp, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("key", name="uq_outbox_key"),
    )
    op.create_index("ix_outbox_sent_at", "outbox", ["sent_at"])
    # Experts registered before this revision have no address: they are not mailed.
    with op.batch_alter_table("reviewers") as batch:
        batch.add_column(sa.Column("email", sa.String(320), nullable=False, server_default=""))
        batch.add_column(sa.Column("language", sa.String(2), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("reviewers") as batch:
        batch.drop_column("language")
        batch.drop_column("email")
    op.drop_index("ix_outbox_sent_at", table_name="outbox")
    op.drop_table("outbox")
