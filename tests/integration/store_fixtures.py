"""Database fixtures: every store test runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``GRANTFLOW_TEST_POSTGRES_URL`` (default: the local
server's ``test`` database). Each test gets a schema of its own, dropped
afterwards, so runs (and xdist workers) never see each other's rows. When
the server cannot be reached the PostgreSQL cases fail, naming the URL:
storage is promised on both databases, so a missing one is never skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from functools import cache

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from grantflow.adapters.store import SqlUnitOfWork, make_engine, migrate, normalise_url

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_url() -> str:
    return os.environ.get("GRANTFLOW_TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL


@cache
def _postgres_problem() -> str | None:
    """Why PostgreSQL cannot be used, or None when it answers."""
    engine = create_engine(normalise_url(postgres_url()), connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        return (
            f"PostgreSQL at {make_url(postgres_url()).render_as_string()} unreachable: {exc.orig}"
        )
    finally:
        engine.dispose()
    return None


def require_postgres() -> None:
    problem = _postgres_problem()
    if problem is None:
        return
    pytest.fail(f"{problem}; point GRANTFLOW_TEST_POSTGRES_URL at a PostgreSQL server")


@pytest.fixture
def postgres_schema_url() -> Iterator[str]:
    """A URL whose connections live in a fresh, empty schema (dropped afterwards)."""
    require_postgres()
    schema = f"gf_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(postgres_url()))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = normalise_url(postgres_url()).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """An empty database (no tables), once SQLite in a temp folder, once PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('store') / 'grantflow.db'}"
    url: str = request.getfixturevalue("postgres_schema_url")
    return url


@pytest.fixture
def database_url(empty_database_url: str) -> str:
    """A database migrated to the newest schema."""
    migrate(empty_database_url)
    return empty_database_url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def uow(engine: Engine) -> SqlUnitOfWork:
    return SqlUnitOfWork(engine)
