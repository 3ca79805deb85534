"""Experts, their assignments and their scorecards."""

from __future__ import annotations

from typing import Protocol

from grantflow.domain.assessment import Assignment, Reviewer, Scorecard


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
