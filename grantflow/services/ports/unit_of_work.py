"""The unit of work: one transaction over every repository of the store.

Services take a ``UnitOfWork`` and nothing else of the store:
``grantflow.adapters.store.SqlUnitOfWork`` implements it for real,
``tests/unit/fakes/unit_of_work.py`` in memory.
"""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from grantflow.services.ports.accounts import (
    InvitationRepository,
    LoginFailureRepository,
    UserRepository,
)
from grantflow.services.ports.applications import ApplicationRepository, SubmissionRepository
from grantflow.services.ports.assessment import (
    AssignmentRepository,
    ReviewerRepository,
    ScorecardRepository,
)
from grantflow.services.ports.audit import AuditRepository
from grantflow.services.ports.documents import DocumentRepository
from grantflow.services.ports.final_reports import FinalReportRepository
from grantflow.services.ports.ledger import LedgerRepository
from grantflow.services.ports.outbox import OutboxRepository
from grantflow.services.ports.partners import DonorRepository, PartnershipRepository
from grantflow.services.ports.selection import RankingRepository


class UnitOfWork(Protocol):
    """One transaction: ``with uow: ...; uow.commit()``. Leaving without commit rolls back.

    A unit of work can be entered again after it is left (a fresh transaction).
    """

    # Read-only in the protocol, so an implementation may narrow the types to
    # its own repository classes.
    @property
    def applications(self) -> ApplicationRepository: ...

    @property
    def submissions(self) -> SubmissionRepository: ...

    @property
    def audit(self) -> AuditRepository: ...

    @property
    def reviewers(self) -> ReviewerRepository: ...

    @property
    def assignments(self) -> AssignmentRepository: ...

    @property
    def scorecards(self) -> ScorecardRepository: ...

    @property
    def rankings(self) -> RankingRepository: ...

    @property
    def ledger(self) -> LedgerRepository: ...

    @property
    def donors(self) -> DonorRepository: ...

    @property
    def partnerships(self) -> PartnershipRepository: ...

    @property
    def final_reports(self) -> FinalReportRepository: ...

    @property
    def documents(self) -> DocumentRepository: ...

    @property
    def outbox(self) -> OutboxRepository: ...

    @property
    def users(self) -> UserRepository: ...

    @property
    def login_failures(self) -> LoginFailureRepository: ...

    @property
    def invitations(self) -> InvitationRepository: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...
