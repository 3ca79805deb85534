"""The audit log over one SQLAlchemy session."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from grantflow.adapters.store.models.audit import AuditRow
from grantflow.adapters.store.repositories.base import WriterLock, flush_or_conflict
from grantflow.domain.audit import AuditEntry


class SqlAuditRepository:
    def __init__(self, session: Session, writer: WriterLock) -> None:
        self._session = session
        self._writer = writer

    def last_for_update(self) -> AuditEntry | None:
        self._writer.claim()
        row = self._session.scalars(
            select(AuditRow).order_by(AuditRow.seq.desc()).limit(1)
        ).one_or_none()
        return None if row is None else _audit_entry(row)

    def add(self, entry: AuditEntry) -> None:
        self._writer.claim()
        self._session.add(
            AuditRow(
                seq=entry.seq,
                at=entry.at,
                actor=entry.actor,
                action=entry.action,
                subject=entry.subject,
                reason=entry.reason,
                payload=dict(entry.payload),
                prev_hash=entry.prev_hash,
                hash=entry.hash,
            )
        )
        flush_or_conflict(self._session, f"audit entry {entry.seq}")

    def all(self) -> list[AuditEntry]:
        return [
            _audit_entry(r) for r in self._session.scalars(select(AuditRow).order_by(AuditRow.seq))
        ]

    def for_subject(self, subject: str) -> list[AuditEntry]:
        rows = self._session.scalars(
            select(AuditRow).where(AuditRow.subject == subject).order_by(AuditRow.seq)
        )
        return [_audit_entry(r) for r in rows]


def _audit_entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        action=row.action,
        subject=row.subject,
        reason=row.reason,
        payload=row.payload,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )
