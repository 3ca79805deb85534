"""What the lifecycle use cases (review, selection, ledger, partnership) need from the store.

Extends the intake ports of ``grantflow.services.ports`` in the same style:
repositories hand out frozen domain values, a write that loses a race raises
``grantflow.domain.errors.Conflict``, and ``*_for_update`` reads lock what
they return until the unit of work ends (``SELECT ... FOR UPDATE`` on
PostgreSQL; SQLite serialises writers with ``BEGIN IMMEDIATE``), so two
concurrent operations never act on the same stale state.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from grantflow.domain.assessment import Assignment, Reviewer, Scorecard
from grantflow.domain.audit import AuditEntry
from grantflow.domain.ledger import Account, LedgerEntry
from grantflow.domain.partners import DonorMunicipality
from grantflow.domain.ranking import Ranking
from grantflow.services.ports import Application, ApplicationRepository, UnitOfWork


class LifecycleApplicationRepository(ApplicationRepository, Protocol):
    def get_for_update(self, application_id: int) -> Application:
        """The application, locked until the unit of work ends; NotFound."""
        ...

    def set_state(self, application_id: int, state: str) -> Application:
        """Store the new state (the service checked the transition); NotFound."""
        ...


class AuditRepository(Protocol):
    def last_for_update(self) -> AuditEntry | None:
        """The newest entry, locking the log's end so appends form one chain."""
        ...

    def add(self, entry: AuditEntry) -> None:
        """Conflict if its ``seq`` is taken (a concurrent append won)."""
        ...

    def all(self) -> list[AuditEntry]:
        """The whole log in ``seq`` order, exactly as stored (for verification)."""
        ...


class ReviewerRepository(Protocol):
    def get(self, code: str) -> Reviewer:
        """NotFound."""
        ...

    def add(self, reviewer: Reviewer) -> None:
        """Conflict if the code is taken."""
        ...

    def list(self) -> list[Reviewer]: ...


class AssignmentRepository(Protocol):
    def get(self, application_id: int, reviewer_code: str) -> Assignment:
        """NotFound."""
        ...

    def list(self) -> list[Assignment]:
        """Every assignment of the programme (the load spans calls)."""
        ...

    def add(self, assignment: Assignment) -> None:
        """Conflict if this reviewer is already assigned to this application."""
        ...

    def update(self, assignment: Assignment) -> None:
        """Store a declaration; NotFound."""
        ...


class ScorecardRepository(Protocol):
    def find(self, application_id: int, reviewer_code: str) -> Scorecard | None: ...

    def for_application(self, application_id: int) -> list[Scorecard]: ...

    def save(self, card: Scorecard) -> None:
        """Insert or replace a draft. The store refuses to replace a submitted card."""
        ...


class RankingRepository(Protocol):
    def get(self, call_code: str) -> Ranking | None: ...

    def save(self, call_code: str, ranking: Ranking) -> None:
        """Replace the call's ranking (its history is in the audit log)."""
        ...


class LedgerRepository(Protocol):
    def find(self, key: str) -> LedgerEntry | None:
        """The entry booked under this idempotency key, in any account."""
        ...

    def entries_for_update(self, account: Account) -> list[LedgerEntry]:
        """The account's entries (one call, one city) in booking order, the account locked
        until the unit of work ends."""
        ...

    def add(self, entry: LedgerEntry) -> None:
        """Conflict if the key is taken (a concurrent booking won: re-read and replay)."""
        ...

    def all(self) -> list[LedgerEntry]:
        """Every entry in booking order."""
        ...


class PartnershipStatus(StrEnum):
    PROPOSED = "proposed"  # by the matching, waiting for the operator
    CONFIRMED = "confirmed"  # by the operator (as proposed or overridden)
    SIGNED = "signed"  # agreement signed: the lump sum is committed


@dataclass(frozen=True)
class Partnership:
    application_id: int
    donor_code: str
    status: PartnershipStatus
    score: int
    explanation: str
    justification: str = ""  # the operator's, when overriding the proposal


class DonorRepository(Protocol):
    def get(self, code: str) -> DonorMunicipality:
        """NotFound."""
        ...

    def list(self) -> list[DonorMunicipality]: ...


class PartnershipRepository(Protocol):
    def find(self, application_id: int) -> Partnership | None: ...

    def save(self, partnership: Partnership) -> None:
        """Insert or replace the application's partnership."""
        ...

    def remove(self, application_id: int) -> None: ...

    def list(self) -> list[Partnership]: ...


class LifecycleUnitOfWork(UnitOfWork, Protocol):
    # Read-only in the protocol (as in ``UnitOfWork``), so an implementation
    # may narrow the types to its own repository classes.
    @property
    def applications(self) -> LifecycleApplicationRepository: ...

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
