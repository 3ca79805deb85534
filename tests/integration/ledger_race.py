"""Bookings run in other threads and processes by test_lifecycle_store (importable by spawn),
and a booking batch run as a script that the kill-and-rerun test kills midway:

    python -m tests.integration.ledger_race DATABASE_URL COUNT
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from decimal import Decimal

from grantflow.adapters.store import make_engine
from grantflow.adapters.store.lifecycle_uow import SqlLifecycleUnitOfWork
from grantflow.domain.errors import Conflict, LedgerError
from grantflow.domain.ledger import EntryKind
from grantflow.services.ledger import book

BATCH_CITY = "3062011"  # Konin
BATCH_AMOUNT = Decimal("1500.25")


def book_once(url: str, key: str, city: str, kind: str, amount: str) -> str:
    """'created', 'replayed' or 'refused'. A lost race (Conflict) is retried in a fresh
    transaction, as every caller of the store does."""
    engine = make_engine(url)
    uow = SqlLifecycleUnitOfWork(engine)
    try:
        for _ in range(50):
            try:
                with uow:
                    _, created = book(
                        uow,
                        key=key,
                        city=city,
                        kind=EntryKind(kind),
                        amount=Decimal(amount),
                        at=datetime.now(UTC),
                        actor="race",
                    )
                    uow.commit()
                return "created" if created else "replayed"
            except Conflict:
                continue
            except LedgerError:
                return "refused"
        raise RuntimeError(f"{key}: still losing races after 50 attempts")
    finally:
        engine.dispose()


def run_batch(url: str, count: int) -> None:
    """Book ``count`` reservations, one transaction each, pausing inside each transaction
    so that a kill lands between a write and its commit."""
    engine = make_engine(url)
    uow = SqlLifecycleUnitOfWork(engine)
    try:
        for number in range(count):
            with uow:
                _, created = book(
                    uow,
                    key=f"reserve:batch:{number}",
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
