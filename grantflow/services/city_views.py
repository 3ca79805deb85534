"""What a city sees of its own applications: versions, reports, state, deadlines, documents.

Read-only: every function opens its own unit of work and returns frozen
values. Which city may see which application is the portal's check
(``grantflow.web.portal.owned``); these functions answer for one city's
TERYT or one application.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from grantflow.domain.lifecycle import Action, State
from grantflow.services.ports.applications import Application, Submission
from grantflow.services.ports.documents import DocumentRecord
from grantflow.services.ports.final_reports import StoredFinalReport
from grantflow.services.ports.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ApplicationFile:
    application: Application
    versions: list[Submission]  # oldest first
    final_reports: list[StoredFinalReport]  # oldest first
    documents: list[DocumentRecord]  # the newest file of each kind, language and format
    # The day a correction must be uploaded by, while the application is returned for one.
    correction_deadline: date | None


def applications_of(uow: UnitOfWork, teryt: str) -> list[Application]:
    """The city's applications, in the order they were made."""
    with uow:
        return [a for a in uow.applications.list() if a.teryt == teryt]


def application_file(uow: UnitOfWork, application_id: int) -> ApplicationFile:
    """Everything about one application (NotFound when there is none)."""
    with uow:
        application = uow.applications.get(application_id)
        versions = uow.submissions.for_application(application_id)
        final_reports = [r for r in uow.final_reports.list() if r.application_id == application_id]
        newest: dict[tuple[str, str, str], DocumentRecord] = {}
        for record in uow.documents.list(application_id):
            newest[(record.kind, record.lang, record.fmt)] = record
        deadline = None
        if application.state == State.RETURNED_FOR_CORRECTION:
            deadline = _correction_deadline(uow, application_id)
    return ApplicationFile(application, versions, final_reports, list(newest.values()), deadline)


def _correction_deadline(uow: UnitOfWork, application_id: int) -> date | None:
    action, subject = f"transition:{Action.RETURN_FOR_CORRECTION}", f"application:{application_id}"
    returned = [e for e in uow.audit.all() if (e.action, e.subject) == (action, subject)]
    return date.fromisoformat(str(returned[-1].payload["deadline"])) if returned else None
