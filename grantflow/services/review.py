"""Expert assessment use cases: register, assign, declare, score, arbitrate.

:func:`reconcile_assessment` is the review flow's idempotent step: it starts
the assessment of formally correct applications, gives each its experts
(two, or three after a divergent pair, replacing conflicted reviewers) and
completes the assessment of those with a final score. Running it twice
changes nothing the second time.

Languages: applications are assessed in Polish (the outline and the
proposal are written in Polish; their English summary is not enough to
score them), so only reviewers registered with ``pl`` among their languages
are assigned (``grantflow.domain.assessment.plan_assignments`` matches the
application's language). A reviewer reading only Norwegian or English is
kept in the pool but never assigned.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from grantflow.domain.assessment import (
    Assessment,
    AssessmentError,
    Assignment,
    Candidate,
    Outcome,
    Reviewer,
    Scorecard,
    assess,
    plan_assignments,
    record_points,
    submit_scorecard,
)
from grantflow.domain.deadlines import days_left, has_passed
from grantflow.domain.lifecycle import Action, State
from grantflow.domain.programme import Programme
from grantflow.services import notifications, reminders
from grantflow.services.lifecycle import advance, in_states, record
from grantflow.services.ports.unit_of_work import UnitOfWork
from grantflow.validation.rules import email_is_valid


def register_reviewer(uow: UnitOfWork, reviewer: Reviewer, *, at: datetime, actor: str) -> None:
    """Add an expert to the pool; AssessmentError for one who reads no language (nothing
    could ever be assigned to them)."""
    if not reviewer.languages:
        raise AssessmentError(
            f"reviewer {reviewer.code} ({reviewer.name}) reads no language: "
            "register the languages they assess in (pl, nb, en)"
        )
    if reviewer.email and not email_is_valid(reviewer.email):
        raise AssessmentError(
            f"reviewer {reviewer.code} ({reviewer.name}): "
            f"{reviewer.email!r} is not an e-mail address"
        )
    with uow:
        uow.reviewers.add(reviewer)
        record(
            uow,
            at=at,
            actor=actor,
            action="reviewer:register",
            subject=f"reviewer:{reviewer.code}",
            payload={"languages": reviewer.languages, "conflicts": reviewer.conflicts},
        )
        uow.commit()


@dataclass(frozen=True)
class AssessmentRound:
    started: tuple[int, ...]  # applications whose assessment started
    assigned: tuple[Assignment, ...]
    shortages: Mapping[int, int]  # application -> experts still missing
    completed: Mapping[int, Decimal]  # application -> final score


def reconcile_assessment(
    uow: UnitOfWork, call_code: str, programme: Programme, *, at: datetime, actor: str
) -> AssessmentRound:
    with uow:
        started = [
            advance(uow, a.id, Action.START_ASSESSMENT, at=at, actor=actor).id
            for a in in_states(uow.applications.list(call_code), State.FORMALLY_CORRECT)
        ]
        completed: dict[int, Decimal] = {}
        candidates: list[Candidate] = []
        for application in in_states(uow.applications.list(call_code), State.UNDER_ASSESSMENT):
            assessment = _assessment(uow, application.id, programme)
            if assessment.outcome is Outcome.FINAL and assessment.final_score is not None:
                completed[application.id] = assessment.final_score
                advance(
                    uow,
                    application.id,
                    Action.COMPLETE_ASSESSMENT,
                    at=at,
                    actor=actor,
                    payload={"final_score": assessment.final_score},
                )
            else:
                candidates.append(
                    Candidate(
                        application.id, application.teryt, experts_needed=assessment.experts_needed
                    )
                )
        plan = plan_assignments(candidates, uow.reviewers.list(), uow.assignments.list())
        for assignment in plan.new:
            # Two locked scorecards already: this expert settles their divergence.
            third = (
                sum(c.submitted for c in uow.scorecards.for_application(assignment.application_id))
                >= 2
            )
            uow.assignments.add(assignment)
            notifications.tell_reviewer(
                uow,
                uow.reviewers.get(assignment.reviewer_code),
                uow.applications.get(assignment.application_id),
                third=third,
                at=at,
            )
            record(
                uow,
                at=at,
                actor=actor,
                action="assessment:assign",
                subject=f"application:{assignment.application_id}",
                payload={"reviewer": assignment.reviewer_code},
            )
        uow.commit()
    return AssessmentRound(tuple(started), plan.new, plan.shortages, completed)


def _assessment(uow: UnitOfWork, application_id: int, programme: Programme) -> Assessment:
    return assess(uow.scorecards.for_application(application_id), programme.divergence_threshold)


def declare(
    uow: UnitOfWork,
    application_id: int,
    reviewer_code: str,
    *,
    conflict: bool,
    at: datetime,
    reason: str = "",
    actor: str | None = None,
) -> Assignment:
    """The reviewer's declaration; a conflicted one is replaced at once (if anyone is left).

    ``actor``: who declared in the audit chain (the portal's signed-in user); the
    reviewer's code when not given."""
    with uow:
        declared = uow.assignments.get(application_id, reviewer_code).declare(
            conflict=conflict, at=at
        )
        uow.assignments.update(declared)
        record(
            uow,
            at=at,
            actor=actor or f"reviewer:{reviewer_code}",
            action="assessment:declare",
            subject=f"application:{application_id}",
            reason=reason,
            payload={"declaration": declared.declaration},
        )
        if conflict:
            application = uow.applications.get(application_id)
            plan = plan_assignments(
                [Candidate(application_id, application.teryt)],
                uow.reviewers.list(),
                uow.assignments.list(),
            )
            for replacement in plan.new:
                uow.assignments.add(replacement)
                record(
                    uow,
                    at=at,
                    actor="system:assessment",
                    action="assessment:replace",
                    subject=f"application:{application_id}",
                    reason=f"{reviewer_code} declared a conflict of interest",
                    payload={"reviewer": replacement.reviewer_code},
                )
        uow.commit()
    return declared


def score(
    uow: UnitOfWork,
    application_id: int,
    reviewer_code: str,
    points: Mapping[str, Decimal],
    programme: Programme,
    *,
    submit: bool,
    at: datetime,
    actor: str | None = None,
    comments: Mapping[str, str] | None = None,
) -> Scorecard:
    """Record points and comments per criterion (a draft), and with ``submit`` lock them
    (a criterion below its maximum needs its comment then); audited when submitted
    (``actor`` as in :func:`declare`).

    Scores submitted after the call's review deadline are taken, not refused: the
    application needs its expert's scores to be assessed at all, and SPEC names no
    sanction; the audit entry records them as late (``overdue_days``), for the operator
    to weigh. Reminders stop either way, as the scores are no longer owed."""
    with uow:
        assignment = uow.assignments.get(application_id, reviewer_code)
        card = record_points(
            assignment,
            uow.scorecards.find(application_id, reviewer_code),
            programme.criteria,
            points,
            comments,
        )
        if submit:
            card = submit_scorecard(card, programme.criteria, at)
            due = reminders.review_deadline(programme, uow.applications.get(application_id))
            overdue = {"overdue_days": -days_left(due, at)} if due and has_passed(due, at) else {}
            record(
                uow,
                at=at,
                actor=actor or f"reviewer:{reviewer_code}",
                action="assessment:submit",
                subject=f"application:{application_id}",
                payload={
                    "points": dict(card.points),
                    "comments": dict(card.comments),
                    "total": card.total,
                    **overdue,
                },
            )
        uow.scorecards.save(card)
        uow.commit()
    return card
