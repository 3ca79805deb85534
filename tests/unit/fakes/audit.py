"""The in-memory audit log."""

from __future__ import annotations

from grantflow.domain.audit import AuditEntry
from grantflow.domain.errors import Conflict
from tests.unit.fakes.tables import Tables


class FakeAudit:
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    def last_for_update(self) -> AuditEntry | None:
        return self._t.audit[-1] if self._t.audit else None

    def add(self, entry: AuditEntry) -> None:
        if any(e.seq == entry.seq for e in self._t.audit):
            raise Conflict(f"audit entry {entry.seq} exists")
        self._t.audit.append(entry)

    def all(self) -> list[AuditEntry]:
        return list(self._t.audit)

    def for_subject(self, subject: str) -> list[AuditEntry]:
        return [e for e in self._t.audit if e.subject == subject]
