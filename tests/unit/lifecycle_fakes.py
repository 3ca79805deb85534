"""In-memory implementations of grantflow.services.lifecycle_ports for unit tests.

The unit of work is ``fakes.FakeUnitOfWork`` with more tables and
repositories: writes go to a working copy that ``commit`` publishes; leaving
the ``with`` block without commit (or ``rollback``) drops them.
"""

from __future__ import annotations

import dataclasses

from grantflow.domain.assessment import Assignment, Reviewer, Scorecard
from grantflow.domain.audit import AuditEntry
from grantflow.domain.errors import Conflict, NotFound
from grantflow.domain.ledger import Account, LedgerEntry
from grantflow.domain.partners import DonorMunicipality
from grantflow.domain.ranking import Ranking
from grantflow.services.lifecycle_ports import Partnership
from grantflow.services.ports import Application
from tests.unit.fakes import FakeApplicationRepository, FakeUnitOfWork, Tables


@dataclasses.dataclass
class LifecycleTables(Tables):
    audit: list[AuditEntry] = dataclasses.field(default_factory=list)
    reviewers: dict[str, Reviewer] = dataclasses.field(default_factory=dict)
    assignments: dict[tuple[int, str], Assignment] = dataclasses.field(default_factory=dict)
    scorecards: dict[tuple[int, str], Scorecard] = dataclasses.field(default_factory=dict)
    rankings: dict[str, Ranking] = dataclasses.field(default_factory=dict)
    ledger: list[LedgerEntry] = dataclasses.field(default_factory=list)
    donors: dict[str, DonorMunicipality] = dataclasses.field(default_factory=dict)
    partnerships: dict[int, Partnership] = dataclasses.field(default_factory=dict)


class FakeLifecycleApplications(FakeApplicationRepository):
    def get_for_update(self, application_id: int) -> Application:
        return self.get(application_id)

    def set_state(self, application_id: int, state: str) -> Application:
        changed = dataclasses.replace(self.get(application_id), state=str(state))
        self._tables.applications[application_id] = changed
        return changed


class FakeAudit:
    def __init__(self, tables: LifecycleTables) -> None:
        self._t = tables

    def last_for_update(self) -> AuditEntry | None:
        return self._t.audit[-1] if self._t.audit else None

    def add(self, entry: AuditEntry) -> None:
        if any(e.seq == entry.seq for e in self._t.audit):
            raise Conflict(f"audit entry {entry.seq} exists")
        self._t.audit.append(entry)

    def all(self) -> list[AuditEntry]:
        return list(self._t.audit)


class FakeReviewers:
    def __init__(self, tables: LifecycleTables) -> None:
        self._t = tables

    def get(self, code: str) -> Reviewer:
        try:
            return self._t.reviewers[code]
        except KeyError:
            raise NotFound(code) from None

    def add(self, reviewer: Reviewer) -> None:
        if reviewer.code in self._t.reviewers:
            raise Conflict(reviewer.code)
        self._t.reviewers[reviewer.code] = reviewer

    def list(self) -> list[Reviewer]:
        return sorted(self._t.reviewers.values(), key=lambda r: r.code)


class FakeAssignments:
    def __init__(self, tables: LifecycleTables) -> None:
        self._t = tables

    def get(self, application_id: int, reviewer_code: str) -> Assignment:
        try:
            return self._t.assignments[application_id, reviewer_code]
        except KeyError:
            raise NotFound(f"{reviewer_code} is not assigned to {application_id}") from None

    def list(self) -> list[Assignment]:
        return list(self._t.assignments.values())

    def add(self, assignment: Assignment) -> None:
        key = (assignment.application_id, assignment.reviewer_code)
        if key in self._t.assignments:
            raise Conflict(str(key))
        self._t.assignments[key] = assignment

    def update(self, assignment: Assignment) -> None:
        self.get(assignment.application_id, assignment.reviewer_code)
        self._t.assignments[assignment.application_id, assignment.reviewer_code] = assignment


class FakeScorecards:
    def __init__(self, tables: LifecycleTables) -> None:
        self._t = tables

    def find(self, application_id: int, reviewer_code: str) -> Scorecard | None:
        return self._t.scorecards.get((application_id, reviewer_code))

    def for_application(self, application_id: int) -> list[Scorecard]:
        return [c for (a, _), c in self._t.scorecards.items() if a == application_id]

    def save(self, card: Scorecard) -> None:
        existing = self.find(card.application_id, card.reviewer_code)
        assert existing is None or not existing.submitted, "the store refuses to replace"
        self._t.scorecards[card.application_id, card.reviewer_code] = card


class FakeRankings:
    def __init__(self, tables: LifecycleTables) -> None:
        self._t = tables

    def get(self, call_code: str) -> Ranking | None:
        return self._t.rankings.get(call_code)

    def save(self, call_code: str, ranking: Ranking) -> None:
        self._t.rankings[call_code] = ranking


class FakeLedger:
    def __init__(self, tables: LifecycleTables) -> None:
        self._t = tables

    def find(self, key: str) -> LedgerEntry | None:
        return next((e for e in self._t.ledger if e.key == key), None)

    def entries_for_update(self, account: Account) -> list[LedgerEntry]:
        return [e for e in self._t.ledger if e.account == account]

    def add(self, entry: LedgerEntry) -> None:
        if self.find(entry.key) is not None:
            raise Conflict(entry.key)
        self._t.ledger.append(entry)

    def all(self) -> list[LedgerEntry]:
        return list(self._t.ledger)


class FakeDonors:
    def __init__(self, tables: LifecycleTables) -> None:
        self._t = tables

    def get(self, code: str) -> DonorMunicipality:
        try:
            return self._t.donors[code]
        except KeyError:
            raise NotFound(code) from None

    def list(self) -> list[DonorMunicipality]:
        return sorted(self._t.donors.values(), key=lambda d: d.code)

    def add(self, donor: DonorMunicipality) -> None:
        """Not a port method: the donor pool is loaded from its file in production."""
        self._t.donors[donor.code] = donor


class FakePartnerships:
    def __init__(self, tables: LifecycleTables) -> None:
        self._t = tables

    def find(self, application_id: int) -> Partnership | None:
        return self._t.partnerships.get(application_id)

    def save(self, partnership: Partnership) -> None:
        self._t.partnerships[partnership.application_id] = partnership

    def remove(self, application_id: int) -> None:
        self._t.partnerships.pop(application_id, None)

    def list(self) -> list[Partnership]:
        return list(self._t.partnerships.values())


class FakeLifecycleUnitOfWork(FakeUnitOfWork):
    committed: LifecycleTables
    applications: FakeLifecycleApplications

    def __init__(self) -> None:
        super().__init__()
        self.committed = LifecycleTables()

    def _bind(self, tables: Tables) -> None:
        assert isinstance(tables, LifecycleTables)
        super()._bind(tables)
        self.applications = FakeLifecycleApplications(tables)
        self.audit = FakeAudit(tables)
        self.reviewers = FakeReviewers(tables)
        self.assignments = FakeAssignments(tables)
        self.scorecards = FakeScorecards(tables)
        self.rankings = FakeRankings(tables)
        self.ledger = FakeLedger(tables)
        self.donors = FakeDonors(tables)
        self.partnerships = FakePartnerships(tables)
