"""The store as the flows use it: its schema brought up to date, and the retry policy.

Each flow runs :func:`prepare_store` first; each task builds its own wiring
(``grantflow.bootstrap.build``) from the settings and the moment the flow
was given, so a task on another worker is wired the same way.
"""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from grantflow.adapters.store import migrate

# Store tasks are idempotent reconcilers, so retrying one is safe: SQLite can
# be locked for a moment by another writer (a CLI next to a flow), and a
# PostgreSQL connection can drop.
STORE_RETRIES, STORE_RETRY_DELAY_S = 2, 2


@task(cache_policy=NO_CACHE)
def prepare_store(database_url: str) -> None:
    migrate(database_url)
