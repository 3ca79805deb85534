"""Validate an uploaded final report: ``RawWorkbook`` -> ``FileReport`` (+ ``FinalReport``).

The sheets are read and each value checked on its own by the shared form
reader (``sheets``), exactly as for the outline. Rules across fields: the
project ends after it starts, and the lump sum spent does not exceed what
the partnership agreement committed (read from the ledger by the caller
and passed in: validation does no I/O). Only a report without errors
becomes a ``FinalReport``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from grantflow.domain.final_report import Activity, Expenditure, FinalReport, IndicatorResult
from grantflow.domain.money import cents
from grantflow.validation import form as forms
from grantflow.validation.form import FormDefinition
from grantflow.validation.report import FileReport, Issue
from grantflow.validation.rules import (
    INDICATORS,
    PARTNERSHIP,
    Values,
    end_before_start,
    plain_amount,
)
from grantflow.validation.sheets import check_workbook
from grantflow.validation.workbook import RawWorkbook

EXPENDITURE = "Expenditure"


@dataclass(frozen=True)
class FinalReportResult:
    report: FileReport
    final_report: FinalReport | None  # only when the report has no errors


def _cross_field_issues(values: Values, committed_eur: Decimal) -> list[Issue]:
    issues = list(end_before_start(values))
    spent = values.fields.get("lump_sum_spent_eur")
    if spent is not None:
        assert isinstance(spent.value, Decimal)
        if cents(spent.value) > cents(committed_eur):
            issues.append(spent.issue("lump-sum-overspent", committed=plain_amount(committed_eur)))
    return issues


def validate_final_report(
    raw: RawWorkbook, *, committed_eur: Decimal, form: FormDefinition | None = None
) -> FinalReportResult:
    """Check a final report; ``committed_eur``: the city's committed lump sum (0 without one).

    Bad input never raises: every problem is an issue in the report.
    """
    report, values = check_workbook(
        raw,
        form if form is not None else forms.load("final_report"),
        lambda values: _cross_field_issues(values, committed_eur),
    )
    if values is None or not report.valid:
        return FinalReportResult(report, None)
    return FinalReportResult(report, _build(values))


def _build(values: Values) -> FinalReport:
    """The typed report; called only without errors, so every required value is there."""

    def get(key: str) -> Any:
        return values.get(key)

    return FinalReport(
        city_name=get("city_name"),
        teryt=get("teryt"),
        title=get("title"),
        start_date=get("start_date"),
        end_date=get("end_date"),
        summary_pl=get("summary_pl"),
        summary_nb=get("summary_nb"),
        indicators=tuple(
            IndicatorResult(
                **row.typed_values("indicator", "unit", "baseline", "target", "achieved", "year")
            )
            for row in values.rows(INDICATORS)
        ),
        expenditure=tuple(
            Expenditure(
                **row.typed_values("line_no", "category", "description", "currency"),
                amount=cents(row.typed("amount")),
            )
            for row in values.rows(EXPENDITURE)
        ),
        activities=tuple(
            Activity(
                day=row.typed("date"),
                **row.typed_values("activity", "form", "place", "participants"),
            )
            for row in values.rows(PARTNERSHIP)
        ),
        lump_sum_spent_eur=cents(get("lump_sum_spent_eur")),
        lump_sum_notes=get("lump_sum_notes") or "",
    )
