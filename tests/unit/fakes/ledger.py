"""The in-memory ledger."""

from __future__ import annotations

from grantflow.domain.errors import Conflict
from grantflow.domain.ledger import Account, LedgerEntry
from tests.unit.fakes.tables import Tables


class FakeLedger:
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    def find(self, key: str) -> LedgerEntry | None:
        return next((e for e in self._t.ledger if e.key == key), None)

    def entries_for_update(self, account: Account) -> list[LedgerEntry]:
        return [e for e in self._t.ledger if e.account == account]

    def add(self, entry: LedgerEntry) -> None:
        if self.find(entry.key) is not None:
            raise Conflict(entry.key)
        self._t.ledger.append(entry)

    def all(self) -> list[LedgerEntry]:
        return list(self._t.ledger)
