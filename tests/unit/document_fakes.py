"""In-memory implementations of grantflow.services.document_ports for unit tests.

``FakeProgrammeUnitOfWork`` is the lifecycle's fake with the final reports
and the generated documents, with the store's unique keys.
"""

from __future__ import annotations

import dataclasses
from typing import Self

from grantflow.domain.errors import Conflict
from grantflow.services.document_ports import DocumentRecord, NewFinalReport, StoredFinalReport
from tests.unit.lifecycle_fakes import FakeLifecycleUnitOfWork, LifecycleTables


@dataclasses.dataclass
class ProgrammeTables(LifecycleTables):
    final_reports: dict[int, StoredFinalReport] = dataclasses.field(default_factory=dict)
    documents: list[DocumentRecord] = dataclasses.field(default_factory=list)


class FakeFinalReports:
    def __init__(self, tables: ProgrammeTables) -> None:
        self._t = tables

    def find(self, application_id: int, sha256: str) -> StoredFinalReport | None:
        return next(
            (
                r
                for r in self._t.final_reports.values()
                if r.application_id == application_id and r.sha256 == sha256
            ),
            None,
        )

    def last_version_no(self, application_id: int) -> int:
        return max(
            (
                r.version_no
                for r in self._t.final_reports.values()
                if r.application_id == application_id
            ),
            default=0,
        )

    def add(self, new: NewFinalReport) -> StoredFinalReport:
        if self.find(new.application_id, new.sha256) or any(
            r.application_id == new.application_id and r.version_no == new.version_no
            for r in self._t.final_reports.values()
        ):
            raise Conflict(f"{new.file_name} or version {new.version_no} is stored already")
        fields = {f.name: getattr(new, f.name) for f in dataclasses.fields(new)}
        stored = StoredFinalReport(id=len(self._t.final_reports) + 1, **fields)
        self._t.final_reports[stored.id] = stored
        return stored

    def list(self) -> list[StoredFinalReport]:
        return sorted(
            self._t.final_reports.values(), key=lambda r: (r.application_id, r.version_no)
        )


class FakeDocuments:
    def __init__(self, tables: ProgrammeTables) -> None:
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


class FakeProgrammeUnitOfWork(FakeLifecycleUnitOfWork):
    committed: ProgrammeTables

    def __init__(self) -> None:
        super().__init__()
        self.committed = ProgrammeTables()

    def __enter__(self) -> Self:
        super().__enter__()
        tables = self._working
        assert isinstance(tables, ProgrammeTables)
        self.final_reports = FakeFinalReports(tables)
        self.documents = FakeDocuments(tables)
        return self
