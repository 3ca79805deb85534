"""Alembic, driven from code: no alembic.ini, scripts found next to this module.

``migrate(url)`` brings a database to the newest schema; it is safe to call
on every start (a database already at head is left alone) and from several
processes at once (the upgrade holds the write lock, or on PostgreSQL an
advisory lock, for its whole transaction).
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, text
from sqlalchemy.exc import SQLAlchemyError

from grantflow.adapters.store.engine import make_engine
from grantflow.adapters.store.models.base import Base
from grantflow.domain.errors import StorageError

SCRIPT_LOCATION = Path(__file__).resolve().parent / "migrations"
# Any constant will do: it names the lock all grantflow migrators share.
_PG_MIGRATION_LOCK = 5_177_203


# The package whose modules (one per aggregate) map tables onto ``Base``:
# each registers its tables when imported.
MODELS_PACKAGE = f"{__package__}.models"


def target_metadata() -> MetaData:
    """Every table the models describe: what the migrations must build, exactly."""
    package = importlib.import_module(MODELS_PACKAGE)
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{MODELS_PACKAGE}.{module.name}")
    return Base.metadata


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migration scripts shipped"
    return head


def migrate(url: str) -> None:
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


def upgrade(engine: Engine) -> None:
    config = alembic_config()
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK}
                )
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except SQLAlchemyError as exc:
        raise StorageError(f"cannot migrate the database: {exc}") from exc
