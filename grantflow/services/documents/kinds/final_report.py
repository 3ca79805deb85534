"""The final report (SPEC section 8): a project's results in Polish, with the Norwegian summary.

One per project with a valid stored final report (its newest), with the
commitment from the ledger and the partner, dated the day it came in. Its
expenditure is totalled per currency and in EUR at the rate recorded for the
application's call, the rate its outline's budget was converted at.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from grantflow.domain.final_report import FinalReport, lump_sum_split
from grantflow.domain.ledger import Ledger
from grantflow.services.documents.kind import DocumentKind, Planned
from grantflow.services.documents.labels import labels
from grantflow.services.documents.sources import Sources, agreed_lump_sum, final_reports, stem
from grantflow.services.ports.partners import PartnershipStatus
from grantflow.validation.form import FormDefinition


@dataclass(frozen=True)
class FinalReportDocument:
    report: FinalReport
    form: FormDefinition
    programme_name: Mapping[str, str]  # lang -> name
    issued: date  # the day the report came in
    committed_eur: Decimal  # what the signed agreement committed
    partner: str  # the donor municipality; "" without one
    rate: Decimal  # PLN per 1 EUR recorded for the application's call (its outline's budget)


def final_report_title(report: FinalReport) -> str:
    return f"Raport końcowy: {report.title} ({report.city_name})"


def final_report_context(
    report: FinalReport,
    form: FormDefinition,
    *,
    programme_name: str,
    issued: date,
    committed_eur: Decimal,
    partner: str,
    rate: Decimal,
) -> dict[str, Any]:
    """The final report in Polish with the Norwegian summary; ``partner``: "" without one."""
    categories = labels(form, "budget_categories", "pl")
    forms = labels(form, "involvement_forms", "pl")
    return {
        "document": {"title": final_report_title(report), "issued_on": issued, "lang": "pl"},
        "programme": {"name": programme_name},
        "report": {
            "city_name": report.city_name,
            "teryt": report.teryt,
            "title": report.title,
            "start_date": report.start_date,
            "end_date": report.end_date,
            "summary_pl": report.summary_pl,
            "summary_nb": report.summary_nb,
            "partner": partner,
            "indicators_reached": report.indicators_reached,
        },
        "indicators": [
            {
                "indicator": i.indicator,
                "unit": i.unit,
                "baseline": i.baseline,
                "target": i.target,
                "achieved": i.achieved,
                "attainment": i.attainment,
                "year": i.year,
            }
            for i in report.indicators
        ],
        "expenditure": {
            "lines": [
                {
                    "line_no": e.line_no,
                    "category": categories.get(e.category, e.category),
                    "description": e.description,
                    "amount": e.amount,
                    "currency": e.currency,
                }
                for e in sorted(report.expenditure, key=lambda e: e.line_no)
            ],
            "totals": [
                {"currency": currency, "amount": amount}
                for currency, amount in report.expenditure_totals().items()
            ],
            "total_eur": report.expenditure_eur(rate),
            # The rate matters (and is stated) only when a line was reported in PLN.
            "rate": rate if any(e.currency == "PLN" for e in report.expenditure) else None,
        },
        "activities": [
            {
                "day": a.day,
                "activity": a.activity,
                "form": forms.get(a.form, a.form),
                "place": a.place,
                "participants": a.participants,
            }
            for a in sorted(report.activities, key=lambda a: a.day)
        ],
        "lump_sum": {
            "committed_eur": committed_eur,
            "spent_eur": report.lump_sum_spent_eur,
            "returned_eur": lump_sum_split(report.lump_sum_spent_eur, committed_eur)[1],
            "notes": report.lump_sum_notes,
        },
    }


def _context(document: FinalReportDocument, lang: str) -> dict[str, Any]:
    return final_report_context(
        document.report,
        document.form,
        programme_name=document.programme_name[lang],
        issued=document.issued,
        committed_eur=document.committed_eur,
        partner=document.partner,
        rate=document.rate,
    )


def _plan(sources: Sources) -> list[Planned[FinalReportDocument]]:
    uow = sources.uow
    ledger = Ledger.from_entries(uow.ledger.all())
    partners = {
        p.application_id: uow.donors.get(p.donor_code).name
        for p in uow.partnerships.list()
        if p.status is PartnershipStatus.SIGNED
    }
    programme = sources.programme
    planned = []
    for application_id, (report, received) in sorted(final_reports(uow).items()):
        application = uow.applications.get(application_id)
        rate = programme.rate_for(programme.call(application.call_code).rate_month)
        document = FinalReportDocument(
            report,
            sources.form,
            sources.programme.name,
            issued=received,
            committed_eur=agreed_lump_sum(ledger.balance(application.teryt, application.call_code)),
            partner=partners.get(application_id, ""),
            rate=rate,
        )
        planned.append(Planned(application_id, stem("final_report", application), document))
    return planned


FINAL_REPORT: DocumentKind[FinalReportDocument] = DocumentKind(
    code="final_report",
    languages=("pl",),
    templates={"docx": "final_report/{lang}.docx", "pdf": "final_report/final_report.html.j2"},
    build_context=_context,
    plan=_plan,
)
