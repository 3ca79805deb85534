"""Experts, assignments and scorecards over one SQLAlchemy session."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from grantflow.adapters.store.models.assessment import AssignmentRow, ReviewerRow, ScorecardRow
from grantflow.adapters.store.repositories.base import (
    WriterLock,
    flush_or_conflict,
    row_or_not_found,
)
from grantflow.domain.assessment import Assignment, Declaration, Reviewer, Scorecard, ScoresLocked
from grantflow.domain.errors import NotFound


class SqlReviewerRepository:
    def __init__(self, session: Session, writer: WriterLock) -> None:
        self._session = session
        self._writer = writer

    def get(self, code: str) -> Reviewer:
        return _reviewer(row_or_not_found(self._session, ReviewerRow, code, f"no reviewer {code}"))

    def add(self, reviewer: Reviewer) -> None:
        self._writer.claim()
        self._session.add(
            ReviewerRow(
                code=reviewer.code,
                name=reviewer.name,
                languages=sorted(reviewer.languages),
                conflicts=sorted(reviewer.conflicts),
                email=reviewer.email,
                language=reviewer.language,
            )
        )
        flush_or_conflict(self._session, f"reviewer {reviewer.code}")

    def list(self) -> list[Reviewer]:
        rows = self._session.scalars(select(ReviewerRow).order_by(ReviewerRow.code))
        return [_reviewer(r) for r in rows]


def _reviewer(row: ReviewerRow) -> Reviewer:
    return Reviewer(
        row.code,
        row.name,
        frozenset(row.languages),
        frozenset(row.conflicts),
        email=row.email,
        language=row.language,
    )


class SqlAssignmentRepository:
    def __init__(self, session: Session, writer: WriterLock) -> None:
        self._session = session
        self._writer = writer

    def _row(self, application_id: int, reviewer_code: str) -> AssignmentRow:
        row = self._session.scalars(
            select(AssignmentRow).where(
                AssignmentRow.application_id == application_id,
                AssignmentRow.reviewer_code == reviewer_code,
            )
        ).one_or_none()
        if row is None:
            raise NotFound(f"{reviewer_code} is not assigned to application {application_id}")
        return row

    def get(self, application_id: int, reviewer_code: str) -> Assignment:
        return _assignment(self._row(application_id, reviewer_code))

    def list(self) -> list[Assignment]:
        rows = self._session.scalars(select(AssignmentRow).order_by(AssignmentRow.id))
        return [_assignment(r) for r in rows]

    def add(self, assignment: Assignment) -> None:
        self._writer.claim()
        self._session.add(
            AssignmentRow(
                application_id=assignment.application_id,
                reviewer_code=assignment.reviewer_code,
                declaration=str(assignment.declaration),
                declared_at=assignment.declared_at,
            )
        )
        flush_or_conflict(
            self._session,
            f"the assignment of {assignment.reviewer_code} to {assignment.application_id}",
        )

    def update(self, assignment: Assignment) -> None:
        self._writer.claim()
        row = self._row(assignment.application_id, assignment.reviewer_code)
        row.declaration = str(assignment.declaration)
        row.declared_at = assignment.declared_at
        flush_or_conflict(self._session, f"the declaration of {assignment.reviewer_code}")


def _assignment(row: AssignmentRow) -> Assignment:
    return Assignment(
        row.application_id, row.reviewer_code, Declaration(row.declaration), row.declared_at
    )


class SqlScorecardRepository:
    def __init__(self, session: Session, writer: WriterLock) -> None:
        self._session = session
        self._writer = writer

    def find(self, application_id: int, reviewer_code: str) -> Scorecard | None:
        row = self._session.scalars(
            select(ScorecardRow).where(
                ScorecardRow.application_id == application_id,
                ScorecardRow.reviewer_code == reviewer_code,
            )
        ).one_or_none()
        return None if row is None else _scorecard(row)

    def for_application(self, application_id: int) -> list[Scorecard]:
        rows = self._session.scalars(
            select(ScorecardRow)
            .where(ScorecardRow.application_id == application_id)
            .order_by(ScorecardRow.id)
        )
        return [_scorecard(r) for r in rows]

    def save(self, card: Scorecard) -> None:
        """Insert, or replace a draft. The UPDATE only matches an unsubmitted row,
        so a submitted card stays locked even against a writer that read it as a draft."""
        self._writer.claim()
        points = {code: str(value) for code, value in card.points.items()}
        if self.find(card.application_id, card.reviewer_code) is None:
            self._session.add(
                ScorecardRow(
                    application_id=card.application_id,
                    reviewer_code=card.reviewer_code,
                    points=points,
                    comments=dict(card.comments),
                    submitted_at=card.submitted_at,
                )
            )
            flush_or_conflict(self._session, f"the scorecard of {card.reviewer_code}")
            return
        changed = self._session.execute(
            update(ScorecardRow)
            .where(
                ScorecardRow.application_id == card.application_id,
                ScorecardRow.reviewer_code == card.reviewer_code,
                ScorecardRow.submitted_at.is_(None),
            )
            .values(points=points, comments=dict(card.comments), submitted_at=card.submitted_at)
            .execution_options(synchronize_session="fetch")
        )
        if getattr(changed, "rowcount", 0) != 1:
            raise ScoresLocked(
                f"reviewer {card.reviewer_code} submitted the scores for application "
                f"{card.application_id}; they are locked"
            )


def _scorecard(row: ScorecardRow) -> Scorecard:
    points = {code: Decimal(value) for code, value in row.points.items()}
    return Scorecard(
        row.application_id, row.reviewer_code, points, row.submitted_at, dict(row.comments)
    )
