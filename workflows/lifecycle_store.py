"""The store as the lifecycle flows use it: one engine per task, disposed at its end.

Shared by ``review``, ``selection`` and ``partnership``; the schema is
brought up to date by intake's ``prepare_store`` task first.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from grantflow import config
from grantflow.adapters.store import make_engine
from grantflow.adapters.store.lifecycle_uow import SqlLifecycleUnitOfWork
from grantflow.domain.programme import Programme
from grantflow.validation.programme_file import load_programme

# Store tasks are idempotent reconcilers, so retrying one is safe: SQLite can
# be locked for a moment by another writer (a CLI next to a flow), and a
# PostgreSQL connection can drop.
STORE_RETRIES, STORE_RETRY_DELAY_S = 2, 2


@contextmanager
def lifecycle_uow(settings: config.Settings) -> Iterator[SqlLifecycleUnitOfWork]:
    engine = make_engine(settings.database_url)
    try:
        yield SqlLifecycleUnitOfWork(engine)
    finally:
        engine.dispose()


def programme_of(programme_file: str | None) -> Programme:
    return load_programme(Path(programme_file) if programme_file else None)


def now() -> datetime:
    return datetime.now(UTC)
