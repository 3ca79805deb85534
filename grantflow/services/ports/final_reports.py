"""Final reports: each project's uploaded versions with their validation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from grantflow.domain.final_report import FinalReport
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
