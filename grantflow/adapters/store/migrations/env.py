"""Alembic environment: runs on the connection ``grantflow.adapters.store.migrate`` passes.

Online only: grantflow never writes SQL scripts for a DBA to run by hand.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from grantflow.adapters.store.migrate import target_metadata

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("run migrations through grantflow.adapters.store.migrate(url)")

context.configure(
    connection=connection,
    target_metadata=target_metadata(),
    # The caller's transaction wraps the whole upgrade, on SQLite too.
    transactional_ddl=True,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
