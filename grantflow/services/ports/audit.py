"""The append-only, hash-chained audit log."""

from __future__ import annotations

from typing import Protocol

from grantflow.domain.audit import AuditEntry


class AuditRepository(Protocol):
    def last_for_update(self) -> AuditEntry | None:
        """The newest entry, locking the log's end so appends form one chain."""
        ...

    def add(self, entry: AuditEntry) -> None:
        """Conflict if its ``seq`` is taken (a concurrent append won)."""
        ...

    def all(self) -> list[AuditEntry]:
        """The whole log in ``seq`` order, exactly as stored (for verification)."""
        ...

    def for_subject(self, subject: str) -> list[AuditEntry]:
        """The entries about ``subject`` (``application:12``) in ``seq`` order."""
        ...
