"""A corrected upload re-enters the formal check (SPEC section 5), or is refused as late.

The operator returns an application for correction with a deadline
(``lifecycle.return_for_correction``, the deadline kept in the audit log).
After intake has stored a new version, :func:`recheck` decides, in its own
transaction:

- a valid version uploaded after the return and on or before the deadline
  (its upload date in UTC) moves the application back to ``submitted``
  (action ``resubmit``, audited): the formal check starts again;
- one uploaded after the deadline is kept as a version (intake never drops
  an upload), the application stays returned for correction, and the
  refusal is recorded once per version in the audit log;
- an invalid version changes nothing: the city still has to correct it.

Idempotent, like the intake it follows: re-running it for the same version
records nothing new, so the intake flow can call it for every file it stores.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from grantflow.domain.audit import AuditEntry
from grantflow.domain.deadlines import operator_day
from grantflow.domain.lifecycle import Action, State
from grantflow.services.lifecycle import advance, record
from grantflow.services.ports.unit_of_work import UnitOfWork

LATE = "intake:late-correction"

# What a version means for an application returned for correction. Each is a msgid of
# the catalogs: the entrypoint words it in its reader's language (``adapters.i18n.word``);
# the audit log keeps it in English.
STILL_INVALID = (
    "version {version} has errors: the application stays returned for correction until {deadline}"
)
RESUBMITTED = "corrected version {version} re-enters the formal check"
AFTER_DEADLINE = (
    "version {version} uploaded on {day}, after the correction deadline {deadline}: "
    "kept, but the application stays returned for correction"
)


@dataclass(frozen=True)
class CorrectionNote:
    """A note for the city and the operator, as data: its msgid and its values."""

    msgid: str
    version: int | None  # always set: the version belongs to the application
    deadline: date
    day: date  # the day the version was uploaded, at the operator's seat

    @property
    def values(self) -> dict[str, int | date | None]:
        return {"version": self.version, "deadline": self.deadline, "day": self.day}

    def __str__(self) -> str:
        """In English, with ISO dates: the audit log's wording."""
        return self.msgid.format(**self.values)


@dataclass(frozen=True)
class Recheck:
    resubmitted: bool  # the application is back in the formal check
    note: CorrectionNote | None  # None when the version changes nothing


def _returned(entries: list[AuditEntry]) -> AuditEntry | None:
    """The newest return for correction among the application's entries."""
    action = f"transition:{Action.RETURN_FOR_CORRECTION}"
    return next((e for e in reversed(entries) if e.action == action), None)


def recheck(
    uow: UnitOfWork, application_id: int, submission_id: int, *, at: datetime, actor: str
) -> Recheck:
    """What the stored version ``submission_id`` means for an application returned for
    correction (nothing for any other application)."""
    nothing = Recheck(False, None)
    with uow:
        # A cheap read first: most uploads belong to applications that were never returned.
        if uow.applications.get(application_id).state != State.RETURNED_FOR_CORRECTION:
            return nothing
        if uow.applications.get_for_update(application_id).state != State.RETURNED_FOR_CORRECTION:
            return nothing
        version = uow.submissions.get(submission_id)
        subject = f"application:{application_id}"
        log = uow.audit.for_subject(subject)
        returned = _returned(log)
        if returned is None or version.submitted_at <= returned.at:
            return nothing  # an upload from before the return (a re-run of old files)
        deadline = date.fromisoformat(str(returned.payload["deadline"]))
        day = operator_day(version.submitted_at)
        if not version.valid:
            return Recheck(False, CorrectionNote(STILL_INVALID, version.version_no, deadline, day))
        if day <= deadline:
            advance(
                uow,
                application_id,
                Action.RESUBMIT,
                at=at,
                actor=actor,
                reason=f"corrected version {version.version_no} uploaded on {day}, "
                f"within the deadline {deadline}",
                payload={"version": version.version_no, "submission": submission_id},
            )
            uow.commit()
            return Recheck(True, CorrectionNote(RESUBMITTED, version.version_no, deadline, day))
        note = CorrectionNote(AFTER_DEADLINE, version.version_no, deadline, day)
        already = any(
            e.action == LATE and e.payload.get("submission") == submission_id for e in log
        )
        if not already:
            record(
                uow,
                at=at,
                actor=actor,
                action=LATE,
                subject=subject,
                reason=str(note),
                payload={"version": version.version_no, "submission": submission_id},
            )
            uow.commit()
        return Recheck(False, note)
