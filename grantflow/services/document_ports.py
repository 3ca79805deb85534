"""What the documents need from the store beyond the lifecycle: final reports and issued files.

Extends ``grantflow.services.lifecycle_ports`` in the same style: frozen
records out, a lost race on a unique key is ``Conflict``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from grantflow.domain.final_report import FinalReport
from grantflow.services.lifecycle_ports import LifecycleUnitOfWork
from grantflow.validation.report import FileReport


@dataclass(frozen=True, kw_only=True)
class NewFinalReport:
    """One uploaded final-report file with its validation report, before the store keeps it."""

    application_id: int
    version_no: int  # 1..n per application
    file_name: str
    sha256: str
    stored_path: str  # relative to GRANTFLOW_HOME
    size: int
    report: FileReport
    final_report: FinalReport | None  # only for a valid upload
    submitted_by: str
    submitted_at: datetime

    @property
    def valid(self) -> bool:
        return self.report.valid


@dataclass(frozen=True, kw_only=True)
class StoredFinalReport(NewFinalReport):
    id: int


class FinalReportRepository(Protocol):
    def find(self, application_id: int, sha256: str) -> StoredFinalReport | None:
        """The version holding exactly these bytes."""
        ...

    def last_version_no(self, application_id: int) -> int:
        """0 when the project has no final report yet."""
        ...

    def add(self, new: NewFinalReport) -> StoredFinalReport:
        """Conflict if the file or the version number is already taken."""
        ...

    def list(self) -> list[StoredFinalReport]:
        """Every version of every project, by application then version."""
        ...


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


class ProgrammeUnitOfWork(LifecycleUnitOfWork, Protocol):
    """The lifecycle's unit of work with the final reports and the documents."""

    @property
    def final_reports(self) -> FinalReportRepository: ...

    @property
    def documents(self) -> DocumentRepository: ...
