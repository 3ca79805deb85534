"""The final-report form's values of the curated sample final reports (``samples/final_reports/``).

Each report answers the outline of its town (``samples/outlines.yaml``): the
same title and dates, the outline's indicators with what was achieved,
expenditure per budget line (line numbers, categories and currencies of the
outline), the activities with the partner the demo gives the town, and the
lump sum spent. ``reference_final_reports`` gives every report of
``samples/final_reports.yaml``, written by ``grantflow samples
final-reports``; two of them spend less than the lump sum committed, so the
rest returns to the Programme Operator at closing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from grantflow.domain.names import slug
from grantflow.domain.outline import LUMP_SUM_CATEGORY
from grantflow.samples.outlines import Record
from grantflow.validation.sample_reports_file import ReportPlan, load_sample_reports

FinalReportValues = dict[str, Record | list[Record]]


@dataclass(frozen=True)
class FinalReportSample:
    name: str  # file name without .xlsx
    teryt: str
    partner: str
    lump_sum_spent_eur: Decimal
    values: FinalReportValues
    written_at: datetime  # stamped into the file, so that it never changes by itself


def final_report_values(report: ReportPlan) -> FinalReportValues:
    """The final-report form's values of ``report`` on the project of its outline."""
    outline = report.outline
    lines: list[Record] = [
        {
            "line_no": number,
            "category": line.category,
            "description": (
                f"Partnerstwo z {report.partner}"
                if line.category == LUMP_SUM_CATEGORY
                else line.description
            ),
            "amount": amount,
            "currency": "EUR" if line.category == LUMP_SUM_CATEGORY else line.currency,
        }
        for number, (line, amount) in enumerate(
            zip(outline.lines, report.spent, strict=True), start=1
        )
    ]
    return {
        "Report": {
            "city_name": outline.town.name,
            "teryt": outline.town.teryt,
            "title": outline.title_pl,
            "start_date": outline.start,
            "end_date": outline.end,
            "summary_pl": report.summary_pl,
            "summary_nb": report.summary_nb,
        },
        "Indicators": [
            {
                "indicator": target.indicator,
                "unit": target.unit,
                "baseline": target.baseline,
                "target": target.target,
                "achieved": achieved,
                "year": target.year,
            }
            for target, achieved in zip(outline.targets, report.achieved, strict=True)
        ],
        "Expenditure": lines,
        "Partnership": [
            {
                "date": a.day,
                "activity": a.activity,
                "form": a.form,
                "place": a.place,
                "participants": a.participants,
            }
            for a in report.activities
        ],
        "LumpSum": {
            "lump_sum_spent_eur": lump_sum_spent(report),
            "lump_sum_notes": report.lump_sum_notes,
        },
    }


def lump_sum_spent(report: ReportPlan) -> Decimal:
    """The amount reported on the outline's lump-sum line (in EUR)."""
    return next(
        amount
        for amount, line in zip(report.spent, report.outline.lines, strict=True)
        if line.category == LUMP_SUM_CATEGORY
    )


def reference_final_reports() -> tuple[FinalReportSample, ...]:
    """Every curated final report, named after its town."""
    samples = load_sample_reports()
    return tuple(
        FinalReportSample(
            name=slug(report.outline.town.name),
            teryt=report.outline.town.teryt,
            partner=report.partner,
            lump_sum_spent_eur=lump_sum_spent(report),
            values=final_report_values(report),
            written_at=samples.written_at,
        )
        for report in samples.reports
    )
