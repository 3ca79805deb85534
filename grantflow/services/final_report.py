"""Final-report intake: the project's report closes its lump sum in the ledger.

A valid final report (``grantflow.validation.final_report``) of a project in
implementation moves it to ``final_report_submitted`` and books, for the
city, ``spend`` (the lump sum spent) and ``return`` (the unspent part of the
commitment, back to the Programme Operator). The amounts derive from the
report and the commit entries, never from the current balance, and the
idempotency keys name the call, the application and the report's version:
running the intake again books nothing twice and fails nothing.

``take_in_final_report`` is the whole intake of an uploaded file: validated
against the commitment, kept as a version of the project's final report
(the original bytes content-addressed, valid or not, as outline uploads
are), and booked when valid.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from grantflow.domain.errors import NotFound
from grantflow.domain.final_report import FinalReport, lump_sum_split
from grantflow.domain.ledger import ZERO, EntryKind, LedgerEntry
from grantflow.domain.lifecycle import Action, State
from grantflow.services.ledger import account_of, book
from grantflow.services.lifecycle import advance
from grantflow.services.ports.applications import Application
from grantflow.services.ports.files import FileStore
from grantflow.services.ports.final_reports import NewFinalReport, StoredFinalReport
from grantflow.services.ports.unit_of_work import UnitOfWork
from grantflow.services.retry import retry_on_conflict
from grantflow.validation.final_report import validate_final_report
from grantflow.validation.workbook import RawWorkbook


@dataclass(frozen=True)
class FinalReportIntake:
    application: Application
    spent: LedgerEntry | None  # None when nothing was spent
    returned: LedgerEntry | None  # None when everything committed was spent
    created: bool  # False: this version was taken in before (nothing new booked)


def committed_lump_sum(uow: UnitOfWork, application: Application) -> Decimal:
    """Everything the application's signed agreement committed (the limit of its final
    report): its own call's account, never another call's money of the same city."""
    entries = uow.ledger.entries_for_update(account_of(application))
    return sum((e.amount for e in entries if e.kind is EntryKind.COMMIT), ZERO)


def submit_final_report(
    uow: UnitOfWork,
    call_code: str,
    application_id: int,
    report: FinalReport,
    *,
    version: int,
    at: datetime,
    actor: str,
) -> FinalReportIntake:
    """Take in version ``version`` of a project's final report (validated against the commitment).

    LedgerError when the report spends more than was committed; a second,
    different version after the first one was booked is refused the same
    way (the commitment is closed).
    """
    with uow:
        application = uow.applications.get_for_update(application_id)
        created = application.state != State.FINAL_REPORT_SUBMITTED
        if created:
            application = advance(
                uow,
                application_id,
                Action.SUBMIT_FINAL_REPORT,
                at=at,
                actor=actor,
                payload={"version": version, "lump_sum_spent_eur": report.lump_sum_spent_eur},
            )
        spent, unspent = lump_sum_split(
            report.lump_sum_spent_eur, committed_lump_sum(uow, application)
        )
        prefix = f"{call_code}:{application_id}:final-report-v{version}"
        entries: dict[EntryKind, LedgerEntry | None] = {}
        for kind, amount, reason in (
            (EntryKind.SPEND, spent, "lump sum spent (final report)"),
            (EntryKind.RETURN, unspent, "unspent lump sum returned at closing"),
        ):
            entries[kind] = None
            if amount > 0:
                entry, booked = book(
                    uow,
                    key=f"{kind}:{prefix}",
                    call=call_code,
                    city=application.teryt,
                    kind=kind,
                    amount=amount,
                    at=at,
                    actor=actor,
                    reason=f"{application.city_name}: {reason}",
                )
                entries[kind] = entry
                created = created or booked
        uow.commit()
    return FinalReportIntake(
        application, entries[EntryKind.SPEND], entries[EntryKind.RETURN], created
    )


@dataclass(frozen=True)
class FinalReportUpload:
    stored: StoredFinalReport  # the version this file is (valid or not)
    intake: FinalReportIntake | None  # the booking; None for an invalid report
    created: bool  # False: these bytes were taken in before (nothing new stored or booked)


def take_in_final_report(
    uow: UnitOfWork,
    files: FileStore,
    application_id: int,
    raw: RawWorkbook,
    *,
    file_name: str,
    content: bytes,
    at: datetime,
    actor: str,
) -> FinalReportUpload:
    """Validate an uploaded final report, keep it as a version, and book it when valid.

    The report is checked against what the city's agreement committed (from
    the ledger). Refused before anything is stored: a valid report of another
    city (NotFound: the wrong application was named), a project not in
    implementation (IllegalTransition), a second report after the first was
    booked (LedgerError). The same file again is the same version.
    """
    with uow:
        application = uow.applications.get(application_id)
        committed = committed_lump_sum(uow, application)
    result = validate_final_report(raw, committed_eur=committed)
    report = result.final_report
    if report is not None and report.teryt != application.teryt:
        raise NotFound(
            f"application {application_id} is {application.city_name} "
            f"(TERYT {application.teryt}); the report is for {report.city_name} "
            f"(TERYT {report.teryt})"
        )
    sha256 = hashlib.sha256(content).hexdigest()
    # Files first, as intake does: a kept file without a row is harmless.
    stored_path = files.save_upload(sha256, content)
    with uow:
        known = uow.final_reports.find(application_id, sha256)
        version = (
            known.version_no
            if known is not None
            else uow.final_reports.last_version_no(application_id) + 1
        )
    # Booked before the version is stored: a refused booking stores nothing,
    # and a run that stops in between books nothing twice when repeated
    # (the ledger keys name the version).
    intake = (
        None
        if report is None
        else submit_final_report(
            uow,
            application.call_code,
            application_id,
            report,
            version=version,
            at=at,
            actor=actor,
        )
    )
    if known is not None:
        return FinalReportUpload(known, intake, created=False)
    new = NewFinalReport(
        application_id=application_id,
        version_no=version,
        file_name=file_name,
        sha256=sha256,
        stored_path=stored_path,
        size=len(content),
        report=result.report,
        final_report=report,
        submitted_by=actor,
        submitted_at=at,
    )

    def keep(uow: UnitOfWork) -> tuple[StoredFinalReport, bool]:
        # Found when the same file was taken in concurrently: that version is this one.
        winner = uow.final_reports.find(application_id, sha256)
        return (winner, False) if winner is not None else (uow.final_reports.add(new), True)

    stored, created = retry_on_conflict(uow, keep)
    return FinalReportUpload(stored, intake, created=created)
