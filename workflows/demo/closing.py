"""The demo's closing: final reports of the partnered projects, then every document.

Runs after ``workflows.demo.programme`` on the demo home. The operator's
part is done through the services the CLI calls: each funded project with a
signed agreement starts its implementation, and its city's sample final
report (``samples/final_reports/``, matched by TERYT) is taken in, which
books the lump sum spent and returns the rest. The sample reports are
written for the cities the demo partners; a city this run funds and
partners without a sample simply reports nothing, and a sample whose city
is not partnered in this run is left out. Then the documents flow renders
every document of the programme into ``GRANTFLOW_HOME/documents`` (docx and
PDF where a kind has both), writes the manifest and records each file in
the store.

Every step checks the store first, so running the demo again changes nothing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from grantflow import bootstrap, config, resources
from grantflow.adapters.spreadsheet import read_workbook
from grantflow.domain.ledger import LedgerEntry
from grantflow.domain.lifecycle import State
from grantflow.samples.final_reports import reference_final_reports
from grantflow.services import partnership
from grantflow.services.documents.generation import Selection, programme_requests
from grantflow.services.final_report import take_in_final_report
from grantflow.services.lifecycle_views import ledger_view
from grantflow.services.ports.partners import PartnershipStatus
from grantflow.validation import form
from grantflow.validation.demo_file import DemoCalendar, DemoCast
from workflows import progress
from workflows.demo.programme import STAGE2
from workflows.documents import BatchResult, generate_documents
from workflows.notifications import reminders

DOCUMENTS = "documents"  # the folder below GRANTFLOW_HOME


@dataclass(frozen=True)
class ReportedProject:
    application_id: int
    city: str
    partner: str
    version_no: int
    spent: Decimal | None  # None: the report did not pass validation (nothing booked)
    returned: Decimal | None


def sample_final_reports() -> dict[str, Path]:
    """The shipped sample final reports by the TERYT code of their city."""
    folder = resources.samples() / "final_reports"
    return {s.teryt: folder / f"{s.name}.xlsx" for s in reference_final_reports()}


def _amount(entry: LedgerEntry | None) -> Decimal:
    return Decimal("0.00") if entry is None else entry.amount


@dataclass(frozen=True)
class ClosingResult:
    projects: list[ReportedProject]
    ledger: dict[str, Any]  # grantflow.services.lifecycle_views.ledger_view, after the reports

    def summary_lines(self) -> list[str]:
        """Each project's lump sum spent and returned at closing."""
        lines = ["", "Final reports (lump sums in EUR):"]
        width = max((len(p.city) + len(p.partner) for p in self.projects), default=0) + 6
        for p in self.projects:
            who = f"{p.city} with {p.partner}"
            if p.spent is None or p.returned is None:
                lines.append(f"  {who:<{width}} version {p.version_no}: invalid, nothing booked")
            else:
                lines.append(
                    f"  {who:<{width}} version {p.version_no}: spent {p.spent:>11,.2f}, "
                    f"returned {p.returned:>10,.2f}"
                )
        spent = sum((p.spent for p in self.projects if p.spent is not None), Decimal("0.00"))
        returned = sum(
            (p.returned for p in self.projects if p.returned is not None), Decimal("0.00")
        )
        lines.append(
            f"{len(self.projects)} final reports: EUR {spent:,.2f} spent, "
            f"EUR {returned:,.2f} unspent and returned at closing."
        )
        return lines


def submit_final_reports(
    settings: config.Settings, cast: DemoCast, programme_file: str
) -> ClosingResult:
    """Each partnered project with a sample report: implementation started, report taken in."""
    samples = sample_final_reports()
    operator, calendar = cast.operator, cast.calendar
    with bootstrap.build(settings=settings) as wired:
        uow = wired.unit_of_work()
        with uow:
            signed = {
                p.application_id: uow.donors.get(p.donor_code).name
                for p in uow.partnerships.list()
                if p.status is PartnershipStatus.SIGNED
            }
            projects = [
                a for a in uow.applications.list(STAGE2) if a.id in signed and a.teryt in samples
            ]
        for application in projects:
            if application.state == State.AGREEMENT_SIGNED:
                partnership.start_implementation(
                    uow,
                    application.id,
                    at=calendar.at(calendar.implementation_starts),
                    actor=operator,
                    reason="partnership agreement signed",
                )
        # The projects are reminded that their final reports are due.
        reminders(
            programme_file=programme_file, as_of=calendar.at(calendar.final_reports_submitted)
        )
        reported = []
        progress.expect(len(projects))
        for application in projects:
            path = samples[application.teryt]
            upload = take_in_final_report(
                uow,
                wired.files,
                application.id,
                read_workbook(path),
                file_name=path.name,
                content=path.read_bytes(),
                at=calendar.at(calendar.final_reports_submitted),
                actor=f"{application.city_name} (demo)",
            )
            intake = upload.intake
            reported.append(
                ReportedProject(
                    application.id,
                    application.city_name,
                    signed[application.id],
                    upload.stored.version_no,
                    None if intake is None else _amount(intake.spent),
                    None if intake is None else _amount(intake.returned),
                )
            )
            progress.advance()
        return ClosingResult(reported, ledger_view(uow))


@dataclass(frozen=True)
class DocumentsDemoResult:
    folder: Path
    batch: BatchResult

    def summary_lines(self) -> list[str]:
        """How many documents of each kind, in which folder (the manifest lists every file)."""
        documents = self.batch.documents
        lines = ["", f"Documents in {self.folder} (manifest.json lists each file and its SHA-256):"]
        folders: dict[str, set[str]] = defaultdict(set)
        for d in documents:
            folders[d.kind].add(d.path.parent.relative_to(self.folder).parts[0] + "/")
        per_kind = Counter(d.kind for d in documents)
        width = max((len(kind) for kind in per_kind), default=0)
        for kind, count in per_kind.items():
            lines.append(f"  {kind:<{width}} {count:>4}  in {', '.join(sorted(folders[kind]))}")
        lines.append(
            f"{len(documents)} documents, {self.batch.recorded} new to the store, "
            f"{len(self.batch.failures)} failed."
        )
        lines.extend(f"  FAILED {f.target}: {f.reason}" for f in self.batch.failures)
        return lines


def generate_every_document(
    settings: config.Settings, programme_file: str, calendar: DemoCalendar
) -> DocumentsDemoResult:
    """Every document of the programme into ``GRANTFLOW_HOME/documents``, through the flow,
    on the day the calendar publishes them."""
    folder = settings.home / DOCUMENTS
    made_at = calendar.at(calendar.documents_generated)
    with bootstrap.build(settings=settings, programme_file=programme_file) as wired:
        requests = programme_requests(
            wired.unit_of_work(),
            programme=wired.programme,
            form=form.load("outline"),
            folder=folder,
            selection=Selection(),
            issued=wired.programme.publication_day(calendar.documents_generated),
        )
    batch = generate_documents(requests, str(folder), settings=settings, as_of=made_at)
    return DocumentsDemoResult(folder, batch)
