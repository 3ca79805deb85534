"""In-memory experts, assignments and scorecards."""

from __future__ import annotations

from grantflow.domain.assessment import Assignment, Reviewer, Scorecard
from grantflow.domain.errors import Conflict, NotFound
from tests.unit.fakes.tables import Tables


class FakeReviewers:
    def __init__(self, tables: Tables) -> None:
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
    def __init__(self, tables: Tables) -> None:
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
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    def find(self, application_id: int, reviewer_code: str) -> Scorecard | None:
        return self._t.scorecards.get((application_id, reviewer_code))

    def for_application(self, application_id: int) -> list[Scorecard]:
        return [c for (a, _), c in self._t.scorecards.items() if a == application_id]

    def save(self, card: Scorecard) -> None:
        existing = self.find(card.application_id, card.reviewer_code)
        assert existing is None or not existing.submitted, "the store refuses to replace"
        self._t.scorecards[card.application_id, card.reviewer_code] = card
