"""The unit of work of the documents: the lifecycle's, plus final reports and generated files.

``SqlProgrammeUnitOfWork`` implements
``grantflow.services.document_ports.ProgrammeUnitOfWork`` by extending
``SqlLifecycleUnitOfWork``: one session, one transaction, the same error
translation and writer lock.
"""

from __future__ import annotations

from typing import Self

from grantflow.adapters.store.document_repositories import (
    SqlDocumentRepository,
    SqlFinalReportRepository,
)
from grantflow.adapters.store.lifecycle_uow import SqlLifecycleUnitOfWork


class SqlProgrammeUnitOfWork(SqlLifecycleUnitOfWork):
    final_reports: SqlFinalReportRepository
    documents: SqlDocumentRepository

    def __enter__(self) -> Self:
        super().__enter__()
        session = self._active()
        self.final_reports = SqlFinalReportRepository(session)
        self.documents = SqlDocumentRepository(session)
        return self
