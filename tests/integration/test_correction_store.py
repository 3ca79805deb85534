"""Return for correction on the real store (SQLite and PostgreSQL): the scenarios of
``tests/unit/test_correction.py``, with intake and the lifecycle sharing one unit of work."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from grantflow.adapters.store.unit_of_work import SqlUnitOfWork
from tests.unit.test_correction import CorrectionScenarios


class TestCorrectionOnTheStore(CorrectionScenarios):
    @pytest.fixture
    def uow(self, engine: Engine) -> SqlUnitOfWork:
        return SqlUnitOfWork(engine)
