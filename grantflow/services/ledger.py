"""Booking lump-sum ledger entries: idempotent, checked, audited.

A booking locks its account (the call and the city), replays the account's
entries into a ``grantflow.domain.ledger.Ledger`` and books there: the
domain decides whether the money rule allows it, the lock makes the decision
hold against concurrent bookings. A replay of an idempotency key returns the
entry already booked and writes nothing, also when a concurrent transaction
booked the key between the first look and the lock.

:func:`settle_open` is how the lifecycle closes a reservation: it books the
whole open amount of an application's account as one kind (``commit`` at
signing, ``release`` when the city leaves, ``return`` at the deadline).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from grantflow.domain.ledger import Account, EntryKind, Ledger, LedgerEntry, replayed
from grantflow.services.lifecycle import record
from grantflow.services.ports.applications import Application
from grantflow.services.ports.unit_of_work import UnitOfWork


def book(
    uow: UnitOfWork,
    *,
    key: str,
    call: str,
    city: str,
    kind: EntryKind,
    amount: Decimal,
    at: datetime,
    actor: str,
    reason: str = "",
) -> tuple[LedgerEntry, bool]:
    """(the entry, created) inside the caller's unit of work; LedgerError if refused."""
    entry = LedgerEntry(key, city, kind, amount, at, actor, reason, call)
    existing = uow.ledger.find(key)
    if existing is not None:
        return replayed(existing, entry), False
    booking = Ledger.from_entries(uow.ledger.entries_for_update(entry.account)).book(entry)
    if not booking.created:
        # Booked by a concurrent transaction after ``find``: the lock made it visible.
        return booking.entry, False
    uow.ledger.add(booking.entry)
    record(
        uow,
        at=at,
        actor=actor,
        action=f"ledger:{kind}",
        subject=f"ledger:{call}:{city}",
        reason=reason,
        payload={"key": key, "amount_eur": amount},
    )
    return booking.entry, True


def account_of(application: Application) -> Account:
    return Account(application.call_code, application.teryt)


def open_amount(uow: UnitOfWork, account: Account) -> Decimal:
    """The account's open reservation, read under the account's lock."""
    return Ledger.from_entries(uow.ledger.entries_for_update(account)).account_balance(account).open


def settle_open(
    uow: UnitOfWork,
    kind: EntryKind,
    key: str,
    application: Application,
    reason: str,
    *,
    at: datetime,
    actor: str,
) -> LedgerEntry | None:
    """Book the application's whole open reservation as ``kind``; None when nothing is open.

    Idempotent through ``key``: once settled, nothing is open, and a replay
    of the same key finds nothing more to book.
    """
    amount = open_amount(uow, account_of(application))
    if amount <= 0:
        return None
    entry, _ = book(
        uow,
        key=key,
        call=application.call_code,
        city=application.teryt,
        kind=kind,
        amount=amount,
        at=at,
        actor=actor,
        reason=reason,
    )
    return entry


def current_ledger(uow: UnitOfWork) -> Ledger:
    """The whole programme's ledger (for ``grantflow ledger`` and the flows' artifacts)."""
    with uow:
        return Ledger.from_entries(uow.ledger.all())
