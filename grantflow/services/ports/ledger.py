"""The lump-sum ledger: entries, never balances."""

from __future__ import annotations

from typing import Protocol

from grantflow.domain.ledger import Account, LedgerEntry


class LedgerRepository(Protocol):
    def find(self, key: str) -> LedgerEntry | None:
        """The entry booked under this idempotency key, in any account."""
        ...

    def entries_for_update(self, account: Account) -> list[LedgerEntry]:
        """The account's entries (one call, one city) in booking order, the account locked
        until the unit of work ends."""
        ...

    def add(self, entry: LedgerEntry) -> None:
        """Conflict if the key is taken (a concurrent booking won: re-read and replay)."""
        ...

    def all(self) -> list[LedgerEntry]:
        """Every entry in booking order."""
        ...
