"""What a reviewer's pages show: its assignments, and of each what its declaration allows
and when its scores are due (the review deadline the reminders name).

Before a reviewer declares no conflict of interest it sees an application's
title and city only (what it needs to know whether it has ties with it);
the outline (summary, themes, amounts) only afterwards. Views read; the
reviewer's decisions go through ``grantflow.services.review``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from grantflow.domain.assessment import Assignment, Scorecard
from grantflow.domain.deadlines import days_left, has_passed
from grantflow.domain.errors import NotFound
from grantflow.domain.outline import Outline
from grantflow.domain.programme import Programme
from grantflow.services import reminders
from grantflow.services.lifecycle import current_version
from grantflow.services.ports.applications import Application
from grantflow.services.ports.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ReviewerTask:
    """One application assigned to a reviewer, as the reviewer may see it."""

    application: Application
    assignment: Assignment
    title_pl: str
    title_en: str
    card: Scorecard | None
    outline: Outline | None  # None until the reviewer declared no conflict of interest
    due: date | None  # the review deadline (None: the call sets none, or a declared conflict)

    @property
    def total(self) -> Decimal | None:
        return self.card.total if self.card else None

    @property
    def submitted(self) -> bool:
        return self.card is not None and self.card.submitted

    def days_left(self, now: datetime) -> int | None:
        """Days to the review deadline on ``now``'s day (negative: overdue); None when no
        deadline applies or the scores were submitted."""
        if self.due is None or self.submitted:
            return None
        return days_left(self.due, now)

    @property
    def submitted_late(self) -> bool:
        submitted_at = self.card.submitted_at if self.card else None
        return (
            self.due is not None and submitted_at is not None and has_passed(self.due, submitted_at)
        )


def reviewers_of(uow: UnitOfWork, application_id: int) -> frozenset[str]:
    """Inside an open unit of work: the codes of the reviewers ever assigned to the
    application (NotFound when there is no such application)."""
    uow.applications.get(application_id)
    return frozenset(
        a.reviewer_code for a in uow.assignments.list() if a.application_id == application_id
    )


def _task(uow: UnitOfWork, programme: Programme, assignment: Assignment) -> ReviewerTask:
    application = uow.applications.get(assignment.application_id)
    outline = current_version(uow, application.id).outline
    if outline is None:  # current_version only returns valid versions
        raise NotFound(f"application {application.id} has no outline")
    return ReviewerTask(
        application=application,
        assignment=assignment,
        title_pl=outline.title_pl,
        title_en=outline.title_en,
        card=uow.scorecards.find(application.id, assignment.reviewer_code),
        outline=outline if assignment.may_see_application else None,
        due=reminders.review_deadline(programme, application) if assignment.active else None,
    )


def reviewer_tasks(uow: UnitOfWork, programme: Programme, reviewer_code: str) -> list[ReviewerTask]:
    """The reviewer's assignments, in the order they were made."""
    with uow:
        return [
            _task(uow, programme, a)
            for a in uow.assignments.list()
            if a.reviewer_code == reviewer_code
        ]


def reviewer_task(
    uow: UnitOfWork, programme: Programme, application_id: int, reviewer_code: str
) -> ReviewerTask:
    with uow:
        return _task(uow, programme, uow.assignments.get(application_id, reviewer_code))
