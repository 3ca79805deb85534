"""The store: SQLAlchemy 2 over SQLite (embedded default) or PostgreSQL.

Composition roots use three names::

    migrate(settings.database_url)          # schema up to date (Alembic head)
    engine = make_engine(settings.database_url)
    uow = SqlUnitOfWork(engine)             # grantflow.services.ports.unit_of_work.UnitOfWork
"""

from grantflow.adapters.store.engine import make_engine, normalise_url
from grantflow.adapters.store.migrate import head_revision, migrate, upgrade
from grantflow.adapters.store.unit_of_work import SqlUnitOfWork

__all__ = ["SqlUnitOfWork", "head_revision", "make_engine", "migrate", "normalise_url", "upgrade"]
