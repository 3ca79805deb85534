"""Moving applications through their states, each step written to the audit log.

Every use case of the lifecycle (review, selection, ledger, partnership)
changes state through :func:`advance` and records facts through
:func:`record`, inside a unit of work the caller has entered: the state
change, its audit entry and the message telling the city of it (the
outbox, ``grantflow.services.notifications``) commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from grantflow.domain.audit import AuditEntry, next_entry, verify_chain
from grantflow.domain.errors import GrantflowError, NotFound
from grantflow.domain.lifecycle import Action, transition
from grantflow.services import notifications
from grantflow.services.ports.applications import Application, Submission
from grantflow.services.ports.unit_of_work import UnitOfWork


class ReasonRequired(GrantflowError):
    """A decision that must say why (the city reads it) was given no reason."""


def require_reason(reason: str, what: str, application_id: int) -> str:
    """``reason`` stripped; ReasonRequired when there is none."""
    if not reason.strip():
        raise ReasonRequired(f"{what} of application {application_id} needs a reason")
    return reason.strip()


def record(
    uow: UnitOfWork,
    *,
    at: datetime,
    actor: str,
    action: str,
    subject: str,
    reason: str = "",
    payload: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append one fact to the audit log, chained to the entry before it."""
    entry = next_entry(
        uow.audit.last_for_update(),
        at=at,
        actor=actor,
        action=action,
        subject=subject,
        reason=reason,
        payload=payload,
    )
    uow.audit.add(entry)
    return entry


def advance(
    uow: UnitOfWork,
    application_id: int,
    action: Action,
    *,
    at: datetime,
    actor: str,
    reason: str = "",
    payload: Mapping[str, Any] | None = None,
) -> Application:
    """Apply ``action`` to the locked application (IllegalTransition if not allowed)."""
    application = uow.applications.get_for_update(application_id)
    target = transition(application.stage, application.state, action)
    changed = uow.applications.set_state(application_id, target)
    deadline = (payload or {}).get("deadline")
    notifications.tell_transition(
        uow, changed, action, deadline=deadline if isinstance(deadline, date) else None, at=at
    )
    record(
        uow,
        at=at,
        actor=actor,
        action=f"transition:{action}",
        subject=f"application:{application_id}",
        reason=reason,
        payload={"from": application.state, "to": target, **(payload or {})},
    )
    return changed


def in_states(applications: Iterable[Application], *states: str) -> list[Application]:
    """The applications in any of ``states``, by id: the order every reconciler walks."""
    return sorted((a for a in applications if a.state in states), key=lambda a: a.id)


def current_version(uow: UnitOfWork, application_id: int) -> Submission:
    """The newest valid upload: the version that is assessed, ranked and funded."""
    valid = [s for s in uow.submissions.for_application(application_id) if s.outline is not None]
    if not valid:
        raise NotFound(f"application {application_id} has no valid version")
    return valid[-1]


def apply(
    uow: UnitOfWork,
    application_id: int,
    action: Action,
    *,
    at: datetime,
    actor: str,
    reason: str = "",
) -> Application:
    """One action in its own transaction, checked against the lifecycle table only.

    For actions that move no money and change no ranking (``resubmit``,
    ``close``, ...): the others belong to the use case that books and ranks
    (``grantflow.services.decisions`` says which).
    """
    with uow:
        changed = advance(uow, application_id, action, at=at, actor=actor, reason=reason)
        uow.commit()
    return changed


def formal_check(
    uow: UnitOfWork,
    application_id: int,
    *,
    correct: bool,
    at: datetime,
    actor: str,
    reason: str = "",
) -> Application:
    """The operator's part of the formal check (the automatic part is the validation report).

    A rejection needs a reason (ReasonRequired): the decision letter tells the city why.
    """
    if correct:
        return apply(uow, application_id, Action.ACCEPT_FORMALLY, at=at, actor=actor, reason=reason)
    reason = require_reason(reason, "a formal rejection", application_id)
    return apply(uow, application_id, Action.REJECT_FORMALLY, at=at, actor=actor, reason=reason)


def return_for_correction(
    uow: UnitOfWork,
    application_id: int,
    *,
    deadline: date,
    at: datetime,
    actor: str,
    reason: str,
) -> Application:
    """Send the application back; a corrected upload before ``deadline`` re-enters the check.

    The reason is what the city must correct (ReasonRequired when blank).
    """
    reason = require_reason(reason, "a return for correction", application_id)
    with uow:
        changed = advance(
            uow,
            application_id,
            Action.RETURN_FOR_CORRECTION,
            at=at,
            actor=actor,
            reason=reason,
            payload={"deadline": deadline},
        )
        uow.commit()
    return changed


def verify_audit(uow: UnitOfWork) -> tuple[int, AuditEntry | None]:
    """(entries checked, the first broken entry or None) for ``grantflow audit verify``."""
    with uow:
        entries = uow.audit.all()
    broken = verify_chain(entries)
    return len(entries), None if broken is None else entries[broken]
