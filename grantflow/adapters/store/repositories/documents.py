"""Generated documents' records over one SQLAlchemy session."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from grantflow.adapters.store.models.documents import DocumentRow
from grantflow.adapters.store.repositories.base import flush_or_conflict
from grantflow.services.ports.documents import DocumentRecord


class SqlDocumentRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, record: DocumentRecord) -> bool:
        owner = (
            DocumentRow.application_id.is_(None)
            if record.application_id is None
            else DocumentRow.application_id == record.application_id
        )
        known = self._session.scalar(
            select(DocumentRow.id).where(
                DocumentRow.kind == record.kind,
                DocumentRow.lang == record.lang,
                DocumentRow.fmt == record.fmt,
                DocumentRow.sha256 == record.sha256,
                owner,
            )
        )
        if known is not None:
            return False
        self._session.add(
            DocumentRow(
                kind=record.kind,
                lang=record.lang,
                fmt=record.fmt,
                application_id=record.application_id,
                path=record.path,
                sha256=record.sha256,
                size=record.size,
                generated_at=record.generated_at,
            )
        )
        flush_or_conflict(self._session, f"the {record.kind} {record.path} ({record.sha256[:12]})")
        return True

    def list(self, application_id: int | None = None) -> list[DocumentRecord]:
        query = select(DocumentRow).order_by(DocumentRow.id)
        if application_id is not None:
            query = query.where(DocumentRow.application_id == application_id)
        return [
            DocumentRecord(
                kind=row.kind,
                lang=row.lang,
                fmt=row.fmt,
                application_id=row.application_id,
                path=row.path,
                sha256=row.sha256,
                size=row.size,
                generated_at=row.generated_at,
            )
            for row in self._session.scalars(query)
        ]
