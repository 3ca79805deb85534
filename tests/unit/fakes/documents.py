"""In-memory records of generated documents."""

from __future__ import annotations

from grantflow.services.ports.documents import DocumentRecord
from tests.unit.fakes.tables import Tables


class FakeDocuments:
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    def add(self, record: DocumentRecord) -> bool:
        key = (record.kind, record.lang, record.fmt, record.application_id, record.sha256)
        if any(
            (d.kind, d.lang, d.fmt, d.application_id, d.sha256) == key for d in self._t.documents
        ):
            return False
        self._t.documents.append(record)
        return True

    def list(self, application_id: int | None = None) -> list[DocumentRecord]:
        return [d for d in self._t.documents if application_id in (None, d.application_id)]
