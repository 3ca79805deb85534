"""Generated documents as the store records them (one record per file and its SHA-256)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class DocumentRecord:
    """A generated file as the store keeps it."""

    kind: str
    lang: str
    fmt: str
    application_id: int | None  # None: a programme-wide document (the publication)
    path: str  # relative to GRANTFLOW_HOME; absolute when written outside it
    sha256: str
    size: int
    generated_at: datetime


class DocumentRepository(Protocol):
    def add(self, record: DocumentRecord) -> bool:
        """Store the record; False (and nothing stored) when these bytes of this
        document (kind, language, format, application) were recorded before.
        Conflict when a concurrent writer recorded them first."""
        ...

    def list(self, application_id: int | None = None) -> list[DocumentRecord]:
        """Every record in the order they were made (only one application's when given)."""
        ...
