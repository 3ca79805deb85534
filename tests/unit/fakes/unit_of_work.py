"""The in-memory unit of work: writes go to a working copy that ``commit`` publishes."""

from __future__ import annotations

import copy
from collections.abc import Callable
from types import TracebackType
from typing import Self

from tests.unit.fakes.accounts import FakeInvitations, FakeLoginFailures, FakeUsers
from tests.unit.fakes.applications import FakeApplicationRepository, FakeSubmissionRepository
from tests.unit.fakes.assessment import FakeAssignments, FakeReviewers, FakeScorecards
from tests.unit.fakes.audit import FakeAudit
from tests.unit.fakes.documents import FakeDocuments
from tests.unit.fakes.final_reports import FakeFinalReports
from tests.unit.fakes.ledger import FakeLedger
from tests.unit.fakes.outbox import FakeOutbox
from tests.unit.fakes.partners import FakeDonors, FakePartnerships
from tests.unit.fakes.selection import FakeRankings
from tests.unit.fakes.tables import Tables


class FakeUnitOfWork:
    """Writes go to a working copy; ``commit`` publishes it, leaving without commit drops it.

    It keeps the store's promises that services rely on: the unique keys raise
    Conflict, and leaving a unit of work without commit undoes its writes.

    ``concurrent_writes`` simulates other processes: each callable runs (once,
    in order) just before one of this unit of work's submission inserts and
    may write to ``committed`` as a competing writer would.
    """

    def __init__(self) -> None:
        self.committed = Tables()
        self.commits = 0
        self.concurrent_writes: list[Callable[[Tables], None]] = []
        self._working: Tables | None = None

    def __enter__(self) -> Self:
        self._begin()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._working = None

    def commit(self) -> None:
        assert self._working is not None, "commit outside the with block"
        self.committed = copy.deepcopy(self._working)
        self.commits += 1

    def rollback(self) -> None:
        self._begin()

    def _begin(self) -> None:
        self._working = tables = copy.deepcopy(self.committed)
        # Every repository points at this transaction's tables.
        self.applications = FakeApplicationRepository(tables)
        self.submissions = FakeSubmissionRepository(tables, self._interleave)
        self.audit = FakeAudit(tables)
        self.reviewers = FakeReviewers(tables)
        self.assignments = FakeAssignments(tables)
        self.scorecards = FakeScorecards(tables)
        self.rankings = FakeRankings(tables)
        self.ledger = FakeLedger(tables)
        self.donors = FakeDonors(tables)
        self.partnerships = FakePartnerships(tables)
        self.final_reports = FakeFinalReports(tables)
        self.documents = FakeDocuments(tables)
        self.outbox = FakeOutbox(tables)
        self.users = FakeUsers(tables)
        self.login_failures = FakeLoginFailures(tables)
        self.invitations = FakeInvitations(tables)

    def _interleave(self) -> None:
        if self.concurrent_writes and self._working is not None:
            self.concurrent_writes.pop(0)(self.committed)
            # The competing writer committed first: our inserts now see its rows
            # through the unique keys, as a database would.
            for key, row in self.committed.submissions.items():
                self._working.submissions.setdefault(key, row)
