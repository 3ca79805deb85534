"""Bookings, partner confirmations and ranking approvals run in other threads and processes by
test_lifecycle_store (importable by spawn), and a booking batch run as a script that the
kill-and-rerun test kills midway:

    python -m tests.integration.ledger_race DATABASE_URL COUNT
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from datetime import UTC, datetime
from decimal import Decimal
from typing import Protocol, Self

from sqlalchemy import Engine

from grantflow.adapters.store import make_engine
from grantflow.adapters.store.unit_of_work import SqlUnitOfWork
from grantflow.domain.errors import LedgerError
from grantflow.domain.ledger import EntryKind
from grantflow.domain.ranking import CommitteeChange, RankingDecided
from grantflow.services import selection
from grantflow.services.ledger import book
from grantflow.services.partnership import PartnershipError, confirm_partner
from grantflow.services.ports.partners import Partnership
from grantflow.services.retry import retry_on_conflict
from grantflow.validation.programme_file import load_programme

BATCH_CITY = "3062011"  # Konin
CALL = "stage2-proposal"
BATCH_AMOUNT = Decimal("1500.25")
# Both operators confirm in the programme's partner search (it ends 2021-12-31).
CONFIRMED_AT = datetime(2021, 5, 17, 10, 0, tzinfo=UTC)


def book_once(url: str, key: str, city: str, kind: str, amount: str) -> str:
    """'created', 'replayed' or 'refused'. A lost race (Conflict) is retried in a fresh
    transaction, as every caller of the store does; this many racers need more attempts."""
    engine = make_engine(url)
    try:
        _, created = retry_on_conflict(
            SqlUnitOfWork(engine),
            lambda uow: book(
                uow,
                key=key,
                call=CALL,
                city=city,
                kind=EntryKind(kind),
                amount=Decimal(amount),
                at=datetime.now(UTC),
                actor="race",
            ),
            attempts=50,
        )
    except LedgerError:
        return "refused"
    finally:
        engine.dispose()
    return "created" if created else "replayed"


class Barrier(Protocol):
    """``threading.Barrier`` or a multiprocessing manager's proxy of one."""

    def wait(self, timeout: float | None = None) -> int: ...


# Long enough for the other racer to reach the barrier when nothing holds it back.
PAUSE_S = 2.0


class PausingUnitOfWork(SqlUnitOfWork):
    """Waits at ``barrier`` right after reading the partnerships (the donors' taken places),
    so two racers both read before either writes, unless a lock keeps the second one out
    until the first committed (then the barrier times out and each goes on alone)."""

    def __init__(self, engine: Engine, barrier: Barrier) -> None:
        super().__init__(engine)
        self._barrier = barrier

    def __enter__(self) -> Self:
        super().__enter__()
        listing = self.partnerships.list

        def paused() -> list[Partnership]:
            found = listing()
            # BrokenBarrierError: the other racer is (rightly) held back by the lock.
            with contextlib.suppress(threading.BrokenBarrierError):
                self._barrier.wait(timeout=PAUSE_S)
            return found

        self.partnerships.list = paused  # type: ignore[method-assign]
        return self


def confirm_once(url: str, application_id: int, donor: str, barrier: Barrier) -> str:
    """'confirmed' or 'refused' (the donor had no free place left)."""
    engine = make_engine(url)
    try:
        confirm_partner(
            PausingUnitOfWork(engine, barrier),
            application_id,
            donor,
            load_programme(),
            at=CONFIRMED_AT,
            actor=f"operator:race-{application_id}",
            justification="the donor asked for this city",
        )
        return "confirmed"
    except PartnershipError:
        return "refused"
    finally:
        engine.dispose()


def run_batch(url: str, count: int) -> None:
    """Book ``count`` reservations, one transaction each, pausing inside each transaction
    so that a kill lands between a write and its commit."""
    engine = make_engine(url)
    uow = SqlUnitOfWork(engine)
    try:
        for number in range(count):
            with uow:
                _, created = book(
                    uow,
                    key=f"reserve:batch:{number}",
                    call=CALL,
                    city=BATCH_CITY,
                    kind=EntryKind.RESERVE,
                    amount=BATCH_AMOUNT,
                    at=datetime.now(UTC),
                    actor="batch",
                )
                time.sleep(0.02)
                uow.commit()
            print(f"{number} {'booked' if created else 'already booked'}", flush=True)
    finally:
        engine.dispose()


if __name__ == "__main__":
    run_batch(sys.argv[1], int(sys.argv[2]))


def approve_once(url: str, changes: list[CommitteeChange], actor: str) -> str:
    """'approved' or 'refused' (the other operator's approval decided the ranking first)."""
    engine = make_engine(url)
    try:
        selection.approve_ranking(
            SqlUnitOfWork(engine), CALL, changes, at=CONFIRMED_AT, actor=actor
        )
        return "approved"
    except RankingDecided:
        return "refused"
    finally:
        engine.dispose()
