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
from datetime import date
from decimal import Decimal
from typing import Any

from grantflow.domain.final_report import Activity, Expenditure, FinalReport, IndicatorResult
from grantflow.domain.money import cents
from grantflow.validation import form as forms
from grantflow.validation.form import FormDefinition
from grantflow.validation.report import FileReport, Issue
from grantflow.validation.rules import Row, Values, plain_amount
from grantflow.validation.sheets import read_values, sort_issues
from grantflow.validation.workbook import RawWorkbook

INDICATORS, EXPENDITURE, PARTNERSHIP = "Indicators", "Expenditure", "Partnership"


@dataclass(frozen=True)
class FinalReportResult:
    report: FileReport
    final_report: FinalReport | None  # only when the report has no errors


def _cross_field_issues(values: Values, committed_eur: Decimal) -> list[Issue]:
    issues = []
    start, end = values.fields.get("start_date"), values.fields.get("end_date")
    if start is not None and end is not None:
        assert isinstance(start.value, date) and isinstance(end.value, date)
        if end.value < start.value:
            issues.append(end.issue("end-before-start", start=start.value.isoformat()))
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
    report = FileReport(file=raw.file, issues=list(raw.issues))
    if not raw.readable:
        return FinalReportResult(report, None)
    definition = form if form is not None else forms.load("final_report")
    values, issues = read_values(raw, definition)
    issues.extend(_cross_field_issues(values, committed_eur))
    sort_issues(definition, issues)
    report.issues.extend(issues)
    return FinalReportResult(report, _build(values) if report.valid else None)


def _typed(row: Row, key: str) -> Any:
    return row.fields[key].value


def _rows(values: Values, sheet: str) -> tuple[Row, ...]:
    return tuple(values.tables.get(sheet, ()))


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
                indicator=_typed(row, "indicator"),
                unit=_typed(row, "unit"),
                baseline=_typed(row, "baseline"),
                target=_typed(row, "target"),
                achieved=_typed(row, "achieved"),
                year=_typed(row, "year"),
            )
            for row in _rows(values, INDICATORS)
        ),
        expenditure=tuple(
            Expenditure(
                line_no=_typed(row, "line_no"),
                category=_typed(row, "category"),
                description=_typed(row, "description"),
                amount=cents(_typed(row, "amount")),
                currency=_typed(row, "currency"),
            )
            for row in _rows(values, EXPENDITURE)
        ),
        activities=tuple(
            Activity(
                day=_typed(row, "date"),
                activity=_typed(row, "activity"),
                form=_typed(row, "form"),
                place=_typed(row, "place"),
                participants=_typed(row, "participants"),
            )
            for row in _rows(values, PARTNERSHIP)
        ),
        lump_sum_spent_eur=cents(get("lump_sum_spent_eur")),
        lump_sum_notes=get("lump_sum_notes") or "",
    )
