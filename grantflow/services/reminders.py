"""Reminders of every deadline the programme knows, each sent once.

The ``reminders`` flow runs this daily (and ``grantflow run reminders
--as-of DATE`` by hand). :func:`deadlines` lists who must meet which
deadline now, from the store and the programme:

- a Stage 2 call's deadline: the cities shortlisted in a Stage 1 call that
  have no valid proposal yet;
- a correction deadline: each application returned for correction (the
  deadline the operator gave, kept in the audit log);
- a review deadline (the call's ``review_deadline``): each expert assigned,
  not declared in conflict, whose scores are not submitted;
- the partner-search deadline: each city still searching;
- the final-report deadline: each project in implementation.

:func:`send_reminders` records the reminders due today in the outbox
(``grantflow.domain.notifications.reminder_due`` says which); the outbox's
unique keys make a second run the same day record nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime

from grantflow.domain.deadlines import operator_day
from grantflow.domain.lifecycle import Action, State
from grantflow.domain.notifications import Deadline, DeadlineKind, Notification, reminder_due
from grantflow.domain.programme import Programme
from grantflow.services.lifecycle import in_states
from grantflow.services.notifications import (
    CITY_LANGUAGE,
    city_address,
    city_link,
    reviewer_link,
)
from grantflow.services.ports.applications import Application
from grantflow.services.ports.unit_of_work import UnitOfWork

CITY_DASHBOARD = "/city"


def _city_deadline(
    uow: UnitOfWork, application: Application, kind: DeadlineKind, key: str, day: date
) -> Iterator[Deadline]:
    to = city_address(uow, application)
    if to is not None:
        yield Deadline(
            key=key,
            kind=kind,
            day=day,
            to=to,
            lang=CITY_LANGUAGE,
            link=city_link(application.id),
            params={"city": application.city_name, "call": application.call_code},
        )


def _calls(uow: UnitOfWork, programme: Programme, today: date) -> Iterator[Deadline]:
    shortlisted = [
        a
        for call in programme.calls
        if call.stage == 1
        for a in in_states(uow.applications.list(call.code), State.SHORTLISTED)
    ]
    for call in programme.calls:
        if call.stage != 2 or not call.opens <= today <= call.deadline:
            continue
        for outline in shortlisted:
            proposal = uow.applications.find(call.code, outline.teryt)
            if proposal is not None and any(
                s.valid for s in uow.submissions.for_application(proposal.id)
            ):
                continue
            for deadline in _city_deadline(
                uow, outline, DeadlineKind.CALL, f"call:{call.code}:{outline.teryt}", call.deadline
            ):
                # The city has nothing in this call yet: its dashboard, with the call named.
                yield replace(
                    deadline,
                    link=CITY_DASHBOARD,
                    params={**deadline.params, "call": call.code, "stage": call.stage},
                )


def _corrections(uow: UnitOfWork) -> Iterator[Deadline]:
    returned = in_states(uow.applications.list(), State.RETURNED_FOR_CORRECTION)
    if not returned:
        return
    action = f"transition:{Action.RETURN_FOR_CORRECTION}"
    newest = {e.subject: e for e in uow.audit.all() if e.action == action}
    for application in returned:
        entry = newest.get(f"application:{application.id}")
        if entry is None or "deadline" not in entry.payload:
            continue
        day = date.fromisoformat(str(entry.payload["deadline"]))
        # Keyed by the deadline: a second return for correction gets its own reminders.
        key = f"correction:{application.id}:{day.isoformat()}"
        yield from _city_deadline(uow, application, DeadlineKind.CORRECTION, key, day)


def review_deadline(programme: Programme, application: Application) -> date | None:
    """The day an expert's scores on ``application`` are due (its call's
    ``review_deadline``); None when the call sets none."""
    return next(
        (c.review_deadline for c in programme.calls if c.code == application.call_code), None
    )


def _reviews(uow: UnitOfWork, programme: Programme) -> Iterator[Deadline]:
    due = {c.code: c.review_deadline for c in programme.calls if c.review_deadline is not None}
    assessed = {
        a.id: a
        for code in due
        for a in in_states(uow.applications.list(code), State.UNDER_ASSESSMENT)
    }
    reviewers = {r.code: r for r in uow.reviewers.list()}
    for assignment in uow.assignments.list():
        application = assessed.get(assignment.application_id)
        reviewer = reviewers.get(assignment.reviewer_code)
        if application is None or reviewer is None or not reviewer.email:
            continue
        if not assignment.active:
            continue  # declared a conflict: replaced, owes nothing
        card = uow.scorecards.find(application.id, reviewer.code)
        if card is not None and card.submitted:
            continue
        day = review_deadline(programme, application)
        assert day is not None  # the call is one of ``due``'s
        yield Deadline(
            key=f"review:{application.id}:{reviewer.code}",
            kind=DeadlineKind.REVIEW,
            day=day,
            to=reviewer.email,
            lang=reviewer.mail_language,
            link=reviewer_link(application.id),
            params={"name": reviewer.name, "city": application.city_name},
        )


def deadlines(uow: UnitOfWork, programme: Programme, today: date) -> list[Deadline]:
    """Every deadline someone must still meet, with who (inside the caller's unit of work)."""
    found = [*_calls(uow, programme, today), *_corrections(uow), *_reviews(uow, programme)]
    for application in in_states(uow.applications.list(), State.PARTNER_SEARCH):
        found += _city_deadline(
            uow,
            application,
            DeadlineKind.PARTNER_SEARCH,
            f"partner-search:{application.id}",
            programme.partner_search_deadline,
        )
    if programme.final_report_deadline is not None:
        for application in in_states(uow.applications.list(), State.IMPLEMENTATION):
            found += _city_deadline(
                uow,
                application,
                DeadlineKind.FINAL_REPORT,
                f"final-report:{application.id}",
                programme.final_report_deadline,
            )
    return found


def send_reminders(uow: UnitOfWork, programme: Programme, *, at: datetime) -> list[Notification]:
    """Record in the outbox the reminders due on ``at``'s day and not recorded before."""
    today = operator_day(at)
    recorded = []
    with uow:
        for deadline in deadlines(uow, programme, today):
            reminder = reminder_due(deadline, programme.reminder_days, today)
            if reminder is not None and uow.outbox.add(reminder, at=at):
                recorded.append(reminder)
        uow.commit()
    return recorded
