"""Booking lump-sum ledger entries: idempotent, checked, audited.

A booking locks the city's account, replays its entries into a
``grantflow.domain.ledger.Ledger`` and books there: the domain decides
whether the money rule allows it, the lock makes the decision hold against
concurrent bookings. A replay of an idempotency key returns the entry
already booked and writes nothing.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from grantflow.domain.ledger import EntryKind, Ledger, LedgerEntry, replayed
from grantflow.services.lifecycle import record
from grantflow.services.lifecycle_ports import LifecycleUnitOfWork


def book(
    uow: LifecycleUnitOfWork,
    *,
    key: str,
    city: str,
    kind: EntryKind,
    amount: Decimal,
    at: datetime,
    actor: str,
    reason: str = "",
) -> tuple[LedgerEntry, bool]:
    """(the entry, created) inside the caller's unit of work; LedgerError if refused."""
    entry = LedgerEntry(key, city, kind, amount, at, actor, reason)
    existing = uow.ledger.find(key)
    if existing is not None:
        return replayed(existing, entry), False
    booking = Ledger.from_entries(uow.ledger.entries_for_update(city)).book(entry)
    uow.ledger.add(booking.entry)
    record(
        uow,
        at=at,
        actor=actor,
        action=f"ledger:{kind}",
        subject=f"ledger:{city}",
        reason=reason,
        payload={"key": key, "amount_eur": amount},
    )
    return booking.entry, True


def open_amount(uow: LifecycleUnitOfWork, city: str) -> Decimal:
    """The city's open reservation, read under the account's lock."""
    return Ledger.from_entries(uow.ledger.entries_for_update(city)).balance(city).open


def current_ledger(uow: LifecycleUnitOfWork) -> Ledger:
    """The whole programme's ledger (for ``grantflow ledger`` and the flows' artifacts)."""
    with uow:
        return Ledger.from_entries(uow.ledger.all())
