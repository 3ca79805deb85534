"""Engines for SQLite (the embedded default) and PostgreSQL (production).

SQLite is tuned for several writers on one machine (Prefect tasks in
threads, a CLI next to a flow): WAL so readers never block the writer,
``busy_timeout`` so a writer waits for the lock instead of failing, and
``BEGIN IMMEDIATE`` so a transaction takes the write lock when it starts.
Without the last one, two transactions that both read and then write
deadlock on the lock upgrade and SQLite fails one of them at once with
"database is locked", whatever the timeout.

A reader's engine (``read_only=True``) begins deferred instead: a WAL
reader sees one snapshot and never takes the write lock, so a page that only
reads waits for no writer (the portal's pages, measured by
``benchmarks/bench_portal.py``); ``query_only`` makes a write through it fail
at once rather than take the lock unannounced.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from grantflow.domain.errors import ConfigurationError

BUSY_TIMEOUT_MS = 30_000


def normalise_url(url: str) -> URL:
    """Parse a database URL; plain ``postgresql://`` means the psycopg 3 driver."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigurationError(f"not a database URL: {url!r}") from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigurationError(
            f"unsupported database {parsed.get_backend_name()!r}: use sqlite or postgresql"
        )
    return parsed


def is_sqlite(url: str) -> bool:
    return normalise_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "postgresql":
        return create_engine(parsed, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _sqlite_on_connect)
    if read_only:
        event.listen(engine, "connect", _sqlite_query_only)
        event.listen(engine, "begin", _sqlite_on_begin_deferred)
    else:
        event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Hand transaction control to SQLAlchemy's "begin" event (below): the
    # sqlite3 module would otherwise issue its own deferred BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL, much faster commits
    finally:
        cursor.close()


def _sqlite_on_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_query_only(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA query_only=ON")
    finally:
        cursor.close()


def _sqlite_on_begin_deferred(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")
