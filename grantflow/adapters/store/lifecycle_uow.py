"""The unit of work of the programme lifecycle: the intake's, plus the lifecycle repositories.

``SqlLifecycleUnitOfWork`` implements
``grantflow.services.lifecycle_ports.LifecycleUnitOfWork`` by extending
``SqlUnitOfWork``: the same session, transaction and error translation, so
intake and lifecycle steps can share one store (and one unit of work).
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from grantflow.adapters.store.lifecycle_repositories import (
    SqlAssignmentRepository,
    SqlAuditRepository,
    SqlDonorRepository,
    SqlLedgerRepository,
    SqlLifecycleApplicationRepository,
    SqlPartnershipRepository,
    SqlRankingRepository,
    SqlReviewerRepository,
    SqlScorecardRepository,
    WriterLock,
)
from grantflow.adapters.store.uow import SqlUnitOfWork


class SqlLifecycleUnitOfWork(SqlUnitOfWork):
    applications: SqlLifecycleApplicationRepository
    audit: SqlAuditRepository
    reviewers: SqlReviewerRepository
    assignments: SqlAssignmentRepository
    scorecards: SqlScorecardRepository
    rankings: SqlRankingRepository
    ledger: SqlLedgerRepository
    donors: SqlDonorRepository
    partnerships: SqlPartnershipRepository

    def __enter__(self) -> Self:
        super().__enter__()
        session = self._active()
        self._writer = writer = WriterLock(session)
        self.applications = SqlLifecycleApplicationRepository(session, writer)
        self.audit = SqlAuditRepository(session, writer)
        self.reviewers = SqlReviewerRepository(session, writer)
        self.assignments = SqlAssignmentRepository(session, writer)
        self.scorecards = SqlScorecardRepository(session, writer)
        self.rankings = SqlRankingRepository(session, writer)
        self.ledger = SqlLedgerRepository(session, writer)
        self.donors = SqlDonorRepository(session, writer)
        self.partnerships = SqlPartnershipRepository(session, writer)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._writer.reset()
        super().__exit__(exc_type, exc, tb)

    def commit(self) -> None:
        # The transaction ends here (and its advisory lock with it); the next
        # write in the same block starts a new one and must claim it again.
        try:
            super().commit()
        finally:
            self._writer.reset()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._writer.reset()
