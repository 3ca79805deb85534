"""What a kind's planner reads: the store in an open transaction, and what it shares.

Every date a planner gives a document comes from the store (the day a
version was submitted, a decision taken, an agreement signed), so
generating again from unchanged data gives byte-identical files; only a
programme-wide document is dated by the caller (``Sources.issued``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property

from grantflow.domain.audit import AuditEntry
from grantflow.domain.deadlines import operator_day
from grantflow.domain.errors import NotFound
from grantflow.domain.final_report import FinalReport
from grantflow.domain.ledger import CityBalance
from grantflow.domain.names import slug
from grantflow.domain.outline import Outline
from grantflow.domain.programme import Programme
from grantflow.services.ports.applications import Application, Submission
from grantflow.services.ports.unit_of_work import UnitOfWork
from grantflow.validation.form import FormDefinition


@dataclass(frozen=True)
class Sources:
    """Everything a planner may read; ``uow`` is inside its transaction."""

    uow: UnitOfWork
    programme: Programme
    form: FormDefinition
    issued: date  # the date of a programme-wide document (the publication)

    @cached_property
    def audit_days(self) -> AuditDays:
        """The audit log, read once for every kind the planners plan."""
        return AuditDays(self.uow.audit.all())

    @cached_property
    def applications(self) -> list[Application]:
        """Every application, read once for every kind."""
        return self.uow.applications.list()

    @cached_property
    def current_versions(self) -> dict[int, Submission]:
        """Each application's newest valid version (``lifecycle.current_version``), read
        once for every kind: the applications, decisions, agreements and the publication
        each read them per application before, four reads of every outline a batch."""
        return self.uow.submissions.newest_valid()

    @cached_property
    def outlines(self) -> dict[int, Outline]:
        """The newest valid outline of each application that has one."""
        return {
            application_id: version.outline
            for application_id, version in self.current_versions.items()
            if version.outline is not None
        }

    def outline(self, application_id: int) -> Outline:
        """The application's newest valid outline; NotFound as ``current_version``."""
        try:
            return self.outlines[application_id]
        except KeyError:
            raise NotFound(f"application {application_id} has no valid version") from None


def day_of(moment: datetime) -> date:
    """The day a moment falls on at the operator's seat: the day a document carries."""
    return operator_day(moment)


def stem(kind: str, application: Application) -> str:
    """``<kind>/<call>/<city>``: an application's document below the output folder."""
    return f"{kind}/{application.call_code}/{slug(application.city_name)}"


def final_reports(uow: UnitOfWork) -> dict[int, tuple[FinalReport, date]]:
    """The newest valid final report of each project, with the day it came in."""
    found = {}
    for stored in uow.final_reports.list():  # by application, then version
        if stored.final_report is not None:
            found[stored.application_id] = (stored.final_report, day_of(stored.submitted_at))
    return found


class AuditDays:
    """The audit log grouped by subject, built once: dating each of N documents by
    scanning the whole log was quadratic (10,000 decision letters: 3 minutes)."""

    def __init__(self, log: Iterable[AuditEntry]) -> None:
        self._by_subject: dict[str, list[AuditEntry]] = defaultdict(list)
        for entry in log:
            self._by_subject[entry.subject].append(entry)

    def last(self, application_id: int, actions: Iterable[str]) -> date:
        """The day of the application's latest audit entry among ``actions``."""
        wanted = set(actions)
        subject = f"application:{application_id}"
        days = [day_of(e.at) for e in self._by_subject[subject] if e.action in wanted]
        if not days:
            raise NotFound(f"the audit log has no {' or '.join(sorted(wanted))} of {subject}")
        return days[-1]


def agreed_lump_sum(balance: CityBalance) -> Decimal:
    """What the city's signed agreement committed, also after its closing return
    (the balance's ``committed`` is net of what went back)."""
    return balance.committed + balance.returned_from_commitment
