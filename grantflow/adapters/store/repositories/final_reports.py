"""Final reports over one SQLAlchemy session."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from grantflow.adapters.store.codec import final_report_from_json, to_json
from grantflow.adapters.store.models.final_reports import FinalReportRow
from grantflow.adapters.store.repositories.applications import (
    kept_upload_columns,
    kept_upload_values,
    last_version_no,
)
from grantflow.adapters.store.repositories.base import flush_or_conflict
from grantflow.services.ports.final_reports import NewFinalReport, StoredFinalReport


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
        flush_or_conflict(self._session, f"the final report {new.file_name} ({new.sha256[:12]})")
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
