"""The lump-sum ledger over one SQLAlchemy session."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from grantflow.adapters.store.models.ledger import LedgerRow
from grantflow.adapters.store.repositories.base import WriterLock, flush_or_conflict
from grantflow.domain.ledger import Account, EntryKind, LedgerEntry


class SqlLedgerRepository:
    def __init__(self, session: Session, writer: WriterLock) -> None:
        self._session = session
        self._writer = writer

    def find(self, key: str) -> LedgerEntry | None:
        row = self._session.scalars(select(LedgerRow).where(LedgerRow.key == key)).one_or_none()
        return None if row is None else _ledger_entry(row)

    def entries_for_update(self, account: Account) -> list[LedgerEntry]:
        self._writer.claim()
        rows = self._session.scalars(
            select(LedgerRow)
            .where(LedgerRow.call_code == account.call, LedgerRow.city == account.city)
            .order_by(LedgerRow.id)
            .with_for_update()
        )
        return [_ledger_entry(r) for r in rows]

    def add(self, entry: LedgerEntry) -> None:
        self._writer.claim()
        self._session.add(
            LedgerRow(
                key=entry.key,
                call_code=entry.call,
                city=entry.city,
                kind=str(entry.kind),
                amount=entry.amount,
                at=entry.at,
                actor=entry.actor,
                reason=entry.reason,
            )
        )
        flush_or_conflict(self._session, f"ledger entry '{entry.key}'")

    def all(self) -> list[LedgerEntry]:
        return [
            _ledger_entry(r)
            for r in self._session.scalars(select(LedgerRow).order_by(LedgerRow.id))
        ]


def _ledger_entry(row: LedgerRow) -> LedgerEntry:
    return LedgerEntry(
        row.key,
        row.city,
        EntryKind(row.kind),
        row.amount,
        row.at,
        row.actor,
        row.reason,
        row.call_code,
    )
