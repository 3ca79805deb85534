"""The SQLAlchemy unit of work: one session, one transaction per ``with`` block."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from grantflow.adapters.store.repositories.accounts import (
    SqlInvitationRepository,
    SqlLoginFailureRepository,
    SqlUserRepository,
)
from grantflow.adapters.store.repositories.applications import (
    SqlApplicationRepository,
    SqlSubmissionRepository,
)
from grantflow.adapters.store.repositories.assessment import (
    SqlAssignmentRepository,
    SqlReviewerRepository,
    SqlScorecardRepository,
)
from grantflow.adapters.store.repositories.audit import SqlAuditRepository
from grantflow.adapters.store.repositories.base import WriterLock
from grantflow.adapters.store.repositories.documents import SqlDocumentRepository
from grantflow.adapters.store.repositories.final_reports import SqlFinalReportRepository
from grantflow.adapters.store.repositories.ledger import SqlLedgerRepository
from grantflow.adapters.store.repositories.outbox import SqlOutboxRepository
from grantflow.adapters.store.repositories.partners import (
    SqlDonorRepository,
    SqlPartnershipRepository,
)
from grantflow.adapters.store.repositories.selection import SqlRankingRepository
from grantflow.domain.errors import Conflict, StorageError


class SqlUnitOfWork:
    """Implements ``grantflow.services.ports.unit_of_work.UnitOfWork``.

    Every SQLAlchemy error leaving the block becomes a StorageError (Conflict
    for a unique key taken by a concurrent writer), raised from the original.
    """

    applications: SqlApplicationRepository
    submissions: SqlSubmissionRepository
    audit: SqlAuditRepository
    reviewers: SqlReviewerRepository
    assignments: SqlAssignmentRepository
    scorecards: SqlScorecardRepository
    rankings: SqlRankingRepository
    ledger: SqlLedgerRepository
    donors: SqlDonorRepository
    partnerships: SqlPartnershipRepository
    final_reports: SqlFinalReportRepository
    documents: SqlDocumentRepository
    outbox: SqlOutboxRepository
    users: SqlUserRepository
    login_failures: SqlLoginFailureRepository
    invitations: SqlInvitationRepository

    def __init__(self, engine: Engine) -> None:
        # expire_on_commit=False: records are built before commit; nothing
        # is lazily loaded after it.
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._session: Session | None = None

    def __enter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("unit of work entered twice; leave it first")
        try:
            self._session = session = self._sessions()
            session.begin()
        except SQLAlchemyError as exc:
            self._session = None
            raise StorageError(f"cannot open a transaction: {exc}") from exc
        self._writer = writer = WriterLock(session)
        self.applications = SqlApplicationRepository(session, writer)
        self.submissions = SqlSubmissionRepository(session)
        self.audit = SqlAuditRepository(session, writer)
        self.reviewers = SqlReviewerRepository(session, writer)
        self.assignments = SqlAssignmentRepository(session, writer)
        self.scorecards = SqlScorecardRepository(session, writer)
        self.rankings = SqlRankingRepository(session, writer)
        self.ledger = SqlLedgerRepository(session, writer)
        self.donors = SqlDonorRepository(session, writer)
        self.partnerships = SqlPartnershipRepository(session, writer)
        self.final_reports = SqlFinalReportRepository(session)
        self.documents = SqlDocumentRepository(session)
        self.outbox = SqlOutboxRepository(session, writer)
        self.users = SqlUserRepository(session)
        self.login_failures = SqlLoginFailureRepository(session)
        self.invitations = SqlInvitationRepository(session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._writer.reset()
        session, self._session = self._active(), None
        try:
            session.rollback()  # nothing left after commit(); a failed block is undone
            session.close()
        except SQLAlchemyError as close_exc:
            if exc is None:
                raise StorageError(f"cannot end the transaction: {close_exc}") from close_exc
        if isinstance(exc, IntegrityError):
            raise Conflict(str(exc.orig)) from exc
        if isinstance(exc, SQLAlchemyError):
            raise StorageError(str(exc)) from exc

    def commit(self) -> None:
        # The transaction ends here (and its advisory lock with it); the next
        # write in the same block starts a new one and must claim it again.
        try:
            self._active().commit()
        except IntegrityError as exc:
            raise Conflict(str(exc.orig)) from exc
        except SQLAlchemyError as exc:
            raise StorageError(f"commit failed: {exc}") from exc
        finally:
            self._writer.reset()

    def rollback(self) -> None:
        try:
            self._active().rollback()
        finally:
            self._writer.reset()

    def _active(self) -> Session:
        if self._session is None:
            raise RuntimeError("unit of work used outside its with block")
        return self._session
