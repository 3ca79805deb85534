"""A page that only reads never waits for the store's writer, and cannot write.

On SQLite a unit of work takes the one write lock when it begins (BEGIN IMMEDIATE);
the portal's pages read through ``Wiring.reading()``, which begins deferred, so a
city's upload being stored does not hold up a reviewer's page.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from grantflow import bootstrap, config
from grantflow.domain.errors import StorageError

AT = datetime(2019, 6, 3, 10, 0, tzinfo=UTC)


@pytest.fixture
def wiring(tmp_path: Path) -> bootstrap.Wiring:
    settings = config.Settings(home=tmp_path, database_url=f"sqlite:///{tmp_path / 'g.db'}")
    wired = bootstrap.Wiring(settings, clock=bootstrap.clock_at(AT))
    wired.migrate()
    return wired


def test_a_page_reads_while_a_writer_holds_the_lock_without_waiting_for_it(
    wiring: bootstrap.Wiring,
) -> None:
    writer = wiring.unit_of_work()
    with writer:  # BEGIN IMMEDIATE: the write lock is held until the block ends
        writer.login_failures.add(email="urzad@chelm.pl", address="10.0.0.7", at=AT)
        started = time.perf_counter()
        with wiring.reading() as page:
            assert page.users.find("urzad@chelm.pl") is None
            assert page.login_failures.count_since(email=None, address=None, since=AT) == 0
        assert time.perf_counter() - started < 1  # not the 30 s busy timeout
        writer.commit()
    wiring.close()


def test_a_reading_unit_of_work_refuses_to_write(wiring: bootstrap.Wiring) -> None:
    with pytest.raises(StorageError, match="readonly"), wiring.reading() as page:
        page.login_failures.add(email="urzad@zamosc.pl", address="10.0.0.8", at=AT)
    with wiring.unit_of_work() as uow:
        assert uow.login_failures.count_since(email=None, address=None, since=AT) == 0
    wiring.close()
