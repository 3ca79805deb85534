"""The outbox on the SQL store (SQLite and PostgreSQL): the scenarios of
``tests/unit/test_notifications.py`` (events, reminders once, refused deliveries kept)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from grantflow.adapters.store.unit_of_work import SqlUnitOfWork
from tests.unit.test_notifications import OutboxScenarios


class TestTheOutboxOnTheStore(OutboxScenarios):
    @pytest.fixture
    def uow(self, engine: Engine) -> SqlUnitOfWork:
        return SqlUnitOfWork(engine)
