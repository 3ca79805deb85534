"""Repositories of final reports and generated documents over one SQLAlchemy session."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from grantflow.adapters.store.codec import final_report_from_json, to_json
from grantflow.adapters.store.document_models import DocumentRow, FinalReportRow
from grantflow.adapters.store.repositories import (
    _flush,
    kept_upload_columns,
    kept_upload_values,
    last_version_no,
)
from grantflow.services.document_ports import DocumentRecord, NewFinalReport, StoredFinalReport


class SqlFinalReportRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def find(self, application_id: int, sha256: str) -> StoredFinalReport | None:
        row = self._session.scalars(
            select(FinalReportRow).where(
                FinalReportRow.application_id == application_id, FinalReportRow.sha256 == sha256
            )
        ).one_or_none()
        return None if row is None else _final_report(row)

    def last_version_no(self, application_id: int) -> int:
        return last_version_no(self._session, FinalReportRow, application_id)

    def add(self, new: NewFinalReport) -> StoredFinalReport:
        row = FinalReportRow(
            application_id=new.application_id,
            version_no=new.version_no,
            final_report=None if new.final_report is None else to_json(new.final_report),
            **kept_upload_columns(new),
        )
        self._session.add(row)
        _flush(self._session, f"the final report {new.file_name} ({new.sha256[:12]})")
        return _final_report(row)

    def list(self) -> list[StoredFinalReport]:
        rows = self._session.scalars(
            select(FinalReportRow).order_by(
                FinalReportRow.application_id, FinalReportRow.version_no
            )
        )
        return [_final_report(row) for row in rows]


def _final_report(row: FinalReportRow) -> StoredFinalReport:
    return StoredFinalReport(
        id=row.id,
        application_id=row.application_id,
        version_no=row.version_no,
        final_report=None if row.final_report is None else final_report_from_json(row.final_report),
        **kept_upload_values(row),
    )


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
        _flush(self._session, f"the {record.kind} {record.path} ({record.sha256[:12]})")
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
