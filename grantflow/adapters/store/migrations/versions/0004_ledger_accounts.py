"""Ledger accounts per call: a city funded in two calls keeps the two calls' money apart.

Entries booked before this revision get their call from their idempotency
key (every key the services book names the call: ``reserve:<call>:<id>``,
``commit:<call>:<id>``, ``spend:<call>:<id>:final-report-v1``, ...), else
from the city's first Stage 2 application, else none (an entry booked by
hand, with no application behind it).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_FROM_KEY = """
UPDATE ledger_entries SET call_code = (
    SELECT a.call_code FROM applications a
    WHERE a.teryt = ledger_entries.city
      AND ledger_entries.key LIKE '%:' || a.call_code || ':%'
    ORDER BY a.id LIMIT 1
)
"""
_FROM_FIRST_PROPOSAL = """
UPDATE ledger_entries SET call_code = (
    SELECT a.call_code FROM applications a
    WHERE a.teryt = ledger_entries.city AND a.stage = 2
    ORDER BY a.id LIMIT 1
)
WHERE call_code IS NULL
"""


def upgrade() -> None:
    with op.batch_alter_table("ledger_entries") as batch:
        batch.add_column(sa.Column("call_code", sa.String(64), nullable=True))
    op.execute(_FROM_KEY)
    op.execute(_FROM_FIRST_PROPOSAL)
    op.execute("UPDATE ledger_entries SET call_code = '' WHERE call_code IS NULL")
    with op.batch_alter_table("ledger_entries") as batch:
        batch.alter_column("call_code", existing_type=sa.String(64), nullable=False)
        batch.drop_index("ix_ledger_entries_city")
        batch.create_index("ix_ledger_entries_account", ["call_code", "city"])


def downgrade() -> None:
    with op.batch_alter_table("ledger_entries") as batch:
        batch.drop_index("ix_ledger_entries_account")
        batch.create_index("ix_ledger_entries_city", ["city"])
        batch.drop_column("call_code")
