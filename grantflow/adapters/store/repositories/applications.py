"""Applications and their uploaded versions over one SQLAlchemy session."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grantflow.adapters.store.codec import outline_from_json, to_json
from grantflow.adapters.store.models.applications import ApplicationRow, KeptUpload, SubmissionRow
from grantflow.adapters.store.models.final_reports import FinalReportRow
from grantflow.adapters.store.repositories.base import (
    WriterLock,
    flush_or_conflict,
    row_or_not_found,
)
from grantflow.services.ports.applications import SUBMITTED, Application, NewSubmission, Submission
from grantflow.validation.report import FileReport


class SqlApplicationRepository:
    def __init__(self, session: Session, writer: WriterLock) -> None:
        self._session = session
        self._writer = writer

    def _row(self, application_id: int) -> ApplicationRow:
        return row_or_not_found(
            self._session, ApplicationRow, application_id, f"no application {application_id}"
        )

    def get(self, application_id: int) -> Application:
        return _application(self._row(application_id))

    def find(self, call_code: str, teryt: str) -> Application | None:
        row = self._session.scalars(
            select(ApplicationRow).where(
                ApplicationRow.call_code == call_code, ApplicationRow.teryt == teryt
            )
        ).one_or_none()
        return None if row is None else _application(row)

    def add(
        self, *, call_code: str, stage: int, teryt: str, city_name: str, created_at: datetime
    ) -> Application:
        row = ApplicationRow(
            call_code=call_code,
            stage=stage,
            teryt=teryt,
            city_name=city_name,
            state=SUBMITTED,
            created_at=created_at,
        )
        self._session.add(row)
        flush_or_conflict(self._session, f"the application of TERYT {teryt} to {call_code}")
        return _application(row)

    def lock(self, application_id: int) -> None:
        # A row lock on PostgreSQL. SQLite has none and needs none: every
        # transaction holds the database's write lock from its start.
        self._session.execute(
            select(ApplicationRow.id).where(ApplicationRow.id == application_id).with_for_update()
        )

    def of_city(self, teryt: str) -> list[Application]:
        query = select(ApplicationRow).where(ApplicationRow.teryt == teryt)
        return [
            _application(row) for row in self._session.scalars(query.order_by(ApplicationRow.id))
        ]

    def list(self, call_code: str | None = None) -> list[Application]:
        query = select(ApplicationRow).order_by(ApplicationRow.id)
        if call_code is not None:
            query = query.where(ApplicationRow.call_code == call_code)
        return [_application(row) for row in self._session.scalars(query)]

    def get_for_update(self, application_id: int) -> Application:
        self._writer.claim()
        self.lock(application_id)
        return self.get(application_id)

    def set_state(self, application_id: int, state: str) -> Application:
        self._writer.claim()
        row = self._row(application_id)
        row.state = str(state)
        flush_or_conflict(self._session, f"the state of application {application_id}")
        return self.get(application_id)


class SqlSubmissionRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, submission_id: int) -> Submission:
        return _submission(
            row_or_not_found(
                self._session, SubmissionRow, submission_id, f"no submission {submission_id}"
            )
        )

    def find(self, application_id: int | None, sha256: str) -> Submission | None:
        owner = (
            SubmissionRow.application_id.is_(None)
            if application_id is None
            else SubmissionRow.application_id == application_id
        )
        row = self._session.scalars(
            select(SubmissionRow).where(owner, SubmissionRow.sha256 == sha256)
        ).one_or_none()
        return None if row is None else _submission(row)

    def last_version_no(self, application_id: int) -> int:
        return last_version_no(self._session, SubmissionRow, application_id)

    def add(self, new: NewSubmission) -> Submission:
        row = SubmissionRow(
            application_id=new.application_id,
            version_no=new.version_no,
            outline=None if new.outline is None else to_json(new.outline),
            **kept_upload_columns(new),
        )
        self._session.add(row)
        flush_or_conflict(self._session, f"the upload {new.file_name} ({new.sha256[:12]})")
        # What was given, with its id: decoding the outline just encoded cost the
        # intake half a millisecond per upload.
        return new.stored(row.id)

    def for_application(self, application_id: int) -> list[Submission]:
        rows = self._session.scalars(
            select(SubmissionRow)
            .where(SubmissionRow.application_id == application_id)
            .order_by(SubmissionRow.version_no)
        )
        return [_submission(row) for row in rows]

    def newest_valid(self) -> dict[int, Submission]:
        rows = self._session.scalars(
            select(SubmissionRow)
            .where(SubmissionRow.application_id.is_not(None), SubmissionRow.valid.is_(True))
            .order_by(SubmissionRow.application_id, SubmissionRow.version_no)
        )
        # Later versions overwrite earlier ones: the newest stays.
        newest = {}
        for row in rows:
            submission = _submission(row)
            if submission.application_id is not None and submission.outline is not None:
                newest[submission.application_id] = submission
        return newest


def _application(row: ApplicationRow) -> Application:
    return Application(
        id=row.id,
        call_code=row.call_code,
        stage=row.stage,
        teryt=row.teryt,
        city_name=row.city_name,
        state=row.state,
        created_at=row.created_at,
    )


class _KeptFile(Protocol):
    """What every upload about to be kept carries (NewSubmission, NewFinalReport)."""

    @property
    def file_name(self) -> str: ...
    @property
    def sha256(self) -> str: ...
    @property
    def stored_path(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def report(self) -> FileReport: ...
    @property
    def submitted_by(self) -> str: ...
    @property
    def submitted_at(self) -> datetime: ...


def kept_upload_columns(new: _KeptFile) -> dict[str, Any]:
    """The ``models.KeptUpload`` columns of a row for ``new``."""
    return {
        "file_name": new.file_name,
        "sha256": new.sha256,
        "stored_path": new.stored_path,
        "size": new.size,
        "valid": new.report.valid,
        "error_count": new.report.errors,
        "warning_count": new.report.warnings,
        "report": new.report.to_storable(),
        "submitted_by": new.submitted_by,
        "submitted_at": new.submitted_at,
    }


def kept_upload_values(row: KeptUpload) -> dict[str, Any]:
    """The ``models.KeptUpload`` columns of ``row`` as the values the ports carry."""
    return {
        "file_name": row.file_name,
        "sha256": row.sha256,
        "stored_path": row.stored_path,
        "size": row.size,
        "report": FileReport.from_storable(row.report),
        "submitted_by": row.submitted_by,
        "submitted_at": row.submitted_at,
    }


def last_version_no(
    session: Session, table: type[SubmissionRow] | type[FinalReportRow], application_id: int
) -> int:
    """The newest version number of an application's uploads in ``table`` (0: none)."""
    last = session.scalar(
        select(func.max(table.version_no)).where(table.application_id == application_id)
    )
    return last or 0


def _submission(row: SubmissionRow) -> Submission:
    return Submission(
        id=row.id,
        application_id=row.application_id,
        version_no=row.version_no,
        outline=None if row.outline is None else outline_from_json(row.outline),
        **kept_upload_values(row),
    )
