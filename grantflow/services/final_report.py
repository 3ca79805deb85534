"""Final-report intake: the project's report closes its lump sum in the ledger.

A valid final report (``grantflow.validation.final_report``) of a project in
implementation moves it to ``final_report_submitted`` and books, for the
city, ``spend`` (the lump sum spent) and ``return`` (the unspent part of the
commitment, back to the Programme Operator). The amounts derive from the
report and the commit entries, never from the current balance, and the
idempotency keys name the call, the application and the report's version:
running the intake again books nothing twice and fails nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from grantflow.domain.final_report import FinalReport, lump_sum_split
from grantflow.domain.ledger import ZERO, EntryKind, LedgerEntry
from grantflow.domain.lifecycle import Action, State
from grantflow.services.ledger import book
from grantflow.services.lifecycle import advance
from grantflow.services.lifecycle_ports import LifecycleUnitOfWork
from grantflow.services.ports import Application


@dataclass(frozen=True)
class FinalReportIntake:
    application: Application
    spent: LedgerEntry | None  # None when nothing was spent
    returned: LedgerEntry | None  # None when everything committed was spent
    created: bool  # False: this version was taken in before (nothing new booked)


def committed_lump_sum(uow: LifecycleUnitOfWork, teryt: str) -> Decimal:
    """Everything the city's signed agreements committed (the limit of its final report)."""
    entries = uow.ledger.entries_for_update(teryt)
    return sum((e.amount for e in entries if e.kind is EntryKind.COMMIT), ZERO)


def submit_final_report(
    uow: LifecycleUnitOfWork,
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
            report.lump_sum_spent_eur, committed_lump_sum(uow, application.teryt)
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
