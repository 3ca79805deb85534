"""The store as the flows use it: one engine per task, disposed at its end.

Shared by ``intake``, ``review``, ``selection``, ``partnership`` and
``documents``; each flow brings the schema up to date with
:func:`prepare_store` first. :func:`today` is the flows' calendar day.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from grantflow import config
from grantflow.adapters.store import make_engine, migrate
from grantflow.adapters.store.unit_of_work import SqlUnitOfWork
from grantflow.domain.deadlines import operator_day
from grantflow.domain.programme import Programme
from grantflow.validation.programme_file import load_programme

# Store tasks are idempotent reconcilers, so retrying one is safe: SQLite can
# be locked for a moment by another writer (a CLI next to a flow), and a
# PostgreSQL connection can drop.
STORE_RETRIES, STORE_RETRY_DELAY_S = 2, 2


@task(cache_policy=NO_CACHE)
def prepare_store(database_url: str) -> None:
    migrate(database_url)


@contextmanager
def lifecycle_uow(settings: config.Settings) -> Iterator[SqlUnitOfWork]:
    engine = make_engine(settings.database_url)
    try:
        yield SqlUnitOfWork(engine)
    finally:
        engine.dispose()


def programme_of(programme_file: str | None) -> Programme:
    return load_programme(Path(programme_file) if programme_file else None)


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today at the Programme Operator's seat (what "on or after the deadline" means)."""
    return operator_day(now())
