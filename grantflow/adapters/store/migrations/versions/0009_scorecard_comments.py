"""Reviewers' comments per criterion, kept with their scorecards.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# A frozen copy of the column type as it is at this revision.
_json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    # Scorecards submitted before this revision were locked without comments: they keep none.
    with op.batch_alter_table("scorecards") as batch:
        batch.add_column(sa.Column("comments", _json, nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("scorecards") as batch:
        batch.drop_column("comments")
