"""Validate an uploaded outline: ``RawWorkbook`` -> ``FileReport`` (+ ``Outline``).

The sheets are read and each value checked on its own by the shared form
reader (``sheets``: types, required, allowed, min, max, maxlength, NIP,
TERYT, e-mail). Values that passed all of that go to the outline's
cross-field rules (``rules``). Only an outline without errors becomes an
``Outline``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from grantflow.domain.money import cents
from grantflow.domain.outline import BudgetLine, Indicator, Outline
from grantflow.domain.programme import Programme
from grantflow.validation import form as forms
from grantflow.validation.form import FormDefinition
from grantflow.validation.report import FileReport
from grantflow.validation.rules import BUDGET, INDICATORS, Values, cross_field_issues, line_eur
from grantflow.validation.sheets import check_workbook
from grantflow.validation.sheets import column_letter as column_letter  # re-exported
from grantflow.validation.workbook import RawWorkbook


@dataclass(frozen=True)
class ValidationResult:
    report: FileReport
    outline: Outline | None  # only when the report has no errors
    # Who the upload is from, also when it has errors: the TERYT when it is
    # well formed on its own, and the city's name as typed (None if missing).
    teryt: str | None = None
    city_name: str | None = None


def call_rate(programme: Programme, call_code: str) -> Decimal:
    """The EUR/PLN rate converting the PLN lines of the call's uploads."""
    return programme.rate_for(programme.call(call_code).rate_month)


def validate_outline(
    raw: RawWorkbook, programme: Programme, call_code: str, form: FormDefinition | None = None
) -> ValidationResult:
    """Check an uploaded outline against the form and the programme's rules.

    Bad input never raises: every problem is an issue in the report. An
    unknown ``call_code`` or a call without an exchange rate is a broken
    configuration, not bad input: ``ConfigurationError``.
    """
    rate = call_rate(programme, call_code)
    report, values = check_workbook(
        raw,
        form if form is not None else forms.load("outline"),
        lambda values: cross_field_issues(values, programme, rate),
    )
    return result_of(report, values, rate)


def result_of(report: FileReport, values: Values | None, rate: Decimal) -> ValidationResult:
    """The result of a checked outline (or of the outline part of a proposal)."""
    if values is None:
        return ValidationResult(report=report, outline=None)
    teryt, city_name = values.get("teryt"), values.get("city_name")
    return ValidationResult(
        report=report,
        outline=_build_outline(values, rate) if report.valid else None,
        teryt=teryt if isinstance(teryt, str) else None,
        city_name=city_name if isinstance(city_name, str) else None,
    )


# --- the Outline ---------------------------------------------------------------


def _text(values: Values, key: str) -> str:
    value = values.get(key)
    return value if isinstance(value, str) else ""


def _codes(values: Values, key: str) -> tuple[str, ...]:
    value = values.get(key)
    return value if isinstance(value, tuple) else ()


def _build_outline(values: Values, rate: Decimal) -> Outline:
    """The typed outline; called only when no rule found an error, so every
    required value is present and of its type."""
    budget = []
    for row in values.rows(BUDGET):
        amount_eur = line_eur(row, rate)
        assert amount_eur is not None
        budget.append(
            BudgetLine(
                **row.typed_values("line_no", "category", "description", "year", "amount"),
                currency=row.typed("currency"),
                amount_eur=amount_eur,
                rate=None if row.typed("currency") == "EUR" else rate,
            )
        )
    indicators = tuple(
        Indicator(**row.typed_values("indicator", "unit", "baseline", "target", "year"))
        for row in values.rows(INDICATORS)
    )
    get = values.get
    country = get("preferred_country")

    def money(key: str) -> Decimal:
        amount = get(key)
        assert isinstance(amount, Decimal)
        return cents(amount)

    def day(key: str) -> date:
        value = get(key)
        assert isinstance(value, date)
        return value

    population = get("population")
    assert isinstance(population, int)
    return Outline(
        city_name=_text(values, "city_name"),
        teryt=_text(values, "teryt"),
        voivodeship=_text(values, "voivodeship"),
        population=population,
        nip=_text(values, "nip"),
        contact_name=_text(values, "contact_name"),
        contact_email=_text(values, "contact_email"),
        contact_phone=_text(values, "contact_phone"),
        representative_name=_text(values, "representative_name"),
        representative_position=_text(values, "representative_position"),
        title_pl=_text(values, "title_pl"),
        title_en=_text(values, "title_en"),
        summary_pl=_text(values, "summary_pl"),
        summary_en=_text(values, "summary_en"),
        primary_theme=_text(values, "primary_theme"),
        secondary_themes=_codes(values, "secondary_themes"),
        start_date=day("start_date"),
        end_date=day("end_date"),
        total_budget_eur=money("total_budget_eur"),
        requested_grant_eur=money("requested_grant_eur"),
        co_financing_eur=money("co_financing_eur"),
        budget=tuple(budget),
        wants_partner=get("wants_partner") == "yes",
        preferred_country=country if isinstance(country, str) else None,
        partner_themes=_codes(values, "partner_themes"),
        involvement_forms=_codes(values, "involvement_forms"),
        expectations_pl=_text(values, "expectations_pl"),
        expectations_en=_text(values, "expectations_en"),
        preferred_partner=_text(values, "preferred_partner"),
        indicators=indicators,
    )
