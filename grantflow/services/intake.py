"""Intake: keep every uploaded outline, with its report, as a version of the city's application.

Rules (SPEC sections 4 and 5):

- Every upload is kept, valid or not, with its language-neutral report.
- An upload belongs to the application of its city (by TERYT) in the call;
  the first upload creates the application in state ``submitted``. An
  upload whose city cannot be identified (an unreadable file, no TERYT) is
  kept without an application, and so is a Stage 2 proposal of a city that
  was not shortlisted (``not-shortlisted``): it has no place in the call.
- An upload's bytes are kept as validation read them, never read again.
  One whose bytes were not read (over the size limit, or not readable at
  all) is kept as a row with its report and no file.
- A corrected upload is a new version (1, 2, ...); earlier ones stay.
- The same bytes uploaded again for the same city are the same version:
  submitting is idempotent, so a retried or re-run flow changes nothing.
  Under concurrency the store's unique keys decide who wins; the loser
  re-reads in a fresh transaction and finds the winner's row.
- What a new version means for an application returned for correction
  (back to the formal check, or refused as late) is decided after it is
  stored, by ``grantflow.services.correction.recheck``.

:func:`receive_upload` is the use case of every entrypoint that takes an
upload in: :func:`submit` (keep it as a version), then the recheck.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime

from grantflow.domain.deadlines import operator_day
from grantflow.domain.lifecycle import State
from grantflow.domain.programme import Call
from grantflow.services import notifications
from grantflow.services.correction import CorrectionNote, recheck
from grantflow.services.ports.applications import NewSubmission, Submission
from grantflow.services.ports.files import FileStore
from grantflow.services.ports.unit_of_work import UnitOfWork
from grantflow.services.retry import retry_on_conflict
from grantflow.validation.outline import ValidationResult

NOT_SHORTLISTED = "not-shortlisted"


@dataclass(frozen=True)
class Applicant:
    """Who an upload comes from, as far as it can be told."""

    teryt: str
    city_name: str


@dataclass(frozen=True)
class NotKept:
    """An upload whose bytes were not read (over the size limit, or not readable at all)."""

    # Of the whole file, streamed past the limit; "" when it could not be opened.
    sha256: str


@dataclass(frozen=True)
class Upload:
    """One file uploaded to a call, as validation read it."""

    call_code: str
    stage: int
    file_name: str
    content: bytes | NotKept  # the bytes that were validated
    result: ValidationResult
    applicant: Applicant | None  # ``identify(result)``
    submitted_by: str


@dataclass(frozen=True)
class SubmissionOutcome:
    application_id: int | None
    version_no: int | None
    submission_id: int
    created: bool  # False: these bytes were stored before (idempotent re-submission)
    valid: bool
    # True: this upload opened the city's application (its first version).
    opened_application: bool = False


@dataclass(frozen=True)
class Receipt:
    """What receiving one upload did."""

    outcome: SubmissionOutcome
    # What it means for an application returned for correction (back in the formal
    # check, still to correct, or late); None for any other application.
    note: CorrectionNote | None


def identify(result: ValidationResult) -> Applicant | None:
    """The city of an upload: from the outline when it is valid, otherwise from
    the TERYT the validator read, if it is well formed on its own.

    An invalid outline with a readable TERYT still becomes a version of the
    city's application, so the city's history shows its failed attempts too;
    a proposal refused as ``not-shortlisted`` belongs to no application.
    """
    if any(issue.code == NOT_SHORTLISTED for issue in result.report.issues):
        return None
    if result.outline is not None:
        return Applicant(result.outline.teryt, result.outline.city_name)
    if result.teryt is None:
        return None
    return Applicant(result.teryt, result.city_name or result.teryt)


def receive_upload(uow: UnitOfWork, files: FileStore, upload: Upload, *, at: datetime) -> Receipt:
    """Keep one upload as a version of its city's application (:func:`submit`), then
    re-check an application returned for correction; idempotent, as both steps are."""
    outcome = submit(uow, files, upload, at=at)
    if outcome.application_id is None or outcome.opened_application:
        # An application this upload opened was never returned for correction.
        return Receipt(outcome, None)
    checked = recheck(
        uow,
        outcome.application_id,
        outcome.submission_id,
        at=at,
        actor=f"intake:{upload.submitted_by}",
    )
    return Receipt(outcome, checked.note)


@dataclass(frozen=True)
class AccountUpload:
    """What an upload by a signed-in city did: a receipt, or why nothing was submitted."""

    receipt: Receipt | None
    # "" when submitted; otherwise one of the reasons below, for the city to read.
    not_submitted: str = ""


# Why an account's upload was validated but not submitted.
UNREADABLE = "unreadable"  # no city could be read from it: the report says why
OTHER_CITY = "other-city"  # the file names another city than the account's
CALL_NOT_OPEN = "call-not-open"  # before the call opens
CALL_CLOSED = "call-closed"  # after its deadline, and nothing of the city's to correct


def receive_account_upload(
    uow: UnitOfWork, files: FileStore, upload: Upload, *, teryt: str, call: Call, at: datetime
) -> AccountUpload:
    """An upload by the account of the city ``teryt`` to ``call``: received as
    :func:`receive_upload` does, unless it names no city or another city, or the call
    does not take uploads on the day (at the operator's seat). A city whose application
    was returned for correction may upload after the call's deadline: the re-check
    decides whether the correction came in time."""
    if upload.applicant is None:
        return AccountUpload(None, UNREADABLE)
    if upload.applicant.teryt != teryt:
        return AccountUpload(None, OTHER_CITY)
    day = operator_day(at)
    if not call.is_open(day):
        with uow:
            application = uow.applications.find(call.code, teryt)
        correcting = application is not None and application.state == State.RETURNED_FOR_CORRECTION
        if day < call.opens:
            return AccountUpload(None, CALL_NOT_OPEN)
        if not correcting:
            return AccountUpload(None, CALL_CLOSED)
    return AccountUpload(receive_upload(uow, files, upload, at=at))


def submit(uow: UnitOfWork, files: FileStore, upload: Upload, *, at: datetime) -> SubmissionOutcome:
    """Store one upload and its report; see the module's rules."""
    content = upload.content
    if isinstance(content, NotKept):
        # Nothing to keep but the row; its stored_path is "" and its size 0.
        sha256, stored_path, size = content.sha256 or _unread_key(upload.file_name), "", 0
    else:
        sha256, size = hashlib.sha256(content).hexdigest(), len(content)
        # Files first: a stored file without a row is harmless (content-addressed,
        # reused by the retry); a row pointing to a missing file is not.
        stored_path = files.save_upload(sha256, content)
    new = NewSubmission(
        application_id=None,
        version_no=None,
        file_name=upload.file_name,
        sha256=sha256,
        stored_path=stored_path,
        size=size,
        report=upload.result.report,
        outline=upload.result.outline,
        submitted_by=upload.submitted_by,
        submitted_at=at,
    )
    return retry_on_conflict(uow, lambda uow: _record(uow, upload, new))


def _unread_key(file_name: str) -> str:
    """The identity of a file that could not be opened: no bytes, so its name.

    Submitting it again (a retried flow) finds its row instead of adding one.
    """
    return hashlib.sha256(f"unread upload: {file_name}".encode()).hexdigest()


def _record(uow: UnitOfWork, upload: Upload, new: NewSubmission) -> SubmissionOutcome:
    applicant, call_code = upload.applicant, upload.call_code
    application = None if applicant is None else uow.applications.find(call_code, applicant.teryt)
    # An application opened here has no versions yet, and no other writer sees it
    # before the commit (a second opening for the city fails on the unique key):
    # nothing to lock, look up or count, three round trips fewer per new city.
    opened = False
    if applicant is not None and application is None:
        opened = True
        application = uow.applications.add(
            call_code=call_code,
            stage=upload.stage,
            teryt=applicant.teryt,
            city_name=applicant.city_name,
            created_at=new.submitted_at,
        )
    application_id = None if application is None else application.id
    if not opened:
        if application_id is not None:
            uow.applications.lock(application_id)
        existing = uow.submissions.find(application_id, new.sha256)
        if existing is not None:
            return _outcome(existing, created=False)
    version_no = None
    if application_id is not None:
        version_no = 1 if opened else uow.submissions.last_version_no(application_id) + 1
    stored = uow.submissions.add(replace(new, application_id=application_id, version_no=version_no))
    if application is not None:
        notifications.tell_report_ready(uow, application, stored, at=new.submitted_at)
    return _outcome(stored, created=True, opened_application=opened)


def _outcome(
    submission: Submission, *, created: bool, opened_application: bool = False
) -> SubmissionOutcome:
    return SubmissionOutcome(
        application_id=submission.application_id,
        version_no=submission.version_no,
        submission_id=submission.id,
        created=created,
        valid=submission.valid,
        opened_application=opened_application,
    )
